#!/usr/bin/env bash
# Evaluation of the flake against the REAL crane, rust-overlay and nixpkgs lib.
# Run it by hand whenever nix/ or flake.* change; CI has none of the three, so
# there it skips:
#
#   bash nix/tests/eval-real.sh CRANE_DIR RUST_OVERLAY_DIR NIXPKGS_LIB_DIR
#
# CRANE_DIR and RUST_OVERLAY_DIR: ipetkov/crane and oxalica/rust-overlay at the
# revisions in flake.lock (the script says whether their NAR hashes match the
# lock). NIXPKGS_LIB_DIR: a tree with nixpkgs' lib/ at the nixpkgs pin, e.g.
# nix-community/nixpkgs.lib at the commit nearest the pin's date.
# Needs Nix >= 2.18, the oldest that pinned lib accepts (lib/minfeatures.nix);
# nix-command and flakes are switched on here. Nothing is built or downloaded.
#
# Only nixpkgs' stdenv-level builders are stand-ins (nix/tests/stubs/
# nixpkgs-builders: mkDerivation, runCommand, trivial builders, fetchurl, the
# BEAM builders, mkShell, dockerTools); crane's and rust-overlay's code and
# lib (lib.fileset included) are the real ones. In a throwaway store, as on a
# machine that has built nothing yet, it runs:
#   1. `nix flake check --no-build --all-systems` on a snapshot of this checkout
#      and on nix/template as `nix flake init -t` copies it: every output for
#      x86_64-linux, aarch64-linux, aarch64-darwin and x86_64-darwin, each
#      derivation instantiated (crane's mkDummySrc, vendorCargoDeps reading
#      Cargo.lock, rust-overlay's toolchain from rust-toolchain.toml).
#      Any error, and any line of warning or trace output, fails.
#   2. every derivation again, writing it, with meta and passthru forced too.
#   3. that crane's own logic ran on this repository: the dummy source for the
#      dependencies, which changes with the workspace's manifests and not with
#      the template's, and one vendored crate per crate of Cargo.lock.
#   4. that nix/tests/emulate-checks.sh, which runs against the stubs in
#      nix/tests/stubs, runs what the real crane runs: the same cargo command
#      in each phase, the same variables, the same sources (equal store paths),
#      and crane's defaults (release profile, no incremental builds).
set -euo pipefail

if [ "$#" -ne 3 ] || [ ! -d "${1:-}/lib" ] || [ ! -d "${2:-}/lib" ] || [ ! -f "${3:-}/lib/default.nix" ]; then
  echo "skipped: needs CRANE_DIR RUST_OVERLAY_DIR NIXPKGS_LIB_DIR (checkouts of crane, rust-overlay and nixpkgs' lib)"
  exit 0
fi
crane="$(cd "$1" && pwd)"
rust_overlay="$(cd "$2" && pwd)"
nixpkgs_lib="$(cd "$3" && pwd)"

repo="$(pwd)"
tests="$repo/nix/tests"
systems=(x86_64-linux aarch64-linux aarch64-darwin x86_64-darwin)
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
store="$work/store"
passed=0
failed=0

nix_() {
  nix --extra-experimental-features 'nix-command flakes' --option flake-registry '' \
    --store "$store" "$@"
}

version="$(nix --extra-experimental-features nix-command eval --raw --expr builtins.nixVersion)"
if [ "$(nix --extra-experimental-features nix-command eval --expr "builtins.compareVersions \"$version\" \"2.18\"")" = -1 ]; then
  echo "eval-real.sh needs Nix >= 2.18 (the pinned nixpkgs lib refuses older ones); this is $version" >&2
  exit 2
fi

report() {
  if [ "$1" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - $2"
  else
    failed=$((failed + 1)); echo "not ok - $2"
  fi
}

# expect LABEL COMMAND...: the command's success is the result.
expect() {
  local label=$1
  shift
  if "$@" >"$work/expect.log" 2>&1; then report 0 "$label"; else report 1 "$label"; sed 's/^/  /' "$work/expect.log"; fi
}

echo "# inputs (Nix $version)"
for input in crane rust-overlay; do
  dir=$crane
  [ "$input" = rust-overlay ] && dir=$rust_overlay
  locked="(builtins.fromJSON (builtins.readFile $repo/flake.lock)).nodes.\"$input\".locked"
  pinned="$(nix_ eval --impure --raw --expr "$locked.narHash")"
  rev="$(nix_ eval --impure --raw --expr "$locked.rev")"
  actual="$(nix_ hash path "$dir")"
  if [ "$actual" = "$pinned" ]; then
    echo "$input: $dir is flake.lock's ${rev:0:8} (narHash $actual)"
  else
    echo "$input: $dir has narHash $actual, flake.lock's ${rev:0:8} has $pinned: not the pinned revision"
  fi
done
echo "nixpkgs lib: $nixpkgs_lib/lib, release $(cat "$nixpkgs_lib/lib/.version")"

# A committed copy of what git would give a flake: tracked and untracked files,
# not ignored ones. Its flake.lock is relocked onto the three inputs, so the
# evaluation itself needs no --override-input (which prints a warning).
snapshot() {
  local from=$1 to=$2
  mkdir -p "$to"
  (cd "$from" && git ls-files -z --cached --others --exclude-standard . | tar --null -T - -cf -) | tar -xf - -C "$to"
  git -C "$to" init -q
  git -C "$to" add -A
  nix_ flake lock "git+file://$to" \
    --override-input nixpkgs "path:$work/nixpkgs" \
    --override-input crane "path:$crane" \
    --override-input rust-overlay "path:$rust_overlay" >"$work/lock.log" 2>&1 || { cat "$work/lock.log" >&2; return 1; }
  git -C "$to" add -A
  git -C "$to" -c user.name=eval-real -c user.email=eval-real@localhost commit -qm snapshot
}

# nixpkgs: the stand-in package set, the real lib beside it, and the files under
# pkgs/build-support that rust-overlay's rustc component names by path.
mkdir -p "$work/nixpkgs"
cp -R "$tests/stubs/nixpkgs-builders/." "$work/nixpkgs"
cp -R "$nixpkgs_lib/lib" "$work/nixpkgs/lib"
for f in wrapper-common/utils.bash wrapper-common/darwin-sdk-setup.bash \
  bintools-wrapper/add-flags.sh bintools-wrapper/add-hardening.sh \
  bintools-wrapper/add-darwin-ldflags-before.sh bintools-wrapper/ld-wrapper.sh; do
  mkdir -p "$work/nixpkgs/pkgs/build-support/$(dirname "$f")"
  : >"$work/nixpkgs/pkgs/build-support/$f"
done

snapshot "$repo" "$work/flake"
snapshot "$repo/nix/template" "$work/template"

# flake_check NAME FLAKE_DIR: every output of every system, read-only, as
# `nix flake check --no-build` on a fresh machine.
flake_check() {
  local status=0
  nix_ flake check --no-build --all-systems "git+file://$2" >"$work/$1.out" 2>"$work/$1.err" || status=$?
  if [ "$status" -ne 0 ]; then
    report 1 "$1: nix flake check --no-build --all-systems evaluates"
    sed 's/^/  /' "$work/$1.err" | tail -n 40
  else
    report 0 "$1: nix flake check --no-build --all-systems evaluates"
  fi
  if grep -Eiq '(^|[[:space:]])(evaluation )?warning:|^trace:' "$work/$1.err"; then
    report 1 "$1: no warning or trace output"
    grep -Ei -A3 '(^|[[:space:]])(evaluation )?warning:|^trace:' "$work/$1.err" | sed 's/^/  /'
  else
    report 0 "$1: no warning or trace output"
  fi
}

echo "# 1. every output, all systems, against the real inputs"
flake_check flake "$work/flake"
flake_check template "$work/template"

real() { nix_ eval --raw "git+file://$work/flake#$1" "${@:2}" 2>>"$work/eval.err"; }
stub() {
  nix_ eval --raw --no-write-lock-file \
    --override-input nixpkgs "path:$tests/stubs/nixpkgs" \
    --override-input crane "path:$tests/stubs/crane" \
    --override-input rust-overlay "path:$tests/stubs/rust-overlay" \
    "git+file://$work/flake#$1" "${@:2}" 2>>"$work/eval.err"
}

# Every drvPath of every output, in one evaluation that writes them; packages
# and checks also force passthru and meta, which drvPath does not reach.
echo "# 2. every derivation's attributes, all systems"
for system in "${systems[@]}"; do
  expect "$system: packages, checks, devShells, apps and formatter instantiate; meta and passthru evaluate" \
    nix_ eval --impure --json --expr "let f = builtins.getFlake \"git+file://$work/flake\"; in builtins.deepSeq [
      (builtins.mapAttrs (_: d: [ d.drvPath d.meta (d.passthru or { }) ]) (f.packages.$system // f.checks.$system))
      (builtins.mapAttrs (_: d: d.drvPath) f.devShells.$system)
      f.formatter.$system.drvPath
      f.apps.$system
    ] true"
done

echo "# 3. crane's own logic ran on this repository (x86_64-linux)"
system=x86_64-linux
# The dependencies' source, made by crane's mkDummySrc, holds a cleaned copy of each manifest.
dummy_has_manifests() {
  local script
  script="$(real "packages.$system.nif.cargoArtifacts.src.buildCommand")"
  for manifest in Cargo.toml native/serdex_nif/Cargo.toml native/serdex_core/Cargo.toml; do
    grep -qF -- " \$out/$manifest" <<<"$script" || { echo "no $manifest"; return 1; }
  done
}
expect "mkDummySrc stubbed the workspace's manifests" dummy_has_manifests
# The dependencies build again when a manifest of the workspace changes, and only then:
# not when the template's do.
deps_drv() { nix_ eval --raw "git+file://$1#packages.$system.nif.cargoArtifacts.drvPath" 2>>"$work/eval.err"; }
with_dependency_added() {
  cp -R "$work/flake" "$1"
  printf '\n[dependencies.itoa]\nversion = "1"\n' >>"$1/$2"
  git -C "$1" -c user.name=eval-real -c user.email=eval-real@localhost commit -qam "edit $2"
}
with_dependency_added "$work/template-edited" nix/template/native/my_nif/Cargo.toml
with_dependency_added "$work/workspace-edited" native/serdex_core/Cargo.toml
expect "a dependency added to the template's manifest leaves the NIF's dependency build as it is" \
  test "$(deps_drv "$work/flake")" = "$(deps_drv "$work/template-edited")"
expect "a dependency added to the workspace's manifest makes a new one" \
  test "$(deps_drv "$work/flake")" != "$(deps_drv "$work/workspace-edited")"
crates_in_lock="$(grep -c '^checksum = ' "$work/flake/Cargo.lock")"
crates_vendored="$(nix_ path-info --recursive "$(real "packages.$system.nif.drvPath")" | grep -c -- '-cargo-package-.*\.drv$' || true)"
expect "vendorCargoDeps fetches each of the $crates_in_lock crates of Cargo.lock ($crates_vendored)" \
  test "$crates_vendored" -eq "$crates_in_lock"

echo "# 4. nix/tests/emulate-checks.sh runs what the real crane runs (x86_64-linux)"
# name:attribute:phase that holds the cargo command
for entry in nif-fmt:checks.$system.nif-fmt:buildPhase nif-clippy:checks.$system.nif-clippy:buildPhase \
  nif-test:checks.$system.nif-test:checkPhase nif:packages.$system.nif:buildPhase; do
  IFS=: read -r name attr phase <<<"$entry"
  command="$(stub "$attr.command")"
  expect "$name: the real $phase runs the emulated command: $command" \
    grep -qF -- "$command" <<<"$(real "$attr.$phase")"
  expect "$name: the emulated src is the real src" \
    test "$(stub "$attr.args.src")" = "$(real "$attr.src")"
  # The derivation's upper-case variables, which the emulation exports; a
  # store path's hash differs between stub and real, the rest must not.
  vars="$(stub "$attr.args" --apply 'a: toString (builtins.filter (n: builtins.match "[A-Z][A-Z0-9_]*" n != null && builtins.isString a.${n}) (builtins.attrNames a))')"
  for var in $vars; do
    expect "$name: $var is the same" test \
      "$(stub "$attr.args.$var" | sed -E 's|/nix/store/[a-z0-9]{32}-[^/]*|STORE|g')" = \
      "$(real "$attr.$var" | sed -E 's|/nix/store/[a-z0-9]{32}-[^/]*|STORE|g')"
  done
  expect "$name: sets neither CARGO_PROFILE nor CARGO_BUILD_INCREMENTAL, so crane's defaults apply" \
    test "$(real "$attr" --apply 'd: builtins.toJSON [ (d ? CARGO_PROFILE) (d ? CARGO_BUILD_INCREMENTAL) ]')" = '[false,false]'
done
# both_say TEXT_IN_CRANE TEXT_IN_EMULATION
both_say() {
  grep -qF -- "$1" "$crane/lib/setupHooks/configureCargoCommonVarsHook.sh" && grep -qF -- "$2" "$tests/emulate-checks.sh"
}
expect "crane's default profile, release, is the emulated one" \
  both_say 'CARGO_PROFILE=${CARGO_PROFILE-release}' 'CARGO_PROFILE=release'
expect "crane's default, no incremental builds, is the emulated one" \
  both_say 'CARGO_BUILD_INCREMENTAL=${CARGO_BUILD_INCREMENTAL-false}' 'CARGO_BUILD_INCREMENTAL=false'
function_body() { sed -n '/^cargoWithProfile() {/,/^}/p' "$1" | tr -d ' \\\n'; }
expect "emulate-checks.sh's cargoWithProfile is crane's" \
  test "$(function_body "$tests/emulate-checks.sh")" = "$(function_body "$crane/lib/setupHooks/cargoHelperFunctionsHook.sh")"
expect "mix-test: the emulated src is the real src" \
  test "$(stub "checks.$system.mix-test.args.src")" = "$(real "checks.$system.mix-test.src")"
expect "mix-test: the emulated buildPhase is the real one" test \
  "$(stub "checks.$system.mix-test.args.buildPhase" | sed -E 's|/nix/store/[a-z0-9]{32}-[^/]*|STORE|g')" = \
  "$(real "checks.$system.mix-test.buildPhase" | sed -E 's|/nix/store/[a-z0-9]{32}-[^/]*|STORE|g')"
expect "the demo: the emulated src is the real src" \
  test "$(stub "packages.$system.release.args.src")" = "$(real "packages.$system.release.src")"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
