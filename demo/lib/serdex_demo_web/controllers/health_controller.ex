defmodule SerdexDemoWeb.HealthController do
  use SerdexDemoWeb, :controller

  @doc """
  GET /healthz, for the Docker image and the release smoke check.

  Answers 200 `{"status": "ok"}` once a round trip through the NIF works.
  """
  def show(conn, _params) do
    case Serdex.decode(~s({"status": "ok"})) do
      {:ok, %{"status" => "ok"} = body} ->
        json(conn, body)

      _other ->
        conn
        |> put_status(:service_unavailable)
        |> json(%{status: "unavailable"})
    end
  end
end
