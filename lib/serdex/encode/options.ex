defmodule Serdex.Encode.Options do
  @moduledoc false
  # The options an encoder implementation receives. They have the shape of Jason's, a tuple
  # `{escape, encode_map}` of an escape function (string -> escaped iodata, no quotes) and a
  # map function (pairs, escape, encode_map -> object iodata), so that a `Jason.Encoder`
  # implementation or a `Jason.Fragment` function given them works unchanged. Each escape
  # mode and map mode has its own named function, from which the mode is read back.

  alias Serdex.{Encode, EncodeError}

  @type t :: {(String.t() -> iodata()), ([{term(), term()}], term(), term() -> iodata())}

  @escapes [:json, :unicode_safe, :javascript_safe, :html_safe]
  # Jason keeps these two names for compatibility with Poison.
  @aliases %{javascript: :javascript_safe, unicode: :unicode_safe}
  @keys [:escape, :maps, :pretty]

  @doc "Options from the keyword list given to `Serdex.encode/2`; `:pretty` is not read here."
  @spec new!(keyword()) :: t()
  def new!(opts) when is_list(opts) do
    for {key, _} <- opts, key not in @keys do
      raise ArgumentError,
            "unknown encode option #{inspect(key)}, expected one of #{inspect(@keys)}"
    end

    escape = Keyword.get(opts, :escape, :json)
    escape = Map.get(@aliases, escape, escape)

    unless escape in @escapes do
      raise ArgumentError,
            "invalid :escape option #{inspect(Keyword.get(opts, :escape))}, expected one of " <>
              inspect(@escapes ++ Map.keys(@aliases))
    end

    map_function =
      case Keyword.get(opts, :maps, :naive) do
        :naive ->
          &__MODULE__.naive_map/3

        :strict ->
          &__MODULE__.strict_map/3

        other ->
          raise ArgumentError,
                "invalid :maps option #{inspect(other)}, expected :naive or :strict"
      end

    {escape_function(escape), map_function}
  end

  @doc "The escape mode and whether maps are strict, as the NIF takes them."
  @spec modes(t()) :: {Encode.escape(), boolean()}
  def modes({escape, encode_map} = opts) do
    escape =
      cond do
        escape == (&__MODULE__.escape_json/1) -> :json
        escape == (&__MODULE__.escape_unicode_safe/1) -> :unicode_safe
        escape == (&__MODULE__.escape_javascript_safe/1) -> :javascript_safe
        escape == (&__MODULE__.escape_html_safe/1) -> :html_safe
        true -> not_ours(opts)
      end

    cond do
      encode_map == (&__MODULE__.naive_map/3) -> {escape, false}
      encode_map == (&__MODULE__.strict_map/3) -> {escape, true}
      true -> not_ours(opts)
    end
  end

  def modes(opts), do: not_ours(opts)

  defp not_ours(opts) do
    raise ArgumentError,
          "expected the encoding options an encoder was given, or a keyword list, got: " <>
            inspect(opts)
  end

  defp escape_function(:json), do: &__MODULE__.escape_json/1
  defp escape_function(:unicode_safe), do: &__MODULE__.escape_unicode_safe/1
  defp escape_function(:javascript_safe), do: &__MODULE__.escape_javascript_safe/1
  defp escape_function(:html_safe), do: &__MODULE__.escape_html_safe/1

  # The escape functions: a string's escaped text, without quotes, in each mode.
  @spec escape_json(String.t()) :: binary()
  def escape_json(string),
    do: escape(string, {&__MODULE__.escape_json/1, &__MODULE__.naive_map/3})

  @spec escape_unicode_safe(String.t()) :: binary()
  def escape_unicode_safe(string),
    do: escape(string, {&__MODULE__.escape_unicode_safe/1, &__MODULE__.naive_map/3})

  @spec escape_javascript_safe(String.t()) :: binary()
  def escape_javascript_safe(string),
    do: escape(string, {&__MODULE__.escape_javascript_safe/1, &__MODULE__.naive_map/3})

  @spec escape_html_safe(String.t()) :: binary()
  def escape_html_safe(string),
    do: escape(string, {&__MODULE__.escape_html_safe/1, &__MODULE__.naive_map/3})

  # The string's JSON without its quotes.
  defp escape(string, opts) when is_binary(string) do
    json = IO.iodata_to_binary(Encode.string(string, opts))
    binary_part(json, 1, byte_size(json) - 2)
  end

  defp escape(other, _opts) do
    raise EncodeError.new({:unsupported, other})
  end

  # The map functions: pairs as an object, keys checked for duplicates under :strict.
  @spec naive_map([{term(), term()}], (String.t() -> iodata()), term()) :: iodata()
  def naive_map(pairs, escape, _encode_map),
    do: Encode.object(pairs, {escape, &__MODULE__.naive_map/3})

  @spec strict_map([{term(), term()}], (String.t() -> iodata()), term()) :: iodata()
  def strict_map(pairs, escape, _encode_map),
    do: Encode.object(pairs, {escape, &__MODULE__.strict_map/3})
end
