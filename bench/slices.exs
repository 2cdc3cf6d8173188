# How long each call into the NIF holds a normal scheduler, for the kinds of content that cost
# the most per byte: every call is one slice of work, and this times each one.
#
#     MIX_ENV=prod mix run bench/slices.exs
#
# For each case: how many calls (slices) the work took, the median and the longest call, and
# the whole time. A call's time includes the operating system taking the core away, so on a
# busy machine the longest call shows that too; run it on a quiet one. Garbage collection is
# kept out of the timed calls (see in_fresh_process/1).

defmodule Serdex.Bench.Slices do
  alias Serdex.NIF

  @deep_array String.duplicate("[", 1000) <>
                String.duplicate("1,", 30_000) <>
                "1" <>
                String.duplicate("]", 1000)

  def main do
    IO.puts("NIF #{NIF.nif_info().profile} build, #{System.schedulers_online()} schedulers\n")
    IO.puts("| case | calls | median ms | longest ms | total ms |")
    IO.puts("| --- | ---: | ---: | ---: | ---: |")

    for {name, call} <- cases() do
      times = in_fresh_process(call)
      sorted = Enum.sort(times)

      IO.puts(
        "| #{name} | #{length(times)} | #{ms(Enum.at(sorted, div(length(sorted), 2)))} | " <>
          "#{ms(List.last(sorted))} | #{ms(Enum.sum(times))} |"
      )
    end
  end

  defp cases do
    [
      {"decode: a 9 MB string",
       decode(Serdex.encode!(String.duplicate("aé\u2028\n", 1_500_000)))},
      {"decode: 1,000,000 numbers in an array",
       decode("[" <> Enum.map_join(1..1_000_000, ",", &Integer.to_string/1) <> "]")},
      {"decode: an object of 200,000 keys",
       decode(Serdex.encode!(Map.new(1..200_000, &{"key #{&1}", &1})))},
      {"decode: 30 MB of whitespace", decode(String.duplicate(" ", 30_000_000) <> "1")},
      {"decode: the bench corpus, 20 MB", decode(corpus_document())},
      # Just under the 4 MiB up to which an output in parts is joined in the NIF. It is the
      # first encode, so that no buffer kept from an earlier long output can take it whole.
      {"encode: 690,000 control characters (4.1 MB joined)",
       encode(String.duplicate("\x01", 690_000))},
      {"encode: 400,000 control characters", encode(String.duplicate("\x01", 400_000))},
      {"encode: 5,000,000 control characters", encode(String.duplicate("\x01", 5_000_000))},
      {"encode: 1,000 integers of 1,000 to 2,400 digits",
       encode(for i <- 1..1000, do: Integer.pow(10, 1000 + trunc(i * 1.4)) + 1)},
      {"encode: 20,000 atom keys, maps: :strict",
       encode(Map.new(1..20_000, &{:"key_#{&1}", &1}), :strict)},
      {"encode: 20,000 atoms beyond Latin-1", encode(List.duplicate(:"é😀", 20_000))},
      {"encode: a map of 300,000 entries", encode(Map.new(1..300_000, &{&1, [&1]}))},
      {"encode: 1,000,000 empty maps", encode(List.duplicate(%{}, 1_000_000))},
      {"encode: the bench corpus, 20 MB", encode(Serdex.decode!(corpus_document()))},
      {"format: 64 KB nested 1,000 deep, indented (62 MB)", format(@deep_array, "  ")},
      {"format: the bench corpus, 20 MB, minified", format(corpus_document(), nil)}
    ]
  end

  # Each case is the NIF call that starts the work and the one that continues it; the calls
  # the VM's built-ins make in between are not timed.
  defp decode(input) do
    options = {:strings, 1024, 1024, :reference, :maps, :native, nil}

    {fn -> NIF.decode(input, options) end,
     fn state, result -> NIF.decode_continue(input, state, result) end}
  end

  defp encode(term, maps \\ :naive) do
    options = {:json, maps == :strict, nil, nil}
    {fn -> NIF.encode(term, options) end, &NIF.encode_continue(term, &1, &2)}
  end

  defp format(input, indent) do
    # {indent, line separator, record separator, after colon, max_depth, max_bytes}
    layout = if indent, do: {indent, "\n", "\n", " "}, else: {"", "", "\n", ""}
    options = Tuple.append(Tuple.append(layout, 1024), 0xFFFF_FFFF_FFFF_FFFF)
    {fn -> NIF.format(input, options) end, &NIF.format_continue(input, &1, &2)}
  end

  defp in_fresh_process({start, continue}) do
    parent = self()

    # Room for everything the work builds, so that no garbage collection, which the VM starts
    # when a call returns a large result, lands in a timed call.
    Process.spawn(fn -> send(parent, {:times, time_calls(start, continue)}) end,
      min_heap_size: 20_000_000,
      min_bin_vheap_size: 100_000_000
    )

    receive do
      {:times, times} -> times
    end
  end

  defp time_calls(start, continue) do
    {micros, result} = :timer.tc(start)
    loop(result, continue, [micros])
  end

  defp loop({:cont, state}, continue, times) do
    {micros, result} = :timer.tc(fn -> continue.(state, nil) end)
    loop(result, continue, [micros | times])
  end

  defp loop({:call, name, argument, state}, continue, times) do
    {:done, built} =
      NIF.run({:call, name, argument, :next}, fn :next, built -> {:done, built} end)

    {micros, result} = :timer.tc(fn -> continue.(state, built) end)
    loop(result, continue, [micros | times])
  end

  defp loop({:ok, _}, _continue, times), do: times

  defp corpus_document do
    data_dir = System.get_env("BENCH_DATA", Path.expand("../shared/data/bench"))

    corpus =
      Enum.map(Path.wildcard(Path.join(data_dir, "*.json")), &Serdex.decode!(File.read!(&1)))

    one = byte_size(Serdex.encode!(corpus))
    Serdex.encode!(List.duplicate(corpus, max(div(20_000_000, one), 1)))
  end

  defp ms(micros), do: :erlang.float_to_binary(micros / 1000, decimals: 2)
end

unless System.get_env("NO_MAIN"), do: Serdex.Bench.Slices.main()
