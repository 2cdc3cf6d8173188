//! Encodes BEAM terms as JSON by walking them with an explicit stack and writing into one
//! growing buffer.
//!
//! Structs (other than plain maps) and atoms the NIF API cannot name are left as "holes":
//! the output is then split into pieces around them, and the Elixir side fills each hole
//! through the `Serdex.Encoder` protocol.

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
    Json(Vec<u8>),
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
        entries: Box<MapIterator<'a>>,
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
        out: Vec::with_capacity(256),
        pieces: Vec::new(),
        stack: Vec::new(),
    };
    encoder.value(root)?;
    while let Some(step) = encoder.next_step()? {
        match step {
            Step::Value(term) => encoder.value(term)?,
            Step::Close(bracket) => {
                encoder.out.push(bracket);
                encoder.stack.pop();
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
    Ok(encoder.pieces)
}

struct Encoder<'a> {
    options: Options,
    out: Vec<u8>,
    pieces: Vec<Piece<'a>>,
    stack: Vec<Frame<'a>>,
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
            Frame::Map {
                entries,
                first,
                seen,
            } => match entries.next() {
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
                    if seen.as_mut().is_some_and(|seen| !seen.insert(text.clone())) {
                        return Err(Failure::DuplicateKey(text));
                    }
                    writer::write_string(&mut self.out, &text, self.options.escape);
                    self.out.push(b':');
                    Ok(Some(Step::Value(value)))
                }
                None => Ok(Some(Step::Close(b'}'))),
            },
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
                let text = std::str::from_utf8(binary.as_slice())
                    .map_err(|_| Failure::InvalidUtf8(term))?;
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
                    let entries = Box::new(entries);
                    self.out.push(b'{');
                    self.stack.push(Frame::Map {
                        entries,
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
            self.pieces.push(Piece::Json(std::mem::take(&mut self.out)));
        }
    }
}

fn key_text(key: Term<'_>) -> Result<String, Failure<'_>> {
    match key.get_type() {
        TermType::Binary => {
            let binary = key
                .decode_as_binary()
                .map_err(|_| Failure::InvalidKey(key))?;
            std::str::from_utf8(binary.as_slice())
                .map(str::to_string)
                .map_err(|_| Failure::InvalidKey(key))
        }
        TermType::Atom => key.atom_to_string().map_err(|_| Failure::InvalidKey(key)),
        TermType::Integer => match key.decode::<i64>() {
            Ok(value) => Ok(value.to_string()),
            Err(_) => big_integer_text(key).ok_or(Failure::InvalidKey(key)),
        },
        _ => Err(Failure::InvalidKey(key)),
    }
}

fn big_integer_text(term: Term<'_>) -> Option<String> {
    bignum::external_to_decimal(term.to_binary().as_slice())
}
