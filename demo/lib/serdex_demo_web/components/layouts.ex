defmodule SerdexDemoWeb.Layouts do
  @moduledoc """
  The root and app layouts, as `.html.eex` templates in `layouts/`.

  `root.html.eex` is set by the router's `:put_root_layout` plug and
  `app.html.eex` by `use SerdexDemoWeb, :controller`.
  """
  use SerdexDemoWeb, :html

  embed_templates "layouts/*"
end
