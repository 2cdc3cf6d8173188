defmodule Serdex.Helpers do
  @moduledoc """
  Macros that encode an object's keys at compile time, as `Jason.Helpers` does. Each returns
  a `Serdex.Fragment`, which `Serdex.encode/2` writes as it is, keys in the order given.

  Keys must be atoms or strings that need no escaping in any escape mode: printable ASCII
  other than `"`, `\\` and `/`.
  """

  @doc """
  Encodes the keyword list `pairs`, whose keys are known at compile time, as an object.
  The values are evaluated where the macro is called.

      iex> import Serdex.Helpers
      iex> Serdex.encode!(json_map(name: "Ada", born: 1815))
      ~s({"name":"Ada","born":1815})
  """
  defmacro json_map(pairs) do
    pairs = Macro.expand(pairs, __CALLER__)
    vars = Macro.generate_arguments(length(pairs), __MODULE__)
    keys = Enum.map(pairs, &key_json(elem(&1, 0)))
    values = Enum.map(pairs, &elem(&1, 1))

    quote do
      {unquote_splicing(vars)} = {unquote_splicing(values)}
      unquote(fragment(keys, vars))
    end
  end

  @doc """
  Encodes the `keys` (known at compile time) of `map` and their values as an object, in the
  order of `keys`, like encoding `Map.take(map, keys)`. Raises `ArgumentError` if a key is
  missing.

      iex> import Serdex.Helpers
      iex> Serdex.encode!(json_map_take(%{a: 1, b: 2, c: 3}, [:c, :a]))
      ~s({"c":3,"a":1})
  """
  defmacro json_map_take(map, keys) do
    keys = Macro.expand(keys, __CALLER__)
    vars = Macro.generate_arguments(length(keys), __MODULE__)
    pattern = {:%{}, [], Enum.zip(keys, vars)}

    quote do
      case unquote(map) do
        unquote(pattern) ->
          unquote(fragment(Enum.map(keys, &key_json/1), vars))

        other ->
          raise ArgumentError,
                "expected a map with keys #{unquote(inspect(keys))}, got: #{inspect(other)}"
      end
    end
  end

  defp fragment([], []), do: quote(do: Serdex.Fragment.new("{}"))

  defp fragment(keys, vars) do
    opts = Macro.var(:opts, __MODULE__)

    members =
      Enum.zip_with(keys, vars, fn key, var ->
        quote do: [unquote(key) | Serdex.Encode.value(unquote(var), unquote(opts))]
      end)

    [first | rest] = members
    iodata = [first | Enum.map(rest, &quote(do: [?, | unquote(&1)]))]

    quote do
      %Serdex.Fragment{
        encode: fn unquote(opts) -> [?{, unquote_splicing(iodata), ?}] end
      }
    end
  end

  # `"key":`, checked to need no escaping.
  defp key_json(key) when is_atom(key), do: key_json(Atom.to_string(key))

  defp key_json(key) when is_binary(key) do
    for <<byte <- key>>, byte < 0x20 or byte > 0x7F or byte in [?\\, ?", ?/] do
      raise ArgumentError,
            ~s(json_map keys must be ASCII, without control characters, \\, " and /, got: #{inspect(key)})
    end

    ~s("#{key}":)
  end

  defp key_json(key) do
    raise ArgumentError, "json_map keys must be atoms or strings, got: #{inspect(key)}"
  end
end
