defmodule Serdex.PackageBuildTest do
  # Hex cannot run here, so `mix hex.build` cannot show that the package builds. Instead this
  # copies exactly the files that `package/0` in mix.exs lists (expanded as Hex expands them),
  # makes a throwaway project depend on the copy by `path:`, and lets `mix compile` build the
  # NIF with cargo there, as a project depending on {:serdex, "~> 0.1"} would.
  use ExUnit.Case, async: false

  @root Path.expand("..", __DIR__)

  test "every entry of the package's files exists, and none is a test, bench, fuzz, demo or Nix file" do
    package = Mix.Project.config()[:package]

    for entry <- package[:files] do
      assert Path.wildcard(Path.join(@root, entry)) != [], "#{entry} is listed but missing"
    end

    for file <- package_files(),
        excluded <- ["test/", "tests/", "benches/", "bench/", "fuzz/", "demo/", "nix/"] do
      refute String.contains?("/" <> file, "/" <> excluded), "#{file} should not be packaged"
    end

    for file <- ["mix.exs", "README.md", "LICENSE", "CHANGELOG.md"] do
      assert file in package_files(), "#{file} must be packaged"
    end
  end

  @tag :package
  @tag :cargo
  @tag timeout: 1_200_000
  test "a project depending on the packaged files builds the NIF with cargo and uses it" do
    dir = Path.join(System.tmp_dir!(), "serdex_package_#{System.unique_integer([:positive])}")
    on_exit(fn -> File.rm_rf!(dir) end)

    package_dir = Path.join(dir, "serdex")
    packaged = package_files()

    for file <- packaged do
      File.mkdir_p!(Path.dirname(Path.join(package_dir, file)))
      File.cp!(Path.join(@root, file), Path.join(package_dir, file))
    end

    lock = Path.join(package_dir, "Cargo.lock")
    locked = File.read(lock)

    consumer_dir = Path.join(dir, "consumer")
    File.mkdir_p!(consumer_dir)

    File.write!(Path.join(consumer_dir, "mix.exs"), """
    defmodule Consumer.MixProject do
      use Mix.Project

      def project do
        [app: :consumer, version: "0.1.0", deps: [{:serdex, path: "../serdex"}]]
      end
    end
    """)

    {out, status} = mix(consumer_dir, ["compile"])
    assert status == 0, "mix compile failed:\n#{out}"
    assert out =~ "Compiling NIF crate serdex_nif (release) with cargo"

    # Cargo writes a lockfile when the packaged one is missing, or when the workspace root is
    # missing and a crate becomes its own root; either way it resolved versions of its own.
    created =
      for file <- files_under(package_dir),
          file = Path.relative_to(file, package_dir),
          not String.starts_with?(file, "priv/"),
          "target" not in Path.split(file),
          file not in packaged,
          do: file

    assert created == [], "the build created #{inspect(created)}: a needed file is not packaged"
    assert File.read(lock) == locked, "cargo changed the packaged Cargo.lock"

    probe = """
    {:ok, term} = Serdex.decode(~s({"name": "Ada", "born": 1815, "langs": ["en", "fr"]}))
    IO.inspect(term, label: "decoded")
    IO.inspect(Serdex.encode!(%{ok: [1, 2.5, nil]}), label: "encoded")
    IO.inspect(Serdex.nif_info(), label: "nif_info")
    """

    {out, status} = mix(consumer_dir, ["run", "-e", probe])
    assert status == 0, "mix run failed:\n#{out}"
    assert out =~ ~s(decoded: %{"born" => 1815, "langs" => ["en", "fr"], "name" => "Ada"})
    assert out =~ ~S(encoded: "{\"ok\":[1,2.5,null]}")
    assert out =~ ~s(profile: "release")
    assert out =~ "precompiled: false"
    assert out =~ ~s(loaded_from: "#{consumer_dir}/_build/dev/lib/serdex/priv/native/)
  end

  # The regular files that Hex would put in the package: each entry of `files` is a wildcard,
  # and a directory stands for everything under it, minus `exclude_patterns`.
  defp package_files do
    package = Mix.Project.config()[:package]
    exclude_patterns = Keyword.get(package, :exclude_patterns, [])

    package[:files]
    |> Enum.flat_map(&Path.wildcard(Path.join(@root, &1)))
    |> Enum.flat_map(&files_under/1)
    |> Enum.map(&Path.relative_to(&1, @root))
    |> Enum.reject(fn file -> Enum.any?(exclude_patterns, &(file =~ &1)) end)
    |> Enum.uniq()
  end

  defp files_under(path) do
    if File.dir?(path),
      do: path |> File.ls!() |> Enum.flat_map(&files_under(Path.join(path, &1))),
      else: [path]
  end

  defp mix(dir, args) do
    env = [
      {"MIX_ENV", "dev"},
      {"PRECOMPILED_NIF", nil},
      {"SERDEX_NIF_TARGET", nil},
      {"CARGO_TARGET_DIR", nil},
      {"MIX_BUILD_PATH", nil},
      {"MIX_DEPS_PATH", nil}
    ]

    System.cmd("mix", args, cd: dir, env: env, stderr_to_stdout: true)
  end
end
