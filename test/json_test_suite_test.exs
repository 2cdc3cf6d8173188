defmodule Serdex.JSONTestSuiteTest do
  # The standard conformance suite: y_ files must decode, n_ files must be rejected with a
  # DecodeError, and i_ files (implementation-defined) may go either way but must not crash.
  use ExUnit.Case, async: true

  @suite Path.expand("../../shared/data/JSONTestSuite/test_parsing", __DIR__)
  @files if File.dir?(@suite), do: @suite |> File.ls!() |> Enum.sort(), else: []

  if @files == [] do
    @tag skip: "JSONTestSuite not found at #{@suite}"
    test "JSONTestSuite", do: :ok
  end

  test "the suite is complete enough to mean something" do
    if @files != [] do
      assert Enum.count(@files, &String.starts_with?(&1, "y_")) > 90
      assert Enum.count(@files, &String.starts_with?(&1, "n_")) > 180
    end
  end

  for file <- @files, String.starts_with?(file, ["y_", "n_", "i_"]) do
    @file_name file
    test file do
      input = File.read!(Path.join(@suite, @file_name))

      case @file_name do
        "y_" <> _ ->
          assert {:ok, _} = Serdex.decode(input)

        "n_" <> _ ->
          assert {:error, %Serdex.DecodeError{}} = Serdex.decode(input)

        "i_" <> _ ->
          assert match?({:ok, _}, Serdex.decode(input)) or
                   match?({:error, %Serdex.DecodeError{}}, Serdex.decode(input))
      end
    end
  end
end
