defmodule Serdex.DecodeError do
  @moduledoc """
  Raised, or returned in `{:error, error}`, when a JSON text cannot be decoded.

  `position` is the byte offset where the problem was found, `reason` says what it is, and
  `data` is the input. The message shows the text around the position with a caret under it.
  """

  @type t :: %__MODULE__{position: non_neg_integer(), reason: String.t(), data: binary()}

  defexception [:position, :reason, data: ""]

  @context 32

  @impl true
  def message(%__MODULE__{position: position, reason: reason, data: data}) do
    {line, caret} = excerpt(data, position)
    "#{reason} at byte #{position}\n\n    #{line}\n    #{caret}"
  end

  @doc """
  The text around `position` on one line, and a line with a caret under the position.
  Control characters show as spaces and bytes that are not UTF-8 as `?`.
  """
  @spec excerpt(binary(), non_neg_integer()) :: {String.t(), String.t()}
  def excerpt(data, position) do
    start = max(position - @context, 0)
    before = data |> binary_part(start, min(position, byte_size(data)) - start) |> printable()
    rest = binary_part(data, min(position, byte_size(data)), max(byte_size(data) - position, 0))
    after_part = rest |> binary_part(0, min(byte_size(rest), @context)) |> printable()
    {before <> after_part, String.duplicate(" ", String.length(before)) <> "^"}
  end

  defp printable(bytes) do
    for <<char::utf8 <- valid_prefixes(bytes)>>, into: "" do
      if char < 0x20 or char == 0x7F, do: " ", else: <<char::utf8>>
    end
  end

  # Replaces each byte that does not start a valid UTF-8 character with "?".
  defp valid_prefixes(bytes) do
    bytes
    |> String.chunk(:valid)
    |> Enum.map_join(&if(String.valid?(&1), do: &1, else: invalid(&1)))
  end

  defp invalid(bytes), do: String.duplicate("?", byte_size(bytes))
end
