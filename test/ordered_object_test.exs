defmodule Serdex.OrderedObjectTest do
  use ExUnit.Case, async: true

  alias Serdex.OrderedObject

  @object OrderedObject.new([{"b", 1}, {"a", 2}, {"b", 3}])

  test "encodes its pairs in order, repeated keys too, unless maps: :strict" do
    assert Serdex.encode!(@object) == ~s({"b":1,"a":2,"b":3})
    assert Serdex.encode!(OrderedObject.new([])) == "{}"
    assert {:error, %Serdex.EncodeError{}} = Serdex.encode(@object, maps: :strict)

    assert Serdex.encode!(OrderedObject.new([{1.5, true}, {:é, nil}])) ==
             ~s({"1.5":true,"é":null})
  end

  test "round-trips a document byte for byte" do
    json = ~s({"z":[{"y":1,"x":2}],"a":{},"z":null})
    assert json |> Serdex.decode!(objects: :ordered_objects) |> Serdex.encode!() == json
  end

  test "Access reads and updates the first pair with a key" do
    assert @object["b"] == 1
    assert @object["missing"] == nil
    assert put_in(@object["b"], 9).values == [{"b", 9}, {"a", 2}, {"b", 3}]
    assert put_in(@object["c"], 4).values == [{"b", 1}, {"a", 2}, {"b", 3}, {"c", 4}]

    assert {1, %OrderedObject{values: [{"a", 2}, {"b", 3}]}} =
             Access.get_and_update(@object, "b", fn _ -> :pop end)

    assert {1, %OrderedObject{values: [{"a", 2}]}} = Access.pop(@object, "b")
  end

  test "Enumerable walks the pairs" do
    assert Enum.to_list(@object) == [{"b", 1}, {"a", 2}, {"b", 3}]
    assert Enum.count(@object) == 3
    assert {"a", 2} in @object
    assert Enum.slice(@object, 1, 1) == [{"a", 2}]
  end

  test "a Jason.OrderedObject is written the same way, without Jason" do
    refute Code.ensure_loaded?(Jason.OrderedObject)
    jason_object = %{__struct__: Jason.OrderedObject, values: [b: 1, a: [2]]}
    assert Serdex.encode!(jason_object) == ~s({"b":1,"a":[2]})
  end
end
