defmodule SerdexDemoWeb.ErrorHTML do
  @moduledoc """
  Renders HTML error pages (see `:render_errors` in config.exs) inside the
  site's layouts.

  Every status shares `error_html/error.html.eex`; this module fills in
  its explanation and, when a request body is not valid JSON, the text
  around the error with a caret under it.
  """
  use SerdexDemoWeb, :html

  alias Plug.Parsers.ParseError
  alias Serdex.DecodeError

  embed_templates "error_html/*"

  def render(template, assigns) do
    error(%{
      status: Path.rootname(template),
      title: Phoenix.Controller.status_message_from_template(template),
      explanation: explanation(template, assigns),
      excerpt: excerpt(assigns[:reason])
    })
  end

  defp explanation("400.html", %{reason: %ParseError{exception: %DecodeError{} = error}}) do
    details = SerdexDemo.Playground.error_details(error)
    "The request body is not valid JSON: #{details.reason} at byte #{details.position}."
  end

  defp explanation("400.html", _assigns), do: "The request could not be read."

  defp explanation("404.html", %{conn: %Plug.Conn{request_path: path}}),
    do: "There is no page at #{path}."

  defp explanation("404.html", _assigns), do: "There is no page at this address."

  defp explanation("413.html", _assigns) do
    "The request body is larger than the demo's limit of #{SerdexDemo.max_body_label()}. " <>
      "Try a smaller document."
  end

  defp explanation("500.html", _assigns),
    do: "Something went wrong while answering this request. The error has been logged."

  defp explanation(_template, _assigns), do: "The request could not be answered."

  defp excerpt(%ParseError{exception: %DecodeError{data: data, position: position}}) do
    {line, caret} = DecodeError.excerpt(data, position)
    line <> "\n" <> caret
  end

  defp excerpt(_reason), do: nil
end
