//! Re-printing JSON text, minified or indented, while validating it. Keys keep their order
//! and numbers and strings keep their exact text. The layout is Jason's: the input may hold
//! several values ("records") one after another, and the separators are configurable.
//!
//! Indented output can be far longer than its input (every member of a deep container is
//! preceded by the whole indentation), so the output has a limit, and every byte of it is
//! allocated fallibly: too much output is an error, never an abort.

use crate::error::{ErrorKind, ParseError};
use crate::parser::{Limits, Number, Parser, Sink, Status, Str};
use crate::slice::{Meter, Unmetered};

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
/// them again with `layout`, with no limit on the output. As in Jason, only an array or
/// object that follows an earlier array or object gets the record separator; other values
/// are written back to back.
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
    state: SinkState,
}

/// What the sink keeps between slices.
struct SinkState {
    /// The line separator followed by the deepest indentation written so far.
    indentation: Vec<u8>,
    /// For each open container, how many members it has so far.
    counts: Vec<usize>,
    /// Whether the value about to be written follows its key.
    after_key: bool,
    /// Whether an array or object was written at the top level.
    after_container: bool,
}

impl Formatter {
    /// `max_bytes` bounds the output; passing it is an `OutputTooLarge` error.
    pub fn new(limits: Limits, layout: Layout, max_bytes: usize) -> Self {
        // Numbers are copied as written, never converted: their size and range do not matter.
        let limits = Limits {
            max_integer_digits: usize::MAX,
            ..limits
        };
        Formatter {
            parser: Parser::records(limits),
            out: Output {
                bytes: Vec::new(),
                parts: Vec::new(),
                written: 0,
                max_bytes,
            },
            layout,
            state: SinkState {
                indentation: Vec::new(),
                counts: Vec::new(),
                after_key: false,
                after_container: false,
            },
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
            layout: &self.layout,
            state: &mut self.state,
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
    layout: &'a Layout,
    state: &'a mut SinkState,
}

impl FormatSink<'_> {
    /// Writes what separates the next member from the previous one, or, at the top level,
    /// the record separator before a container that follows another.
    fn before_member(&mut self, container: bool) -> Result<(), ErrorKind> {
        if std::mem::take(&mut self.state.after_key) {
            return Ok(());
        }
        let Some(count) = self.state.counts.last_mut() else {
            let separate = container && self.state.after_container;
            self.state.after_container |= container;
            return if separate {
                self.out.write(&self.layout.record_separator)
            } else {
                Ok(())
            };
        };
        let comma = *count > 0;
        *count += 1;
        if comma {
            self.out.write(b",")?;
        }
        self.newline(self.state.counts.len())
    }

    fn newline(&mut self, depth: usize) -> Result<(), ErrorKind> {
        let separator = &self.layout.line_separator;
        let indent = &self.layout.indent;
        let length = indent
            .len()
            .saturating_mul(depth)
            .saturating_add(separator.len());
        if length == 0 {
            return Ok(());
        }
        self.out.reserve(length)?;
        // The separator and the deepest indentation so far, written in one copy.
        let indentation = &mut self.state.indentation;
        while indentation.len() < length {
            if indentation.is_empty() {
                indentation
                    .try_reserve(separator.len())
                    .map_err(|_| ErrorKind::OutOfMemory)?;
                indentation.extend_from_slice(separator);
            }
            indentation
                .try_reserve(indent.len())
                .map_err(|_| ErrorKind::OutOfMemory)?;
            indentation.extend_from_slice(indent);
        }
        self.out.bytes.extend_from_slice(&indentation[..length]);
        Ok(())
    }

    fn close(&mut self, bracket: u8) -> Result<(), ErrorKind> {
        let count = self.state.counts.pop().unwrap_or(0);
        if count > 0 {
            self.newline(self.state.counts.len())?;
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
        self.before_member(false)?;
        self.out.write(text)
    }

    fn open(&mut self, bracket: u8) -> Result<(), ErrorKind> {
        self.before_member(true)?;
        self.out.write(&[bracket])?;
        self.state.counts.push(0);
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
        self.before_member(false)?;
        self.write_str(key)?;
        self.out.write(b":")?;
        self.out.write(&self.layout.after_colon)?;
        self.state.after_key = true;
        Ok(())
    }

    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        self.before_member(false)?;
        self.write_str(value)
    }

    fn number(&mut self, _value: Number<'_>, raw: &str) -> Result<(), ErrorKind> {
        self.scalar(raw.as_bytes())
    }

    // Floats as text: they are not converted, so `1e400` is as good as `1e40`.
    fn wants_decimals(&self) -> bool {
        true
    }

    fn decimal(&mut self, raw: &str) -> Result<(), ErrorKind> {
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
