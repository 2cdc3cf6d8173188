defmodule Serdex.KeyReuseTest do
  # A key met again in a decode gets the binary made for it the first time. Keys that differ
  # in one byte anywhere, escaped and plain spellings of one key, keys past the length that
  # is remembered and more keys than are remembered must all still decode to their own text,
  # in one go and paused at every point, and objects whose keys look alike must keep theirs.
  use ExUnit.Case, async: true

  alias Serdex.NIF

  @base "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+-=~"

  defp decode_paused(input, looks, opts) do
    options =
      {:strings, 1024, 1024, Keyword.get(opts, :strings, :reference),
       Keyword.get(opts, :objects, :maps), :native, looks}

    {:ok, term} = NIF.run(NIF.decode(input, options), &NIF.decode_continue(input, &1, &2))
    term
  end

  # Keys of every length up to 68 bytes, each also with one byte changed at every position.
  defp keys do
    for len <- 0..68, key = binary_part(@base, 0, min(len, byte_size(@base))) do
      changed =
        for at <- 0..(byte_size(key) - 1)//1 do
          <<before::binary-size(at), byte, rest::binary>> = key
          <<before::binary, byte + 1, rest::binary>>
        end

      [key | changed]
    end
    |> List.flatten()
    |> Enum.uniq()
  end

  # The JSON text of a key: plain, or with every byte it can escape escaped.
  defp spell(key, :plain), do: ~s("#{key}")

  defp spell(key, :escaped) do
    escaped =
      for <<byte <- key>>, into: "" do
        if byte == ?/, do: "\\/", else: "\\u00" <> Base.encode16(<<byte>>)
      end

    ~s("#{escaped}")
  end

  # Objects of `size` keys in turn from `keys`, each spelled plainly or escaped in turn, with
  # the value telling where the key was.
  defp document(keys, size) do
    objects =
      keys
      |> Enum.with_index()
      |> Enum.chunk_every(size)
      |> Enum.map(fn chunk ->
        pairs =
          for {key, i} <- chunk, do: {key, i, if(rem(i, 3) == 0, do: :escaped, else: :plain)}

        json = Enum.map_join(pairs, ",", fn {key, i, how} -> "#{spell(key, how)}:#{i}" end)
        # A key given twice (where one pass over the keys ends and the next begins) keeps
        # its first value.
        {"{#{json}}", pairs |> Enum.reverse() |> Map.new(fn {key, i, _} -> {key, i} end)}
      end)

    {"[" <> Enum.map_join(objects, ",", &elem(&1, 0)) <> "]", Enum.map(objects, &elem(&1, 1))}
  end

  test "every key decodes to its own text, whichever binary it gets" do
    keys = keys()
    # Several passes over the keys, in other groupings, so that keys are met again in other
    # objects and objects of one size share some keys but not all.
    for size <- [1, 2, 3, 7, 32, 33], rotate <- [0, 5] do
      {head, tail} = Enum.split(keys, rotate)
      {json, expected} = document(tail ++ head ++ keys, size)

      for looks <- [nil, 0, 1, 5], strings <- [:reference, :copy] do
        assert decode_paused(json, looks, strings: strings) == expected,
               "size #{size}, rotate #{rotate}, looks #{inspect(looks)}, #{strings}"
      end
    end
  end

  test "a key given twice keeps its first value, also when its binary is reused" do
    json = ~s([{"a":1,"b":2,"a":3},{"a":4,"\\u0061":5},{"b":6,"a":7,"b":8}])
    expected = [%{"a" => 1, "b" => 2}, %{"a" => 4}, %{"b" => 6, "a" => 7}]

    for looks <- [nil, 0, 1, 5] do
      assert decode_paused(json, looks, []) == expected
    end
  end

  test "ordered objects keep every key in order" do
    {json, _} = document(keys(), 5)
    {:ok, ordered} = Serdex.decode(json, objects: :ordered_objects)
    {:ok, maps} = Serdex.decode(json)

    assert Enum.map(ordered, &Map.new(&1.values)) == maps
    assert decode_paused(json, 1, objects: :ordered_objects) == ordered
  end

  test "under strings: :copy a reused key still references no input" do
    json = "[" <> Enum.map_join(1..50, ",", &~s({"name":#{&1},"na\\/me":#{&1}})) <> "]"

    for looks <- [nil, 0, 1, 5],
        map <- decode_paused(json, looks, strings: :copy),
        key <- Map.keys(map) do
      assert :binary.referenced_byte_size(key) == byte_size(key)
    end
  end

  test "objects that repeat their keys share the keys' binaries" do
    json = "[" <> Enum.map_join(1..100, ",", &~s({"name":#{&1},"id":#{&1}})) <> "]"
    term = Serdex.decode!(json)

    assert :erts_debug.size(term) < :erts_debug.flat_size(term)
  end
end
