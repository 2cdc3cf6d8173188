defmodule Serdex.SigilTest do
  use ExUnit.Case, async: true

  import Serdex.Sigil

  test "a literal is decoded at compile time, with interpolation at run time" do
    assert ~j({"a": [1.5, null]}) == %{"a" => [1.5, nil]}
    n = 3
    assert ~j([#{n}, #{n + 1}]) == [3, 4]
  end

  test "modifiers are decode options" do
    assert ~j({"ok": 1})a == %{ok: 1}
    assert ~j({"ok": 1})A == %{ok: 1}
    big = String.duplicate("x", 100)
    copied = ~j("#{big}")c
    assert :binary.referenced_byte_size(copied) == byte_size(copied)
    assert ~j("#{big}")r == big
  end

  test "an unknown modifier or invalid JSON is a compile error" do
    assert_raise ArgumentError, ~r/unknown sigil modifier "z"/, fn ->
      Code.eval_string(~S|import Serdex.Sigil; ~j"1"z|)
    end

    assert_raise Serdex.DecodeError, fn -> Code.eval_string(~S|import Serdex.Sigil; ~j"[1,"|) end
  end
end
