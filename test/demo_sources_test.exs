defmodule Serdex.DemoSourcesTest do
  @moduledoc """
  The Phoenix demo in `demo/` cannot be compiled here (its Hex
  dependencies are not fetched by the library's CI), so this test checks
  what can be checked offline: every `.ex`/`.exs` file parses, every
  `.eex`/`.heex` template compiles with EEx, the expected files exist,
  and the wiring the issue asks for (Serdex as the JSON library, the
  shared lockfile, the release name, no Jason) is in place.
  """
  use ExUnit.Case, async: true

  @root Path.expand("..", __DIR__)
  @demo Path.join(@root, "demo")

  @required ~w(
    mix.exs
    .formatter.exs
    config/config.exs
    config/dev.exs
    config/test.exs
    config/prod.exs
    config/runtime.exs
    lib/serdex_demo.ex
    lib/serdex_demo/application.ex
    lib/serdex_demo_web.ex
    lib/serdex_demo_web/endpoint.ex
    lib/serdex_demo_web/router.ex
    lib/serdex_demo_web/controllers/page_controller.ex
    lib/serdex_demo_web/controllers/api_controller.ex
    lib/serdex_demo_web/controllers/health_controller.ex
    lib/serdex_demo_web/controllers/error_html.ex
    lib/serdex_demo_web/controllers/error_json.ex
    lib/serdex_demo_web/controllers/error_html/error.html.eex
    priv/static/assets/app.css
    priv/static/favicon.svg
    test/test_helper.exs
    test/support/conn_case.ex
  )

  defp demo_files(extensions) do
    @demo
    |> Path.join("**/*")
    |> Path.wildcard(match_dot: true)
    |> Enum.reject(&String.contains?(&1, ["/_build/", "/deps/", "/.elixir_ls/"]))
    |> Enum.filter(&(Path.extname(&1) in extensions))
    |> Enum.sort()
  end

  defp quoted!(relative) do
    path = Path.join(@demo, relative)
    Code.string_to_quoted!(File.read!(path), file: path)
  end

  test "the demo has the layout of a Phoenix 1.7 app" do
    missing = Enum.reject(@required, &File.regular?(Path.join(@demo, &1)))
    assert missing == [], "missing from demo/: #{inspect(missing)}"
  end

  test "every .ex and .exs file parses" do
    files = demo_files([".ex", ".exs"])
    assert length(files) >= length(@required) - 1

    for file <- files do
      try do
        Code.string_to_quoted!(File.read!(file), file: file)
      rescue
        error -> flunk("#{Path.relative_to(file, @root)}: #{Exception.message(error)}")
      end
    end
  end

  test "every .eex and .heex template compiles with EEx" do
    files = demo_files([".eex", ".heex"])
    assert files != [], "expected page and layout templates"

    for file <- files do
      try do
        EEx.compile_string(File.read!(file), file: file, line: 1)
      rescue
        error -> flunk("#{Path.relative_to(file, @root)}: #{Exception.message(error)}")
      end
    end
  end

  test "Serdex is Phoenix's JSON library and Plug.Parsers' json_decoder" do
    config = quoted!("config/config.exs")

    assert has_node?(config, fn
             {:config, _, [:phoenix, :json_library, {:__aliases__, _, [:Serdex]}]} -> true
             _ -> false
           end),
           "config/config.exs must set `config :phoenix, :json_library, Serdex`"

    endpoint = quoted!("lib/serdex_demo_web/endpoint.ex")

    assert has_node?(endpoint, fn
             {:plug, _, [{:__aliases__, _, [:Plug, :Parsers]}, opts]} when is_list(opts) ->
               match?({:__aliases__, _, [:Serdex]}, Keyword.get(opts, :json_decoder))

             _ ->
               false
           end),
           "the endpoint's Plug.Parsers must use `json_decoder: Serdex`"
  end

  test "mix.exs uses the shared lockfile, the serdex path dependency and no Jason" do
    mix = quoted!("mix.exs")

    assert has_node?(mix, &match?({:lockfile, "../mix.lock"}, &1))
    assert has_node?(mix, &match?({:app, :serdex_demo}, &1))
    assert has_node?(mix, &match?({:serdex, [path: ".."]}, &1))
    assert has_node?(mix, &match?({:serdex_demo, release_opts} when is_list(release_opts), &1))
    refute has_node?(mix, &match?({:jason, _}, &1)), "demo/mix.exs must not depend on :jason"

    refute has_node?(mix, &match?({:{}, _, [:jason | _]}, &1)),
           "demo/mix.exs must not depend on :jason"

    for dep <- [:phoenix, :bandit] do
      assert has_node?(mix, &match?({^dep, requirement} when is_binary(requirement), &1)),
             "demo/mix.exs must depend on #{dep}"
    end
  end

  test "no code of the demo calls Jason" do
    for file <- demo_files([".ex", ".exs"]) do
      ast = Code.string_to_quoted!(File.read!(file), file: file)

      refute has_node?(ast, &match?({:__aliases__, _, [:Jason | _]}, &1)),
             "#{Path.relative_to(file, @root)} refers to Jason"
    end

    for file <- demo_files([".eex", ".heex"]) do
      refute File.read!(file) =~ ~r/\bJason\./, "#{Path.relative_to(file, @root)} calls Jason"
    end
  end

  test "runtime.exs reads PORT, PHX_HOST, PHX_SERVER and SECRET_KEY_BASE" do
    source = File.read!(Path.join(@demo, "config/runtime.exs"))

    for var <- ~w(PORT PHX_HOST PHX_SERVER SECRET_KEY_BASE) do
      assert source =~ ~s[System.get_env("#{var}")], "runtime.exs does not read #{var}"
    end
  end

  test "every static path exists in priv/static" do
    web = quoted!("lib/serdex_demo_web.ex")

    [paths] =
      collect(web, fn
        {:def, _, [{:static_paths, _, _}, [do: {:sigil_w, _, [{:<<>>, _, [words]}, []]}]]} ->
          [String.split(words)]

        _ ->
          []
      end)

    missing = Enum.reject(paths, &File.exists?(Path.join([@demo, "priv/static", &1])))
    assert missing == [], "static_paths names files missing from priv/static: #{inspect(missing)}"
  end

  test "the router serves the pages and endpoints of the issue" do
    router = quoted!("lib/serdex_demo_web/router.ex")

    routes =
      collect(router, fn
        {verb, _, [path, {:__aliases__, _, _}, action]} when verb in [:get, :post] ->
          [{verb, path, action}]

        _ ->
          []
      end)

    for route <- [
          {:get, "/", :home},
          {:get, "/info", :info},
          {:post, "/format", :format},
          {:post, "/validate", :validate},
          {:get, "/healthz", :show}
        ] do
      assert route in routes, "missing route #{inspect(route)}"
    end
  end

  defp has_node?(ast, fun) do
    collect(ast, fn node -> if fun.(node), do: [true], else: [] end) != []
  end

  defp collect(ast, fun) do
    {_, acc} = Macro.prewalk(ast, [], fn node, acc -> {node, acc ++ fun.(node)} end)
    acc
  end
end
