defmodule Serdex.NIF do
  @moduledoc false
  # The Rust functions.
  #
  # Decoding, encoding and formatting run on the calling process's normal scheduler, in
  # slices of about a millisecond. A call that has not finished returns `{:cont, state}`, and
  # `run/2` calls the matching `*_continue` function until it has: between two calls the
  # process can be preempted like any other, because every call reports the time it took.
  #
  # Some work would take too long for one step of a slice, and the VM has built-ins that do
  # it in steps of their own: a slice may then end with `{:call, name, argument, state}`, and
  # the next one gets the built-in's result. That is how a decoded array or object that
  # spans slices is put together from its parts, and how the entries of a large map are
  # listed for the encoder.
  #
  # The only dirty CPU work is printing integers of thousands of digits, and decoding with a
  # `max_integer_digits` above the default: neither can be cut into slices.

  use Serdex.Native,
    otp_app: :serdex,
    crate: "serdex_nif",
    sources: ["native", "Cargo.toml", "Cargo.lock", "rust-toolchain.toml"]

  @doc false
  # Runs a sliced call to its end. `continue` takes the state a slice returned and the result
  # of the call it asked for (nil if none).
  def run({:cont, state}, continue), do: run(continue.(state, nil), continue)

  def run({:call, name, argument, state}, continue),
    do: run(continue.(state, call(name, argument)), continue)

  def run(result, _continue), do: result

  defp call(:append, lists), do: :lists.append(lists)
  defp call(:to_list, map), do: :maps.to_list(map)

  # The parts hold pairs in document order; for a key given twice the first value wins.
  defp call(:object, parts), do: parts |> :lists.append() |> :lists.reverse() |> :maps.from_list()

  def nif_info, do: :erlang.nif_error(:nif_not_loaded)
  def decode(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def decode_continue(_input, _state, _joined), do: :erlang.nif_error(:nif_not_loaded)
  def decode_dirty(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode(_term, _options), do: :erlang.nif_error(:nif_not_loaded)
  def encode_continue(_term, _state, _entries), do: :erlang.nif_error(:nif_not_loaded)
  def format(_input, _options), do: :erlang.nif_error(:nif_not_loaded)
  def format_continue(_input, _state, _nothing), do: :erlang.nif_error(:nif_not_loaded)
  def integer_to_string_dirty(_integer), do: :erlang.nif_error(:nif_not_loaded)
  def debug_panic, do: :erlang.nif_error(:nif_not_loaded)
end
