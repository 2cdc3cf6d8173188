# The NIF, built by crane: dependencies once (buildDepsOnly), then the crate on
# top of those artifacts. Installs $out/lib/libserdex_nif.so.
{
  pkgs,
  crane,
  platform,
}:
let
  inherit (pkgs) lib;
  craneLib = (crane.mkLib pkgs).overrideToolchain (
    p: p.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml
  );
  crate = (builtins.fromTOML (builtins.readFile ../native/serdex_nif/Cargo.toml)).package;

  commonArgs = platform.cargoEnv // {
    pname = crate.name;
    inherit (crate) version;
    # Cargo files only: editing Elixir code, the demo or nix/ never rebuilds the NIF.
    src = lib.fileset.toSource {
      root = ../.;
      fileset = lib.fileset.unions [
        ../Cargo.toml
        ../Cargo.lock
        (craneLib.fileset.commonCargoSources ../native)
      ];
    };
    strictDeps = true;
    # Dependencies, clippy and tests cover the workspace (serdex_core holds the tests).
    cargoExtraArgs = "--locked --workspace";
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
in
{
  inherit craneLib commonArgs cargoArtifacts;
  package = craneLib.buildPackage (
    commonArgs
    // {
      inherit cargoArtifacts;
      cargoExtraArgs = "--locked --package ${crate.name}";
      # The test suite runs once, in checks.nif-test.
      doCheck = false;
    }
  );
}
