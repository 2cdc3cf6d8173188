# Tests that build the crate are tagged :cargo; they cannot run where cargo is absent, as in
# the precompiled check (PRECOMPILED_NIF=1 with cargo off PATH) or a Nix sandbox.
exclude = if System.find_executable("cargo"), do: [], else: [:cargo]

ExUnit.start(exclude: exclude)
