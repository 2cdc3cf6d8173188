defmodule Serdex.NifBoundaryFuzzTest do
  # A property loop across the NIF boundary (issue 6): random bytes and random nested terms
  # go through decode, encode and the formatter. Every call must return a result or an
  # error struct, and whatever encodes must decode back to the same value. The seed is
  # fixed, so a failure reproduces; SERDEX_FUZZ_SEED and SERDEX_FUZZ_SECONDS change the run.
  use ExUnit.Case, async: true

  alias Serdex.{DecodeError, EncodeError}

  @moduletag :slow
  @moduletag timeout: 120_000

  @seed String.to_integer(System.get_env("SERDEX_FUZZ_SEED", "20250606"))
  @seconds String.to_integer(System.get_env("SERDEX_FUZZ_SECONDS", "8"))
  @max_iterations 200_000

  defp run_for(seconds, fun) do
    deadline = System.monotonic_time(:millisecond) + seconds * 1000

    Enum.reduce_while(1..@max_iterations, 0, fn i, _ ->
      fun.(i)

      if System.monotonic_time(:millisecond) < deadline,
        do: {:cont, i},
        else: {:halt, i}
    end)
  end

  describe "random bytes" do
    test "decode and the formatter return a result or a DecodeError" do
      :rand.seed(:exsss, {@seed, 1, 1})

      iterations =
        run_for(@seconds, fn _ ->
          input = random_input()
          check_decode(input, [])
          check_decode(input, keys: :atoms!, max_depth: 8, max_integer_digits: 30)
        end)

      assert iterations > 100
    end
  end

  describe "random terms" do
    test "encode returns JSON that decodes to the same value, or Jason's kind of error" do
      :rand.seed(:exsss, {@seed, 2, 2})

      iterations =
        run_for(@seconds, fn _ ->
          term = random_term(:rand.uniform(6))
          opts = Enum.take_random([escape: random_escape(), maps: :strict, pretty: true], 2)
          check_encode(term, opts)
        end)

      assert iterations > 100
    end
  end

  defp check_decode(input, opts) do
    case Serdex.decode(input, opts) do
      {:ok, term} ->
        assert {:ok, json} = Serdex.encode(term)
        assert {:ok, ^term} = Serdex.decode(json, Keyword.take(opts, [:keys]))
        minimal = Serdex.Formatter.minimize(input)
        assert {:ok, ^term} = Serdex.decode(minimal, opts)
        pretty = Serdex.Formatter.pretty_print(input, max_bytes: :infinity)
        assert Serdex.Formatter.minimize(pretty) == minimal

      {:error, %DecodeError{position: position} = error} ->
        assert position in 0..byte_size(input)
        assert is_binary(Exception.message(error))
        if opts == [], do: check_formatter_rejects(input, error)
    end
  end

  # The formatter rejects what decode rejects, at the same place, except that it takes
  # several values in a row (or none) and numbers of any size.
  defp check_formatter_rejects(input, %DecodeError{position: position, reason: reason}) do
    lenient? =
      reason =~ ~r/after the JSON value|out of range|digits/ or input =~ ~r/\A[ \t\r\n]*\z/

    try do
      Serdex.Formatter.minimize(input)
    rescue
      error in DecodeError -> if not lenient?, do: assert(error.position == position)
    else
      _minimal -> assert lenient?, "the formatter accepted what decode rejected: #{reason}"
    end
  end

  defp check_encode(term, opts) do
    case encode(term, opts) do
      {:ok, json} ->
        assert {:ok, decoded} =
                 Serdex.decode(json, max_integer_digits: 100_000, max_depth: 10_000)

        expected = normalize(term)
        if expected != :ambiguous, do: assert(decoded === expected)

        assert {:ok, iodata} = Serdex.encode_to_iodata(term, opts)
        assert IO.iodata_to_binary(iodata) == json

      {:error, %EncodeError{} = error} ->
        assert is_binary(Exception.message(error))
        assert_raise EncodeError, fn -> Serdex.encode!(term, opts) end

      # A term that is not a JSON type, as in Jason.
      {:error, %Protocol.UndefinedError{protocol: Serdex.Encoder}} ->
        assert_raise Protocol.UndefinedError, fn -> Serdex.encode!(term, opts) end

      # A map key that String.Chars cannot convert, as in Jason.
      {:raised, %Protocol.UndefinedError{protocol: String.Chars}} ->
        assert_raise Protocol.UndefinedError, fn -> Serdex.encode!(term, opts) end
    end
  end

  defp encode(term, opts) do
    Serdex.encode(term, opts)
  rescue
    error -> {:raised, error}
  end

  # What a term should decode to, or :ambiguous when map keys collide once converted.
  defp normalize(term) do
    throw_ambiguous = fn -> throw(:ambiguous) end

    normalize = fn
      map, recurse when is_map(map) and not is_struct(map) ->
        normalized = Map.new(map, fn {k, v} -> {key_string(k), recurse.(v, recurse)} end)
        if map_size(normalized) < map_size(map), do: throw_ambiguous.(), else: normalized

      %Date{} = date, _ ->
        Date.to_iso8601(date)

      list, recurse when is_list(list) ->
        Enum.map(list, &recurse.(&1, recurse))

      atom, _ when atom in [nil, true, false] ->
        atom

      atom, _ when is_atom(atom) ->
        Atom.to_string(atom)

      other, _ ->
        other
    end

    normalize.(term, normalize)
  catch
    :ambiguous -> :ambiguous
  end

  defp key_string(key) when is_binary(key), do: key
  defp key_string(key) when is_atom(key), do: Atom.to_string(key)
  defp key_string(key), do: String.Chars.to_string(key)

  defp random_escape, do: Enum.random([:json, :unicode_safe, :javascript_safe, :html_safe])

  # Inputs: pure noise, noise made of JSON tokens, and valid JSON with a few mutations.
  defp random_input do
    case :rand.uniform(4) do
      1 ->
        random_bytes(:rand.uniform(64))

      2 ->
        tokens =
          ~w([ ] { } : , " \\ \\u 0 1 -9 1e9 .5 E- true false null nan ) ++
            [" ", "\n", <<0>>, <<0xFF>>, "é", "\\ud800", "\\udc00", <<0xED, 0xA0, 0x80>>]

        Enum.map_join(1..:rand.uniform(40), fn _ -> Enum.random(tokens) end)

      _ ->
        {:ok, json} = Serdex.encode(random_term(:rand.uniform(5), valid: true))
        mutate(json, :rand.uniform(4) - 1)
    end
  end

  defp random_bytes(n), do: for(_ <- 1..n, into: <<>>, do: <<:rand.uniform(256) - 1>>)

  defp mutate(json, 0), do: json
  defp mutate("", _), do: ""

  defp mutate(json, n) do
    at = :rand.uniform(byte_size(json)) - 1
    <<before::binary-size(at), _::8, rest::binary>> = json

    mutated =
      case :rand.uniform(4) do
        1 -> before <> rest
        2 -> before <> random_bytes(1) <> rest
        3 -> before <> Enum.random(["[", "]", "{", "}", "\"", ",", ":", "\\", "-", "e"]) <> rest
        4 -> binary_part(json, 0, at)
      end

    mutate(mutated, n - 1)
  end

  # Terms: mostly encodable, sometimes with something that has no JSON form.
  defp random_term(depth, opts \\ []) do
    valid? = Keyword.get(opts, :valid, false)
    kind = :rand.uniform(if depth <= 0, do: 10, else: 14)

    case kind do
      1 ->
        Enum.random([nil, true, false, :atom, :"with space", :é])

      2 ->
        :rand.uniform(1000) - 500

      3 ->
        Enum.random([0, -1, 2 ** 63, -(2 ** 63) - 1, 2 ** 64, 10 ** 30, -(10 ** 500)])

      4 ->
        Enum.random([0.0, -0.0, 1.5, -2.5e-300, 1.0e300, 5.0e-324, :rand.uniform() * 1.0e10])

      5 ->
        random_string()

      6 ->
        random_string()

      7 ->
        Enum.random(["", "\u2028", "</script>", "😀", <<0>>, String.duplicate("x", 70_000)])

      8 ->
        if valid?, do: "plain", else: Date.new!(2024, 2, 29)

      9 ->
        if valid?, do: nil, else: invalid_term()

      10 ->
        :rand.uniform(10)

      11 ->
        Enum.map(1..:rand.uniform(5), fn _ -> random_term(depth - 1, opts) end)

      12 ->
        []

      13 ->
        Map.new(1..:rand.uniform(5), fn _ ->
          {random_key(valid?), random_term(depth - 1, opts)}
        end)

      14 ->
        nest(random_term(0, opts), :rand.uniform(1500))
    end
  end

  defp nest(term, 0), do: term
  defp nest(term, n), do: nest(if(rem(n, 2) == 0, do: [term], else: %{"k" => term}), n - 1)

  defp random_key(true), do: random_string()

  defp random_key(false) do
    case :rand.uniform(6) do
      1 -> Enum.random([:a, :b, nil, :é])
      2 -> Enum.random([1, -1, 2 ** 70])
      3 -> Enum.random(["a", "b", "1", "nil"])
      4 -> Enum.random([{:tuple}, 1.5, <<0xFF>>, [1]])
      _ -> random_string()
    end
  end

  defp invalid_term do
    Enum.random([
      {1, 2},
      self(),
      make_ref(),
      fn -> :ok end,
      [1 | 2],
      [1, 2 | :tail],
      <<0xFF, 0xFE>>,
      <<1::5>>,
      <<"ok", 0xC0, 0xAF>>
    ])
  end

  defp random_string do
    Enum.map_join(1..:rand.uniform(12), fn _ ->
      case :rand.uniform(6) do
        1 -> <<:rand.uniform(0x1F)>>
        2 -> Enum.random(["\"", "\\", "/", "<", ">", "&", "\u2028", "\u2029"])
        3 -> <<Enum.random([0xE9, 0x3A9, 0x65E5, 0x1F600, 0x10FFFF, 0xFFFD])::utf8>>
        _ -> <<?a + :rand.uniform(25)>>
      end
    end)
  end
end
