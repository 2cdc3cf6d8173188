defmodule Serdex.DecimalFormat do
  @moduledoc false
  # A %Decimal{} written as Jason writes it, Decimal.to_string(decimal, :normal) in quotes,
  # read from its fields so that the Decimal library is not needed.

  alias Serdex.EncodeError

  # The plain form of 1e1000000000 has a billion digits; past this many, encoding fails
  # rather than stall the VM building it.
  @max_length 1_000_000

  @spec to_json(map()) :: iodata()
  def to_json(%{sign: sign, coef: coef, exp: exp} = decimal) do
    [?", sign(sign), digits(coef, exp, decimal), ?"]
  end

  defp sign(-1), do: "-"
  defp sign(1), do: ""

  defp digits(:NaN, _exp, _decimal), do: "NaN"
  defp digits(:inf, _exp, _decimal), do: "Infinity"

  defp digits(coef, exp, decimal) when is_integer(coef) and coef >= 0 and is_integer(exp) do
    digits = Integer.to_string(coef)
    length = byte_size(digits)

    if length + abs(exp) > @max_length do
      raise EncodeError,
        message:
          "unable to encode #{inspect(decimal)}: its plain form has over #{@max_length} digits",
        term: decimal
    end

    cond do
      exp >= 0 ->
        [digits, :binary.copy("0", exp)]

      length + exp > 0 ->
        [binary_part(digits, 0, length + exp), ?., binary_part(digits, length + exp, -exp)]

      true ->
        ["0.", :binary.copy("0", -(length + exp)), digits]
    end
  end
end

defimpl Serdex.Encoder, for: Decimal do
  def encode(decimal, _opts), do: Serdex.DecimalFormat.to_json(decimal)
end
