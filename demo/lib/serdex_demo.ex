defmodule SerdexDemo do
  @moduledoc """
  SerdexDemo keeps the domain side of the demo: the JSON operations in
  `SerdexDemo.Playground` and the limits the web layer enforces.
  """

  # Request bodies (JSON or form posts) larger than this are rejected by
  # Plug.Parsers with 413. The home page states the limit.
  @max_body_bytes 1_000_000

  # Pretty-printing can multiply the size of a text (deep nesting makes
  # every line mostly indentation), so its output is bounded too: at most
  # this many times the input, but never less than the floor below, so
  # small, deeply nested examples still work.
  @max_output_factor 10
  @min_output_limit 65_536

  @doc "The largest request body the demo accepts, in bytes (1 MB)."
  @spec max_body_bytes() :: pos_integer()
  def max_body_bytes, do: @max_body_bytes

  @doc "The body limit as shown to people."
  @spec max_body_label() :: String.t()
  def max_body_label, do: "1 MB (1,000,000 bytes)"

  @doc """
  The largest pretty-printed output the demo returns for an input of
  `input_bytes` bytes: 10 times the input, or 64 KiB if that is larger.
  """
  @spec max_output_bytes(non_neg_integer()) :: pos_integer()
  def max_output_bytes(input_bytes), do: max(@max_output_factor * input_bytes, @min_output_limit)

  @doc "The output limit as shown to people."
  @spec max_output_label() :: String.t()
  def max_output_label, do: "10 times the input's size, and at least 64 KiB"
end
