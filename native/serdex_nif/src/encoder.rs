//! Encodes BEAM terms as JSON by walking them with an explicit stack and writing into one
//! growing buffer.
//!
//! Some terms are left as "holes" for the Elixir side, and the output is then split into
//! pieces around them: structs, atoms the NIF API cannot name and terms that are not JSON
//! types (tuples, pids, bitstrings, ...), which go through the `Serdex.Encoder` protocol as
//! in Jason; and integers too long to print quickly, which are printed on a dirty scheduler.
//! A struct whose `Serdex.Encoder` is derived is written here, as its implementation would
//! write it, when the Elixir side lists it (see `Serdex.Encode.Derived`).
//! A tuple becomes the hole `{:value, tuple}`. A map key the NIF cannot write (see
//! [`key_text`]) becomes the hole `{:key, key}`; under `maps: :strict`, where every key must
//! be compared, its whole map becomes a hole instead.
//!
//! The walk runs in slices. When its [`Meter`] says the slice is over, it stops between two
//! bounded steps and hands back what it needs to carry on: the text so far and, for each
//! open container, its place, in a [`Job`] resource, and the terms it still has to walk, as
//! terms. Terms cannot be kept in the resource because the process may be garbage collected
//! between two slices, which moves them; the VM updates the ones it is handed.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Mutex;

use rustler::sys::ErlNifTerm;
use rustler::types::tuple::make_tuple;
use rustler::{Atom, Binary, Encoder as _, Env, ListIterator, Resource, Term, TermType};

use crate::atom_names::AtomNames;
use crate::binaries;
use crate::buffers::{self, Output};
use crate::slices::Pacing;
use crate::terms::{self, Kind, MapEntries};
use serdex_core::bignum;
use serdex_core::slice::Meter;
use serdex_core::utf8;
use serdex_core::writer::{self, Escape};

rustler::atoms! {
    __struct__,
    key,
    value,
}

/// Integers whose external form is longer than this (about 2,400 digits) are printed on a
/// dirty scheduler: the conversion takes quadratic time.
const LARGE_BIGNUM_BYTES: usize = 1024;

/// Strings longer than this are written in parts of this size, one per step.
const TEXT_PART: usize = 16 * 1024;

/// How much a buffer started for output holds before the text goes on in a longer one (see
/// [`Encoder::flush_part`]), so that no buffer has to be moved as a whole to grow.
const PART: usize = 1 << 20;

/// Room left in a buffer for the writes between two looks at its length, so that it does not
/// grow (moving its text) before it is handed over.
const HEADROOM: usize = PART / 4;

/// The capacity of a buffer started for a part: short enough to be copied out and kept.
const PART_CAPACITY: usize = PART + HEADROOM;
const _: () = assert!(PART_CAPACITY <= buffers::COPY_LIMIT);

/// Text up to this long is moved into the next buffer rather than left as a part: half of
/// what a join may copy in one step, as the move's copy goes to fresh memory.
const MOVE_LIMIT: usize = 2 * PART;

/// Maps with more entries than this are listed by the Elixir side (`:maps.to_list/1`, which
/// yields) before they are walked, so that a slice that ends inside one hands back its
/// remaining entries without copying them all in one step.
const LARGE_MAP: usize = 4096;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub escape: Escape,
    /// Reject maps whose keys collide once turned into strings.
    pub strict_keys: bool,
    /// How the slices of this encode end.
    pub pacing: Pacing,
}

/// An encode that stopped at the end of a slice, kept as a resource until the next one.
pub struct Job(Mutex<Option<Progress>>);

#[rustler::resource_impl]
impl Resource for Job {}

impl Job {
    /// The progress, which can be taken once.
    pub fn take(&self) -> Option<Progress> {
        self.0.lock().ok()?.take()
    }
}

impl Progress {
    pub fn options(&self) -> Options {
        self.options
    }
}

pub struct Progress {
    options: Options,
    /// The pieces written before, with holes standing for the terms that travel separately.
    saved: Vec<Saved>,
    /// The text written since the last piece.
    out: Vec<u8>,
    /// Each open frame's state, outermost first; their terms travel separately.
    frames: Vec<FrameState>,
}

/// A piece of an earlier slice: its text, or a hole (whose term is kept by the VM).
enum Saved {
    Json(Output),
    Hole,
}

enum FrameState {
    List {
        consumed: usize,
    },
    Map {
        consumed: usize,
        #[allow(clippy::box_collection)]
        seen: Option<Box<HashSet<String>>>,
    },
    Text {
        at: usize,
        key: bool,
    },
    Struct {
        consumed: usize,
    },
}

/// The result of an encode that did not fail.
pub enum Outcome<'a> {
    Done(Vec<Piece<'a>>),
    /// The slice ended: the job, the terms it needs (see [`Encoder::suspend`]), and a map
    /// whose entries Elixir must list before the next slice.
    Paused(Job, Term<'a>, Option<Term<'a>>),
}

/// A part of the output.
pub enum Piece<'a> {
    Json(Output),
    /// A term that goes into the output as it is: a hole for the Elixir side to fill, or a
    /// piece written in an earlier slice.
    Term(Term<'a>),
}

/// Why a term could not be encoded. Each carries the offending term (or key) for the message.
pub enum Failure<'a> {
    Unsupported(Term<'a>),
    InvalidUtf8(Term<'a>),
    ImproperList(Term<'a>),
    InvalidKey(Term<'a>),
    DuplicateKey(String),
    OutOfMemory,
    /// What was passed to carry on from is not a job in progress.
    BadJob,
}

enum Frame<'a> {
    List {
        rest: Term<'a>,
        consumed: usize,
    },
    /// A map's entries come from the innermost of `Encoder::iterators`, or, when `pairs` is
    /// a list, from it: the entries left when an earlier slice ended, as `{key, value}`.
    Map {
        pairs: Option<Term<'a>>,
        consumed: usize,
        /// The keys written so far, under `maps: :strict`. Boxed, as every frame is as large as
        /// the largest: a frame is pushed for each list and map, and small ones push fastest.
        #[allow(clippy::box_collection)]
        seen: Option<Box<HashSet<String>>>,
    },
    /// A long string written part by part: what is written so far, and, for a key, the
    /// value that follows it.
    Text {
        text: Term<'a>,
        at: usize,
        value: Option<Term<'a>>,
    },
    /// A struct with a derived encoder: the fields left to write, in the order its
    /// implementation writes them.
    Struct {
        map: Term<'a>,
        fields: Term<'a>,
        consumed: usize,
    },
}

/// Encodes `root` until it is finished or `meter` ends the slice. `resume` carries on the
/// encode of the same `root` from the job and the terms an earlier slice returned, and the
/// entries of the map it asked Elixir to list, if it did.
pub fn encode<'a, M: Meter>(
    env: Env<'a>,
    root: Term<'a>,
    options: Options,
    structs: Option<Term<'a>>,
    resume: Option<(Progress, Term<'a>, Option<Term<'a>>)>,
    meter: &mut M,
) -> Result<Outcome<'a>, Failure<'a>> {
    let mut encoder = Encoder {
        env,
        options,
        out: Vec::new(),
        saved: Vec::new(),
        holes: None,
        pieces: Vec::new(),
        stack: Vec::new(),
        outer_states: Vec::new(),
        outer_terms: Term::list_new_empty(env),
        iterators: Vec::new(),
        to_list: None,
        budget: 0,
        empty_list: Term::list_new_empty(env).as_c_arg(),
        structs,
        names: AtomNames::take(),
    };
    match resume {
        None => {
            encoder.out = buffers::spare();
            encoder.value(root)?;
            if encoder.to_list.is_some() {
                return Ok(encoder.suspend());
            }
        }
        Some((progress, terms, entries)) => encoder.restore(progress, terms, entries)?,
    }
    encoder.budget = meter.steps_per_look() as isize;
    loop {
        if encoder.stack.is_empty() && !encoder.surface()? {
            break;
        }
        encoder.walk()?;
        if encoder.budget <= 0 {
            if encoder.to_list.is_some() {
                return Ok(encoder.suspend());
            }
            let capacity = encoder
                .out
                .capacity()
                .clamp(PART_CAPACITY, buffers::LONGEST_KEPT);
            if encoder.out.len() + HEADROOM >= capacity {
                encoder.flush_part()?;
            }
            if meter.expired() && encoder.surface()? {
                return Ok(encoder.suspend());
            }
            encoder.budget = meter.steps_per_look() as isize;
        }
    }
    Ok(Outcome::Done(encoder.finish()))
}

struct Encoder<'a> {
    env: Env<'a>,
    options: Options,
    out: Vec<u8>,
    /// The pieces of earlier slices, and the terms of their holes, the newest first.
    saved: Vec<Saved>,
    holes: Option<Term<'a>>,
    /// The pieces of this slice.
    pieces: Vec<Piece<'a>>,
    /// The open frames this slice has worked on, innermost last.
    stack: Vec<Frame<'a>>,
    /// The open frames around those, as an earlier slice left them: their states, outermost
    /// first, and their terms, innermost first. They are taken up one at a time as the ones
    /// inside them close, so that a slice's cost does not grow with the depth of the term.
    outer_states: Vec<FrameState>,
    outer_terms: Term<'a>,
    /// The iterators of the open maps that have one, innermost last. They are large, so they
    /// live apart from `stack` (no box per map, and no copying them as frames come and go).
    iterators: Vec<MapEntries<'a>>,
    /// A large map just opened, whose entries Elixir must list.
    to_list: Option<Term<'a>>,
    /// Steps left before the meter is looked at. A step that writes or computes much more
    /// than most takes more off.
    budget: isize,
    /// `[]`, to tell the end of a list without a call into the VM.
    empty_list: ErlNifTerm,
    /// The structs with a derived encoder: `%{module => {take?, fields}}`.
    structs: Option<Term<'a>>,
    names: AtomNames,
}

impl<'a> Encoder<'a> {
    /// Works on the innermost open frame until it opens another, closes, or the budget is
    /// spent. Members that are scalars are written in this loop, without a step each.
    fn walk(&mut self) -> Result<(), Failure<'a>> {
        let top = self.stack.len() - 1;
        match &self.stack[top] {
            Frame::List { rest, consumed } => self.walk_list(top, *rest, *consumed),
            Frame::Map {
                pairs, consumed, ..
            } => self.walk_map(top, *pairs, *consumed),
            Frame::Text { text, at, value } => self.text_part(*text, *at, *value),
            Frame::Struct {
                map,
                fields,
                consumed,
            } => self.walk_struct(top, *map, *fields, *consumed),
        }
    }

    fn walk_list(
        &mut self,
        top: usize,
        mut rest: Term<'a>,
        mut consumed: usize,
    ) -> Result<(), Failure<'a>> {
        loop {
            let Some((head, tail)) = terms::list_cell(rest) else {
                if rest.as_c_arg() != self.empty_list {
                    return Err(Failure::ImproperList(rest));
                }
                room(&mut self.out, 1)?;
                self.out.push(b']');
                self.stack.pop();
                return Ok(());
            };
            if consumed > 0 {
                room(&mut self.out, 1)?;
                self.out.push(b',');
            }
            consumed += 1;
            rest = tail;
            self.budget -= 1;
            if self.value(head)? || self.budget <= 0 {
                self.stack[top] = Frame::List { rest, consumed };
                return Ok(());
            }
        }
    }

    /// A map's entries come from the innermost of `iterators`, or from `pairs` when it is a
    /// list of them.
    fn walk_map(
        &mut self,
        top: usize,
        mut pairs: Option<Term<'a>>,
        mut consumed: usize,
    ) -> Result<(), Failure<'a>> {
        loop {
            let entry = match &mut pairs {
                None => self.iterators.last_mut().and_then(Iterator::next),
                Some(list) => next_pair(list),
            };
            let Some((key, value)) = entry else {
                room(&mut self.out, 1)?;
                self.out.push(b'}');
                self.stack.pop();
                if pairs.is_none() {
                    self.iterators.pop();
                }
                return Ok(());
            };
            let first = consumed == 0;
            consumed += 1;
            self.budget -= 1;
            let opened = match self.key(key, value, first)? {
                Some(value) => self.value(value)?,
                // A long key, written by a frame of its own.
                None => true,
            };
            if opened || self.budget <= 0 {
                if let Frame::Map {
                    pairs: left,
                    consumed: count,
                    ..
                } = &mut self.stack[top]
                {
                    *left = pairs;
                    *count = consumed;
                }
                return Ok(());
            }
        }
    }

    /// Writes the fields of a struct with a derived encoder. A field the struct lacks is
    /// left out, as `Map.take/2` leaves it out (see `open_struct` for `Map.fetch!/2`).
    fn walk_struct(
        &mut self,
        top: usize,
        map: Term<'a>,
        mut fields: Term<'a>,
        mut consumed: usize,
    ) -> Result<(), Failure<'a>> {
        loop {
            let Some((field, rest)) = terms::list_cell(fields) else {
                room(&mut self.out, 1)?;
                self.out.push(b'}');
                self.stack.pop();
                return Ok(());
            };
            fields = rest;
            let Some(value) = terms::map_value(map, field) else {
                continue;
            };
            room(&mut self.out, 1)?;
            if consumed > 0 {
                self.out.push(b',');
            }
            consumed += 1;
            self.budget -= 1;
            if !self.atom_key(field)? {
                room(&mut self.out, 1)?;
                self.key_hole(field);
                self.out.push(b':');
            }
            if self.value(value)? || self.budget <= 0 {
                self.stack[top] = Frame::Struct {
                    map,
                    fields,
                    consumed,
                };
                return Ok(());
            }
        }
    }

    /// Writes an atom key and its colon; false, having written nothing, when the NIF API
    /// cannot read the atom's name.
    #[inline]
    fn atom_key(&mut self, atom: Term<'a>) -> Result<bool, Failure<'a>> {
        let Some(name) = self.names.get(atom) else {
            return Ok(false);
        };
        room(&mut self.out, writer::escaped_length_bound(name.len()) + 3)?;
        if !writer::write_plain(&mut self.out, name.as_bytes(), self.options.escape) {
            writer::write_string(&mut self.out, name, self.options.escape);
        }
        self.out.push(b':');
        Ok(true)
    }

    /// Writes the next part of a long string, and once it is all written, the value that
    /// follows it if it is a key.
    fn text_part(
        &mut self,
        text: Term<'a>,
        at: usize,
        value: Option<Term<'a>>,
    ) -> Result<(), Failure<'a>> {
        let bytes = terms::binary_bytes(text).ok_or(Failure::Unsupported(text))?;
        // Parts end before a character's first byte, so each is checked on its own.
        let mut end = (at + TEXT_PART).min(bytes.len());
        while end < bytes.len() && end > at && bytes[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        let part = utf8::as_str(&bytes[at..end]).ok_or(Failure::InvalidUtf8(text))?;
        room(&mut self.out, writer::escaped_length_bound(part.len()) + 2)?;
        let before = self.out.len();
        writer::write_escaped(&mut self.out, part, self.options.escape);
        self.budget -= 1;
        self.charge_written(before);
        if end < bytes.len() {
            if let Some(Frame::Text { at, .. }) = self.stack.last_mut() {
                *at = end;
            }
            return Ok(());
        }
        self.stack.pop();
        match value {
            None => self.out.push(b'"'),
            Some(value) => {
                self.out.extend_from_slice(b"\":");
                self.value(value)?;
            }
        }
        Ok(())
    }

    /// Writes the separator and key of a map member, and returns its value; or opens a frame
    /// that writes a long key and then its value.
    #[inline]
    fn key(
        &mut self,
        key: Term<'a>,
        value: Term<'a>,
        first: bool,
    ) -> Result<Option<Term<'a>>, Failure<'a>> {
        room(&mut self.out, 1)?;
        if !first {
            self.out.push(b',');
        }
        if !self.options.strict_keys
            && let Some(bytes) = terms::binary_bytes(key)
            && bytes.len() <= TEXT_PART
        {
            room(&mut self.out, bytes.len() + 3)?;
            if writer::write_plain(&mut self.out, bytes, self.options.escape) {
                self.out.push(b':');
                self.charge(bytes.len() >> 10);
                return Ok(Some(value));
            }
        }
        self.other_key(key, value)
    }

    /// A key that is not a short plain binary, or any key under `maps: :strict`.
    #[inline(never)]
    fn other_key(
        &mut self,
        key: Term<'a>,
        value: Term<'a>,
    ) -> Result<Option<Term<'a>>, Failure<'a>> {
        if !self.options.strict_keys && key.get_type() == TermType::Atom && self.atom_key(key)? {
            return Ok(Some(value));
        }
        let Some(text) = key_text(key)? else {
            // Written by the Elixir side, quoted; only under `maps: :naive`, as a strict map
            // with such a key is a hole as a whole.
            room(&mut self.out, 1)?;
            self.key_hole(key);
            self.out.push(b':');
            return Ok(Some(value));
        };
        self.remember_key(&text)?;
        if text.len() > TEXT_PART {
            room(&mut self.out, 1)?;
            self.out.push(b'"');
            self.stack.push(Frame::Text {
                text: key_binary(self.env, key, &text),
                at: 0,
                value: Some(value),
            });
            return Ok(None);
        }
        room(&mut self.out, writer::escaped_length_bound(text.len()) + 3)?;
        let before = self.out.len();
        writer::write_string(&mut self.out, &text, self.options.escape);
        self.charge_written(before);
        self.out.push(b':');
        Ok(Some(value))
    }

    /// Under `maps: :strict`, records the key of the innermost map, failing if it was seen.
    fn remember_key(&mut self, text: &str) -> Result<(), Failure<'a>> {
        if let Some(Frame::Map {
            seen: Some(seen), ..
        }) = self.stack.last_mut()
            && !seen.insert(text.to_string())
        {
            return Err(Failure::DuplicateKey(text.to_string()));
        }
        Ok(())
    }

    /// Writes a value, or opens a frame to walk it; returns whether it opened one.
    #[inline]
    fn value(&mut self, term: Term<'a>) -> Result<bool, Failure<'a>> {
        // The scalars of `word_scalar`, spelled out: through it, every encode measured 1-4%
        // slower.
        match terms::kind(term) {
            Kind::SmallInteger(value) => {
                room(&mut self.out, 20)?;
                writer::write_i64(&mut self.out, value);
                return Ok(false);
            }
            Kind::Float(value) => {
                room(&mut self.out, 32)?;
                writer::write_f64(&mut self.out, value);
                return Ok(false);
            }
            Kind::Atom => {
                self.atom(term)?;
                return Ok(false);
            }
            Kind::List => return self.open_list(term),
            // Most terms on the heap are strings.
            Kind::Boxed => {
                if let Some(bytes) = terms::binary_bytes(term) {
                    return self.string(term, bytes);
                }
            }
            Kind::Other => {}
        }
        match term.get_type() {
            TermType::Binary => return self.binary(term),
            TermType::Integer => match terms::small_integer(term) {
                Some(value) => {
                    room(&mut self.out, 20)?;
                    writer::write_i64(&mut self.out, value);
                }
                None => self.big_integer(term)?,
            },
            TermType::Float => {
                let value = terms::float(term).ok_or(Failure::Unsupported(term))?;
                room(&mut self.out, 32)?;
                writer::write_f64(&mut self.out, value);
            }
            TermType::Atom => self.atom(term)?,
            TermType::List => {
                if term.as_c_arg() == self.empty_list {
                    room(&mut self.out, 2)?;
                    self.out.extend_from_slice(b"[]");
                    return Ok(false);
                }
                return self.open_list(term);
            }
            TermType::Map => return self.open_map(term),
            // Tuples, pids, references, ports, functions: Jason hands them to its protocol,
            // which may have an implementation for them; so does the Elixir side. A tuple is
            // tagged, so that it cannot pass for a key hole.
            TermType::Tuple => self.tagged_hole(value(), term),
            _ => self.hole(term),
        }
        Ok(false)
    }

    /// Writes a non-empty list, if all it holds are numbers, atoms and short strings (as in
    /// coordinates, or lists of tags), without opening a frame; otherwise writes those it
    /// starts with and opens a frame for the rest.
    #[inline(never)]
    fn open_list(&mut self, term: Term<'a>) -> Result<bool, Failure<'a>> {
        room(&mut self.out, 1)?;
        self.out.push(b'[');
        let (mut rest, mut consumed) = (term, 0);
        while self.budget > 0
            && let Some((head, tail)) = terms::list_cell(rest)
        {
            let before = self.out.len();
            if consumed > 0 {
                room(&mut self.out, 1)?;
                self.out.push(b',');
            }
            let kind = terms::kind(head);
            let written = self.word_scalar(head, kind)?
                || (kind == Kind::Boxed && self.short_string(head)?);
            if !written {
                self.out.truncate(before);
                break;
            }
            self.budget -= 1;
            consumed += 1;
            rest = tail;
        }
        if rest.as_c_arg() == self.empty_list {
            room(&mut self.out, 1)?;
            self.out.push(b']');
            return Ok(false);
        }
        self.stack.push(Frame::List { rest, consumed });
        Ok(true)
    }

    /// Writes a number or an atom, read from its word; false, having written nothing, for a
    /// term of any other kind.
    #[inline]
    fn word_scalar(&mut self, term: Term<'a>, kind: Kind) -> Result<bool, Failure<'a>> {
        match kind {
            Kind::SmallInteger(value) => {
                room(&mut self.out, 20)?;
                writer::write_i64(&mut self.out, value);
            }
            Kind::Float(value) => {
                room(&mut self.out, 32)?;
                writer::write_f64(&mut self.out, value);
            }
            Kind::Atom => self.atom(term)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Writes a string short enough to need no frame; false, having written nothing, for
    /// any other term.
    #[inline]
    fn short_string(&mut self, term: Term<'a>) -> Result<bool, Failure<'a>> {
        match terms::binary_bytes(term) {
            Some(bytes) if bytes.len() <= TEXT_PART => {
                self.string(term, bytes)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    #[inline]
    fn binary(&mut self, term: Term<'a>) -> Result<bool, Failure<'a>> {
        match terms::binary_bytes(term) {
            Some(bytes) => self.string(term, bytes),
            // A bitstring that is not a binary.
            None => {
                self.hole(term);
                Ok(false)
            }
        }
    }

    /// Writes a string, or opens a frame that writes a long one part by part.
    #[inline(always)]
    fn string(&mut self, term: Term<'a>, bytes: &'a [u8]) -> Result<bool, Failure<'a>> {
        if bytes.len() > TEXT_PART {
            room(&mut self.out, 1)?;
            self.out.push(b'"');
            self.stack.push(Frame::Text {
                text: term,
                at: 0,
                value: None,
            });
            return Ok(true);
        }
        room(&mut self.out, bytes.len() + 2)?;
        let before = self.out.len();
        if !writer::write_plain(&mut self.out, bytes, self.options.escape) {
            self.escaped_string(term, bytes)?;
        }
        self.charge_written(before);
        Ok(false)
    }

    /// A string with characters to escape, or that is not ASCII.
    #[inline(never)]
    fn escaped_string(&mut self, term: Term<'a>, bytes: &[u8]) -> Result<(), Failure<'a>> {
        let text = utf8::as_str(bytes).ok_or(Failure::InvalidUtf8(term))?;
        room(&mut self.out, writer::escaped_length_bound(text.len()) + 2)?;
        writer::write_string(&mut self.out, text, self.options.escape);
        Ok(())
    }

    // Kept out of `value`: opening a map is long, and rarer than a scalar.
    #[inline(never)]
    fn open_map(&mut self, term: Term<'a>) -> Result<bool, Failure<'a>> {
        let size = terms::map_size(term).ok_or(Failure::Unsupported(term))?;
        if size == 0 {
            room(&mut self.out, 2)?;
            self.out.extend_from_slice(b"{}");
            return Ok(false);
        }
        if let Some(module) = terms::map_value(term, __struct__().to_term(self.env)) {
            if self.open_struct(term, module)? {
                return Ok(true);
            }
            self.hole(term);
            return Ok(false);
        }
        if self.options.strict_keys && (size > LARGE_MAP || has_foreign_key(term, size)?) {
            self.hole(term);
            return Ok(false);
        }
        room(&mut self.out, 1)?;
        self.out.push(b'{');
        let seen = self.options.strict_keys.then(Box::default);
        if size > LARGE_MAP {
            self.to_list = Some(term);
            self.budget = 0;
            self.stack.push(Frame::Map {
                pairs: Some(term),
                consumed: 0,
                seen,
            });
        } else {
            let entries = map_entries(term, size).ok_or(Failure::Unsupported(term))?;
            self.iterators.push(entries);
            self.stack.push(Frame::Map {
                pairs: None,
                consumed: 0,
                seen,
            });
        }
        Ok(true)
    }

    /// Opens a frame for a struct of `module` if its encoder is derived; false otherwise,
    /// and for a struct that lacks a field its implementation fetches with `Map.fetch!/2`
    /// (which raises there).
    fn open_struct(&mut self, term: Term<'a>, module: Term<'a>) -> Result<bool, Failure<'a>> {
        let Some(derived) = self
            .structs
            .and_then(|structs| terms::map_value(structs, module))
        else {
            return Ok(false);
        };
        let Ok((take, fields)) = derived.decode::<(bool, Term<'a>)>() else {
            return Ok(false);
        };
        if !take {
            let mut rest = fields;
            while let Some((field, tail)) = terms::list_cell(rest) {
                if terms::map_value(term, field).is_none() {
                    return Ok(false);
                }
                rest = tail;
            }
        }
        room(&mut self.out, 1)?;
        self.out.push(b'{');
        self.stack.push(Frame::Struct {
            map: term,
            fields,
            consumed: 0,
        });
        Ok(true)
    }

    #[inline]
    fn atom(&mut self, term: Term<'a>) -> Result<(), Failure<'a>> {
        // The common atoms are recognized without reading their names.
        let raw = term.as_c_arg();
        let literal: &[u8] = if raw == rustler::types::atom::nil().as_c_arg() {
            b"null"
        } else if raw == rustler::types::atom::true_().as_c_arg() {
            b"true"
        } else if raw == rustler::types::atom::false_().as_c_arg() {
            b"false"
        } else {
            return self.named_atom(term);
        };
        room(&mut self.out, 5)?;
        self.out.extend_from_slice(literal);
        Ok(())
    }

    #[inline(never)]
    fn named_atom(&mut self, term: Term<'a>) -> Result<(), Failure<'a>> {
        match self.names.get(term) {
            Some(name) => {
                room(&mut self.out, writer::escaped_length_bound(name.len()) + 2)?;
                writer::write_string(&mut self.out, name, self.options.escape);
            }
            None => self.hole(term),
        }
        Ok(())
    }

    /// An integer beyond `i64`.
    #[inline(never)]
    fn big_integer(&mut self, term: Term<'a>) -> Result<(), Failure<'a>> {
        room(&mut self.out, 24)?;
        if let Ok(value) = term.decode::<u64>() {
            writer::write_u64(&mut self.out, value);
            return Ok(());
        }
        let external = term.to_binary();
        if external.len() > LARGE_BIGNUM_BYTES {
            self.hole(term);
            return Ok(());
        }
        // The conversion is quadratic: a bignum near the limit costs a few hundred steps.
        self.charge((external.len() / 64).pow(2));
        let text =
            bignum::external_to_decimal(external.as_slice()).ok_or(Failure::Unsupported(term))?;
        room(&mut self.out, text.len())?;
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Counts work beyond an ordinary step: `steps` more of them.
    #[inline]
    fn charge(&mut self, steps: usize) {
        self.budget = self
            .budget
            .saturating_sub(isize::try_from(steps).unwrap_or(isize::MAX));
    }

    /// Charges a step for each KiB written since `before`: escapes write up to six bytes for
    /// one, and what is written between two looks must fit in a buffer's [`HEADROOM`].
    #[inline]
    fn charge_written(&mut self, before: usize) {
        self.charge((self.out.len() - before) >> 10);
    }

    /// A hole for a map key the NIF cannot write: `{:key, key}`, filled with the key's text
    /// (`String.Chars`, as in Jason), quoted and escaped.
    fn key_hole(&mut self, term: Term<'a>) {
        self.tagged_hole(key(), term);
    }

    /// A hole `{tag, term}`: every hole that is a tuple is tagged, `:key` or `:value`.
    fn tagged_hole(&mut self, tag: Atom, term: Term<'a>) {
        let env = self.env;
        self.hole(make_tuple(env, &[tag.encode(env), term]));
    }

    /// Leaves `term` to the Elixir side. The text before it becomes a binary right away, so
    /// that the cost of many holes is paid step by step, not all at the end.
    // Rare: kept out of line so that the walk over ordinary values does not carry it.
    #[cold]
    #[inline(never)]
    fn hole(&mut self, term: Term<'a>) {
        if !self.out.is_empty() {
            let text = binaries::copy(self.env, &self.out);
            self.out.clear();
            self.pieces.push(Piece::Term(text));
        }
        self.pieces.push(Piece::Term(term));
    }

    /// Goes on in a buffer of twice the capacity, up to the longest kept for later encodes, so
    /// that no buffer grows past its capacity: growing a long one means moving it whole.
    ///
    /// Text of up to [`MOVE_LIMIT`] moves along, so that the output still ends in one buffer,
    /// handed over without a join. It moves into a new buffer: an encode that fills a short
    /// one found no long one kept, and one more kept spares the next encode the same move.
    /// Longer text is set aside as a piece, and the next buffer may be a kept one.
    fn flush_part(&mut self) -> Result<(), Failure<'a>> {
        let capacity = (2 * self.out.capacity()).clamp(PART_CAPACITY, buffers::LONGEST_KEPT);
        if self.out.len() <= MOVE_LIMIT {
            let mut next = Vec::new();
            room(&mut next, capacity)?;
            next.extend_from_slice(&self.out);
            buffers::keep(std::mem::replace(&mut self.out, next));
        } else {
            let next = buffers::spare_of(capacity).map_err(|_| Failure::OutOfMemory)?;
            let part = std::mem::replace(&mut self.out, next);
            self.pieces.push(Piece::Json(Output(part)));
        }
        Ok(())
    }

    fn flush(&mut self) {
        if !self.out.is_empty() || (self.pieces.is_empty() && self.saved.is_empty()) {
            self.pieces
                .push(Piece::Json(Output(std::mem::take(&mut self.out))));
        }
    }

    /// The output of a finished encode: the pieces of earlier slices, then this slice's.
    fn finish(&mut self) -> Vec<Piece<'a>> {
        self.flush();
        let pieces = std::mem::take(&mut self.pieces);
        if self.saved.is_empty() {
            return pieces;
        }
        let mut holes: Vec<Term<'a>> = self.holes.map(list).into_iter().flatten().collect();
        holes.reverse();
        let mut holes = holes.into_iter();
        let mut all = Vec::with_capacity(self.saved.len() + pieces.len());
        for saved in std::mem::take(&mut self.saved) {
            match saved {
                Saved::Json(json) => all.push(Piece::Json(json)),
                Saved::Hole => all.extend(holes.next().map(Piece::Term)),
            }
        }
        all.extend(pieces);
        all
    }

    /// Ends the slice. The terms handed back are `{holes, frames}`: the terms of the holes so
    /// far (the newest first), and for each open frame, innermost first, the terms it still
    /// has to walk: a list's rest, a map's entries left as `{key, value}` pairs (or the map
    /// itself, when Elixir is to list it), or a string being written (with the value that
    /// follows, for a key).
    fn suspend(mut self) -> Outcome<'a> {
        let env = self.env;
        let mut holes = self.holes.unwrap_or_else(|| Term::list_new_empty(env));
        for piece in std::mem::take(&mut self.pieces) {
            self.saved.push(match piece {
                Piece::Json(json) => Saved::Json(json),
                Piece::Term(term) => {
                    holes = holes.list_prepend(term);
                    Saved::Hole
                }
            });
        }
        let mut iterators = std::mem::take(&mut self.iterators).into_iter();
        let mut states = std::mem::take(&mut self.outer_states);
        let mut terms = self.outer_terms;
        for frame in std::mem::take(&mut self.stack) {
            let (state, term) = match frame {
                Frame::List { rest, consumed } => (FrameState::List { consumed }, rest),
                Frame::Map {
                    pairs,
                    consumed,
                    seen,
                } => {
                    // The entries left are copied once; from then on the map resumes in
                    // constant time.
                    let pairs = pairs.unwrap_or_else(|| {
                        let left: Vec<(Term, Term)> =
                            iterators.next().into_iter().flatten().collect();
                        left.encode(env)
                    });
                    (FrameState::Map { consumed, seen }, pairs)
                }
                Frame::Text { text, at, value } => {
                    let key = value.is_some();
                    let term = (text, value.unwrap_or(text)).encode(env);
                    (FrameState::Text { at, key }, term)
                }
                Frame::Struct {
                    map,
                    fields,
                    consumed,
                } => (FrameState::Struct { consumed }, (map, fields).encode(env)),
            };
            states.push(state);
            terms = terms.list_prepend(term);
        }
        let progress = Progress {
            options: self.options,
            saved: std::mem::take(&mut self.saved),
            out: std::mem::take(&mut self.out),
            frames: states,
        };
        let job = Job(Mutex::new(Some(progress)));
        let structs = self
            .structs
            .unwrap_or_else(|| rustler::types::atom::nil().to_term(env));
        let terms = (holes, terms, structs).encode(env);
        Outcome::Paused(job, terms, self.to_list.take())
    }

    /// Takes up an encode where [`Encoder::suspend`] left it; `entries` lists the innermost
    /// map, when Elixir was asked to.
    fn restore(
        &mut self,
        progress: Progress,
        terms: Term<'a>,
        entries: Option<Term<'a>>,
    ) -> Result<(), Failure<'a>> {
        let (holes, frames, structs): (Term<'a>, Term<'a>, Term<'a>) =
            terms.decode().map_err(|_| Failure::BadJob)?;
        self.holes = Some(holes);
        self.structs = (structs.get_type() == TermType::Map).then_some(structs);
        self.saved = progress.saved;
        self.options = progress.options;
        self.out = progress.out;
        self.outer_states = progress.frames;
        self.outer_terms = frames;
        self.surface()?;
        if let Some(entries) = entries {
            match self.stack.last_mut() {
                Some(Frame::Map { pairs, .. }) => *pairs = Some(entries),
                _ => return Err(Failure::BadJob),
            }
        }
        Ok(())
    }

    /// Takes up the innermost outer frame when no other is open. Returns whether a frame is
    /// open, that is, whether the encode has work left.
    fn surface(&mut self) -> Result<bool, Failure<'a>> {
        if !self.stack.is_empty() {
            return Ok(true);
        }
        let Some(state) = self.outer_states.pop() else {
            return Ok(false);
        };
        let (term, rest) = self
            .outer_terms
            .list_get_cell()
            .map_err(|_| Failure::BadJob)?;
        self.outer_terms = rest;
        self.stack.push(match state {
            FrameState::List { consumed } => Frame::List {
                rest: term,
                consumed,
            },
            FrameState::Map { consumed, seen } => Frame::Map {
                pairs: Some(term),
                consumed,
                seen,
            },
            FrameState::Text { at, key } => {
                let (text, value): (Term<'a>, Term<'a>) =
                    term.decode().map_err(|_| Failure::BadJob)?;
                Frame::Text {
                    text,
                    at,
                    value: key.then_some(value),
                }
            }
            FrameState::Struct { consumed } => {
                let (map, fields): (Term<'a>, Term<'a>) =
                    term.decode().map_err(|_| Failure::BadJob)?;
                Frame::Struct {
                    map,
                    fields,
                    consumed,
                }
            }
        });
        Ok(true)
    }
}

impl Drop for Encoder<'_> {
    fn drop(&mut self) {
        buffers::keep(std::mem::take(&mut self.out));
        std::mem::take(&mut self.names).give_back();
    }
}

/// Makes room for `bytes` more bytes of output, failing rather than aborting when memory runs
/// out.
#[inline]
fn room<'a>(out: &mut Vec<u8>, bytes: usize) -> Result<(), Failure<'a>> {
    out.try_reserve(bytes).map_err(|_| Failure::OutOfMemory)
}

/// Takes the next entry off a list of `{key, value}` pairs.
fn next_pair<'a>(list: &mut Term<'a>) -> Option<(Term<'a>, Term<'a>)> {
    let (pair, rest) = list.list_get_cell().ok()?;
    *list = rest;
    pair.decode().ok()
}

fn list(term: Term<'_>) -> impl Iterator<Item = Term<'_>> {
    term.decode::<ListIterator>().into_iter().flatten()
}

/// A key's text, borrowed from the key itself when it is a binary, or `None` for a key the
/// NIF leaves to the Elixir side: an atom whose name is beyond Latin-1 (the NIF API of OTP 25
/// cannot read it), an integer too long to print on a normal scheduler, or a key that is not
/// an atom, binary or integer (Jason writes those through `String.Chars`, and so does the
/// Elixir side). A binary that is not UTF-8 is an error.
fn key_text(key: Term<'_>) -> Result<Option<Cow<'_, str>>, Failure<'_>> {
    let text = match key.get_type() {
        TermType::Binary => {
            let binary = Binary::from_term(key).map_err(|_| Failure::InvalidKey(key))?;
            let text = utf8::as_str(binary.as_slice()).ok_or(Failure::InvalidKey(key))?;
            Some(Cow::Borrowed(text))
        }
        TermType::Atom => key.atom_to_string().ok().map(Cow::Owned),
        TermType::Integer => match key.decode::<i64>() {
            Ok(value) => Some(Cow::Owned(value.to_string())),
            Err(_) => {
                let external = key.to_binary();
                if external.len() > LARGE_BIGNUM_BYTES {
                    return Ok(None);
                }
                let text = bignum::external_to_decimal(external.as_slice())
                    .ok_or(Failure::InvalidKey(key))?;
                Some(Cow::Owned(text))
            }
        },
        _ => None,
    };
    Ok(text)
}

/// A map's entries in the order of `Map.to_list/1`, which is the order Jason writes them in.
/// The NIF API walks a small map (up to 32 keys, kept sorted) in that order, but a large one
/// (a hash trie) in the opposite order, so a large map is walked from its end.
fn map_entries(map: Term<'_>, size: usize) -> Option<MapEntries<'_>> {
    MapEntries::new(map, size > SMALL_MAP_KEYS)
}

/// Maps with more keys than this are hash tries (`MAP_SMALL_MAP_LIMIT` in the VM).
const SMALL_MAP_KEYS: usize = 32;

/// Whether any key of `map` (of `size` keys) is one that [`key_text`] leaves to Elixir.
fn has_foreign_key<'a>(map: Term<'a>, size: usize) -> Result<bool, Failure<'a>> {
    let entries = map_entries(map, size).ok_or(Failure::Unsupported(map))?;
    for (key, _) in entries {
        if key_text(key)?.is_none() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A long key as a binary, to be written part by part: the key itself when it is one.
fn key_binary<'a>(env: Env<'a>, key: Term<'a>, text: &str) -> Term<'a> {
    if key.get_type() == TermType::Binary {
        key
    } else {
        binaries::copy(env, text.as_bytes())
    }
}
