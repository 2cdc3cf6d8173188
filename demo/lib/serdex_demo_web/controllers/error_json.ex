defmodule SerdexDemoWeb.ErrorJSON do
  @moduledoc """
  Renders JSON error responses (see `:render_errors` in config.exs).

  Besides Phoenix's usual `{"errors": {"detail": "Not Found"}}`, the two
  request-body errors explain themselves:

    * 400, the body is not valid JSON: `message`, the byte `position`
      and `reason`, from the `Serdex.DecodeError` that Plug.Parsers
      wrapped in a `Plug.Parsers.ParseError`;
    * 413, the body is larger than `SerdexDemo.max_body_bytes/0`.
  """

  # By default, Phoenix returns the status message from
  # the template name. For example, "404.json" becomes
  # "Not Found".
  def render(template, assigns) do
    detail = Phoenix.Controller.status_message_from_template(template)
    %{errors: Map.merge(%{detail: detail}, explain(assigns[:reason]))}
  end

  defp explain(%Plug.Parsers.ParseError{exception: %Serdex.DecodeError{} = error}) do
    details = SerdexDemo.Playground.error_details(error)

    %{
      message:
        "the request body is not valid JSON: #{details.reason} (at byte #{details.position})",
      position: details.position,
      reason: details.reason,
      context: details.message
    }
  end

  defp explain(%Plug.Parsers.ParseError{} = error) do
    %{message: Exception.message(error)}
  end

  defp explain(%Plug.Parsers.RequestTooLargeError{}) do
    %{
      message:
        "the request body is larger than the demo's limit of #{SerdexDemo.max_body_label()}",
      limit_bytes: SerdexDemo.max_body_bytes()
    }
  end

  defp explain(_reason), do: %{}
end
