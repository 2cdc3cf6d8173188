defmodule Serdex.SliceResumeTest do
  # Decoding and encoding stop at the end of every slice and carry on in the next call, from
  # the state they left in a resource and the unfinished terms they handed to the VM. Here
  # the NIF's test pacing ends each slice after a few looks at its meter, so that the work
  # stops at every point where it can; what comes out must be what comes out in one go.
  use ExUnit.Case, async: true

  alias Serdex.NIF

  @corpus Path.expand("../../shared/data/bench", __DIR__)
  # The smaller corpus files: every step is a call here.
  @files ~w(blockchain github pokedex json-generator utf-8-escaped utf-8-unescaped)
  @looks [0, 1, 5]

  defp decode_paused(input, looks, opts \\ []) do
    options = {
      Keyword.get(opts, :keys, :strings),
      1024,
      1024,
      Keyword.get(opts, :strings, :reference),
      Keyword.get(opts, :objects, :maps),
      :native,
      looks
    }

    {:ok, term} = NIF.run(NIF.decode(input, options), &NIF.decode_continue(input, &1, &2))
    term
  end

  defp encode_paused(term, looks, escape \\ :json, maps \\ :naive) do
    options = {escape, maps == :strict, looks, nil}

    case NIF.run(NIF.encode(term, options), &NIF.encode_continue(term, &1, &2)) do
      {:ok, pieces} -> IO.iodata_to_binary(pieces)
      {:error, detail} -> {:error, detail}
    end
  end

  defp assert_same_both_ways(term, opts \\ []) do
    json = Serdex.encode!(term, opts)

    for looks <- @looks do
      assert encode_paused(term, looks, Keyword.get(opts, :escape, :json)) == json
      assert decode_paused(json, looks) == Serdex.decode!(json)
    end
  end

  for name <- @files do
    path = Path.join(@corpus, name <> ".json")

    unless File.exists?(path) do
      @tag skip: "bench corpus not found at #{@corpus}"
    end

    test "#{name}.json decodes and encodes the same when paused at every step" do
      input = File.read!(unquote(path))
      term = Serdex.decode!(input)

      for looks <- @looks do
        assert decode_paused(input, looks) == term
        assert decode_paused(input, looks, keys: :atoms) == Serdex.decode!(input, keys: :atoms)

        assert decode_paused(input, looks, objects: :ordered_objects) ==
                 Serdex.decode!(input, objects: :ordered_objects)

        assert decode_paused(input, looks, strings: :copy) == term
        assert encode_paused(term, looks) == Serdex.encode!(term)
        assert encode_paused(term, looks, :html_safe) == Serdex.encode!(term, escape: :html_safe)
        assert encode_paused(term, looks, :json, :strict) == Serdex.encode!(term, maps: :strict)
      end
    end
  end

  test "long strings and long keys, written and read in parts" do
    long = String.duplicate("aé\u2028\"\n", 20_000)
    assert_same_both_ways(%{long => [long, %{"k" => long}], "short" => long})
    assert_same_both_ways([long, long], escape: :unicode_safe)
  end

  test "maps of every size class: sorted, hash tries walked from the end, listed by Elixir" do
    for size <- [1, 32, 33, 4096, 4097] do
      assert_same_both_ways(Map.new(1..size, &{"key #{&1}", [&1, %{"n" => &1}]}))
      assert_same_both_ways(Map.new(1..size, &{&1, &1 * 1.5}))
    end
  end

  test "arrays and objects that span slices, joined by Elixir past their limits" do
    assert_same_both_ways(Enum.to_list(1..70_000))
    assert_same_both_ways(Map.new(1..9_000, &{"k#{&1}", &1}))
    assert_same_both_ways(Enum.reduce(1..1_000, [], &[&1, &2]))
  end

  test "the first of duplicate keys wins across slices" do
    pairs = Enum.map_intersperse(1..10_000, ",", &~s("k#{rem(&1, 100)}":#{&1}))
    input = IO.iodata_to_binary(["{", pairs, "}"])

    for looks <- @looks do
      assert decode_paused(input, looks) == Serdex.decode!(input)
      assert decode_paused(input, looks)["k1"] == 1
    end
  end

  test "errors found after a pause are the same errors" do
    term = [Enum.to_list(1..100), %{"a" => [1, 2, <<0xFF>>]}]

    for looks <- @looks do
      assert {:error, {:invalid_utf8, <<0xFF>>}} = encode_paused(term, looks)

      assert {:error, {:duplicate_key, "a"}} =
               encode_paused(%{:a => 1, "a" => 2}, looks, :json, :strict)
    end
  end
end
