#!/usr/bin/env bash
# Offline evaluation test of the flake's wiring (Nix >= 2.8, no daemon, no network).
#
# nixpkgs, crane and rust-overlay are replaced by the recording stubs in
# nix/tests/stubs; nix/tests/assertions.nix then inspects what the flake asked
# them to build. Nothing is built. Run from the repository root:
#   bash nix/tests/eval.sh
set -euo pipefail

repo="$(pwd)"
tests="$repo/nix/tests"
stubs="$tests/stubs"
systems=(x86_64-linux aarch64-linux aarch64-darwin x86_64-darwin)
passed=0
failed=0

nix_() {
  nix --extra-experimental-features 'nix-command flakes' \
    --option substituters '' --option sandbox false "$@"
}

overrides=(
  --override-input nixpkgs "path:$stubs/nixpkgs"
  --override-input crane "path:$stubs/crane"
  --override-input rust-overlay "path:$stubs/rust-overlay"
)

# Counts every "ok"/"not ok" line of an assertion report; a failed evaluation counts as one failure.
tally() {
  local label=$1 out
  shift
  if out="$("$@" 2>&1)"; then
    while IFS= read -r line; do
      case "$line" in
        "ok - "*) passed=$((passed + 1)); echo "$line" ;;
        "not ok - "*) failed=$((failed + 1)); echo "$line" ;;
        *) ;;
      esac
    done <<<"$out"
  else
    failed=$((failed + 1))
    echo "not ok - $label: evaluation failed"
    sed 's/^/  /' <<<"$out"
  fi
}

# One assertion of the shell side; $2.. is the command.
assert() {
  local label=$1
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1)); echo "ok - $label"
  else
    failed=$((failed + 1)); echo "not ok - $label"
  fi
}

# eval_group FLAKE_REF OUTPUT SYSTEM GROUP CHECKOUT
eval_group() {
  nix_ eval --raw --impure --no-write-lock-file "${overrides[@]}" \
    "$1#$2.$3" --apply "import $tests/assertions.nix { group = \"$4\"; system = \"$3\"; repo = \"$5\"; }"
}

echo "# 1. every .nix file parses"
while IFS= read -r f; do
  assert "parses: $f" nix-instantiate --parse "$f"
done < <(find . -name '*.nix' -not -path './.git/*' -not -path '*/deps/*' -not -path '*/_build/*' | sort)

echo "# 2. flake.lock: real nodes, one nixpkgs"
lock_expr='let l = builtins.fromJSON (builtins.readFile ./flake.lock); n = l.nodes; real = x: n.${x}.locked ? rev && n.${x}.locked ? narHash && n.${x}.locked ? lastModified; in
  builtins.attrNames n.root.inputs == [ "crane" "nixpkgs" "rust-overlay" ]
  && real "nixpkgs" && real "crane" && real "rust-overlay"
  && n.rust-overlay.inputs.nixpkgs == [ "nixpkgs" ] && !(n.crane ? inputs)'
assert "flake.lock pins nixpkgs, crane and rust-overlay; rust-overlay follows nixpkgs" \
  test "$(nix_ eval --impure --expr "$lock_expr" 2>/dev/null)" = true

echo "# 3. the flake's outputs, against the stubs"
flake="git+file://$repo"
for system in "${systems[@]}"; do
  for group in packages apps devShells checks formatter; do
    tally "$system $group" eval_group "$flake" "$group" "$system" "$group" "$repo"
  done
done
assert "templates.default points at nix/template" \
  test "$(nix_ eval --raw --no-write-lock-file "${overrides[@]}" "$flake#templates.default.path" --apply 'p: baseNameOf p' 2>/dev/null)" = template

echo "# 4. the template, as \`nix flake init -t\` would copy it"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r nix/template "$scratch/template"
for system in "${systems[@]}"; do
  tally "template $system" eval_group "path:$scratch/template" packages "$system" template "$scratch/template"
  assert "template $system: devShells.default evaluates" \
    nix_ eval --raw --no-write-lock-file "${overrides[@]}" "path:$scratch/template#devShells.$system.default.name"
done

echo "# 5. negative control: the same assertions catch a release without PRECOMPILED_NIF"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | (mkdir -p "$scratch/broken" && tar -xf - -C "$scratch/broken")
sed -i '/^    PRECOMPILED_NIF$/d' "$scratch/broken/nix/release.nix"
broken="$(eval_group "path:$scratch/broken" packages x86_64-linux packages "$scratch/broken" 2>&1 || true)"
assert "removing PRECOMPILED_NIF from the release is detected" grep -q '^not ok - .*PRECOMPILED_NIF' <<<"$broken"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
