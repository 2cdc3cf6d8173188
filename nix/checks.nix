# Everything `nix flake check` runs. None of the Elixir checks has cargo or
# rustc among its inputs: they load the .so that crane built.
{
  pkgs,
  platform,
  sources,
  rust,
  nif,
  demo,
  release,
}:
let
  inherit (pkgs) lib;
  inherit (platform) beamPackages target;
  inherit (rust)
    craneLib
    commonArgs
    workspaceArgs
    cargoArtifacts
    ;

  # Fails unless the NIF loaded into this BEAM reports what this flake built.
  probeNif = ''
    mix run --no-start -e '
      info = Serdex.nif_info()
      IO.inspect(info, label: "Serdex.nif_info()")
      unless info.precompiled and info.target == "${target}", do: System.halt(1)
    '
  '';
in
{
  nif-clippy = craneLib.cargoClippy (
    workspaceArgs
    // {
      inherit cargoArtifacts;
      cargoClippyExtraArgs = "--all-targets -- --deny warnings";
    }
  );

  nif-fmt = craneLib.cargoFmt commonArgs;

  nif-test = craneLib.cargoTest (workspaceArgs // { inherit cargoArtifacts; });

  # The library's ExUnit suite, against packages.nif, in the release's BEAM.
  mix-test = pkgs.stdenvNoCC.mkDerivation {
    name = "serdex-mix-test";
    src = sources.mixTest;
    nativeBuildInputs = [
      beamPackages.erlang
      beamPackages.elixir
    ];
    PRECOMPILED_NIF = "1";
    MIX_ENV = "test";
    LC_ALL = "C.UTF-8";
    buildPhase = ''
      runHook preBuild
      export HOME="$TMPDIR" MIX_HOME="$TMPDIR/mix" HEX_HOME="$TMPDIR/hex"
      mkdir -p priv/native
      cp ${nif}/lib/libserdex_nif.so priv/native/libserdex_nif.so
      mix test --include slow --include load
      ${probeNif}
      runHook postBuild
    '';
    installPhase = ''
      touch "$out"
    '';
  };

  # The demo's own ConnCase tests. mix2nix deps are compiled with MIX_ENV=prod
  # (buildMix's default); only the demo and :serdex are compiled for test here.
  demo-test = platform.mixRelease {
    pname = "serdex-demo-test";
    inherit (demo)
      version
      src
      mixNixDeps
      PRECOMPILED_NIF
      preConfigure
      preBuild
      ;
    mixEnv = "test";
    installPhase = ''
      runHook preInstall
      mix test --no-deps-check
      mkdir -p "$out"
      runHook postInstall
    '';
    dontFixup = true;
  };

  # Boot the release without RELEASE_COOKIE, call the NIF through HTTP, then
  # reach the running node with `pid` and `stop`, which need the same cookie.
  release-smoke =
    pkgs.runCommand "serdex-release-smoke"
      {
        nativeBuildInputs = [
          pkgs.curl
          pkgs.jq
        ];
        __darwinAllowLocalNetworking = true;
      }
      ''
        export HOME="$TMPDIR" RELEASE_TMP="$TMPDIR/release"
        export RELEASE_DISTRIBUTION=name RELEASE_NODE=serdex_demo@127.0.0.1
        export PHX_SERVER=true PHX_HOST=localhost PORT=4000
        export SECRET_KEY_BASE=release-smoke-secret-key-base-0123456789abcdef0123456789abcdef0123456789
        ${release}/bin/serdex_demo start > release.log 2>&1 &
        pid=$!
        for _ in $(seq 1 90); do
          curl -fsS http://127.0.0.1:4000/healthz > /dev/null && break
          sleep 1
        done
        curl -fsS http://127.0.0.1:4000/api/info > info.json || { cat release.log; exit 1; }
        cat info.json
        jq -e --arg target "${target}" '.precompiled == true and .target == $target' info.json
        ${release}/bin/serdex_demo pid
        ${release}/bin/serdex_demo stop
        wait "$pid"
        touch "$out"
      '';

  release-closure =
    pkgs.runCommand "serdex-release-closure"
      { closure = pkgs.closureInfo { rootPaths = [ release ]; }; }
      ''
        if grep -Fx "${beamPackages.erlang}" "$closure/store-paths"; then
          echo "the build-time Erlang is in the release's runtime closure" >&2
          exit 1
        fi
        touch "$out"
      '';
}
// lib.optionalAttrs platform.isLinux {
  # The libc decision of nix/platform.nix, checked on the built .so.
  nif-libc = pkgs.runCommand "serdex-nif-libc" { nativeBuildInputs = [ pkgs.patchelf ]; } ''
    needed="$(patchelf --print-needed ${nif}/lib/libserdex_nif.so)"
    echo "NEEDED: $needed"
    ${
      if platform.isMusl then
        ''
          echo "$needed" | grep -qx 'libc.so'
          if echo "$needed" | grep -qx 'libc.so.6'; then exit 1; fi
        ''
      else
        ''
          echo "$needed" | grep -qx 'libc.so.6'
        ''
    }
    touch "$out"
  '';
}
