# The package set: every builder returns a record of its arguments. Packages are
# named after their libc and, for Erlang, whether it is the full (wx) or the
# minimal build, so the assertions can tell which one an output took.
{ system, overlays }:
let
  lib = import ./lib.nix;
  record = import ./record.nix;
  tool = name: record name { inherit name; };
  isLinux = builtins.elem system [
    "x86_64-linux"
    "aarch64-linux"
  ];
  # mixRelease takes its build tools from the package set it belongs to,
  # unless they are replaced with .override, as in nixpkgs (callPackage).
  mixReleaseWith = set: tools: {
    __functor = _: args: record "${set}.mixRelease" (args // { __buildTools = tools; });
    override = replaced: mixReleaseWith set (tools // replaced);
  };
  tools = libc: {
    git = tool "git-${libc}";
    ripgrep = tool "ripgrep-${libc}";
    bbe = tool "bbe-${libc}";
  };
  # `set` names the set and its libc, e.g. "beamMinimalPackages(musl)".
  beam = libc: flavour: set: {
    erlang = tool "erlang-${flavour}-${libc}";
    elixir = tool "elixir-${flavour}-${libc}";
    mixRelease = mixReleaseWith set (tools libc);
    buildMix = record "${set}.buildMix";
    buildRebar3 = record "${set}.buildRebar3";
    buildErlangMk = record "${set}.buildErlangMk";
    fetchHex = record "${set}.fetchHex";
  };
  libcSet = libc: {
    beamPackages = beam libc "full" "beamPackages(${libc})";
    beamMinimalPackages = beam libc "minimal" "beamMinimalPackages(${libc})";
    stdenv.cc = tool "cc-${libc}";
  }
  // tools libc;
  base = libcSet "glibc" // {
    inherit lib system;
    stubRecord = record;
    stdenv = {
      cc = tool "cc-glibc";
      hostPlatform = {
        inherit isLinux;
        isDarwin = !isLinux;
      };
    };
    stdenvNoCC.mkDerivation = record "stdenvNoCC.mkDerivation";
    mkShell = record "mkShell";
    writeShellApplication = record "writeShellApplication";
    runCommand =
      name: env: buildCommand:
      record "runCommand" (env // { inherit name buildCommand; });
    closureInfo = record "closureInfo";
    dockerTools.buildLayeredImage = record "dockerTools.buildLayeredImage";
    pkgsMusl = libcSet "musl";
    coreutils = tool "coreutils";
    curl = tool "curl";
    jq = tool "jq";
    patchelf = tool "patchelf";
    rust-analyzer = tool "rust-analyzer";
    mix2nix = tool "mix2nix" // {
      override = args: record "mix2nix" (args // { name = "mix2nix"; });
    };
    nixfmt = tool "nixfmt";
  };
  final = builtins.foldl' (prev: overlay: prev // overlay final prev) base overlays;
in
final
