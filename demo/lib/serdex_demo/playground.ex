defmodule SerdexDemo.Playground do
  @moduledoc """
  The JSON operations of the demo. Every one of them is answered by the
  Serdex NIF: `Serdex.Formatter` pretty-prints and minifies (keeping key
  order), `Serdex.decode/1` validates, and `Serdex.nif_info/0` reports
  which native library answered.
  """

  @typedoc "An invalid document, as shown on the page and in the API."
  @type error_details :: %{message: String.t(), position: non_neg_integer(), reason: String.t()}

  @format_modes ~w(pretty minify)
  @modes ~w(pretty minify validate)

  @doc "Modes accepted by `POST /api/format`."
  def format_modes, do: @format_modes

  @doc "Modes offered by the form on the home page."
  def modes, do: @modes

  @doc """
  Pretty-prints (two-space indent) or minifies `json`.

  Pretty output longer than `SerdexDemo.max_output_bytes/1` of the input
  is refused with `{:error, {:output_too_large, limit}}`.
  """
  @spec format(iodata(), String.t()) ::
          {:ok, String.t()}
          | {:error, error_details()}
          | {:error, {:output_too_large, pos_integer()}}
  def format(json, "pretty") do
    limit = SerdexDemo.max_output_bytes(IO.iodata_length(json))

    # The formatter stops as soon as its output would pass the limit.
    case run_formatter(&Serdex.Formatter.pretty_print(&1, indent: "  ", max_bytes: limit), json) do
      {:error, %{reason: "the output would be longer than" <> _}} ->
        {:error, {:output_too_large, limit}}

      other ->
        other
    end
  end

  def format(json, "minify"), do: run_formatter(&Serdex.Formatter.minimize/1, json)

  @doc """
  Validates `json`; on success describes the top-level value.
  """
  @spec validate(iodata()) :: {:ok, String.t()} | {:error, error_details()}
  def validate(json) do
    case Serdex.decode(json) do
      {:ok, term} -> {:ok, describe(term)}
      {:error, %Serdex.DecodeError{} = error} -> {:error, error_details(error)}
    end
  end

  @doc """
  Runs one of `modes/0` for the home page form.
  """
  @spec run(String.t(), iodata()) ::
          {:ok, String.t()}
          | {:error, error_details()}
          | {:error, {:output_too_large, pos_integer()}}
          | {:error, :unknown_mode}
  def run(mode, json) when mode in @format_modes, do: format(json, mode)
  def run("validate", json), do: validate(json)
  def run(_mode, _json), do: {:error, :unknown_mode}

  @doc """
  What a `Serdex.DecodeError` tells a person: the message (which names
  the byte position and shows the surrounding text with a caret), the
  byte position and the short reason.
  """
  @spec error_details(%Serdex.DecodeError{}) :: error_details()
  def error_details(%Serdex.DecodeError{} = error) do
    %{
      message: scrub(Exception.message(error)),
      position: error.position,
      reason: scrub(to_string(error.reason))
    }
  end

  @doc """
  `Serdex.nif_info/0` with every value made JSON-safe (atoms and
  charlists become strings, anything else unexpected is inspected), so
  `GET /api/info` never fails on an extra key.
  """
  @spec nif_info() :: %{optional(String.t()) => term()}
  def nif_info, do: to_json_safe(Serdex.nif_info())

  @doc false
  def to_json_safe(value) when is_binary(value), do: scrub(value)
  def to_json_safe(value) when is_boolean(value) or is_nil(value) or is_number(value), do: value
  def to_json_safe(value) when is_atom(value), do: Atom.to_string(value)
  def to_json_safe(%_{} = struct), do: inspect(struct)

  def to_json_safe(map) when is_map(map) do
    Map.new(map, fn {key, value} -> {key_to_string(key), to_json_safe(value)} end)
  end

  def to_json_safe(list) when is_list(list) do
    if list != [] and :io_lib.printable_unicode_list(list),
      do: List.to_string(list),
      else: Enum.map(list, &to_json_safe/1)
  end

  def to_json_safe(other), do: inspect(other)

  defp key_to_string(key) when is_binary(key), do: scrub(key)
  defp key_to_string(key) when is_atom(key), do: Atom.to_string(key)
  defp key_to_string(key), do: inspect(key)

  defp run_formatter(formatter, json) do
    {:ok, formatter.(json)}
  rescue
    error in Serdex.DecodeError -> {:error, error_details(error)}
  end

  defp describe(map) when is_map(map), do: "an object with #{count(map_size(map), "key")}"
  defp describe(list) when is_list(list), do: "an array with #{count(length(list), "item")}"
  defp describe(string) when is_binary(string), do: "a string"
  defp describe(boolean) when is_boolean(boolean), do: "a boolean"
  defp describe(nil), do: "null"
  defp describe(_number), do: "a number"

  defp count(1, noun), do: "1 #{noun}"
  defp count(n, noun), do: "#{n} #{noun}s"

  # Keeps text valid UTF-8 (a message could cut a character in half),
  # replacing invalid bytes with U+FFFD so it can always be encoded.
  defp scrub(text) do
    if String.valid?(text), do: text, else: do_scrub(text, "")
  end

  defp do_scrub(text, acc) do
    case :unicode.characters_to_binary(text) do
      valid when is_binary(valid) ->
        acc <> valid

      {:error, valid, <<_bad, rest::binary>>} ->
        do_scrub(rest, acc <> valid <> "\uFFFD")

      {:incomplete, valid, _rest} ->
        acc <> valid <> "\uFFFD"
    end
  end
end
