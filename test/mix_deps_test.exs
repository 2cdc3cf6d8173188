defmodule Serdex.MixDepsTest do
  @moduledoc """
  Keeps `mix.lock` and `mix_deps.nix` (mix2nix output) in agreement.

  `mix.lock` is read with `Code.string_to_quoted!/2` and converted from
  literal AST only (it is never evaluated); `mix_deps.nix` is read with
  regular expressions that follow mix2nix's output format. The test fails
  on a missing or extra package, a different version or checksum, a wrong
  builder, or `beamDeps` that do not match the lock's dependency lists.
  It also checks that the lock is closed (every required dependency is
  locked at a version that satisfies its requirement), that it satisfies
  the requirements written in `mix.exs` and `demo/mix.exs`, and that it
  is minimal (every entry is reachable from a Hex dependency declared
  there).
  """
  use ExUnit.Case, async: true

  @root Path.expand("..", __DIR__)
  @lock_path Path.join(@root, "mix.lock")
  @nix_path Path.join(@root, "mix_deps.nix")

  @header ~r/\A\{ lib, beamPackages, overrides \? \(x: y: \{ ?\}\) \}:\n\nlet\n  buildRebar3 = lib\.makeOverridable beamPackages\.buildRebar3;\n  buildMix = lib\.makeOverridable beamPackages\.buildMix;\n  buildErlangMk = lib\.makeOverridable beamPackages\.buildErlangMk;\n\n  self = packages \/\/ \(overrides self packages\);\n\n  packages = with beamPackages; with self; \{\n/
  @footer ~r/\n  \};\nin self\n*\z/

  @block ~r/^    (?<attr>[A-Za-z0-9_]+) = (?<builder>buildMix|buildRebar3|buildErlangMk) rec \{\n      name = "(?<name>[^"]+)";\n      version = "(?<version>[^"]+)";\n\n      src = fetchHex \{\n        pkg = "(?<pkg>[^"]+)";\n        version = "\$\{version\}";\n        sha256 = "(?<sha256>[^"]+)";\n      \};\n\n      beamDeps = \[(?<deps>[^\]]*)\];\n    \};$/m

  setup_all do
    %{lock: read_lock!(@lock_path), nix: read_nix!(@nix_path)}
  end

  describe "mix.lock" do
    test "only holds Hex packages from the hexpm repository", %{lock: lock} do
      for {name, entry} <- lock do
        assert entry.repo == "hexpm", "#{name} is not from hexpm"
        assert entry.name == name, "lock key #{name} names package #{entry.name}"
        assert entry.inner =~ ~r/\A[0-9a-f]{64}\z/, "#{name}: bad inner checksum"
        assert entry.outer =~ ~r/\A[0-9a-f]{64}\z/, "#{name}: bad outer checksum"
        assert {:ok, _} = Version.parse(entry.version), "#{name}: bad version"
      end
    end

    test "is closed: every required dependency is locked at a compatible version",
         %{lock: lock} do
      for {name, entry} <- lock, dep <- entry.deps do
        case Map.fetch(lock, dep.name) do
          {:ok, locked} ->
            assert Version.match?(locked.version, dep.requirement),
                   "#{name} needs #{dep.name} #{dep.requirement}, " <>
                     "but #{locked.version} is locked"

          :error ->
            assert dep.optional,
                   "#{name} requires #{dep.name} #{dep.requirement}, which is not locked"
        end
      end
    end

    test "locks every declared Hex dependency at a version its requirement accepts",
         %{lock: lock} do
      for dep <- declared_hex_deps!() do
        assert Map.has_key?(lock, dep.name), "#{dep.name} is declared in a mix.exs but not locked"

        if dep.requirement do
          version = lock[dep.name].version

          assert Version.match?(version, dep.requirement),
                 "#{dep.name} is declared as #{dep.requirement}, but #{version} is locked"
        end
      end
    end

    test "is minimal: every entry is needed by a declared Hex dependency", %{lock: lock} do
      roots = Enum.map(declared_hex_deps!(), & &1.name)
      reachable = reach(roots, lock, MapSet.new())
      extra = lock |> Map.keys() |> Enum.reject(&MapSet.member?(reachable, &1))
      assert extra == [], "locked but not needed: #{inspect(Enum.sort(extra))}"
    end

    test "does not contain Jason (Serdex is the JSON library)", %{lock: lock} do
      refute Map.has_key?(lock, "jason")
    end
  end

  describe "mix_deps.nix" do
    test "uses mix2nix's header and footer" do
      text = File.read!(@nix_path)
      assert text =~ @header
      assert text =~ @footer
    end

    test "every package block is in mix2nix's format" do
      text = File.read!(@nix_path)
      builders = length(Regex.scan(~r/ = build(Mix|Rebar3|ErlangMk) rec \{/, text))

      assert builders == length(Regex.scan(@block, text)),
             "some package blocks do not follow mix2nix's layout"
    end

    test "lists exactly the packages of mix.lock", %{lock: lock, nix: nix} do
      missing = Map.keys(lock) -- Map.keys(nix)
      extra = Map.keys(nix) -- Map.keys(lock)
      assert missing == [], "missing from mix_deps.nix: #{inspect(Enum.sort(missing))}"
      assert extra == [], "not in mix.lock: #{inspect(Enum.sort(extra))}"
    end

    test "lists packages in mix2nix's (sorted) order" do
      names =
        for [_, name] <- Regex.scan(~r/^    ([A-Za-z0-9_]+) = build/m, File.read!(@nix_path)),
            do: name

      assert names == Enum.sort(names)
    end

    test "versions, names and checksums agree with mix.lock", %{lock: lock, nix: nix} do
      for {name, pkg} <- nix, entry = lock[name], entry != nil do
        assert pkg.attr == name
        assert pkg.name == name
        assert pkg.pkg == name
        assert pkg.version == entry.version, "#{name}: #{pkg.version} != #{entry.version}"

        assert pkg.sha256 == entry.outer,
               "#{name}: sha256 must be the lock's outer checksum #{entry.outer}"
      end
    end

    test "builders follow mix2nix's rules", %{lock: lock, nix: nix} do
      for {name, pkg} <- nix, entry = lock[name], entry != nil do
        assert pkg.builder == expected_builder(name, entry.builders),
               "#{name}: expected #{expected_builder(name, entry.builders)}, got #{pkg.builder}"
      end

      assert nix["telemetry"].builder == "buildRebar3"
    end

    test "beamDeps match the lock's dependency lists", %{lock: lock, nix: nix} do
      for {name, pkg} <- nix, entry = lock[name], entry != nil do
        expected =
          for dep <- entry.deps, Map.has_key?(lock, dep.name) or not dep.optional, do: dep.name

        assert pkg.deps == expected,
               "#{name}: beamDeps #{inspect(pkg.deps)}, lock says #{inspect(expected)}"
      end
    end
  end

  ## mix.lock

  defp read_lock!(path) do
    {:%{}, _, pairs} =
      Code.string_to_quoted!(File.read!(path), file: path, warn_on_unnecessary_quotes: false)

    Map.new(pairs, fn {key, value} ->
      name = Atom.to_string(literal!(key))

      case literal!(value) do
        {:hex, pkg, version, inner, builders, deps, repo, outer} ->
          {name,
           %{
             name: Atom.to_string(pkg),
             version: version,
             inner: inner,
             outer: outer,
             builders: builders,
             repo: repo,
             deps:
               Enum.map(deps, fn {dep, requirement, opts} ->
                 %{
                   name: Atom.to_string(Keyword.get(opts, :hex, dep)),
                   requirement: requirement,
                   optional: Keyword.get(opts, :optional, false)
                 }
               end)
           }}

        other ->
          flunk("mix.lock entry #{name} is not a hexpm package: #{inspect(other)}")
      end
    end)
  end

  # Converts literal AST to terms without evaluating anything.
  defp literal!(term) when is_atom(term) or is_binary(term) or is_number(term), do: term
  defp literal!(list) when is_list(list), do: Enum.map(list, &literal!/1)
  defp literal!({left, right}), do: {literal!(left), literal!(right)}
  defp literal!({:{}, _, elems}), do: elems |> Enum.map(&literal!/1) |> List.to_tuple()
  defp literal!({:%{}, _, pairs}), do: Map.new(pairs, &literal!/1)
  defp literal!(other), do: flunk("unexpected expression in mix.lock: #{Macro.to_string(other)}")

  ## mix_deps.nix

  defp read_nix!(path) do
    path
    |> File.read!()
    |> then(&Regex.scan(@block, &1, capture: :all_names))
    |> Map.new(fn [attr, builder, deps, name, pkg, sha256, version] ->
      {attr,
       %{
         attr: attr,
         builder: builder,
         deps: String.split(deps),
         name: name,
         pkg: pkg,
         sha256: sha256,
         version: version
       }}
    end)
  end

  # The choice mix2nix makes (see its `get_build_env/2`).
  defp expected_builder("cowboy", _), do: "buildErlangMk"
  defp expected_builder("ssl_verify_fun", _), do: "buildRebar3"
  defp expected_builder("jose", _), do: "buildMix"

  defp expected_builder(_name, builders) do
    cond do
      :mix in builders -> "buildMix"
      :rebar3 in builders -> "buildRebar3"
      :make in builders -> "buildErlangMk"
      true -> "buildMix"
    end
  end

  ## Declared dependencies

  defp declared_hex_deps! do
    [Path.join(@root, "mix.exs"), Path.join(@root, "demo/mix.exs")]
    |> Enum.filter(&File.exists?/1)
    |> Enum.flat_map(&declared_hex_deps!/1)
  end

  defp declared_hex_deps!(mix_exs) do
    ast = Code.string_to_quoted!(File.read!(mix_exs), file: mix_exs)

    {_, found} =
      Macro.prewalk(ast, nil, fn
        {kind, _, [{:deps, _, _}, [do: list]]} = node, nil
        when kind in [:def, :defp] and is_list(list) ->
          {node, list}

        node, acc ->
          {node, acc}
      end)

    for dep <- found || [], hex = hex_dep(dep), hex != nil, do: hex
  end

  defp hex_dep({name, req}) when is_atom(name) and is_binary(req), do: hex_dep(name, req, [])
  defp hex_dep({name, opts}) when is_atom(name) and is_list(opts), do: hex_dep(name, nil, opts)

  defp hex_dep({:{}, _, [name, req, opts]}) when is_atom(name) and is_binary(req),
    do: hex_dep(name, req, opts)

  defp hex_dep(_), do: nil

  defp hex_dep(name, requirement, opts) do
    unless Enum.any?([:path, :git, :github, :in_umbrella], &Keyword.has_key?(opts, &1)) do
      %{name: Atom.to_string(Keyword.get(opts, :hex, name)), requirement: requirement}
    end
  end

  defp reach([], _lock, seen), do: seen

  defp reach([name | rest], lock, seen) do
    if MapSet.member?(seen, name) or not Map.has_key?(lock, name) do
      reach(rest, lock, seen)
    else
      required = for dep <- lock[name].deps, not dep.optional, do: dep.name
      reach(required ++ rest, lock, MapSet.put(seen, name))
    end
  end
end
