# The demo's Mix release. mixRelease (nixpkgs, pre-2026 API) includes ERTS and
# rewrites references to the build-time Erlang, so that Erlang stays out of the
# runtime closure; checks.release-closure verifies it.
{
  pkgs,
  platform,
  nif,
}:
let
  demo = import ./demo.nix { inherit pkgs platform nif; };
in
platform.beamPackages.mixRelease {
  inherit (demo)
    pname
    version
    src
    mixNixDeps
    PRECOMPILED_NIF
    preConfigure
    preBuild
    ;

  # Keep the cookie out of the world-readable store (the default). Without the
  # file, Elixir's start script aborts (NixOS/nixpkgs#166229), so env.sh supplies
  # a per-boot cookie unless RELEASE_COOKIE is set. RELEASE_TMP must be writable
  # because the runtime config is rendered there.
  removeCookie = true;
  postInstall = ''
    for env in "$out"/releases/*/env.sh; do
      cat >> "$env" <<'EOF'

    if [ -z "''${RELEASE_COOKIE:-}" ]; then
      RELEASE_COOKIE="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
      export RELEASE_COOKIE
    fi
    RELEASE_TMP="''${RELEASE_TMP:-''${TMPDIR:-/tmp}/serdex_demo}"
    export RELEASE_TMP
    EOF
    done
  '';

  passthru = {
    inherit nif;
    inherit (platform) target;
  };

  meta.mainProgram = "serdex_demo";
}
