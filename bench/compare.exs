# Serdex vs jiffy (and Jason, when on the code path): decode and encode throughput on the
# bench corpus, side by side in one run.
#
#     MIX_ENV=prod mix run bench/compare.exs            # release NIF (use this for numbers)
#     mix run bench/compare.exs                         # works too, but with the debug NIF
#     MIX_ENV=prod elixir -pa /path/to/jason/ebin -S mix run bench/compare.exs   # include Jason
#
# Environment:
#   BENCH_FILES=govtrack,canada   only these corpus files (names without .json)
#   BENCH_TIME=1.2                seconds of measurement per file and direction, shared by
#                                 the libraries (after a warm-up)
#   BENCH_WARMUP=0.15             seconds of warm-up per file and direction
#   BENCH_DATA=path               corpus directory (default ../shared/data/bench)
#
# For every file and direction: a warm-up, then the libraries take turns in 50 ms slices,
# each slice in a fresh process, until the time budget is spent (at least 5 calls each);
# each call is timed on its own and the median per library is reported. Taking turns keeps
# the machine's slow spells from landing on one library only.
# Memory: in a fresh process, (process memory + VM binary memory) after one call, minus the
# same before it, with the result still alive and no garbage collection in between.

defmodule Serdex.Bench.Compare do
  @min_runs 5

  def main do
    data_dir = System.get_env("BENCH_DATA", Path.expand("../shared/data/bench"))
    budget = seconds("BENCH_TIME", 1.2)
    warmup = seconds("BENCH_WARMUP", 0.15)

    files =
      data_dir
      |> Path.join("*.json")
      |> Path.wildcard()
      |> Enum.sort()
      |> filter(System.get_env("BENCH_FILES"))

    if files == [], do: raise("no corpus files found in #{data_dir}")

    peers = peers()
    header(peers, budget, warmup)

    if Serdex.nif_info().profile != "release" do
      IO.puts(
        "WARNING: the loaded NIF is a #{Serdex.nif_info().profile} build; " <>
          "run with MIX_ENV=prod (after `MIX_ENV=prod mix compile --force` if another " <>
          "environment rebuilt priv/native since) for meaningful numbers"
      )
    end

    libraries = [{"serdex", serdex()} | peers]

    results =
      for file <- files do
        input = File.read!(file)
        name = Path.basename(file, ".json")
        term = Serdex.decode!(input)
        check_equal_terms(name, input, term)

        decode = measure(calls(libraries, :decode, input), budget, warmup)
        encode = measure(calls(libraries, :encode, term), budget, warmup)

        memory =
          for {peer, %{decode: fun}} <- libraries, into: %{} do
            {peer, memory(fn -> fun.(input) end)}
          end

        row = %{
          name: name,
          size: byte_size(input),
          decode: decode,
          encode: encode,
          memory: memory
        }

        print_row(row, peers)
        row
      end

    summary(results, peers)
  end

  # -- peers -----------------------------------------------------------------------------

  defp serdex do
    %{decode: &Serdex.decode!/1, encode: &Serdex.encode!/1}
  end

  defp peers do
    jiffy =
      if Code.ensure_loaded?(:jiffy) do
        [
          {"jiffy",
           %{
             decode: &:jiffy.decode(&1, [:return_maps, {:null_term, nil}, :use_nil]),
             encode: &:jiffy.encode(&1, [:use_nil])
           }}
        ]
      else
        IO.puts("jiffy: skipped (module :jiffy not on the code path)")
        []
      end

    jason =
      if Code.ensure_loaded?(Jason) do
        [
          {"jason",
           %{
             decode: &apply(Jason, :decode!, [&1]),
             encode: &apply(Jason, :encode!, [&1])
           }}
        ]
      else
        IO.puts(
          "Jason: skipped (not on the code path; add its ebin with `elixir -pa DIR -S mix run`)"
        )

        []
      end

    jiffy ++ jason
  end

  defp check_equal_terms(name, input, term) do
    if Code.ensure_loaded?(:jiffy) do
      peer = :jiffy.decode(input, [:return_maps, {:null_term, nil}, :use_nil])

      unless peer == term do
        IO.puts("WARNING: #{name}: jiffy decodes to a different term than Serdex")
      end

      reencoded = Serdex.decode!(:jiffy.encode(term, [:use_nil]))

      unless reencoded == term do
        IO.puts("WARNING: #{name}: jiffy's encoding does not decode back to the same term")
      end
    end

    unless Serdex.decode!(Serdex.encode!(term)) == term do
      IO.puts("WARNING: #{name}: Serdex's encoding does not decode back to the same term")
    end
  end

  # -- measuring -------------------------------------------------------------------------

  # Each library's call of `direction` (:decode or :encode) on `argument`.
  defp calls(libraries, direction, argument) do
    for {peer, functions} <- libraries do
      fun = Map.fetch!(functions, direction)
      {peer, fn -> fun.(argument) end}
    end
  end

  # The libraries take turns in slices of @slice seconds, each slice in a fresh process, so
  # that a slow spell on this shared machine falls on all of them alike, while each keeps
  # its own heap (and pays for its own garbage collection).
  @slice 0.05

  defp measure(cases, budget, warmup) do
    for {_peer, fun} <- cases, do: in_fresh_process(fn -> run_for(fun, warmup, 1) end)
    rounds = max(1, round(budget / (@slice * length(cases))))
    # Enough calls per slice that every library makes at least @min_runs in all.
    min_per_slice = div(@min_runs + rounds - 1, rounds)

    times =
      Enum.reduce(1..rounds, Map.new(cases, fn {peer, _} -> {peer, []} end), fn _, acc ->
        Enum.reduce(cases, acc, fn {peer, fun}, acc ->
          slice = in_fresh_process(fn -> run_for(fun, @slice, min_per_slice) end)
          Map.update!(acc, peer, &(slice ++ &1))
        end)
      end)

    for {peer, times} <- times, into: %{} do
      {peer, %{median: median(times), runs: length(times)}}
    end
  end

  # Runs `fun` until `seconds` have passed and at least `min` calls were made; returns the
  # duration of each call in native time units.
  defp run_for(fun, seconds, min) do
    deadline =
      System.monotonic_time() +
        System.convert_time_unit(round(seconds * 1.0e6), :microsecond, :native)

    loop(fun, deadline, min, [], 0)
  end

  defp loop(fun, deadline, min, acc, count) do
    start = System.monotonic_time()
    _ = fun.()
    stop = System.monotonic_time()
    acc = [stop - start | acc]

    if stop < deadline or count + 1 < min,
      do: loop(fun, deadline, min, acc, count + 1),
      else: acc
  end

  defp median(times) do
    sorted = Enum.sort(times)
    count = length(sorted)
    middle = div(count, 2)

    native =
      if rem(count, 2) == 1,
        do: Enum.at(sorted, middle),
        else: (Enum.at(sorted, middle - 1) + Enum.at(sorted, middle)) / 2

    System.convert_time_unit(1, :second, :native) |> then(&(native / &1))
  end

  defp memory(fun) do
    in_fresh_process(fn ->
      :erlang.garbage_collect()
      before = process_memory() + :erlang.memory(:binary)
      result = fun.()
      after_ = process_memory() + :erlang.memory(:binary)
      # Keep the result alive until after the measurement.
      _ = :erlang.phash2(result, 1)
      after_ - before
    end)
  end

  defp process_memory do
    {:memory, bytes} = Process.info(self(), :memory)
    bytes
  end

  defp in_fresh_process(fun) do
    {pid, ref} = spawn_monitor(fn -> exit({:result, fun.()}) end)

    receive do
      {:DOWN, ^ref, :process, ^pid, {:result, result}} ->
        result

      {:DOWN, ^ref, :process, ^pid, reason} ->
        raise "benchmark process failed: #{inspect(reason)}"
    end
  end

  # -- reporting -------------------------------------------------------------------------

  defp header(peers, budget, warmup) do
    info = Serdex.nif_info()
    {os_family, os_name} = :os.type()

    IO.puts("""
    Serdex benchmark: #{DateTime.utc_now() |> DateTime.truncate(:second) |> DateTime.to_iso8601()}
    Machine: #{cpu_model()}, #{:erlang.system_info(:logical_processors_available)} logical CPUs, #{os_family}/#{os_name}
    Elixir #{System.version()}, OTP #{:erlang.system_info(:otp_release)}, MIX_ENV=#{Mix.env()}
    Serdex NIF: profile #{info.profile}, target #{info.target}
    Protocols consolidated: Serdex.Encoder=#{Protocol.consolidated?(Serdex.Encoder)}#{jason_consolidation()}
    Peers: #{Enum.map_join(peers, ", ", &peer_version/1)}
    Per file and direction: #{warmup}s warm-up, then #{budget}s of turns in #{@slice}s slices (at least #{@min_runs} calls each); median; MB = 10^6 bytes
    """)
  end

  defp jason_consolidation do
    if Code.ensure_loaded?(Jason.Encoder),
      do: ", Jason.Encoder=#{Protocol.consolidated?(Jason.Encoder)}",
      else: ""
  end

  defp peer_version({"jiffy", _}) do
    _ = Application.load(:jiffy)
    "jiffy #{Application.spec(:jiffy, :vsn) || "?"}"
  end

  defp peer_version({"jason", _}) do
    _ = Application.load(:jason)
    "Jason #{Application.spec(:jason, :vsn) || "?"}"
  end

  defp cpu_model do
    case File.read("/proc/cpuinfo") do
      {:ok, text} ->
        case Regex.run(~r/^model name\s*:\s*(.+)$/m, text) do
          [_, model] -> String.trim(model)
          _ -> "unknown CPU"
        end

      _ ->
        "unknown CPU"
    end
  end

  defp print_row(row, peers) do
    mbs = fn seconds -> row.size / seconds / 1.0e6 end
    s_dec = mbs.(row.decode["serdex"].median)
    s_enc = mbs.(row.encode["serdex"].median)

    peer_text =
      Enum.map_join(peers, "", fn {peer, _} ->
        p_dec = mbs.(row.decode[peer].median)
        p_enc = mbs.(row.encode[peer].median)

        " | #{peer} dec #{fmt(p_dec)} MB/s (x#{ratio(s_dec, p_dec)}) enc #{fmt(p_enc)} MB/s (x#{ratio(s_enc, p_enc)})" <>
          " mem #{kb(row.memory[peer])}"
      end)

    IO.puts(
      "#{String.pad_trailing(row.name, 24)} #{String.pad_leading(Integer.to_string(row.size), 8)} B" <>
        " | serdex dec #{fmt(s_dec)} MB/s enc #{fmt(s_enc)} MB/s mem #{kb(row.memory["serdex"])}" <>
        peer_text
    )
  end

  defp summary(results, peers) do
    IO.puts("\nMarkdown table (MB/s, median; ratio = Serdex / peer):\n")

    peer_cols =
      Enum.flat_map(peers, fn {peer, _} ->
        ["#{peer} dec", "dec ×#{peer}", "#{peer} enc", "enc ×#{peer}"]
      end)

    cols = ["file", "KB", "Serdex dec", "Serdex enc"] ++ peer_cols
    IO.puts("| " <> Enum.join(cols, " | ") <> " |")
    IO.puts("|" <> String.duplicate(" ---: |", length(cols)))

    for row <- results do
      mbs = fn seconds -> row.size / seconds / 1.0e6 end
      s_dec = mbs.(row.decode["serdex"].median)
      s_enc = mbs.(row.encode["serdex"].median)

      cells =
        Enum.flat_map(peers, fn {peer, _} ->
          p_dec = mbs.(row.decode[peer].median)
          p_enc = mbs.(row.encode[peer].median)
          [fmt(p_dec), ratio(s_dec, p_dec), fmt(p_enc), ratio(s_enc, p_enc)]
        end)

      IO.puts(
        "| " <>
          Enum.join(
            [row.name, fmt(row.size / 1000), fmt(s_dec), fmt(s_enc)] ++ cells,
            " | "
          ) <> " |"
      )
    end

    IO.puts("\nMemory retained by one decode (process heap + binaries, KB):\n")
    names = ["serdex" | Enum.map(peers, &elem(&1, 0))]
    IO.puts("| file | " <> Enum.join(names, " | ") <> " |")
    IO.puts("|" <> String.duplicate(" ---: |", length(names) + 1))

    for row <- results do
      IO.puts("| #{row.name} | " <> Enum.map_join(names, " | ", &kb(row.memory[&1])) <> " |")
    end
  end

  defp fmt(value) when value >= 100, do: :erlang.float_to_binary(value / 1, decimals: 0)
  defp fmt(value), do: :erlang.float_to_binary(value / 1, decimals: 1)
  defp ratio(ours, theirs), do: :erlang.float_to_binary(ours / theirs, decimals: 2)
  defp kb(bytes), do: Integer.to_string(div(bytes, 1024))

  defp seconds(var, default) do
    case System.get_env(var) do
      nil -> default
      text -> String.to_float(if String.contains?(text, "."), do: text, else: text <> ".0")
    end
  end

  defp filter(files, nil), do: files
  defp filter(files, ""), do: files

  defp filter(files, spec) do
    patterns = spec |> String.split(",", trim: true) |> Enum.map(&String.trim/1)

    Enum.filter(files, &(Path.basename(&1, ".json") in patterns))
  end
end

Serdex.Bench.Compare.main()
