defmodule Serdex.Native.Cargo do
  @moduledoc """
  The live path of `Serdex.Native`: builds the crate with cargo and installs the library
  into the application's `priv/native`.
  """

  @doc """
  Runs `cargo build` for `config.crate` and copies the resulting library to
  `priv/native/lib<crate>.so` of the project being compiled. Raises with cargo's exit status
  when the build fails; cargo's own diagnostics go to the terminal. Returns the path of the
  installed library.
  """
  @spec build!(Serdex.Native.config()) :: Path.t()
  def build!(config) do
    cargo = System.find_executable("cargo") || raise_no_cargo()
    args = build_args(config)

    Mix.shell().info("Compiling NIF crate #{config.crate} (#{config.mode}) with cargo")

    {output, status} =
      System.cmd(cargo, args, stderr_to_stdout: false, env: [{"CARGO_TERM_COLOR", "always"}])

    if status != 0 do
      Mix.raise("cargo build of #{config.crate} failed with exit status #{status}")
    end

    library = library_path(output, config.crate)
    install(library, config)
  end

  @doc false
  @spec build_args(Serdex.Native.config()) :: [String.t()]
  def build_args(config) do
    ["build", "--manifest-path", Path.join(config.path, "Cargo.toml")] ++
      ["--message-format", "json-render-diagnostics"] ++
      if(config.mode == :release, do: ["--release"], else: []) ++
      if(config.target, do: ["--target", config.target], else: [])
  end

  # cargo reports each artifact as a JSON line; the cdylib's line names the built library.
  defp library_path(output, crate) do
    output
    |> String.split("\n")
    |> Enum.filter(&(&1 =~ ~s("reason":"compiler-artifact") and &1 =~ ~s("cdylib")))
    |> Enum.find_value(fn line ->
      with true <- line =~ ~s("name":"#{crate}"),
           [_, files] <- Regex.run(~r/"filenames":\[([^\]]*)\]/, line) do
        files
        |> String.split(",")
        |> Enum.map(&String.trim(&1, ~s(")))
        |> Enum.find(&String.ends_with?(&1, [".so", ".dylib", ".dll"]))
      else
        _ -> nil
      end
    end) || Mix.raise("cargo did not report a cdylib for crate #{crate}")
  end

  defp install(library, config) do
    {_app, relative} = config.load_from
    destination = Path.expand(relative <> ".so")
    File.mkdir_p!(Path.dirname(destination))

    # Replace the file by renaming a copy over it, so that a VM that has the old library
    # mapped keeps a consistent image.
    temporary = destination <> ".tmp"
    File.cp!(library, temporary)
    File.rename!(temporary, destination)

    # The first compilation creates priv/ after Mix has laid out _build; link it there now.
    Mix.Project.build_structure()
    destination
  end

  @spec raise_no_cargo() :: no_return()
  defp raise_no_cargo do
    Mix.raise("""
    cargo was not found on PATH, so the NIF cannot be compiled.
    Install Rust (https://rustup.rs), or set PRECOMPILED_NIF=1 and put a built
    libserdex_nif.so in priv/native.
    """)
  end
end
