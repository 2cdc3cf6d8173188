//! Replays the fuzz corpus and the crash regressions under `fuzz/` through the same checks
//! as the fuzz targets, on the stable toolchain. Part of `cargo test`.

mod fuzz_checks;

use std::path::{Path, PathBuf};

fn files(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = files(target);
    assert!(!files.is_empty(), "no corpus for the {target} fuzz target");
    for path in files {
        let data = std::fs::read(&path).expect("a readable corpus file");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("fuzz case {} fails", path.display());
        }
    }
}

#[test]
fn decode_corpus_replays() {
    replay("decode", fuzz_checks::check_decode);
}

#[test]
fn encode_corpus_replays() {
    replay("encode", fuzz_checks::check_encode);
}
