//! The ceiling reference: serde_json on the bench corpus next to serdex_core doing the same
//! work without the BEAM. Run from the repository root with
//!
//!     cargo bench -p serdex_nif --bench corpus
//!
//! `BENCH_FILES=govtrack,canada` restricts the files; `BENCH_DATA` overrides the corpus
//! directory (default `../shared/data/bench` relative to the repository root).
//!
//! Benchmarks per file (throughput in MB/s, 10^6 bytes of JSON text per second):
//! * `serde_json/from_slice`: parse into `serde_json::Value`
//! * `serde_json/to_vec`: write that `Value` back (compact)
//! * `serdex/parse_count`: our parser with a sink that only counts events (the parse itself)
//! * `serdex/parse_tree`: our parser building a `serde_json::Value` tree (like `from_slice`)
//! * `serdex/write`: our writers (`writer::write_string`, `write_i64`, `write_f64`) walking
//!   the `Value` (what the NIF encoder does, minus reading BEAM terms)
//! * `serdex/minify`: `formatter::format` without indentation (parse + write, no tree)

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Map, Value};
use serdex_core::error::ErrorKind;
use serdex_core::formatter::{self, Layout};
use serdex_core::parser::{self, Limits, Number, Sink, Str};
use serdex_core::writer::{self, Escape};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // CARGO_MANIFEST_DIR is native/serdex_nif; the corpus sits next to the repository.
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/bench")
        });
    let only: Option<Vec<String>> = std::env::var("BENCH_FILES")
        .ok()
        .filter(|s| !s.is_empty())
        .map(|s| s.split(',').map(|p| p.trim().to_string()).collect());
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus at {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            if let Some(only) = &only
                && !only.contains(&name)
            {
                return None;
            }
            let bytes = std::fs::read(&path).ok()?;
            Some((name, bytes))
        })
        .collect();
    files.sort();
    files
}

/// Counts events: the cost of parsing alone.
#[derive(Default)]
struct CountSink {
    events: usize,
    bytes: usize,
}

impl Sink for CountSink {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
    fn end_array(&mut self) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
    fn end_object(&mut self) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.bytes += key.text.len();
        Ok(())
    }
    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.bytes += value.text.len();
        Ok(())
    }
    fn number(&mut self, value: Number<'_>, _raw: &str) -> Result<(), ErrorKind> {
        if let Number::Float(f) = value {
            self.bytes += f.is_sign_negative() as usize;
        }
        self.events += 1;
        Ok(())
    }
    fn boolean(&mut self, _value: bool) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
    fn null(&mut self) -> Result<(), ErrorKind> {
        self.events += 1;
        Ok(())
    }
}

/// Builds a `serde_json::Value`, the same way the NIF's sink builds terms: finished values
/// wait on a stack until their container closes.
#[derive(Default)]
struct TreeSink {
    values: Vec<Value>,
    keys: Vec<String>,
    starts: Vec<(usize, usize)>,
}

impl Sink for TreeSink {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.starts.push((self.values.len(), self.keys.len()));
        Ok(())
    }
    fn end_array(&mut self) -> Result<(), ErrorKind> {
        let (start, _) = self.starts.pop().unwrap_or_default();
        let members = self.values.split_off(start);
        self.values.push(Value::Array(members));
        Ok(())
    }
    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.starts.push((self.values.len(), self.keys.len()));
        Ok(())
    }
    fn end_object(&mut self) -> Result<(), ErrorKind> {
        let (start, key_start) = self.starts.pop().unwrap_or_default();
        let mut map = Map::new();
        for (key, value) in self.keys.drain(key_start..).zip(self.values.drain(start..)) {
            map.insert(key, value);
        }
        self.values.push(Value::Object(map));
        Ok(())
    }
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.keys.push(key.text.to_string());
        Ok(())
    }
    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.values.push(Value::String(value.text.to_string()));
        Ok(())
    }
    fn number(&mut self, value: Number<'_>, raw: &str) -> Result<(), ErrorKind> {
        let number = match value {
            Number::Int(i) => Value::from(i),
            Number::Float(f) => Value::from(f),
            Number::BigInt { .. } => Value::String(raw.to_string()),
        };
        self.values.push(number);
        Ok(())
    }
    fn boolean(&mut self, value: bool) -> Result<(), ErrorKind> {
        self.values.push(Value::Bool(value));
        Ok(())
    }
    fn null(&mut self) -> Result<(), ErrorKind> {
        self.values.push(Value::Null);
        Ok(())
    }
}

fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                writer::write_i64(out, i);
            } else if let Some(u) = n.as_u64() {
                writer::write_u64(out, u);
            } else {
                writer::write_f64(out, n.as_f64().unwrap_or_default());
            }
        }
        Value::String(s) => writer::write_string(out, s, Escape::Json),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                writer::write_string(out, key, Escape::Json);
                out.push(b':');
                write_value(out, item);
            }
            out.push(b'}');
        }
    }
}

fn bench_corpus(c: &mut Criterion) {
    let files = corpus();
    assert!(!files.is_empty(), "no corpus files");
    for (name, input) in &files {
        let value: Value = serde_json::from_slice(input).expect("the corpus is valid JSON");
        let mut group = c.benchmark_group(name.as_str());
        group.throughput(Throughput::BytesDecimal(input.len() as u64));
        group.bench_function("serde_json/from_slice", |b| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(input)).unwrap())
        });
        group.bench_function("serde_json/to_vec", |b| {
            b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
        });
        group.bench_function("serdex/parse_count", |b| {
            b.iter(|| {
                let mut sink = CountSink::default();
                parser::parse(black_box(input), Limits::default(), &mut sink).unwrap();
                (sink.events, sink.bytes)
            })
        });
        group.bench_function("serdex/parse_tree", |b| {
            b.iter(|| {
                let mut sink = TreeSink::default();
                parser::parse(black_box(input), Limits::default(), &mut sink).unwrap();
                sink.values.pop()
            })
        });
        group.bench_function("serdex/write", |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(256);
                write_value(&mut out, black_box(&value));
                out
            })
        });
        group.bench_function("serdex/minify", |b| {
            b.iter(|| {
                formatter::format(black_box(input), Limits::default(), &Layout::default()).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = bench_corpus
}
criterion_main!(benches);
