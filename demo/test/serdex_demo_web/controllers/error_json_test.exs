defmodule SerdexDemoWeb.ErrorJSONTest do
  use SerdexDemoWeb.ConnCase, async: true

  alias SerdexDemoWeb.ErrorJSON

  test "renders 404" do
    assert ErrorJSON.render("404.json", %{}) == %{errors: %{detail: "Not Found"}}
  end

  test "renders 500" do
    assert ErrorJSON.render("500.json", %{}) == %{errors: %{detail: "Internal Server Error"}}
  end

  test "renders 400 for a body Serdex could not decode" do
    {:error, error} = Serdex.decode("[1, 2")
    reason = %Plug.Parsers.ParseError{exception: error}

    assert %{errors: errors} = ErrorJSON.render("400.json", %{reason: reason})
    assert errors.detail == "Bad Request"
    assert errors.position == error.position
    assert errors.context == Exception.message(error)
  end

  test "renders 413 with the limit" do
    reason = %Plug.Parsers.RequestTooLargeError{}

    assert %{errors: %{limit_bytes: 1_000_000, message: message}} =
             ErrorJSON.render("413.json", %{reason: reason})

    assert message =~ "1 MB"
  end

  # Phoenix renders a missing route without raising it again, so this is an
  # ordinary response rather than an error for assert_error_sent/2.
  test "unknown routes answer a JSON 404", %{conn: conn} do
    conn = conn |> put_req_header("accept", "application/json") |> get("/nope")
    assert json_response(conn, 404) == %{"errors" => %{"detail" => "Not Found"}}
  end
end
