# OCI image of the release: `docker load < result`, then
#   docker run -p 4000:4000 -e SECRET_KEY_BASE="$(head -c 64 /dev/urandom | base64 -w0)" serdex_demo
{ pkgs, release }:
pkgs.dockerTools.buildLayeredImage {
  name = "serdex_demo";
  tag = release.version;
  contents = [ release ];
  # The start script renders the runtime config into $RELEASE_TMP, /tmp by default.
  extraCommands = ''
    mkdir -m 1777 tmp
  '';
  config = {
    Cmd = [
      "${release}/bin/serdex_demo"
      "start"
    ];
    Env = [
      "PORT=4000"
      "PHX_SERVER=true"
      "LANG=C.UTF-8"
    ];
    ExposedPorts."4000/tcp" = { };
  };
}
