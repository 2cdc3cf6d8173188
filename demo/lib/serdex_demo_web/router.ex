defmodule SerdexDemoWeb.Router do
  use SerdexDemoWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
    plug :fetch_session
    plug :put_root_layout, html: {SerdexDemoWeb.Layouts, :root}
    plug :protect_from_forgery
    plug :put_secure_browser_headers
  end

  pipeline :api do
    plug :accepts, ["json"]
  end

  scope "/", SerdexDemoWeb do
    pipe_through :browser

    get "/", PageController, :home
    post "/", PageController, :run
  end

  scope "/api", SerdexDemoWeb do
    pipe_through :api

    get "/info", ApiController, :info
    post "/format", ApiController, :format
    post "/validate", ApiController, :validate
  end

  # Health check for the Docker image and the release smoke check.
  # No pipeline, so any Accept header is fine.
  scope "/", SerdexDemoWeb do
    get "/healthz", HealthController, :show
  end
end
