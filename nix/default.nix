# Everything one system gets; flake.nix only maps these onto flake outputs.
{
  system,
  nixpkgs,
  crane,
  rust-overlay,
}:
let
  pkgs = import nixpkgs {
    inherit system;
    overlays = [ rust-overlay.overlays.default ];
  };
  platform = import ./platform.nix { inherit pkgs system; };
  sources = import ./sources.nix { inherit (pkgs) lib; };
  rust = import ./nif.nix {
    inherit
      pkgs
      crane
      platform
      sources
      ;
  };
  nif = rust.package;
  demo = import ./demo.nix {
    inherit
      pkgs
      platform
      sources
      nif
      ;
  };
  release = import ./release.nix { inherit platform demo nif; };
  app = import ./app.nix { inherit pkgs release; };
in
{
  inherit
    pkgs
    platform
    nif
    release
    app
    ;
  dockerImage = import ./docker.nix { inherit pkgs release; };
  shell = import ./shell.nix { inherit pkgs platform; };
  checks = import ./checks.nix {
    inherit
      pkgs
      platform
      sources
      rust
      nif
      demo
      release
      ;
  };
}
