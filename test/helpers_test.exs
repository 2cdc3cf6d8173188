defmodule Serdex.HelpersTest do
  use ExUnit.Case, async: true

  import Serdex.Helpers

  test "json_map keeps key order and encodes values with the escape mode given" do
    value = "</é>"
    fragment = json_map(z: value, a: [1.0e22], m: nil)
    assert Serdex.encode!(fragment) == ~s({"z":"</é>","a":[1.0e22],"m":null})

    assert Serdex.encode!(fragment, escape: :html_safe) ==
             ~s({"z":"\\u003C\\/é>","a":[1.0e22],"m":null})

    assert Serdex.encode!(json_map([])) == "{}"
  end

  test "json_map_take raises for a missing key" do
    assert_raise ArgumentError, ~r/expected a map with keys \[:a, :b\]/, fn ->
      json_map_take(%{a: 1}, [:a, :b])
    end
  end

  test "keys that would need escaping are refused at compile time" do
    for key <- [~s("a/b"), ~s("a\\"b"), ~s("é"), ~s("a\\nb")] do
      assert_raise ArgumentError, ~r/json_map keys/, fn ->
        Code.eval_string("import Serdex.Helpers; json_map([{#{key}, 1}])")
      end
    end
  end
end
