import Config

# Development server.
#
# SECRET_KEY_BASE: local runs (dev and test) use the fixed, documented,
# NOT secret value below. Production releases must provide their own
# SECRET_KEY_BASE (see config/runtime.exs). PORT overrides the port.
config :serdex_demo, SerdexDemoWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4000],
  check_origin: false,
  code_reloader: true,
  # Errors are rendered by ErrorJSON/ErrorHTML, as in production, so the
  # 400 and 413 responses of the demo look the same in every environment.
  debug_errors: false,
  secret_key_base: "vYSYhGOjNJtX94QeNKaE5vmY4mud+X6xOuJJ09vv9/HwmrHZWUbRayvSOMSPCRh0",
  watchers: []

# Do not include metadata nor timestamps in development logs
config :logger, :console, format: "[$level] $message\n"

# Set a higher stacktrace during development. Avoid configuring such
# in production as building large stacktraces may be expensive.
config :phoenix, :stacktrace_depth, 20

# Initialize plugs at runtime for faster development compilation
config :phoenix, :plug_init_mode, :runtime
