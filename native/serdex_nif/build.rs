// Records what the NIF was built for, so that `Serdex.nif_info/0` can report it.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    println!("cargo:rustc-env=SERDEX_TARGET={target}");
    println!("cargo:rustc-env=SERDEX_PROFILE={profile}");
    println!("cargo:rerun-if-changed=build.rs");
}
