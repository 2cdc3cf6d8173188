# The default run is the edit-compile-test loop and takes seconds. Left out unless included:
#   :slow     long loops and huge inputs: fuzzing, pause sweeps, 100 MB strings, 10^6 nesting
#   :load     tests that keep every scheduler busy: the fairness probe and the soak
#   :cargo    tests that build the crate in a copy of the project; they also need cargo on PATH
#   :package  the build of a release NIF from the packaged files alone (also tagged :cargo)
# CI runs them all after `mix test`: `mix test --only slow --only load --only cargo`.
ExUnit.start(exclude: [:slow, :load, :cargo, :package])
