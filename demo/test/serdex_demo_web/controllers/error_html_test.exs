defmodule SerdexDemoWeb.ErrorHTMLTest do
  use SerdexDemoWeb.ConnCase, async: true

  import Phoenix.Template, only: [render_to_string: 4]

  alias SerdexDemoWeb.ErrorHTML

  defp pre(html) do
    [_, text] = Regex.run(~r{<pre class="output excerpt">(.*?)</pre>}s, html)
    text
  end

  test "the 400 page shows the text around the error with a caret under it" do
    {:error, error} = Serdex.decode("[10, 20,, 30]")
    reason = %Plug.Parsers.ParseError{exception: error}

    html = render_to_string(ErrorHTML, "400", "html", reason: reason)

    assert html =~ "Bad Request"
    assert html =~ "not valid JSON"
    assert html =~ "at byte #{error.position}"
    assert [line, caret] = html |> pre() |> String.split("\n")
    assert String.trim_trailing(caret) =~ ~r/\A *\^\z/
    # The caret stands under the second comma, where the error is.
    assert String.at(line, String.length(caret) - 1) == ","
    assert line |> String.slice(0, String.length(caret) - 1) |> String.ends_with?("20,")
  end

  test "the 400 page escapes the body's text" do
    {:error, error} = Serdex.decode(~s(["<script>", ]))
    reason = %Plug.Parsers.ParseError{exception: error}

    html = render_to_string(ErrorHTML, "400", "html", reason: reason)

    assert pre(html) =~ "&lt;script&gt;"
    refute html =~ "<script>"
  end

  test "the 404 page names the missing path" do
    conn = Phoenix.ConnTest.build_conn(:get, "/nope")
    html = render_to_string(ErrorHTML, "404", "html", conn: conn)
    assert html =~ "Not Found"
    assert html =~ "There is no page at /nope."
  end

  test "the 413 page states the body limit" do
    html =
      render_to_string(ErrorHTML, "413", "html", reason: %Plug.Parsers.RequestTooLargeError{})

    assert html =~ "Request Entity Too Large"
    assert html =~ SerdexDemo.max_body_label()
  end

  test "the 500 page says the error was logged" do
    html = render_to_string(ErrorHTML, "500", "html", [])
    assert html =~ "Internal Server Error"
    assert html =~ "logged"
  end

  test "other statuses get their status message" do
    html = render_to_string(ErrorHTML, "405", "html", [])
    assert html =~ "405"
    assert html =~ "Method Not Allowed"
  end

  describe "in a browser" do
    defp browser(conn), do: put_req_header(conn, "accept", "text/html")

    test "an unknown route gets the 404 page in the site's layout", %{conn: conn} do
      html = conn |> browser() |> get("/nope") |> html_response(404)

      assert html =~ ~s(<header class="site">)
      assert html =~ ~s(<link rel="stylesheet" href="/assets/app.css">)
      assert html =~ "There is no page at /nope."
    end

    test "a body that is not valid JSON gets the 400 page with the caret", %{conn: conn} do
      {400, headers, html} =
        assert_error_sent 400, fn ->
          conn
          |> browser()
          |> put_req_header("content-type", "application/json")
          |> post(~p"/api/validate", ~s({"json": }))
        end

      assert {"content-type", "text/html; charset=utf-8"} in headers
      assert html =~ ~s(<header class="site">)
      assert pre(html) =~ ~r/\n *\^\z/
    end

    test "a form over the body limit gets the 413 page in the site's layout", %{conn: conn} do
      body = "mode=validate&json=" <> String.duplicate("a", SerdexDemo.max_body_bytes())

      {413, _headers, html} = assert_error_sent 413, fn -> post_form(conn, ~p"/", body) end

      assert html =~ ~s(<header class="site">)
      assert html =~ SerdexDemo.max_body_label()
    end
  end
end
