# Only the lib functions the flake, nix/ and mix_deps.nix call.
let
  record = import ./record.nix;
in
{
  genAttrs =
    names: f:
    builtins.listToAttrs (
      map (name: {
        inherit name;
        value = f name;
      }) names
    );
  makeOverridable = f: f;
  fileset = {
    toSource = record "lib.fileset.toSource";
    unions = paths: record "lib.fileset.unions" { inherit paths; };
    difference = include: exclude: record "lib.fileset.difference" { inherit include exclude; };
    maybeMissing = path: record "lib.fileset.maybeMissing" { inherit path; };
  };
}
