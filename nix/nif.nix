# The NIF, built by crane: dependencies once (buildDepsOnly), then the crate on
# top of those artifacts. Installs $out/lib/libserdex_nif.so on every system
# (Erlang's load_nif name, also on Darwin, where cargo writes a .dylib).
{
  pkgs,
  crane,
  platform,
  sources,
}:
let
  inherit (pkgs) lib;
  # crane's dummy source for the dependencies reads every manifest it finds under
  # the cargo source's root, the whole repository; keeping only the workspace's
  # means that editing nix/template's never rebuilds the dependencies.
  workspaceFiles = map toString (lib.fileset.toList sources.cargoFiles);
  inWorkspace = path: builtins.elem (toString path) workspaceFiles;
  withToolchain = (crane.mkLib pkgs).overrideToolchain (
    p: p.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml
  );
  craneLib = withToolchain.overrideScope (
    _final: prev: {
      findCargoFiles =
        src:
        let
          found = prev.findCargoFiles src;
        in
        found // { cargoTomls = builtins.filter inWorkspace found.cargoTomls; };
    }
  );
  crate = (builtins.fromTOML (builtins.readFile ../native/serdex_nif/Cargo.toml)).package;

  # Editing Elixir code, the demo or nix/ (the template included) never rebuilds
  # the NIF or its dependencies.
  commonArgs = platform.cargoEnv // {
    pname = crate.name;
    inherit (crate) version;
    src = sources.cargo;
    strictDeps = true;
  };

  # Dependencies, clippy and tests cover the workspace (serdex_core holds the
  # tests). `cargo fmt` takes neither flag, so commonArgs leaves them out.
  workspaceArgs = commonArgs // {
    cargoExtraArgs = "--locked --workspace";
  };

  cargoArtifacts = craneLib.buildDepsOnly workspaceArgs;
in
{
  inherit
    craneLib
    commonArgs
    workspaceArgs
    cargoArtifacts
    ;
  package = craneLib.buildPackage (
    commonArgs
    // {
      inherit cargoArtifacts;
      cargoExtraArgs = "--locked --package ${crate.name}";
      # The test suite runs once, in checks.nif-test.
      doCheck = false;
      postInstall = ''
        if [ -e "$out/lib/lib${crate.name}.dylib" ]; then
          mv "$out/lib/lib${crate.name}.dylib" "$out/lib/lib${crate.name}.so"
        fi
      '';
    }
  );
}
