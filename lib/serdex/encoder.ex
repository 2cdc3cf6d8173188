defprotocol Serdex.Encoder do
  @moduledoc """
  Encodes structs (and anything the NIF leaves to Elixir) as JSON.

  Plain maps, lists, strings, numbers and atoms are encoded by the NIF without calling this
  protocol. `Date`, `Time`, `NaiveDateTime` and `DateTime` have implementations that write
  ISO 8601 strings:

      iex> Serdex.encode!(%{at: ~U[2024-02-29 12:00:00Z], on: ~D[2024-02-29]})
      ~s({"at":"2024-02-29T12:00:00Z","on":"2024-02-29"})

  Any other struct is encoded through its implementation, which returns iodata:

      defimpl Serdex.Encoder, for: Money do
        def encode(%Money{amount: amount, currency: currency}, opts) do
          Serdex.Encode.to_iodata!(%{amount: to_string(amount), currency: currency}, opts)
        end
      end

  Or derive one that encodes the struct's fields as an object:

      @derive {Serdex.Encoder, only: [:name, :email]}
      defstruct [:name, :email, :password_hash]

  `only:` keeps the listed fields, `except:` drops them; without options every field but
  `:__struct__` is encoded. (Both examples define modules, so they are not `iex>` examples:
  where protocols are consolidated, as in `:dev`, an implementation defined in IEx is
  ignored.)

  A struct without an implementation raises `Protocol.UndefinedError`, as in Jason, so that
  no field is exposed by accident:

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

      iex> Serdex.Encoder.encode(~D[2024-02-29], []) |> IO.iodata_to_binary()
      ~s("2024-02-29")
  """
  @spec encode(t(), Serdex.Encode.options()) :: iodata()
  def encode(value, opts)
end

defimpl Serdex.Encoder, for: Any do
  defmacro __deriving__(module, struct, opts) do
    fields = fields_to_encode(struct, opts)

    quote do
      defimpl Serdex.Encoder, for: unquote(module) do
        def encode(struct, opts) do
          Serdex.Encode.to_iodata!(Map.take(struct, unquote(fields)), opts)
        end
      end
    end
  end

  def encode(value, _opts) do
    raise Protocol.UndefinedError,
      protocol: @protocol,
      value: value,
      description: """
      Serdex.Encoder is not implemented for this struct. Derive it, listing the fields \
      that may appear in JSON:

          @derive {Serdex.Encoder, only: [...]}
          defstruct ...

      or implement the protocol with defimpl Serdex.Encoder.
      """
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
  def encode(atom, opts), do: Serdex.Encode.to_iodata!(Atom.to_string(atom), opts)
end
