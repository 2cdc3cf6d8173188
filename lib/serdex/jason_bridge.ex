defmodule Serdex.JasonBridge do
  @moduledoc """
  Encodes structs that implement `Jason.Encoder` but not `Serdex.Encoder`.

  Apps switching from Jason keep their `@derive Jason.Encoder` and `defimpl Jason.Encoder`
  (Ecto schemas, `Phoenix.LiveView.JS`, ...). When Jason is loaded and a struct has a
  `Jason.Encoder` implementation but no `Serdex.Encoder` one, Serdex calls that
  implementation with options of Jason's shape that carry the same escape and map modes, so
  the output is what Jason would write. Inside it, Jason's own code encodes the fields, and
  maps and strings come back to Serdex through those options.

  Serdex does not depend on Jason: without it loaded, such a struct raises
  `Protocol.UndefinedError` like any other struct without an implementation.
  """

  @doc """
  Encodes `value` through its `Jason.Encoder` implementation, if it is a struct that has
  one; `:error` otherwise.

  The protocol is read from the `:serdex` application environment key `:jason_encoder`
  (default `Jason.Encoder`), so that tests can stand in a protocol of their own.
  """
  @spec encode(term(), Serdex.Encode.opts()) :: {:ok, iodata()} | :error
  def encode(%_{} = value, opts) do
    protocol = Application.get_env(:serdex, :jason_encoder, Jason.Encoder)

    fallback = Module.concat(protocol, Any)

    with true <- Code.ensure_loaded?(protocol),
         impl when impl not in [nil, fallback] <- protocol.impl_for(value) do
      {:ok, impl.encode(value, opts)}
    else
      _ -> :error
    end
  end

  def encode(_value, _opts), do: :error
end
