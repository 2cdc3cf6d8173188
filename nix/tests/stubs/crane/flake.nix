{
  description = "Offline stand-in for crane: records each craneLib call and its toolchain";
  outputs = _: {
    mkLib =
      pkgs:
      import ./lib.nix {
        inherit pkgs;
        toolchain = null;
      };
  };
}
