defmodule Serdex.EncodeFunctionsTest do
  # The Serdex.Encode functions an encoder implementation calls, and derived encoders.
  use ExUnit.Case, async: true

  alias Serdex.Encode

  defmodule Ordered do
    @derive {Serdex.Encoder, only: [:zeta, :alpha]}
    defstruct [:alpha, :zeta, :hidden]
  end

  defmodule Wide do
    @derive {Serdex.Encoder, except: [:f1]}
    defstruct Enum.map(1..40, &{:"f#{&1}", &1})
  end

  defmodule Money do
    defstruct [:amount, :currency]
  end

  defimpl Serdex.Encoder, for: Money do
    def encode(%Money{amount: amount, currency: currency}, opts) do
      Serdex.Encode.keyword([currency: currency, amount: Serdex.Fragment.new(amount)], opts)
    end
  end

  @opts Encode.options(escape: :unicode_safe)

  test "each function encodes its kind of term with the options given" do
    assert Encode.atom(nil, @opts) == "null"
    assert IO.iodata_to_binary(Encode.atom(:é, @opts)) == ~s("\\u00E9")
    assert Encode.integer(-(10 ** 20)) == "-100000000000000000000"
    assert Encode.float(1.0e15) == "1.0e15"
    assert IO.iodata_to_binary(Encode.string("é", @opts)) == ~s("\\u00E9")
    assert IO.iodata_to_binary(Encode.list([1, "é"], @opts)) == ~s([1,"\\u00E9"])
    assert IO.iodata_to_binary(Encode.map(%{"é" => 1}, @opts)) == ~s({"\\u00E9":1})
    assert IO.iodata_to_binary(Encode.keyword([b: 1, a: 2], @opts)) == ~s({"b":1,"a":2})
    assert IO.iodata_to_binary(Encode.struct(~D[2024-01-02], @opts)) == ~s("2024-01-02")

    assert IO.iodata_to_binary(Encode.value(%{a: [~D[2024-01-02]]}, @opts)) ==
             ~s({"a":["2024-01-02"]})
  end

  test "they raise EncodeError for a term with no JSON form" do
    assert_raise Serdex.EncodeError, fn -> Encode.string(<<0xFF>>, @opts) end

    assert_raise Serdex.EncodeError, fn ->
      Encode.keyword([{"a", 1}, {:a, 2}], Encode.options(maps: :strict))
    end
  end

  test "the options have Jason's shape: an escape function and a map function" do
    {escape, encode_map} = Encode.options(escape: :html_safe)
    assert IO.iodata_to_binary(escape.("</")) == "\\u003C\\/"
    assert IO.iodata_to_binary(encode_map.([{"a", 1}], escape, encode_map)) == ~s({"a":1})
  end

  test "an implementation calling them is used for its struct" do
    assert Serdex.encode!(%Money{amount: "1.10", currency: "€"}, escape: :unicode_safe) ==
             ~s({"currency":"\\u20AC","amount":1.10})
  end

  test "derived encoders keep the order of only:, and any order past 32 fields, as Jason's" do
    assert Serdex.encode!(%Ordered{alpha: 1, zeta: 2, hidden: 3}) == ~s({"zeta":2,"alpha":1})

    fields = Map.keys(%Wide{}) -- [:__struct__, :f1]
    json = Serdex.encode!(%Wide{})

    assert Serdex.decode!(json, objects: :ordered_objects).values ==
             Enum.map(fields, &{Atom.to_string(&1), Map.fetch!(%Wide{}, &1)})
  end

  test "a %Decimal{} is written as Jason writes it, in plain notation, without Decimal" do
    refute Code.ensure_loaded?(Decimal)
    decimal = &%{__struct__: Decimal, sign: &1, coef: &2, exp: &3}

    for {sign, coef, exp, text} <- [
          {1, 110, -2, "1.10"},
          {-1, 0, -1, "-0.0"},
          {1, 1, -3, "0.001"},
          {1, 10, 2, "1000"},
          {-1, 12_345, 0, "-12345"},
          {1, 10 ** 30 + 5, -31, "0.1000000000000000000000000000005"},
          {1, :NaN, 0, "NaN"},
          {-1, :inf, 0, "-Infinity"}
        ] do
      assert Serdex.encode!([decimal.(sign, coef, exp)]) == ~s(["#{text}"])
    end

    # Its plain form would have a billion digits.
    assert {:error, %Serdex.EncodeError{}} = Serdex.encode(decimal.(1, 1, 1_000_000_000))
  end
end
