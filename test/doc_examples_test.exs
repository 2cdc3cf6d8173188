defmodule Serdex.DocExamplesTest do
  # Every `iex>` example in the documentation of these modules runs as a test. A public
  # module whose docs show results gets a line here, and its examples are `iex>` examples.
  # Code that defines modules (a `defimpl`, a `@derive`) stays a plain code block: with
  # consolidated protocols, as outside `:test`, IEx would ignore such an implementation.
  use ExUnit.Case, async: true

  doctest Serdex
  doctest Serdex.Formatter
  doctest Serdex.Encoder
  doctest Serdex.Native
  doctest Serdex.Encode
  doctest Serdex.Fragment
  doctest Serdex.OrderedObject
  doctest Serdex.Helpers
  doctest Serdex.Sigil
end
