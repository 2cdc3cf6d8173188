# The demo's Mix release. mixRelease (nixpkgs, pre-2026 API) includes ERTS and
# rewrites references to the build-time Erlang, so that Erlang stays out of the
# runtime closure; checks.release-closure verifies it.
{
  platform,
  demo,
  nif,
}:
platform.mixRelease {
  inherit (demo)
    pname
    version
    src
    mixNixDeps
    PRECOMPILED_NIF
    preConfigure
    preBuild
    ;

  # Keep the cookie out of the world-readable store (the default). Without
  # releases/COOKIE, demo/rel/env.sh.eex makes one on first use under the
  # user's state directory, so every command of the release agrees on it.
  # RELEASE_TMP must be writable because the runtime config is rendered there.
  removeCookie = true;
  postInstall = ''
    for env in "$out"/releases/*/env.sh; do
      cat >> "$env" <<'EOF'

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
