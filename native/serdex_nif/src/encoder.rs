//! Encodes BEAM terms as JSON by walking them with an explicit stack and writing into one
//! growing buffer.
//!
//! Structs (other than plain maps) and atoms the NIF API cannot name are left as "holes":
//! the output is then split into pieces around them, and the Elixir side fills each hole
//! through the `Serdex.Encoder` protocol.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;

use rustler::{MapIterator, Term, TermType};

use serdex_core::bignum;
use serdex_core::writer::{self, Escape};

rustler::atoms! {
    __struct__,
}

/// Bignums whose external form is longer than this (about 2,400 digits) are printed on a
/// dirty scheduler only.
const LARGE_BIGNUM_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub escape: Escape,
    /// Reject maps whose keys collide once turned into strings.
    pub strict_keys: bool,
    /// Give up once this many bytes are written, so a long job can move to a dirty scheduler.
    pub budget: Option<usize>,
}

/// A part of the output: JSON text, or a term for the Elixir side to encode.
pub enum Piece<'a> {
    Json(Output),
    Hole(Term<'a>),
}

/// Why a term could not be encoded. Each carries the offending term (or key) for the message.
pub enum Failure<'a> {
    Unsupported(Term<'a>),
    InvalidUtf8(Term<'a>),
    ImproperList(Term<'a>),
    InvalidKey(Term<'a>),
    DuplicateKey(String),
    OverBudget,
}

enum Frame<'a> {
    List {
        rest: Term<'a>,
        first: bool,
    },
    Map {
        first: bool,
        seen: Option<HashSet<String>>,
    },
}

enum Step<'a> {
    Value(Term<'a>),
    Close(u8),
}

pub fn encode<'a>(root: Term<'a>, options: Options) -> Result<Vec<Piece<'a>>, Failure<'a>> {
    let mut encoder = Encoder {
        options,
        out: spare_buffer(),
        pieces: Vec::new(),
        stack: Vec::new(),
        iterators: Vec::new(),
    };
    encoder.value(root)?;
    while let Some(step) = encoder.next_step()? {
        match step {
            Step::Value(term) => encoder.value(term)?,
            Step::Close(bracket) => {
                encoder.out.push(bracket);
                if let Some(Frame::Map { .. }) = encoder.stack.pop() {
                    encoder.iterators.pop();
                }
            }
        }
        if options
            .budget
            .is_some_and(|budget| encoder.out.len() > budget)
        {
            return Err(Failure::OverBudget);
        }
    }
    encoder.flush();
    Ok(std::mem::take(&mut encoder.pieces))
}

/// JSON text written by the encoder. Dropping it hands its storage back for the next encode
/// on the same thread, which saves growing a buffer (and faulting in fresh pages) per call.
pub struct Output(Vec<u8>);

impl std::ops::Deref for Output {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        recycle(std::mem::take(&mut self.0));
    }
}

/// Buffers up to this capacity are kept for reuse, one per scheduler thread.
const SPARE_CAPACITY_LIMIT: usize = 1 << 20;

thread_local! {
    static SPARE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

fn spare_buffer() -> Vec<u8> {
    let mut buffer = SPARE.try_with(Cell::take).unwrap_or_default();
    buffer.reserve(256);
    buffer
}

fn recycle(mut buffer: Vec<u8>) {
    if buffer.capacity() == 0 || buffer.capacity() > SPARE_CAPACITY_LIMIT {
        return;
    }
    buffer.clear();
    let _ = SPARE.try_with(|spare| {
        let current = spare.take();
        spare.set(if current.capacity() >= buffer.capacity() {
            current
        } else {
            buffer
        });
    });
}

struct Encoder<'a> {
    options: Options,
    out: Vec<u8>,
    pieces: Vec<Piece<'a>>,
    stack: Vec<Frame<'a>>,
    /// The iterators of the open maps, innermost last. They are large, so they live apart
    /// from `stack` (no box per map, and no copying them as frames come and go).
    iterators: Vec<MapIterator<'a>>,
}

impl<'a> Encoder<'a> {
    /// Advances the innermost open container: writes the separator (and key) of its next
    /// member and returns the member, or says that the container is finished.
    fn next_step(&mut self) -> Result<Option<Step<'a>>, Failure<'a>> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(None);
        };
        match frame {
            Frame::List { rest, first } => match rest.list_get_cell() {
                Ok((head, tail)) => {
                    if !std::mem::replace(first, false) {
                        self.out.push(b',');
                    }
                    *rest = tail;
                    Ok(Some(Step::Value(head)))
                }
                Err(_) if rest.is_empty_list() => Ok(Some(Step::Close(b']'))),
                Err(_) => Err(Failure::ImproperList(*rest)),
            },
            Frame::Map { first, seen } => {
                match self.iterators.last_mut().and_then(Iterator::next) {
                    Some((key, value)) => {
                        if !std::mem::replace(first, false) {
                            self.out.push(b',');
                        }
                        let text = key_text(key)?;
                        if let Some(budget) = self.options.budget
                            && self.out.len().saturating_add(text.len()) > budget
                        {
                            return Err(Failure::OverBudget);
                        }
                        if seen
                            .as_mut()
                            .is_some_and(|seen| !seen.insert(text.to_string()))
                        {
                            return Err(Failure::DuplicateKey(text.into_owned()));
                        }
                        writer::write_string(&mut self.out, &text, self.options.escape);
                        self.out.push(b':');
                        Ok(Some(Step::Value(value)))
                    }
                    None => Ok(Some(Step::Close(b'}'))),
                }
            }
        }
    }

    fn value(&mut self, term: Term<'a>) -> Result<(), Failure<'a>> {
        match term.get_type() {
            TermType::Atom => self.atom(term),
            TermType::Binary => {
                let binary = term
                    .decode_as_binary()
                    .map_err(|_| Failure::Unsupported(term))?;
                self.reserve(binary.len())?;
                let text = utf8(binary.as_slice()).ok_or(Failure::InvalidUtf8(term))?;
                writer::write_string(&mut self.out, text, self.options.escape);
            }
            TermType::Integer => self.integer(term)?,
            TermType::Float => {
                let value: f64 = term.decode().map_err(|_| Failure::Unsupported(term))?;
                writer::write_f64(&mut self.out, value);
            }
            TermType::List => {
                self.out.push(b'[');
                self.stack.push(Frame::List {
                    rest: term,
                    first: true,
                });
            }
            TermType::Map => {
                if term.map_get(__struct__()).is_ok() {
                    self.hole(term);
                } else {
                    let entries = MapIterator::new(term).ok_or(Failure::Unsupported(term))?;
                    self.out.push(b'{');
                    self.iterators.push(entries);
                    self.stack.push(Frame::Map {
                        first: true,
                        seen: self.options.strict_keys.then(HashSet::new),
                    });
                }
            }
            _ => return Err(Failure::Unsupported(term)),
        }
        Ok(())
    }

    fn atom(&mut self, term: Term<'a>) {
        // The common atoms are recognized without reading their names.
        let raw = term.as_c_arg();
        if raw == rustler::types::atom::nil().as_c_arg() {
            return self.out.extend_from_slice(b"null");
        } else if raw == rustler::types::atom::true_().as_c_arg() {
            return self.out.extend_from_slice(b"true");
        } else if raw == rustler::types::atom::false_().as_c_arg() {
            return self.out.extend_from_slice(b"false");
        }
        let name = term.atom_to_string().ok();
        match name.as_deref() {
            Some("nil") => self.out.extend_from_slice(b"null"),
            Some("true") => self.out.extend_from_slice(b"true"),
            Some("false") => self.out.extend_from_slice(b"false"),
            Some(name) => writer::write_string(&mut self.out, name, self.options.escape),
            None => self.hole(term),
        }
    }

    fn integer(&mut self, term: Term<'a>) -> Result<(), Failure<'a>> {
        if let Ok(value) = term.decode::<i64>() {
            writer::write_i64(&mut self.out, value);
        } else if let Ok(value) = term.decode::<u64>() {
            writer::write_u64(&mut self.out, value);
        } else {
            let external = term.to_binary();
            // Printing a bignum takes quadratic time: a normal scheduler leaves large ones
            // to a dirty one.
            if self.options.budget.is_some() && external.len() > LARGE_BIGNUM_BYTES {
                return Err(Failure::OverBudget);
            }
            let text = bignum::external_to_decimal(external.as_slice())
                .ok_or(Failure::Unsupported(term))?;
            self.out.extend_from_slice(text.as_bytes());
        }
        Ok(())
    }

    /// On a normal scheduler, gives up before a single write of about `bytes` that would pass
    /// the budget, so that one huge string cannot hold the scheduler.
    fn reserve(&self, bytes: usize) -> Result<(), Failure<'a>> {
        match self.options.budget {
            Some(budget) if self.out.len().saturating_add(bytes) > budget => {
                Err(Failure::OverBudget)
            }
            _ => Ok(()),
        }
    }

    fn hole(&mut self, term: Term<'a>) {
        self.flush();
        self.pieces.push(Piece::Hole(term));
    }

    fn flush(&mut self) {
        if !self.out.is_empty() || self.pieces.is_empty() {
            self.pieces
                .push(Piece::Json(Output(std::mem::take(&mut self.out))));
        }
    }
}

impl Drop for Encoder<'_> {
    fn drop(&mut self) {
        recycle(std::mem::take(&mut self.out));
    }
}

/// The bytes as text if they are UTF-8, with an inlined check for the common ASCII case.
#[inline]
fn utf8(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).ok()
    }
}

/// A key's text, borrowed from the key itself when it is a binary.
fn key_text(key: Term<'_>) -> Result<Cow<'_, str>, Failure<'_>> {
    match key.get_type() {
        TermType::Binary => {
            let binary = key
                .decode_as_binary()
                .map_err(|_| Failure::InvalidKey(key))?;
            utf8(binary.as_slice())
                .map(Cow::Borrowed)
                .ok_or(Failure::InvalidKey(key))
        }
        TermType::Atom => key
            .atom_to_string()
            .map(Cow::Owned)
            .map_err(|_| Failure::InvalidKey(key)),
        TermType::Integer => match key.decode::<i64>() {
            Ok(value) => Ok(Cow::Owned(value.to_string())),
            Err(_) => big_integer_text(key)
                .map(Cow::Owned)
                .ok_or(Failure::InvalidKey(key)),
        },
        _ => Err(Failure::InvalidKey(key)),
    }
}

fn big_integer_text(term: Term<'_>) -> Option<String> {
    bignum::external_to_decimal(term.to_binary().as_slice())
}
