defmodule MyApp.NIF do
  use MyApp.Native, crate: "my_nif"

  def add(_a, _b), do: :erlang.nif_error(:nif_not_loaded)
end
