defprotocol Serdex.Encoder do
  @moduledoc """
  Encodes structs (and anything the NIF leaves to Elixir) as JSON.

  Plain maps, lists, strings, numbers and atoms are encoded by the NIF without calling this
  protocol. `Date`, `Time`, `NaiveDateTime` and `DateTime` have implementations that write
  ISO 8601 strings, and `Decimal` one that writes its plain digits, as Jason does:

      iex> Serdex.encode!(%{at: ~U[2024-02-29 12:00:00Z], on: ~D[2024-02-29]})
      ~s({"at":"2024-02-29T12:00:00Z","on":"2024-02-29"})

  Any other struct is encoded through its implementation, which returns iodata, built with
  the `Serdex.Encode` functions and the options it was given:

      defimpl Serdex.Encoder, for: Money do
        def encode(%Money{amount: amount, currency: currency}, opts) do
          Serdex.Encode.map(%{amount: to_string(amount), currency: currency}, opts)
        end
      end

  Or derive one that encodes the struct's fields as an object:

      @derive {Serdex.Encoder, only: [:name, :email]}
      defstruct [:name, :email, :password_hash]

  `only:` keeps the listed fields, in that order; `except:` drops them; without options every
  field but `:__struct__` is encoded. These are the options of `Jason.Encoder`'s `@derive`,
  with the same output. (Both examples define modules, so they are not `iex>` examples:
  where protocols are consolidated, as in `:dev`, an implementation defined in IEx is
  ignored.)

  Serdex also implements the protocol for `Serdex.Fragment`, `Serdex.OrderedObject`,
  `Jason.Fragment` and `Jason.OrderedObject` (neither Decimal nor Jason is needed). A struct
  with no implementation is encoded through its `Jason.Encoder` implementation when Jason is
  loaded and it has one (see `Serdex.JasonBridge`); otherwise it raises
  `Protocol.UndefinedError`, as in Jason, so that no field is exposed by accident:

      iex> try do
      ...>   Serdex.encode!(%URI{host: "example.com"})
      ...> rescue
      ...>   error in Protocol.UndefinedError -> error.protocol
      ...> end
      Serdex.Encoder
  """

  @fallback_to_any true

  @doc """
  Returns `value` as JSON iodata, honouring the encoding options in `opts`.

      iex> opts = Serdex.Encode.options([])
      iex> Serdex.Encoder.encode(~D[2024-02-29], opts) |> IO.iodata_to_binary()
      ~s("2024-02-29")
  """
  @spec encode(t(), Serdex.Encode.opts()) :: iodata()
  def encode(value, opts)
end

defimpl Serdex.Encoder, for: Any do
  defmacro __deriving__(module, struct, opts) do
    fields = fields_to_encode(struct, opts)

    # Up to 32 fields in their sorted order are the order a map iterates in, and the NIF
    # encodes the map. Any other order is kept by encoding the fields as pairs.
    take? = length(fields) <= 32 and fields == Enum.sort(fields)

    body =
      if take? do
        quote do: Serdex.Encode.map(Map.take(struct, unquote(fields)), opts)
      else
        quote do
          Serdex.Encode.keyword(Enum.map(unquote(fields), &{&1, Map.fetch!(struct, &1)}), opts)
        end
      end

    quote do
      defimpl Serdex.Encoder, for: unquote(module) do
        @on_load :__serdex_loaded__

        @doc false
        # How the NIF writes what `encode/2` writes (see Serdex.Encode.Derived).
        def __serdex_derived__, do: {unquote(take?), unquote(fields)}

        @doc false
        # Only a BIF here: in embedded mode no other module may be loaded yet.
        def __serdex_loaded__ do
          _ = :persistent_term.erase(unquote(Serdex.Encode.Derived.key()))
          :ok
        end

        def encode(struct, opts), do: unquote(body)
      end
    end
  end

  def encode(value, opts) do
    case Serdex.JasonBridge.encode(value, opts) do
      {:ok, iodata} ->
        iodata

      :error ->
        raise Protocol.UndefinedError,
          protocol: @protocol,
          value: value,
          description: description(value)
    end
  end

  defp description(%_{}) do
    """
    Serdex.Encoder is not implemented for this struct. Derive it, listing the fields \
    that may appear in JSON:

        @derive {Serdex.Encoder, only: [...]}
        defstruct ...

    or implement the protocol with defimpl Serdex.Encoder.
    """
  end

  defp description(_value) do
    "this term has no JSON form (a tuple, pid, reference, port, function or a bitstring " <>
      "that is not a binary), and Serdex.Encoder is not implemented for its type"
  end

  defp fields_to_encode(struct, opts) do
    fields = Map.keys(struct) -- [:__struct__]

    cond do
      only = Keyword.get(opts, :only) ->
        case only -- fields do
          [] -> only
          unknown -> raise ArgumentError, "unknown struct fields #{inspect(unknown)} in :only"
        end

      except = Keyword.get(opts, :except) ->
        case except -- fields do
          [] -> fields -- except
          unknown -> raise ArgumentError, "unknown struct fields #{inspect(unknown)} in :except"
        end

      true ->
        fields
    end
  end
end

for calendar_type <- [Date, Time, NaiveDateTime, DateTime] do
  defimpl Serdex.Encoder, for: calendar_type do
    def encode(value, _opts), do: [?", @for.to_iso8601(value), ?"]
  end
end

defimpl Serdex.Encoder, for: Atom do
  # Reached only for atoms whose names the NIF API cannot read (beyond Latin-1).
  def encode(atom, opts), do: Serdex.Encode.atom(atom, opts)
end
