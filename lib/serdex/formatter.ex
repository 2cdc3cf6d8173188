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

  Indented output can be much longer than its input: every member of a container nested
  `n` deep is preceded by `n` indents. So the output has a limit, `:max_bytes`, and a text
  that would pass it is an error rather than gigabytes of output.
  """

  alias Serdex.{DecodeError, NIF}

  @doc ~S"""
  Indents `input`.

  Options:

    * `:indent` - the text of one level, made of JSON whitespace (default two spaces)
    * `:max_depth` - bounds nesting as in `Serdex.decode/2` (default 1024)
    * `:max_bytes` - the longest output allowed, or `:infinity` (default 16 times the
      input's size plus 1 MiB); a longer output is a `Serdex.DecodeError`

      iex> Serdex.Formatter.pretty_print(~s({"b":1,"a":[true,null]}))
      {:ok, "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null\n  ]\n}"}

      iex> Serdex.Formatter.pretty_print("[1]", indent: "\t")
      {:ok, "[\n\t1\n]"}
  """
  @spec pretty_print(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def pretty_print(input, opts \\ []) do
    run(input, indent(opts), opts)
  end

  @doc """
  Removes all insignificant whitespace from `input`. Takes `:max_depth` and `:max_bytes`.

      iex> Serdex.Formatter.minimize(~s([ 1, {"a" : true} ]))
      {:ok, ~s([1,{"a":true}])}
  """
  @spec minimize(iodata(), keyword()) :: {:ok, binary()} | {:error, DecodeError.t()}
  def minimize(input, opts \\ []), do: run(input, nil, opts)

  defp run(input, indent, opts) do
    input = IO.iodata_to_binary(input)
    max_depth = Serdex.limit(opts, :max_depth, 1024)
    nif_options = {indent, max_depth, max_bytes(opts, input)}

    case NIF.run(NIF.format(input, nif_options), &NIF.format_continue(input, &1, &2)) do
      {:ok, json} when is_binary(json) ->
        {:ok, json}

      # Long output comes in parts; joining them is a built-in that yields.
      {:ok, parts} ->
        {:ok, IO.iodata_to_binary(parts)}

      {:error, {_code, reason, position}} ->
        {:error, %DecodeError{position: position, reason: reason, data: input}}
    end
  end

  defp indent(opts) do
    indent = Keyword.get(opts, :indent, "  ")
    text = if is_binary(indent) or is_list(indent), do: IO.iodata_to_binary(indent)

    unless is_binary(text) and text =~ ~r/\A[ \t\r\n]*\z/ do
      raise ArgumentError,
            "invalid :indent option #{inspect(indent)}, expected a string of spaces, tabs and line breaks"
    end

    text
  end

  defp max_bytes(opts, input) do
    case Keyword.get(opts, :max_bytes, 16 * byte_size(input) + 1_048_576) do
      :infinity -> 0xFFFF_FFFF_FFFF_FFFF
      limit -> Serdex.limit([max_bytes: limit], :max_bytes, nil)
    end
  end
end
