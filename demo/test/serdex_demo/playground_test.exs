defmodule SerdexDemo.PlaygroundTest do
  use ExUnit.Case, async: true

  alias SerdexDemo.Playground

  test "format/2 pretty-prints and minifies through Serdex.Formatter" do
    input = ~s({"z": 1, "a": [true, null]})

    assert Playground.format(input, "pretty") ==
             {:ok, Serdex.Formatter.pretty_print(input, indent: "  ")}

    assert Playground.format(input, "minify") == {:ok, ~s({"z":1,"a":[true,null]})}
  end

  describe "the pretty output limit" do
    test "is 10 times the input, and at least 64 KiB" do
      assert SerdexDemo.max_output_bytes(0) == 65_536
      assert SerdexDemo.max_output_bytes(6_553) == 65_536
      assert SerdexDemo.max_output_bytes(100_000) == 1_000_000
    end

    test "refuses deep nesting that pretty-prints to more than the limit" do
      # Its output passes the demo's limit but not the formatter's default one, so only the
      # limit the demo passes as max_bytes can refuse it.
      input = String.duplicate("[", 300) <> String.duplicate("]", 300)
      output = Serdex.Formatter.pretty_print(input, indent: "  ")
      limit = SerdexDemo.max_output_bytes(byte_size(input))
      assert byte_size(output) > limit

      assert Playground.format(input, "pretty") == {:error, {:output_too_large, limit}}
    end

    test "lets small nested documents through" do
      input = String.duplicate("[", 100) <> String.duplicate("]", 100)
      output = Serdex.Formatter.pretty_print(input, indent: "  ")
      assert byte_size(output) > 10 * byte_size(input)

      assert Playground.format(input, "pretty") == {:ok, output}
    end
  end

  test "validate/1 describes valid documents" do
    assert Playground.validate(~s({"a": 1})) == {:ok, "an object with 1 key"}
    assert Playground.validate("[1, 2, 3]") == {:ok, "an array with 3 items"}
    assert Playground.validate(~s("x")) == {:ok, "a string"}
    assert Playground.validate("null") == {:ok, "null"}
  end

  test "invalid documents report message, position and reason" do
    {:error, error} = Serdex.decode("[1, }")
    assert {:error, details} = Playground.validate("[1, }")
    assert details.position == error.position
    assert details.message == Exception.message(error)
    assert details.reason == to_string(error.reason)
    assert {:error, ^details} = Playground.format("[1, }", "pretty")
  end

  test "run/2 rejects unknown modes" do
    assert Playground.run("sideways", "{}") == {:error, :unknown_mode}
  end

  test "to_json_safe/1 keeps nif_info encodable" do
    assert Playground.to_json_safe(%{a: :b, c: true, d: nil, e: 'abc', f: {1, 2}, g: [1, :x]}) ==
             %{
               "a" => "b",
               "c" => true,
               "d" => nil,
               "e" => "abc",
               "f" => "{1, 2}",
               "g" => [1, "x"]
             }

    assert Playground.to_json_safe(<<"ok", 0xFF>>) == "ok\uFFFD"
    assert {:ok, _} = Serdex.encode(Playground.nif_info())
  end
end
