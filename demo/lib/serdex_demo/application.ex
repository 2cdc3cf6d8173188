defmodule SerdexDemo.Application do
  # See https://hexdocs.pm/elixir/Application.html
  # for more information on OTP Applications
  @moduledoc false

  use Application

  require Logger

  @impl true
  def start(_type, _args) do
    children = [
      {Phoenix.PubSub, name: SerdexDemo.PubSub},
      # Start to serve requests, typically the last entry
      SerdexDemoWeb.Endpoint
    ]

    # See https://hexdocs.pm/elixir/Supervisor.html
    # for other strategies and supported options
    opts = [strategy: :one_for_one, name: SerdexDemo.Supervisor]

    with {:ok, pid} <- Supervisor.start_link(children, opts) do
      Logger.info("Serdex NIF: " <> inspect(Serdex.nif_info()))
      {:ok, pid}
    end
  end

  # Tell Phoenix to update the endpoint configuration
  # whenever the application is updated.
  @impl true
  def config_change(changed, _new, removed) do
    SerdexDemoWeb.Endpoint.config_change(changed, removed)
    :ok
  end
end
