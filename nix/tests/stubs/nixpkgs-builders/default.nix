# `import nixpkgs { inherit system overlays; }`, as the flake and rust-overlay call it.
{
  system ? builtins.currentSystem,
  localSystem ? { inherit system; },
  overlays ? [ ],
}:
import ./pkgs.nix { inherit localSystem overlays; }
