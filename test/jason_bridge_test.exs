defmodule Serdex.JasonBridgeTest do
  # A struct with a Jason.Encoder implementation and no Serdex.Encoder one is encoded
  # through the former, with Jason-shaped options that carry Serdex's escape and map modes.
  # Jason is not a dependency, so a protocol of this test's own, with Jason.Encoder's calling
  # convention, stands in for it (the bridge reads which protocol from the app env).
  use ExUnit.Case, async: false

  defprotocol StandIn do
    @fallback_to_any true
    def encode(value, opts)
  end

  defimpl StandIn, for: Any do
    def encode(value, _opts), do: raise(Protocol.UndefinedError, protocol: StandIn, value: value)
  end

  defmodule Note do
    defstruct [:title, :tags]
  end

  # Written as a Jason.Encoder implementation is: the escape function gives a string's
  # escaped text, and the map function writes pairs as an object.
  defimpl StandIn, for: Note do
    def encode(%Note{title: title, tags: tags}, {escape, encode_map} = opts) do
      tags = Serdex.Encode.list(tags, opts)

      [
        "{\"title\":\"",
        escape.(title),
        "\",\"tags\":",
        tags,
        ",\"meta\":",
        encode_map.([{"b", 1}, {:a, title}], escape, encode_map),
        "}"
      ]
    end
  end

  defmodule Unrelated do
    defstruct [:x]
  end

  defmodule Both do
    @derive Serdex.Encoder
    defstruct [:x]
  end

  defimpl StandIn, for: Both do
    def encode(_value, _opts), do: raise("Serdex.Encoder's implementation comes first")
  end

  setup do
    Application.put_env(:serdex, :jason_encoder, StandIn)
    on_exit(fn -> Application.delete_env(:serdex, :jason_encoder) end)
  end

  defp note, do: %Note{title: "</é>", tags: ["\u2028"]}

  test "uses the other protocol's implementation, with every escape mode" do
    for {escape, title, tag} <- [
          {:json, "</é>", "\u2028"},
          {:unicode_safe, "</\\u00E9>", "\\u2028"},
          {:javascript_safe, "</é>", "\\u2028"},
          {:html_safe, "\\u003C\\/é>", "\\u2028"}
        ] do
      assert Serdex.encode!([note()], escape: escape) ==
               ~s([{"title":"#{title}","tags":["#{tag}"],"meta":{"b":1,"a":"#{title}"}}])
    end
  end

  test "passes on maps: :strict" do
    strict = %Note{title: "x", tags: [%{"k" => 1, :k => 2}]}
    assert {:ok, _} = Serdex.encode(strict)
    assert {:error, %Serdex.EncodeError{}} = Serdex.encode(strict, maps: :strict)
  end

  test "a Serdex.Encoder implementation comes first" do
    assert Serdex.encode!(%Both{x: 1}) == ~s({"x":1})
  end

  test "without either implementation, a struct is a Serdex.Encoder protocol error" do
    assert {:error, %Protocol.UndefinedError{protocol: Serdex.Encoder}} =
             Serdex.encode(%Unrelated{x: 1})
  end

  test "without the other protocol loaded, nothing changes" do
    Application.put_env(:serdex, :jason_encoder, Serdex.NoSuchProtocol)
    assert {:error, %Protocol.UndefinedError{}} = Serdex.encode(note())
  end
end
