#!/usr/bin/env bash
# Runs every check and package of the flake that runs a command over a source
# tree the way Nix would, with the host's tools: each one's `src` is taken from
# the flake itself (evaluated offline against nix/tests/stubs, whose lib.fileset
# copies exactly the selected files into the store), copied into an empty
# directory with no ../shared beside it, and the check's own command runs there.
#
#   nif-fmt, nif-clippy, nif-test, packages.nif: the cargo command crane 2fb03329
#     runs (from the stubbed craneLib, which builds it as crane does), with the
#     derivation's CARGO_* variables, crane's defaults (release profile, no
#     incremental builds), no network and no HOME. x86_64-linux's musl target
#     is linked by musl-gcc, as pkgsMusl's cc would. packages.nif must then NEED
#     musl's libc.so, as checks.nif-libc asserts. nif-test's binaries are built
#     for the host's glibc target, because musl ones cannot run here.
#   mix-test: its buildPhase, with cargo off PATH, against a NIF built from
#     packages.nif's source by the same command for the host's glibc target
#     (the aarch64-linux and Darwin flavour of packages.nif): a musl NIF cannot
#     load into the host's glibc BEAM.
#   the demo's src (packages.release, checks.demo-test): the demo cannot be
#     compiled without Hex, so this checks that every tracked file of demo/ is
#     there, that every "../" path the demo's code names exists, and compiles
#     :serdex there as the release's preBuild does (PRECOMPILED_NIF=1, prod).
#
# Run from the repository root: bash nix/tests/emulate-checks.sh
# The cargo target directory is kept in target/emulated-checks between runs.
set -euo pipefail

repo="$(pwd)"
stubs="$repo/nix/tests/stubs"
system=x86_64-linux
musl_target=x86_64-unknown-linux-musl
host_target=x86_64-unknown-linux-gnu
target_dir="${EMULATED_CHECKS_TARGET_DIR:-$repo/target/emulated-checks}"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
passed=0
failed=0

attr() {
  nix --extra-experimental-features 'nix-command flakes' eval --raw --no-write-lock-file \
    --override-input nixpkgs "path:$stubs/nixpkgs" \
    --override-input crane "path:$stubs/crane" \
    --override-input rust-overlay "path:$stubs/rust-overlay" \
    "git+file://$repo#$1" "${@:2}" 2>"$work/eval.log" || { cat "$work/eval.log" >&2; return 1; }
}

# The derivation's environment: its upper-case string arguments, as exports.
env_of() {
  attr "$1" --apply 'a: builtins.concatStringsSep "" (map (n:
    "export ${n}='"'"'${builtins.replaceStrings ["'"'"'"] ["'"'"'\\'"'"''"'"'"] a.${n}}'"'"'\n")
    (builtins.filter (n: builtins.match "[A-Z][A-Z0-9_]*" n != null && builtins.isString a.${n})
      (builtins.attrNames a)))'
}

# copy_src ATTR DIR: the store path ATTR names, as a writable tree at DIR.
copy_src() {
  local src
  src="$(attr "$1")"
  mkdir -p "$2"
  cp -R "$src/." "$2"
  chmod -R u+w "$2"
}

# pkgsMusl's cc, as far as Debian has it: musl-gcc, plus the libgcc_s that
# rustc asks for (musl-tools has none; the glibc one serves for linking only).
musl_cc="$work/musl-cc"
mkdir -p "$work/musl-lib"
ln -s "$(gcc -print-file-name=libgcc_s.so.1)" "$work/musl-lib/libgcc_s.so"
printf '#!/bin/sh\nexec musl-gcc -L%s "$@"\n' "$work/musl-lib" >"$musl_cc"
chmod +x "$musl_cc"

# crane_script ATTR DIR [TARGET]: a script that runs crane's command for ATTR in
# DIR with the derivation's variables; TARGET replaces CARGO_BUILD_TARGET.
crane_script() {
  local drv=$1 dir=$2 target=${3:-}
  env_of "$drv.args"
  cat <<EOF
if [ -n "\${CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER:-}" ]; then
  export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER='$musl_cc'
fi
${target:+export CARGO_BUILD_TARGET=$target}
# The toolchain rust-toolchain.toml names, which the Nix build gets from rust-overlay.
export RUSTUP_TOOLCHAIN='$(attr "$drv.toolchain.args.toolchain.channel")'
export RUSTUP_HOME='${RUSTUP_HOME:-$HOME/.rustup}' CARGO_HOME='${CARGO_HOME:-$HOME/.cargo}'
export HOME=/homeless-shelter CARGO_NET_OFFLINE=true CARGO_BUILD_INCREMENTAL=false
export CARGO_TARGET_DIR='$target_dir' RUST_TEST_THREADS=\${RUST_TEST_THREADS:-$(nproc)}
CARGO_PROFILE=release
cargoWithProfile() {
  local profileArgs=()
  if [[ "\${CARGO_PROFILE}" == "release" ]]; then
    profileArgs+=("--release")
  elif [[ -n "\${CARGO_PROFILE:-}" ]]; then
    profileArgs+=("--profile" "\${CARGO_PROFILE}")
  fi
  cargo "\${@:1:1}" "\${profileArgs[@]}" "\${@:2}"
}
cd '$dir'
set -x
EOF
  attr "$drv.command"
  echo
}

# run_crane NAME ATTR [TARGET]: crane's command for ATTR, in a copy of its src.
run_crane() {
  local name=$1 dir="$work/$1"
  copy_src "$2.args.src" "$dir"
  crane_script "$2" "$dir" "${3:-}" >"$work/$name.sh"
  bash -euo pipefail "$work/$name.sh" >"$work/$name.log" 2>&1
}

# check NAME COMMAND...: runs COMMAND, reports it, shows the log's tail on failure.
check() {
  local name=$1 status=0
  shift
  "$@" || status=$?
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name"
    if [ -f "$work/$name.log" ]; then tail -n 40 "$work/$name.log" | sed 's/^/  /'; fi
  fi
}

echo "# the Rust checks, for $system"
check nif-fmt run_crane nif-fmt "checks.$system.nif-fmt"
check nif-clippy run_crane nif-clippy "checks.$system.nif-clippy"
# Test binaries for musl need musl's libgcc_s to run, which Debian lacks: the
# tests run for the host target, as aarch64-linux's and Darwin's nif-test do.
check nif-test run_crane nif-test "checks.$system.nif-test" "$host_target"

echo "# packages.nif, for $system: the build, then what checks.nif-libc asserts"
nif_musl() {
  run_crane packages.nif "packages.$system.nif" || return 1
  readelf -d "$target_dir/$musl_target/release/libserdex_nif.so" >"$work/packages.nif.needed"
  grep -q 'Shared library: \[libc.so\]' "$work/packages.nif.needed" &&
    ! grep -q 'Shared library: \[libc.so.6\]' "$work/packages.nif.needed"
}
check packages.nif nif_musl

echo "# checks.mix-test: its buildPhase, over its src, with no cargo on PATH"
mix_test() {
  local dir="$work/mix-test" nif="$work/nif-glibc" phase no_cargo_path
  run_crane nif-glibc "packages.$system.nif" "$host_target" || return 1
  mkdir -p "$nif/lib"
  cp "$target_dir/$host_target/release/libserdex_nif.so" "$nif/lib/libserdex_nif.so"
  copy_src "checks.$system.mix-test.args.src" "$dir"
  phase="$(attr "checks.$system.mix-test.args.buildPhase")"
  phase="${phase//$(attr "packages.$system.nif.outPath")/$nif}"
  phase="${phase//$musl_target/$host_target}"
  no_cargo_path="$(tr ':' '\n' <<<"$PATH" | while read -r d; do [ -x "$d/cargo" ] || printf '%s:' "$d"; done)"
  {
    env_of "checks.$system.mix-test.args"
    echo "runHook() { :; }"
    echo "export TMPDIR='$work/mix-test-tmp' PATH='${no_cargo_path%:}'"
    echo "mkdir -p \"\$TMPDIR\"; cd '$dir'"
    echo "$phase"
  } >"$work/mix-test.sh"
  bash -euo pipefail "$work/mix-test.sh" >"$work/mix-test.log" 2>&1
}
check mix-test mix_test

echo "# the demo's src (packages.release and checks.demo-test)"
demo_src() {
  local dir="$work/demo-src" missing=0 f rel
  copy_src "packages.$system.release.args.src" "$dir"
  [ "$(attr "checks.$system.demo-test.args.src")" = "$(attr "packages.$system.release.args.src")" ] ||
    { echo "checks.demo-test's src differs from the release's"; missing=1; }
  while IFS= read -r f; do
    [ -e "$dir/$f" ] || { echo "missing: $f"; missing=1; }
  done < <(git -C "$repo" ls-files demo)
  # Every "../..." path named in the demo's code, resolved from demo/.
  while IFS= read -r rel; do
    [ -e "$dir/demo/$rel" ] || { echo "missing: demo/$rel (named in the demo's code)"; missing=1; }
  done < <(git -C "$repo" ls-files -z demo | xargs -0 grep -ohE '"\.\./[^"#{}]*"' | tr -d '"' | sort -u)
  [ "$missing" -eq 0 ] || return 1
  (cd "$dir" && HOME="$work/demo-home" MIX_ENV=prod PRECOMPILED_NIF=1 mix compile)
}
logged_demo_src() { demo_src >"$work/demo-src.log" 2>&1; }
check demo-src logged_demo_src

echo "$passed passed, $failed failed"
test "$failed" -eq 0
