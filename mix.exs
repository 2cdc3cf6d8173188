defmodule Serdex.MixProject do
  use Mix.Project

  @version "0.1.0"

  def project do
    [
      app: :serdex,
      version: @version,
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      # Tests derive Serdex.Encoder for structs defined in test files.
      consolidate_protocols: Mix.env() != :test,
      elixirc_paths: if(Mix.env() == :test, do: ["lib", "test/support"], else: ["lib"]),
      deps: [],
      description:
        "Fast, VM-safe JSON for Elixir, with a Rust NIF core and a Jason-compatible API."
    ]
  end

  def application do
    [extra_applications: []]
  end
end
