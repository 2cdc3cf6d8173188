//! Tests of the BEAM-free core: the parser, the formatter and the writer.

use proptest::prelude::*;
use serde_json::Value;

use crate::error::{ErrorKind, ParseError};
use crate::formatter::{self, Formatter, Layout};
use crate::parser::{self, Limits, Number, Parser, Sink, Status, Str};
use crate::slice::{Looks, Unmetered};
use crate::writer;

/// Builds a `serde_json::Value`, so that our parser can be compared with serde_json's.
#[derive(Default)]
struct ValueSink {
    values: Vec<Value>,
    starts: Vec<usize>,
}

impl Sink for ValueSink {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.starts.push(self.values.len());
        Ok(())
    }
    fn end_array(&mut self) -> Result<(), ErrorKind> {
        let start = self.starts.pop().unwrap();
        let members = self.values.split_off(start);
        self.values.push(Value::Array(members));
        Ok(())
    }
    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.starts.push(self.values.len());
        Ok(())
    }
    fn end_object(&mut self) -> Result<(), ErrorKind> {
        let start = self.starts.pop().unwrap();
        let members = self.values.split_off(start);
        let mut map = serde_json::Map::new();
        for pair in members.chunks(2) {
            map.insert(pair[0].as_str().unwrap().to_string(), pair[1].clone());
        }
        self.values.push(Value::Object(map));
        Ok(())
    }
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.values.push(Value::String(key.text.to_string()));
        Ok(())
    }
    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.values.push(Value::String(value.text.to_string()));
        Ok(())
    }
    fn number(&mut self, value: Number<'_>, raw: &str) -> Result<(), ErrorKind> {
        self.values.push(match value {
            Number::Int(int) => Value::from(int),
            Number::Float(float) => Value::from(float),
            // serde_json has no exact form beyond 64 bits; the text stands in for the value.
            Number::BigInt { .. } => match raw.parse::<u64>() {
                Ok(unsigned) => Value::from(unsigned),
                Err(_) => Value::String(raw.to_string()),
            },
        });
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

fn parse_value(input: &str) -> Result<Value, ParseError> {
    let mut sink = ValueSink::default();
    parser::parse(input.as_bytes(), Limits::default(), &mut sink)?;
    Ok(sink.values.pop().unwrap())
}

/// Parses `input` stopping after every step, and counts the stops.
fn parse_in_steps(input: &[u8]) -> (Result<Value, ParseError>, usize) {
    let mut parser = Parser::new(Limits::default());
    let mut sink = ValueSink::default();
    let mut stops = 0;
    loop {
        match parser.resume(input, &mut sink, &mut Looks(0)) {
            Ok(Status::Done) => return (Ok(sink.values.pop().unwrap()), stops),
            Ok(Status::Paused) => stops += 1,
            Err(error) => return (Err(error), stops),
        }
    }
}

fn format_in_steps(input: &[u8], layout: Layout, max_bytes: usize) -> Result<Vec<u8>, ParseError> {
    let mut formatter = Formatter::new(Limits::default(), layout, max_bytes);
    while formatter.resume(input, &mut Looks(0))? == Status::Paused {}
    Ok(formatter.into_parts().concat())
}

fn parse_error(input: &[u8]) -> ParseError {
    let mut sink = ValueSink::default();
    parser::parse(input, Limits::default(), &mut sink).unwrap_err()
}

/// Records numbers exactly as the parser classified them; with `decimals`, floats as text.
#[derive(Default)]
struct NumberSink(Vec<String>, bool);

impl Sink for NumberSink {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn end_array(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn end_object(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn key(&mut self, _: Str<'_>) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn string(&mut self, _: Str<'_>) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn number(&mut self, value: Number<'_>, _: &str) -> Result<(), ErrorKind> {
        self.0.push(match value {
            Number::Int(int) => format!("int {int}"),
            Number::BigInt { negative, digits } => {
                format!("big {} {digits}", if negative { "-" } else { "+" })
            }
            Number::Float(float) => format!("float {float:e}"),
        });
        Ok(())
    }
    fn boolean(&mut self, _: bool) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn null(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn wants_decimals(&self) -> bool {
        self.1
    }
    fn decimal(&mut self, raw: &str) -> Result<(), ErrorKind> {
        self.0.push(format!("decimal {raw}"));
        Ok(())
    }
}

fn numbers(input: &str) -> Vec<String> {
    let mut sink = NumberSink::default();
    parser::parse(input.as_bytes(), Limits::default(), &mut sink).unwrap();
    sink.0
}

#[test]
fn parses_every_kind_of_value() {
    let input = r#" {"a": [1, -2.5, true, false, null, "x\ty"], "b": {}} "#;
    assert_eq!(
        parse_value(input).unwrap(),
        serde_json::from_str::<Value>(input).unwrap()
    );
}

#[test]
fn keeps_integers_beyond_64_bits_exact() {
    assert_eq!(
        numbers(
            "[9223372036854775807, -9223372036854775808, 9223372036854775808, -18446744073709551616, 123456789012345678901234567890]"
        ),
        vec![
            "int 9223372036854775807",
            "int -9223372036854775808",
            "big + 9223372036854775808",
            "big - 18446744073709551616",
            "big + 123456789012345678901234567890",
        ]
    );
}

#[test]
fn rounds_exotic_floats_correctly() {
    assert_eq!(
        numbers(
            "[2.2250738585072011e-308, 4.9e-324, 1e-400, -0.0, 0.1e1, 1.7976931348623157e308, 9007199254740993.0]"
        ),
        vec![
            "float 2.225073858507201e-308",
            "float 5e-324",
            "float 0e0",
            "float -0e0",
            "float 1e0",
            "float 1.7976931348623157e308",
            "float 9.007199254740992e15",
        ]
    );
}

#[test]
fn rejects_floats_that_overflow() {
    assert_eq!(parse_error(b"[1e400]").kind, ErrorKind::NumberOutOfRange);
    assert_eq!(parse_error(b"-1.8e308").position, 0);
}

#[test]
fn floats_reach_a_sink_that_wants_decimals_as_text_of_any_range() {
    let mut sink = NumberSink(Vec::new(), true);
    parser::parse(b"[1.10, -1e400, 1E-999, 7]", Limits::default(), &mut sink).unwrap();
    assert_eq!(
        sink.0,
        vec!["decimal 1.10", "decimal -1e400", "decimal 1E-999", "int 7"]
    );
}

#[test]
fn decimals_are_bounded_like_integers() {
    let limits = Limits {
        max_integer_digits: 4,
        ..Limits::default()
    };
    for (input, ok) in [
        ("12.34", true),
        ("12.345", false),
        ("1e1234", true),
        ("1e12345", false),
    ] {
        let mut sink = NumberSink(Vec::new(), true);
        let result = parser::parse(input.as_bytes(), limits, &mut sink);
        assert_eq!(result.is_ok(), ok, "{input}");
        if let Err(error) = result {
            assert_eq!(error.kind, ErrorKind::TooManyDigits(4));
        }
    }
}

#[test]
fn rejects_integers_with_too_many_digits() {
    let input = "1".repeat(1025);
    assert_eq!(
        parse_error(input.as_bytes()).kind,
        ErrorKind::TooManyDigits(1024)
    );
    assert!(parse_value(&"1".repeat(1024)).is_ok());
}

#[test]
fn rejects_malformed_numbers_and_literals() {
    for input in [
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "NaN",
        "Infinity",
        "-Infinity",
        "tru",
        "nul",
    ] {
        assert!(parse_value(input).is_err(), "{input} should be rejected");
    }
}

#[test]
fn decodes_unicode_escapes_and_surrogate_pairs() {
    assert_eq!(
        parse_value(r#""\u00e9\u20AC\ud83d\ude00\/""#).unwrap(),
        Value::String("é€😀/".into())
    );
}

#[test]
fn rejects_lone_and_reversed_surrogates() {
    for input in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        r#""\udc00\ud800""#,
        r#""\ud800x""#,
    ] {
        let error = parse_error(input.as_bytes());
        assert!(
            matches!(error.kind, ErrorKind::LoneSurrogate(_)),
            "{input}: {error:?}"
        );
        assert_eq!(error.position, 1);
    }
}

#[test]
fn rejects_bad_escapes() {
    assert_eq!(parse_error(br#""\x""#).kind, ErrorKind::InvalidEscape);
    assert_eq!(
        parse_error(br#""\u12G4""#).kind,
        ErrorKind::InvalidUnicodeEscape
    );
    assert_eq!(
        parse_error(br#""\u12""#).kind,
        ErrorKind::InvalidUnicodeEscape
    );
}

#[test]
fn rejects_invalid_utf8_with_its_position() {
    for (input, position) in [
        (&b"\"ab\xff\""[..], 3),
        (&b"\"\xc0\xaf\""[..], 1),
        (&b"\"\xed\xa0\x80\""[..], 1),
        (&b"\"a\\n\xe2\x82\""[..], 4),
        (&b"[\"\xf4\x90\x80\x80\"]"[..], 2),
    ] {
        let error = parse_error(input);
        assert_eq!(error.kind, ErrorKind::InvalidUtf8);
        assert_eq!(error.position, position, "{input:?}");
    }
}

#[test]
fn rejects_unescaped_control_characters() {
    assert!(matches!(
        parse_error(b"\"a\x01\"").kind,
        ErrorKind::ControlCharacter(_)
    ));
    assert!(matches!(
        parse_error(b"\"a\nb\"").kind,
        ErrorKind::ControlCharacter(_)
    ));
}

#[test]
fn reports_the_position_of_syntax_errors() {
    let error = parse_error(br#"{"a": 1,}"#);
    assert_eq!(error.position, 8);
    assert_eq!(
        error.kind.to_string(),
        "unexpected character '}', expected a string key"
    );
    assert_eq!(parse_error(b"[1 2]").position, 3);
    assert_eq!(parse_error(b"").kind, ErrorKind::UnexpectedEnd("a value"));
    assert_eq!(parse_error(b"  ").position, 2);
    assert!(matches!(
        parse_error(b"{} x").kind,
        ErrorKind::TrailingData(_)
    ));
    assert!(matches!(
        parse_error(b"\xEF\xBB\xBF{}").kind,
        ErrorKind::UnexpectedByte { .. }
    ));
}

#[test]
fn bounds_nesting_without_recursion() {
    let deep = "[".repeat(1_000_000);
    assert_eq!(parse_error(deep.as_bytes()).kind, ErrorKind::TooDeep(1024));
    let objects = "{\"a\":".repeat(1_000_000);
    assert_eq!(
        parse_error(objects.as_bytes()).kind,
        ErrorKind::TooDeep(1024)
    );
    let allowed = format!("{}{}", "[".repeat(1024), "]".repeat(1024));
    assert!(parse_value(&allowed).is_ok());
    let limits = Limits {
        max_depth: 2_000_000,
        max_integer_digits: 10,
    };
    let very_deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    assert!(parser::parse(very_deep.as_bytes(), limits, &mut NumberSink::default()).is_ok());
}

#[test]
fn long_strings_are_read_in_bounded_steps() {
    // Characters of every UTF-8 length, with escapes, straddling the 64 KiB step boundaries.
    let text: String = "aé€😀\"\\\n".repeat(20_000);
    let input = serde_json::to_string(&vec![text.clone(), text]).unwrap();
    let (value, stops) = parse_in_steps(input.as_bytes());
    assert_eq!(
        value.unwrap(),
        serde_json::from_str::<Value>(&input).unwrap()
    );
    assert!(stops >= input.len() / (64 * 1024), "{stops} stops");

    // Without escapes, shifted so that a step ends inside a character.
    for shift in 0..4 {
        let text = format!("{}{}", "a".repeat(shift), "é€😀".repeat(20_000));
        let (value, stops) = parse_in_steps(format!("\"{text}\"").as_bytes());
        assert_eq!(value.unwrap(), Value::String(text));
        assert!(stops >= 3);
    }
}

#[test]
fn errors_are_found_at_the_same_position_in_steps() {
    let mut cases: Vec<Vec<u8>> = vec![
        br#"{"a": 1,}"#.to_vec(),
        b"[1 2]".to_vec(),
        b"  ".to_vec(),
        b"{} x".to_vec(),
        br#"{"a" 1}"#.to_vec(),
        br#"["\x"]"#.to_vec(),
    ];
    // Invalid UTF-8 and a control character far into a long string, and a truncated one.
    for bad in [&b"\xC3("[..], b"\x01", b"\xE2\x82"] {
        for offset in [65_534, 65_535, 65_536, 200_000] {
            let mut input = b"[\"".to_vec();
            input.extend(std::iter::repeat_n(b'a', offset));
            input.extend_from_slice(bad);
            input.extend_from_slice(b"\"]");
            cases.push(input);
        }
    }
    cases.push(format!("[\"{}", "a".repeat(300_000)).into_bytes());
    cases.push(format!("[{}", " ".repeat(300_000)).into_bytes());
    for input in cases {
        assert_eq!(parse_in_steps(&input).0.unwrap_err(), parse_error(&input));
    }
}

#[test]
fn long_runs_of_whitespace_are_skipped_in_bounded_steps() {
    let input = format!(
        "{0}[{0}1{0},{0}{{{0}\"a\"{0}:{0}2{0}}}{0}]{0}",
        " ".repeat(200_000)
    );
    let (value, stops) = parse_in_steps(input.as_bytes());
    assert_eq!(value.unwrap(), serde_json::json!([1, {"a": 2}]));
    assert!(stops >= 3 * 11, "{stops} stops");
}

#[test]
fn output_past_its_limit_is_an_error() {
    let input = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
    let layout = Layout::pretty("  ");
    let full = formatter::format(input.as_bytes(), Limits::default(), &layout).unwrap();
    let limit = full.len() - 1;
    let error = format_in_steps(input.as_bytes(), layout.clone(), limit).unwrap_err();
    assert_eq!(error.kind, ErrorKind::OutputTooLarge(limit));
    assert_eq!(
        format_in_steps(input.as_bytes(), layout, full.len()).unwrap(),
        full
    );
}

#[test]
fn long_output_is_written_in_parts() {
    let input = serde_json::to_string(&(0..300_000).collect::<Vec<u32>>()).unwrap();
    let layout = Layout::pretty("    ");
    let mut formatter = Formatter::new(Limits::default(), layout, usize::MAX);
    while formatter.resume(input.as_bytes(), &mut Looks(0)).unwrap() == Status::Paused {}
    let parts = formatter.into_parts();
    assert!(parts.len() > 2);
    assert!(parts.iter().all(|part| part.len() < formatter::PART + 64));
    let text = parts.concat();
    assert_eq!(
        serde_json::from_slice::<Value>(&text).unwrap(),
        serde_json::from_str::<Value>(&input).unwrap()
    );
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The digits of a number's text without its sign, point, exponent and padding zeros.
fn significant_digits(text: &str) -> String {
    let mantissa = text.split('e').next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_matches('0').to_string()
}

proptest! {
    #[test]
    fn parses_what_serde_json_writes(value in arbitrary_json()) {
        let text = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(parse_value(&text).unwrap(), value);
    }

    #[test]
    fn formatting_round_trips(value in arbitrary_json(), pretty in any::<bool>()) {
        let text = serde_json::to_string(&value).unwrap();
        let layout = if pretty { Layout::pretty("  ") } else { Layout::default() };
        let formatted = formatter::format(text.as_bytes(), Limits::default(), &layout).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Value>(&formatted).unwrap(), value);
    }

    #[test]
    fn parsing_in_steps_gives_the_same_value(value in arbitrary_json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        prop_assert_eq!(parse_in_steps(text.as_bytes()).0.unwrap(), value);
    }

    #[test]
    fn formatting_in_steps_gives_the_same_text(value in arbitrary_json(), pretty in any::<bool>()) {
        let text = serde_json::to_string(&value).unwrap();
        let layout = if pretty { Layout::pretty("\t") } else { Layout::default() };
        let whole = formatter::format(text.as_bytes(), Limits::default(), &layout).unwrap();
        prop_assert_eq!(format_in_steps(text.as_bytes(), layout, usize::MAX).unwrap(), whole);
    }

    #[test]
    fn arbitrary_bytes_fail_alike_in_steps(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut sink = ValueSink::default();
        let whole = parser::parse(&bytes, Limits::default(), &mut sink).map(|()| sink.values.pop().unwrap());
        prop_assert_eq!(parse_in_steps(&bytes).0, whole);
    }

    #[test]
    fn integers_are_written_as_rust_prints_them(value in any::<i64>(), prefix in 0..40usize) {
        let mut out = vec![b'x'; prefix];
        writer::write_i64(&mut out, value);
        prop_assert_eq!(out[prefix..].to_vec(), value.to_string().into_bytes());
    }

    #[test]
    fn floats_are_written_shortest_and_read_back_exactly(bits in any::<u64>(), prefix in 0..40usize) {
        let value = f64::from_bits(bits);
        prop_assume!(value.is_finite());
        // Text already in the buffer must be kept, whatever its length.
        let mut out = vec![b'x'; prefix];
        writer::write_f64(&mut out, value);
        prop_assert!(out[..prefix].iter().all(|&byte| byte == b'x'));
        let text = std::str::from_utf8(&out[prefix..]).unwrap();
        prop_assert!(text.contains(['.', 'e']), "{} would read back as an integer", text);
        prop_assert_eq!(text.parse::<f64>().unwrap().to_bits(), bits);
        let shortest = ryu::Buffer::new().format_finite(value).to_string();
        prop_assert_eq!(significant_digits(text), significant_digits(&shortest), "{} is not the shortest form", text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut sink = ValueSink::default();
        let ours = parser::parse(&bytes, Limits::default(), &mut sink).is_ok();
        let theirs = serde_json::from_slice::<Value>(&bytes).is_ok();
        // serde_json limits nesting to 128; these inputs are far shallower, so both must agree.
        prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn after_a_pause_the_last_bytes_of_the_input_get_a_slice_of_their_own() {
    let input = format!("[{}1]", "1,".repeat(100_000));
    let input = input.as_bytes();
    let mut parser = Parser::new(Limits::default()).with_last_slice(10_000);
    let mut sink = ValueSink::default();
    let resume = |parser: &mut Parser, sink: &mut ValueSink, looks| match looks {
        Some(looks) => parser.resume(input, sink, &mut Looks(looks)),
        None => parser.resume(input, sink, &mut Unmetered),
    };
    assert_eq!(resume(&mut parser, &mut sink, Some(0)), Ok(Status::Paused));
    assert!(parser.position() < input.len() - 10_000);
    // The next slice would run to the end, but stops where the last 10,000 bytes begin.
    assert_eq!(resume(&mut parser, &mut sink, None), Ok(Status::Paused));
    assert!(parser.position() >= input.len() - 10_000);
    assert!(parser.position() < input.len() - 9_000);
    assert_eq!(resume(&mut parser, &mut sink, None), Ok(Status::Done));
    assert_eq!(
        sink.values.pop().unwrap().as_array().map(Vec::len),
        Some(100_001)
    );
}

#[test]
fn a_parse_that_never_paused_runs_to_its_end_in_one_slice() {
    let input = format!("[{}1]", "1,".repeat(100_000));
    let mut parser = Parser::new(Limits::default()).with_last_slice(10_000);
    let mut sink = ValueSink::default();
    let status = parser.resume(input.as_bytes(), &mut sink, &mut Unmetered);
    assert_eq!(status, Ok(Status::Done));
}
