defmodule Serdex.Formatter do
  @moduledoc """
  Re-prints JSON text, indented or minified, validating it on the way. Keys keep their
  order and numbers and strings keep their exact text, escapes included.
  """

  alias Serdex.{DecodeError, NIF}

  @doc """
  Indents `input`. Option `:indent` is the text of one level (default two spaces);
  `:max_depth` bounds nesting as in `Serdex.decode/2`.
  """
  @spec pretty_print(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def pretty_print(input, opts \\ []) do
    run(input, Keyword.get(opts, :indent, "  "), opts)
  end

  @doc "Removes all insignificant whitespace from `input`."
  @spec minimize(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def minimize(input, opts \\ []), do: run(input, nil, opts)

  defp run(input, indent, opts) do
    input = IO.iodata_to_binary(input)
    max_depth = Keyword.get(opts, :max_depth, 1024)

    nif_options =
      if indent,
        do: {IO.iodata_to_binary(indent), "\n", "\n", " ", max_depth},
        else: {"", "", "\n", "", max_depth}

    result =
      if NIF.dirty?(input),
        do: NIF.format_dirty(input, nif_options),
        else: NIF.format(input, nif_options)

    case result do
      {:ok, json} ->
        {:ok, json}

      {:error, {_code, reason, position}} ->
        {:error, %DecodeError{position: position, reason: reason, data: input}}
    end
  end
end
