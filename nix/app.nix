# `nix run`: serve the demo release on http://localhost:4000 with local defaults.
{ pkgs, release }:
pkgs.writeShellApplication {
  name = "serdex-demo";
  runtimeInputs = [ pkgs.coreutils ];
  text = ''
    export PORT="''${PORT:-4000}"
    export PHX_HOST="''${PHX_HOST:-localhost}"
    export PHX_SERVER=true
    if [ -z "''${SECRET_KEY_BASE:-}" ]; then
      # Fine for a local demo; sessions do not survive a restart.
      SECRET_KEY_BASE="$(head -c 64 /dev/urandom | base64 -w0)"
      export SECRET_KEY_BASE
      echo "serdex-demo: SECRET_KEY_BASE not set, generated a throwaway one" >&2
    fi
    echo "serdex-demo: http://$PHX_HOST:$PORT (GET /healthz, GET /api/info)" >&2
    exec ${release}/bin/serdex_demo start "$@"
  '';
}
