{
  description = "A Rust NIF built by crane, placed by mixRelease, loaded by a PRECOMPILED_NIF macro";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    crane.url = "github:ipetkov/crane";
    rust-overlay = {
      url = "github:oxalica/rust-overlay";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      nixpkgs,
      crane,
      rust-overlay,
      ...
    }:
    let
      forAllSystems = nixpkgs.lib.genAttrs [
        "x86_64-linux"
        "aarch64-linux"
        "aarch64-darwin"
        "x86_64-darwin"
      ];
      perSystem =
        system:
        let
          pkgs = import nixpkgs {
            inherit system;
            overlays = [ rust-overlay.overlays.default ];
          };
          inherit (pkgs) lib;
          # A musl NIF needs a musl BEAM; aarch64 has no musl std in
          # rust-toolchain.toml, and Darwin builds for its host triple.
          target =
            {
              x86_64-linux = "x86_64-unknown-linux-musl";
              aarch64-linux = "aarch64-unknown-linux-gnu";
              aarch64-darwin = "aarch64-apple-darwin";
              x86_64-darwin = "x86_64-apple-darwin";
            }
            .${system};
          isMusl = target == "x86_64-unknown-linux-musl";
          # Erlang without wxWidgets; the build-time tools of mixRelease come
          # from the glibc set, which the binary cache has.
          beamPackages = (if isMusl then pkgs.pkgsMusl else pkgs).beamMinimalPackages;
          mixRelease = beamPackages.mixRelease.override { inherit (pkgs) git ripgrep bbe; };
          cargoEnv = {
            CARGO_BUILD_TARGET = target;
            CARGO_BUILD_RUSTFLAGS = "-C target-feature=-crt-static";
          }
          // (
            if isMusl then
              { CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER = "${pkgs.pkgsMusl.stdenv.cc}/bin/cc"; }
            else
              { }
          );

          craneLib = (crane.mkLib pkgs).overrideToolchain (
            p: p.rust-bin.fromRustupToolchainFile ./rust-toolchain.toml
          );
          commonArgs = cargoEnv // {
            pname = "my_nif";
            version = "0.1.0";
            src = lib.fileset.toSource {
              root = ./.;
              fileset = lib.fileset.unions [
                ./Cargo.toml
                ./Cargo.lock
                ./native
              ];
            };
            strictDeps = true;
          };
          nif = craneLib.buildPackage (
            commonArgs
            // {
              cargoArtifacts = craneLib.buildDepsOnly commonArgs;
              # Erlang loads lib<name>.so, also on Darwin.
              postInstall = ''
                if [ -e "$out/lib/libmy_nif.dylib" ]; then
                  mv "$out/lib/libmy_nif.dylib" "$out/lib/libmy_nif.so"
                fi
              '';
            }
          );

          release = mixRelease {
            pname = "my_app";
            version = "0.1.0";
            src = lib.fileset.toSource {
              root = ./.;
              fileset = lib.fileset.unions [
                ./mix.exs
                ./lib
              ];
            };
            mixNixDeps = import ./mix_deps.nix { inherit lib beamPackages; };
            PRECOMPILED_NIF = "1";
            preBuild = ''
              mkdir -p priv/native
              cp ${nif}/lib/libmy_nif.so priv/native/libmy_nif.so
            '';
            # Keeps releases/COOKIE; see NixOS/nixpkgs#166229 before deploying.
            removeCookie = false;
          };
        in
        {
          packages = {
            inherit nif;
            default = release;
          };
          devShells.default = pkgs.mkShell (
            cargoEnv
            // {
              packages = [
                beamPackages.erlang
                beamPackages.elixir
                (pkgs.rust-bin.fromRustupToolchainFile ./rust-toolchain.toml)
                pkgs.rust-analyzer
                (pkgs.mix2nix.override { inherit (beamPackages) elixir erlang; })
              ];
              shellHook = ''
                export MIX_HOME="$PWD/.nix-mix" HEX_HOME="$PWD/.nix-hex"
              '';
            }
          );
        };
    in
    {
      packages = forAllSystems (system: (perSystem system).packages);
      devShells = forAllSystems (system: (perSystem system).devShells);
    };
}
