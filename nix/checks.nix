# Everything `nix flake check` runs. None of the Elixir checks has cargo or
# rustc among its inputs: they load the .so that crane built.
{
  pkgs,
  platform,
  rust,
  nif,
  release,
}:
let
  inherit (pkgs) lib;
  inherit (platform) beamPackages target;
  inherit (rust) craneLib commonArgs cargoArtifacts;
  demo = import ./demo.nix { inherit pkgs platform nif; };
  maybe = lib.fileset.maybeMissing;

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
    commonArgs
    // {
      inherit cargoArtifacts;
      cargoClippyExtraArgs = "--all-targets -- --deny warnings";
    }
  );

  nif-fmt = craneLib.cargoFmt commonArgs;

  nif-test = craneLib.cargoTest (commonArgs // { inherit cargoArtifacts; });

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

  # The library's ExUnit suite, against packages.nif, in the release's BEAM.
  mix-test = pkgs.stdenvNoCC.mkDerivation {
    name = "serdex-mix-test";
    src = lib.fileset.toSource {
      root = ../.;
      # mix.lock, mix_deps.nix and demo/mix.exs feed test/mix_deps_test.exs.
      fileset = lib.fileset.unions [
        ../mix.exs
        ../lib
        ../test
        ../mix.lock
        ../mix_deps.nix
        ../demo/mix.exs
        (maybe ../config)
      ];
    };
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
  demo-test = beamPackages.mixRelease {
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

  # Boot the release and call the NIF through HTTP.
  release-smoke =
    pkgs.runCommand "serdex-release-smoke"
      {
        nativeBuildInputs = [
          pkgs.curl
          pkgs.jq
        ];
      }
      ''
        export HOME="$TMPDIR" RELEASE_TMP="$TMPDIR/release" RELEASE_DISTRIBUTION=none
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
        kill "$pid"
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
