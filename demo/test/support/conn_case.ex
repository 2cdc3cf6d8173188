defmodule SerdexDemoWeb.ConnCase do
  @moduledoc """
  This module defines the test case to be used by
  tests that require setting up a connection.

  Such tests rely on `Phoenix.ConnTest` and also
  import other functionality to make it easier
  to build common data structures and query the data layer.

  `post_json/3` sends a raw JSON body, so the request goes through
  Plug.Parsers and therefore through `Serdex.decode!/1`, exactly like a
  real client's request.
  """

  use ExUnit.CaseTemplate

  using do
    quote do
      # The default endpoint for testing
      @endpoint SerdexDemoWeb.Endpoint

      use SerdexDemoWeb, :verified_routes

      # Import conveniences for testing with connections
      import Plug.Conn
      import Phoenix.ConnTest
      import SerdexDemoWeb.ConnCase
    end
  end

  setup _tags do
    {:ok, conn: Phoenix.ConnTest.build_conn()}
  end

  @doc """
  POSTs `body` (a binary, or a term encoded with Serdex) as
  `application/json`, asking for a JSON answer.
  """
  def post_json(conn, path, body) do
    body = if is_binary(body), do: body, else: Serdex.encode!(body)

    conn
    |> Plug.Conn.put_req_header("content-type", "application/json")
    |> Plug.Conn.put_req_header("accept", "application/json")
    |> Phoenix.ConnTest.dispatch(SerdexDemoWeb.Endpoint, :post, path, body)
  end

  @doc "POSTs a raw urlencoded body, as a browser form does."
  def post_form(conn, path, body) when is_binary(body) do
    conn
    |> Plug.Conn.put_req_header("content-type", "application/x-www-form-urlencoded")
    |> Plug.Conn.put_req_header("accept", "text/html")
    |> Phoenix.ConnTest.dispatch(SerdexDemoWeb.Endpoint, :post, path, body)
  end
end
