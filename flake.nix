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
      forAllSystems =
        f:
        nixpkgs.lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (
          system: f (import ./nix { inherit system nixpkgs crane rust-overlay; })
        );
    in
    {
      packages = forAllSystems (s: {
        inherit (s) nif release dockerImage;
        default = s.release;
      });

      apps = forAllSystems (s: {
        default = {
          type = "app";
          program = "${s.app}/bin/serdex-demo";
        };
      });

      devShells = forAllSystems (s: {
        default = s.shell;
      });

      checks = forAllSystems (s: s.checks);

      formatter = forAllSystems (s: s.pkgs.nixfmt-rfc-style);

      templates.default = {
        path = ./nix/template;
        description = "A Rust NIF built by crane, placed by mixRelease and loaded by a PRECOMPILED_NIF macro";
      };
    };
}
