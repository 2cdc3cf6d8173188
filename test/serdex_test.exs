defmodule SerdexTest do
  use ExUnit.Case, async: true

  alias Serdex.{DecodeError, EncodeError}
  import Bitwise, only: [<<<: 2]

  defmodule User do
    @derive {Serdex.Encoder, only: [:name, :email]}
    defstruct [:name, :email, :password_hash]
  end

  defmodule Broken do
    defstruct []

    defimpl Serdex.Encoder do
      def encode(_, _), do: "{not json"
    end
  end

  defmodule Point do
    @derive {Serdex.Encoder, except: [:label]}
    defstruct x: 0, y: 0, label: nil
  end

  defmodule Opaque do
    defstruct [:secret]
  end

  describe "decode/2" do
    test "maps JSON types to Elixir terms" do
      json = ~s({"o": {"k": "v"}, "a": [1, -2, 3.5, true, false, null], "s": "\\u00e9\\n"})

      assert Serdex.decode(json) ==
               {:ok, %{"o" => %{"k" => "v"}, "a" => [1, -2, 3.5, true, false, nil], "s" => "é\n"}}
    end

    test "accepts iodata" do
      assert Serdex.decode(["[1,", [?2, "]"]]) == {:ok, [1, 2]}
    end

    test "keeps integers beyond 64 bits as integers" do
      assert Serdex.decode!("[18446744073709551616, -123456789012345678901234567890]") ==
               [18_446_744_073_709_551_616, -123_456_789_012_345_678_901_234_567_890]

      assert Serdex.decode!("9223372036854775807") == 9_223_372_036_854_775_807
      assert Serdex.decode!("-9223372036854775808") == -9_223_372_036_854_775_808
    end

    test "rounds floats correctly" do
      assert Serdex.decode!("[0.1, 2.2250738585072011e-308, 1e-400, 9007199254740993.0]") ==
               [0.1, 2.225073858507201e-308, 0.0, 9_007_199_254_740_992.0]
    end

    test "long strings with escapes decode exactly, also when they span slices" do
      for length <- [70_000, 400_000] do
        text = String.duplicate("aé\n\"\u2028😀", div(length, 10))
        json = Serdex.encode!([text, %{"k" => text}])
        assert Serdex.decode!(json) == [text, %{"k" => text}]
      end
    end

    test "objects too large to build in one step come out whole, in every shape" do
      pairs = for i <- 1..20_000, do: {"k#{rem(i, 15_000)}", i}
      json = ["{", Enum.map_intersperse(pairs, ",", fn {k, v} -> ~s("#{k}":#{v}) end), "}"]

      assert %Serdex.OrderedObject{values: ^pairs} =
               Serdex.decode!(json, objects: :ordered_objects)

      map = Serdex.decode!(json)
      assert map_size(map) == 15_000
      assert map["k1"] == 1
      assert map["k0"] == 15_000
    end

    test "the first of duplicate keys wins, as in Jason" do
      assert Serdex.decode!(~s({"a": 1, "b": 2, "a": 3})) == %{"a" => 1, "b" => 2}
      assert Serdex.decode!(~s({"a": 1, "b": 2, "a": 3}), keys: :atoms) == %{a: 1, b: 2}
    end

    test "keys: :atoms creates atoms" do
      assert Serdex.decode!(~s({"serdex_fresh_key_1": {"ok": 1}}), keys: :atoms) ==
               %{serdex_fresh_key_1: %{ok: 1}}
    end

    test "keys: :atoms handles keys beyond Latin-1" do
      assert Serdex.decode!(~s({"日本": 1, "é": 2}), keys: :atoms) == %{日本: 1, é: 2}
    end

    test "keys: :atoms! accepts existing atoms and rejects unknown keys without creating them" do
      assert Serdex.decode!(~s({"name": 1}), keys: :atoms!) == %{name: 1}
      key = "serdex_never_seen_#{System.unique_integer([:positive])}"
      count = :erlang.system_info(:atom_count)

      assert {:error, %DecodeError{position: 1, reason: reason}} =
               Serdex.decode(~s({"#{key}": 1}), keys: :atoms!)

      assert reason =~ "not an existing atom"
      assert :erlang.system_info(:atom_count) == count
    end

    test "keys: :atoms! rejects unknown keys beyond Latin-1" do
      assert {:error, %DecodeError{}} =
               Serdex.decode(~s({"ключ_#{System.unique_integer()}": 1}), keys: :atoms!)
    end

    test "keys: a function is applied to every key" do
      assert Serdex.decode!(~s({"a": [{"b": 1}]}), keys: &String.upcase/1) == %{
               "A" => [%{"B" => 1}]
             }
    end

    test "max_depth bounds nesting" do
      assert Serdex.decode!("[[[1]]]", max_depth: 3) == [[[1]]]

      assert {:error, %DecodeError{position: 3, reason: reason}} =
               Serdex.decode("[[[[1]]]]", max_depth: 3)

      assert reason =~ "nesting deeper than 3"
    end

    test "1,000,000 nested brackets are an error, not a crash" do
      assert {:error, %DecodeError{position: 1024}} =
               Serdex.decode(String.duplicate("[", 1_000_000))
    end

    test "max_integer_digits bounds integer size" do
      assert {:error, %DecodeError{reason: reason}} = Serdex.decode(String.duplicate("7", 1025))
      assert reason =~ "more than 1024 digits"
      assert Serdex.decode!(String.duplicate("7", 1025), max_integer_digits: 2000) > 0
    end

    test "rejects invalid options" do
      assert_raise ArgumentError, fn -> Serdex.decode("1", keys: :maybe) end
      assert_raise ArgumentError, fn -> Serdex.decode("1", max_depth: 0) end
    end

    test "inputs of more than 64 KB decode whole" do
      list = Enum.to_list(1..40_000)
      json = Serdex.encode!(list)
      assert byte_size(json) > 64 * 1024
      assert Serdex.decode!(json) == list
    end

    test "objects become the same maps whatever the order, escapes and repeats of their keys" do
      # Keys that sort apart only by their last byte, by length, or not at all (duplicates,
      # also written with escapes), in objects of every small size, whose key sets repeat.
      pool = ["", "a", "aa", "ab", "b", "a\\u0000", "é", "zz", "k10", "k1", "k2", "K"]
      :rand.seed(:exsss, {14, 2, 3})

      for _ <- 1..2_000 do
        pairs =
          for i <- 0..:rand.uniform(40) do
            key = if :rand.uniform(3) == 1, do: Enum.random(pool), else: "k#{rem(i, 12)}"
            {key, i}
          end

        written =
          Enum.map_intersperse(pairs, ",", fn {key, value} ->
            key = if :rand.uniform(4) == 1, do: String.replace(key, "k", "\\u006b"), else: key
            [?", key, ?", ?:, Integer.to_string(value)]
          end)

        expected = Map.new(Enum.reverse(pairs), fn {key, value} -> {unescape(key), value} end)
        assert Serdex.decode!(["{", written, "}"]) == expected
        assert Serdex.decode!(["[{", written, "},{", written, "}]"]) == [expected, expected]
      end
    end

    defp unescape(key), do: String.replace(key, "a\\u0000", "a\0")

    test "decode! raises DecodeError" do
      assert_raise DecodeError, fn -> Serdex.decode!("{") end
    end
  end

  describe "decode errors" do
    test "carry the byte position and a message that shows where" do
      {:error, error} = Serdex.decode(~s({"a": 1, "b": tru}))
      assert error.position == 17
      assert error.reason == "unexpected character '}', expected a value"

      assert Exception.message(error) ==
               "unexpected character '}', expected a value at byte 17\n\n" <>
                 ~s(    {"a": 1, "b": tru}\n) <>
                 "                     ^"
    end

    test "name the reason for common mistakes" do
      for {json, reason} <- [
            {"", "unexpected end of input, expected a value"},
            {"[1,]", "unexpected character ']', expected a value"},
            {"{\"a\" 1}", "unexpected character '1', expected ':'"},
            {"[1] x", "unexpected character 'x' after the JSON value"},
            {"\"\\ud800\"", "lone surrogate in \\u escape (U+D800)"},
            {"\"a\u0001\"", "unescaped control character byte 0x01 in string"},
            {<<?", 0xFF, ?">>, "invalid UTF-8 in string"},
            {"[1e400]", "number out of range"},
            {"NaN", "unexpected character 'N', expected a value"}
          ] do
        assert {:error, %DecodeError{reason: ^reason}} = Serdex.decode(json),
               "for #{inspect(json)}"
      end
    end

    test "messages stay printable around invalid bytes" do
      {:error, error} = Serdex.decode(<<"[\"ok\", \"", 0xC3, 0x28, "\"]">>)
      assert error.position == 8
      assert Exception.message(error) =~ "?("
    end
  end

  describe "encode/2" do
    test "encodes maps, lists, strings, numbers and atoms" do
      assert Serdex.encode!(%{"a" => [1, -2.5, "x", true, false, nil, :atom]}) ==
               ~s({"a":[1,-2.5,"x",true,false,null,"atom"]})
    end

    test "accepts atom, string and integer keys" do
      assert Serdex.decode!(Serdex.encode!(%{:a => 1, "b" => 2, 3 => 3})) == %{
               "a" => 1,
               "b" => 2,
               "3" => 3
             }
    end

    test "maps are written in :maps.to_list/1 order, small and large, with keys of any kind" do
      key = fn
        i when rem(i, 3) == 0 -> :"atom #{i}"
        i when rem(i, 3) == 1 -> "string #{i}"
        i -> i
      end

      for size <- [0, 1, 2, 31, 32, 33, 100] do
        map = Map.new(1..size//1, &{key.(&1), &1})
        members = Enum.map_join(:maps.to_list(map), ",", fn {k, v} -> ~s("#{k}":#{v}) end)
        assert Serdex.encode!(map) == "{" <> members <> "}"
      end
    end

    test "only the atom :__struct__ makes a map a struct, not the string" do
      assert Serdex.encode!(%{"__struct__" => 1, "a" => 2}) == ~s({"__struct__":1,"a":2})

      assert {:error, %Protocol.UndefinedError{value: %Opaque{}}} =
               Serdex.encode([%{"x" => 1}, %Opaque{secret: 1}])
    end

    test "integers on both sides of the VM's small-integer limit are written exactly" do
      # 2^59 - 1 is the largest integer a 64-bit VM keeps in one word; past it, a bignum.
      limit = (1 <<< 59) - 1
      edges = [limit - 1, limit, limit + 1, -limit - 1, -limit - 2, 0, -1]

      assert Serdex.encode!(edges) ==
               "[" <> Enum.map_join(edges, ",", &Integer.to_string/1) <> "]"

      assert Serdex.encode!(%{"n" => limit + 1}) == ~s({"n":#{limit + 1}})
    end

    test "lists are walked cell by cell: nested, empty, mixed, and with a bad tail" do
      assert Serdex.encode!([[], [[]], [1, [2, [3.5, nil]]], ["a" | ["b"]]]) ==
               ~s([[],[[]],[1,[2,[3.5,null]]],["a","b"]])

      long = String.duplicate("x", 20_000)

      mixed = [
        [1, 2.5, "a", true, nil, :atom, [3], %{"k" => 1}, 4, "é"],
        [1, long, 2],
        [1, ~D[2024-01-01], 2.0],
        ["a", "b\n", {:tuple}]
      ]

      assert {:error, %Protocol.UndefinedError{value: {:tuple}}} = Serdex.encode(mixed)

      assert Serdex.encode!(Enum.take(mixed, 3)) ==
               ~s([[1,2.5,"a",true,null,"atom",[3],{"k":1},4,"é"],[1,"#{long}",2],) <>
                 ~s([1,"2024-01-01",2.0]])

      assert Serdex.encode!(["a", "b\n", "c"]) == ~S(["a","b\n","c"])

      assert {:error, %Serdex.EncodeError{}} = Serdex.encode([1, 2 | 3])
      assert {:error, %Serdex.EncodeError{}} = Serdex.encode(%{"a" => [1 | "tail"]})
    end

    test "encodes integers of any size" do
      big = 2 ** 200

      assert Serdex.encode!([big, -big, 18_446_744_073_709_551_615]) ==
               "[#{big},-#{big},18446744073709551615]"
    end

    test "encodes floats as :erlang.float_to_binary(f, [:short]) writes them, as Jason does" do
      assert Serdex.encode!([0.1, 1.0, -0.0, 1.0e300, 5.0e-324, 123.456, 1.0e22, 1.0e15]) ==
               "[0.1,1.0,-0.0,1.0e300,5.0e-324,123.456,1.0e22,1.0e15]"

      for float <- [:math.pi(), 1 / 3, 2.2250738585072014e-308, 1.7976931348623157e308] do
        assert Serdex.decode!(Serdex.encode!(float)) === float
      end
    end

    test "every float, over random bit patterns and magnitudes, matches the VM's short form" do
      floats =
        for _ <- 1..20_000 do
          case :rand.uniform(3) do
            1 -> :rand.uniform() * :math.pow(10, :rand.uniform(40) - 20)
            2 -> Float.round(:rand.uniform() * 1.0e6, :rand.uniform(6))
            3 -> random_bits_float()
          end
        end

      # Around the edges of the notations: powers of ten, 2^53 and its neighbours.
      anchors = Enum.map(-30..30, &:math.pow(10, &1)) ++ [9_007_199_254_740_992.0, 1.0e-3, 1.0e-5]

      edges =
        for <<bits::64>> <- Enum.map(anchors, &<<&1::float>>), step <- -3..3 do
          <<float::float>> = <<bits + step::64>>
          float
        end

      for float <- floats ++ edges do
        assert Serdex.encode!(float) == :erlang.float_to_binary(float, [:short])
      end
    end

    test "encodes calendar types as ISO 8601" do
      term = [~D[2024-02-29], ~T[12:30:00.123], ~N[2024-01-01 00:00:00], ~U[2024-01-01 10:00:00Z]]

      assert Serdex.encode!(term) ==
               ~s(["2024-02-29","12:30:00.123","2024-01-01T00:00:00","2024-01-01T10:00:00Z"])
    end

    test "encodes derived structs with only: and except:" do
      user = %User{name: "Ada", email: "ada@example.com", password_hash: "x"}

      assert Serdex.decode!(Serdex.encode!(%{user: user})) == %{
               "user" => %{"name" => "Ada", "email" => "ada@example.com"}
             }

      assert Serdex.decode!(Serdex.encode!(%Point{x: 1, y: 2, label: "p"})) == %{
               "x" => 1,
               "y" => 2
             }
    end

    test "a struct without an implementation is a Protocol.UndefinedError, as in Jason" do
      term = %{secret: %Opaque{secret: 1}}

      assert {:error, %Protocol.UndefinedError{protocol: Serdex.Encoder, value: %Opaque{}}} =
               Serdex.encode(term)

      assert {:error, %Protocol.UndefinedError{}} = Serdex.encode_to_iodata(term)
      assert_raise Protocol.UndefinedError, fn -> Serdex.encode!(term) end
    end

    test "terms that are not JSON types have no implementation, so are protocol errors" do
      for term <- [{1, 2}, self(), make_ref(), fn -> :ok end, <<1::3>>] do
        assert {:error, %Protocol.UndefinedError{value: ^term} = error} = Serdex.encode([term])
        assert Exception.message(error) =~ "no JSON form"
      end
    end

    test "invalid strings and improper lists are EncodeErrors that name them" do
      for {term, text} <- [
            {[1 | 2], "improper list ending in 2"},
            {<<0xFF>>, "valid UTF-8"},
            {%{<<0xFF>> => 1}, "map key <<255>>"}
          ] do
        assert {:error, %EncodeError{message: message}} = Serdex.encode([term])
        assert message =~ text
        assert_raise EncodeError, fn -> Serdex.encode!([term]) end
      end
    end

    test "escape modes" do
      text = "é</script>\u2028"
      assert Serdex.encode!(text) == ~s("é</script>\u2028")

      assert Serdex.encode!(text, escape: :unicode_safe) ==
               ~s("\\u00E9<\\/script>\\u2028") |> String.replace("<\\/", "</")

      assert Serdex.encode!(text, escape: :javascript_safe) == ~s("é</script>\\u2028")
      assert Serdex.encode!(text, escape: :html_safe) == ~s("é\\u003C\\/script>\\u2028")
      assert_raise ArgumentError, fn -> Serdex.encode!(text, escape: :nope) end

      # Jason's names kept for compatibility with Poison.
      assert Serdex.encode!(text, escape: :unicode) == Serdex.encode!(text, escape: :unicode_safe)

      assert Serdex.encode!(text, escape: :javascript) ==
               Serdex.encode!(text, escape: :javascript_safe)
    end

    test "maps: :strict rejects keys that collide once converted" do
      assert {:ok, _} = Serdex.encode(%{:a => 1, "a" => 2})

      assert {:error, %EncodeError{message: message}} =
               Serdex.encode(%{:a => 1, "a" => 2}, maps: :strict)

      assert message =~ ~s(duplicate key "a")
      assert {:ok, _} = Serdex.encode(%{:a => 1, "b" => 2}, maps: :strict)
    end

    test "pretty: true and pretty: [indent: ...]" do
      assert Serdex.encode!(%{"a" => [1, %{}]}, pretty: true) ==
               "{\n  \"a\": [\n    1,\n    {}\n  ]\n}"

      assert Serdex.encode!([1], pretty: [indent: "\t"]) == "[\n\t1\n]"
    end

    test "encode_to_iodata returns iodata of the same JSON" do
      assert {:ok, iodata} = Serdex.encode_to_iodata(%{a: ~D[2020-01-01]})
      assert IO.iodata_to_binary(iodata) == ~s({"a":"2020-01-01"})
      assert IO.iodata_to_binary(Serdex.encode_to_iodata!([1])) == "[1]"
    end

    test "outputs of more than 64 KB come back whole" do
      term = Enum.map(1..20_000, &%{"id" => &1, "name" => "item #{&1}"})
      json = Serdex.encode!(term)
      assert byte_size(json) > 64 * 1024
      assert Serdex.decode!(json) == term
    end

    test "output comes back as one binary up to 4 MiB, and beyond the longest kept buffer as its parts" do
      escaped = fn count -> ~s(") <> String.duplicate("\\u0001", count) <> ~s(") end

      # 3.6 MB: written in parts of about 1 MiB and joined in the NIF, or written whole into a
      # buffer kept from an earlier encode.
      assert {:ok, json} = Serdex.encode_to_iodata(String.duplicate("\x01", 600_000))
      assert is_binary(json)
      assert json == escaped.(600_000)

      # 10.2 MB: longer than any buffer kept (8 MiB), so written in parts, which come back as
      # they are, in order; also when it starts in a 5 MiB buffer kept from a 4 MB output,
      # though its escapes write six bytes for each one read.
      Serdex.encode!(String.duplicate("\x01", 690_000))
      :erlang.garbage_collect()
      assert {:ok, parts} = Serdex.encode_to_iodata(String.duplicate("\x01", 1_700_000))
      assert [_, _ | _] = parts
      assert IO.iodata_to_binary(parts) == escaped.(1_700_000)
      assert Serdex.encode!(String.duplicate("\x01", 1_700_000)) == escaped.(1_700_000)
    end

    test "long outputs come back whole while the buffers of freed ones are used again" do
      expected = fn value, count ->
        digits = Integer.to_string(value)
        "[" <> String.duplicate(digits <> ",", count - 1) <> digits <> "]"
      end

      # Each 2.1 MB output outgrows its first buffer, moves into a longer one and is handed
      # over in it, and the buffer stays with the binary while that is held.
      first = Serdex.encode!(List.duplicate(111_111, 300_000))
      held = Serdex.encode!(List.duplicate(222_222, 300_000))

      # Freed outputs give their buffers back: the next of the same length is written whole
      # into one, and a longer one is written in parts and joined.
      for {value, count} <- [
            {333_333, 300_000},
            {4_444_444, 300_000},
            {123_456_789, 400_000},
            {123_456_789, 400_000}
          ] do
        assert Serdex.encode!(List.duplicate(value, count)) == expected.(value, count)
        :erlang.garbage_collect()
      end

      assert first == expected.(111_111, 300_000)
      assert held == expected.(222_222, 300_000)
    end

    test "maps of more than 4,096 entries, listed by the VM first, encode whole" do
      map = Map.new(1..5000, &{Integer.to_string(&1), &1})

      for term <- [map, [map], %{"outer" => map}] do
        assert Serdex.decode!(Serdex.encode!(term)) == term
      end
    end

    test "deeply nested terms encode without recursion" do
      deep = Enum.reduce(1..100_000, [], fn _, acc -> [acc] end)
      json = Serdex.encode!(deep)
      assert byte_size(json) == 200_002
    end
  end

  describe "options that make no sense" do
    test "are an ArgumentError that names them" do
      for {opts, option} <- [
            {[pretty: :yes], ":pretty"},
            {[pretty: [indent: nil]], ":indent"},
            {[pretty: [indent: "x"]], ":indent"},
            {[pretty: [max_bytes: -1]], ":max_bytes"}
          ] do
        error = assert_raise ArgumentError, fn -> Serdex.encode(%{a: [1]}, opts) end
        assert error.message =~ option
      end

      for depth <- [:infinity, 0, -1, 2 ** 64] do
        error = assert_raise ArgumentError, fn -> Serdex.decode("[]", max_depth: depth) end
        assert error.message =~ ":max_depth"
        assert_raise ArgumentError, fn -> Serdex.Formatter.minimize("[]", max_depth: depth) end
      end

      for limit <- [0, -1, 2 ** 64, "1"] do
        assert_raise ArgumentError, fn ->
          Serdex.Formatter.pretty_print("[]", max_bytes: limit)
        end
      end

      assert_raise ArgumentError, fn -> Serdex.decode("1", max_integer_digits: 2 ** 64) end
    end

    test "pretty output is JSON: its layout texts are whitespace, though the Formatter takes any" do
      assert Serdex.Formatter.pretty_print("[1]", indent: "x") == "[\nx1\n]"
      assert Serdex.encode!([1], pretty: [indent: "\t"]) == "[\n\t1\n]"
      assert Serdex.encode!([1], pretty: [indent: ""]) == "[\n1\n]"
    end
  end

  describe "pretty output" do
    test "an encoder implementation that writes invalid JSON is an EncodeError, not a crash" do
      assert {:ok, "[{not json]"} = Serdex.encode([%Broken{}])
      assert {:error, %EncodeError{message: message}} = Serdex.encode([%Broken{}], pretty: true)
      assert message =~ "unable to pretty-print"
      assert_raise EncodeError, fn -> Serdex.encode!([%Broken{}], pretty: true) end
    end

    test "is bounded by :max_bytes, 16 times the compact text plus 1 MiB by default" do
      # 5,000 numbers 600 deep: 25 KB compact, 6 MB indented.
      deep = Enum.reduce(1..600, Enum.to_list(1..5000), fn _, acc -> [acc] end)
      assert {:error, %EncodeError{message: message}} = Serdex.encode(deep, pretty: true)
      assert message =~ "longer than"
      assert {:ok, pretty} = Serdex.encode(deep, pretty: [max_bytes: :infinity])
      assert Serdex.decode!(pretty, max_depth: 1000) == deep

      json = Serdex.encode!(deep)

      assert_raise DecodeError, ~r/longer than/, fn ->
        Serdex.Formatter.pretty_print(json, max_depth: 1000)
      end

      assert Serdex.Formatter.pretty_print(json, max_depth: 1000, max_bytes: byte_size(pretty)) ==
               pretty

      error =
        assert_raise DecodeError, fn ->
          Serdex.Formatter.pretty_print(json, max_depth: 1000, max_bytes: byte_size(pretty) - 1)
        end

      assert error.reason ==
               "the output would be longer than #{byte_size(pretty) - 1} bytes (see the max_bytes option)"
    end
  end

  describe "the NIF boundary" do
    test "nif_info reports provenance" do
      info = Serdex.nif_info()
      assert info.crate_version == "0.1.0"
      assert info.profile in ["debug", "release"]
      assert info.target =~ ~r/^[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+/
      assert info.precompiled == Serdex.Native.precompiled_requested?()
      assert Path.type(info.loaded_from) == :absolute
      assert File.exists?(info.loaded_from)
    end

    test "on a 64-bit VM the encoder reads small maps from their words" do
      assert Serdex.nif_info().reads_small_maps_directly == (:erlang.system_info(:wordsize) == 8)
    end

    test "a Rust panic surfaces as an exception and the VM carries on" do
      assert_raise ErlangError, ~r/nif_panicked/, fn -> Serdex.NIF.debug_panic() end
      assert Serdex.decode!("[1]") == [1]
    end
  end

  defp random_bits_float do
    <<float::float>> =
      <<:rand.uniform(2) - 1::1, :rand.uniform(2046)::11, :rand.uniform(1 <<< 52) - 1::52>>

    float
  end
end
