defmodule Serdex.Sigil do
  @moduledoc """
  The sigils `~j` and `~J` for JSON text, as in `Jason.Sigil`: `import Serdex.Sigil`.

  Modifiers map to `Serdex.decode/2` options: `a` is `keys: :atoms`, `A` is
  `keys: :atoms!`, `r` is `strings: :reference` and `c` is `strings: :copy`.
  """

  @doc """
  Decodes JSON text; at compile time when it has no interpolation.

      iex> import Serdex.Sigil
      iex> ~j([1, 2, 3])
      [1, 2, 3]
      iex> ~j({"atom": "value"})a
      %{atom: "value"}
      iex> key = "k"
      iex> ~j({"\#{key}": 1})
      %{"k" => 1}
  """
  defmacro sigil_j({:<<>>, _meta, [text]}, modifiers) when is_binary(text) do
    Macro.escape(Serdex.decode!(text, options(modifiers)))
  end

  defmacro sigil_j(term, modifiers) do
    quote do: Serdex.decode!(unquote(term), unquote(options(modifiers)))
  end

  @doc ~S"""
  Decodes JSON text at compile time, without interpolation or escapes.

      iex> import Serdex.Sigil
      iex> ~J({"#{x}": "\u0078"})
      %{"\#{x}" => "x"}
  """
  defmacro sigil_J({:<<>>, _meta, [text]}, modifiers) when is_binary(text) do
    Macro.escape(Serdex.decode!(text, options(modifiers)))
  end

  defp options(modifiers) do
    Enum.map(modifiers, fn
      ?a -> {:keys, :atoms}
      ?A -> {:keys, :atoms!}
      ?r -> {:strings, :reference}
      ?c -> {:strings, :copy}
      other -> raise ArgumentError, "unknown sigil modifier #{inspect(<<other::utf8>>)}"
    end)
  end
end
