defmodule Serdex.FragmentTest do
  use ExUnit.Case, async: true

  test "iodata is written as it is, inside any term" do
    fragment = Serdex.Fragment.new(["[1,", ["2"], "]"])
    assert Serdex.encode!(%{"a" => [fragment, fragment]}) == ~s({"a":[[1,2],[1,2]]})
  end

  test "a function is given the encoding options" do
    fragment = Serdex.Fragment.new(&Serdex.Encode.value(%{"k" => "é\u2028"}, &1))
    assert Serdex.encode!(fragment, escape: :unicode_safe) == ~s({"k":"\\u00E9\\u2028"})
    assert Serdex.encode!(fragment, escape: :javascript_safe) == ~s({"k":"é\\u2028"})
  end

  test "a Jason.Fragment is written the same way, without Jason" do
    refute Code.ensure_loaded?(Jason.Fragment)
    jason_fragment = %{__struct__: Jason.Fragment, encode: fn _opts -> ~s({"pre":1}) end}
    assert Serdex.encode!([jason_fragment]) == ~s([{"pre":1}])
  end
end
