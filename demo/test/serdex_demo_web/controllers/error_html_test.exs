defmodule SerdexDemoWeb.ErrorHTMLTest do
  use SerdexDemoWeb.ConnCase, async: true

  # Bring render_to_string/4 for testing custom views
  import Phoenix.Template

  test "renders 404.html" do
    assert render_to_string(SerdexDemoWeb.ErrorHTML, "404", "html", []) == "Not Found"
  end

  test "renders 500.html" do
    assert render_to_string(SerdexDemoWeb.ErrorHTML, "500", "html", []) == "Internal Server Error"
  end

  test "renders 413.html with the limit" do
    assert render_to_string(SerdexDemoWeb.ErrorHTML, "413", "html", []) =~ "1 MB"
  end
end
