# beamPackages or beamMinimalPackages, as far as this flake and mix2nix's output
# use them. mixRelease is called like a nixpkgs package, so its `.override`
# takes exactly the build tools the issue found it taking at the pin (git,
# ripgrep, bbe) besides the BEAM itself, and refuses any other name.
{
  lib,
  callPackage,
  mkDerivation,
  fetchurl,
  flavour,
}:
let
  tool =
    pname:
    mkDerivation {
      inherit pname;
      version = "stand-in";
    };

  # buildMix, buildRebar3 and buildErlangMk: `name` is the package name.
  buildHexPackage =
    {
      name,
      version,
      src,
      beamDeps ? [ ],
      ...
    }@attrs:
    mkDerivation (
      removeAttrs attrs [ "beamDeps" ]
      // {
        name = "${name}-${version}";
        propagatedBuildInputs = beamDeps;
      }
    );
in
lib.fix (beam: {
  erlang = tool "erlang-${flavour}";
  elixir = tool "elixir-${flavour}";
  hex = tool "hex";
  rebar = tool "rebar";
  rebar3 = tool "rebar3";

  fetchHex =
    {
      pkg,
      version,
      sha256,
      meta ? { },
    }:
    mkDerivation {
      pname = "hex-source-${pkg}";
      inherit version meta;
      src = fetchurl {
        url = "https://repo.hex.pm/tarballs/${pkg}-${version}.tar";
        inherit sha256;
      };
    };

  buildMix = buildHexPackage;
  buildRebar3 = buildHexPackage;
  buildErlangMk = buildHexPackage;

  mixRelease =
    callPackage
      (
        {
          erlang,
          elixir,
          hex,
          rebar,
          rebar3,
          git,
          ripgrep,
          bbe,
        }:
        {
          pname,
          version,
          src,
          mixNixDeps ? { },
          mixEnv ? "prod",
          nativeBuildInputs ? [ ],
          buildInputs ? [ ],
          ...
        }@attrs:
        mkDerivation (
          removeAttrs attrs [
            "mixNixDeps"
            "mixEnv"
          ]
          // {
            nativeBuildInputs = nativeBuildInputs ++ [
              erlang
              elixir
              hex
              rebar
              rebar3
              git
              ripgrep
              bbe
            ];
            buildInputs = buildInputs ++ builtins.attrValues mixNixDeps;
            MIX_ENV = mixEnv;
          }
        )
      )
      {
        inherit (beam)
          erlang
          elixir
          hex
          rebar
          rebar3
          ;
      };
})
