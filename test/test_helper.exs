# The default run is the edit-compile-test loop and takes seconds. Left out unless included:
#   :slow   long loops and huge inputs: fuzzing, pause sweeps, 100 MB strings, 10^6 nesting
#   :load   tests that keep every scheduler busy: the fairness probe and the soak
#   :cargo  tests that build the crate in a copy of the project; they also need cargo on PATH
# CI runs them all: `mix test --only slow --only load --only cargo` after `mix test`.
ExUnit.start(exclude: [:slow, :load, :cargo])
