# How long the encoder's work budget holds a normal scheduler, for the kinds of content that
# cost the most per unit of work.
#
#     MIX_ENV=prod mix run bench/encode_budget.exs
#
# For each term: its size in work units (the smallest budget that lets it finish without a
# pause, found by bisection), the median time of one uninterrupted encode on a normal
# scheduler, and from those the time per unit and the time the production budget
# (`Serdex.NIF.encode_budget/0`) would hold a scheduler on content of that kind.

defmodule Serdex.Bench.EncodeBudget do
  import Bitwise
  alias Serdex.NIF

  @runs 60

  def main do
    budget = NIF.encode_budget()
    IO.puts("NIF #{NIF.nif_info().profile} build; budget #{budget} units\n")
    IO.puts("| content | output bytes | work units | ns per unit | ms per budget |")
    IO.puts("| --- | ---: | ---: | ---: | ---: |")

    rows =
      for {name, term, escape} <- cases() do
        units = units(term, escape)
        {:ok, json} = NIF.encode(term, {escape, false, units})
        micros = median_micros(fn -> NIF.encode(term, {escape, false, units}) end)
        per_unit = micros * 1000 / units

        IO.puts(
          "| #{name} | #{IO.iodata_length(json)} | #{units} | #{Float.round(per_unit, 2)} | " <>
            "#{Float.round(per_unit * budget / 1_000_000, 2)} |"
        )

        per_unit
      end

    IO.puts("\nworst case: #{Float.round(Enum.max(rows) * budget / 1_000_000, 2)} ms per budget")
  end

  defp cases do
    n = 20_000
    pairs = Enum.map(1..div(n, 2), &[&1 * 1.000123456789, -&1 / 7])

    [
      {"small integers", List.duplicate(1, n), :json},
      {"empty lists", List.duplicate([], n), :json},
      {"empty maps", List.duplicate(%{}, n), :json},
      {"one-key maps", List.duplicate(%{"a" => 1}, n), :json},
      {"one map, #{n} keys", Map.new(1..n, &{"k#{&1}", &1}), :json},
      {"floats", Enum.map(1..n, &(&1 * 1.000123456789)), :json},
      {"float pairs (canada)", pairs, :json},
      {"atoms", List.duplicate(:hello, n), :json},
      {"short strings", List.duplicate("abc", n), :json},
      {"100-byte strings", List.duplicate(String.duplicate("abcdefghij", 10), 2_000), :json},
      {"escaped strings", List.duplicate(String.duplicate("ab\"cd\\\n", 10), 2_000), :json},
      {"non-ASCII, unicode_safe", List.duplicate(String.duplicate("é", 50), 2_000), :unicode_safe}
    ]
  end

  # The smallest budget under which `term` encodes without pausing.
  defp units(term, escape), do: bisect(term, escape, 0, 1 <<< 40)

  defp bisect(_term, _escape, low, high) when low + 1 >= high, do: high

  defp bisect(term, escape, low, high) do
    middle = div(low + high, 2)

    case NIF.encode(term, {escape, false, middle}) do
      {:ok, _} -> bisect(term, escape, low, middle)
      {:dirty, _} -> bisect(term, escape, middle, high)
    end
  end

  defp median_micros(fun) do
    for _ <- 1..5, do: fun.()
    times = Enum.sort(for _ <- 1..@runs, do: elem(:timer.tc(fun), 0))
    Enum.at(times, div(@runs, 2))
  end
end

Serdex.Bench.EncodeBudget.main()
