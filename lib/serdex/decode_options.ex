defmodule Serdex.DecodeOptions do
  @moduledoc false
  # The options of Serdex.decode/2, checked: every one Jason has, plus the two limits.

  @type t :: %{
          keys: :strings | :atoms | :atoms! | (String.t() -> term()),
          strings: :reference | :copy,
          floats: :native | :decimals,
          objects: :maps | :ordered_objects,
          max_depth: pos_integer(),
          max_integer_digits: pos_integer()
        }

  @defaults %{
    keys: :strings,
    strings: :reference,
    floats: :native,
    objects: :maps,
    max_depth: 1024,
    max_integer_digits: 1024
  }

  @choices %{
    strings: [:reference, :copy],
    floats: [:native, :decimals],
    objects: [:maps, :ordered_objects]
  }

  @spec new!(keyword()) :: t()
  def new!(opts) when is_list(opts) do
    Enum.reduce(opts, @defaults, fn {key, value}, options ->
      Map.put(options, key, check!(key, value))
    end)
  end

  defp check!(:keys, keys) when keys in [:strings, :atoms, :atoms!] or is_function(keys, 1),
    do: keys

  defp check!(:keys, other) do
    raise ArgumentError,
          "invalid :keys option #{inspect(other)}, expected :strings, :atoms, :atoms! or a function"
  end

  defp check!(key, value) when key in [:max_depth, :max_integer_digits],
    do: positive!(key, value)

  defp check!(key, value) when is_map_key(@choices, key) do
    choices = Map.fetch!(@choices, key)

    if value in choices,
      do: value,
      else:
        raise(
          ArgumentError,
          "invalid #{inspect(key)} option #{inspect(value)}, expected one of #{inspect(choices)}"
        )
  end

  defp check!(key, _value) do
    raise ArgumentError,
          "unknown decode option #{inspect(key)}, expected one of #{inspect(Map.keys(@defaults))}"
  end

  @doc false
  # A bound given as an option: a positive integer that fits the NIF's word.
  @spec positive!(atom(), term()) :: pos_integer()
  def positive!(_key, value)
      when is_integer(value) and value > 0 and value < 0x1_0000_0000_0000_0000,
      do: value

  def positive!(key, value) do
    raise ArgumentError,
          "invalid #{inspect(key)} option #{inspect(value)}, expected a positive integer below 2^64"
  end
end
