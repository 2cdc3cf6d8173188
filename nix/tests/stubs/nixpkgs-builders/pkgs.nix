# The package set of `import nixpkgs { inherit system overlays; }` for
# nix/tests/eval-real.sh: nixpkgs' real lib, its pkgs/top-level plumbing where
# crane and rust-overlay reach into it (callPackage, newScope, the pkgs* sets
# of a native build, splicePackages, makeScopeWithSplicing', overlays as a
# fixed point, pkgsMusl), the builders of ./builders.nix, and every other
# package as a named stand-in.
{
  localSystem,
  overlays,
}:
let
  lib = import ./lib;
  platform = lib.systems.elaborate localSystem;
  builders = import ./builders.nix { inherit lib; } platform;
  inherit (builders) mkDerivation;

  tool =
    pname:
    mkDerivation {
      inherit pname;
      version = "stand-in";
    };

  # A C compiler wrapper, with what rust-overlay reads of its bintools.
  cc = tool "cc-wrapper" // {
    targetPrefix = "";
    isGNU = platform.isLinux;
    isClang = platform.isDarwin;
    bintools = tool "bintools-wrapper" // {
      expandResponseParams = "${tool "expand-response-params"}/bin/expand-response-params";
      shell = "${tool "bash"}/bin/bash";
      suffixSalt = lib.replaceStrings [ "-" "." ] [ "_" "_" ] platform.config;
      wrapperName = "BINTOOLS_WRAPPER";
      coreutils_bin = "${tool "coreutils"}";
    };
  };

  stdenvWith = compiler: {
    inherit mkDerivation;
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    cc = compiler;
    hasCC = compiler != null;
    shell = "${tool "bash"}/bin/bash";
    # Not yet deprecated at the pin (nixpkgs#518407, May 2026, made these warn).
    inherit (platform) system isLinux isDarwin;
  };

  muslConfig = lib.systems.parse.tripleFromSystem (
    platform.parsed // { abi = lib.systems.parse.abis.musl; }
  );

  base =
    self:
    let
      asPackageSet = self // {
        recurseForDerivations = false;
      };
    in
    builders
    // {
      inherit lib;
      path = ./.;
      config = { };
      inherit (platform) system;
      hostPlatform = platform;
      buildPlatform = platform;
      targetPlatform = platform;

      # A native build: every adjacent set is this one (pkgs/top-level/stage.nix).
      pkgsBuildBuild = asPackageSet;
      pkgsBuildHost = asPackageSet;
      pkgsBuildTarget = asPackageSet;
      pkgsHostHost = asPackageSet;
      pkgsHostTarget = asPackageSet;
      pkgsTargetTarget = asPackageSet;
      buildPackages = asPackageSet;
      pkgs = asPackageSet;
      targetPackages = asPackageSet;

      # pkgs/top-level/splice.nix when build and host platforms are equal.
      splicePackages = sets: sets.pkgsHostTarget;
      newScope = extra: lib.callPackageWith (self // extra);
      callPackage = self.newScope { };
      makeScopeWithSplicing' = lib.makeScopeWithSplicing' {
        inherit (self) splicePackages newScope;
      };

      stdenv = stdenvWith cc;
      stdenvNoCC = stdenvWith null;

      pkgsMusl =
        if platform.isLinux && platform.is64bit then
          import ./pkgs.nix {
            localSystem.config = muslConfig;
            overlays = overlays ++ [ (_: prev: { pkgsMusl = prev; }) ];
          }
        else
          throw "Musl libc only supports 64-bit Linux systems.";

      beamPackages = import ./beam.nix {
        inherit lib mkDerivation;
        inherit (builders) fetchurl;
        inherit (self) callPackage;
        flavour = "full";
      };
      beamMinimalPackages = import ./beam.nix {
        inherit lib mkDerivation;
        inherit (builders) fetchurl;
        inherit (self) callPackage;
        flavour = "minimal";
      };

      mkShell =
        {
          name ? "nix-shell",
          packages ? [ ],
          inputsFrom ? [ ],
          nativeBuildInputs ? [ ],
          buildInputs ? [ ],
          shellHook ? "",
          ...
        }@attrs:
        mkDerivation (
          removeAttrs attrs [
            "packages"
            "inputsFrom"
          ]
          // {
            inherit name shellHook buildInputs;
            nativeBuildInputs =
              packages ++ nativeBuildInputs ++ lib.concatMap (d: d.nativeBuildInputs or [ ]) inputsFrom;
          }
        );

      dockerTools.buildLayeredImage =
        {
          name,
          tag ? null,
          fromImage ? null,
          contents ? [ ],
          config ? { },
          architecture ? null,
          created ? "1970-01-01T00:00:01Z",
          maxLayers ? 100,
          extraCommands ? "",
          fakeRootCommands ? "",
          enableFakechroot ? false,
          includeStorePaths ? true,
          passthru ? { },
        }:
        self.runCommand "${name}.tar.gz" {
          inherit
            fromImage
            contents
            created
            maxLayers
            extraCommands
            fakeRootCommands
            enableFakechroot
            includeStorePaths
            passthru
            ;
          imageTag = if tag == null then "" else tag;
          imageConfig = builtins.toJSON config;
        } "";

      mix2nix = self.callPackage (
        {
          stdenv,
          elixir,
          erlang,
        }:
        stdenv.mkDerivation {
          pname = "mix2nix";
          version = "stand-in";
          nativeBuildInputs = [ elixir ];
          buildInputs = [ erlang ];
        }
      ) { inherit (self.beamPackages) elixir erlang; };

      gccForLibs = mkDerivation {
        pname = "gcc";
        version = "stand-in";
        outputs = [
          "out"
          "lib"
        ];
      };
      darwin.signingUtils = tool "signing-utils";
    }
    // lib.genAttrs [
      "apple-sdk"
      "autoPatchelfHook"
      "bash"
      "bbe"
      "bintools"
      "cargo"
      "clippy"
      "coreutils"
      "curl"
      "git"
      "gnutar"
      "jq"
      "libiconv"
      "libsecret"
      "nixfmt"
      "patchelf"
      "remarshal"
      "ripgrep"
      "rsync"
      "rust-analyzer"
      "rustc"
      "rustfmt"
      "zlib"
      "zstd"
    ] tool;
in
lib.fix (lib.foldl' (lib.flip lib.extends) base overlays)
