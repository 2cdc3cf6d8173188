defmodule SerdexDemoWeb.Endpoint do
  use Phoenix.Endpoint, otp_app: :serdex_demo

  # The session will be stored in the cookie and signed,
  # this means its contents can be read but not tampered with.
  # Set :encryption_salt if you would also like to encrypt it.
  @session_options [
    store: :cookie,
    key: "_serdex_demo_key",
    signing_salt: "HWXRSzj7",
    same_site: "Lax"
  ]

  # Serve at "/" the static files from "priv/static" directory.
  # There is no asset build: the CSS in priv/static is served as is.
  plug Plug.Static,
    at: "/",
    from: :serdex_demo,
    gzip: false,
    only: SerdexDemoWeb.static_paths()

  # Code reloading can be explicitly enabled under the
  # :code_reloader configuration of your endpoint.
  if code_reloading? do
    plug Phoenix.CodeReloader
  end

  plug Plug.RequestId
  plug Plug.Telemetry, event_prefix: [:phoenix, :endpoint]

  # Every JSON request body is decoded by the Serdex NIF.
  #
  #   * malformed JSON: Serdex.decode!/1 raises Serdex.DecodeError,
  #     Plug.Parsers.JSON wraps it in Plug.Parsers.ParseError (400), and
  #     SerdexDemoWeb.ErrorJSON reports the message and byte position;
  #   * bodies over SerdexDemo.max_body_bytes() (1 MB), JSON or form,
  #     raise Plug.Parsers.RequestTooLargeError (413).
  plug Plug.Parsers,
    parsers: [:urlencoded, :multipart, :json],
    pass: ["*/*"],
    json_decoder: Serdex,
    length: SerdexDemo.max_body_bytes()

  plug Plug.MethodOverride
  plug Plug.Head
  plug Plug.Session, @session_options
  plug SerdexDemoWeb.Router
end
