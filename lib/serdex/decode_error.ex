defmodule Serdex.DecodeError do
  @moduledoc """
  Raised, or returned in `{:error, error}`, when a JSON text cannot be decoded.

  `position` is the byte offset where the problem was found, `reason` says what it is, and
  `data` is the input. As in Jason, `token` is the text of the number or `\\u` escape that
  is wrong when that is the problem (`nil` otherwise). The message shows the text around the
  position with a caret under it.
  """

  @type t :: %__MODULE__{
          position: non_neg_integer(),
          reason: String.t(),
          token: binary() | nil,
          data: binary()
        }

  defexception [:position, :reason, :token, data: ""]

  @doc false
  # `code` says what kind of text the error is about (see the NIF's parse_error).
  @spec new(atom(), String.t(), non_neg_integer(), binary()) :: t()
  def new(code, reason, position, data) do
    %__MODULE__{
      position: position,
      reason: reason,
      token: token(code, position, data),
      data: data
    }
  end

  defp token(:number, position, data) do
    [token | _] = Regex.run(~r/\A-?[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]*)?/, rest(data, position))
    token
  end

  # A \u escape, with the one after it when it starts a surrogate pair, as Jason has it.
  defp token(:escape, position, data) do
    rest = rest(data, position)

    length =
      case rest do
        <<"\\u", d, hex, _::binary>> when d in [?d, ?D] and hex in ~c"89abAB" -> 12
        _ -> 6
      end

    binary_part(rest, 0, min(length, byte_size(rest)))
  end

  defp token(_code, _position, _data), do: nil

  defp rest(data, position), do: binary_part(data, position, byte_size(data) - position)

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
