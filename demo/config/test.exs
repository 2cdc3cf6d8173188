import Config

# We don't run a server during test. If one is required,
# you can enable the server option below.
config :serdex_demo, SerdexDemoWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "v+5R9yHbO0WkRQW7iSx7hVDXjxaJYGGUTMssvrAftLUneR6pPDCm/b1O2B99GedP",
  server: false

# Print only warnings and errors during test
config :logger, level: :warning

# Initialize plugs at runtime for faster test compilation
config :phoenix, :plug_init_mode, :runtime
