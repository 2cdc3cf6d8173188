//! The checks behind the fuzz targets, shared with `tests/fuzz_corpus.rs`, which replays the
//! committed corpus on the stable toolchain (`cargo test`). A failed check panics, which
//! libFuzzer reports as a crash.

#![allow(dead_code)]

use serdex_core::bignum;
use serdex_core::error::{ErrorKind, ParseError};
use serdex_core::formatter::{self, Layout};
use serdex_core::parser::{self, Limits, Number, Sink, Str};
use serdex_core::writer::{self, Escape};

/// One parse event, owned, so that two parses can be compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    BeginArray,
    EndArray,
    BeginObject,
    EndObject,
    Key(String),
    Str(String),
    Int(i64),
    BigInt(bool, String),
    /// The bits, so that -0.0 and 0.0 differ.
    Float(u64),
    Bool(bool),
    Null,
}

#[derive(Default)]
pub struct EventSink {
    pub events: Vec<Event>,
}

impl Sink for EventSink {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.events.push(Event::BeginArray);
        Ok(())
    }
    fn end_array(&mut self) -> Result<(), ErrorKind> {
        self.events.push(Event::EndArray);
        Ok(())
    }
    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.events.push(Event::BeginObject);
        Ok(())
    }
    fn end_object(&mut self) -> Result<(), ErrorKind> {
        self.events.push(Event::EndObject);
        Ok(())
    }
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.events.push(Event::Key(key.text.to_string()));
        Ok(())
    }
    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.events.push(Event::Str(value.text.to_string()));
        Ok(())
    }
    fn number(&mut self, value: Number<'_>, raw: &str) -> Result<(), ErrorKind> {
        assert!(!raw.is_empty(), "a number has text");
        self.events.push(match value {
            Number::Int(int) => Event::Int(int),
            Number::Float(float) => {
                assert!(float.is_finite(), "{raw} parsed to {float}");
                Event::Float(float.to_bits())
            }
            Number::BigInt { negative, digits } => {
                // The bignum conversion must round-trip the digits exactly.
                let external = bignum::decimal_to_external(negative, digits);
                let back = bignum::external_to_decimal(&external).expect("a bignum encoding");
                let expected = if negative {
                    format!("-{digits}")
                } else {
                    digits.to_string()
                };
                assert_eq!(back, expected, "bignum round trip");
                Event::BigInt(negative, digits.to_string())
            }
        });
        Ok(())
    }
    fn boolean(&mut self, value: bool) -> Result<(), ErrorKind> {
        self.events.push(Event::Bool(value));
        Ok(())
    }
    fn null(&mut self) -> Result<(), ErrorKind> {
        self.events.push(Event::Null);
        Ok(())
    }
}

pub fn events(input: &[u8], limits: Limits) -> Result<Vec<Event>, ParseError> {
    let mut sink = EventSink::default();
    parser::parse(input, limits, &mut sink)?;
    Ok(sink.events)
}

/// Limits small enough that every fuzz input runs fast.
pub const LIMITS: Limits = Limits {
    max_depth: 256,
    max_integer_digits: 1024,
};

/// The decode target: parse arbitrary bytes; if they are JSON, the minified and the
/// pretty-printed forms must parse to the same events, and minifying is idempotent. The
/// verdict must agree with serde_json's when serde_json's own limits are not involved.
pub fn check_decode(input: &[u8]) {
    let parsed = events(input, LIMITS);
    match &parsed {
        Err(error) => {
            assert!(
                error.position <= input.len(),
                "error position {} beyond input of {} bytes",
                error.position,
                input.len()
            );
            // The formatter rejects the same inputs at the same position, except that it
            // takes several values in a row, or none, and numbers of any size and range.
            let formatted = formatter::format(input, LIMITS, &Layout::default());
            let blank = input.iter().all(|byte| b" \n\r\t".contains(byte));
            let lenient = matches!(
                error.kind,
                ErrorKind::TrailingData(_)
                    | ErrorKind::NumberOutOfRange
                    | ErrorKind::TooManyDigits(_)
            );
            if !blank && !lenient {
                assert_eq!(formatted.err().as_ref(), Some(error), "formatter verdict");
            }
        }
        Ok(expected) => {
            let minified = formatter::format(input, LIMITS, &Layout::default())
                .expect("the formatter accepts what the parser accepts");
            assert_eq!(
                events(&minified, LIMITS).as_ref(),
                Ok(expected),
                "minified output parses to the same events"
            );
            let pretty = formatter::format(input, LIMITS, &Layout::pretty("\t"))
                .expect("pretty printing accepts what the parser accepts");
            assert_eq!(
                events(&pretty, LIMITS).as_ref(),
                Ok(expected),
                "pretty output parses to the same events"
            );
            let again = formatter::format(&pretty, LIMITS, &Layout::default()).unwrap();
            assert_eq!(again, minified, "minify(pretty(x)) == minify(x)");
        }
    }
    compare_with_serde_json(input, &parsed);
}

fn compare_with_serde_json(input: &[u8], parsed: &Result<Vec<Event>, ParseError>) {
    if let Err(error) = parsed
        && matches!(
            error.kind,
            ErrorKind::TooDeep(_) | ErrorKind::TooManyDigits(_)
        )
    {
        return;
    }
    // serde_json nests at most 128 levels and reads big integers as floats.
    let depth = input.iter().filter(|&&b| b == b'[' || b == b'{').count();
    if depth >= 100 {
        return;
    }
    let theirs = serde_json::from_slice::<serde_json::Value>(input);
    if let Err(error) = &theirs
        && error.to_string().contains("number out of range")
    {
        // serde_json reads integers that overflow u64 as floats, and so rejects those
        // beyond f64; we keep them exact.
        return;
    }
    assert_eq!(
        parsed.is_ok(),
        theirs.is_ok(),
        "verdicts differ: ours {:?}, serde_json {:?}",
        parsed.as_ref().err(),
        theirs.err()
    );
}

/// A JSON value built from fuzz bytes, for the encode target.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Reads fuzz bytes as a little program that builds a value. Never fails: every byte string
/// is some value. Nesting stops at `LIMITS.max_depth - 1`.
pub fn build_value(data: &[u8]) -> Value {
    let mut reader = Reader { data, pos: 0 };
    reader.value(0)
}

struct Reader<'d> {
    data: &'d [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let byte = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        byte
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        let start = self.pos.min(self.data.len());
        let end = (self.pos + n).min(self.data.len());
        self.pos += n;
        &self.data[start..end]
    }

    fn string(&mut self) -> String {
        let len = usize::from(self.byte() % 32);
        String::from_utf8_lossy(self.bytes(len)).into_owned()
    }

    fn u64(&mut self) -> u64 {
        let mut word = [0u8; 8];
        let bytes = self.bytes(8);
        word[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(word)
    }

    fn value(&mut self, depth: usize) -> Value {
        if self.pos >= self.data.len() {
            return Value::Null;
        }
        match self.byte() % 8 {
            0 => Value::Null,
            1 => Value::Bool(self.byte() % 2 == 1),
            2 => Value::Int(self.u64() as i64),
            3 => {
                let float = f64::from_bits(self.u64());
                Value::Float(if float.is_finite() { float } else { 0.5 })
            }
            4 | 5 => Value::Str(self.string()),
            6 if depth + 1 < LIMITS.max_depth => {
                let len = self.byte() % 8;
                Value::Array((0..len).map(|_| self.value(depth + 1)).collect())
            }
            7 if depth + 1 < LIMITS.max_depth => {
                let len = self.byte() % 8;
                Value::Object(
                    (0..len)
                        .map(|_| (self.string(), self.value(depth + 1)))
                        .collect(),
                )
            }
            _ => Value::Null,
        }
    }
}

pub fn write_value(out: &mut Vec<u8>, value: &Value, escape: Escape) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(int) => writer::write_i64(out, *int),
        Value::Float(float) => writer::write_f64(out, *float),
        Value::Str(text) => writer::write_string(out, text, escape),
        Value::Array(members) => {
            out.push(b'[');
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, member, escape);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            out.push(b'{');
            for (i, (key, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                writer::write_string(out, key, escape);
                out.push(b':');
                write_value(out, member, escape);
            }
            out.push(b'}');
        }
    }
}

fn expected_events(value: &Value, events: &mut Vec<Event>) {
    match value {
        Value::Null => events.push(Event::Null),
        Value::Bool(b) => events.push(Event::Bool(*b)),
        Value::Int(int) => events.push(Event::Int(*int)),
        Value::Float(float) => events.push(Event::Float(float.to_bits())),
        Value::Str(text) => events.push(Event::Str(text.clone())),
        Value::Array(members) => {
            events.push(Event::BeginArray);
            for member in members {
                expected_events(member, events);
            }
            events.push(Event::EndArray);
        }
        Value::Object(members) => {
            events.push(Event::BeginObject);
            for (key, member) in members {
                events.push(Event::Key(key.clone()));
                expected_events(member, events);
            }
            events.push(Event::EndObject);
        }
    }
}

/// The encode target: a value written with every escaping mode must parse back to exactly
/// the value, be ASCII where the mode promises it, and be left unchanged by minifying.
pub fn check_encode(data: &[u8]) {
    let value = build_value(data);
    let mut expected = Vec::new();
    expected_events(&value, &mut expected);
    for escape in [
        Escape::Json,
        Escape::UnicodeSafe,
        Escape::JavascriptSafe,
        Escape::HtmlSafe,
    ] {
        let mut out = Vec::new();
        write_value(&mut out, &value, escape);
        let text = std::str::from_utf8(&out).expect("the writer produces UTF-8");
        match escape {
            Escape::Json => {}
            Escape::UnicodeSafe => assert!(text.is_ascii(), "unicode_safe output is ASCII"),
            Escape::JavascriptSafe => {
                assert!(!text.contains(['\u{2028}', '\u{2029}']), "{text}")
            }
            Escape::HtmlSafe => assert!(!text.contains(['<', '\u{2028}']), "{text}"),
        }
        assert_eq!(
            events(&out, LIMITS).as_ref(),
            Ok(&expected),
            "{escape:?} output {text} parses back to the value"
        );
        let minified = formatter::format(&out, LIMITS, &Layout::default()).unwrap();
        assert_eq!(minified, out, "the writer's output is already minimal");
    }
}
