# This file is responsible for configuring your application
# and its dependencies with the aid of the Config module.
#
# This configuration file is loaded before any dependency and
# is restricted to this project.

# General application configuration
import Config

# Configures the endpoint.
#
# JSON is listed first in :render_errors so that API clients sending
# `Accept: */*` (curl's default) get JSON error bodies; browsers ask for
# text/html explicitly and get HTML error pages in the site's layouts.
config :serdex_demo, SerdexDemoWeb.Endpoint,
  url: [host: "localhost"],
  adapter: Bandit.PhoenixAdapter,
  render_errors: [
    formats: [json: SerdexDemoWeb.ErrorJSON, html: SerdexDemoWeb.ErrorHTML],
    root_layout: [html: {SerdexDemoWeb.Layouts, :root}],
    layout: [html: {SerdexDemoWeb.Layouts, :app}]
  ],
  pubsub_server: SerdexDemo.PubSub

# Configures Elixir's Logger
config :logger, :console,
  format: "$time $metadata[$level] $message\n",
  metadata: [:request_id]

# Serdex (a Rust NIF) is Phoenix's JSON library: `json/2` responses,
# JSON error pages and Phoenix.ConnTest all go through it. The endpoint's
# Plug.Parsers uses it as `json_decoder` for request bodies.
config :phoenix, :json_library, Serdex

# Import environment specific config. This must remain at the bottom
# of this file so it overrides the configuration defined above.
import_config "#{config_env()}.exs"
