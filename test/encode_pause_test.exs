defmodule Serdex.EncodePauseTest do
  # An encode that passes its budget on a normal scheduler pauses and is finished on a dirty
  # one from where it stopped. These tests move the pause point across every kind of
  # position in a document and check that the finished result is exactly what one
  # uninterrupted encode gives.
  use ExUnit.Case, async: true

  alias Serdex.NIF

  defmodule Point do
    @derive Serdex.Encoder
    defstruct [:x, :y]
  end

  # Containers of both kinds (a map past 32 keys is stored differently from a small one),
  # holes for the protocol, escapes, numbers, a bignum too large for a normal scheduler, and
  # a map key and a string long enough that a step can give up half-way and be redone.
  defp mixed_document do
    wide = Map.new(1..40, &{"key #{&1}", [&1, &1 / 4, "v\n#{&1}"]})

    %{
      "wide" => wide,
      "deep" => [[[%{"a" => [true, nil, false]}], []], %{}],
      "holes" => [~D[2024-02-29], %Point{x: 1, y: [2.5]}, :ünïcode],
      "text" => String.duplicate("é\"\\ ", 300),
      String.duplicate("k", 3_000) => -(10 ** 40),
      # Sorted last, because every pause not taken before it is taken there.
      "~ bignum" => [10 ** 3_000]
    }
  end

  # A budget counts work rather than bytes; sweeping it from 0 past the size of a document
  # moves the pause across every position in it.
  defp finish_after_pause(term, escape, strict?, budget) do
    assert {:dirty, resume} = NIF.encode(term, {escape, strict?, budget})
    NIF.encode_dirty(term, {escape, strict?, 0}, resume)
  end

  defp uninterrupted(term, escape, strict?), do: NIF.encode_dirty(term, {escape, strict?, 0}, nil)

  @tag :slow
  test "a pause anywhere in a document resumes to the result of one uninterrupted encode" do
    document = mixed_document()

    for escape <- [:json, :unicode_safe] do
      expected = uninterrupted(document, escape, false)

      for budget <- 0..60_000//23 do
        assert finish_after_pause(document, escape, false, budget) == expected,
               "differs after a pause with budget #{budget}, escape: #{escape}"
      end
    end
  end

  test "the public API gives the same JSON whether or not the encode paused" do
    small = mixed_document() |> Map.delete("~ bignum")
    large = List.duplicate(small, 2 + div(NIF.encode_budget(), 5_000))
    options = Serdex.Encode.options([])
    # match?/2 keeps a failure from printing megabytes of output.
    assert match?({:dirty, _}, NIF.encode(large, {:json, false, NIF.encode_budget()}))
    assert match?({:ok, _}, NIF.encode(small, {:json, false, NIF.encode_budget()}))

    {:ok, pieces} = uninterrupted(large, :json, false)

    expected =
      pieces
      |> Enum.map(fn
        json when is_binary(json) -> json
        hole -> Serdex.Encoder.encode(hole, options)
      end)
      |> IO.iodata_to_binary()

    assert Serdex.encode!(large) == expected, "the paused encode differs"
    assert Serdex.encode!([small]) == "[" <> Serdex.encode!(small) <> "]"
  end

  test "maps: :strict still finds a duplicate key whose twin was written before the pause" do
    # The atom key comes first; most budgets pause inside its list.
    twins = [%{:twin => List.duplicate("t", 100), "twin" => 1}]

    for budget <- 0..3_000//7 do
      assert finish_after_pause(twins, :json, true, budget) ==
               {:error, {:duplicate_key, "twin"}}
    end
  end

  test "pieces written before a pause come back ahead of the rest" do
    term = [~D[2024-01-01], String.duplicate("x", 100), ~D[2024-01-02]]

    assert {:dirty, {["[", ~D[2024-01-01]], _checkpoint}} = NIF.encode(term, {:json, false, 80})

    assert {:ok, ["[", ~D[2024-01-01], json, ~D[2024-01-02], "]"]} =
             finish_after_pause(term, :json, false, 80)

    assert json == ~s(,") <> String.duplicate("x", 100) <> ~s(",)
  end

  test "an encode whose last step passes the budget finishes instead of pausing" do
    for term <- [1, "text", [1, [2], %{"a" => 3}]], budget <- 0..200 do
      expected = uninterrupted(term, :json, false)

      result =
        case NIF.encode(term, {:json, false, budget}) do
          {:dirty, resume} -> NIF.encode_dirty(term, {:json, false, 0}, resume)
          done -> done
        end

      assert result == expected, "budget #{budget}, #{inspect(term)}: #{inspect(result)}"
    end
  end

  test "a resume is used once" do
    term = [1, 2, 3]
    assert {:dirty, resume} = NIF.encode(term, {:json, false, 0})
    assert {:ok, "[1,2,3]"} = NIF.encode_dirty(term, {:json, false, 0}, resume)
    assert_raise ArgumentError, fn -> NIF.encode_dirty(term, {:json, false, 0}, resume) end
  end
end
