defmodule Serdex.OrderedObject do
  @moduledoc """
  A JSON object that keeps its keys in order, and keeps repeated keys: what
  `Serdex.decode/2` returns for objects with `objects: :ordered_objects`, and what
  `Serdex.encode/2` writes in the order of its pairs. A `Jason.OrderedObject` is written the
  same way.

      iex> object = Serdex.decode!(~s({"b": 1, "a": 2}), objects: :ordered_objects)
      iex> object["a"]
      2
      iex> Serdex.encode!(object)
      ~s({"b":1,"a":2})

  It implements `Access` (the first pair with a key wins) and `Enumerable` (over its pairs).
  """

  @behaviour Access

  @type t :: %__MODULE__{values: [{String.Chars.t(), term()}]}

  defstruct values: []

  @doc """
  An ordered object of `pairs`.

      iex> [a: 1, c: 3, b: 2] |> Serdex.OrderedObject.new() |> Serdex.encode!()
      ~s({"a":1,"c":3,"b":2})
  """
  @spec new([{String.Chars.t(), term()}]) :: t()
  def new(pairs) when is_list(pairs), do: %__MODULE__{values: pairs}

  @impl Access
  def fetch(%__MODULE__{values: pairs}, key) do
    case List.keyfind(pairs, key, 0) do
      {_key, value} -> {:ok, value}
      nil -> :error
    end
  end

  @impl Access
  def get_and_update(%__MODULE__{values: pairs} = object, key, function) do
    {got, pairs} = get_and_update_pairs(pairs, key, function)
    {got, %{object | values: pairs}}
  end

  @impl Access
  def pop(%__MODULE__{values: pairs} = object, key, default \\ nil) do
    case List.keyfind(pairs, key, 0) do
      {_key, value} ->
        {value, %{object | values: for({k, _} = pair <- pairs, k !== key, do: pair)}}

      nil ->
        {default, object}
    end
  end

  # Updates the first pair with `key` in place, or appends one.
  defp get_and_update_pairs([{key, current} | rest], key, function) do
    case function.(current) do
      {got, value} ->
        {got, [{key, value} | rest]}

      :pop ->
        {current, rest}

      other ->
        raise ArgumentError,
              "the function must return {get, update} or :pop, got: #{inspect(other)}"
    end
  end

  defp get_and_update_pairs([pair | rest], key, function) do
    {got, rest} = get_and_update_pairs(rest, key, function)
    {got, [pair | rest]}
  end

  defp get_and_update_pairs([], key, function) do
    case function.(nil) do
      {got, value} ->
        {got, [{key, value}]}

      :pop ->
        {nil, []}

      other ->
        raise ArgumentError,
              "the function must return {get, update} or :pop, got: #{inspect(other)}"
    end
  end
end

defimpl Enumerable, for: Serdex.OrderedObject do
  def count(%{values: pairs}), do: {:ok, length(pairs)}
  def member?(%{values: pairs}, element), do: {:ok, element in pairs}
  def slice(%{values: pairs}), do: {:ok, length(pairs), &Enum.slice(pairs, &1, &2)}
  def reduce(%{values: pairs}, acc, function), do: Enumerable.List.reduce(pairs, acc, function)
end

defimpl Serdex.Encoder, for: [Serdex.OrderedObject, Jason.OrderedObject] do
  def encode(%{values: pairs}, opts), do: Serdex.Encode.keyword(pairs, opts)
end
