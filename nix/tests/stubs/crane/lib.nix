# Records each craneLib call with its toolchain, and the cargo command its
# derivation runs, built the way crane 2fb03329 builds it (lib/cargoFmt.nix,
# cargoClippy.nix, cargoTest.nix, buildPackage.nix; cargoWithProfile adds
# --release). nix/tests/eval-real.sh checks these against the real crane.
{ pkgs, toolchain }:
let
  call =
    kind: command: args:
    pkgs.stubRecord "craneLib.${kind}" args
    // {
      inherit toolchain;
      command = command args;
    };
  extra = args: args.cargoExtraArgs or "--locked";
in
{
  inherit toolchain;
  overrideToolchain =
    f:
    import ./lib.nix {
      inherit pkgs;
      toolchain = if builtins.isFunction f then f pkgs else f;
    };
  # Overrides replace crane's internals (nix/nif.nix narrows findCargoFiles),
  # which the stand-in does not have: the calls it records stay the same.
  overrideScope = _: import ./lib.nix { inherit pkgs toolchain; };
  # crane's lib/fileset/commonCargoSources.nix: Cargo.toml, Cargo.lock, *.rs and
  # *.toml files. Not used by this flake any more; kept so that an older
  # nix/ (which used it) can still be run by nix/tests/emulate-checks.sh.
  fileset.commonCargoSources =
    path:
    let
      all = (pkgs.lib.fileset.unions [ path ]).files;
      keep =
        f:
        baseNameOf f == "Cargo.lock"
        || builtins.match ".*[.](rs|toml)" f != null;
    in
    {
      _type = "fileset";
      files = builtins.listToAttrs (
        map (f: {
          name = f;
          value = true;
        }) (builtins.filter keep (builtins.attrNames all))
      );
    };
  buildDepsOnly = call "buildDepsOnly" (args: null);
  buildPackage = call "buildPackage" (
    args: "cargoWithProfile build --message-format json-render-diagnostics ${extra args}"
  );
  cargoClippy = call "cargoClippy" (
    args: "cargoWithProfile clippy ${extra args} ${args.cargoClippyExtraArgs or "--all-targets"}"
  );
  cargoFmt = call "cargoFmt" (
    args: "cargo fmt ${args.cargoExtraArgs or ""} -- --check ${args.rustFmtExtraArgs or ""}"
  );
  cargoTest = call "cargoTest" (
    args: "cargoWithProfile test ${extra args} ${args.cargoTestExtraArgs or ""}"
  );
}
