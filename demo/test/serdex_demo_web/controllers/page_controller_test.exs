defmodule SerdexDemoWeb.PageControllerTest do
  use SerdexDemoWeb.ConnCase, async: true

  defp escaped(text), do: text |> Phoenix.HTML.html_escape() |> Phoenix.HTML.safe_to_string()

  test "GET / shows the NIF's provenance and the body limit", %{conn: conn} do
    conn = get(conn, ~p"/")
    html = html_response(conn, 200)
    info = Serdex.nif_info()

    assert html =~ "Target triple"
    assert html =~ escaped(to_string(info.target))
    assert html =~ "Build profile"
    assert html =~ escaped(to_string(info.profile))
    assert html =~ "Loaded from"
    assert html =~ escaped(to_string(info.loaded_from))
    assert html =~ "Crate version"
    assert html =~ escaped(to_string(info.crate_version))
    assert html =~ if(info.precompiled, do: "precompiled", else: "live")
    assert html =~ "1 MB"
    assert html =~ ~s(name="_csrf_token")
    assert html =~ ~s(<link rel="stylesheet" href="/assets/app.css">)
  end

  test "GET / links the SVG favicon, which is served", %{conn: conn} do
    html = conn |> get(~p"/") |> html_response(200)
    assert html =~ ~s(<link rel="icon" type="image/svg+xml" href="/favicon.svg">)

    conn = get(build_conn(), "/favicon.svg")
    assert conn.status == 200
    assert ["image/svg+xml" <> _] = get_resp_header(conn, "content-type")
    assert conn.resp_body =~ "<svg"
  end

  test "the curl example uses the address of the request", %{conn: conn} do
    html = conn |> get("http://demo.example:8443/") |> html_response(200)
    assert html =~ "http://demo.example:8443/api/format"

    html = build_conn() |> get("https://demo.example/") |> html_response(200)
    assert html =~ "https://demo.example/api/format"
  end

  describe "the heading" do
    defp home(musl?) do
      Phoenix.Template.render_to_string(SerdexDemoWeb.PageHTML, "home", "html",
        provenance: [],
        precompiled?: true,
        musl?: musl?,
        versions: [],
        limit: SerdexDemo.max_body_label(),
        output_limit: SerdexDemo.max_output_label(),
        format_url: "http://localhost:4000/api/format",
        input: "",
        mode: "pretty",
        result: nil
      )
    end

    defp heading(html), do: Regex.run(~r{<h1>(.*?)</h1>}s, html, capture: :all_but_first)

    test "claims musl only for a musl build, like the badge" do
      assert ["Rust, built for musl, answering through Phoenix"] = heading(home(true))
      assert home(true) =~ ">musl target<"

      assert ["Rust, answering through Phoenix"] = heading(home(false))
      assert home(false) =~ ">not a musl target<"
    end

    test "of GET / follows the target that answered", %{conn: conn} do
      html = conn |> get(~p"/") |> html_response(200)
      musl? = Serdex.nif_info().target |> to_string() |> String.contains?("musl")
      assert heading(html) == heading(home(musl?))
    end
  end

  test "the form posts to the result's anchor, so the result is in view", %{conn: conn} do
    html = conn |> get(~p"/") |> html_response(200)
    assert html =~ ~s(<form method="post" action="/#result">)

    html =
      build_conn() |> post(~p"/", %{"json" => "[1]", "mode" => "minify"}) |> html_response(200)

    assert html =~ ~s(id="result")
  end

  test "POST / refuses pretty output over the output limit", %{conn: conn} do
    input = String.duplicate("[", 1000) <> String.duplicate("]", 1000)
    conn = post(conn, ~p"/", %{"json" => input, "mode" => "pretty"})
    html = html_response(conn, 200)

    assert html =~ "Output too large"
    assert html =~ "#{SerdexDemo.max_output_bytes(byte_size(input))} bytes"
  end

  test "POST / pretty-prints and escapes the output", %{conn: conn} do
    input = ~s({"html": "<b>&</b>", "n": [1, 2]})
    pretty = Serdex.Formatter.pretty_print(input, indent: "  ")

    conn = post(conn, ~p"/", %{"json" => input, "mode" => "pretty"})
    html = html_response(conn, 200)

    assert html =~ "Pretty-printed"
    assert html =~ escaped(pretty)
    refute html =~ "<b>&</b>"
  end

  test "POST / minifies", %{conn: conn} do
    conn = post(conn, ~p"/", %{"json" => ~s({ "a": [1, 2] }), "mode" => "minify"})
    html = html_response(conn, 200)

    assert html =~ "Minified"
    assert html =~ escaped(~s({"a":[1,2]}))
  end

  test "POST / validates", %{conn: conn} do
    conn = post(conn, ~p"/", %{"json" => ~s({"a": 1, "b": 2}), "mode" => "validate"})
    html = html_response(conn, 200)

    assert html =~ "Valid JSON"
    assert html =~ "an object with 2 keys"
  end

  test "POST / shows the byte position and surrounding text of an error", %{conn: conn} do
    input = ~s({"a": 1,\n "b": tru })
    {:error, error} = Serdex.decode(input)

    conn = post(conn, ~p"/", %{"json" => input, "mode" => "validate"})
    html = html_response(conn, 200)

    assert html =~ "Invalid JSON"
    assert html =~ ~s(<strong class="position">#{error.position}</strong>)
    assert html =~ escaped(Exception.message(error))
    # the input is kept in the form for the next attempt
    assert html =~ escaped(input)
  end

  test "POST / with an unknown mode says so", %{conn: conn} do
    conn = post(conn, ~p"/", %{"json" => "{}", "mode" => "sideways"})
    assert html_response(conn, 200) =~ "Unknown mode"
  end

  test "a form body over the 1 MB limit is a 413", %{conn: conn} do
    body = "mode=validate&json=" <> String.duplicate("a", SerdexDemo.max_body_bytes())

    {413, _headers, html} = assert_error_sent 413, fn -> post_form(conn, ~p"/", body) end
    assert html =~ "1 MB"
  end
end
