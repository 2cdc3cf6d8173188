defmodule Serdex.NIF do
  @moduledoc false
  # The Rust functions. Each `*_dirty` variant runs on a dirty CPU scheduler.
  #
  # Inputs above 64 KiB go to the dirty variants: at the NIF's speed that is well under the
  # 1 ms a NIF may hold a normal scheduler.
  #
  # Encoding cannot know its size up front, so `encode(term, {escape, strict?, budget})`
  # counts its work and pauses with `{:dirty, resume}` once past `budget`;
  # `encode_dirty(term, options, resume)` carries on from there (`resume` is used once; nil
  # starts from the beginning). A unit of work is about one byte of plain output, with every
  # value and map weighted by what walking it costs (`native/serdex_nif/src/encoder.rs`).
  # Timed over the worst kinds of content, 400,000 units held a normal scheduler for at most
  # 0.56 ms on the 2-core benchmark machine, and usually about half that.

  use Serdex.Native,
    otp_app: :serdex,
    crate: "serdex_nif",
    sources: ["native", "Cargo.toml", "Cargo.lock", "rust-toolchain.toml"]

  @dirty_threshold 64 * 1024
  @encode_budget 400_000

  @doc false
  def dirty?(input) when is_binary(input), do: byte_size(input) > @dirty_threshold

  @doc false
  def encode_budget, do: @encode_budget

  def nif_info, do: :erlang.nif_error(:nif_not_loaded)
  def decode(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def decode_dirty(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode(_term, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode_dirty(_term, _options, _resume), do: :erlang.nif_error(:nif_not_loaded)
  def format(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def format_dirty(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def debug_panic, do: :erlang.nif_error(:nif_not_loaded)
end
