# The package set: every builder returns a record of its arguments.
{ system, overlays }:
let
  lib = import ./lib.nix;
  record = import ./record.nix;
  tool = name: record name { inherit name; };
  beam = libc: {
    erlang = tool "erlang-${libc}";
    elixir = tool "elixir-${libc}";
    mixRelease = record "beamPackages(${libc}).mixRelease";
    buildMix = record "beamPackages(${libc}).buildMix";
    buildRebar3 = record "beamPackages(${libc}).buildRebar3";
    buildErlangMk = record "beamPackages(${libc}).buildErlangMk";
    fetchHex = record "beamPackages(${libc}).fetchHex";
  };
  base = {
    inherit lib system;
    stubRecord = record;
    stdenv.cc = tool "cc-glibc";
    stdenvNoCC.mkDerivation = record "stdenvNoCC.mkDerivation";
    mkShell = record "mkShell";
    writeShellApplication = record "writeShellApplication";
    runCommand =
      name: env: buildCommand:
      record "runCommand" (env // { inherit name buildCommand; });
    closureInfo = record "closureInfo";
    dockerTools.buildLayeredImage = record "dockerTools.buildLayeredImage";
    beamPackages = beam "glibc";
    pkgsMusl = {
      beamPackages = beam "musl";
      stdenv.cc = tool "cc-musl";
    };
    coreutils = tool "coreutils";
    curl = tool "curl";
    jq = tool "jq";
    patchelf = tool "patchelf";
    rust-analyzer = tool "rust-analyzer";
    mix2nix = tool "mix2nix";
    nixfmt-rfc-style = tool "nixfmt-rfc-style";
  };
  final = builtins.foldl' (prev: overlay: prev // overlay final prev) base overlays;
in
final
