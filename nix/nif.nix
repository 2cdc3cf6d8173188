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
  craneLib = (crane.mkLib pkgs).overrideToolchain (
    p: p.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml
  );
  crate = (builtins.fromTOML (builtins.readFile ../native/serdex_nif/Cargo.toml)).package;

  # Editing Elixir code, the demo or nix/ never rebuilds the NIF itself (see
  # nix/sources.nix for the one edit that rebuilds its dependencies).
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
