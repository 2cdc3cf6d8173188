defmodule Serdex.JasonParity do
  @moduledoc false
  # Replays the outputs Jason 1.4.5 recorded in ../shared/data/jason-parity (see its README)
  # against the equivalent Serdex calls.

  @root Path.expand("../../../shared/data/jason-parity", __DIR__)

  def root, do: @root

  def available?, do: File.exists?(Path.join(@root, "manifest.json"))

  def cases do
    @root |> Path.join("manifest.json") |> File.read!() |> Serdex.decode!()
  end

  @doc "Runs one case; `:same` or `{:differs, what}`."
  def replay(%{"kind" => kind, "call" => call} = parity_case) do
    input = read("inputs", parity_case["input"])
    opts = read("options", parity_case["options"])
    expected = read("expected", parity_case["expected"])
    actual = outcome(fn -> call(call, input, opts) end)
    compare(kind, call, parity_case, expected, actual)
  end

  defp call("Jason.encode_to_iodata!/2", input, opts),
    do: IO.iodata_to_binary(Serdex.encode_to_iodata!(input, opts))

  defp call("Jason.encode/2", input, opts), do: Serdex.encode(input, opts)
  defp call("Jason.encode!/2", input, opts), do: Serdex.encode!(input, opts)
  defp call("Jason.decode/2", input, opts), do: Serdex.decode(input, opts)

  defp call("Jason.Formatter.pretty_print/2", input, opts),
    do: Serdex.Formatter.pretty_print(input, opts)

  defp call("Jason.Formatter.minimize/2", input, opts), do: Serdex.Formatter.minimize(input, opts)

  defp outcome(fun) do
    {:returned, fun.()}
  rescue
    exception -> {:raised, exception}
  end

  defp read(folder, name) do
    bin = File.read!(Path.join([@root, folder, name]))
    bin = if String.ends_with?(name, ".gz"), do: :zlib.gunzip(bin), else: bin
    if String.ends_with?(name, [".etf", ".etf.gz"]), do: :erlang.binary_to_term(bin), else: bin
  end

  # Successful results.

  defp compare("decode", _call, _case, expected, {:returned, {:ok, term}}) do
    same(exact(normalize(term)) == exact(normalize(expected)), term)
  end

  defp compare(_kind, call, %{"result" => "ok"} = parity_case, expected, actual)
       when call != "Jason.decode/2" do
    case {call, actual} do
      {"Jason.encode/2", {:returned, {:ok, json}}} -> same_json(parity_case, expected, json)
      {"Jason.encode/2", other} -> {:differs, other}
      {_call, {:returned, json}} when is_binary(json) -> same_json(parity_case, expected, json)
      {_call, other} -> {:differs, other}
    end
  end

  # Errors: the same kind, and returned or raised as Jason did.

  defp compare(_kind, _call, %{"result" => "error", "raises" => raises}, expected, actual) do
    expected_kind = expected_kind(expected)

    case actual do
      {:raised, exception} when raises ->
        same(same_kind?(kind(exception), expected_kind), {:raised, exception})

      {:returned, {:error, exception}} when not raises ->
        same(same_kind?(kind(exception), expected_kind), {:returned, exception})

      other ->
        {:differs, other}
    end
  end

  defp compare(_kind, _call, _case, _expected, actual), do: {:differs, actual}

  defp same(true, _actual), do: :same
  defp same(false, actual), do: {:differs, actual}

  defp same_json(%{"map_order" => "vm_state"}, expected, json) do
    same(
      byte_size(json) == byte_size(expected) and unordered(json) == unordered(expected),
      json
    )
  end

  defp same_json(_case, expected, json), do: same(json == expected, json)

  # Keys of a map of more than 32 atom keys come out in atom-table order, which differs
  # between VMs, so such outputs are compared with every object's pairs sorted.
  defp unordered(json) do
    json |> Serdex.decode!(objects: :ordered_objects) |> sort_objects()
  end

  defp sort_objects(%Serdex.OrderedObject{values: values}),
    do: values |> Enum.map(fn {key, value} -> {key, sort_objects(value)} end) |> Enum.sort()

  defp sort_objects(list) when is_list(list), do: Enum.map(list, &sort_objects/1)
  defp sort_objects(other), do: other

  defp expected_kind({:error, Jason.DecodeError, _message, _position}), do: :decode
  defp expected_kind({:error, Jason.EncodeError, _message}), do: :encode

  defp expected_kind({:error, Protocol.UndefinedError, message}) do
    case message do
      "protocol Jason.Encoder " <> _ -> {:protocol, Serdex.Encoder}
      "protocol String.Chars " <> _ -> {:protocol, String.Chars}
    end
  end

  defp expected_kind({:error, module, _message}), do: {:raised, module}

  defp kind(%Serdex.DecodeError{}), do: :decode
  defp kind(%Serdex.EncodeError{}), do: :encode
  defp kind(%Protocol.UndefinedError{protocol: protocol}), do: {:protocol, protocol}
  defp kind(%module{}), do: {:raised, module}

  # Any other exception must be the same, except that where Jason's code happens to hit a
  # CaseClauseError or FunctionClauseError on a bad option, Serdex raises ArgumentError.
  defp same_kind?({:raised, ArgumentError}, {:raised, module})
       when module in [CaseClauseError, FunctionClauseError, ArgumentError],
       do: true

  defp same_kind?(ours, expected), do: ours == expected

  # Decoded terms are compared in the external term format, which tells -0.0 from 0.0 and
  # writes maps in a fixed order; Decimals are plain maps on both sides, so their fields are
  # compared. Ordered objects are compared by their pairs.
  defp exact(term), do: :erlang.term_to_binary(term, [:deterministic])

  defp normalize(%{__struct__: module, values: values})
       when module in [Jason.OrderedObject, Serdex.OrderedObject],
       do: {:ordered_object, Enum.map(values, fn {key, value} -> {key, normalize(value)} end)}

  defp normalize(%{} = map) when not is_map_key(map, :__struct__),
    do: :maps.map(fn _key, value -> normalize(value) end, map)

  defp normalize(list) when is_list(list), do: Enum.map(list, &normalize/1)
  defp normalize(other), do: other
end
