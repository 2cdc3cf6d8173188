defmodule Serdex.EncodeOptionsTest do
  # Every encode option of Jason works, and any other option is refused.
  use ExUnit.Case, async: true

  @term %{"a" => [1, %{"b" => nil}], "c" => %{}}

  test "pretty: true and pretty: [] indent by two spaces, a space after each colon" do
    expected = ~s({\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": {}\n})
    assert Serdex.encode!(@term, pretty: true) == expected
    assert Serdex.encode!(@term, pretty: []) == expected
    assert Serdex.encode!(@term, pretty: false) == ~s({"a":[1,{"b":null}],"c":{}})
  end

  test "every pretty: option takes effect" do
    assert Serdex.encode!(@term, pretty: [indent: "\t"]) ==
             ~s({\n\t"a": [\n\t\t1,\n\t\t{\n\t\t\t"b": null\n\t\t}\n\t],\n\t"c": {}\n})

    assert Serdex.encode!(@term, pretty: [line_separator: "\r\n", after_colon: ""]) ==
             ~s({\r\n  "a":[\r\n    1,\r\n    {\r\n      "b":null\r\n    }\r\n  ],\r\n  "c":{}\r\n})

    # One term is one record: its separator would only go between records.
    assert Serdex.encode!(@term, pretty: [record_separator: "|"]) ==
             Serdex.encode!(@term, pretty: true)

    assert Serdex.encode!([1], pretty: [indent: [?\s, "\t"], line_separator: ~c"\n"]) ==
             "[\n \t1\n]"

    # Pretty output must stay JSON, so, unlike Jason, layout texts that are not whitespace
    # are refused (Serdex.Formatter, a text tool as Jason's is, takes them).
    assert_raise ArgumentError, ~r/:indent/, fn -> Serdex.encode!([1], pretty: [indent: "--"]) end
  end

  test "the escape names Jason keeps for Poison are the same as their _safe forms" do
    text = "é\u2028</"
    assert Serdex.encode!(text, escape: :unicode) == ~s("\\u00E9\\u2028</")
    assert Serdex.encode!(text, escape: :javascript) == ~s("é\\u2028</")
  end

  test "options Serdex does not know raise ArgumentError" do
    for opts <- [
          [foo: :x],
          [escape: :bogus],
          [maps: :bogus],
          [pretty: :yes],
          [pretty: [foo: 1]],
          [pretty: [indent: 1]]
        ] do
      assert_raise ArgumentError, fn -> Serdex.encode(1, opts) end
      assert_raise ArgumentError, fn -> Serdex.encode_to_iodata!(1, opts) end
    end
  end
end
