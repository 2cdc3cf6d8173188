defmodule Serdex.EncodeError do
  @moduledoc """
  Raised, or returned in `{:error, error}`, when a term has no JSON form. `term` is the
  offending term (or the duplicated key, with `maps: :strict`).
  """

  @type t :: %__MODULE__{message: String.t(), term: term()}

  defexception [:message, :term]

  @doc false
  def new({code, term}) do
    %__MODULE__{message: describe(code, term), term: term}
  end

  defp describe(:unsupported, term),
    do: "unable to encode #{inspect(term)}: it has no JSON form"

  defp describe(:invalid_utf8, term),
    do: "unable to encode #{inspect(term)}: strings must be valid UTF-8 binaries"

  defp describe(:improper_list, tail),
    do: "unable to encode an improper list ending in #{inspect(tail)}"

  defp describe(:invalid_key, key),
    do: "unable to encode map key #{inspect(key)}: strings must be valid UTF-8 binaries"

  defp describe(:duplicate_key, key),
    do: "duplicate key #{inspect(key)} in a map (maps: :strict)"

  defp describe(:out_of_memory, _),
    do: "unable to encode: out of memory for the output"
end
