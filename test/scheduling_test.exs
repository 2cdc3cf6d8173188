defmodule Serdex.SchedulingTest do
  # Every public call runs on the caller's normal scheduler in short slices. The witness is
  # the VM's own long_schedule monitor: it reports any process that runs on a scheduler for
  # longer than the threshold without being switched out. Each case runs in a fresh process
  # whose heap has room for everything the call builds, so that no garbage collection takes
  # part in what is timed: collecting a large result is the VM's work, whatever library
  # built it, and it happens on the normal scheduler in one go.
  #
  # The machine may be shared, and the operating system can take a core away in the middle of
  # any slice, so a case is tried up to three times and fails only if every try holds a
  # scheduler too long. Work that is not cut into slices holds it on every try.
  use ExUnit.Case, async: false

  @moduletag :slow
  @moduletag timeout: 600_000

  @threshold_ms 20
  @tries 3

  # Runs `fun` in a fresh process, and `check` on its result there (sending a large result
  # back would copy it, in one go). Returns the longest schedule of that process, 0 if none
  # reached the threshold.
  defp max_schedule_ms(fun, check) do
    parent = self()

    monitor =
      spawn_link(fn ->
        :erlang.system_monitor(self(), [{:long_schedule, @threshold_ms}])
        send(parent, :monitoring)
        collect([])
      end)

    receive do
      :monitoring -> :ok
    end

    {pid, ref} =
      Process.spawn(
        fn ->
          result = fun.()
          send(parent, {:checked, check.(result)})
        end,
        [:monitor, min_heap_size: 20_000_000, min_bin_vheap_size: 100_000_000]
      )

    receive do
      {:DOWN, ^ref, _, _, reason} -> assert reason == :normal
    end

    assert_received {:checked, true}
    send(monitor, {:report, self(), pid})

    receive do
      {:longest, longest} -> longest
    end
  end

  defp collect(events) do
    receive do
      {:monitor, pid, :long_schedule, info} ->
        collect([{pid, info[:timeout]} | events])

      {:report, to, pid} ->
        :erlang.system_monitor(:undefined)
        send(to, {:longest, Enum.max([0 | for({^pid, ms} <- events, do: ms)])})
    end
  end

  defp assert_short_slices(name, fun, check) do
    tries =
      Enum.reduce_while(1..@tries, [], fn _, tries ->
        longest = max_schedule_ms(fun, check)
        if longest == 0, do: {:halt, []}, else: {:cont, [longest | tries]}
      end)

    assert length(tries) < @tries,
           "#{name} held a normal scheduler for #{inspect(Enum.reverse(tries), charlists: :as_lists)} ms " <>
             "(threshold #{@threshold_ms} ms)"
  end

  defp ok(result), do: match?({:ok, _}, result)

  test "decoding long strings, long arrays, large objects and deep nesting" do
    long_string = Serdex.encode!(String.duplicate("aé\u2028\n", 1_500_000))
    assert_short_slices("a 9 MB string", fn -> Serdex.decode(long_string) end, &ok/1)

    array = "[" <> Enum.map_join(1..1_000_000, ",", &Integer.to_string/1) <> "]"
    assert_short_slices("an array of 1,000,000 numbers", fn -> Serdex.decode(array) end, &ok/1)

    object = Serdex.encode!(Map.new(1..200_000, &{"key #{&1}", &1}))
    assert_short_slices("an object of 200,000 keys", fn -> Serdex.decode(object) end, &ok/1)

    deep = String.duplicate("[", 200_000) <> String.duplicate("]", 200_000)

    assert_short_slices(
      "200,000 nested arrays",
      fn -> Serdex.decode(deep, max_depth: 200_000) end,
      &ok/1
    )

    spaces = String.duplicate(" ", 30_000_000) <> "1"
    assert_short_slices("30 MB of whitespace", fn -> Serdex.decode(spaces) end, &ok/1)
  end

  test "encoding content that costs far more than its size suggests" do
    cases = [
      {"a string of 400,000 control characters", String.duplicate("\x01", 400_000), []},
      {"a string of 5,000,000 control characters", String.duplicate("\x01", 5_000_000), []},
      {"a map key of 300,000 digits", %{(Integer.pow(10, 299_999) + 1) => 1}, []},
      {"an integer of 300,000 digits", Integer.pow(10, 299_999) + 1, []},
      {"1,000 integers of 1,000 to 2,400 digits",
       for(i <- 1..1000, do: Integer.pow(10, 1000 + trunc(i * 1.4)) + 1), []},
      {"20,000 atom keys under maps: :strict", Map.new(1..20_000, &{:"key_#{&1}", &1}),
       [maps: :strict]},
      {"20,000 atoms beyond Latin-1", List.duplicate(:"é😀", 20_000), []},
      {"a map of 300,000 entries", Map.new(1..300_000, &{&1, [&1]}), []},
      {"a list of 1,000,000 empty maps", List.duplicate(%{}, 1_000_000), []},
      {"a list of 2,000,000 floats", Enum.map(1..2_000_000, &(&1 / 3)), []},
      {"a list nested 200,000 deep", Enum.reduce(1..200_000, [], &[&1, &2]), []}
    ]

    for {name, term, opts} <- cases do
      assert_short_slices(name, fn -> Serdex.encode(term, opts) end, &ok/1)
    end
  end

  test "pretty printing within its output limit, and past it" do
    deep =
      String.duplicate("[", 1000) <>
        String.duplicate("1,", 30_000) <> "1" <> String.duplicate("]", 1000)

    assert_short_slices(
      "pretty-printing 64 KB nested 1,000 deep into 62 MB",
      fn -> Serdex.Formatter.pretty_print(deep, max_bytes: :infinity) end,
      &is_binary/1
    )

    megabyte =
      String.duplicate("[", 1024) <>
        String.duplicate("1,", 500_000) <> "1" <> String.duplicate("]", 1024)

    assert_short_slices(
      "pretty-printing 1 MB nested 1,024 deep",
      fn ->
        try do
          Serdex.Formatter.pretty_print(megabyte)
        rescue
          error in Serdex.DecodeError -> error.reason
        end
      end,
      &match?("the output would be longer than" <> _, &1)
    )

    term = Enum.reduce(1..1000, Enum.to_list(1..30_000), fn _, acc -> [acc] end)

    assert_short_slices(
      "encoding with pretty: true a term nested 1,000 deep",
      fn -> Serdex.encode(term, pretty: [max_bytes: :infinity]) end,
      &ok/1
    )
  end
end
