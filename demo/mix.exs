defmodule SerdexDemo.MixProject do
  use Mix.Project

  def project do
    [
      app: :serdex_demo,
      version: "0.1.0",
      elixir: "~> 1.14",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      # The demo shares the top-level lockfile, so `mix.lock` and
      # `mix_deps.nix` at the repository root describe exactly what the
      # release needs.
      lockfile: "../mix.lock",
      aliases: aliases(),
      deps: deps(),
      releases: releases()
    ]
  end

  # Configuration for the OTP application.
  #
  # Type `mix help compile.app` for more information.
  def application do
    [
      mod: {SerdexDemo.Application, []},
      extra_applications: [:logger, :runtime_tools]
    ]
  end

  # Specifies which paths to compile per environment.
  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  # Serdex replaces Jason: there is deliberately no :jason here.
  # There is no LiveView and no asset pipeline either; pages are
  # `.html.eex` templates rendered by Phoenix.Template + Phoenix.HTML.
  defp deps do
    [
      {:serdex, path: ".."},
      {:phoenix, "~> 1.7.14"},
      {:phoenix_html, "~> 4.1"},
      # From 1.6.3 on, Bandit closes an HTTP/1 connection when the plug fails
      # (a 413, say) instead of reading the unread body as the next request.
      {:bandit, "~> 1.6 and >= 1.6.3"}
    ]
  end

  defp aliases do
    [
      setup: ["deps.get"]
    ]
  end

  defp releases do
    [
      serdex_demo: [
        include_executables_for: [:unix],
        applications: [runtime_tools: :permanent]
      ]
    ]
  end
end
