defmodule SerdexDemoWeb.HealthControllerTest do
  use SerdexDemoWeb.ConnCase, async: true

  test "GET /healthz answers ok through the NIF", %{conn: conn} do
    conn = get(conn, ~p"/healthz")
    assert json_response(conn, 200) == %{"status" => "ok"}
  end

  test "GET /healthz does not care about the Accept header", %{conn: conn} do
    conn = conn |> put_req_header("accept", "text/plain") |> get(~p"/healthz")
    assert conn.status == 200
  end
end
