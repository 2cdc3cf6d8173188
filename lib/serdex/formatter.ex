defmodule Serdex.Formatter do
  @moduledoc ~S"""
  Re-prints JSON text, indented or minified, validating it on the way. Keys keep their
  order and numbers and strings keep their exact text, escapes included.

      iex> Serdex.Formatter.minimize(~S({ "b" : [1, 2.50, "\u00e9"], "a" : null }))
      {:ok, ~S({"b":[1,2.50,"\u00e9"],"a":null})}

  Text that is not JSON gives the same error as `Serdex.decode/2`:

      iex> {:error, error} = Serdex.Formatter.minimize("[1 2]")
      iex> {error.position, error.reason}
      {3, "unexpected character '2', expected ',' or ']'"}
  """

  alias Serdex.{DecodeError, NIF}

  @doc ~S"""
  Indents `input`. Option `:indent` is the text of one level (default two spaces);
  `:max_depth` bounds nesting as in `Serdex.decode/2`.

      iex> Serdex.Formatter.pretty_print(~s({"b":1,"a":[true,null]}))
      {:ok, "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null\n  ]\n}"}

      iex> Serdex.Formatter.pretty_print("[1]", indent: "\t")
      {:ok, "[\n\t1\n]"}
  """
  @spec pretty_print(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def pretty_print(input, opts \\ []) do
    run(input, Keyword.get(opts, :indent, "  "), opts)
  end

  @doc """
  Removes all insignificant whitespace from `input`. Option `:max_depth` bounds nesting as
  in `Serdex.decode/2`.

      iex> Serdex.Formatter.minimize(~s([ 1, {"a" : true} ]))
      {:ok, ~s([1,{"a":true}])}
  """
  @spec minimize(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def minimize(input, opts \\ []), do: run(input, nil, opts)

  defp run(input, indent, opts) do
    input = IO.iodata_to_binary(input)
    nif_options = {indent && IO.iodata_to_binary(indent), Keyword.get(opts, :max_depth, 1024)}

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
