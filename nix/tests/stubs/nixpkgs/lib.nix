# Only the lib functions the flake, nix/ and mix_deps.nix call. lib.fileset is
# a real, small implementation of the calls nix/sources.nix makes (a file set
# is the set of files under the given paths; toSource copies exactly those into
# the store), so that nix/tests/emulate-checks.sh can run each check over the
# files its src holds.
let
  inherit (builtins)
    attrNames
    concatMap
    filter
    foldl'
    isPath
    listToAttrs
    pathExists
    readDir
    removeAttrs
    substring
    stringLength
    ;

  isFileset = v: v._type or null == "fileset";
  fileset = files: {
    _type = "fileset";
    inherit files;
  };

  # Every file under a path, as absolute path strings; like lib.fileset, a
  # path that does not exist is an error.
  filesUnder =
    path:
    let
      walk =
        dir:
        concatMap (
          name:
          let
            type = (readDir dir).${name};
            child = "${dir}/${name}";
          in
          if type == "directory" then walk child else [ child ]
        ) (attrNames (readDir dir));
    in
    if !pathExists path then
      throw "lib.fileset: ${toString path} does not exist"
    # A flake's root is a store path, whose parent cannot be listed.
    else if toString (dirOf path) == builtins.storeDir || (readDir (dirOf path)).${baseNameOf path} == "directory" then
      walk (toString path)
    else
      [ (toString path) ];

  coerce =
    v:
    if isFileset v then
      v
    else if isPath v then
      fileset (
        listToAttrs (
          map (f: {
            name = f;
            value = true;
          }) (filesUnder v)
        )
      )
    else
      throw "lib.fileset: expected a path or a file set";

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
in
{
  genAttrs =
    names: f:
    listToAttrs (
      map (name: {
        inherit name;
        value = f name;
      }) names
    );
  optionalAttrs = cond: attrs: if cond then attrs else { };
  makeOverridable = f: f;

  fileset = {
    unions = paths: fileset (foldl' (acc: p: acc // (coerce p).files) { } paths);
    difference =
      include: exclude: fileset (removeAttrs (coerce include).files (attrNames (coerce exclude).files));
    maybeMissing = path: if pathExists path then coerce path else fileset { };
    toSource =
      { root, fileset }:
      let
        base = toString root + "/";
        files = attrNames (coerce fileset).files;
        outside = filter (f: !(hasPrefix base f)) files;
      in
      if outside != [ ] then
        throw "lib.fileset.toSource: ${builtins.head outside} is not under the root ${toString root}"
      else
        {
          _isLibCleanSourceWith = true;
          origSrc = root;
          name = "source";
          outPath = builtins.path {
            name = "source";
            path = root;
            filter =
              path: type:
              if type == "directory" then
                builtins.any (hasPrefix (path + "/")) files
              else
                builtins.elem path files;
          };
        };
  };
}
