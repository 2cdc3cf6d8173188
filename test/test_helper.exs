# Tests that build the crate are tagged :cargo; they cannot run where cargo is absent, as in
# the precompiled check (PRECOMPILED_NIF=1 with cargo off PATH) or a Nix sandbox.
# The :package test builds a release NIF from scratch (minutes); CI runs it with --only package.
exclude = if System.find_executable("cargo"), do: [:package], else: [:package, :cargo]

ExUnit.start(exclude: exclude)
