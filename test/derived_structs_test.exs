defmodule Serdex.DerivedStructsTest do
  # Structs with a derived Serdex.Encoder are written by the NIF, without a call back to
  # Elixir each, once Serdex.Encode.Derived lists them, which it does when the protocol is
  # consolidated (as in :dev and :prod). The tests run with the protocol not consolidated,
  # so here the list is put in place by hand: the NIF must write exactly what the derived
  # implementations write, under every option, and pause and carry on inside a struct.
  use ExUnit.Case, async: false

  alias Serdex.NIF

  defmodule Plain do
    @derive Serdex.Encoder
    defstruct [:id, :name, :tags, :at, :inner]
  end

  defmodule Ordered do
    @derive {Serdex.Encoder, only: [:zeta, :alpha]}
    defstruct [:alpha, :zeta, :hidden]
  end

  defmodule Except do
    @derive {Serdex.Encoder, except: [:secret]}
    defstruct [:b, :secret, :a]
  end

  defmodule Wide do
    @derive Serdex.Encoder
    defstruct Enum.map(1..40, &{:"f#{&1}", &1})
  end

  defmodule Odd do
    @derive Serdex.Encoder
    defstruct [:"with space", :é, :"</script>", :"a\"b"]
  end

  defmodule Custom do
    defstruct [:x]

    defimpl Serdex.Encoder do
      def encode(%{x: x}, opts), do: Serdex.Encode.keyword([custom: x], opts)
    end
  end

  @key {Serdex.Encode.Derived, :structs}

  setup do
    derived =
      Map.new([Plain, Ordered, Except, Wide, Odd], fn module ->
        {module, Module.concat(Serdex.Encoder, module).__serdex_derived__()}
      end)

    on_exit(fn -> :persistent_term.erase(@key) end)
    {:ok, derived: derived}
  end

  defp by_elixir_and_by_nif(derived, fun) do
    :persistent_term.erase(@key)
    by_elixir = fun.()
    :persistent_term.put(@key, derived)
    by_nif = fun.()
    :persistent_term.erase(@key)
    {by_elixir, by_nif}
  end

  defp terms do
    inner = %Plain{id: 2, name: "in\"ner", tags: [], at: ~D[2024-02-29], inner: nil}

    [
      %Plain{id: 1, name: "Ada", tags: ["a", :b, 1.5], at: ~D[2024-02-29], inner: inner},
      %Ordered{alpha: 1, zeta: %{"k" => [%Ordered{alpha: [], zeta: nil}]}, hidden: 3},
      %Except{a: "é\u2028", secret: "x", b: %Custom{x: %Except{a: 1, b: 2}}},
      %Wide{f3: %Plain{}},
      struct(Odd, [{:"with space", 1}, {:é, 2}, {:"</script>", 3}, {:"a\"b", 4}]),
      %{list: List.duplicate(inner, 50), map: %{"k" => inner}}
    ]
  end

  test "the NIF writes derived structs exactly as their implementations do", %{derived: derived} do
    for term <- terms(),
        escape <- [:json, :unicode_safe, :javascript_safe, :html_safe],
        maps <- [:naive, :strict] do
      opts = [escape: escape, maps: maps]
      {by_elixir, by_nif} = by_elixir_and_by_nif(derived, fn -> Serdex.encode(term, opts) end)
      assert by_nif == by_elixir, "#{inspect(term)} #{inspect(opts)}"
    end
  end

  test "a derived struct is written by the NIF, with no call back to Elixir", %{derived: derived} do
    term = %Plain{id: 1, name: "Ada", tags: ["a"], inner: %Ordered{alpha: 1, zeta: 2}}
    assert {:ok, json} = NIF.run(NIF.encode(term, {:json, false, nil, derived}), & &1)
    assert json == Serdex.encode!(term)
  end

  test "fields a struct lacks: left out as Map.take/2 does, or KeyError as Map.fetch!/2 raises",
       %{derived: derived} do
    lacking = %{__struct__: Plain, id: 1, tags: [2]}
    {by_elixir, by_nif} = by_elixir_and_by_nif(derived, fn -> Serdex.encode([lacking]) end)
    assert by_nif == by_elixir
    assert by_nif == {:ok, ~s([{"id":1,"tags":[2]}])}

    fetching = %{__struct__: Ordered, zeta: 1}
    :persistent_term.put(@key, derived)
    assert_raise KeyError, fn -> Serdex.encode([fetching]) end
  end

  test "an encode paused at every step carries on inside structs", %{derived: derived} do
    term = terms()

    for looks <- [0, 1, 5] do
      options = {:json, false, looks, derived}

      case NIF.run(NIF.encode(term, options), &NIF.encode_continue(term, &1, &2)) do
        {:ok, pieces} ->
          # The structs with implementations of their own are left to Elixir.
          pieces = Enum.map(pieces, &if(is_binary(&1), do: &1, else: Serdex.encode!(&1)))
          assert IO.iodata_to_binary(pieces) == Serdex.encode!(term)
      end
    end
  end

  test "once the protocol is consolidated, the derived structs are learned from it" do
    impls = Protocol.extract_impls(Serdex.Encoder, :code.get_path())
    {:ok, consolidated} = Protocol.consolidate(Serdex.Encoder, Enum.uniq([Plain, Custom | impls]))
    unconsolidated = :code.which(Serdex.Encoder)

    try do
      :code.purge(Serdex.Encoder)
      {:module, _} = :code.load_binary(Serdex.Encoder, unconsolidated, consolidated)
      :persistent_term.erase(@key)

      structs = Serdex.Encode.Derived.structs()
      assert structs[Plain] == {true, [:at, :id, :inner, :name, :tags]}
      refute Map.has_key?(structs, Custom)
      assert :persistent_term.get(@key) == structs

      plain = %Plain{id: 1, inner: %Custom{x: 2}}

      assert Serdex.encode!(plain) ==
               ~s({"at":null,"id":1,"inner":{"custom":2},"name":null,"tags":null})
    after
      :code.purge(Serdex.Encoder)
      {:module, _} = :code.load_file(Serdex.Encoder)
      :persistent_term.erase(@key)
    end

    assert Serdex.Encode.Derived.structs() == nil
  end
end
