defmodule SerdexDemoWeb.ApiController do
  use SerdexDemoWeb, :controller

  alias SerdexDemo.Playground

  @doc "GET /api/info: `Serdex.nif_info/0` as JSON."
  def info(conn, _params) do
    json(conn, Playground.nif_info())
  end

  @doc """
  POST /api/format with `{"json": "...", "mode": "pretty" | "minify"}`.

  Answers `{"mode": mode, "result": formatted}`; a `json` text that is not
  valid JSON gets 422 with the error message and byte position, and so
  does pretty output over `SerdexDemo.max_output_bytes/1` of the input.
  """
  def format(conn, %{"json" => text} = params) when is_binary(text) do
    mode = Map.get(params, "mode", "pretty")

    if mode in Playground.format_modes() do
      case Playground.format(text, mode) do
        {:ok, output} ->
          json(conn, %{mode: mode, result: output})

        {:error, {:output_too_large, limit}} ->
          conn
          |> put_status(:unprocessable_entity)
          |> json(%{
            error: "output_too_large",
            message:
              "the pretty-printed text would be larger than #{limit} bytes, the limit " <>
                "for this input (#{SerdexDemo.max_output_label()})",
            limit_bytes: limit
          })

        {:error, details} ->
          conn
          |> put_status(:unprocessable_entity)
          |> json(Map.put(details, :error, "invalid_json"))
      end
    else
      bad_request(conn, ~s("mode" must be "pretty" or "minify"))
    end
  end

  def format(conn, _params) do
    bad_request(
      conn,
      ~s(expected a JSON object with a string "json" field and an optional "mode")
    )
  end

  @doc """
  POST /api/validate with `{"json": "..."}`.

  Answers `{"valid": true}` or `{"valid": false, "message": ..., "position": ..., "reason": ...}`.
  """
  def validate(conn, %{"json" => text}) when is_binary(text) do
    case Playground.validate(text) do
      {:ok, _summary} -> json(conn, %{valid: true})
      {:error, details} -> json(conn, Map.put(details, :valid, false))
    end
  end

  def validate(conn, _params) do
    bad_request(conn, ~s(expected a JSON object with a string "json" field))
  end

  defp bad_request(conn, message) do
    conn
    |> put_status(:bad_request)
    |> json(%{errors: %{detail: "Bad Request", message: message}})
  end
end
