# What each build sees of the repository. Whole directories wherever a command
# may read files that are not sources (the fuzz corpus, proptest regressions,
# the demo read by the ExUnit suite), so a new file is in by construction.
# nix/tests/emulate-checks.sh runs every check over exactly these files.
{ lib }:
let
  inherit (lib.fileset)
    difference
    maybeMissing
    toSource
    unions
    ;

  cargoFiles = unions [
    ../Cargo.toml
    ../Cargo.lock
    ../native
  ];

  # Left behind by cargo, mix and `nix build` in a checkout; never an input.
  buildOutputs = unions [
    (maybeMissing ../_build)
    (maybeMissing ../deps)
    (maybeMissing ../target)
    (maybeMissing ../priv)
    (maybeMissing ../demo/_build)
    (maybeMissing ../demo/deps)
    (maybeMissing ../result)
  ];
in
{
  # The Cargo workspace, with every file under native/. nix/nif.nix also gives
  # crane its list of files, so that the dependencies' dummy source reads this
  # set's manifests only.
  inherit cargoFiles;
  cargo = toSource {
    root = ../.;
    fileset = cargoFiles;
  };

  # The ExUnit suite reads the demo, the Cargo workspace, the locks and
  # whatever files other tests add, so it gets everything but the Nix code,
  # CI and benchmarks.
  mixTest = toSource {
    root = ../.;
    fileset = difference ../. (unions [
      buildOutputs
      ../nix
      ../flake.nix
      ../flake.lock
      ../.ci
      ../bench
      (maybeMissing ../.github)
    ]);
  };

  # The demo needs its parent (the :serdex path dependency and ../mix.lock), but
  # no Rust sources: the NIF arrives prebuilt.
  demo = toSource {
    root = ../.;
    fileset = difference (unions [
      ../mix.exs
      ../mix.lock
      ../lib
      ../demo
      (maybeMissing ../config)
    ]) buildOutputs;
  };
}
