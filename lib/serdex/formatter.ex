defmodule Serdex.Formatter do
  @moduledoc ~S"""
  Re-prints JSON text, indented or minified, as `Jason.Formatter` does, validating it on the
  way. Keys keep their order, and numbers and strings keep their exact text, escapes
  included.

      iex> Serdex.Formatter.minimize(~S({ "b" : [1, 2.50, "\u00e9"], "a" : null }))
      ~S({"b":[1,2.50,"\u00e9"],"a":null})

  The input may hold several JSON values one after another ("records", such as one object
  per line). An array or object that follows an earlier one is preceded by the record
  separator; other values are written back to back. Text that is not JSON raises
  `Serdex.DecodeError`, with the position and reason `Serdex.decode/2` gives (Jason leaves
  the result of such input unspecified):

      iex> try do
      ...>   Serdex.Formatter.minimize("[1 2]")
      ...> rescue
      ...>   error in Serdex.DecodeError -> {error.position, error.reason}
      ...> end
      {3, "unexpected character '2', expected ',' or ']'"}

  Indented output can be far longer than its input: every member of a container nested `n`
  deep is preceded by `n` indents. So the output has a limit, `:max_bytes`, and a text that
  would pass it raises `Serdex.DecodeError` as soon as it would, rather than making gigabytes
  of output.
  """

  alias Serdex.{DecodeError, DecodeOptions, NIF}

  @typedoc """
  * `:indent` - one level of indentation (default two spaces)
  * `:line_separator` - starts every member of an array or object and every closing bracket
    after a member (default `"\\n"`)
  * `:record_separator` - goes between records (default: the line separator when pretty
    printing, `"\\n"` when minimizing)
  * `:after_colon` - follows the colon of an object member (default one space)
  * `:max_depth` - how deeply arrays and objects may nest, as in `Serdex.decode/2`
    (default 1024)
  * `:max_bytes` - the longest output allowed, or `:infinity` (default 16 times the input's
    size plus 1 MiB)

  The texts may be any iodata. `minimize/2` uses only `:record_separator` and `:max_depth`.
  """
  @type opts :: [
          indent: iodata(),
          line_separator: iodata(),
          record_separator: iodata(),
          after_colon: iodata(),
          max_depth: pos_integer(),
          max_bytes: pos_integer() | :infinity
        ]

  @keys [:indent, :line_separator, :record_separator, :after_colon, :max_depth, :max_bytes]

  @doc ~S"""
  Indents `input`.

      iex> Serdex.Formatter.pretty_print(~s({"a":[1,{}]}))
      ~s({\n  "a": [\n    1,\n    {}\n  ]\n})

      iex> Serdex.Formatter.pretty_print(~s({"a":1} {"b":2}), indent: "\t", after_colon: "")
      ~s({\n\t"a":1\n}\n{\n\t"b":2\n})
  """
  @spec pretty_print(iodata(), opts()) :: binary()
  def pretty_print(input, opts \\ []), do: run(input, pretty_layout(opts), opts)

  @doc "Like `pretty_print/2`; the result is a binary, which is iodata."
  @spec pretty_print_to_iodata(iodata(), opts()) :: iodata()
  def pretty_print_to_iodata(input, opts \\ []), do: pretty_print(input, opts)

  @doc ~S"""
  Removes all insignificant whitespace from `input`, one record per line.

      iex> Serdex.Formatter.minimize(~s({ "a" : [1, 2] }\n\n[ ]))
      ~s({"a":[1,2]}\n[])
  """
  @spec minimize(iodata(), opts()) :: binary()
  def minimize(input, opts \\ []) do
    check_keys(opts)
    record = opts |> Keyword.get(:record_separator, "\n") |> IO.iodata_to_binary()
    run(input, {"", "", record, ""}, opts)
  end

  @doc "Like `minimize/2`; the result is a binary, which is iodata."
  @spec minimize_to_iodata(iodata(), opts()) :: iodata()
  def minimize_to_iodata(input, opts \\ []), do: minimize(input, opts)

  # {indent, line separator, record separator, after colon}. As in Jason, the record
  # separator defaults to the first line separator given.
  defp pretty_layout(opts) do
    check_keys(opts)

    {indent, line, record, colon} =
      Enum.reduce(opts, {"  ", "\n", nil, " "}, fn
        {:indent, text}, {_, line, record, colon} ->
          {binary(text), line, record, colon}

        {:line_separator, text}, {indent, _, record, colon} ->
          {indent, binary(text), record || binary(text), colon}

        {:record_separator, text}, {indent, line, _, colon} ->
          {indent, line, binary(text), colon}

        {:after_colon, text}, {indent, line, record, _} ->
          {indent, line, record, binary(text)}

        {key, _}, layout when key in [:max_depth, :max_bytes] ->
          layout
      end)

    {indent, line, record || line, colon}
  end

  defp binary(iodata), do: IO.iodata_to_binary(iodata)

  defp check_keys(opts) do
    for {key, _} <- opts, key not in @keys do
      raise ArgumentError,
            "unknown formatter option #{inspect(key)}, expected one of #{inspect(@keys)}"
    end
  end

  defp run(input, {indent, line, record, colon}, opts) do
    input = IO.iodata_to_binary(input)
    max_depth = DecodeOptions.positive!(:max_depth, Keyword.get(opts, :max_depth, 1024))
    nif_options = {indent, line, record, colon, max_depth, max_bytes(opts, input)}

    case NIF.run(NIF.format(input, nif_options), &NIF.format_continue(input, &1, &2)) do
      {:ok, json} when is_binary(json) ->
        json

      # Long output comes in parts; joining them is a built-in that yields.
      {:ok, parts} ->
        IO.iodata_to_binary(parts)

      {:error, {_code, reason, position}} ->
        raise DecodeError, position: position, reason: reason, data: input
    end
  end

  defp max_bytes(opts, input) do
    case Keyword.get(opts, :max_bytes, 16 * byte_size(input) + 1_048_576) do
      :infinity -> 0xFFFF_FFFF_FFFF_FFFF
      limit -> DecodeOptions.positive!(:max_bytes, limit)
    end
  end
end
