defmodule Serdex.MapKeysTest do
  # Map keys are written as Jason writes them: in Map.to_list/1 order, atoms by their names
  # in any script, and other keys through String.Chars.
  use ExUnit.Case, async: true

  # One character from each of the 17 Unicode planes (plane 0 beyond Latin-1 included):
  # Latin-1, CJK, and in the other planes the first code point of the plane's second block.
  @characters [0xE9, 0x0100, 0x4E2D, 0xFFFD] ++ Enum.map(1..16, &(&1 * 0x10000 + 0x100))

  describe "atom keys beyond Latin-1 (bug 6: an EncodeError on OTP 25)" do
    test "encode as their names, in every Unicode plane and escape mode" do
      for char <- @characters,
          escape <- [:json, :unicode_safe, :html_safe],
          maps <- [:naive, :strict] do
        name = "k" <> <<char::utf8>>
        atom = String.to_atom(name)
        opts = [escape: escape, maps: maps]

        assert Serdex.encode!(%{atom => [atom]}, opts) == Serdex.encode!(%{name => [name]}, opts),
               "U+#{Integer.to_string(char, 16)} #{inspect(opts)}"
      end
    end

    test "survive a round trip through keys: :atoms" do
      json = Serdex.encode!(Map.new(@characters, &{"k" <> <<&1::utf8>>, &1}))
      decoded = Serdex.decode!(json, keys: :atoms)
      assert Serdex.encode!(decoded) == json
      assert Serdex.encode!(Serdex.decode!(~s({"😀":1}), keys: :atoms)) == ~s({"😀":1})
    end
  end

  test "entries come in Map.to_list/1 order, small maps and large ones alike" do
    for size <- [2, 32, 33, 100, 2_000], keys <- [&"k#{&1}", & &1, &:"atom_#{&1}"] do
      map = Map.new(1..size, &{keys.(&1), &1})
      # Map.to_list/1, which Jason reads maps with; Enum walks a large map in another order.
      expected = for {key, value} <- Map.to_list(map), do: {to_string(key), value}

      assert Serdex.decode!(Serdex.encode!(map), objects: :ordered_objects).values == expected,
             "#{size} keys"
    end
  end

  test "other keys go through String.Chars" do
    assert Serdex.encode!(%{1.0e22 => 1, ~c"list" => 2}) == ~s({"1.0e22":1,"list":2})
    assert_raise Protocol.UndefinedError, fn -> Serdex.encode!(%{{:tuple} => 1}) end
  end
end
