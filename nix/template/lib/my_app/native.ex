defmodule MyApp.Native do
  @moduledoc """
  `use MyApp.Native, crate: "my_nif"` loads `priv/native/lib<crate>.so`.

  The choice is made at compile time from `PRECOMPILED_NIF`: unset, `0` or
  `false` runs cargo and copies the library into `priv/native`; `1` or `true`
  (set by the Nix release) never runs cargo and loads what `preBuild` placed.
  """

  defmacro __using__(opts) do
    crate = Keyword.fetch!(opts, :crate)
    app = Mix.Project.config()[:app]
    precompiled? = System.get_env("PRECOMPILED_NIF", "0") in ["1", "true"]

    unless precompiled?, do: build!(crate)

    quote do
      @on_load :__load_nif__
      def __load_nif__ do
        path = Path.join([:code.priv_dir(unquote(app)), "native", "lib" <> unquote(crate)])
        :erlang.load_nif(String.to_charlist(path), 0)
      end
    end
  end

  defp build!(crate) do
    {_, 0} = System.cmd("cargo", ["build", "--release", "--package", crate], into: IO.stream())
    target_dir = System.get_env("CARGO_TARGET_DIR", "target")
    dir = Path.join([target_dir, System.get_env("CARGO_BUILD_TARGET", ""), "release"])
    # cargo names the library .dylib on macOS; Erlang loads lib<crate>.so everywhere.
    built = Enum.find([".so", ".dylib"], &File.exists?(Path.join(dir, "lib#{crate}" <> &1)))
    File.mkdir_p!("priv/native")
    File.cp!(Path.join(dir, "lib#{crate}#{built}"), "priv/native/lib#{crate}.so")
    # Mix links priv/ into _build only if it existed when compilation started.
    Mix.Project.build_structure()
  end
end
