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
  # The last of the decode and encode options is nil, or for tests a number of looks at the
  # meter after which every slice ends, so that the work pauses wherever it can.
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

  defp call(:to_list, map), do: :maps.to_list(map)

  # An array or object of a decode, from its parts in document order: tuples of members, for
  # an object keys and values in turn. For a key given twice the first value wins: the pairs
  # are listed last to first, and :maps.from_list/1 keeps the last of each key.
  defp call(:append, parts), do: parts |> :lists.reverse() |> Enum.reduce([], &prepend/2)
  defp call(:object, parts), do: parts |> Enum.reduce([], &prepend_pairs/2) |> :maps.from_list()

  defp call(:ordered_object, parts) do
    pairs = parts |> :lists.reverse() |> Enum.reduce([], &append_pairs/2)
    %Serdex.OrderedObject{values: pairs}
  end

  defp prepend(tuple, list), do: prepend(tuple, tuple_size(tuple), list)
  defp prepend(_tuple, 0, list), do: list
  defp prepend(tuple, i, list), do: prepend(tuple, i - 1, [elem(tuple, i - 1) | list])

  # Pairs in document order, ahead of `pairs` (the pairs of later parts).
  defp append_pairs(tuple, pairs), do: append_pairs(tuple, tuple_size(tuple), pairs)
  defp append_pairs(_tuple, 0, pairs), do: pairs

  defp append_pairs(tuple, i, pairs),
    do: append_pairs(tuple, i - 2, [{elem(tuple, i - 2), elem(tuple, i - 1)} | pairs])

  defp prepend_pairs(tuple, pairs), do: prepend_pairs(tuple, 0, tuple_size(tuple), pairs)
  defp prepend_pairs(_tuple, size, size, pairs), do: pairs

  defp prepend_pairs(tuple, i, size, pairs),
    do: prepend_pairs(tuple, i + 2, size, [{elem(tuple, i), elem(tuple, i + 1)} | pairs])

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
