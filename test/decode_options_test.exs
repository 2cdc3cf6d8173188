defmodule Serdex.DecodeOptionsTest do
  # Every decode option of Jason works, and any other option is refused.
  use ExUnit.Case, async: true

  alias Serdex.{DecodeError, OrderedObject}

  describe "strings:" do
    test ":copy gives every string and key a binary of its own" do
      long = String.duplicate("x", 100)
      json = ~s({"#{long}": ["#{long}", "#{long}\\n"]})

      {:ok, %{^long => [plain, escaped]} = map} = Serdex.decode(json, strings: :copy)
      [key] = Map.keys(map)

      for string <- [key, plain, escaped] do
        assert :binary.referenced_byte_size(string) == byte_size(string)
      end
    end

    test ":reference (the default) lets strings without escapes share the input" do
      long = String.duplicate("x", 100)
      json = ~s(["#{long}"])

      for opts <- [[], [strings: :reference]] do
        {:ok, [string]} = Serdex.decode(json, opts)
        assert :binary.referenced_byte_size(string) == byte_size(json)
      end
    end
  end

  describe "floats: :decimals" do
    # The fields Decimal.new/1 gives the same text (Jason reads 1e5 as 1.0e5).
    test "gives %Decimal{} fields with the digits as written, without the Decimal library" do
      refute Code.ensure_loaded?(Decimal)

      for {json, sign, coef, exp} <- [
            {"1.10", 1, 110, -2},
            {"-0.0", -1, 0, -1},
            {"1e400", 1, 10, 399},
            {"-1E+2", -1, 10, 1},
            {"12.500e-3", 1, 12_500, -6},
            {"123456789012345678901234567890.5", 1, 1_234_567_890_123_456_789_012_345_678_905, -1}
          ] do
        assert Serdex.decode!(json, floats: :decimals) ==
                 %{__struct__: Decimal, sign: sign, coef: coef, exp: exp},
               json
      end

      assert Serdex.decode!("[1, -0]", floats: :decimals) == [1, 0]
    end

    test "coefficient and exponent digits are bounded like an integer's" do
      assert {:error, %DecodeError{reason: reason}} =
               Serdex.decode("1." <> String.duplicate("5", 1024), floats: :decimals)

      assert reason =~ "more than 1024 digits"
      assert Serdex.decode!("1.5e" <> String.duplicate("9", 30), floats: :decimals).exp > 0
    end
  end

  describe "objects: :ordered_objects" do
    test "keeps every pair in order, nested too" do
      json = ~s({"b": 1, "a": {"d": [], "c": 2}, "b": 3})

      assert Serdex.decode!(json, objects: :ordered_objects) ==
               %OrderedObject{
                 values: [
                   {"b", 1},
                   {"a", %OrderedObject{values: [{"d", []}, {"c", 2}]}},
                   {"b", 3}
                 ]
               }
    end

    test "with atom keys, beyond Latin-1 too" do
      assert Serdex.decode!(~s({"b": 1, "é": 2, "日本": 3}), objects: :ordered_objects, keys: :atoms) ==
               %OrderedObject{values: [b: 1, é: 2, 日本: 3]}
    end
  end

  describe "keys:" do
    test "a function sees every key; the first key it maps to a term wins" do
      json = ~s({"A": 1, "a": 2, "b": {"B": 3, "b": 4}})
      assert Serdex.decode!(json, keys: &String.downcase/1) == %{"a" => 1, "b" => %{"b" => 3}}

      assert Serdex.decode!(json, keys: &String.downcase/1, objects: :ordered_objects) ==
               %OrderedObject{
                 values: [
                   {"a", 1},
                   {"a", 2},
                   {"b", %OrderedObject{values: [{"b", 3}, {"b", 4}]}}
                 ]
               }
    end

    test ":atoms beyond Latin-1 keeps the first of duplicate keys" do
      assert Serdex.decode!(~s({"ключ": 1, "ключ": 2}), keys: :atoms) == %{ключ: 1}
    end
  end

  test "options Serdex does not know raise ArgumentError" do
    for opts <- [
          [foo: 1],
          [strings: :maybe],
          [floats: :double],
          [objects: :lists],
          [keys: "strings"],
          [max_depth: 0],
          [max_integer_digits: :infinity]
        ] do
      assert_raise ArgumentError, fn -> Serdex.decode("1", opts) end
    end
  end

  describe "DecodeError's token, as in Jason" do
    test "is the number or the \\u escape that is wrong" do
      assert {:error, %DecodeError{token: "1e400"}} = Serdex.decode("[1e400]")
      assert {:error, %DecodeError{token: "1.e5"}} = Serdex.decode("[1.e5]")

      assert {:error, %DecodeError{token: token}} =
               Serdex.decode("[" <> String.duplicate("9", 1025) <> "]")

      assert token == String.duplicate("9", 1025)

      assert {:error, %DecodeError{token: "\\uD800\\u0041"}} =
               Serdex.decode(~s(["\\uD800\\u0041"]))

      assert {:error, %DecodeError{token: "\\u12G4"}} = Serdex.decode(~s(["\\u12G4"]))
    end

    test "is nil for other errors" do
      assert {:error, %DecodeError{token: nil}} = Serdex.decode("[1,]")
    end
  end
end
