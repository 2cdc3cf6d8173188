//! `cargo +nightly fuzz run decode` (from native/serdex_core). The checks live in
//! `tests/fuzz_checks`, shared with the stable replay in `tests/fuzz_corpus.rs`.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::check_decode(data));
