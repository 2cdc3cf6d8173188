//! Re-printing a JSON text, minified or indented, while validating it. Keys keep their
//! order and numbers keep their exact text.
//!
//! Indented output can be far longer than its input (every member of a deep container is
//! preceded by the whole indentation), so the output has a limit, and every byte of it is
//! allocated fallibly: too much output is an error, never an abort.

use crate::error::{ErrorKind, ParseError};
use crate::parser::{Limits, Number, Parser, Sink, Status, Str};
use crate::slice::{Meter, Unmetered};

/// How to lay out the output.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// `None` for minified output, otherwise the text of one indentation level.
    pub indent: Option<String>,
}

/// Parses `input` and writes it again with `layout`, with no limit on the output.
pub fn format(input: &[u8], limits: Limits, layout: &Layout) -> Result<Vec<u8>, ParseError> {
    let mut formatter = Formatter::new(limits, layout.clone(), usize::MAX);
    let status = formatter.resume(input, &mut Unmetered)?;
    debug_assert_eq!(status, Status::Done);
    Ok(formatter.into_parts().concat())
}

/// Output is written in parts of about this size, so that it never has to be moved as a
/// whole to grow.
pub const PART: usize = 1 << 20;

/// A formatting in progress, which can run in slices like [`Parser::resume`].
pub struct Formatter {
    parser: Parser,
    out: Output,
    layout: Layout,
    /// A line break followed by the deepest indentation written so far.
    indentation: Vec<u8>,
    /// For each open container, how many members it has so far.
    counts: Vec<usize>,
    /// Whether the value about to be written follows its key.
    after_key: bool,
}

impl Formatter {
    /// `max_bytes` bounds the output; passing it is an `OutputTooLarge` error.
    pub fn new(limits: Limits, layout: Layout, max_bytes: usize) -> Self {
        Formatter {
            parser: Parser::new(limits),
            out: Output {
                bytes: Vec::new(),
                parts: Vec::new(),
                written: 0,
                max_bytes,
            },
            layout,
            indentation: Vec::new(),
            counts: Vec::new(),
            after_key: false,
        }
    }

    /// Formats on until the text is complete or `meter` says to stop. Every call must pass
    /// the same input.
    pub fn resume<M: Meter>(&mut self, input: &[u8], meter: &mut M) -> Result<Status, ParseError> {
        if self.out.bytes.capacity() == 0 {
            // Most output is about as long as its input; reserving that much up front is
            // only a guess, so failing here is not yet an error.
            let guess = input.len().min(self.out.max_bytes).min(PART);
            let _ = self.out.bytes.try_reserve(guess);
        }
        let mut sink = FormatSink {
            input,
            out: &mut self.out,
            indent: self.layout.indent.as_deref(),
            indentation: &mut self.indentation,
            counts: &mut self.counts,
            after_key: &mut self.after_key,
        };
        self.parser.resume(input, &mut sink, meter)
    }

    /// The output, in parts of about [`PART`] bytes.
    pub fn into_parts(self) -> Vec<Vec<u8>> {
        let mut parts = self.out.parts;
        parts.push(self.out.bytes);
        parts
    }
}

/// The output and its limit.
struct Output {
    /// The part being written.
    bytes: Vec<u8>,
    /// The parts before it.
    parts: Vec<Vec<u8>>,
    /// How many bytes those hold.
    written: usize,
    max_bytes: usize,
}

impl Output {
    /// Makes room for `extra` more bytes, within the limit.
    #[inline]
    fn reserve(&mut self, extra: usize) -> Result<(), ErrorKind> {
        if extra > self.max_bytes - self.written - self.bytes.len() {
            return Err(ErrorKind::OutputTooLarge(self.max_bytes));
        }
        if self.bytes.len() >= PART {
            let full = std::mem::take(&mut self.bytes);
            self.written += full.len();
            self.parts.push(full);
            return self
                .bytes
                .try_reserve_exact(PART.max(extra))
                .map_err(|_| ErrorKind::OutOfMemory);
        }
        self.bytes
            .try_reserve(extra)
            .map_err(|_| ErrorKind::OutOfMemory)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), ErrorKind> {
        self.reserve(bytes.len())?;
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
}

struct FormatSink<'a> {
    input: &'a [u8],
    out: &'a mut Output,
    indent: Option<&'a str>,
    indentation: &'a mut Vec<u8>,
    counts: &'a mut Vec<usize>,
    after_key: &'a mut bool,
}

impl FormatSink<'_> {
    /// Writes what separates the next member from the previous one.
    fn before_member(&mut self) -> Result<(), ErrorKind> {
        if std::mem::take(self.after_key) {
            return Ok(());
        }
        let Some(count) = self.counts.last_mut() else {
            return Ok(());
        };
        let comma = *count > 0;
        *count += 1;
        if comma {
            self.out.write(b",")?;
        }
        self.newline(self.counts.len())
    }

    fn newline(&mut self, depth: usize) -> Result<(), ErrorKind> {
        let Some(indent) = self.indent else {
            return Ok(());
        };
        let length = indent.len().saturating_mul(depth).saturating_add(1);
        self.out.reserve(length)?;
        // A line break and the deepest indentation so far, written in one copy.
        while self.indentation.len() < length {
            if self.indentation.is_empty() {
                self.indentation.push(b'\n');
            }
            self.indentation
                .try_reserve(indent.len())
                .map_err(|_| ErrorKind::OutOfMemory)?;
            self.indentation.extend_from_slice(indent.as_bytes());
        }
        self.out
            .bytes
            .extend_from_slice(&self.indentation[..length]);
        Ok(())
    }

    fn close(&mut self, bracket: u8) -> Result<(), ErrorKind> {
        let count = self.counts.pop().unwrap_or(0);
        if count > 0 {
            self.newline(self.counts.len())?;
        }
        self.out.write(&[bracket])
    }

    /// Copies the string's source text, escapes and all, which the parser has validated.
    fn write_str(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        let text = &self.input[value.start..value.end];
        self.out.reserve(text.len() + 2)?;
        self.out.bytes.push(b'"');
        self.out.bytes.extend_from_slice(text);
        self.out.bytes.push(b'"');
        Ok(())
    }

    fn scalar(&mut self, text: &[u8]) -> Result<(), ErrorKind> {
        self.before_member()?;
        self.out.write(text)
    }

    fn open(&mut self, bracket: u8) -> Result<(), ErrorKind> {
        self.scalar(&[bracket])?;
        self.counts.push(0);
        Ok(())
    }
}

impl Sink for FormatSink<'_> {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.open(b'[')
    }

    fn end_array(&mut self) -> Result<(), ErrorKind> {
        self.close(b']')
    }

    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.open(b'{')
    }

    fn end_object(&mut self) -> Result<(), ErrorKind> {
        self.close(b'}')
    }

    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        self.before_member()?;
        self.write_str(key)?;
        self.out
            .write(if self.indent.is_some() { b": " } else { b":" })?;
        *self.after_key = true;
        Ok(())
    }

    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.before_member()?;
        self.write_str(value)
    }

    fn number(&mut self, _value: Number<'_>, raw: &str) -> Result<(), ErrorKind> {
        self.scalar(raw.as_bytes())
    }

    fn boolean(&mut self, value: bool) -> Result<(), ErrorKind> {
        self.scalar(if value { b"true" } else { b"false" })
    }

    fn null(&mut self) -> Result<(), ErrorKind> {
        self.scalar(b"null")
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
