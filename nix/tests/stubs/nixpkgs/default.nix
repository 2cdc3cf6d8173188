# `import nixpkgs { inherit system overlays; }`
{
  system,
  overlays ? [ ],
}:
import ./pkgs.nix { inherit system overlays; }
