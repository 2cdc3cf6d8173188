# The libc and BEAM decisions, made once for every output of a system.
#
# x86_64-linux: the NIF is built for x86_64-unknown-linux-musl and linked by
# pkgsMusl's C compiler, so it NEEDs musl's libc.so (not glibc's libc.so.6).
# Only a musl BEAM can load that, so the release, the checks and the dev shell
# all take Erlang and Elixir from pkgsMusl.
#
# aarch64-linux: rust-toolchain.toml ships no aarch64 musl std, so the NIF is a
# plain glibc build for the host triple, loaded by the ordinary glibc BEAM.
#
# Darwin: the host triple and the ordinary BEAM, as on aarch64-linux.
#
# Everywhere the BEAM is beamMinimalPackages: Erlang without wxWidgets and
# systemd. The binary cache has little of pkgsMusl beyond its stdenv, so on
# x86_64-linux this Erlang and Elixir compile from source; the tools that
# mixRelease runs only at build time (git, ripgrep, bbe) come from the glibc
# package set, which the cache has, and never reach the release's closure.
{ pkgs, system }:
let
  target =
    {
      x86_64-linux = "x86_64-unknown-linux-musl";
      aarch64-linux = "aarch64-unknown-linux-gnu";
      aarch64-darwin = "aarch64-apple-darwin";
      x86_64-darwin = "x86_64-apple-darwin";
    }
    .${system};
  isMusl = target == "x86_64-unknown-linux-musl";
  libcPkgs = if isMusl then pkgs.pkgsMusl else pkgs;
  beamPackages = libcPkgs.beamMinimalPackages;
in
{
  inherit target isMusl beamPackages;
  isLinux = pkgs.stdenv.hostPlatform.isLinux;

  mixRelease = beamPackages.mixRelease.override {
    inherit (pkgs) git ripgrep bbe;
  };

  rustToolchain = pkgs.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml;

  # Shared by the crane build and the dev shell, so `mix test` there builds the
  # same kind of library as `nix build .#nif`. A cdylib cannot be built with
  # +crt-static; build scripts and proc-macros still link with the glibc `cc`.
  cargoEnv = {
    CARGO_BUILD_TARGET = target;
    CARGO_BUILD_RUSTFLAGS = "-C target-feature=-crt-static";
  }
  // (
    if isMusl then
      { CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER = "${pkgs.pkgsMusl.stdenv.cc}/bin/cc"; }
    else
      { }
  );
}
