defmodule SerdexDemoWeb.PageController do
  use SerdexDemoWeb, :controller

  alias SerdexDemo.Playground

  @sample ~s({"library": "serdex", "served_by": ["Phoenix", "Bandit"], "nif": {"language": "Rust", "precompiled": true}, "answer": 42, "nothing": null})

  def home(conn, _params) do
    render_home(conn, @sample, "pretty", nil)
  end

  # The form posts here (urlencoded, CSRF-protected); the result is
  # rendered on the same page, so the playground works without JavaScript.
  def run(conn, params) do
    json = text_param(params, "json")
    mode = text_param(params, "mode")
    render_home(conn, json, mode, result(mode, Playground.run(mode, json)))
  end

  defp render_home(conn, input, mode, result) do
    info = Playground.nif_info()

    render(conn, :home,
      page_title: "Serdex demo",
      provenance: provenance(info),
      precompiled?: info["precompiled"] == true,
      musl?: String.contains?(to_string(info["target"]), "musl"),
      versions: versions(),
      limit: SerdexDemo.max_body_label(),
      output_limit: SerdexDemo.max_output_label(),
      format_url: request_origin(conn) <> ~p"/api/format",
      input: input,
      mode: mode,
      result: result
    )
  end

  # The address this request reached (scheme, Host header and port), so the
  # curl example works wherever the demo is served.
  defp request_origin(%Plug.Conn{scheme: scheme, host: host, port: port}) do
    if {scheme, port} in [{:http, 80}, {:https, 443}],
      do: "#{scheme}://#{host}",
      else: "#{scheme}://#{host}:#{port}"
  end

  defp text_param(params, key) do
    case Map.get(params, key) do
      value when is_binary(value) -> value
      _ -> ""
    end
  end

  defp result(mode, {:ok, output}) when mode in ["pretty", "minify"] do
    %{ok?: true, title: title(mode), output: output, summary: nil}
  end

  defp result("validate", {:ok, summary}) do
    %{ok?: true, title: "Valid JSON", output: nil, summary: "The document is valid: #{summary}."}
  end

  defp result(_mode, {:error, :unknown_mode}) do
    %{
      ok?: false,
      title: "Unknown mode",
      position: nil,
      reason: "choose pretty, minify or validate",
      message: nil
    }
  end

  defp result(_mode, {:error, {:output_too_large, limit}}) do
    %{
      ok?: false,
      title: "Output too large",
      position: nil,
      reason:
        "The pretty-printed text would be larger than #{limit} bytes, the limit for " <>
          "this input (#{SerdexDemo.max_output_label()}). Minify or validate it instead.",
      message: nil
    }
  end

  defp result(_mode, {:error, details}) do
    Map.merge(%{ok?: false, title: "Invalid JSON"}, details)
  end

  defp title("pretty"), do: "Pretty-printed"
  defp title("minify"), do: "Minified"

  # The keys Serdex.nif_info/0 promises, in a readable order, then any
  # extra keys it reports.
  @known [
    {"target", "Target triple"},
    {"profile", "Build profile"},
    {"loaded_from", "Loaded from"},
    {"precompiled", "Precompiled or live"},
    {"crate_version", "Crate version"}
  ]

  defp provenance(info) do
    known =
      for {key, label} <- @known do
        {label, show(key, Map.get(info, key))}
      end

    known_keys = Enum.map(@known, &elem(&1, 0))

    extra =
      for {key, value} <- Enum.sort(info), key not in known_keys do
        {key, show(key, value)}
      end

    known ++ extra
  end

  defp show("precompiled", true),
    do: "precompiled (built ahead of time, shipped with the release)"

  defp show("precompiled", false), do: "live (compiled from source on this machine)"
  defp show(_key, nil), do: "(not reported)"
  defp show(_key, value) when is_binary(value), do: value
  defp show(_key, value), do: inspect(value)

  defp versions do
    [
      {"Phoenix", app_vsn(:phoenix)},
      {"Bandit", app_vsn(:bandit)},
      {"Serdex", app_vsn(:serdex)},
      {"Elixir", System.version()},
      {"OTP", System.otp_release()}
    ]
  end

  defp app_vsn(app) do
    case Application.spec(app, :vsn) do
      nil -> "?"
      vsn -> to_string(vsn)
    end
  end
end
