defmodule Serdex.Native do
  @moduledoc """
  Loads a Rust NIF, built live by cargo or precompiled, chosen by `PRECOMPILED_NIF`.

      defmodule MyApp.NIF do
        use Serdex.Native, otp_app: :my_app, crate: "my_nif", path: "native/my_nif"

        def add(_a, _b), do: :erlang.nif_error(:nif_not_loaded)
      end

  The environment variable `PRECOMPILED_NIF` is read when the module compiles:

    * unset, `0` or `false` (live): the module's compilation runs `cargo build` on the crate
      and copies the library to `priv/native/lib<crate>.so`. Mix recompiles the module, and so
      rebuilds the crate, whenever a watched source (`.rs`, `Cargo.toml`, `Cargo.lock`,
      `rust-toolchain.toml` under `sources`) changes.
    * `1` or `true` (precompiled): cargo is never run. The library must already be at
      `priv/native/lib<crate>.so`, put there for example by a Nix build.

  Mix recompiles the module when the variable's meaning changes, so switching never keeps a
  stale build.

  Options (named after `use Rustler`'s, so switching to Rustler is a rename):

    * `:otp_app` (required) - the application whose `priv` holds the library
    * `:crate` (required) - the crate name
    * `:path` - the crate directory, default `"native/<crate>"`
    * `:mode` - `:debug` or `:release`, default `:release` in `:prod` and `:debug` otherwise
    * `:target` - a Rust target triple, default the `SERDEX_NIF_TARGET` variable, else the host
    * `:skip_compilation?` - default `true` exactly when `PRECOMPILED_NIF` asks for it
    * `:load_from` - `{otp_app, path}` of the library without extension,
      default `{otp_app, "priv/native/lib<crate>"}`
    * `:sources` - files and directories whose changes trigger a rebuild,
      default `[path, "Cargo.toml", "Cargo.lock"]`

  The mode of the loaded NIF is the one the variable asks for:

      iex> Serdex.Native.precompiled_requested?() == Serdex.nif_info().precompiled
      true
  """

  alias Serdex.Native.Cargo

  @typedoc "The options of `use Serdex.Native`, with their defaults filled in."
  @type config :: %{
          otp_app: atom(),
          crate: String.t(),
          path: Path.t(),
          mode: :debug | :release,
          target: String.t() | nil,
          skip_compilation?: boolean(),
          load_from: {atom(), Path.t()},
          sources: [Path.t()]
        }

  defmacro __using__(opts) do
    config = config(opts, Mix.env())
    precompiled? = config.skip_compilation?

    unless precompiled? do
      Cargo.build!(config)
    end

    sources = watched_files(config.sources)
    digest = digest(sources)

    quote do
      for source <- unquote(sources), do: @external_resource(source)

      @on_load :__load_nif__

      @doc false
      def __load_nif__ do
        # :erlang.load_nif/2 must be called from the module that the NIF belongs to.
        case Serdex.Native.locate(unquote(Macro.escape(config.load_from))) do
          {:ok, path} ->
            :erlang.load_nif(String.to_charlist(path), path <> ".so")

          {:error, message} ->
            IO.puts(:stderr, message)
            {:error, message}
        end
      end

      @doc false
      def __precompiled__, do: unquote(precompiled?)

      # Mix loads a module to ask it whether to recompile. Loading the NIF module would load
      # the NIF, and the recompiled module could not then load it again (a NIF cannot be
      # upgraded in place), so the question goes to a NIF-free module in the same file.
      defmodule RecompileCheck do
        @moduledoc false
        def __mix_recompile__? do
          Serdex.Native.stale?(
            unquote(precompiled?),
            unquote(Macro.escape(config.sources)),
            unquote(digest)
          )
        end
      end
    end
  end

  @doc false
  @spec stale?(boolean(), [Path.t()], binary()) :: boolean()
  def stale?(precompiled?, sources, digest) do
    precompiled_requested?() != precompiled? or
      (not precompiled? and digest(watched_files(sources)) != digest)
  end

  @doc false
  @spec config(keyword(), atom()) :: config()
  def config(opts, env) do
    otp_app = Keyword.fetch!(opts, :otp_app)
    crate = to_string(Keyword.fetch!(opts, :crate))
    path = Keyword.get(opts, :path, Path.join("native", crate))

    %{
      otp_app: otp_app,
      crate: crate,
      path: path,
      mode: Keyword.get(opts, :mode, if(env == :prod, do: :release, else: :debug)),
      target: Keyword.get(opts, :target, System.get_env("SERDEX_NIF_TARGET")),
      skip_compilation?: Keyword.get(opts, :skip_compilation?, precompiled_requested?()),
      load_from: Keyword.get(opts, :load_from, {otp_app, "priv/native/lib#{crate}"}),
      sources: Keyword.get(opts, :sources, [path, "Cargo.toml", "Cargo.lock"])
    }
  end

  @doc """
  Whether `PRECOMPILED_NIF` asks for a precompiled library. Raises on values it does not know,
  so that a typo never silently selects the other mode.
  """
  @spec precompiled_requested?() :: boolean()
  def precompiled_requested? do
    case System.get_env("PRECOMPILED_NIF") do
      value when value in [nil, "", "0", "false"] ->
        false

      value when value in ["1", "true"] ->
        true

      other ->
        raise ArgumentError,
              "PRECOMPILED_NIF must be unset, 0, false, 1 or true, got: #{inspect(other)}"
    end
  end

  @doc false
  @spec watched_files([Path.t()]) :: [Path.t()]
  def watched_files(sources) do
    sources
    |> Enum.flat_map(fn source ->
      if File.dir?(source) do
        Path.wildcard(Path.join(source, "**/{*.rs,Cargo.toml,Cargo.lock,rust-toolchain.toml}"))
      else
        if File.exists?(source), do: [source], else: []
      end
    end)
    |> Enum.reject(&String.contains?(&1, "/target/"))
    |> Enum.sort()
  end

  @doc false
  @spec digest([Path.t()]) :: binary()
  def digest(files) do
    files
    |> Enum.map(&[&1, File.read!(&1)])
    |> :erlang.md5()
  end

  @doc """
  The absolute path, without extension, of the library at `{otp_app, relative_path}`, or an
  error message that says how to provide it. The generated loader passes the path with `.so`
  to the NIF as its load data, so that it can report where it was loaded from.

      iex> {:ok, path} = Serdex.Native.locate({:serdex, "priv/native/libserdex_nif"})
      iex> Path.basename(path)
      "libserdex_nif"

      iex> {:error, message} = Serdex.Native.locate({:serdex, "priv/native/libnothing"})
      iex> message =~ "Serdex could not load its NIF: no library at"
      true
  """
  @spec locate({atom(), Path.t()}) :: {:ok, Path.t()} | {:error, String.t()}
  def locate({otp_app, relative}) do
    path = otp_app |> Application.app_dir(relative) |> Path.expand()
    file = path <> ".so"

    if File.exists?(file), do: {:ok, path}, else: {:error, missing_library_message(file)}
  end

  defp missing_library_message(file) do
    mode =
      if precompiled_requested?(),
        do: "PRECOMPILED_NIF is set, so cargo was not run",
        else: "the NIF was not built"

    """
    Serdex could not load its NIF: no library at #{file}
    (#{mode}). Either:
      * unset PRECOMPILED_NIF (or set it to 0) and recompile, so that cargo builds it, or
      * put the built library at that path, e.g. `cp target/release/libserdex_nif.so #{file}`.
    """
  end
end
