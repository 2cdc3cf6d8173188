# How the Phoenix demo is assembled from this repository, shared by the release
# and by checks.demo-test: sources, Hex dependencies and NIF placement.
{
  pkgs,
  platform,
  sources,
  nif,
}:
let
  inherit (pkgs) lib;
  inherit (platform) beamPackages;

  mixExs = builtins.readFile ../demo/mix.exs;
  found = builtins.match ''.*[[:space:]](@version |version: )"([^"]+)".*'' mixExs;
in
{
  pname = "serdex_demo";
  version = if found == null then "0.0.0" else builtins.elemAt found 1;

  src = sources.demo;

  mixNixDeps = import ../mix_deps.nix { inherit lib beamPackages; };

  # Read at compile time by the Serdex.NIF macro: never run cargo, load priv/native.
  PRECOMPILED_NIF = "1";

  preConfigure = ''
    cd demo
  '';

  # Mix links a path dependency's priv/ into _build only if it exists when the
  # dependency compiles (configurePhase), so recompile :serdex once it does.
  preBuild = ''
    mkdir -p ../priv/native
    cp ${nif}/lib/libserdex_nif.so ../priv/native/libserdex_nif.so
    mix deps.compile serdex --force --no-deps-check
  '';
}
