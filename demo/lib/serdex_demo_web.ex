defmodule SerdexDemoWeb do
  @moduledoc """
  The entrypoint for defining your web interface, such
  as controllers, components, channels, and so on.

  This can be used in your application as:

      use SerdexDemoWeb, :controller
      use SerdexDemoWeb, :html

  The definitions below will be executed for every controller,
  component, etc, so keep them short and clean, focused
  on imports, uses and aliases.

  There is no LiveView in this app, so `:html` modules do not use
  `Phoenix.Component`: they embed `.html.eex` templates with
  `Phoenix.Template.embed_templates/2`, compiled by Phoenix.HTML's
  engine, which escapes every interpolated value.

  Do NOT define functions inside the quoted expressions
  below. Instead, define additional modules and import
  those modules here.
  """

  def static_paths, do: ~w(assets favicon.svg robots.txt)

  def router do
    quote do
      use Phoenix.Router, helpers: false

      # Import common connection and controller functions to use in pipelines
      import Plug.Conn
      import Phoenix.Controller
    end
  end

  def controller do
    quote do
      use Phoenix.Controller,
        formats: [:html, :json],
        layouts: [html: SerdexDemoWeb.Layouts]

      import Plug.Conn

      unquote(verified_routes())
    end
  end

  def html do
    quote do
      # Embed `.html.eex` templates as functions (see Phoenix.Template)
      import Phoenix.Template, only: [embed_templates: 1, embed_templates: 2]

      # Import convenience functions from controllers
      import Phoenix.Controller,
        only: [get_csrf_token: 0, view_module: 1, view_template: 1]

      # HTML escaping helpers (raw/1, html_escape/1, ...)
      import Phoenix.HTML

      unquote(verified_routes())
    end
  end

  def verified_routes do
    quote do
      use Phoenix.VerifiedRoutes,
        endpoint: SerdexDemoWeb.Endpoint,
        router: SerdexDemoWeb.Router,
        statics: SerdexDemoWeb.static_paths()
    end
  end

  @doc """
  When used, dispatch to the appropriate controller/html/etc.
  """
  defmacro __using__(which) when is_atom(which) do
    apply(__MODULE__, which, [])
  end
end
