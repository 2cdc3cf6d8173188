defmodule Serdex.JiffyDifferentialTest do
  # Decodes every file of the benchmark corpus with Serdex and with jiffy (Debian's
  # erlang-jiffy, a C NIF) and requires equal terms.
  use ExUnit.Case, async: true

  @corpus Path.expand("../../shared/data/bench", __DIR__)
  @files if File.dir?(@corpus),
           do: @corpus |> Path.join("*.json") |> Path.wildcard() |> Enum.sort(),
           else: []

  cond do
    not Code.ensure_loaded?(:jiffy) ->
      @moduletag skip:
                   "jiffy is not installed (apt-get install erlang-jiffy) - differential test skipped"

    @files == [] ->
      @moduletag skip: "benchmark corpus not found at #{@corpus}"

    true ->
      :ok
  end

  test "the corpus is present" do
    assert length(@files) >= 5
  end

  for path <- @files do
    @path path
    test "decodes #{Path.basename(path)} exactly as jiffy does" do
      json = File.read!(@path)
      expected = :jiffy.decode(json, [:return_maps, {:null_term, nil}])
      assert Serdex.decode!(json) == expected
    end

    test "round-trips #{Path.basename(path)} through encode" do
      term = Serdex.decode!(File.read!(@path))
      assert term |> Serdex.encode!() |> Serdex.decode!() == term
      assert term |> Serdex.encode!(pretty: true) |> Serdex.decode!() == term
    end
  end
end
