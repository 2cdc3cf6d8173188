{
  description = "Offline stand-in for rust-overlay: records the toolchain file it is given";

  # Never fetched: the Serdex flake makes this follow its own nixpkgs.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { nixpkgs, ... }:
    {
      overlays.default = final: prev: {
        rust-bin.fromRustupToolchainFile =
          file:
          final.stubRecord "rust-bin.fromRustupToolchainFile" {
            name = "rust-toolchain";
            inherit file;
            toolchain = (builtins.fromTOML (builtins.readFile file)).toolchain;
            # Proves the follows: the nixpkgs seen here is the stub, not a fetched one.
            nixpkgsIsStub = nixpkgs.lib ? fileset && prev ? stubRecord;
          };
      };
    };
}
