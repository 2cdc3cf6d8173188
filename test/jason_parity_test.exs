defmodule Serdex.JasonParityTest do
  # Replays every case Jason 1.4.5 recorded in ../shared/data/jason-parity (encode, decode,
  # pretty_print and minimize, results and errors) against the same Serdex call: encoded
  # bytes must be identical (key order aside where it depends on the VM), decoded terms equal
  # (-0.0 told from 0.0, ordered objects by their pairs, Decimals by their fields), and
  # errors of the same kind, returned or raised as Jason did. Messages may differ. It takes a
  # few seconds of CPU, so it runs alone rather than beside the time-boxed fuzz tests.
  use ExUnit.Case, async: false

  alias Serdex.JasonParity

  # Where Serdex differs from Jason on purpose. Each entry: the cases (id prefix), why, and
  # what Serdex does instead. The README's "Switching from Jason" lists the same.
  defp accepted_difference("encode/errors/improper_list" <> _) do
    {"Jason crashes with a FunctionClauseError on an improper list; Serdex gives an " <>
       "EncodeError that names the tail (returned by encode/2, raised by the others)",
     fn
       {:returned, {:error, %Serdex.EncodeError{}}} -> true
       {:raised, %Serdex.EncodeError{}} -> true
       _ -> false
     end}
  end

  defp accepted_difference("minimize/errors/unknown_option") do
    {"Jason's minimize/2 ignores options it does not know; Serdex raises ArgumentError " <>
       "for any option it does not know, so that none is silently ignored",
     &match?({:raised, %ArgumentError{}}, &1)}
  end

  defp accepted_difference(_id), do: nil

  if JasonParity.available?() do
    @groups JasonParity.cases()
            |> Enum.group_by(&(&1["id"] |> String.split("/") |> Enum.take(2) |> Enum.join("/")))

    test "all 1,173 recorded cases are here" do
      assert @groups |> Map.values() |> Enum.map(&length/1) |> Enum.sum() == 1173
    end

    # One test per group of cases (such as encode/floats), which lists every case that differs.
    for {group, cases} <- @groups do
      @cases cases
      test "#{group} (#{length(cases)} cases)" do
        assert Enum.flat_map(@cases, &difference/1) == []
      end
    end

    defp difference(parity_case) do
      id = parity_case["id"]

      case {accepted_difference(id), JasonParity.replay(parity_case)} do
        {nil, :same} ->
          []

        {nil, {:differs, outcome}} ->
          [{id, outcome}]

        {{reason, _serdex_does?}, :same} ->
          [{id, "now the same as Jason: remove the accepted difference (#{reason})"}]

        {{reason, serdex_does?}, {:differs, outcome}} ->
          if serdex_does?.(outcome), do: [], else: [{id, reason, outcome}]
      end
    end
  else
    # As the other tests of ../shared data: skipped, with the reason, where it is absent (the
    # Nix sandbox); .ci/run has it beside the repository.
    @tag skip: "Jason parity data not found at #{JasonParity.root()}"
    test "Jason parity", do: :ok
  end
end
