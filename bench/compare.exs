# Serdex side by side with its peers: decode and encode throughput on the bench corpus, and
# the encode of a list of 10,000 structs with derived encoders, in one run.
#
#     MIX_ENV=prod mix run bench/compare.exs            # release NIF (use this for numbers)
#     mix run bench/compare.exs                         # works too, but with the debug NIF
#     MIX_ENV=prod elixir -pa JASON_EBIN -pa RUSTYJSON_EBIN -pa JSONRS_EBIN -S mix run bench/compare.exs
#
# Peers: jiffy when `:jiffy` is on the code path (Debian's erlang-jiffy puts it there), and
# Jason, RustyJson and Jsonrs when their modules are (add each one's ebin directory with
# `-pa`; the README says how to build them). A peer that is not found is skipped, with a line
# saying so.
#
# Environment:
#   BENCH_FILES=govtrack,canada   only these cases (corpus file names without .json, and
#                                 `structs` for the struct-heavy encode)
#   BENCH_TIME=1.2                seconds of measurement per case and direction, shared by
#                                 the libraries (after a warm-up)
#   BENCH_WARMUP=0.15             seconds of warm-up per case and direction
#   BENCH_DATA=path               corpus directory (default ../shared/data/bench)
#
# For every case and direction: a warm-up, then the libraries take turns in 50 ms slices,
# each slice in a fresh process, until the time budget is spent (at least 5 calls each);
# each call is timed on its own and the median per library is reported. Taking turns keeps
# the machine's slow spells from landing on one library only.
# Memory: in a fresh process, (process memory + the off-heap binaries the process refers
# to) after one call, minus the same before it, with the result still alive and no garbage
# collection in between; the median of 5 such processes. This is what the decode leaves
# behind, not its transient peak (see the README).

defmodule Serdex.Bench.Compare do
  @min_runs 5
  @record_count 10_000
  @memory_runs 5

  # Serdex / peer, the issue's targets: {decode, encode}, and for the struct-heavy encode.
  @targets %{
    "jiffy" => {2.0, 2.0},
    "Jason" => {3.0, 5.0},
    "RustyJson" => {1.0, 1.0},
    "Jsonrs" => {1.0, 1.0}
  }
  @struct_targets %{"Jason" => 3.0}

  def main do
    data_dir = System.get_env("BENCH_DATA", Path.expand("../shared/data/bench"))
    budget = seconds("BENCH_TIME", 1.2)
    warmup = seconds("BENCH_WARMUP", 0.15)
    only = only(System.get_env("BENCH_FILES"))

    files =
      data_dir
      |> Path.join("*.json")
      |> Path.wildcard()
      |> Enum.sort()
      |> Enum.filter(&(only == nil or Path.basename(&1, ".json") in only))

    structs? = only == nil or "structs" in only
    if files == [] and not structs?, do: raise("no corpus files found in #{data_dir}")

    peers = peers()
    header(peers, budget, warmup)

    if Serdex.nif_info().profile != "release" do
      IO.puts(
        "WARNING: the loaded NIF is a #{Serdex.nif_info().profile} build; " <>
          "run with MIX_ENV=prod (after `MIX_ENV=prod mix compile --force` if another " <>
          "environment rebuilt priv/native since) for meaningful numbers"
      )
    end

    libraries = [serdex() | peers]

    results =
      for file <- files do
        input = File.read!(file)
        name = Path.basename(file, ".json")
        term = Serdex.decode!(input)
        check_equal_terms(libraries, name, input, term)

        row = %{
          name: name,
          size: byte_size(input),
          decode: measure(calls(libraries, :decode, input), budget, warmup),
          encode: measure(calls(libraries, :encode, term), budget, warmup),
          memory:
            Map.new(libraries, fn {name, lib} -> {name, memory(fn -> lib.decode.(input) end)} end),
          peak:
            Map.new(libraries, fn {name, lib} -> {name, peak(fn -> lib.decode.(input) end)} end)
        }

        print_row(row, peers)
        row
      end

    records = if structs?, do: structs(libraries, budget, warmup)

    summary(results, peers)
    if records, do: struct_summary(records)
    IO.puts("\nLoad average (1, 5, 15 min) at the end: #{load_average()}")
  end

  # -- libraries -------------------------------------------------------------------------

  defp serdex do
    {"Serdex",
     %{decode: &Serdex.decode!/1, encode: &Serdex.encode!/1, app: :serdex, structs: :derived}}
  end

  # Each peer's default call, as an application would make it: compact output, `:json`
  # escaping, string keys, `nil` for null. Jason, RustyJson and Jsonrs are called through
  # captures made at run time, so that this file compiles without them.
  defp peers do
    jiffy = [
      {"jiffy", :jiffy,
       fn ->
         %{
           decode: &:jiffy.decode(&1, [:return_maps, {:null_term, nil}, :use_nil]),
           encode: &:jiffy.encode(&1, [:use_nil]),
           app: :jiffy,
           # jiffy has no protocol for structs: it would write their `__struct__` field.
           structs: nil
         }
       end}
    ]

    elixir_peers =
      for {name, module, app, structs} <- [
            {"Jason", Jason, :jason, :derived},
            {"RustyJson", RustyJson, :rustyjson, :derived},
            # Jsonrs has no derive: its protocol's fallback encodes any struct as the map of
            # its fields.
            {"Jsonrs", Jsonrs, :jsonrs, :fallback}
          ] do
        {name, module,
         fn ->
           %{
             decode: Function.capture(module, :decode!, 1),
             encode: Function.capture(module, :encode!, 1),
             app: app,
             structs: structs
           }
         end}
      end

    for {name, module, library} <- jiffy ++ elixir_peers, reduce: [] do
      acc ->
        if Code.ensure_loaded?(module) do
          acc ++ [{name, library.()}]
        else
          IO.puts(
            "#{name}: skipped (#{inspect(module)} is not on the code path; add its ebin with -pa)"
          )

          acc
        end
    end
  end

  # Warns where a peer does not decode to the same term as Serdex, or where its encoding
  # does not decode back to the same term: the comparison would then not be like for like.
  defp check_equal_terms(libraries, name, input, term) do
    for {peer, lib} <- libraries do
      if peer != "Serdex" and lib.decode.(input) != term do
        IO.puts("WARNING: #{name}: #{peer} decodes to a different term than Serdex")
      end

      unless Serdex.decode!(lib.encode.(term)) == term do
        IO.puts("WARNING: #{name}: #{peer}'s encoding does not decode back to the same term")
      end
    end
  end

  # -- the struct-heavy encode -----------------------------------------------------------

  @record_fields [:id, :name, :email, :age, :score, :active, :tags, :address]

  # A list of @record_count structs, each library encoding them through its own derived
  # implementation (Jsonrs through its fallback). The struct is defined here, after the
  # protocols were consolidated, so each protocol is consolidated again with it.
  defp structs(libraries, budget, warmup) do
    libraries = Enum.filter(libraries, fn {_name, lib} -> lib.structs end)
    protocols = for {_, %{app: app}} <- libraries, p = derivable(app), do: p

    quietly(fn ->
      Module.create(
        Serdex.Bench.Record,
        quote do
          @derive unquote(protocols)
          defstruct unquote(@record_fields)
        end,
        Macro.Env.location(__ENV__)
      )
    end)

    Enum.each(protocols, &consolidate_with(&1, Serdex.Bench.Record))

    records = Enum.map(1..@record_count, &record/1)
    json = Serdex.encode!(records)
    expected = Serdex.decode!(json)

    for {name, lib} <- libraries do
      unless Serdex.decode!(lib.encode.(records)) == expected do
        IO.puts("WARNING: structs: #{name}'s encoding differs from Serdex's")
      end
    end

    times = measure(calls(libraries, :encode, records), budget, warmup)
    %{size: byte_size(json), encode: times, libraries: Enum.map(libraries, &elem(&1, 0))}
  end

  defp derivable(:serdex), do: Serdex.Encoder
  defp derivable(:jason), do: Jason.Encoder
  defp derivable(:rustyjson), do: RustyJson.Encoder
  defp derivable(_), do: nil

  defp record(i) do
    struct(Serdex.Bench.Record,
      id: i,
      name: "User #{i}",
      email: "user#{i}@example.com",
      age: 18 + rem(i, 60),
      score: i / 7,
      active: rem(i, 3) != 0,
      tags: ["tag#{rem(i, 7)}", "tag#{rem(i, 11)}"],
      address: %{"city" => "City #{rem(i, 100)}", "zip" => Integer.to_string(10_000 + i)}
    )
  end

  defp consolidate_with(protocol, struct) do
    impls = Protocol.extract_impls(protocol, :code.get_path())
    {:ok, binary} = Protocol.consolidate(protocol, Enum.uniq([struct | impls]))
    :code.purge(protocol)
    {:module, ^protocol} = :code.load_binary(protocol, :code.which(protocol), binary)
  end

  # Runs `fun` with standard error discarded: deriving for a consolidated protocol warns
  # that the implementation has no effect, which is untrue here (see `consolidate_with/2`).
  defp quietly(fun) do
    {:ok, sink} = StringIO.open("")
    stderr = Process.whereis(:standard_error)
    Process.unregister(:standard_error)
    Process.register(sink, :standard_error)

    try do
      fun.()
    after
      Process.unregister(:standard_error)
      Process.register(stderr, :standard_error)
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

  defp memory(fun), do: median_of_runs(fn -> memory_of_one_call(fun) end)

  defp median_of_runs(measure) do
    samples = for _ <- 1..@memory_runs, do: measure.()
    samples |> Enum.sort() |> Enum.at(div(@memory_runs, 2))
  end

  defp memory_of_one_call(fun) do
    in_fresh_process(fn ->
      :erlang.garbage_collect()
      before = process_memory() + binary_memory()
      result = fun.()
      after_ = process_memory() + binary_memory()
      # Keep the result alive until after the measurement.
      _ = :erlang.phash2(result, 1)
      after_ - before
    end)
  end

  # The peak heap of one decode, by the VM's own check: a process whose heap passes its
  # `max_heap_size` is killed at the collection that finds it, so the smallest limit under
  # which the decode finishes is the largest heap (young and old generations and heap
  # fragments, not off-heap binaries) that any of its collections saw. A collection at the
  # end, with the result alive, counts the result for a decode that needed none. Found by
  # halving the range of limits, to within 1%; the median of @memory_runs decodes, in bytes.
  defp peak(fun), do: median_of_runs(fn -> peak_of_one_call(fun) end)

  defp peak_of_one_call(fun),
    do: peak_between(fun, 256, Bitwise.bsl(1, 27)) * :erlang.system_info(:wordsize)

  defp peak_between(fun, too_small, enough) do
    if enough - too_small <= max(div(enough, 100), 64) do
      enough
    else
      middle = div(too_small + enough, 2)

      if fits_in_heap?(fun, middle),
        do: peak_between(fun, too_small, middle),
        else: peak_between(fun, middle, enough)
    end
  end

  defp fits_in_heap?(fun, words) do
    {pid, ref} =
      spawn_monitor(fn ->
        Process.flag(:max_heap_size, %{size: words, kill: true, error_logger: false})
        result = fun.()
        :erlang.garbage_collect()
        exit({:done, :erlang.phash2(result, 1)})
      end)

    receive do
      {:DOWN, ^ref, :process, ^pid, {:done, _}} -> true
      {:DOWN, ^ref, :process, ^pid, :killed} -> false
      {:DOWN, ^ref, :process, ^pid, reason} -> raise "decode failed: #{inspect(reason)}"
    end
  end

  defp process_memory do
    {:memory, bytes} = Process.info(self(), :memory)
    bytes
  end

  # The off-heap binaries the process refers to, each counted once. The VM's total binary
  # memory would count other processes' too.
  defp binary_memory do
    {:binary, binaries} = Process.info(self(), :binary)
    binaries |> Enum.uniq_by(&elem(&1, 0)) |> Enum.map(&elem(&1, 1)) |> Enum.sum()
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

    consolidated =
      for {_, %{app: app}} <- [serdex() | peers], protocol = derivable(app) do
        "#{inspect(protocol)}=#{Protocol.consolidated?(protocol)}"
      end

    IO.puts("""
    Serdex benchmark: #{DateTime.utc_now() |> DateTime.truncate(:second) |> DateTime.to_iso8601()}
    Command: #{command(peers)}
    Machine: #{cpu_model()}, #{:erlang.system_info(:logical_processors_available)} logical CPUs, #{os_family}/#{os_name}; load average (1, 5, 15 min) #{load_average()}
    Elixir #{System.version()}, OTP #{:erlang.system_info(:otp_release)}, MIX_ENV=#{Mix.env()}
    Serdex #{version(:serdex)} NIF: profile #{info.profile}, target #{info.target}
    Peers: #{if peers == [], do: "none", else: Enum.map_join(peers, ", ", fn {name, lib} -> "#{name} #{version(lib.app)}" end)}
    Protocols consolidated: #{Enum.join(consolidated, ", ")}
    Per case and direction: #{warmup}s warm-up, then #{budget}s of turns in #{@slice}s slices (at least #{@min_runs} calls each); median; MB = 10^6 bytes
    """)
  end

  # The command that reproduces this run, with the peers' ebin directories.
  defp command(peers) do
    env =
      for var <- ~w(BENCH_FILES BENCH_TIME BENCH_WARMUP BENCH_DATA),
          value = System.get_env(var),
          do: "#{var}=#{value} "

    paths =
      for {_, %{app: app}} <- peers, app != :jiffy do
        module = %{jason: Jason, rustyjson: RustyJson, jsonrs: Jsonrs}[app]
        "-pa #{module |> :code.which() |> Path.dirname()} "
      end

    runner = if paths == [], do: "mix run", else: "elixir #{paths}-S mix run"
    "#{env}MIX_ENV=#{Mix.env()} #{runner} bench/compare.exs"
  end

  defp version(app) do
    _ = Application.load(app)
    Application.spec(app, :vsn) || "?"
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

  defp load_average do
    case File.read("/proc/loadavg") do
      {:ok, text} -> text |> String.split() |> Enum.take(3) |> Enum.join(" ")
      _ -> "unknown"
    end
  end

  defp print_row(row, peers) do
    mbs = fn seconds -> row.size / seconds / 1.0e6 end

    cells =
      for direction <- [:decode, :encode] do
        ours = mbs.(row[direction]["Serdex"].median)

        theirs =
          Enum.map_join(peers, "", fn {peer, _} ->
            p = mbs.(row[direction][peer].median)
            ", #{peer} #{fmt(p)} (x#{ratio(ours, p)})"
          end)

        "#{direction} MB/s: Serdex #{fmt(ours)}#{theirs}"
      end

    IO.puts(
      "#{String.pad_trailing(row.name, 22)} #{String.pad_leading(Integer.to_string(row.size), 8)} B | " <>
        Enum.join(cells, " | ")
    )
  end

  defp summary([], _peers), do: :ok

  defp summary(results, peers) do
    names = Enum.map(peers, &elem(&1, 0))

    for direction <- [:decode, :encode] do
      IO.puts(
        "\n#{direction |> Atom.to_string() |> String.capitalize()}, MB/s (median; ×peer = Serdex / peer):\n"
      )

      cols = ["file", "KB", "Serdex"] ++ Enum.flat_map(names, &[&1, "×#{&1}"])
      IO.puts("| " <> Enum.join(cols, " | ") <> " |")
      IO.puts("| --- |" <> String.duplicate(" ---: |", length(cols) - 1))

      for row <- results do
        mbs = fn name -> row.size / row[direction][name].median / 1.0e6 end

        cells =
          Enum.flat_map(names, fn name ->
            [fmt(mbs.(name)), ratio(mbs.("Serdex"), mbs.(name))]
          end)

        IO.puts(
          "| " <>
            Enum.join([row.name, fmt(row.size / 1000), fmt(mbs.("Serdex")) | cells], " | ") <>
            " |"
        )
      end
    end

    IO.puts("\nSerdex / peer, worst and best file, against the targets:\n")

    IO.puts(
      "| peer | decode worst | decode best | target | misses | encode worst | encode best | target | misses |"
    )

    IO.puts("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")

    for name <- names do
      {decode_target, encode_target} = Map.fetch!(@targets, name)

      cells =
        for {direction, target} <- [decode: decode_target, encode: encode_target] do
          ratios =
            for row <- results,
                do: {row.name, row[direction][name].median / row[direction]["Serdex"].median}

          {worst_file, worst} = Enum.min_by(ratios, &elem(&1, 1))
          {best_file, best} = Enum.max_by(ratios, &elem(&1, 1))
          misses = for {file, r} <- ratios, r < target, do: "#{file} #{ratio(r, 1)}"

          [
            "#{ratio(worst, 1)} (#{worst_file})",
            "#{ratio(best, 1)} (#{best_file})",
            ratio(target, 1),
            if(misses == [], do: "none", else: Enum.join(misses, ", "))
          ]
        end

      IO.puts("| " <> Enum.join([name | List.flatten(cells)], " | ") <> " |")
    end

    memory_table(
      results,
      names,
      :memory,
      "Memory retained by one decode (process heap + binaries)",
      "Retained by Serdex above jiffy's"
    )

    memory_table(
      results,
      names,
      :peak,
      "Peak heap of one decode (the largest any of its collections saw)",
      "Target: peak no more than jiffy's on every file; above it"
    )
  end

  # A table of KB per file and library for one of the memory measurements, and the files
  # where Serdex's figure is above jiffy's.
  defp memory_table(results, names, field, title, above_label) do
    IO.puts("\n#{title}, KB, median of #{@memory_runs}:\n")
    IO.puts("| file | Serdex | " <> Enum.join(names, " | ") <> " |")
    IO.puts("| --- |" <> String.duplicate(" ---: |", length(names) + 1))

    for row <- results do
      figures = Map.fetch!(row, field)

      IO.puts(
        "| #{row.name} | " <> Enum.map_join(["Serdex" | names], " | ", &kb(figures[&1])) <> " |"
      )
    end

    if "jiffy" in names do
      above =
        for row <- results,
            figures = Map.fetch!(row, field),
            figures["Serdex"] > figures["jiffy"],
            do: row.name

      IO.puts("\n#{above_label}: #{names_or_none(above)}")
    end
  end

  defp names_or_none([]), do: "none"
  defp names_or_none(names), do: Enum.join(names, ", ")

  defp struct_summary(%{size: size, encode: times, libraries: libraries}) do
    IO.puts(
      "\nStruct-heavy encode: a list of #{@record_count} structs of #{length(@record_fields)} fields, " <>
        "#{fmt(size / 1000)} KB of JSON (ms per call, median; ×peer = Serdex / peer):\n"
    )

    ours = times["Serdex"].median
    peers = libraries -- ["Serdex"]
    IO.puts("| " <> Enum.join(["Serdex" | Enum.flat_map(peers, &[&1, "×#{&1}"])], " | ") <> " |")
    IO.puts("|" <> String.duplicate(" ---: |", 1 + 2 * length(peers)))

    cells =
      Enum.flat_map(peers, fn peer ->
        theirs = times[peer].median
        [fmt(theirs * 1000), ratio(theirs, ours)]
      end)

    IO.puts("| " <> Enum.join([fmt(ours * 1000) | cells], " | ") <> " |")

    for {peer, target} <- @struct_targets, peer in peers do
      achieved = times[peer].median / ours
      verdict = if achieved >= target, do: "met", else: "missed"

      IO.puts(
        "\nTarget: at least #{ratio(target, 1)}× #{peer}: #{verdict} (#{ratio(achieved, 1)}×)"
      )
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

  defp only(nil), do: nil
  defp only(""), do: nil
  defp only(spec), do: spec |> String.split(",", trim: true) |> Enum.map(&String.trim/1)
end

Serdex.Bench.Compare.main()
