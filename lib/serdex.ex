defmodule Serdex do
  @moduledoc """
  Fast JSON for Elixir whose core is a Rust NIF, with the same API as Jason, so that it can
  serve as Phoenix's `:json_library`.

      iex> Serdex.decode(~s({"name": "Ada", "langs": ["en", "fr"], "born": 1815}))
      {:ok, %{"born" => 1815, "langs" => ["en", "fr"], "name" => "Ada"}}

      iex> Serdex.encode!(%{ok: true})
      ~s({"ok":true})

      iex> {:error, error} = Serdex.decode(~s({"a": 1,}))
      iex> {error.position, error.reason}
      {8, "unexpected character '}', expected a string key"}

  Bad input never crashes or stalls the VM: errors come back as `Serdex.DecodeError` or
  `Serdex.EncodeError`, nesting and integer size are bounded, a panic in Rust becomes an
  exception, and long work runs in slices of about a millisecond, so the calling process is
  scheduled like any other.
  """

  alias Serdex.{DecodeError, DecodeOptions, Encode, NIF, OrderedObject}

  # The encoder nests as deeply as the term does; pretty-printing its output must too.
  @unbounded_depth 1_000_000_000

  @type decode_opt ::
          {:keys, :strings | :atoms | :atoms! | (String.t() -> term())}
          | {:strings, :reference | :copy}
          | {:floats, :native | :decimals}
          | {:objects, :maps | :ordered_objects}
          | {:max_depth, pos_integer()}
          | {:max_integer_digits, pos_integer()}
  @type encode_opt ::
          {:escape, Encode.escape() | :javascript | :unicode}
          | {:maps, :naive | :strict}
          | {:pretty, boolean() | Serdex.Formatter.opts()}

  @doc """
  Decodes a JSON text.

  Objects become maps, arrays lists, strings binaries, and `true`, `false`, `null` become
  `true`, `false`, `nil`. Integers of any size stay integers; floats are correctly rounded.
  When an object has the same key twice, the first value wins, as in Jason.

  Options (Jason's, and two limits):

    * `:keys` - what object keys become:
      * `:strings` (default)
      * `:atoms` - atoms, created as needed. Atoms are never garbage collected, so use this
        only with trusted input
      * `:atoms!` - existing atoms only; an unknown key is a `Serdex.DecodeError` and
        creates no atom
      * a function of one argument, applied to every key
    * `:strings` - `:reference` (default) lets strings without escapes share the input's
      memory; `:copy` copies every string out of the input, so that keeping a small part of
      a large document does not keep all of it (a key repeated in the document may share
      one copy)
    * `:floats` - `:native` (default) or `:decimals`, which gives `%Decimal{}` structs with
      the digits as written (as `Decimal.new/1` would; the Decimal library is not needed to
      decode, and numbers beyond the float range are accepted)
    * `:objects` - `:maps` (default) or `:ordered_objects`, which gives
      `Serdex.OrderedObject` structs keeping every key in order
    * `:max_depth` - how deeply arrays and objects may nest (default 1024)
    * `:max_integer_digits` - the most digits an integer (or a decimal's coefficient or
      exponent) may have (default 1024), since converting digits to a bignum takes
      quadratic time

  Any other option raises `ArgumentError`.

  ## Examples

      iex> Serdex.decode("[1, 2.5, true, null, 12345678901234567890123]")
      {:ok, [1, 2.5, true, nil, 12345678901234567890123]}

      iex> Serdex.decode(~s({"id": 1}), keys: :atoms)
      {:ok, %{id: 1}}

      iex> Serdex.decode(~s({"price": 1.10}), floats: :decimals)
      {:ok, %{"price" => %{__struct__: Decimal, coef: 110, exp: -2, sign: 1}}}

      iex> Serdex.decode(~s({"b": 1, "a": 2}), objects: :ordered_objects)
      {:ok, %Serdex.OrderedObject{values: [{"b", 1}, {"a", 2}]}}

      iex> Serdex.decode("[1,]")
      {:error,
       %Serdex.DecodeError{
         position: 3,
         reason: "unexpected character ']', expected a value",
         data: "[1,]"
       }}
  """
  @spec decode(iodata(), [decode_opt()]) :: {:ok, term()} | {:error, DecodeError.t()}
  def decode(input, opts \\ []) do
    input = IO.iodata_to_binary(input)
    options = DecodeOptions.new!(opts)

    case options.keys do
      keys when keys in [:strings, :atoms, :atoms!] ->
        case run_decode(input, options) do
          {:error, {:invalid_atom_key, _, position}} ->
            decode_atom_keys(input, position, options)

          result ->
            result
        end

      fun ->
        decode_with_key_function(input, fun, options)
    end
  end

  @doc """
  Like `decode/2`, but raises `Serdex.DecodeError`.

      iex> Serdex.decode!(~s({"langs": ["en", "fr"]}))
      %{"langs" => ["en", "fr"]}
  """
  @spec decode!(iodata(), [decode_opt()]) :: term()
  def decode!(input, opts \\ []) do
    case decode(input, opts) do
      {:ok, term} -> term
      {:error, error} -> raise error
    end
  end

  defp run_decode(input, options) do
    %{keys: keys, max_depth: max_depth, max_integer_digits: max_integer_digits} = options

    nif_options =
      {keys, max_depth, max_integer_digits, options.strings, options.objects, options.floats, nil}

    # Bignums take quadratic time to convert: above the default digit limit a single number
    # can take longer than a slice, so such decodes run on a dirty scheduler.
    result =
      if max_integer_digits > 1024,
        do: NIF.decode_dirty(input, nif_options),
        else: NIF.run(NIF.decode(input, nif_options), &NIF.decode_continue(input, &1, &2))

    case result do
      {:ok, term} ->
        {:ok, term}

      {:error, {:invalid_atom_key, _, _}} = fallback ->
        fallback

      {:error, {code, reason, position}} ->
        {:error, DecodeError.new(code, reason, position, input)}
    end
  end

  # Before OTP 26 the NIF API makes only Latin-1 atoms, so other keys are converted here.
  defp decode_atom_keys(input, position, options) do
    to_atom = if options.keys == :atoms!, do: &String.to_existing_atom/1, else: &String.to_atom/1

    decode_with_key_function(input, to_atom, options)
  rescue
    error in [ArgumentError, SystemLimitError] ->
      reason = "an object key cannot become an atom (#{Exception.message(error)})"
      {:error, %DecodeError{position: position, reason: reason, data: input}}
  end

  # Objects are decoded in order, so that the function sees every key and, as in Jason, the
  # first of the keys it maps to the same term wins.
  defp decode_with_key_function(input, fun, options) do
    ordered = %{options | keys: :strings, objects: :ordered_objects}

    with {:ok, term} <- run_decode(input, ordered) do
      {:ok, map_keys(term, fun, options.objects)}
    end
  end

  defp map_keys(%OrderedObject{values: pairs}, fun, objects) do
    pairs = Enum.map(pairs, fn {key, value} -> {fun.(key), map_keys(value, fun, objects)} end)

    case objects do
      :ordered_objects -> %OrderedObject{values: pairs}
      # :maps.from_list keeps the last of equal keys.
      :maps -> pairs |> Enum.reverse() |> :maps.from_list()
    end
  end

  defp map_keys(list, fun, objects) when is_list(list),
    do: Enum.map(list, &map_keys(&1, fun, objects))

  defp map_keys(other, _fun, _objects), do: other

  @doc ~S"""
  Encodes a term as JSON.

  Maps (with atom, string or integer keys), lists, UTF-8 binaries, atoms (`nil` is `null`),
  integers of any size and floats are encoded directly, floats as
  `:erlang.float_to_binary(float, [:short])` writes them, as Jason does. Other map keys are
  converted with `String.Chars`, as in Jason. `Date`, `Time`, `NaiveDateTime`, `DateTime`
  and `Decimal` become strings, and other structs go through the `Serdex.Encoder` protocol
  (or their `Jason.Encoder` implementation, see `Serdex.JasonBridge`).

  Options (Jason's):

    * `:escape` - `:json` (default), `:unicode_safe` (also every non-ASCII character),
      `:javascript_safe` (also U+2028 and U+2029) or `:html_safe` (as `:javascript_safe`,
      plus `<` and `/`). `:unicode` and `:javascript` are accepted for `:unicode_safe` and
      `:javascript_safe`, as Jason accepts them for compatibility with Poison
    * `:maps` - `:naive` (default) or `:strict`, which rejects a map whose keys collide once
      converted to strings, such as `%{:a => 1, "a" => 2}`
    * `:pretty` - `true` to pretty-print with `Serdex.Formatter.pretty_print/2`'s defaults,
      or a keyword list of its options

  Any other option raises `ArgumentError`. A term with no JSON form gives a
  `Serdex.EncodeError`, and a struct without an encoder implementation a
  `Protocol.UndefinedError`, both returned as `{:error, exception}`.

  ## Examples

      iex> Serdex.encode(%{name: "Ada", langs: ["en"]})
      {:ok, ~s({"langs":["en"],"name":"Ada"})}

      iex> Serdex.encode(%{price: 1.0e22, at: ~D[2024-02-29]})
      {:ok, ~s({"at":"2024-02-29","price":1.0e22})}

      iex> Serdex.encode("<a>", escape: :html_safe)
      {:ok, ~S("\u003Ca>")}

      iex> {:error, %Protocol.UndefinedError{value: {1, 2}}} = Serdex.encode({1, 2})

      iex> Serdex.encode(["ok", <<0xFF>>])
      {:error,
       %Serdex.EncodeError{
         message: "unable to encode <<255>>: strings must be valid UTF-8 binaries",
         term: <<255>>
       }}
  """
  @spec encode(term(), [encode_opt()]) ::
          {:ok, String.t()} | {:error, Serdex.EncodeError.t() | Exception.t()}
  def encode(term, opts \\ []) do
    with {:ok, iodata} <- encode_to_iodata(term, opts), do: {:ok, IO.iodata_to_binary(iodata)}
  end

  @doc ~S"""
  Like `encode/2`, but raises.

      iex> Serdex.encode!(%{a: [1]}, pretty: true)
      "{\n  \"a\": [\n    1\n  ]\n}"
  """
  @spec encode!(term(), [encode_opt()]) :: String.t()
  def encode!(term, opts \\ []), do: term |> encode_to_iodata!(opts) |> IO.iodata_to_binary()

  @doc """
  Like `encode/2`, but returns iodata, which may avoid a copy.

      iex> {:ok, iodata} = Serdex.encode_to_iodata(%{on: ~D[2024-02-29]})
      iex> IO.iodata_to_binary(iodata)
      ~s({"on":"2024-02-29"})
  """
  @spec encode_to_iodata(term(), [encode_opt()]) ::
          {:ok, iodata()} | {:error, Serdex.EncodeError.t() | Exception.t()}
  def encode_to_iodata(term, opts \\ []) do
    {:ok, encode_to_iodata!(term, opts)}
  rescue
    error in Serdex.EncodeError ->
      {:error, error}

    error in Protocol.UndefinedError ->
      if error.protocol in [Serdex.Encoder, Jason.Encoder],
        do: {:error, error},
        else: reraise(error, __STACKTRACE__)
  end

  @doc """
  Like `encode_to_iodata/2`, but raises.

      iex> Serdex.encode_to_iodata!([1, "a"]) |> IO.iodata_to_binary()
      ~s([1,"a"])
  """
  @spec encode_to_iodata!(term(), [encode_opt()]) :: iodata()
  def encode_to_iodata!(term, opts \\ []) do
    {pretty, opts} = Keyword.pop(opts, :pretty, false)
    iodata = Encode.to_iodata!(term, opts)

    case pretty do
      false ->
        iodata

      true ->
        pretty(iodata, [])

      layout when is_list(layout) ->
        pretty(iodata, layout)

      other ->
        raise ArgumentError,
              "invalid :pretty option #{inspect(other)}, expected a boolean or a keyword list"
    end
  end

  defp whitespace?(text) when is_binary(text), do: text =~ ~r/\A[ \t\r\n]*\z/
  defp whitespace?(text) when is_list(text), do: whitespace?(IO.iodata_to_binary(text))
  defp whitespace?(_text), do: false

  # Pretty output must stay JSON, so its layout texts are whitespace (the Formatter, as
  # Jason's, takes any text). The term's depth was never limited, so its text's is not either.
  defp pretty(iodata, layout) do
    for {key, text} <- layout, key in [:indent, :line_separator, :after_colon] do
      unless whitespace?(text) do
        raise ArgumentError,
              "invalid #{inspect(key)} option #{inspect(text)} in :pretty, expected spaces, tabs and line breaks"
      end
    end

    Serdex.Formatter.pretty_print(iodata, layout ++ [max_depth: @unbounded_depth])
  rescue
    # Only output past :max_bytes, or an encoder implementation that wrote invalid JSON.
    error in DecodeError ->
      message = "unable to pretty-print the encoded JSON: #{Exception.message(error)}"
      reraise %Serdex.EncodeError{message: message, term: error.data}, __STACKTRACE__
  end

  @doc """
  Where the loaded NIF comes from:

    * `:target` - the Rust target triple it was compiled for
    * `:profile` - cargo's profile, `"debug"` or `"release"`
    * `:crate_version` - the version of the `serdex_nif` crate
    * `:loaded_from` - the absolute path of the loaded library
    * `:precompiled` - whether it was loaded with `PRECOMPILED_NIF` (not built by Mix)
    * `:reads_small_maps_directly` - whether the encoder reads maps of up to 32 keys from
      their words, as the VM lays them out, rather than through the NIF API (which is
      slower). The NIF checks that layout as it loads, and reads maps through the API if
      anything differs, or on a 32-bit VM

  ## Examples

      iex> Serdex.nif_info() |> Map.keys() |> Enum.sort()
      [:crate_version, :loaded_from, :precompiled, :profile, :reads_small_maps_directly, :target]
  """
  @spec nif_info() :: %{atom() => term()}
  def nif_info do
    Map.put(NIF.nif_info(), :precompiled, NIF.__precompiled__())
  end
end
