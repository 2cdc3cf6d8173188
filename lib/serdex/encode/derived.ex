defmodule Serdex.Encode.Derived do
  @moduledoc false
  # The structs whose Serdex.Encoder is derived, and what their implementation writes: the
  # NIF writes those structs itself, as the implementation would, instead of leaving each
  # one to Elixir. They can be listed once the protocol is consolidated, which makes its
  # implementations known. The list is kept in :persistent_term, and forgotten whenever a
  # derived implementation is loaded, so that one compiled again is read again.

  @key {__MODULE__, :structs}

  @typedoc """
  For each struct, whether its implementation takes the fields with `Map.take/2` (skipping
  missing ones) rather than `Map.fetch!/2`, and the fields in the order they are written.
  """
  @type structs :: %{module() => {boolean(), [atom()]}}

  @doc "The derived structs, or nil while the protocol is not consolidated."
  @spec structs() :: structs() | nil
  def structs do
    case :persistent_term.get(@key, nil) do
      nil -> learn()
      structs -> structs
    end
  end

  @doc "Where the list is kept; a derived implementation erases it when it is loaded."
  @spec key() :: {module(), atom()}
  def key, do: @key

  defp learn do
    if Protocol.consolidated?(Serdex.Encoder) do
      {:consolidated, modules} = Serdex.Encoder.__protocol__(:impls)

      structs =
        for module <- modules,
            impl = Module.concat(Serdex.Encoder, module),
            Code.ensure_loaded?(impl),
            function_exported?(impl, :__serdex_derived__, 0),
            {take?, fields} = impl.__serdex_derived__(),
            Enum.all?(fields, &latin1?/1),
            into: %{},
            do: {module, {take?, fields}}

      :persistent_term.put(@key, structs)
      structs
    end
  end

  # The NIF API of OTP 25 reads the names of Latin-1 atoms only.
  defp latin1?(atom), do: atom |> Atom.to_charlist() |> Enum.all?(&(&1 < 256))
end
