defmodule Serdex.Encode do
  @moduledoc """
  Encoding terms to JSON iodata. `Serdex.encode/2` and its variants are built on
  `to_iodata/2`; `Serdex.Encoder` implementations call `to_iodata!/2` for the values inside
  a struct, passing on the options they were given.
  """

  alias Serdex.{EncodeError, NIF}

  @typedoc "Normalized encoding options, as `Serdex.Encoder.encode/2` receives them."
  @type options :: [escape: escape(), maps: :naive | :strict]
  @type escape :: :json | :unicode_safe | :html_safe | :javascript_safe

  @escapes [:json, :unicode_safe, :html_safe, :javascript_safe]

  @doc "Encodes `term`, returning `{:ok, iodata}` or `{:error, %Serdex.EncodeError{}}`."
  @spec to_iodata(term(), keyword()) :: {:ok, iodata()} | {:error, EncodeError.t()}
  def to_iodata(term, opts \\ []) do
    {:ok, to_iodata!(term, opts)}
  rescue
    error in EncodeError -> {:error, error}
  end

  @doc "Encodes `term`, raising `Serdex.EncodeError` if it has no JSON form."
  @spec to_iodata!(term(), keyword()) :: iodata()
  def to_iodata!(term, opts \\ []) do
    opts = options(opts)
    nif_options = {opts[:escape], opts[:maps] == :strict}

    case NIF.run(NIF.encode(term, nif_options), &NIF.encode_continue(term, &1, &2)) do
      {:ok, json} when is_binary(json) -> json
      {:ok, pieces} -> Enum.map(pieces, &fill_hole(&1, opts))
      {:error, detail} -> raise EncodeError.new(detail)
    end
  end

  # The NIF splits its output around terms it leaves to Elixir: structs and atoms it cannot
  # name go through the protocol, and integers too long to print in a slice are printed on a
  # dirty scheduler.
  defp fill_hole(json, _opts) when is_binary(json), do: json

  defp fill_hole(integer, _opts) when is_integer(integer),
    do: NIF.integer_to_string_dirty(integer)

  defp fill_hole(term, opts), do: Serdex.Encoder.encode(term, opts)

  @doc false
  @spec options(keyword()) :: options()
  def options(opts) do
    escape = Keyword.get(opts, :escape, :json)
    maps = Keyword.get(opts, :maps, :naive)

    unless escape in @escapes do
      raise ArgumentError,
            "invalid :escape option #{inspect(escape)}, expected one of #{inspect(@escapes)}"
    end

    unless maps in [:naive, :strict] do
      raise ArgumentError, "invalid :maps option #{inspect(maps)}, expected :naive or :strict"
    end

    [escape: escape, maps: maps]
  end
end
