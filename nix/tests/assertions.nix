# Assertions over one output group of one system of a flake evaluated against
# the stubs. Used by eval.sh as `nix eval <flake>#<group>.<system> --apply`.
# Renders one line per assertion: "ok - ..." or "not ok - ...".
{
  group,
  system,
  # Absolute path of the flake's checkout, for mix.lock.
  repo,
}:
value:
let
  inherit (builtins)
    all
    any
    attrNames
    attrValues
    elem
    filter
    isAttrs
    isList
    isString
    map
    match
    ;

  check = name: cond: {
    name = "${system} ${group}: ${name}";
    ok =
      let
        r = builtins.tryEval cond;
      in
      r.success && r.value == true;
  };
  render = rs: builtins.concatStringsSep "" (map (r: "${if r.ok then "ok" else "not ok"} - ${r.name}\n") rs);

  is = kind: v: isAttrs v && (v.__stub or null) == kind;
  contains = needle: s: isString s && match ".*${needle}.*" s != null;
  quote = s: builtins.replaceStrings [ "." "+" "(" ")" "[" "]" "$" "{" "}" ] [ "[.]" "[+]" "[(]" "[)]" "\\[" "\\]" "[$]" "[{]" "[}]" ] s;
  has = needle: contains (quote needle);

  isMusl = system == "x86_64-linux";
  isLinux = isMusl || system == "aarch64-linux";
  libc = if isMusl then "musl" else "glibc";
  target =
    {
      x86_64-linux = "x86_64-unknown-linux-musl";
      aarch64-linux = "aarch64-unknown-linux-gnu";
      aarch64-darwin = "aarch64-apple-darwin";
      x86_64-darwin = "x86_64-apple-darwin";
    }
    .${system};
  # Erlang without wx: every BEAM builder must come from the minimal set.
  beam = kind: "beamMinimalPackages(${libc}).${kind}";
  erlang = "erlang-minimal-${libc}";
  elixir = "elixir-minimal-${libc}";
  # mixRelease's build-time tools come from the glibc set, which the cache has.
  glibcTools = a: all (t: a.__buildTools.${t}.name == "${t}-glibc") [ "git" "ripgrep" "bbe" ];

  # Anything that would put a Rust compiler into a derivation's inputs.
  rusty = v: is "rust-bin.fromRustupToolchainFile" v || (isAttrs v && contains "(cargo|rustc|rust-analyzer)" (v.name or ""));
  inputsOf = a: (a.nativeBuildInputs or [ ]) ++ (a.buildInputs or [ ]) ++ (a.propagatedBuildInputs or [ ]) ++ (a.packages or [ ]);
  noRustIn = a: !(any rusty (inputsOf a)) && all (s: !(contains "(cargo|rustc)" s)) (filter isString (attrValues a));

  lockNames =
    let
      file = repo + "/mix.lock";
      lines = if builtins.pathExists file then filter isString (builtins.split "\n" (builtins.readFile file)) else [ ];
      names = map (l: match ''[[:space:]]*"([A-Za-z0-9_]+)":.*'' l) lines;
    in
    map builtins.head (filter (x: x != null) names);
  sameSet = a: b: all (x: elem x b) a && all (x: elem x a) b;
  depsOk =
    deps:
    sameSet (attrNames deps) lockNames
    && all (
      d:
      (is (beam "buildMix") d || is (beam "buildRebar3") d || is (beam "buildErlangMk") d) && is (beam "fetchHex") d.args.src
    ) (attrValues deps);

  nifChecks = nif: [
    (check "nif is craneLib.buildPackage" (is "craneLib.buildPackage" nif))
    (check "nif target is ${target}" (nif.args.CARGO_BUILD_TARGET == target))
    (check "nif rustflags drop crt-static" (nif.args.CARGO_BUILD_RUSTFLAGS == "-C target-feature=-crt-static"))
    (check "nif reuses buildDepsOnly artifacts for the same target" (
      is "craneLib.buildDepsOnly" nif.args.cargoArtifacts
      && nif.args.cargoArtifacts.args.CARGO_BUILD_TARGET == target
    ))
    (check "nif toolchain comes from rust-toolchain.toml with the musl target" (
      is "rust-bin.fromRustupToolchainFile" nif.toolchain
      && elem "x86_64-unknown-linux-musl" nif.toolchain.args.toolchain.targets
      && baseNameOf (toString nif.toolchain.args.file) == "rust-toolchain.toml"
    ))
    (check "rust-overlay follows the one nixpkgs" nif.toolchain.args.nixpkgsIsStub)
    (check "nif source is a lib.fileset source of Cargo.toml, Cargo.lock and native/" (
      nif.args.src._isLibCleanSourceWith or false
      && sameSet (attrNames (builtins.readDir "${nif.args.src}")) [
        "Cargo.toml"
        "Cargo.lock"
        "native"
      ]
    ))
    (check "nif is installed as lib/libserdex_nif.so, also from a .dylib" (
      has "libserdex_nif.dylib" nif.args.postInstall && nif.args.doCheck == false
    ))
    (check "nif links with ${libc}'s C compiler" (
      if isMusl then
        has "cc-musl" nif.args.CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER
      else
        !(nif.args ? CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER)
    ))
  ];

  releaseChecks =
    nif: release:
    let
      a = release.args;
    in
    [
      (check "release is mixRelease of the minimal ${libc} BEAM" (is (beam "mixRelease") release))
      (check "release's git, ripgrep and bbe come from glibc" (glibcTools a))
      (check "release sets PRECOMPILED_NIF=1" ((a.PRECOMPILED_NIF or null) == "1"))
      (check "release preBuild copies the nif output into priv/native" (
        has "mkdir -p ../priv/native" a.preBuild && has "cp ${nif}/lib/libserdex_nif.so ../priv/native/" a.preBuild
      ))
      (check "release mixNixDeps come from mix_deps.nix and cover mix.lock" (depsOk a.mixNixDeps))
      (check "no cargo or rustc among the release's inputs" (noRustIn a))
      (check "release keeps the cookie out of the store and makes one per user" (
        a.removeCookie && has "RELEASE_COOKIE" (builtins.readFile "${a.src}/demo/rel/env.sh.eex")
      ))
    ];

  groups = {
    packages =
      nifChecks value.nif
      ++ releaseChecks value.nif value.release
      ++ [
        (check "default is the release" (value.default.outPath == value.release.outPath))
        (check "dockerImage is buildLayeredImage of the release on port 4000, on Linux only" (
          if isLinux then
            let
              c = value.dockerImage.args.config;
            in
            is "dockerTools.buildLayeredImage" value.dockerImage
            && builtins.head c.Cmd == "${value.release}/bin/serdex_demo"
            && elem "start" c.Cmd
            && c.ExposedPorts ? "4000/tcp"
          else
            !(value ? dockerImage)
        ))
      ];

    apps = [
      (check "apps.default is an app serving the demo" (
        value.default.type == "app" && match "/nix/store/.*/bin/serdex-demo" value.default.program != null
      ))
      (check "apps.default has a description" (isString value.default.meta.description))
    ];

    devShells =
      let
        a = value.default.args;
        names = map (p: p.name) a.packages;
      in
      [
        (check "devShells.default is mkShell" (is "mkShell" value.default))
        (check "shell has the release's minimal Erlang and Elixir" (elem erlang names && elem elixir names))
        (check "shell has the NIF's toolchain, rust-analyzer, mix2nix and nixfmt" (
          any (is "rust-bin.fromRustupToolchainFile") a.packages
          && all (n: elem n names) [
            "rust-analyzer"
            "mix2nix"
            "nixfmt"
          ]
        ))
        (check "shell's mix2nix is built against the shell's BEAM" (
          any (p: p.name == "mix2nix" && (p.args.erlang.name or "") == erlang) a.packages
        ))
        (check "shell builds for ${target} like the nif" (
          a.CARGO_BUILD_TARGET == target && a.CARGO_BUILD_RUSTFLAGS == "-C target-feature=-crt-static"
        ))
        (check "shell keeps MIX_HOME and HEX_HOME in the project" (
          has ''MIX_HOME="$PWD/'' a.shellHook && has ''HEX_HOME="$PWD/'' a.shellHook
        ))
        (check "shell leaves PRECOMPILED_NIF unset" (!(a ? PRECOMPILED_NIF)))
      ];

    checks =
      let
        c = value;
        mixTest = c.mix-test.args;
        demoTest = c.demo-test.args;
        smoke = c.release-smoke.args;
      in
      [
        (check "all checks present" (
          all (n: c ? ${n}) [
            "nif-clippy"
            "nif-fmt"
            "nif-test"
            "mix-test"
            "release-smoke"
            "release-closure"
            "demo-test"
          ]
          && (c ? nif-libc) == isLinux
        ))
        (check "fmt passes cargo fmt no cargo-only flag" (c.nif-fmt.command == "cargo fmt  -- --check "))
        (check "clippy denies warnings" (
          is "craneLib.cargoClippy" c.nif-clippy && has "--deny warnings" c.nif-clippy.args.cargoClippyExtraArgs
        ))
        (check "fmt and test are crane's" (is "craneLib.cargoFmt" c.nif-fmt && is "craneLib.cargoTest" c.nif-test))
        (check "mix-test loads the nif with PRECOMPILED_NIF=1 and no cargo" (
          mixTest.PRECOMPILED_NIF == "1"
          && has "/lib/libserdex_nif.so priv/native/" mixTest.buildPhase
          && has "mix test" mixTest.buildPhase
          && noRustIn mixTest
        ))
        (check "mix-test runs in the release's BEAM" (
          elem erlang (map (p: p.name) mixTest.nativeBuildInputs)
        ))
        (check "demo-test runs the demo's tests with mixNixDeps" (
          is (beam "mixRelease") c.demo-test
          && glibcTools demoTest
          && demoTest.mixEnv == "test"
          && demoTest.PRECOMPILED_NIF == "1"
          && has "mix test" demoTest.installPhase
          && depsOk demoTest.mixNixDeps
          && noRustIn demoTest
        ))
        (check "release-smoke asks /api/info for precompiled and ${target}, then stops the node" (
          has "/bin/serdex_demo start" smoke.buildCommand
          && has "/api/info" smoke.buildCommand
          && has ".precompiled == true" smoke.buildCommand
          && has target smoke.buildCommand
          && has "/bin/serdex_demo stop" smoke.buildCommand
          && !(has "RELEASE_COOKIE" smoke.buildCommand)
        ))
      ];

    formatter = [ (check "formatter is nixfmt" (value.name == "nixfmt")) ];

    # The template's flake, after `nix flake init -t`.
    template =
      let
        nif = value.nif;
        a = value.default.args;
      in
      [
        (check "template nif is crane's, for ${target}, without crt-static" (
          is "craneLib.buildPackage" nif
          && nif.args.CARGO_BUILD_TARGET == target
          && nif.args.CARGO_BUILD_RUSTFLAGS == "-C target-feature=-crt-static"
          && is "craneLib.buildDepsOnly" nif.args.cargoArtifacts
        ))
        (check "template release is mixRelease of the minimal BEAM with PRECOMPILED_NIF=1" (
          is (beam "mixRelease") value.default && a.PRECOMPILED_NIF == "1" && glibcTools a
        ))
        (check "template nif source holds its Cargo.lock" (
          elem "Cargo.lock" (attrNames (builtins.readDir "${nif.args.src}"))
        ))
        (check "template preBuild copies the nif output into priv/native" (
          has "mkdir -p priv/native" a.preBuild && has "cp ${nif}/lib/libmy_nif.so priv/native/" a.preBuild
        ))
        (check "template mixNixDeps come from its mix_deps.nix" (depsOk a.mixNixDeps))
        (check "no cargo or rustc among the template release's inputs" (noRustIn a))
      ];
  };
in
render groups.${group}
