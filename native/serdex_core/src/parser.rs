//! A JSON parser (RFC 8259) that reports what it reads to a [`Sink`].
//!
//! The parser keeps its own stack of open containers, so nesting costs heap memory rather
//! than native stack, and the depth is bounded by [`Limits::max_depth`]. It never panics on
//! any input, and every error carries the byte offset where it was detected.
//!
//! It can stop part-way and carry on later: [`Parser::resume`] works until its [`Meter`]
//! says the time is up, and the next call picks up where it left off. Every step it takes
//! between two looks at the meter is bounded, long strings and runs of whitespace included,
//! so that a caller on a BEAM scheduler can keep each slice of work short.

use crate::error::{ErrorKind, ParseError, describe_byte};
use crate::float;
use crate::scan;
use crate::slice::{Meter, Unmetered};
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
///
/// Every event may fail, for example an object key that may not become an atom, or output
/// that grew past its limit; the parse then stops with that error at the event's position.
pub trait Sink {
    fn begin_array(&mut self) -> Result<(), ErrorKind>;
    fn end_array(&mut self) -> Result<(), ErrorKind>;
    fn begin_object(&mut self) -> Result<(), ErrorKind>;
    fn end_object(&mut self) -> Result<(), ErrorKind>;
    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind>;
    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind>;
    fn number(&mut self, value: Number<'_>, raw: &str) -> Result<(), ErrorKind>;
    fn boolean(&mut self, value: bool) -> Result<(), ErrorKind>;
    fn null(&mut self) -> Result<(), ErrorKind>;

    /// A string value whose decoded text is long, handed over so that the sink may keep it
    /// rather than copy it. `start..end` is its source text.
    fn long_string(&mut self, text: String, start: usize, end: usize) -> Result<(), ErrorKind> {
        self.string(Str {
            text: &text,
            start,
            end,
            escaped: true,
        })
    }

    /// Whether the parse must stop after the current step, whatever the meter says: the sink
    /// has work for its caller to do first.
    fn wants_pause(&self) -> bool {
        false
    }

    /// Whether floats should reach [`Sink::decimal`] as their text instead of reaching
    /// [`Sink::number`] as an `f64`. Their range is then unbounded (`1e400` is accepted), and
    /// their digits and exponent digits are bounded like an integer's.
    fn wants_decimals(&self) -> bool {
        false
    }

    /// A float's exact text, when [`Sink::wants_decimals`] is true.
    fn decimal(&mut self, _raw: &str) -> Result<(), ErrorKind> {
        Ok(())
    }
}

/// Whether [`Parser::resume`] finished the text or stopped because its meter ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Paused,
}

/// Parses one JSON text in one go, reporting it to `sink`.
pub fn parse<S: Sink>(input: &[u8], limits: Limits, sink: &mut S) -> Result<(), ParseError> {
    let status = Parser::new(limits).resume(input, sink, &mut Unmetered)?;
    debug_assert_eq!(status, Status::Done);
    Ok(())
}

/// The meter is looked at after its `steps_per_look`, or once the position has moved this
/// far, whichever comes first.
const BYTES_PER_LOOK: usize = 16 * 1024;
/// The most bytes of one string or one run of whitespace that a single step reads.
const CHUNK: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Array,
    Object,
}

/// What the parser expects next.
#[derive(Clone, Copy)]
enum State {
    /// Any value.
    Value,
    /// After `[`: a value or `]`.
    ArrayFirst,
    /// After `{`: a key or `}`.
    ObjectFirst,
    /// After `,` in an object.
    Key,
    /// After a key.
    Colon,
    /// A value is complete: `,`, a closing bracket, or the end.
    AfterValue,
    /// Part-way through a string that was too long for one step.
    InString(StringScan),
    Done,
}

/// How far a long string has been read.
#[derive(Clone, Copy)]
struct StringScan {
    /// The first byte after the opening quote.
    start: usize,
    /// Where reading carries on.
    at: usize,
    /// Whether it is an object key.
    key: bool,
    /// Whether an escape was seen, so that the decoded text is in `scratch`.
    escaped: bool,
    /// The raw bytes before this are known to be UTF-8.
    checked: usize,
}

/// A parse in progress. It holds no reference to the input, so it can be kept between the
/// calls of a parse that runs in slices; every call must pass the same input.
pub struct Parser {
    pos: usize,
    state: State,
    stack: Vec<Container>,
    scratch: Vec<u8>,
    limits: Limits,
    /// Whether the input may hold several values one after another (see [`Parser::records`]).
    records: bool,
    /// How many bytes at the end of the input get a slice of their own (see
    /// [`Parser::with_last_slice`]).
    last_slice: usize,
}

/// What follows the whitespace at the current position.
enum Next {
    Byte(u8),
    End,
    /// The step's share of whitespace is used up; more may follow.
    Later,
}

impl Parser {
    pub fn new(limits: Limits) -> Self {
        Parser {
            pos: 0,
            state: State::Value,
            stack: Vec::new(),
            scratch: Vec::new(),
            limits,
            records: false,
            last_slice: 0,
        }
    }

    /// A parser that, once a slice has paused, leaves the last `bytes` of the input to a slice
    /// of their own. What a slice builds beyond the room left on the caller's heap waits in
    /// heap fragments until the next collection, which also needs room for everything alive;
    /// a short last slice keeps what a decode leaves there small.
    pub fn with_last_slice(self, bytes: usize) -> Self {
        Parser {
            last_slice: bytes,
            ..self
        }
    }

    /// A parser of zero or more values one after another, separated by optional whitespace
    /// ("records", as Jason's formatter takes them).
    pub fn records(limits: Limits) -> Self {
        Parser {
            records: true,
            ..Parser::new(limits)
        }
    }

    /// How many bytes of the input have been read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Parses on until the text is complete or `meter` says to stop. `sink` must hold what
    /// it was given by earlier calls.
    pub fn resume<S: Sink, M: Meter>(
        &mut self,
        input: &[u8],
        sink: &mut S,
        meter: &mut M,
    ) -> Result<Status, ParseError> {
        let mut steps = meter.steps_per_look();
        let mut look_at = self.pos + BYTES_PER_LOOK;
        let last_slice_at = input.len().saturating_sub(self.last_slice);
        let pause_at = if self.pos > 0 && self.pos < last_slice_at {
            last_slice_at
        } else {
            usize::MAX
        };
        loop {
            match self.state {
                State::Value | State::AfterValue => {
                    if let Some(status) =
                        self.fast(input, sink, meter, &mut steps, &mut look_at, pause_at)?
                    {
                        return Ok(status);
                    }
                }
                State::ArrayFirst => match self.next(input) {
                    Next::Byte(b']') => self.close(sink, Container::Array)?,
                    Next::Byte(_) | Next::End => self.state = State::Value,
                    Next::Later => {}
                },
                State::ObjectFirst => match self.next(input) {
                    Next::Byte(b'}') => self.close(sink, Container::Object)?,
                    Next::Byte(_) | Next::End => self.state = State::Key,
                    Next::Later => {}
                },
                State::Key => match self.next(input) {
                    Next::Byte(b'"') => self.string(input, sink, true)?,
                    Next::Byte(other) => return Err(self.unexpected(other, "a string key")),
                    Next::End => return Err(self.unexpected_end(input, "a string key")),
                    Next::Later => {}
                },
                State::Colon => match self.next(input) {
                    Next::Byte(b':') => {
                        self.pos += 1;
                        self.state = State::Value;
                    }
                    Next::Byte(other) => return Err(self.unexpected(other, "':'")),
                    Next::End => return Err(self.unexpected_end(input, "':'")),
                    Next::Later => {}
                },
                State::InString(scan) => self.continue_string(input, sink, scan)?,
                State::Done => return Ok(Status::Done),
            }
            steps -= 1;
            if steps == 0 || self.pos >= look_at || sink.wants_pause() {
                if sink.wants_pause()
                    || (meter.expired() || self.pos >= pause_at)
                        && !matches!(self.state, State::Done)
                {
                    return Ok(Status::Paused);
                }
                steps = meter.steps_per_look();
                look_at = self.pos + BYTES_PER_LOOK;
            }
        }
    }

    /// The common path: values and what follows them, in one loop, without going back to
    /// the state between tokens. It leaves when a rarer state begins (a long run of
    /// whitespace, a long string), when the meter says so (looked at once per value) or the
    /// last slice's input is reached (`pause_at`), or at the end; `self.state` then says where
    /// to carry on.
    fn fast<S: Sink, M: Meter>(
        &mut self,
        input: &[u8],
        sink: &mut S,
        meter: &mut M,
        steps: &mut u32,
        look_at: &mut usize,
        pause_at: usize,
    ) -> Result<Option<Status>, ParseError> {
        let mut complete = matches!(self.state, State::AfterValue);
        // A slice that starts after a value reads on before it looks at the meter, so that
        // every slice makes progress.
        let mut resumed = complete;
        loop {
            if !complete {
                self.value(input, sink)?;
                match self.state {
                    State::AfterValue => {}
                    // A container opened: a step of its own, as nothing may close for long.
                    State::ArrayFirst => match self.next(input) {
                        Next::Byte(b']') => self.close(sink, Container::Array)?,
                        Next::Byte(_) | Next::End => {
                            self.state = State::Value;
                            if look(meter, steps) {
                                return Ok(Some(Status::Paused));
                            }
                            continue;
                        }
                        Next::Later => return Ok(None),
                    },
                    State::ObjectFirst => match self.next(input) {
                        Next::Byte(b'}') => self.close(sink, Container::Object)?,
                        Next::Byte(_) | Next::End => {
                            self.state = State::Key;
                            if !self.key(input, sink)? {
                                return Ok(None);
                            }
                            if look(meter, steps) {
                                return Ok(Some(Status::Paused));
                            }
                            continue;
                        }
                        Next::Later => return Ok(None),
                    },
                    _ => return Ok(None),
                }
            }
            complete = false;
            // A value is complete: its container goes on, closes, or the text ends.
            if !std::mem::take(&mut resumed) {
                *steps -= 1;
                if *steps == 0 || self.pos >= *look_at || sink.wants_pause() {
                    if sink.wants_pause() || meter.expired() || self.pos >= pause_at {
                        self.state = State::AfterValue;
                        return Ok(Some(Status::Paused));
                    }
                    *steps = meter.steps_per_look();
                    *look_at = self.pos + BYTES_PER_LOOK;
                }
            }
            let next = self.next(input);
            let Some(&container) = self.stack.last() else {
                return match next {
                    Next::End => {
                        self.state = State::Done;
                        Ok(Some(Status::Done))
                    }
                    Next::Byte(_) if self.records => {
                        self.state = State::Value;
                        continue;
                    }
                    Next::Byte(byte) => Err(ParseError::new(
                        ErrorKind::TrailingData(describe_byte(byte)),
                        self.pos,
                    )),
                    Next::Later => {
                        self.state = State::AfterValue;
                        Ok(None)
                    }
                };
            };
            let (close, expected) = match container {
                Container::Array => (b']', "',' or ']'"),
                Container::Object => (b'}', "',' or '}'"),
            };
            match next {
                Next::Byte(b',') => {
                    self.pos += 1;
                    if container == Container::Object {
                        self.state = State::Key;
                        if !self.key(input, sink)? {
                            return Ok(None);
                        }
                    } else {
                        self.state = State::Value;
                    }
                }
                Next::Byte(byte) if byte == close => {
                    self.close(sink, container)?;
                    complete = true;
                }
                Next::Byte(other) => return Err(self.unexpected(other, expected)),
                Next::End => return Err(self.unexpected_end(input, expected)),
                Next::Later => {
                    self.state = State::AfterValue;
                    return Ok(None);
                }
            }
        }
    }

    /// In state Key: reads a key and the colon after it. Returns whether a value follows at
    /// once; otherwise the state says where to carry on.
    #[inline]
    fn key<S: Sink>(&mut self, input: &[u8], sink: &mut S) -> Result<bool, ParseError> {
        match self.next(input) {
            Next::Byte(b'"') => self.string(input, sink, true)?,
            Next::Byte(other) => return Err(self.unexpected(other, "a string key")),
            Next::End => return Err(self.unexpected_end(input, "a string key")),
            Next::Later => return Ok(false),
        }
        if !matches!(self.state, State::Colon) {
            return Ok(false);
        }
        match self.next(input) {
            Next::Byte(b':') => {
                self.pos += 1;
                self.state = State::Value;
                Ok(true)
            }
            Next::Byte(other) => Err(self.unexpected(other, "':'")),
            Next::End => Err(self.unexpected_end(input, "':'")),
            Next::Later => Ok(false),
        }
    }

    #[inline(always)]
    fn value<S: Sink>(&mut self, input: &[u8], sink: &mut S) -> Result<(), ParseError> {
        let byte = match self.next(input) {
            Next::Byte(byte) => byte,
            // Records may be none at all.
            Next::End if self.records && self.stack.is_empty() => {
                self.state = State::Done;
                return Ok(());
            }
            Next::End => return Err(self.unexpected_end(input, "a value")),
            Next::Later => return Ok(()),
        };
        let at = self.pos;
        let event = match byte {
            b'[' => {
                self.open(Container::Array)?;
                self.state = State::ArrayFirst;
                sink.begin_array()
            }
            b'{' => {
                self.open(Container::Object)?;
                self.state = State::ObjectFirst;
                sink.begin_object()
            }
            b'"' => return self.string(input, sink, false),
            b'-' | b'0'..=b'9' => {
                self.state = State::AfterValue;
                return self.number(input, sink);
            }
            b't' => {
                self.literal(input, b"true")?;
                self.state = State::AfterValue;
                sink.boolean(true)
            }
            b'f' => {
                self.literal(input, b"false")?;
                self.state = State::AfterValue;
                sink.boolean(false)
            }
            b'n' => {
                self.literal(input, b"null")?;
                self.state = State::AfterValue;
                sink.null()
            }
            other => return Err(self.unexpected(other, "a value")),
        };
        event.map_err(|kind| ParseError::new(kind, at))
    }

    fn open(&mut self, container: Container) -> Result<(), ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(ParseError::new(
                ErrorKind::TooDeep(self.limits.max_depth),
                self.pos,
            ));
        }
        self.stack.push(container);
        self.pos += 1;
        Ok(())
    }

    /// Consumes the closing bracket at the position.
    fn close<S: Sink>(&mut self, sink: &mut S, container: Container) -> Result<(), ParseError> {
        let at = self.pos;
        self.pos += 1;
        self.stack.pop();
        self.state = State::AfterValue;
        match container {
            Container::Array => sink.end_array(),
            Container::Object => sink.end_object(),
        }
        .map_err(|kind| ParseError::new(kind, at))
    }

    /// Skips whitespace, a bounded amount of it, and says what follows.
    #[inline]
    fn next(&mut self, input: &[u8]) -> Next {
        match input.get(self.pos) {
            Some(&byte) if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') => {
                return Next::Byte(byte);
            }
            None => return Next::End,
            Some(_) => {}
        }
        let limit = input.len().min(self.pos + CHUNK);
        while self.pos < limit {
            match input[self.pos] {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                byte => return Next::Byte(byte),
            }
        }
        if self.pos == input.len() {
            Next::End
        } else {
            Next::Later
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

    fn unexpected_end(&self, input: &[u8], expected: &'static str) -> ParseError {
        ParseError::new(ErrorKind::UnexpectedEnd(expected), input.len())
    }

    fn literal(&mut self, input: &[u8], word: &'static [u8]) -> Result<(), ParseError> {
        for &expected in word {
            match input.get(self.pos) {
                Some(&byte) if byte == expected => self.pos += 1,
                Some(&byte) => return Err(self.unexpected(byte, "a value")),
                None => return Err(self.unexpected_end(input, "a value")),
            }
        }
        Ok(())
    }

    /// Reads the string whose opening quote is at the position.
    fn string<S: Sink>(&mut self, input: &[u8], sink: &mut S, key: bool) -> Result<(), ParseError> {
        let start = self.pos + 1;
        // Most strings are short and plain: their end is found in one scan.
        let window = &input[..input.len().min(start + CHUNK)];
        let (end, high) = skip_plain(window, start);
        if window.get(end) == Some(&b'"') {
            if high {
                let mut checked = start;
                check_utf8(input, &mut checked, end, false)?;
            }
            self.pos = end + 1;
            let value = Str {
                // SAFETY: ASCII, or checked as UTF-8 just above.
                text: unsafe { std::str::from_utf8_unchecked(&input[start..end]) },
                start,
                end,
                escaped: false,
            };
            return finish_string(&mut self.state, sink, value, key);
        }
        let scan = StringScan {
            start,
            at: start,
            key,
            escaped: false,
            checked: start,
        };
        self.continue_string(input, sink, scan)
    }

    /// Reads on in a string, at most `CHUNK` bytes of it; reports it once it is complete.
    fn continue_string<S: Sink>(
        &mut self,
        input: &[u8],
        sink: &mut S,
        mut scan: StringScan,
    ) -> Result<(), ParseError> {
        let Some(end) = self.scan_string(input, &mut scan)? else {
            return Ok(());
        };
        self.pos = end + 1;
        if scan.escaped && !scan.key && self.scratch.len() > CHUNK {
            // SAFETY: checked as UTF-8 by scan_string; the scratch text only gains whole
            // characters.
            let text = unsafe { String::from_utf8_unchecked(std::mem::take(&mut self.scratch)) };
            self.state = State::AfterValue;
            return sink
                .long_string(text, scan.start, end)
                .map_err(|kind| ParseError::new(kind, scan.start - 1));
        }
        let bytes = if scan.escaped {
            &self.scratch[..]
        } else {
            &input[scan.start..end]
        };
        let value = Str {
            // SAFETY: as above.
            text: unsafe { std::str::from_utf8_unchecked(bytes) },
            start: scan.start,
            end,
            escaped: scan.escaped,
        };
        finish_string(&mut self.state, sink, value, scan.key)
    }

    /// The reading itself, kept apart from the sink so that its loop stays small: returns
    /// the position of the closing quote, or None when the step ended first (the state then
    /// says where to carry on).
    fn scan_string(
        &mut self,
        input: &[u8],
        scan: &mut StringScan,
    ) -> Result<Option<usize>, ParseError> {
        let limit = input.len().min(scan.at + CHUNK);
        // Where this step ends, if the input goes on past it.
        let stop = if limit < input.len() {
            limit
        } else {
            usize::MAX
        };
        let window = &input[..limit];
        let mut i = scan.at;
        if !scan.escaped {
            i = skip_plain(window, i).0;
            match input.get(i) {
                Some(b'"') => {}
                Some(b'\\') => {
                    scan.escaped = true;
                    self.scratch.clear();
                    self.scratch.extend_from_slice(&input[scan.start..i]);
                }
                Some(&byte) if byte < 0x20 => return Err(control_character(byte, i)),
                Some(_) => return self.string_later(input, *scan, i).map(|()| None),
                None => return Err(self.unexpected_end(input, "'\"' to close the string")),
            }
        }
        if scan.escaped {
            loop {
                if i >= stop {
                    return self.string_later(input, *scan, i).map(|()| None);
                }
                match input.get(i) {
                    Some(b'"') => break,
                    Some(b'\\') => i = self.unescape(input, i)?,
                    Some(&byte) if byte < 0x20 => return Err(control_character(byte, i)),
                    Some(_) => {
                        let end = skip_plain(window, i).0;
                        self.scratch.extend_from_slice(&input[i..end]);
                        i = end;
                    }
                    None => return Err(self.unexpected_end(input, "'\"' to close the string")),
                }
            }
        }
        // Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the content is.
        check_utf8(input, &mut scan.checked, i, false)?;
        Ok(Some(i))
    }

    /// Ends the step inside a string, at `at`, to read on from there in the next one.
    fn string_later(
        &mut self,
        input: &[u8],
        mut scan: StringScan,
        at: usize,
    ) -> Result<(), ParseError> {
        check_utf8(input, &mut scan.checked, at, true)?;
        if scan.escaped {
            // The decoded text is never longer than the raw text left; with room for all of
            // it, the buffer is never moved whole to grow, in one step.
            let _ = self.scratch.try_reserve(input.len() - scan.start);
        }
        scan.at = at;
        self.pos = at;
        self.state = State::InString(scan);
        Ok(())
    }

    /// Decodes the escape at `at` (a backslash) into `scratch`; returns the position after it.
    fn unescape(&mut self, input: &[u8], at: usize) -> Result<usize, ParseError> {
        let byte = match input.get(at + 1) {
            Some(&byte) => byte,
            None => return Err(self.unexpected_end(input, "an escape sequence")),
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
            b'u' => return self.unescape_unicode(input, at),
            _ => return Err(ParseError::new(ErrorKind::InvalidEscape, at)),
        };
        self.scratch.push(decoded);
        Ok(at + 2)
    }

    fn unescape_unicode(&mut self, input: &[u8], at: usize) -> Result<usize, ParseError> {
        let first = hex4(input, at + 2)
            .ok_or_else(|| ParseError::new(ErrorKind::InvalidUnicodeEscape, at))?;
        if !(0xD800..=0xDFFF).contains(&first) {
            push_bmp(&mut self.scratch, first);
            return Ok(at + 6);
        }
        let (code, next) = match first {
            0xD800..=0xDBFF => {
                let low = if input.get(at + 6..at + 8) == Some(&b"\\u"[..]) {
                    hex4(input, at + 8)
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
            _ => return Err(ParseError::new(ErrorKind::LoneSurrogate(first), at)),
        };
        let character =
            char::from_u32(code).ok_or(ParseError::new(ErrorKind::InvalidUnicodeEscape, at))?;
        let mut utf8 = [0u8; 4];
        self.scratch
            .extend_from_slice(character.encode_utf8(&mut utf8).as_bytes());
        Ok(next)
    }

    fn number<S: Sink>(&mut self, input: &[u8], sink: &mut S) -> Result<(), ParseError> {
        let start = self.pos;
        let mut i = start;
        let negative = input[i] == b'-';
        if negative {
            i += 1;
        }
        let int_start = i;
        // The integer and fraction digits as one integer, exact while there are at most 19.
        let mut digits = 0u64;
        match input.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = read_digits(input, i, &mut digits),
            _ => return Err(ParseError::new(ErrorKind::InvalidNumber, start)),
        }
        let int_end = i;
        let mut is_float = false;
        let mut fraction_digits = 0;
        let mut exponent_digits = 0;
        let mut exponent = 0i64;
        if input.get(i) == Some(&b'.') {
            is_float = true;
            let from = i + 1;
            i = read_digits(input, from, &mut digits);
            if i == from {
                return Err(ParseError::new(ErrorKind::InvalidNumber, start));
            }
            fraction_digits = i - from;
        }
        if let Some(b'e' | b'E') = input.get(i) {
            is_float = true;
            i += 1;
            let negative_exponent = input.get(i) == Some(&b'-');
            if let Some(b'+' | b'-') = input.get(i) {
                i += 1;
            }
            let from = i;
            i = read_exponent(input, from, &mut exponent);
            if i == from {
                return Err(ParseError::new(ErrorKind::InvalidNumber, start));
            }
            exponent_digits = i - from;
            if negative_exponent {
                exponent = -exponent;
            }
        }
        self.pos = i;
        // SAFETY: every byte in start..i is an ASCII sign, digit, dot or exponent marker.
        let raw = unsafe { std::str::from_utf8_unchecked(&input[start..i]) };
        let at = |kind| ParseError::new(kind, start);

        if is_float && sink.wants_decimals() {
            // Decimals become integers (coefficient and exponent): bounded as integers are.
            let limit = self.limits.max_integer_digits;
            if int_end - int_start + fraction_digits > limit || exponent_digits > limit {
                return Err(at(ErrorKind::TooManyDigits(limit)));
            }
            return sink.decimal(raw).map_err(at);
        }
        if is_float {
            let exact = int_end - int_start + fraction_digits <= 19;
            let value = match exact
                .then(|| float::from_decimal(digits, exponent - fraction_digits as i64))
                .flatten()
            {
                Some(magnitude) if negative => -magnitude,
                Some(magnitude) => magnitude,
                None => raw.parse().map_err(|_| at(ErrorKind::InvalidNumber))?,
            };
            if !value.is_finite() {
                return Err(at(ErrorKind::NumberOutOfRange));
            }
            return sink.number(Number::Float(value), raw).map_err(at);
        }

        let digit_count = int_end - int_start;
        if digit_count > self.limits.max_integer_digits {
            return Err(at(ErrorKind::TooManyDigits(self.limits.max_integer_digits)));
        }
        let number = if digit_count <= 18 {
            let magnitude = digits as i64;
            Number::Int(if negative { -magnitude } else { magnitude })
        } else if let Ok(value) = raw.parse::<i64>() {
            Number::Int(value)
        } else {
            let digits = &raw[int_start - start..];
            Number::BigInt { negative, digits }
        };
        sink.number(number, raw).map_err(at)
    }
}

/// Counts a step; says whether the meter, looked at once its count of steps is used up,
/// ends the slice.
#[inline]
fn look<M: Meter>(meter: &mut M, steps: &mut u32) -> bool {
    *steps -= 1;
    if *steps > 0 {
        return false;
    }
    *steps = meter.steps_per_look();
    meter.expired()
}

/// Reports a complete string to `sink`, as a key or a value.
#[inline]
fn finish_string<S: Sink>(
    state: &mut State,
    sink: &mut S,
    value: Str<'_>,
    key: bool,
) -> Result<(), ParseError> {
    if key {
        *state = State::Colon;
        sink.key(value)
    } else {
        *state = State::AfterValue;
        sink.string(value)
    }
    .map_err(|kind| ParseError::new(kind, value.start - 1))
}

fn control_character(byte: u8, at: usize) -> ParseError {
    ParseError::new(ErrorKind::ControlCharacter(describe_byte(byte)), at)
}

/// Checks that `input[*checked..end]` is UTF-8 and moves `checked` to `end`. With
/// `partial`, a character cut off at `end` is left for the next check.
#[inline]
fn check_utf8(
    input: &[u8],
    checked: &mut usize,
    end: usize,
    partial: bool,
) -> Result<(), ParseError> {
    if input[*checked..end].is_ascii() {
        *checked = end;
        return Ok(());
    }
    check_non_ascii(input, checked, end, partial)
}

#[cold]
fn check_non_ascii(
    input: &[u8],
    checked: &mut usize,
    end: usize,
    partial: bool,
) -> Result<(), ParseError> {
    let bytes = &input[*checked..end];
    if utf8::as_str(bytes).is_some() {
        *checked = end;
        return Ok(());
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => *checked = end,
        Err(error) if partial && error.error_len().is_none() => *checked += error.valid_up_to(),
        Err(error) => {
            return Err(ParseError::new(
                ErrorKind::InvalidUtf8,
                *checked + error.valid_up_to(),
            ));
        }
    }
    Ok(())
}

/// Returns the first position at or after `from` holding a quote, a backslash or a control
/// character (or the end of input), and false when every byte before it is ASCII (true
/// does not promise the opposite). Eight bytes or more are tested at a time where possible.
#[inline]
fn skip_plain(input: &[u8], from: usize) -> (usize, bool) {
    let (mut i, mut high) = scan::skip_plain_words(input, from);
    while let Some(&byte) = input.get(i) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        high |= byte >= 0x80;
        i += 1;
    }
    (i, high)
}

/// Reads the digits from `from` onto the end of `value` (which wraps past 19 digits: the
/// caller counts them); returns where they end.
#[inline]
fn read_digits(input: &[u8], from: usize, value: &mut u64) -> usize {
    let mut i = from;
    while let Some(&digit @ b'0'..=b'9') = input.get(i) {
        *value = value.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'));
        i += 1;
    }
    i
}

/// Reads an exponent's digits into `value`, which stops growing at a magnitude no float
/// reaches (the digits may be many); returns where they end.
#[inline]
fn read_exponent(input: &[u8], from: usize, value: &mut i64) -> usize {
    let mut i = from;
    while let Some(&digit @ b'0'..=b'9') = input.get(i) {
        if *value < 1 << 20 {
            *value = *value * 10 + i64::from(digit - b'0');
        }
        i += 1;
    }
    i
}

/// Appends the UTF-8 encoding of a code point below U+10000 that is not a surrogate, its one
/// to three bytes in one four-byte store.
#[inline]
fn push_bmp(out: &mut Vec<u8>, code: u16) {
    let code = u32::from(code);
    let (bytes, length) = if code < 0x80 {
        (code, 1)
    } else if code < 0x800 {
        (0xC0 | code >> 6 | (0x80 | (code & 0x3F)) << 8, 2)
    } else {
        let first = 0xE0 | code >> 12;
        let second = 0x80 | ((code >> 6) & 0x3F);
        let third = 0x80 | (code & 0x3F);
        (first | second << 8 | third << 16, 3)
    };
    out.reserve(4);
    // SAFETY: four bytes are reserved past the end; the length then covers the `length`
    // bytes of the encoding, the first of the four.
    unsafe {
        let end = out.as_mut_ptr().add(out.len());
        end.cast::<[u8; 4]>().write_unaligned(bytes.to_le_bytes());
        out.set_len(out.len() + length);
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
