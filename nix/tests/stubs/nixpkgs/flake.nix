{
  description = "Offline stand-in for nixpkgs: records what the Serdex flake asks of it";
  outputs = _: { lib = import ./lib.nix; };
}
