defmodule Serdex.FormatterTest do
  use ExUnit.Case, async: true

  alias Serdex.{DecodeError, Formatter}

  test "keeps key order, numbers and escapes" do
    json = ~s({"b": 1.50, "a": ["\\u00e9", 1E400, -0]})
    assert Formatter.minimize(json) == ~s({"b":1.50,"a":["\\u00e9",1E400,-0]})

    assert Formatter.pretty_print(json) ==
             ~s({\n  "b": 1.50,\n  "a": [\n    "\\u00e9",\n    1E400,\n    -0\n  ]\n})
  end

  test "records: only an array or object after another one gets the record separator" do
    input = ~s({"a":1} [2]\n"s" 3 {} true)
    assert Formatter.minimize(input) == ~s({"a":1}\n[2]"s"3\n{}true)
    assert Formatter.minimize(input, record_separator: "|") == ~s({"a":1}|[2]"s"3|{}true)
    assert Formatter.pretty_print(" \r\n\t") == ""
  end

  test "every option takes effect; the record separator defaults to the first line separator" do
    input = ~s({"a":[1]}{"b":{}})

    assert Formatter.pretty_print(input, indent: "\t", after_colon: "") ==
             ~s({\n\t"a":[\n\t\t1\n\t]\n}\n{\n\t"b":{}\n})

    assert Formatter.pretty_print(input, line_separator: "\r\n", record_separator: "|") ==
             ~s({\r\n  "a": [\r\n    1\r\n  ]\r\n}|{\r\n  "b": {}\r\n})

    assert Formatter.pretty_print(input, line_separator: "\r\n") ==
             ~s({\r\n  "a": [\r\n    1\r\n  ]\r\n}\r\n{\r\n  "b": {}\r\n})

    assert Formatter.pretty_print(input, line_separator: "A", line_separator: "B") ==
             ~s({B  "a": [B    1B  ]B}A{B  "b": {}B})
  end

  test "input and texts may be iodata; the _to_iodata forms give the same" do
    assert Formatter.pretty_print(["[1", [?,, "2]"]], indent: [?\s, "-"]) == "[\n -1,\n -2\n]"
    assert IO.iodata_to_binary(Formatter.pretty_print_to_iodata("[1]")) == "[\n  1\n]"
    assert IO.iodata_to_binary(Formatter.minimize_to_iodata("[ 1 ]")) == "[1]"
  end

  test "invalid JSON raises a DecodeError with its position" do
    assert %DecodeError{position: 4} =
             assert_raise(DecodeError, fn -> Formatter.minimize("[1, }") end)

    assert %DecodeError{position: 8} =
             assert_raise(DecodeError, fn -> Formatter.pretty_print("[1] [2, }") end)

    assert_raise DecodeError, fn -> Formatter.minimize("[[1]]", max_depth: 1) end
  end

  test "options it does not know raise ArgumentError" do
    assert_raise ArgumentError, fn -> Formatter.pretty_print("1", foo: "x") end
    assert_raise ArgumentError, fn -> Formatter.minimize("1", foo: "x") end
    assert_raise ArgumentError, fn -> Formatter.pretty_print("1", indent: 1) end
  end
end
