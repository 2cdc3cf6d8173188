# The libc decision, made once for every output of a system.
#
# x86_64-linux: the NIF is built for x86_64-unknown-linux-musl and linked by
# pkgsMusl's C compiler, so it NEEDs musl's libc.so (not glibc's libc.so.6).
# Only a musl BEAM can load that, so the release, the checks and the dev shell
# all take Erlang and Elixir from pkgsMusl.
#
# aarch64-linux: rust-toolchain.toml ships no aarch64 musl std, so the NIF is a
# plain glibc build for the host triple, loaded by the ordinary glibc BEAM.
{ pkgs, system }:
let
  target =
    {
      x86_64-linux = "x86_64-unknown-linux-musl";
      aarch64-linux = "aarch64-unknown-linux-gnu";
    }
    .${system};
  isMusl = target == "x86_64-unknown-linux-musl";
  libcPkgs = if isMusl then pkgs.pkgsMusl else pkgs;
in
{
  inherit target isMusl;
  inherit (libcPkgs) beamPackages;

  rustToolchain = pkgs.rust-bin.fromRustupToolchainFile ../rust-toolchain.toml;

  # Shared by the crane build and the dev shell, so `mix test` there builds the
  # same kind of .so as `nix build .#nif`. A cdylib cannot be built with
  # +crt-static; build scripts and proc-macros still link with the glibc `cc`.
  cargoEnv =
    {
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
