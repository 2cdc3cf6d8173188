{ pkgs, toolchain }:
let
  call = kind: args: pkgs.stubRecord "craneLib.${kind}" args // { inherit toolchain; };
in
{
  inherit toolchain;
  overrideToolchain =
    f:
    import ./lib.nix {
      inherit pkgs;
      toolchain = if builtins.isFunction f then f pkgs else f;
    };
  fileset.commonCargoSources = path: pkgs.stubRecord "craneLib.fileset.commonCargoSources" { inherit path; };
  buildDepsOnly = call "buildDepsOnly";
  buildPackage = call "buildPackage";
  cargoClippy = call "cargoClippy";
  cargoFmt = call "cargoFmt";
  cargoTest = call "cargoTest";
}
