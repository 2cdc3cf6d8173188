defmodule SerdexDemo do
  @moduledoc """
  SerdexDemo keeps the domain side of the demo: the JSON operations in
  `SerdexDemo.Playground` and the limits the web layer enforces.
  """

  # Request bodies (JSON or form posts) larger than this are rejected by
  # Plug.Parsers with 413. The home page states the limit.
  @max_body_bytes 1_000_000

  @doc "The largest request body the demo accepts, in bytes (1 MB)."
  @spec max_body_bytes() :: pos_integer()
  def max_body_bytes, do: @max_body_bytes

  @doc "The body limit as shown to people."
  @spec max_body_label() :: String.t()
  def max_body_label, do: "1 MB (1,000,000 bytes)"
end
