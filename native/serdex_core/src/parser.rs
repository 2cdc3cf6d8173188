//! A JSON parser (RFC 8259) that reports what it reads to a [`Sink`].
//!
//! The parser keeps its own stack of open containers, so nesting costs heap memory rather
//! than native stack, and the depth is bounded by [`Limits::max_depth`]. It never panics on
//! any input, and every error carries the byte offset where it was detected.

use crate::error::{ErrorKind, ParseError, describe_byte};
use crate::scan;
use crate::utf8;

/// Bounds that protect the VM from hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How many arrays and objects may be open at once.
    pub max_depth: usize,
    /// How many digits an integer may have before it is rejected. Converting decimal digits
    /// to a bignum takes quadratic time, so an unbounded count would let input stall a core.
    pub max_integer_digits: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1024,
            max_integer_digits: 1024,
        }
    }
}

/// A decoded string, and where its source text (between the quotes) lies in the input.
/// When it had no escapes, `text` is exactly `input[start..end]`, so a sink may reference the
/// input instead of copying.
#[derive(Debug, Clone, Copy)]
pub struct Str<'t> {
    pub text: &'t str,
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

/// A number, classified by what it needs to be represented exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number<'t> {
    Int(i64),
    /// An integer outside the `i64` range: its sign and its decimal digits.
    BigInt {
        negative: bool,
        digits: &'t str,
    },
    Float(f64),
}

/// Receives the parse events in document order. `raw` texts are the exact input bytes.
pub trait Sink {
    fn begin_array(&mut self);
    fn end_array(&mut self);
    fn begin_object(&mut self);
    fn end_object(&mut self);
    /// An object key. The sink may refuse it (for example an atom that does not exist).
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind>;
    fn string(&mut self, value: Str<'_>);
    fn number(&mut self, value: Number<'_>, raw: &str);
    fn boolean(&mut self, value: bool);
    fn null(&mut self);

    /// Whether floats should reach [`Sink::decimal`] as their text instead of reaching
    /// [`Sink::number`] as an `f64`. Their range is then unbounded (`1e400` is accepted), and
    /// their digits and exponent digits are bounded like an integer's.
    fn wants_decimals(&self) -> bool {
        false
    }

    /// A float's exact text, when [`Sink::wants_decimals`] is true.
    fn decimal(&mut self, _raw: &str) {}
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Array,
    Object,
}

/// Parses one JSON text, reporting it to `sink`.
pub fn parse<S: Sink>(input: &[u8], limits: Limits, sink: &mut S) -> Result<(), ParseError> {
    Parser {
        input,
        pos: 0,
        scratch: Vec::new(),
        limits,
    }
    .run(sink)
}

struct Parser<'i> {
    input: &'i [u8],
    pos: usize,
    scratch: Vec<u8>,
    limits: Limits,
}

enum Scanned {
    /// The string's content is `input[start..end]`.
    Raw(usize, usize),
    /// The string `input[start..end]` had escapes; its decoded content is in `scratch`.
    Unescaped(usize, usize),
}

impl<'i> Parser<'i> {
    fn run<S: Sink>(&mut self, sink: &mut S) -> Result<(), ParseError> {
        let mut stack: Vec<Container> = Vec::new();
        'value: loop {
            self.skip_whitespace();
            match self.peek() {
                None => return Err(self.unexpected_end("a value")),
                Some(b'[') => {
                    self.open(&mut stack, Container::Array)?;
                    sink.begin_array();
                    self.skip_whitespace();
                    if self.peek() != Some(b']') {
                        continue 'value;
                    }
                    self.pos += 1;
                    stack.pop();
                    sink.end_array();
                }
                Some(b'{') => {
                    self.open(&mut stack, Container::Object)?;
                    sink.begin_object();
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        stack.pop();
                        sink.end_object();
                    } else {
                        self.key(sink)?;
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let scanned = self.scan_string()?;
                    sink.string(self.str_of(&scanned));
                }
                Some(b'-' | b'0'..=b'9') => self.number(sink)?,
                Some(b't') => {
                    self.literal(b"true")?;
                    sink.boolean(true);
                }
                Some(b'f') => {
                    self.literal(b"false")?;
                    sink.boolean(false);
                }
                Some(b'n') => {
                    self.literal(b"null")?;
                    sink.null();
                }
                Some(other) => return Err(self.unexpected(other, "a value")),
            }

            // A value is complete: close every container that ends here, then find the next value.
            loop {
                self.skip_whitespace();
                match stack.last() {
                    None => {
                        return match self.peek() {
                            None => Ok(()),
                            Some(byte) => Err(ParseError::new(
                                ErrorKind::TrailingData(describe_byte(byte)),
                                self.pos,
                            )),
                        };
                    }
                    Some(Container::Array) => match self.peek() {
                        Some(b',') => {
                            self.pos += 1;
                            continue 'value;
                        }
                        Some(b']') => {
                            self.pos += 1;
                            stack.pop();
                            sink.end_array();
                        }
                        Some(other) => return Err(self.unexpected(other, "',' or ']'")),
                        None => return Err(self.unexpected_end("',' or ']'")),
                    },
                    Some(Container::Object) => match self.peek() {
                        Some(b',') => {
                            self.pos += 1;
                            self.skip_whitespace();
                            self.key(sink)?;
                            continue 'value;
                        }
                        Some(b'}') => {
                            self.pos += 1;
                            stack.pop();
                            sink.end_object();
                        }
                        Some(other) => return Err(self.unexpected(other, "',' or '}'")),
                        None => return Err(self.unexpected_end("',' or '}'")),
                    },
                }
            }
        }
    }

    fn open(&mut self, stack: &mut Vec<Container>, container: Container) -> Result<(), ParseError> {
        if stack.len() >= self.limits.max_depth {
            return Err(ParseError::new(
                ErrorKind::TooDeep(self.limits.max_depth),
                self.pos,
            ));
        }
        stack.push(container);
        self.pos += 1;
        Ok(())
    }

    /// Reads `"key" :` and leaves the position at the value.
    fn key<S: Sink>(&mut self, sink: &mut S) -> Result<(), ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {}
            Some(other) => return Err(self.unexpected(other, "a string key")),
            None => return Err(self.unexpected_end("a string key")),
        }
        let scanned = self.scan_string()?;
        sink.key(self.str_of(&scanned))
            .map_err(|kind| ParseError::new(kind, start))?;
        self.skip_whitespace();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(other) => Err(self.unexpected(other, "':'")),
            None => Err(self.unexpected_end("':'")),
        }
    }

    fn str_of(&self, scanned: &Scanned) -> Str<'_> {
        match *scanned {
            // SAFETY: scan_string validated these bytes as UTF-8.
            Scanned::Raw(start, end) => Str {
                text: unsafe { std::str::from_utf8_unchecked(&self.input[start..end]) },
                start,
                end,
                escaped: false,
            },
            // SAFETY: scan_string validated the raw bytes and only appends whole characters.
            Scanned::Unescaped(start, end) => Str {
                text: unsafe { std::str::from_utf8_unchecked(&self.scratch) },
                start,
                end,
                escaped: true,
            },
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn unexpected(&self, byte: u8, expected: &'static str) -> ParseError {
        ParseError::new(
            ErrorKind::UnexpectedByte {
                found: describe_byte(byte),
                expected,
            },
            self.pos,
        )
    }

    fn unexpected_end(&self, expected: &'static str) -> ParseError {
        ParseError::new(ErrorKind::UnexpectedEnd(expected), self.input.len())
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), ParseError> {
        for &expected in word {
            match self.peek() {
                Some(byte) if byte == expected => self.pos += 1,
                Some(byte) => return Err(self.unexpected(byte, "a value")),
                None => return Err(self.unexpected_end("a value")),
            }
        }
        Ok(())
    }

    /// Scans a string starting at its opening quote and leaves the position after the closing one.
    fn scan_string(&mut self) -> Result<Scanned, ParseError> {
        let start = self.pos + 1;
        let mut i = skip_plain(self.input, start);
        match self.input.get(i) {
            Some(b'"') => {
                validate_utf8(self.input, start, i)?;
                self.pos = i + 1;
                return Ok(Scanned::Raw(start, i));
            }
            Some(b'\\') => {}
            Some(&byte) => return Err(control_character(byte, i)),
            None => return Err(self.unexpected_end("'\"' to close the string")),
        }

        self.scratch.clear();
        self.scratch.extend_from_slice(&self.input[start..i]);
        loop {
            match self.input.get(i) {
                Some(b'"') => break,
                Some(b'\\') => i = self.unescape(i)?,
                Some(&byte) if byte < 0x20 => return Err(control_character(byte, i)),
                Some(_) => {
                    let end = skip_plain(self.input, i);
                    self.scratch.extend_from_slice(&self.input[i..end]);
                    i = end;
                }
                None => return Err(self.unexpected_end("'\"' to close the string")),
            }
        }
        // Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the content is.
        validate_utf8(self.input, start, i)?;
        self.pos = i + 1;
        Ok(Scanned::Unescaped(start, i))
    }

    /// Decodes the escape at `at` (a backslash) into `scratch`; returns the position after it.
    fn unescape(&mut self, at: usize) -> Result<usize, ParseError> {
        let byte = match self.input.get(at + 1) {
            Some(&byte) => byte,
            None => return Err(self.unexpected_end("an escape sequence")),
        };
        let decoded = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unescape_unicode(at),
            _ => return Err(ParseError::new(ErrorKind::InvalidEscape, at)),
        };
        self.scratch.push(decoded);
        Ok(at + 2)
    }

    fn unescape_unicode(&mut self, at: usize) -> Result<usize, ParseError> {
        let first = hex4(self.input, at + 2)
            .ok_or_else(|| ParseError::new(ErrorKind::InvalidUnicodeEscape, at))?;
        if !(0xD800..=0xDFFF).contains(&first) {
            push_bmp(&mut self.scratch, first);
            return Ok(at + 6);
        }
        let (code, next) = match first {
            0xD800..=0xDBFF => {
                let low = if self.input.get(at + 6..at + 8) == Some(&b"\\u"[..]) {
                    hex4(self.input, at + 8)
                } else {
                    None
                };
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let high = u32::from(first - 0xD800);
                        let low = u32::from(low - 0xDC00);
                        (0x10000 + (high << 10) + low, at + 12)
                    }
                    _ => return Err(ParseError::new(ErrorKind::LoneSurrogate(first), at)),
                }
            }
            0xDC00..=0xDFFF => return Err(ParseError::new(ErrorKind::LoneSurrogate(first), at)),
            _ => (u32::from(first), at + 6),
        };
        let character =
            char::from_u32(code).ok_or(ParseError::new(ErrorKind::InvalidUnicodeEscape, at))?;
        let mut utf8 = [0u8; 4];
        self.scratch
            .extend_from_slice(character.encode_utf8(&mut utf8).as_bytes());
        Ok(next)
    }

    fn number<S: Sink>(&mut self, sink: &mut S) -> Result<(), ParseError> {
        let start = self.pos;
        let input = self.input;
        let mut i = start;
        let negative = input[i] == b'-';
        if negative {
            i += 1;
        }
        let int_start = i;
        match input.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = skip_digits(input, i),
            _ => return Err(ParseError::new(ErrorKind::InvalidNumber, start)),
        }
        let int_end = i;
        let mut is_float = false;
        let mut fraction_digits = 0;
        let mut exponent_digits = 0;
        if input.get(i) == Some(&b'.') {
            is_float = true;
            let digits = i + 1;
            i = skip_digits(input, digits);
            if i == digits {
                return Err(ParseError::new(ErrorKind::InvalidNumber, start));
            }
            fraction_digits = i - digits;
        }
        if let Some(b'e' | b'E') = input.get(i) {
            is_float = true;
            i += 1;
            if let Some(b'+' | b'-') = input.get(i) {
                i += 1;
            }
            let digits = i;
            i = skip_digits(input, digits);
            if i == digits {
                return Err(ParseError::new(ErrorKind::InvalidNumber, start));
            }
            exponent_digits = i - digits;
        }
        self.pos = i;
        // SAFETY: every byte in start..i is an ASCII sign, digit, dot or exponent marker.
        let raw = unsafe { std::str::from_utf8_unchecked(&input[start..i]) };

        if is_float && sink.wants_decimals() {
            // Decimals become integers (coefficient and exponent): bounded as integers are.
            let limit = self.limits.max_integer_digits;
            if int_end - int_start + fraction_digits > limit || exponent_digits > limit {
                return Err(ParseError::new(ErrorKind::TooManyDigits(limit), start));
            }
            sink.decimal(raw);
            return Ok(());
        }
        if is_float {
            let value: f64 = raw
                .parse()
                .map_err(|_| ParseError::new(ErrorKind::InvalidNumber, start))?;
            if !value.is_finite() {
                return Err(ParseError::new(ErrorKind::NumberOutOfRange, start));
            }
            sink.number(Number::Float(value), raw);
            return Ok(());
        }

        let digit_count = int_end - int_start;
        if digit_count > self.limits.max_integer_digits {
            return Err(ParseError::new(
                ErrorKind::TooManyDigits(self.limits.max_integer_digits),
                start,
            ));
        }
        if digit_count <= 18 {
            let magnitude = input[int_start..int_end]
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
            let value = if negative { -magnitude } else { magnitude };
            sink.number(Number::Int(value), raw);
        } else if let Ok(value) = raw.parse::<i64>() {
            sink.number(Number::Int(value), raw);
        } else {
            let digits = &raw[int_start - start..];
            sink.number(Number::BigInt { negative, digits }, raw);
        }
        Ok(())
    }
}

fn control_character(byte: u8, at: usize) -> ParseError {
    ParseError::new(ErrorKind::ControlCharacter(describe_byte(byte)), at)
}

fn validate_utf8(input: &[u8], start: usize, end: usize) -> Result<(), ParseError> {
    match utf8::invalid_at(&input[start..end]) {
        None => Ok(()),
        Some(offset) => Err(ParseError::new(ErrorKind::InvalidUtf8, start + offset)),
    }
}

/// Returns the first position at or after `from` holding a quote, a backslash or a control
/// character (or the end of input). Eight bytes are tested at a time where possible.
#[inline]
fn skip_plain(input: &[u8], from: usize) -> usize {
    let mut i = scan::skip_plain_words(input, from);
    while let Some(&byte) = input.get(i) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

fn skip_digits(input: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(b'0'..=b'9') = input.get(i) {
        i += 1;
    }
    i
}

/// Appends the UTF-8 encoding of a code point below U+10000 that is not a surrogate.
#[inline]
fn push_bmp(out: &mut Vec<u8>, code: u16) {
    let code = u32::from(code);
    if code < 0x80 {
        out.push(code as u8);
    } else if code < 0x800 {
        out.extend_from_slice(&[0xC0 | (code >> 6) as u8, 0x80 | (code & 0x3F) as u8]);
    } else {
        out.extend_from_slice(&[
            0xE0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]);
    }
}

/// The value of each hexadecimal digit, or -1 for any other byte.
static HEX_VALUES: [i8; 256] = {
    let mut table = [-1i8; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'0'..=b'9' => (byte as u8 - b'0') as i8,
            b'a'..=b'f' => (byte as u8 - b'a' + 10) as i8,
            b'A'..=b'F' => (byte as u8 - b'A' + 10) as i8,
            _ => -1,
        };
        byte += 1;
    }
    table
};

#[inline]
fn hex4(input: &[u8], at: usize) -> Option<u16> {
    let digits: [u8; 4] = input.get(at..at + 4)?.try_into().ok()?;
    let [a, b, c, d] = digits.map(|digit| i32::from(HEX_VALUES[usize::from(digit)]));
    // A -1 anywhere makes the combination negative.
    let value = (a << 12) | (b << 8) | (c << 4) | d;
    if (a | b | c | d) < 0 {
        None
    } else {
        Some(value as u16)
    }
}
