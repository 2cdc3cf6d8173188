defmodule Serdex.NIF do
  @moduledoc false
  # The Rust functions. Each `*_dirty` variant runs on a dirty CPU scheduler.
  #
  # Inputs above 64 KiB go to the dirty variants: at the NIF's speed that is well under the
  # 1 ms a NIF may hold a normal scheduler. Encoding cannot know its output size up front, so
  # `encode/2` gives up with `:dirty` past 64 KiB of output and is re-run on `encode_dirty/2`.

  use Serdex.Native,
    otp_app: :serdex,
    crate: "serdex_nif",
    sources: ["native", "Cargo.toml", "Cargo.lock", "rust-toolchain.toml"]

  @dirty_threshold 64 * 1024

  @doc false
  def dirty?(input) when is_binary(input), do: byte_size(input) > @dirty_threshold

  def nif_info, do: :erlang.nif_error(:nif_not_loaded)
  def decode(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def decode_dirty(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode(_term, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode_dirty(_term, _options), do: :erlang.nif_error(:nif_not_loaded)
  def format(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def format_dirty(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def debug_panic, do: :erlang.nif_error(:nif_not_loaded)
end
