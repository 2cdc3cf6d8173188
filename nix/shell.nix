# `nix develop`: the release's Erlang/Elixir plus the NIF's Rust toolchain.
# PRECOMPILED_NIF stays unset, so `mix test` runs cargo with the same target,
# rustflags and linker as the crane build.
{ pkgs, platform }:
let
  inherit (platform) beamPackages;
in
pkgs.mkShell (
  platform.cargoEnv
  // {
    packages = [
      beamPackages.erlang
      beamPackages.elixir
      platform.rustToolchain
      pkgs.rust-analyzer
      # Built against this BEAM, so the shell holds one Erlang only.
      (pkgs.mix2nix.override { inherit (beamPackages) elixir erlang; })
      pkgs.nixfmt
    ];

    # Serdex.Native passes this to cargo and reads target/<triple>/release.
    SERDEX_NIF_TARGET = platform.target;

    shellHook = ''
      export MIX_HOME="$PWD/.nix-mix"
      export HEX_HOME="$PWD/.nix-hex"
      export PATH="$MIX_HOME/bin:$MIX_HOME/escripts:$HEX_HOME/bin:$PATH"
      export ERL_AFLAGS="-kernel shell_history enabled"
    '';
  }
)
