{
  description = "Serdex: a JSON library for Elixir whose Rust NIF is built by crane and placed by mixRelease";

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
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "aarch64-darwin"
        "x86_64-darwin"
      ];
      perSystem = nixpkgs.lib.genAttrs systems (
        system:
        import ./nix {
          inherit
            system
            nixpkgs
            crane
            rust-overlay
            ;
        }
      );
      forAllSystems = f: builtins.mapAttrs (_: f) perSystem;
    in
    {
      packages = forAllSystems (
        s:
        {
          inherit (s) nif release;
          default = s.release;
        }
        // nixpkgs.lib.optionalAttrs s.platform.isLinux { inherit (s) dockerImage; }
      );

      apps = forAllSystems (s: {
        default = {
          type = "app";
          program = "${s.app}/bin/serdex-demo";
          meta.description = "Serve the Serdex Phoenix demo on http://localhost:4000";
        };
      });

      devShells = forAllSystems (s: {
        default = s.shell;
      });

      checks = forAllSystems (s: s.checks);

      formatter = forAllSystems (s: s.pkgs.nixfmt);

      templates.default = {
        path = ./nix/template;
        description = "A Rust NIF built by crane, placed by mixRelease and loaded by a PRECOMPILED_NIF macro";
      };
    };
}
