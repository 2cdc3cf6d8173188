import Config

# config/runtime.exs is executed for all environments, including
# during releases. It is executed after compilation and before the
# system starts, so it is used to read configuration from the
# environment:
#
#   PORT             HTTP port to listen on (default: 4000)
#   PHX_HOST         host name used in generated URLs (default: "localhost")
#   PHX_SERVER       start the HTTP server when set (releases need it;
#                    `bin/server` sets it for you)
#   SECRET_KEY_BASE  signs the session cookie, at least 64 bytes.
#                    Required in prod; dev and test use the documented
#                    defaults in config/dev.exs and config/test.exs.
#                    Generate one with `mix phx.gen.secret` or
#                    `openssl rand -base64 48`.

if System.get_env("PHX_SERVER") do
  config :serdex_demo, SerdexDemoWeb.Endpoint, server: true
end

if config_env() != :test do
  port = String.to_integer(System.get_env("PORT") || "4000")
  host = System.get_env("PHX_HOST") || "localhost"

  config :serdex_demo, SerdexDemoWeb.Endpoint,
    url: [host: host, port: port],
    http: [port: port]
end

if config_env() == :prod do
  secret_key_base =
    System.get_env("SECRET_KEY_BASE") ||
      raise """
      environment variable SECRET_KEY_BASE is missing.
      The Serdex demo release needs a secret of at least 64 bytes to sign
      its session cookie. Generate one with `openssl rand -base64 48`
      (or `mix phx.gen.secret`) and export it as SECRET_KEY_BASE.
      """

  if byte_size(secret_key_base) < 64 do
    raise """
    environment variable SECRET_KEY_BASE is too short (#{byte_size(secret_key_base)} bytes).
    It must be at least 64 bytes; generate one with `openssl rand -base64 48`.
    """
  end

  config :serdex_demo, SerdexDemoWeb.Endpoint,
    # Listen on all IPv4 interfaces (containers, `nix run`). IPv4 is used
    # rather than `::` so that the release also boots where IPv6 is off.
    http: [ip: {0, 0, 0, 0}],
    secret_key_base: secret_key_base
end
