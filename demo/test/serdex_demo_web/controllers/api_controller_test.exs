defmodule SerdexDemoWeb.ApiControllerTest do
  use SerdexDemoWeb.ConnCase, async: true

  alias SerdexDemo.Playground

  describe "GET /api/info" do
    test "returns Serdex.nif_info/0 as JSON", %{conn: conn} do
      conn = get(conn, ~p"/api/info")
      body = json_response(conn, 200)
      info = Serdex.nif_info()

      assert body["target"] == to_string(info.target)
      assert body["profile"] == to_string(info.profile)
      assert body["crate_version"] == info.crate_version
      assert body["loaded_from"] == info.loaded_from
      assert body["precompiled"] == info.precompiled
      assert is_boolean(body["precompiled"])
      assert body == Playground.nif_info()
    end
  end

  describe "POST /api/format" do
    test "pretty-prints and keeps key order", %{conn: conn} do
      input = ~s({"b":[1,2,{"c":null}],"a":"x"})
      conn = post_json(conn, ~p"/api/format", %{json: input, mode: "pretty"})

      assert %{"mode" => "pretty", "result" => result} = json_response(conn, 200)
      assert result == Serdex.Formatter.pretty_print(input, indent: "  ")
      assert result =~ "\n"
      {b, _} = :binary.match(result, ~s("b"))
      {a, _} = :binary.match(result, ~s("a"))
      assert b < a
    end

    test "minifies", %{conn: conn} do
      conn =
        post_json(conn, ~p"/api/format", %{
          json: ~s({ "a" : [ 1, 2 ],\n "b": {} }),
          mode: "minify"
        })

      assert json_response(conn, 200) == %{"mode" => "minify", "result" => ~s({"a":[1,2],"b":{}})}
    end

    test "defaults to pretty", %{conn: conn} do
      conn = post_json(conn, ~p"/api/format", %{json: "[1,2]"})
      assert %{"mode" => "pretty"} = json_response(conn, 200)
    end

    test "answers 422 with the byte position for invalid JSON text", %{conn: conn} do
      input = ~s({"a": [1, 2,, 3]})
      {:error, error} = Serdex.decode(input)

      conn = post_json(conn, ~p"/api/format", %{json: input, mode: "minify"})
      body = json_response(conn, 422)

      assert body["error"] == "invalid_json"
      assert body["position"] == error.position
      assert body["message"] == Exception.message(error)
      assert is_binary(body["reason"])
    end

    test "answers 422 when the pretty output would pass the output limit", %{conn: conn} do
      input = String.duplicate("[", 1000) <> String.duplicate("]", 1000)
      limit = SerdexDemo.max_output_bytes(byte_size(input))

      conn = post_json(conn, ~p"/api/format", %{json: input, mode: "pretty"})

      assert %{"error" => "output_too_large", "limit_bytes" => ^limit, "message" => message} =
               json_response(conn, 422)

      assert message =~ "10 times the input"
    end

    test "minifies what it would not pretty-print", %{conn: conn} do
      input = String.duplicate("[", 1000) <> String.duplicate("]", 1000)
      conn = post_json(conn, ~p"/api/format", %{json: input, mode: "minify"})
      assert json_response(conn, 200) == %{"mode" => "minify", "result" => input}
    end

    test "answers 400 for an unknown mode", %{conn: conn} do
      conn = post_json(conn, ~p"/api/format", %{json: "{}", mode: "sideways"})

      assert %{"errors" => %{"detail" => "Bad Request", "message" => message}} =
               json_response(conn, 400)

      assert message =~ "mode"
    end

    test "answers 400 when the json field is missing or not a string", %{conn: conn} do
      for body <- [%{mode: "pretty"}, %{json: %{"a" => 1}}, [1, 2]] do
        conn = post_json(conn, ~p"/api/format", body)
        assert %{"errors" => %{"message" => message}} = json_response(conn, 400)
        assert message =~ "json"
      end
    end
  end

  describe "POST /api/validate" do
    test "answers valid: true", %{conn: conn} do
      conn = post_json(conn, ~p"/api/validate", %{json: ~s({"ok": [true, false, null, 1.5e3]})})
      assert json_response(conn, 200) == %{"valid" => true}
    end

    test "answers the error message and position", %{conn: conn} do
      input = ~s({"key": "value" "other": 1})
      {:error, error} = Serdex.decode(input)

      conn = post_json(conn, ~p"/api/validate", %{json: input})
      body = json_response(conn, 200)

      assert body["valid"] == false
      assert body["position"] == error.position
      assert body["message"] == Exception.message(error)
    end

    test "answers 400 without a json field", %{conn: conn} do
      conn = post_json(conn, ~p"/api/validate", %{text: "{}"})
      assert %{"errors" => %{"detail" => "Bad Request"}} = json_response(conn, 400)
    end
  end

  describe "request bodies" do
    test "a malformed JSON body is a 400 naming the byte position", %{conn: conn} do
      raw = ~s({"json": "[1]",})
      {:error, error} = Serdex.decode(raw)

      {status, _headers, body} =
        assert_error_sent 400, fn -> post_json(conn, ~p"/api/validate", raw) end

      assert status == 400

      assert %{"errors" => errors} = Serdex.decode!(body)
      assert errors["detail"] == "Bad Request"
      assert errors["position"] == error.position
      assert errors["message"] =~ "not valid JSON"
      assert errors["context"] == Exception.message(error)
    end

    test "a body over the 1 MB limit is a 413", %{conn: conn} do
      raw = Serdex.encode!(%{json: String.duplicate("a", SerdexDemo.max_body_bytes())})
      assert byte_size(raw) > SerdexDemo.max_body_bytes()

      {413, _headers, body} =
        assert_error_sent 413, fn -> post_json(conn, ~p"/api/validate", raw) end

      assert %{"errors" => errors} = Serdex.decode!(body)
      assert errors["limit_bytes"] == 1_000_000
      assert errors["message"] =~ "1 MB"
    end

    test "a body just under the limit is accepted", %{conn: conn} do
      raw = Serdex.encode!(%{json: Serdex.encode!(String.duplicate("a", 999_000))})
      assert byte_size(raw) < SerdexDemo.max_body_bytes()

      conn = post_json(conn, ~p"/api/validate", raw)
      assert json_response(conn, 200) == %{"valid" => true}
    end
  end
end
