defmodule Serdex.AdversarialTest do
  # Hostile inputs and terms (GitHub issue 6): each returns an error struct or a correct
  # result, quickly, and never takes the VM down. Not async: some cases allocate hundreds of
  # megabytes, and the atom table check must not see atoms made by other tests.
  use ExUnit.Case, async: false

  alias Serdex.{DecodeError, EncodeError}

  @moduletag timeout: 300_000

  # Generous bounds: the test build of the NIF is unoptimized, and CI machines are slow.
  defp assert_fast(limit_ms, fun) do
    {microseconds, result} = :timer.tc(fun)
    assert div(microseconds, 1000) <= limit_ms, "took #{div(microseconds, 1000)} ms"
    result
  end

  defp decode_error(input, opts \\ []) do
    assert {:error, %DecodeError{} = error} = Serdex.decode(input, opts)
    assert is_binary(Exception.message(error))
    assert_raise DecodeError, fn -> Serdex.decode!(input, opts) end
    error
  end

  defp encode_error(term, opts \\ []) do
    assert {:error, %EncodeError{} = error} = Serdex.encode(term, opts)
    assert is_binary(Exception.message(error))
    assert_raise EncodeError, fn -> Serdex.encode!(term, opts) end
    error
  end

  # As in Jason, a term that is not a JSON type and has no encoder implementation.
  defp protocol_error(term, opts \\ []) do
    assert {:error, %Protocol.UndefinedError{protocol: Serdex.Encoder} = error} =
             Serdex.encode(term, opts)

    assert_raise Protocol.UndefinedError, fn -> Serdex.encode!(term, opts) end
    error
  end

  defp nested_list(depth), do: Enum.reduce(2..depth//1, [], fn _, acc -> [acc] end)

  defp list_depth(term, depth \\ 0)
  defp list_depth([inner], depth), do: list_depth(inner, depth + 1)
  defp list_depth([], depth), do: depth + 1

  describe "deep nesting" do
    test "1,000,000 nested arrays or objects give a DecodeError at the depth limit" do
      for {open, step} <- [{"[", 1}, {~s({"a":), 5}] do
        input = String.duplicate(open, 1_000_000)
        error = assert_fast(2_000, fn -> decode_error(input) end)
        assert error.reason =~ "nesting deeper than 1024 levels"
        assert error.position == 1024 * step

        assert {:error, %DecodeError{reason: "nesting deeper than 10 levels" <> _}} =
                 Serdex.decode(input, max_depth: 10)

        assert_raise DecodeError, fn -> Serdex.Formatter.pretty_print(input) end
      end
    end

    @tag :slow
    test "nesting 1,000,000 deep decodes on a dirty scheduler when allowed" do
      input = String.duplicate("[", 1_000_000) <> String.duplicate("]", 1_000_000)
      assert {:ok, term} = Serdex.decode(input, max_depth: 1_000_000)
      assert list_depth(term) == 1_000_000
      assert {:error, %DecodeError{}} = Serdex.decode(input, max_depth: 999_999)
      assert Serdex.Formatter.minimize(input, max_depth: 1_000_000) == input
    end

    @tag :slow
    test "a term nested 100,000 deep encodes without recursion, also when pretty" do
      list = nested_list(100_000)
      assert {:ok, json} = Serdex.encode(list)
      assert json === String.duplicate("[", 100_000) <> String.duplicate("]", 100_000)
      assert {:ok, ^list} = Serdex.decode(json, max_depth: 100_000)
      # Indentation makes pretty output grow with the square of the depth (100,000 levels
      # would be 20 GB), so pretty printing is checked 3,000 deep (18 MB).
      shallower = nested_list(3_000)

      assert {:error, %Serdex.EncodeError{message: message}} =
               Serdex.encode(shallower, pretty: true)

      assert message =~ "longer than"
      assert {:ok, pretty} = Serdex.encode(shallower, pretty: [max_bytes: :infinity])
      assert byte_size(pretty) >= 18_000_000
      assert {:ok, ^shallower} = Serdex.decode(pretty, max_depth: 3_000)

      map = Enum.reduce(1..100_000, 1, fn _, acc -> %{"a" => acc} end)
      assert {:ok, json} = Serdex.encode(map)
      assert json == String.duplicate(~s({"a":), 100_000) <> "1" <> String.duplicate("}", 100_000)
      assert {:ok, ^map} = Serdex.decode(json, max_depth: 100_000)
    end

    @tag :slow
    test "a term nested 1,000,000 deep encodes, and its error deep inside is found" do
      assert {:ok, json} = Serdex.encode(nested_list(1_000_000))
      assert json === String.duplicate("[", 1_000_000) <> String.duplicate("]", 1_000_000)

      deep_pid = Enum.reduce(1..1_000_000, self(), fn _, acc -> [acc] end)
      assert protocol_error(deep_pid).value == self()

      deep_tail = Enum.reduce(1..1_000_000, [1 | 2], fn _, acc -> [acc] end)
      assert encode_error(deep_tail).term == 2
    end

    test "keys: fun stays within the depth limit" do
      input = String.duplicate(~s({"a":), 1024) <> "1" <> String.duplicate("}", 1024)
      assert {:ok, %{"A" => _}} = Serdex.decode(input, keys: &String.upcase/1)
      decode_error(~s({"a":) <> input <> "}", keys: &String.upcase/1)
    end
  end

  describe "numbers" do
    test "integers with 10^5 and 10^6 digits are rejected in linear time" do
      for digits <- [100_000, 1_000_000], sign <- ["", "-"] do
        input = sign <> String.duplicate("7", digits)
        error = assert_fast(2_000, fn -> decode_error(input) end)
        assert error.reason =~ "more than 1024 digits"
        assert error.position == 0
        decode_error("[1," <> input <> "]")
      end
    end

    test "the digit limit is configurable and 1024 digits pass by default" do
      big = String.duplicate("9", 1024)
      assert {:ok, value} = Serdex.decode(big)
      assert value == String.to_integer(big)
      # Regression: the limit used to apply only beyond 64 bits.
      assert {:ok, -1000} = Serdex.decode("-1000", max_integer_digits: 4)
      assert {:ok, 1.0e4} = Serdex.decode("1.0000e4", max_integer_digits: 4)
      assert decode_error("10000", max_integer_digits: 4).reason =~ "more than 4 digits"
      decode_error("[-10000]", max_integer_digits: 4)

      huge = "1" <> String.duplicate("0", 20_000)
      decode_error(huge)
      assert {:ok, value} = Serdex.decode(huge, max_integer_digits: 20_001)
      assert value == 10 ** 20_000
    end

    test "floats with 10^6 digits parse in linear time" do
      fraction = "0." <> String.duplicate("3", 1_000_000)
      assert {:ok, value} = assert_fast(2_000, fn -> Serdex.decode(fraction) end)
      assert value == 0.3333333333333333
      exponent = "1" <> String.duplicate("0", 100_000) <> "e-100000"
      assert {:ok, 1.0} = assert_fast(2_000, fn -> Serdex.decode(exponent) end)
      # Rust's float parser clamps exponents near 65536, so a mantissa of 10^6 digits
      # balanced by its exponent is misread (out of range here). Absurd, but quick and safe.
      absurd = "1" <> String.duplicate("0", 1_000_000) <> "e-1000000"
      assert {_, _} = assert_fast(2_000, fn -> Serdex.decode(absurd) end)
      assert {:ok, 1.0e10} = Serdex.decode("1e" <> String.duplicate("0", 100_000) <> "10")
    end

    test "overflow is an error, underflow rounds to zero, negative zero is kept" do
      for input <- ["1e400", "-1e400", "1.8e308", "[0, 1e999999999999999999999]"] do
        assert decode_error(input).reason =~ "number out of range"
      end

      assert {:ok, +0.0} = Serdex.decode("1e-400")
      assert {:ok, 5.0e-324} = Serdex.decode("5e-324")
      assert {:ok, 0.0} = Serdex.decode("0e99999999999999999999")
      assert {:ok, negative_zero} = Serdex.decode("-0.0")
      assert <<1::1, 0::63>> = <<negative_zero::float>>
      assert {:ok, 0} = Serdex.decode("-0")
    end

    test "NaN, Infinity and other non-JSON number forms are rejected" do
      for input <- ~w(NaN nan -NaN Infinity -Infinity inf +1 01 -01 1. .1 1e 1e+ -- 0x10 1_000) do
        decode_error(input)
        decode_error("[#{input}]")
      end
    end
  end

  describe "strings" do
    test "lone, reversed and malformed surrogate escapes are rejected" do
      for escape <- [
            ~S("\ud800"),
            ~S("\udc00"),
            ~S("\udc00\ud800"),
            ~S("\ud800\u0041"),
            ~S("\ud800\n"),
            ~S("\ud83d"),
            ~S("\uZZZZ"),
            ~S("\u12"),
            ~S("\x41"),
            "\"\\"
          ] do
        decode_error(escape)
        decode_error(~s({#{escape}:1}))
      end

      assert {:ok, "😀"} = Serdex.decode(~S("\ud83d\ude00"))
      assert {:ok, "😀"} = Serdex.decode(~S("\uD83D\uDE00"))
    end

    test "overlong, surrogate, out-of-range and truncated UTF-8 are rejected" do
      for bytes <- [
            <<0xC0, 0xAF>>,
            <<0xC1, 0xBF>>,
            <<0xE0, 0x80, 0xAF>>,
            <<0xF0, 0x80, 0x80, 0xAF>>,
            <<0xED, 0xA0, 0x80>>,
            <<0xED, 0xBF, 0xBF>>,
            <<0xF4, 0x90, 0x80, 0x80>>,
            <<0xF5, 0x80, 0x80, 0x80>>,
            <<0xFF>>,
            <<0xC3, 0x28>>,
            <<0xE2, 0x82>>,
            <<0x80>>,
            <<0xE2, 0x28, 0xA1>>
          ] do
        error = decode_error(<<?", "ok", bytes::binary, ?">>)
        assert error.reason =~ "invalid UTF-8"
        assert error.position == 3
        decode_error(<<?{, ?", bytes::binary, ?", ":1}">>)
        decode_error(<<?", bytes::binary, ~S(\n"), ?">>)
        # The message shows invalid bytes as "?" rather than failing.
        assert Exception.message(error) =~ "?"
      end
    end

    test "every unescaped control character is rejected, escaped ones and NUL decode" do
      for byte <- 0..0x1F do
        error = decode_error(<<?", ?a, byte, ?">>)
        assert error.reason =~ "control character"
        assert error.position == 2
        escaped = "\\u00" <> Base.encode16(<<byte>>)
        assert {:ok, <<^byte>>} = Serdex.decode(~s("#{escaped}"))
      end

      assert {:ok, <<0x7F>>} = Serdex.decode(<<?", 0x7F, ?">>)
      assert {:ok, <<0, ?a, 0>>} = Serdex.decode(~S("\u0000a\u0000"))
      assert {:ok, %{<<0>> => <<0>>}} = Serdex.decode(~S({"\u0000":"\u0000"}))
      assert {:ok, ~S("\u0000")} = Serdex.encode(<<0>>)
      decode_error(<<0>>)
      decode_error(<<"[1,", 0, "]">>)
    end

    test "a byte order mark is not JSON" do
      bom = <<0xEF, 0xBB, 0xBF>>
      assert decode_error(bom <> "{}").position == 0
      decode_error("{}" <> bom)
      assert {:ok, ^bom} = Serdex.decode(<<?", bom::binary, ?">>)
    end

    @tag :slow
    test "a 100 MB string decodes and encodes, and its errors are cheap to show" do
      body = String.duplicate("a", 100_000_000)
      assert {:ok, ^body} = Serdex.decode([?", body, ?"])
      assert {:ok, json} = Serdex.encode(body)
      assert byte_size(json) == 100_000_002

      unterminated = <<?", body::binary>>
      error = decode_error(unterminated)
      assert error.position == 100_000_001
      message = assert_fast(200, fn -> Exception.message(error) end)
      assert byte_size(message) < 400

      late = body <> "x"
      error = %DecodeError{position: 50_000_000, reason: "test", data: late}
      assert_fast(200, fn -> Exception.message(error) end)
    end
  end

  describe "documents" do
    test "trailing garbage, empty input and whitespace only are errors" do
      for input <- ["{} x", "1 2", "[] []", "null,", "\"a\"\"b\"", "{}}", "[]]", "0 0"] do
        assert decode_error(input).reason =~ "after the JSON value"
      end

      for input <- ["", " ", "\n\t\r ", String.duplicate(" ", 100_000), [], ["", [""]]] do
        assert decode_error(input).reason =~ "unexpected end of input"
      end

      for input <- ["\f1", "\v1", <<0xA0, ?1>>, <<0xC2, 0xA0, ?1>>] do
        decode_error(input)
      end
    end

    @tag :slow
    test "an object with 1,000,000 keys" do
      input = [
        "{",
        Enum.map_intersperse(1..1_000_000, ",", &[?", Integer.to_string(&1), "\":", ?1]),
        "}"
      ]

      assert {:ok, map} = Serdex.decode(input)
      assert map_size(map) == 1_000_000
      assert map["777777"] == 1
      assert {:ok, json} = Serdex.encode(map)
      assert {:ok, ^map} = Serdex.decode(json)
      assert {:error, %DecodeError{}} = Serdex.decode(input, keys: :atoms!)
    end

    test "duplicate keys: the first value wins, as in Jason, also among many keys" do
      assert {:ok, %{"a" => 1}} = Serdex.decode(~s({"a":1,"a":2,"a":3}))
      assert {:ok, %{"a" => 1, "b" => 1}} = Serdex.decode(~s({"a":1,"b":1,"a":2}))
      assert {:ok, %{a: 1}} = Serdex.decode(~s({"a":1,"a":2}), keys: :atoms)

      # 100,000 members span several slices and are put together by the VM's built-ins.
      pairs = Enum.map_intersperse(1..100_000, ",", &~s("k#{rem(&1, 1000)}":#{&1}))
      assert {:ok, map} = Serdex.decode(["{", pairs, "}"])
      assert map_size(map) == 1000
      assert map["k0"] == 1000
      assert map["k1"] == 1

      same = Enum.map_intersperse(1..100_000, ",", &~s("same":#{&1}))
      assert {:ok, %{"same" => 1}} = Serdex.decode(["{", same, "}"])
    end

    test "many keys that look alike: shared long prefixes, lengths and escapes" do
      prefix = String.duplicate("k", 1000)

      input = [
        "{",
        Enum.map_intersperse(1..20_000, ",", &[?", prefix, Integer.to_string(&1, 36), "\":0"]),
        "}"
      ]

      assert {:ok, map} = assert_fast(5_000, fn -> Serdex.decode(input) end)
      assert map_size(map) == 20_000

      # The same key written with different escapes is one key.
      assert {:ok, %{"ab" => 1}} = Serdex.decode(~S({"ab":1,"\u0061b":2,"a\u0062":3}))
    end
  end

  describe "keys: :atoms!" do
    test "unknown keys create no atom, whatever their script or size" do
      unique = System.unique_integer([:positive])

      inputs = fn unique ->
        [
          ~s({"serdex_never_an_atom_#{unique}":1}),
          ~s({"a":{"serdex_never_an_atom_#{unique}_nested":1}}),
          ~s({"serdex_ñ_never_#{unique}":1}),
          ~s({"serdex_日本_never_#{unique}":1}),
          ~s({"serdex_😀_never_#{unique}":1}),
          ~s({"#{String.duplicate("x", 300)}#{unique}":1}),
          ["{", Enum.map_intersperse(1..10_000, ",", &~s("serdex_many_#{unique}_#{&1}":1)), "}"]
        ]
      end

      check = fn unique ->
        for input <- inputs.(unique) do
          error = decode_error(input, keys: :atoms!)
          assert error.reason =~ "atom"
        end
      end

      # The first run loads code (which makes atoms); the second, with new keys, makes none.
      check.(unique)
      before = :erlang.system_info(:atom_count)
      check.(unique + 1)
      assert :erlang.system_info(:atom_count) == before

      for key <- ["serdex_never_an_atom_#{unique + 1}", "serdex_many_#{unique + 1}_77"] do
        assert_raise ArgumentError, fn -> String.to_existing_atom(key) end
      end
    end

    test "existing atoms are used, in any script" do
      assert {:ok, %{ok: 1, error: %{true: 2}}} =
               Serdex.decode(~s({"ok":1,"error":{"true":2}}), keys: :atoms!)

      existing = :serdex_existing_ñ_日本

      assert {:ok, %{^existing => 1}} =
               Serdex.decode(~s({"serdex_existing_ñ_日本":1}), keys: :atoms!)
    end
  end

  describe "encoding terms with no JSON form" do
    test "improper lists give an EncodeError that names the tail" do
      for term <- [[1 | 2], [1, 2 | "tail"]] do
        encode_error(term)
        encode_error([term])
        encode_error(%{"key" => [1, %{"deep" => term}]})
        encode_error(term, pretty: true)
        assert {:error, %EncodeError{}} = Serdex.encode_to_iodata(term)
      end

      assert encode_error([1 | 2]).term == 2
    end

    test "tuples, pids, refs, ports and funs go to the protocol, which raises as in Jason" do
      port = Port.open({:spawn, "true"}, [])

      on_exit(fn ->
        try do
          Port.close(port)
        rescue
          ArgumentError -> :ok
        end
      end)

      for term <- [
            {},
            {1, 2},
            {:key, "k"},
            {:value, 1},
            self(),
            make_ref(),
            port,
            fn -> :ok end,
            &String.upcase/1
          ] do
        assert protocol_error(term).value == term
        protocol_error([term])
        protocol_error(%{"key" => [1, %{"deep" => term}]})
        protocol_error(term, pretty: true)
        assert {:error, %Protocol.UndefinedError{}} = Serdex.encode_to_iodata(term)
      end
    end

    test "binaries that are not UTF-8 give an EncodeError, bitstrings a protocol error" do
      for term <- [<<0xFF>>, <<"ok", 0xC0, 0xAF>>, <<0xED, 0xA0, 0x80>>] do
        assert encode_error(term).term == term
        encode_error([term])
        encode_error(%{"k" => term})
        encode_error(%{term => 1})
      end

      for term <- [<<1::3>>, <<"ab", 1::1>>] do
        assert protocol_error(term).value == term
        protocol_error([term])
        protocol_error(%{"k" => term})
      end

      big = String.duplicate("a", 1_000_000) <> <<0xFF>>
      assert encode_error(big).message =~ "UTF-8"
    end

    test "other map keys are converted with String.Chars, as in Jason, or raise its error" do
      assert Serdex.encode!(%{1.5 => 1, [?a, "b"] => 2, ~D[2024-01-02] => 3}) ==
               ~s({"1.5":1,"2024-01-02":3,"ab":2})

      for key <- [{1}, %{}, self(), make_ref()] do
        for opts <- [[], [maps: :strict]] do
          assert_raise Protocol.UndefinedError, fn -> Serdex.encode(%{key => 1}, opts) end
        end
      end
    end

    test "maps whose keys collide after conversion follow the :maps option" do
      for map <- [%{:a => 1, "a" => 2}, %{1 => 1, "1" => 2}, %{"nil" => 2, nil: 1}] do
        assert {:ok, json} = Serdex.encode(map)
        assert {:ok, decoded} = Serdex.decode(json)
        assert map_size(decoded) == 1
        error = encode_error(map, maps: :strict)
        assert error.message =~ "duplicate key"
        encode_error(%{"outer" => [map]}, maps: :strict)
      end

      assert {:ok, _} = Serdex.encode(%{:a => 1, "b" => 2, 3 => 4}, maps: :strict)
    end
  end

  test "a panic in the NIF is an exception, and the VM carries on" do
    assert_raise ErlangError, fn -> Serdex.NIF.debug_panic() end
    assert {:ok, [1]} = Serdex.decode("[1]")
  end
end
