# Stand-ins for the stdenv-level builders and fetchers of nixpkgs. Each one
# returns a real derivation whose builder only fails, so evaluating a drvPath
# instantiates every input, as `nix flake check` does, and nothing can be built
# by accident. mkDerivation makes the checks of nixpkgs' make-derivation.nix
# that an evaluation can trip over: a name, the types of dependency lists and of
# `env`, and attributes that a derivation cannot hold (sets, functions).
{ lib }:
platform:
let
  inherit (lib) isDerivation;

  dependencyLists = [
    "nativeBuildInputs"
    "buildInputs"
    "propagatedNativeBuildInputs"
    "propagatedBuildInputs"
    "depsBuildBuild"
    "depsBuildBuildPropagated"
    "depsBuildTarget"
    "depsBuildTargetPropagated"
    "depsHostHost"
    "depsHostHostPropagated"
    "depsTargetTarget"
    "depsTargetTargetPropagated"
    "checkInputs"
    "nativeCheckInputs"
    "installCheckInputs"
    "nativeInstallCheckInputs"
  ];

  checkDependencies =
    drvName: listName: deps:
    lib.imap1 (
      i: dep:
      if isDerivation dep || dep == null || builtins.isString dep || builtins.isPath dep then
        dep
      else if builtins.isList dep then
        checkDependencies drvName "element ${toString i} of ${listName}" dep
      else
        throw "Dependency is not of a valid type: element ${toString i} of ${listName} for ${drvName}"
    ) deps;

  checkEnv =
    drvName: name: value:
    if isDerivation value || builtins.elem (builtins.typeOf value) [ "string" "bool" "int" ] then
      value
    else
      throw "${drvName}: env.${name} is a ${builtins.typeOf value}; env takes derivations, strings, booleans and integers";

  failingBuilder = kind: {
    builder = "/bin/sh";
    args = [
      "-c"
      "echo '${kind} is an evaluation stand-in from nix/tests/stubs/nixpkgs-builders' >&2; exit 1"
    ];
  };

  mkDerivationWith =
    kind: fnOrAttrs:
    let
      attrs =
        if builtins.isFunction fnOrAttrs then
          lib.fix (final: fnOrAttrs (final // { finalPackage = result; }))
        else
          fnOrAttrs;
      name =
        attrs.name or (
          if attrs ? pname && attrs ? version then
            "${attrs.pname}-${attrs.version}"
          else
            throw "${kind}: neither name nor pname and version given"
        );
      env = attrs.env or { };
      overlap = builtins.attrNames (builtins.intersectAttrs env attrs);
      drvAttrs =
        failingBuilder kind
        // removeAttrs attrs [
          "meta"
          "passthru"
          "pos"
          "env"
        ]
        // lib.genAttrs (builtins.filter (n: attrs ? ${n}) dependencyLists) (
          n: checkDependencies name n attrs.${n}
        )
        // lib.mapAttrs (checkEnv name) env
        // {
          inherit name;
          inherit (platform) system;
        };
      drv =
        if overlap != [ ] then
          throw "${name}: env and the derivation's own attributes overlap: ${toString overlap}"
        else
          builtins.derivation drvAttrs;
      result =
        drv
        // attrs.passthru or { }
        // {
          meta = attrs.meta or { };
          overrideAttrs = f: mkDerivationWith kind (attrs // lib.toExtension f attrs attrs);
        };
    in
    result;

  mkDerivation = mkDerivationWith "mkDerivation";

  runCommandWith =
    kind: name: env: buildCommand:
    mkDerivationWith kind (
      env
      // {
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ] ++ env.passAsFile or [ ];
      }
    );

  writeTextFile =
    {
      name,
      text,
      executable ? false,
      destination ? "",
      checkPhase ? "",
      meta ? { },
      passthru ? { },
      allowSubstitutes ? false,
      preferLocalBuild ? true,
      derivationArgs ? { },
    }:
    runCommandWith "writeTextFile" name (
      derivationArgs
      // {
        inherit
          text
          executable
          destination
          checkPhase
          meta
          passthru
          allowSubstitutes
          preferLocalBuild
          ;
        passAsFile = [ "text" ];
      }
    ) "";

  fetchurl =
    {
      url ? "",
      urls ? [ ],
      name ? baseNameOf (if url != "" then url else builtins.head urls),
      hash ? "",
      sha256 ? "",
      ...
    }@args:
    let
      fixedOutput =
        if hash != "" then
          {
            outputHash = hash;
            outputHashAlgo = "";
          }
        else if sha256 != "" then
          {
            outputHash = sha256;
            outputHashAlgo = "sha256";
          }
        else
          throw "fetchurl: ${name} has neither hash nor sha256";
    in
    mkDerivationWith "fetchurl" (
      removeAttrs args [
        "hash"
        "sha256"
      ]
      // fixedOutput
      // {
        inherit name;
        urls = if url != "" then [ url ] else urls;
        outputHashMode = "flat";
      }
    );
in
{
  inherit mkDerivation fetchurl writeTextFile;

  runCommand = runCommandWith "runCommand";
  runCommandLocal =
    name: env:
    runCommandWith "runCommandLocal" name (
      env
      // {
        preferLocalBuild = true;
        allowSubstitutes = false;
      }
    );

  writeText = name: text: writeTextFile { inherit name text; };

  writeShellApplication =
    {
      name,
      text,
      runtimeInputs ? [ ],
      runtimeEnv ? null,
      meta ? { },
      passthru ? { },
      checkPhase ? null,
      excludeShellChecks ? [ ],
      extraShellCheckFlags ? [ ],
      bashOptions ? [
        "errexit"
        "nounset"
        "pipefail"
      ],
      inheritPath ? true,
      derivationArgs ? { },
    }:
    assert
      builtins.all isDerivation runtimeInputs
      || throw "writeShellApplication ${name}: runtimeInputs must be derivations";
    writeTextFile {
      inherit name passthru derivationArgs;
      executable = true;
      destination = "/bin/${name}";
      meta = {
        mainProgram = name;
      }
      // meta;
      text = ''
        PATH=${lib.makeBinPath runtimeInputs}${lib.optionalString inheritPath ":$PATH"}
        ${text}
      '';
      checkPhase = if checkPhase == null then "" else checkPhase;
    };

  symlinkJoin =
    {
      name ? "${args.pname}-${args.version}",
      paths,
      preferLocalBuild ? true,
      allowSubstitutes ? false,
      postBuild ? "",
      ...
    }@args:
    runCommandWith "symlinkJoin" name (
      removeAttrs args [ "name" ]
      // {
        inherit
          paths
          preferLocalBuild
          allowSubstitutes
          postBuild
          ;
        passAsFile = [ "paths" ];
      }
    ) "";

  makeSetupHook =
    {
      name,
      deps ? [ ],
      propagatedBuildInputs ? [ ],
      depsTargetTargetPropagated ? [ ],
      meta ? { },
      passthru ? { },
      substitutions ? { },
    }:
    script:
    runCommandWith "makeSetupHook" name (
      substitutions
      // {
        inherit
          meta
          passthru
          depsTargetTargetPropagated
          ;
        propagatedBuildInputs = propagatedBuildInputs ++ lib.toList deps;
        inherit script;
      }
    ) "";

  closureInfo =
    { rootPaths }:
    runCommandWith "closureInfo" "closure-info" {
      inherit rootPaths;
      preferLocalBuild = true;
    } "";

}
