{
  description = "nixpkgs for nix/tests/eval-real.sh: the real lib (copied in beside this file) and stand-in builders";
  outputs =
    { self }:
    {
      lib = (import ./lib).extend (import ./lib/flake-version-info.nix self);
    };
}
