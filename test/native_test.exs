defmodule Serdex.NativeTest do
  # Exercises the PRECOMPILED_NIF macro end to end, in throwaway copies of this project, with
  # real `mix` and `cargo` runs. Slow (a cargo build per step), so each test does one story.
  use ExUnit.Case, async: false

  @root Path.expand("..", __DIR__)
  @copied ["mix.exs", "Cargo.toml", "Cargo.lock", "rust-toolchain.toml", "lib", "native"]
  @moduletag timeout: 600_000

  setup do
    dir = Path.join(System.tmp_dir!(), "serdex_native_test_#{System.unique_integer([:positive])}")
    File.mkdir_p!(dir)
    for entry <- @copied, do: File.cp_r!(Path.join(@root, entry), Path.join(dir, entry))
    File.rm_rf!(Path.join(dir, "native/serdex_core/fuzz"))
    on_exit(fn -> File.rm_rf!(dir) end)
    %{dir: dir}
  end

  @tag :cargo
  test "a change to a .rs file or Cargo.toml is rebuilt and loaded by the next mix run", %{
    dir: dir
  } do
    probe = ~s[IO.write(inspect({Serdex.decode("-"), Serdex.nif_info().crate_version}))]

    {out, 0} = mix(dir, ["run", "-e", probe])
    assert out =~ ~s(reason: "invalid number")
    assert out =~ ~s("0.1.0")

    edit(
      dir,
      "native/serdex_core/src/error.rs",
      ~S|"invalid number"|,
      ~S|"invalid number (edited)"|
    )

    {out, 0} = mix(dir, ["run", "-e", probe])
    assert out =~ ~s|reason: "invalid number (edited)"|

    edit(dir, "native/serdex_nif/Cargo.toml", ~s(version = "0.1.0"), ~s(version = "0.1.1"))
    {out, 0} = mix(dir, ["run", "-e", probe])
    assert out =~ ~s("0.1.1")
  end

  @tag :cargo
  test "switching PRECOMPILED_NIF recompiles, and the precompiled path never needs cargo", %{
    dir: dir
  } do
    probe = ~s[IO.write(inspect(Serdex.nif_info().precompiled))]

    {out, 0} = mix(dir, ["run", "-e", probe])
    assert out =~ "false"

    {out, 0} =
      mix(dir, ["run", "-e", probe], [{"PRECOMPILED_NIF", "1"}, {"PATH", path_without_cargo()}])

    assert out =~ "true"

    {out, 0} = mix(dir, ["run", "-e", probe], [{"PRECOMPILED_NIF", "0"}])
    assert out =~ "false"
  end

  @tag :slow
  test "a missing precompiled library fails at load, naming the path and both fixes", %{dir: dir} do
    env = [{"PRECOMPILED_NIF", "true"}, {"PATH", path_without_cargo()}]
    {out, _status} = mix(dir, ["run", "-e", ~s[Serdex.decode("1")]], env)

    assert out =~ "no library at #{dir}/_build/dev/lib/serdex/priv/native/libserdex_nif.so"
    assert out =~ "unset PRECOMPILED_NIF"
    assert out =~ "put the built library at that path"
  end

  @tag :slow
  test "an unknown PRECOMPILED_NIF value is an error, not a guess", %{dir: dir} do
    {out, status} = mix(dir, ["compile"], [{"PRECOMPILED_NIF", "yes"}])
    assert status != 0
    assert out =~ "PRECOMPILED_NIF must be unset, 0, false, 1 or true"
  end

  defp mix(dir, args, env \\ []) do
    base = [
      {"MIX_ENV", "dev"},
      {"PRECOMPILED_NIF", nil},
      {"CARGO_TARGET_DIR", Path.join(@root, "target/native_test")}
    ]

    System.cmd("mix", args, cd: dir, env: base ++ env, stderr_to_stdout: true)
  end

  defp edit(dir, file, from, to) do
    path = Path.join(dir, file)
    content = File.read!(path)
    assert content =~ from
    File.write!(path, String.replace(content, from, to))
  end

  defp path_without_cargo do
    System.get_env("PATH")
    |> String.split(":")
    |> Enum.reject(&File.exists?(Path.join(&1, "cargo")))
    |> Enum.join(":")
  end
end
