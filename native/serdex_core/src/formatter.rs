//! Re-printing JSON text, minified or indented, while validating it. Keys keep their order
//! and numbers and strings keep their exact text. The layout is Jason's: the input may hold
//! several values ("records") one after another, and the separators are configurable.

use crate::error::{ErrorKind, ParseError};
use crate::parser::{self, Limits, Number, Sink, Str};

/// How to lay out the output; the texts need not be UTF-8.
#[derive(Debug, Clone)]
pub struct Layout {
    /// One level of indentation.
    pub indent: Vec<u8>,
    /// Written before each member of an array or object and before a closing bracket that
    /// follows a member.
    pub line_separator: Vec<u8>,
    /// Written between an array or object at the top level and an earlier one.
    pub record_separator: Vec<u8>,
    /// Written after the colon of each object member.
    pub after_colon: Vec<u8>,
}

impl Layout {
    /// Jason's `pretty_print/2` defaults, with `indent` as one level.
    pub fn pretty(indent: &str) -> Layout {
        Layout {
            indent: indent.as_bytes().to_vec(),
            line_separator: b"\n".to_vec(),
            record_separator: b"\n".to_vec(),
            after_colon: b" ".to_vec(),
        }
    }
}

/// Minified, records on lines of their own: Jason's `minimize/2`.
impl Default for Layout {
    fn default() -> Layout {
        Layout {
            indent: Vec::new(),
            line_separator: Vec::new(),
            record_separator: b"\n".to_vec(),
            after_colon: Vec::new(),
        }
    }
}

/// Parses `input`, zero or more JSON values separated by optional whitespace, and writes
/// them again with `layout`. As in Jason, only an array or object that follows an earlier
/// array or object gets the record separator; other values are written back to back.
pub fn format(input: &[u8], limits: Limits, layout: &Layout) -> Result<Vec<u8>, ParseError> {
    // Numbers are copied as written, never converted: their size and range do not matter.
    let limits = Limits {
        max_integer_digits: usize::MAX,
        ..limits
    };
    let mut sink = FormatSink {
        input,
        out: Vec::with_capacity(input.len()),
        layout,
        counts: Vec::new(),
        after_key: false,
    };
    let mut offset = skip_whitespace(input, 0);
    let mut after_container = false;
    while offset < input.len() {
        let record = &input[offset..];
        let container = matches!(record[0], b'[' | b'{');
        if container && after_container {
            sink.out.extend_from_slice(&layout.record_separator);
        }
        after_container |= container;
        sink.input = record;
        match parser::parse(record, limits, &mut sink) {
            Ok(()) => break,
            Err(error) if matches!(error.kind, ErrorKind::TrailingData(_)) => {
                offset += error.position;
            }
            Err(error) => return Err(ParseError::new(error.kind, offset + error.position)),
        }
    }
    Ok(sink.out)
}

fn skip_whitespace(input: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = input.get(i) {
        i += 1;
    }
    i
}

struct FormatSink<'a> {
    /// The record being parsed.
    input: &'a [u8],
    out: Vec<u8>,
    layout: &'a Layout,
    /// For each open container, how many members it has so far.
    counts: Vec<usize>,
    /// Whether the value about to be written follows its key.
    after_key: bool,
}

impl FormatSink<'_> {
    /// Writes what separates the next member from the previous one.
    fn before_member(&mut self) {
        if std::mem::take(&mut self.after_key) {
            return;
        }
        let Some(count) = self.counts.last_mut() else {
            return;
        };
        if *count > 0 {
            self.out.push(b',');
        }
        *count += 1;
        self.newline(self.counts.len());
    }

    fn newline(&mut self, depth: usize) {
        self.out.extend_from_slice(&self.layout.line_separator);
        // Minified, nothing is indented: skipping the loop keeps deep nesting linear.
        if !self.layout.indent.is_empty() {
            for _ in 0..depth {
                self.out.extend_from_slice(&self.layout.indent);
            }
        }
    }

    fn close(&mut self, bracket: u8) {
        let count = self.counts.pop().unwrap_or(0);
        if count > 0 {
            self.newline(self.counts.len());
        }
        self.out.push(bracket);
    }

    /// Copies the string's source text, escapes and all, which the parser has validated.
    fn write_str(&mut self, value: Str<'_>) {
        self.out.push(b'"');
        self.out
            .extend_from_slice(&self.input[value.start..value.end]);
        self.out.push(b'"');
    }
}

impl Sink for FormatSink<'_> {
    fn begin_array(&mut self) {
        self.before_member();
        self.out.push(b'[');
        self.counts.push(0);
    }

    fn end_array(&mut self) {
        self.close(b']');
    }

    fn begin_object(&mut self) {
        self.before_member();
        self.out.push(b'{');
        self.counts.push(0);
    }

    fn end_object(&mut self) {
        self.close(b'}');
    }

    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.before_member();
        self.write_str(key);
        self.out.push(b':');
        self.out.extend_from_slice(&self.layout.after_colon);
        self.after_key = true;
        Ok(())
    }

    fn string(&mut self, value: Str<'_>) {
        self.before_member();
        self.write_str(value);
    }

    fn number(&mut self, _value: Number<'_>, raw: &str) {
        self.before_member();
        self.out.extend_from_slice(raw.as_bytes());
    }

    // Floats as text: they are not converted, so `1e400` is as good as `1e40`.
    fn wants_decimals(&self) -> bool {
        true
    }

    fn decimal(&mut self, raw: &str) {
        self.number(Number::Int(0), raw);
    }

    fn boolean(&mut self, value: bool) {
        self.before_member();
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn null(&mut self) {
        self.before_member();
        self.out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, layout: &Layout) -> String {
        String::from_utf8(format(input.as_bytes(), Limits::default(), layout).unwrap()).unwrap()
    }

    #[test]
    fn minifies_and_keeps_key_order_and_number_text() {
        assert_eq!(
            run(
                " { \"b\" : [1.50, -0, 1E3] , \"a\":{} ,\"c\":[]} ",
                &Layout::default()
            ),
            r#"{"b":[1.50,-0,1E3],"a":{},"c":[]}"#
        );
    }

    #[test]
    fn pretty_prints_with_indent() {
        assert_eq!(
            run(
                r#"{"a":[1,{"b":null}],"c":"\u00e9"}"#,
                &Layout::pretty("  ")
            ),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": \"\\u00e9\"\n}"
        );
    }

    #[test]
    fn every_separator_is_configurable() {
        let layout = Layout {
            indent: b"-".to_vec(),
            line_separator: b"\r\n".to_vec(),
            record_separator: b"|".to_vec(),
            after_colon: Vec::new(),
        };
        assert_eq!(
            run(r#"{"a":[1]} {}"#, &layout),
            "{\r\n-\"a\":[\r\n--1\r\n-]\r\n}|{}"
        );
    }

    #[test]
    fn records_are_separated_as_jason_separates_them() {
        assert_eq!(run("[1] [2]{}", &Layout::default()), "[1]\n[2]\n{}");
        // Scalars never get a separator, nor does a container before the first container.
        assert_eq!(
            run(r#""s" 1 true [1] 2 [3]"#, &Layout::default()),
            "\"s\"1true[1]2\n[3]"
        );
        assert_eq!(run(" \r\n\t", &Layout::default()), "");
        assert_eq!(run("", &Layout::pretty("  ")), "");
    }

    #[test]
    fn numbers_are_copied_whatever_their_size() {
        let long = "9".repeat(5000);
        let input = format!("[1E400,-1e-999,{long}]");
        assert_eq!(run(&input, &Layout::default()), input);
    }

    #[test]
    fn rejects_invalid_input_with_position() {
        let error = format(b"[1,]", Limits::default(), &Layout::default()).unwrap_err();
        assert_eq!(error.position, 3);
        let error = format(b"[1] [2,]", Limits::default(), &Layout::default()).unwrap_err();
        assert_eq!(error.position, 7);
    }
}
