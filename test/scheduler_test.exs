defmodule Serdex.SchedulerTest do
  # Scheduler fairness and soak (issue 6). Both load every scheduler, so the module is not
  # async. The bounds are generous; the figures are printed for the README's Safety section.
  #
  # SERDEX_SOAK_SECONDS sets the soak's length (default 60), SERDEX_FAIRNESS_SECONDS the
  # length of each fairness run (default 5). The corpus is ../shared/data/bench when present;
  # without it both tests run on a synthetic corpus instead.
  use ExUnit.Case, async: false

  @moduletag :load
  @moduletag timeout: 600_000

  @bench_dir Path.expand("../shared/data/bench", File.cwd!())
  @soak_seconds String.to_integer(System.get_env("SERDEX_SOAK_SECONDS", "60"))
  @fairness_seconds String.to_integer(System.get_env("SERDEX_FAIRNESS_SECONDS", "5"))

  # Serdex's p99 probe gap may be at most this factor and margin over jiffy's in the same run:
  # room for a shared machine's noise, and far below what a NIF that held a scheduler for a
  # whole document would cause (Serdex did so once, on dirty schedulers: p99 about 190 ms).
  @fairness_factor 2
  @fairness_margin_ms 25

  defp corpus do
    files = if File.dir?(@bench_dir), do: Path.wildcard(Path.join(@bench_dir, "*.json")), else: []

    case files do
      [] ->
        IO.puts("#{@bench_dir} is absent: using a synthetic corpus")
        synthetic_corpus()

      files ->
        Enum.map(files, &File.read!/1)
    end
  end

  defp synthetic_corpus do
    item = fn i ->
      %{
        "id" => i,
        "name" => "item #{i} \u00e9\u2028😀",
        "tags" => ["a", "b", "c"],
        "price" => i * 1.25,
        "big" => 10 ** 30 + i,
        "nested" => %{"ok" => true, "none" => nil, "list" => Enum.to_list(1..10)}
      }
    end

    for size <- [10, 1_000, 20_000] do
      Serdex.encode!(Enum.map(1..size, item))
    end
  end

  # One JSON document of 20 to 50 MB, made of the corpus repeated.
  defp big_document do
    terms = Enum.map(corpus(), &Serdex.decode!/1)
    one = Serdex.encode!(terms)
    copies = max(div(25_000_000, byte_size(one)), 1)
    json = Serdex.encode!(List.duplicate(terms, copies))
    assert byte_size(json) in 20_000_000..50_000_000
    json
  end

  # Runs `work` in two processes per scheduler while a probe sleeps 1 ms in a loop; returns
  # the probe's gaps beyond the 1 ms, in milliseconds, sorted.
  defp probe_gaps(work, seconds) do
    workers =
      for _ <- 1..(2 * System.schedulers_online()) do
        spawn_link(fn -> Stream.repeatedly(work) |> Stream.run() end)
      end

    # Let every worker start its first call.
    Process.sleep(200)
    deadline = System.monotonic_time(:microsecond) + seconds * 1_000_000
    gaps = probe(deadline, [])

    for pid <- workers do
      Process.unlink(pid)
      Process.exit(pid, :kill)
    end

    wait_until_dead(workers)
    Enum.sort(gaps)
  end

  defp probe(deadline, gaps) do
    before = System.monotonic_time(:microsecond)

    receive do
    after
      1 -> :ok
    end

    now = System.monotonic_time(:microsecond)
    gaps = [max(now - before - 1000, 0) / 1000 | gaps]
    if now < deadline, do: probe(deadline, gaps), else: gaps
  end

  defp wait_until_dead(pids) do
    for pid <- pids do
      ref = Process.monitor(pid)

      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      end
    end
  end

  defp percentile(sorted, p),
    do: Enum.at(sorted, min(trunc(length(sorted) * p), length(sorted) - 1))

  defp summary(sorted) do
    %{
      p50: percentile(sorted, 0.50),
      p99: percentile(sorted, 0.99),
      max: List.last(sorted),
      samples: length(sorted)
    }
  end

  defp describe_gaps(name, %{p50: p50, p99: p99, max: max, samples: n}) do
    :io_lib.format(
      "~-7s probe gap beyond 1 ms: p50 ~.2f ms, p99 ~.2f ms, max ~.2f ms (~b samples)",
      [
        name,
        p50,
        p99,
        max,
        n
      ]
    )
    |> IO.iodata_to_binary()
  end

  test "a 1 ms probe wakes about as promptly as with jiffy while every scheduler decodes and encodes a big document" do
    json = big_document()
    term = Serdex.decode!(json)

    serdex =
      probe_gaps(
        fn ->
          {:ok, _} = Serdex.decode(json)
          {:ok, _} = Serdex.encode(term)
        end,
        @fairness_seconds
      )
      |> summary()

    IO.puts(
      "\n#{describe_gaps("Serdex", serdex)} (#{Serdex.nif_info().profile} NIF, " <>
        "#{byte_size(json)} bytes, #{System.schedulers_online()} schedulers)"
    )

    # CI installs jiffy (Debian's erlang-jiffy) so that there is a yardstick.
    assert Code.ensure_loaded?(:jiffy), "jiffy is not on the code path"

    jiffy =
      probe_gaps(
        fn ->
          _ = :jiffy.decode(json, [:return_maps, {:null_term, nil}, :use_nil])
          _ = :jiffy.encode(term, [:use_nil])
        end,
        @fairness_seconds
      )
      |> summary()

    IO.puts(describe_gaps("jiffy", jiffy))

    # jiffy yields from its NIFs as Serdex does; both pay for the VM's garbage collection of
    # these large terms. A library that held a scheduler for a whole document would be far
    # past this bound.
    bound = @fairness_factor * jiffy.p99 + @fairness_margin_ms
    assert serdex.p99 <= bound, "#{describe_gaps("Serdex", serdex)}; bound #{bound} ms"
  end

  test "soak: 2 x schedulers processes decode and encode the corpus; no crash, no leak" do
    corpus = corpus()
    expected = Enum.map(corpus, &Serdex.decode!/1)
    cases = Enum.zip(corpus, expected)
    workers_count = 2 * System.schedulers_online()

    collect_garbage()
    baseline = :erlang.memory(:total)

    deadline = System.monotonic_time(:millisecond) + @soak_seconds * 1000
    parent = self()

    workers =
      for i <- 1..workers_count do
        spawn_link(fn -> send(parent, {:done, self(), soak(cases, deadline, i, 0)}) end)
      end

    rounds =
      for pid <- workers do
        receive do
          {:done, ^pid, rounds} -> rounds
        after
          (@soak_seconds + 120) * 1000 -> flunk("a soak worker is stuck")
        end
      end

    wait_until_dead(workers)
    collect_garbage()
    after_soak = :erlang.memory(:total)
    growth = after_soak - baseline

    IO.puts(
      "\nsoak: #{workers_count} processes, #{@soak_seconds} s, #{Enum.sum(rounds)} corpus rounds, " <>
        "memory #{div(baseline, 1_000_000)} MB -> #{div(after_soak, 1_000_000)} MB"
    )

    assert Enum.all?(rounds, &(&1 > 0))
    # Allocators keep some freed memory cached; a leak would grow with the rounds.
    assert growth < 32_000_000, "memory grew by #{growth} bytes"
  end

  defp soak(cases, deadline, worker, rounds) do
    if System.monotonic_time(:millisecond) >= deadline do
      rounds
    else
      for {json, expected} <- cases do
        assert {:ok, ^expected} = Serdex.decode(json)
        assert {:ok, encoded} = Serdex.encode(expected, maps: :strict)
        assert {:ok, ^expected} = Serdex.decode(encoded)
        assert {:ok, _} = Serdex.encode(expected, escape: :html_safe)
        assert is_binary(Serdex.Formatter.minimize(json))
        assert {:error, %Serdex.DecodeError{}} = Serdex.decode(json <> "x")

        assert {:error, %Serdex.DecodeError{}} =
                 Serdex.decode(binary_part(json, 0, div(byte_size(json), 2)))

        assert {:error, %Serdex.EncodeError{}} = Serdex.encode([expected, <<0xFF>>])
      end

      soak(cases, deadline, worker, rounds + 1)
    end
  end

  defp collect_garbage do
    for _ <- 1..3 do
      for pid <- Process.list(), do: :erlang.garbage_collect(pid)
      Process.sleep(100)
    end
  end
end
