defmodule Serdex.Fragment do
  @moduledoc """
  JSON that is already encoded, to be placed into a term as it is: cached parts of a
  response, or JSON built elsewhere (by a database, say). Serdex writes it without decoding
  and encoding it again, and without checking it. A `Jason.Fragment` is written the same way.

      iex> cached = Serdex.Fragment.new(~s({"id":1,"tags":["a"]}))
      iex> Serdex.encode!(%{"user" => cached})
      ~s({"user":{"id":1,"tags":["a"]}})

  A fragment may also be a function of the encoding options, which it can pass on to the
  `Serdex.Encode` functions:

      iex> name = Serdex.Fragment.new(&Serdex.Encode.string("</b>", &1))
      iex> Serdex.encode!([name], escape: :html_safe)
      ~s(["\\\\u003C\\\\/b>"])
  """

  @type t :: %__MODULE__{encode: (Serdex.Encode.opts() -> iodata())}

  defstruct [:encode]

  @doc "A fragment of `iodata`, or of what `function` returns for the encoding options."
  @spec new(iodata() | (Serdex.Encode.opts() -> iodata())) :: t()
  def new(iodata) when is_list(iodata) or is_binary(iodata) do
    %__MODULE__{encode: fn _opts -> iodata end}
  end

  def new(function) when is_function(function, 1), do: %__MODULE__{encode: function}
end

defimpl Serdex.Encoder, for: [Serdex.Fragment, Jason.Fragment] do
  def encode(%{encode: encode}, opts), do: encode.(opts)
end
