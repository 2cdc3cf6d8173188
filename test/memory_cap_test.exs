defmodule Serdex.MemoryCapTest do
  # Output that would not fit in memory is an error, not an abort of the VM: every buffer the
  # NIF writes grows with fallible allocation. Checked in a VM of its own, started under an
  # address-space limit, pretty-printing 1 MB nested 1,024 deep (about 1 GB indented).
  use ExUnit.Case, async: false

  @moduletag :slow
  @moduletag timeout: 300_000

  @script ~S"""
  input = String.duplicate("[", 1024) <> String.duplicate("1,", 500_000) <> "1" <> String.duplicate("]", 1024)

  for opts <- [[], [max_bytes: :infinity]] do
    try do
      IO.puts("ok #{byte_size(Serdex.Formatter.pretty_print(input, opts))}")
    rescue
      error in Serdex.DecodeError -> IO.puts("error #{error.reason}")
    end
  end
  """

  test "pretty-printing under a 2.5 GB memory cap gives an error, and the VM survives" do
    {output, status} =
      System.cmd(
        "sh",
        ["-c", ~S(ulimit -v 2500000 && exec mix run --no-compile --no-start -e "$SCRIPT")],
        env: [{"SCRIPT", @script}, {"MIX_ENV", "test"}],
        stderr_to_stdout: true
      )

    assert status == 0, output

    assert [default, unlimited] = String.split(output, "\n", trim: true) |> Enum.take(-2)
    assert default =~ ~r/^error the output would be longer than 17\d{6} bytes/
    assert unlimited == "error out of memory for the output"
  end
end
