defmodule Serdex.MixProject do
  use Mix.Project

  @version "0.1.0"

  def project do
    [
      app: :serdex,
      name: "Serdex",
      version: @version,
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      # Tests derive Serdex.Encoder for structs defined in test files.
      consolidate_protocols: Mix.env() != :test,
      elixirc_paths: if(Mix.env() == :test, do: ["lib", "test/support"], else: ["lib"]),
      deps: [],
      package: package(),
      docs: docs()
    ]
  end

  def application do
    [extra_applications: []]
  end

  # What a project that depends on Serdex receives: enough to build the NIF with cargo
  # (Serdex.Native compiles native/serdex_nif), and no tests, benches, fuzzing, demo or Nix.
  defp package do
    [
      description:
        "Fast, VM-safe JSON for Elixir, with a Rust NIF core and a Jason-compatible API.",
      licenses: ["Apache-2.0"],
      links: %{"Changelog" => "https://hexdocs.pm/serdex/changelog.html"},
      files: [
        "lib",
        "native/serdex_core/src",
        "native/serdex_core/build.rs",
        "native/serdex_core/Cargo.toml",
        "native/serdex_nif/src",
        "native/serdex_nif/build.rs",
        "native/serdex_nif/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        "mix.exs",
        "README.md",
        "LICENSE",
        "CHANGELOG.md"
      ]
    ]
  end

  defp docs do
    [
      main: "readme",
      extras: ["README.md", "CHANGELOG.md", "LICENSE"],
      groups_for_modules: [
        Encoding: [
          Serdex.Encoder,
          Serdex.Encode,
          Serdex.EncodeError,
          Serdex.Fragment,
          Serdex.Helpers,
          Serdex.JasonBridge
        ],
        Decoding: [Serdex.DecodeError, Serdex.OrderedObject, Serdex.Sigil],
        Formatting: [Serdex.Formatter],
        "Loading the NIF": [Serdex.Native, Serdex.Native.Cargo]
      ]
    ]
  end
end
