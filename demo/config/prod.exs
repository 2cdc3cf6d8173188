import Config

# Port, host, server and secrets are read at boot from the environment,
# see config/runtime.exs. There is no asset build, so there is no
# cache_static_manifest either: priv/static is served as is.

# Do not print debug messages in production
config :logger, level: :info
