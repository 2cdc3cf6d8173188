defmodule SerdexDemoWeb.ErrorHTML do
  @moduledoc """
  Renders HTML error pages (see `:render_errors` in config.exs) as plain
  text, which Phoenix.HTML escapes.
  """
  use SerdexDemoWeb, :html

  # If you want to customize your error pages,
  # uncomment the embed_templates/1 call below
  # and add pages to the error directory:
  #
  #   * lib/serdex_demo_web/controllers/error_html/404.html.eex
  #   * lib/serdex_demo_web/controllers/error_html/500.html.eex
  #
  # embed_templates "error_html/*"

  def render("413.html", _assigns) do
    "Request body too large: the Serdex demo accepts at most #{SerdexDemo.max_body_label()}."
  end

  def render("400.html", %{
        reason: %Plug.Parsers.ParseError{exception: %Serdex.DecodeError{} = error}
      }) do
    details = SerdexDemo.Playground.error_details(error)
    "Bad Request: the request body is not valid JSON.\n\n" <> details.message
  end

  # The default is to render a plain text page based on
  # the template name. For example, "404.html" becomes
  # "Not Found".
  def render(template, _assigns) do
    Phoenix.Controller.status_message_from_template(template)
  end
end
