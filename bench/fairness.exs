# Scheduler fairness under large payloads: how late a process that sleeps 1 ms wakes while
# other processes decode and re-encode a large document with each library.
#
#     MIX_ENV=prod mix run bench/fairness.exs
#     MIX_ENV=prod elixir -pa /path/to/jason/ebin -S mix run bench/fairness.exs   # with peers
#
# Environment:
#   FAIRNESS_SECONDS=6      length of each run
#   FAIRNESS_RUNS=3         runs per library and condition; the worst one counts
#   FAIRNESS_WORKERS=4      processes decoding and encoding
#   FAIRNESS_MB=24          size of the document, made of the bench corpus repeated
#   FAIRNESS_LOAD=both      quiet, loaded or both; "loaded" runs one OS process that spins on
#                           a core outside the VM, as a busy neighbour on a shared host does
#   BENCH_DATA=path         corpus directory (default ../shared/data/bench)
#
# Each run starts the workers, waits for them to begin, then samples the probe: it asks to
# wake after 1 ms and records how much later it does. Reported: the probe's lateness (p50,
# p99, max), how many times it woke, and how many documents the workers got through. When
# jiffy is measured and slower, Serdex runs once more paced to jiffy's documents per second
# ("serdex at jiffy's rate"), since garbage collection of the decoded terms, which grows
# with the work done, holds a scheduler whatever the library.

defmodule Serdex.Bench.Fairness do
  def main do
    seconds = env_number("FAIRNESS_SECONDS", 6)
    runs = env_number("FAIRNESS_RUNS", 3)
    workers = env_number("FAIRNESS_WORKERS", 4)
    json = document(env_number("FAIRNESS_MB", 24))

    conditions =
      case System.get_env("FAIRNESS_LOAD", "both") do
        "both" -> [:quiet, :loaded]
        other -> [String.to_existing_atom(other)]
      end

    IO.puts(
      "#{System.schedulers_online()} schedulers, #{:erlang.system_info(:dirty_cpu_schedulers)} " <>
        "dirty CPU schedulers; #{Float.round(byte_size(json) / 1.0e6, 1)} MB document; " <>
        "#{workers} workers; #{runs} runs of #{seconds} s; Serdex NIF #{Serdex.nif_info().profile}"
    )

    IO.puts("\n| library | condition | run | p50 ms | p99 ms | max ms | wakes | documents |")
    IO.puts("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")

    results =
      Enum.flat_map(conditions, fn condition ->
        measured =
          for {name, work} <- libraries(json), run <- 1..runs do
            run(name, work, condition, workers, seconds, run)
          end

        measured ++ at_jiffys_rate(measured, json, condition, workers, seconds, runs)
      end)

    IO.puts("\nWorst run per library and condition (highest p99):\n")
    IO.puts("| library | condition | worst p99 ms | worst max ms | documents per second |")
    IO.puts("| --- | --- | ---: | ---: | ---: |")

    for {{name, condition}, group} <- Enum.group_by(results, &elem(&1, 0), &elem(&1, 1)) do
      worst = Enum.max_by(group, & &1.p99)
      rate = Enum.sum(Enum.map(group, & &1.documents)) / (length(group) * seconds)

      IO.puts(
        "| #{name} | #{condition} | #{ms(worst.p99)} | #{ms(Enum.max(Enum.map(group, & &1.max)))} | " <>
          "#{Float.round(rate, 2)} |"
      )
    end
  end

  defp run(name, work, condition, workers, seconds, run) do
    result = with_load(condition, fn -> measure(work, workers, seconds) end)

    IO.puts(
      "| #{name} | #{condition} | #{run} | #{ms(result.p50)} | #{ms(result.p99)} | " <>
        "#{ms(result.max)} | #{result.wakes} | #{result.documents} |"
    )

    {{name, condition}, result}
  end

  # Serdex again, each worker pausing after each document so that together they get
  # through as many documents per second as jiffy's did: the probe's lateness then compares
  # the two at equal work, garbage collection included.
  defp at_jiffys_rate(measured, json, condition, workers, seconds, runs) do
    rate = fn name ->
      documents = for {{^name, _}, result} <- measured, do: result.documents
      Enum.sum(documents) / (runs * seconds)
    end

    with [{"serdex", serdex} | _] <- libraries(json),
         serdex_rate when serdex_rate > 0 <- rate.("serdex"),
         jiffy_rate when jiffy_rate > 0 and jiffy_rate < serdex_rate <- rate.("jiffy") do
      pause = round((workers / jiffy_rate - workers / serdex_rate) * 1000)

      paced = fn ->
        serdex.()
        Process.sleep(pause)
      end

      for run <- 1..runs do
        run("serdex at jiffy's rate", paced, condition, workers, seconds, run)
      end
    else
      _ -> []
    end
  end

  # Each library decodes the document and encodes what it decoded, in a loop.
  defp libraries(json) do
    [
      {"serdex",
       fn ->
         {:ok, decoded} = Serdex.decode(json)
         {:ok, _} = Serdex.encode(decoded)
       end},
      {"jiffy", :jiffy,
       fn ->
         decoded = :jiffy.decode(json, [:return_maps, {:null_term, nil}, :use_nil])
         _ = :jiffy.encode(decoded, [:use_nil])
       end},
      {"jason", Jason,
       fn ->
         {:ok, decoded} = apply(Jason, :decode, [json])
         {:ok, _} = apply(Jason, :encode, [decoded])
       end},
      {"rustyjson", RustyJson,
       fn ->
         {:ok, decoded} = apply(RustyJson, :decode, [json])
         {:ok, _} = apply(RustyJson, :encode, [decoded])
       end},
      {"jsonrs", Jsonrs,
       fn ->
         {:ok, decoded} = apply(Jsonrs, :decode, [json])
         {:ok, _} = apply(Jsonrs, :encode, [decoded])
       end}
    ]
    |> Enum.flat_map(fn
      {name, work} -> [{name, work}]
      {name, module, work} -> if Code.ensure_loaded?(module), do: [{name, work}], else: []
    end)
  end

  defp measure(work, workers, seconds) do
    parent = self()

    pids =
      for _ <- 1..workers do
        spawn(fn -> loop(work, parent) end)
      end

    Process.sleep(200)
    flush_done()
    deadline = System.monotonic_time(:microsecond) + seconds * 1_000_000
    lateness = probe(deadline, []) |> Enum.sort()
    documents = flush_done()
    Enum.each(pids, &Process.exit(&1, :kill))
    Process.sleep(100)
    :erlang.garbage_collect()

    %{
      p50: percentile(lateness, 0.50),
      p99: percentile(lateness, 0.99),
      max: List.last(lateness),
      wakes: length(lateness),
      documents: documents
    }
  end

  defp loop(work, parent) do
    work.()
    send(parent, :done)
    loop(work, parent)
  end

  defp flush_done(count \\ 0) do
    receive do
      :done -> flush_done(count + 1)
    after
      0 -> count
    end
  end

  defp probe(deadline, lateness) do
    before = System.monotonic_time(:microsecond)

    receive do
    after
      1 -> :ok
    end

    now = System.monotonic_time(:microsecond)
    lateness = [max(now - before - 1000, 0) | lateness]
    if now < deadline, do: probe(deadline, lateness), else: lateness
  end

  # Runs `fun` with one OS process spinning on a core outside the VM.
  defp with_load(:quiet, fun), do: fun.()

  defp with_load(:loaded, fun) do
    port = Port.open({:spawn, "sh -c 'while :; do :; done'"}, [])
    {:os_pid, os_pid} = Port.info(port, :os_pid)

    try do
      fun.()
    after
      # Killing the spinner closes the port.
      System.cmd("kill", [Integer.to_string(os_pid)])

      receive do
        {^port, _} -> :ok
      after
        100 -> :ok
      end
    end
  end

  defp document(megabytes) do
    data_dir = System.get_env("BENCH_DATA", Path.expand("../shared/data/bench"))
    files = Path.wildcard(Path.join(data_dir, "*.json"))
    if files == [], do: raise("no corpus files found in #{data_dir}")
    corpus = Enum.map(files, &Serdex.decode!(File.read!(&1)))
    one = byte_size(Serdex.encode!(corpus))
    Serdex.encode!(List.duplicate(corpus, max(div(megabytes * 1_000_000, one), 1)))
  end

  defp percentile(sorted, p),
    do: Enum.at(sorted, min(trunc(length(sorted) * p), length(sorted) - 1))

  defp ms(microseconds), do: :erlang.float_to_binary(microseconds / 1000, decimals: 1)

  defp env_number(name, default) do
    case System.get_env(name) do
      nil -> default
      text -> String.to_integer(text)
    end
  end
end

Serdex.Bench.Fairness.main()
