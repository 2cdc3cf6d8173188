use thiserror::Error;

/// Why a JSON text was rejected. The messages are shown to users as they are.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErrorKind {
    #[error("unexpected end of input, expected {0}")]
    UnexpectedEnd(&'static str),
    #[error("unexpected {found}, expected {expected}")]
    UnexpectedByte {
        found: String,
        expected: &'static str,
    },
    #[error("unexpected {0} after the JSON value")]
    TrailingData(String),
    #[error("invalid escape sequence in string")]
    InvalidEscape,
    #[error("invalid \\u escape: expected four hexadecimal digits")]
    InvalidUnicodeEscape,
    #[error("lone surrogate in \\u escape (U+{0:04X})")]
    LoneSurrogate(u16),
    #[error("unescaped control character {0} in string")]
    ControlCharacter(String),
    #[error("invalid UTF-8 in string")]
    InvalidUtf8,
    #[error("invalid number")]
    InvalidNumber,
    #[error("number out of range")]
    NumberOutOfRange,
    #[error("number has more than {0} digits (see the max_integer_digits option)")]
    TooManyDigits(usize),
    #[error("nesting deeper than {0} levels (see the max_depth option)")]
    TooDeep(usize),
    #[error("object key {0:?} is not an existing atom (keys: :atoms!)")]
    UnknownAtomKey(String),
    #[error("object key {0:?} cannot become an atom")]
    InvalidAtomKey(String),
    #[error("the output would be longer than {0} bytes (see the max_bytes option)")]
    OutputTooLarge(usize),
    #[error("out of memory for the output")]
    OutOfMemory,
}

/// A rejected JSON text: what went wrong, and the byte offset where it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} at byte {position}")]
pub struct ParseError {
    pub kind: ErrorKind,
    pub position: usize,
}

impl ParseError {
    pub fn new(kind: ErrorKind, position: usize) -> Self {
        ParseError { kind, position }
    }
}

/// Describes the byte at the error position in a way a person can read.
pub fn describe_byte(byte: u8) -> String {
    match byte {
        b'\n' => "newline".to_string(),
        b'\t' => "tab".to_string(),
        b'\r' => "carriage return".to_string(),
        0x20..=0x7E => format!("character '{}'", byte as char),
        _ => format!("byte 0x{byte:02X}"),
    }
}
