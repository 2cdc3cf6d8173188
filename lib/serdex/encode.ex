defmodule Serdex.Encode do
  @moduledoc """
  Encoding terms as JSON iodata.

  `Serdex.encode/2` and its variants are built on `to_iodata/2`. A `Serdex.Encoder`
  implementation encodes the values inside its struct with the functions below, passing on
  the options it was given, exactly as a `Jason.Encoder` implementation does with
  `Jason.Encode`:

      defimpl Serdex.Encoder, for: Money do
        def encode(%Money{amount: amount, currency: currency}, opts) do
          Serdex.Encode.keyword([amount: Decimal.to_string(amount), currency: currency], opts)
        end
      end

  Each of them raises `Serdex.EncodeError` for a term with no JSON form.
  """

  import Bitwise

  alias Serdex.{EncodeError, NIF}
  alias Serdex.Encode.{Derived, Options}

  @typedoc """
  The encoding options an encoder implementation receives, to pass on as they are. They
  have the shape of Jason's, `{escape_function, map_function}`, so the same value works
  with `Jason.Encode` functions and `Jason.Fragment` functions.
  """
  @type opts :: Options.t()

  @type escape :: :json | :unicode_safe | :html_safe | :javascript_safe

  @doc """
  Encodes `term` with the options of `Serdex.encode/2` (or those an encoder was given),
  returning `{:ok, iodata}` or `{:error, %Serdex.EncodeError{}}`.
  """
  @spec to_iodata(term(), keyword() | opts()) :: {:ok, iodata()} | {:error, EncodeError.t()}
  def to_iodata(term, opts \\ []) do
    {:ok, to_iodata!(term, opts)}
  rescue
    error in EncodeError -> {:error, error}
  end

  @doc "Like `to_iodata/2`, but raises `Serdex.EncodeError` if `term` has no JSON form."
  @spec to_iodata!(term(), keyword() | opts()) :: iodata()
  def to_iodata!(term, opts \\ []) do
    opts = options(opts)
    {escape, strict?} = Options.modes(opts)
    nif_options = {escape, strict?, nil, Derived.structs()}

    case NIF.run(NIF.encode(term, nif_options), &NIF.encode_continue(term, &1, &2)) do
      {:ok, json} when is_binary(json) -> json
      {:ok, pieces} -> Enum.map(pieces, &fill_hole(&1, opts))
      {:error, detail} -> raise EncodeError.new(detail)
    end
  end

  # The NIF splits its output around what it leaves to Elixir: structs, atoms it cannot
  # name, terms that are not JSON types, map keys it cannot write, (under maps: :strict) maps
  # with such keys, and integers too long to print in a slice, which are printed on a dirty
  # scheduler.
  defp fill_hole(json, _opts) when is_binary(json), do: json
  defp fill_hole(integer, _opts) when is_integer(integer), do: integer_text(integer)
  defp fill_hole({:key, key}, opts), do: key(key, opts)
  defp fill_hole({:value, tuple}, opts), do: Serdex.Encoder.encode(tuple, opts)
  defp fill_hole(%_{} = struct, opts), do: Serdex.Encoder.encode(struct, opts)
  defp fill_hole(map, opts) when is_map(map), do: object(Map.to_list(map), opts)
  defp fill_hole(other, opts), do: Serdex.Encoder.encode(other, opts)

  @doc """
  The options an encoder implementation receives, from the options of `Serdex.encode/2`
  (`:escape` and `:maps`); options already made are returned as they are. Useful to call an
  implementation, or the functions below, directly.

      iex> {escape, _encode_map} = Serdex.Encode.options(escape: :unicode_safe)
      iex> escape.("é")
      ~S(\\u00E9)
  """
  @spec options(keyword() | opts()) :: opts()
  def options(opts) when is_list(opts), do: Options.new!(opts)
  def options(opts), do: opts

  @doc """
  Encodes any term, as `Serdex.Encoder.encode/2` would, but faster for built-in types.

      iex> opts = Serdex.Encode.options(escape: :unicode_safe)
      iex> Serdex.Encode.value(%{"é" => [1, 2.5, nil]}, opts) |> IO.iodata_to_binary()
      ~s({"\\\\u00E9":[1,2.5,null]})
  """
  @spec value(term(), opts()) :: iodata()
  def value(value, opts), do: to_iodata!(value, opts)

  @doc "Encodes an atom: `nil`, `true` and `false` as themselves, others as strings."
  @spec atom(atom(), opts()) :: iodata()
  def atom(nil, _opts), do: "null"
  def atom(true, _opts), do: "true"
  def atom(false, _opts), do: "false"
  def atom(atom, opts) when is_atom(atom), do: string(Atom.to_string(atom), opts)

  @doc "Encodes an integer."
  @spec integer(integer()) :: iodata()
  def integer(integer) when is_integer(integer), do: Integer.to_string(integer)

  @doc """
  Encodes a float as `:erlang.float_to_binary(float, [:short])` writes it.

      iex> Serdex.Encode.float(1.0e22)
      "1.0e22"
  """
  @spec float(float()) :: iodata()
  def float(float) when is_float(float), do: :erlang.float_to_binary(float, [:short])

  @doc "Encodes a list as an array."
  @spec list(list(), opts()) :: iodata()
  def list(list, opts) when is_list(list), do: to_iodata!(list, opts)

  @doc """
  Encodes a list of `{key, value}` pairs as an object, keeping their order.

      iex> opts = Serdex.Encode.options([])
      iex> Serdex.Encode.keyword([b: 1, a: 2], opts) |> IO.iodata_to_binary()
      ~s({"b":1,"a":2})
  """
  @spec keyword([{term(), term()}], opts()) :: iodata()
  def keyword(pairs, opts) when is_list(pairs), do: object(pairs, opts)

  @doc "Encodes a map as an object (a struct's fields too, `:__struct__` included)."
  @spec map(map(), opts()) :: iodata()
  def map(%_{} = struct, opts), do: object(Map.to_list(struct), opts)
  def map(map, opts) when is_map(map), do: to_iodata!(map, opts)

  @doc "Encodes a UTF-8 binary as a string."
  @spec string(String.t(), opts()) :: iodata()
  def string(string, opts) when is_binary(string), do: to_iodata!(string, opts)

  @doc "Encodes a struct through its `Serdex.Encoder` implementation."
  @spec struct(struct(), opts()) :: iodata()
  def struct(%_{} = struct, opts), do: Serdex.Encoder.encode(struct, opts)

  @doc false
  # An object from pairs, in their order. Keys that are not strings or atoms are converted
  # with String.Chars, as Jason does.
  @spec object([{term(), term()}], opts()) :: iodata()
  def object([], _opts), do: "{}"

  def object(pairs, {_escape, encode_map} = opts) do
    if encode_map == (&Options.strict_map/3), do: reject_duplicate_keys(pairs)

    members =
      Enum.map_intersperse(pairs, ?,, fn {key, value} ->
        [key(key, opts), ?: | value(value, opts)]
      end)

    [?{, members, ?}]
  end

  defp reject_duplicate_keys(pairs) do
    Enum.reduce(pairs, %{}, fn {key, _value}, seen ->
      text = key_text(key)

      if Map.has_key?(seen, text),
        do: raise(EncodeError.new({:duplicate_key, text})),
        else: Map.put(seen, text, true)
    end)
  end

  defp key(key, opts), do: string(key_text(key), opts)

  defp key_text(key) when is_binary(key), do: key
  defp key_text(key) when is_atom(key), do: Atom.to_string(key)
  defp key_text(key) when is_integer(key), do: integer_text(key)
  defp key_text(key), do: String.Chars.to_string(key)

  # Printing takes quadratic time in the digits: past about 2,400 of them (1 KiB as a
  # bignum), it is done on a dirty scheduler.
  defp integer_text(integer) when abs(integer) < 1 <<< 8192, do: Integer.to_string(integer)
  defp integer_text(integer), do: NIF.integer_to_string_dirty(integer)
end
