//! Re-printing a JSON text, minified or indented, while validating it. Keys keep their
//! order and numbers keep their exact text.

use crate::error::{ErrorKind, ParseError};
use crate::parser::{self, Limits, Number, Sink, Str};

/// How to lay out the output.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// `None` for minified output, otherwise the text of one indentation level.
    pub indent: Option<String>,
}

/// Parses `input` and writes it again with `layout`.
pub fn format(input: &[u8], limits: Limits, layout: &Layout) -> Result<Vec<u8>, ParseError> {
    let mut sink = FormatSink {
        input,
        out: Vec::with_capacity(input.len()),
        indent: layout.indent.as_deref(),
        counts: Vec::new(),
        after_key: false,
    };
    parser::parse(input, limits, &mut sink)?;
    Ok(sink.out)
}

struct FormatSink<'a> {
    input: &'a [u8],
    out: Vec<u8>,
    indent: Option<&'a str>,
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
        if let Some(indent) = self.indent {
            self.out.push(b'\n');
            for _ in 0..depth {
                self.out.extend_from_slice(indent.as_bytes());
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
        if self.indent.is_some() {
            self.out.push(b' ');
        }
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

    fn run(input: &str, indent: Option<&str>) -> String {
        let layout = Layout {
            indent: indent.map(str::to_string),
        };
        String::from_utf8(format(input.as_bytes(), Limits::default(), &layout).unwrap()).unwrap()
    }

    #[test]
    fn minifies_and_keeps_key_order_and_number_text() {
        assert_eq!(
            run(" { \"b\" : [1.50, -0, 1E3] , \"a\":{} ,\"c\":[]} ", None),
            r#"{"b":[1.50,-0,1E3],"a":{},"c":[]}"#
        );
    }

    #[test]
    fn pretty_prints_with_indent() {
        assert_eq!(
            run(r#"{"a":[1,{"b":null}],"c":"\u00e9"}"#, Some("  ")),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": \"\\u00e9\"\n}"
        );
    }

    #[test]
    fn rejects_invalid_input_with_position() {
        let error = format(b"[1,]", Limits::default(), &Layout::default()).unwrap_err();
        assert_eq!(error.position, 3);
    }
}
