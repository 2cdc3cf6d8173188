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
  rust = import ./nif.nix { inherit pkgs crane platform; };
  nif = rust.package;
  release = import ./release.nix { inherit pkgs platform nif; };
  app = import ./app.nix { inherit pkgs release; };
in
{
  inherit
    pkgs
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
      rust
      nif
      release
      ;
  };
}
