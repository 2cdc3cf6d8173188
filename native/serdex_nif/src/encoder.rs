//! Encodes BEAM terms as JSON by walking them with an explicit stack and writing into one
//! growing buffer.
//!
//! Structs, atoms the NIF API cannot name, and terms that are not JSON types (tuples, pids,
//! bitstrings, ...) are left as "holes": the output is then split into pieces around them,
//! and the Elixir side fills each hole through the `Serdex.Encoder` protocol. A tuple becomes
//! the hole `{:value, tuple}`. A map key the NIF cannot write (see [`key_text`]) becomes the
//! hole `{:key, key}`; under `maps: :strict`, where every key must be compared, its whole map
//! becomes a hole instead.
//!
//! On a normal scheduler the walk stops once its work passes a budget and returns a
//! [`Checkpoint`]: the text so far and, for each open container, how many members it has
//! consumed. A dirty scheduler then walks back down to that point and carries on, so no
//! encoding is done twice. Positions are counts rather than saved terms because the process
//! runs (and may be garbage collected) between the two calls; a map is immutable, so it
//! yields its entries in the same order both times.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::Mutex;

use rustler::types::tuple::make_tuple;
use rustler::{Atom, Binary, Encoder as _, MapIterator, Resource, Term, TermType};

use serdex_core::bignum;
use serdex_core::utf8;
use serdex_core::writer::{self, Escape};

rustler::atoms! {
    __struct__,
    key,
    value,
}

/// Bignums whose external form is longer than this (about 2,400 digits) are printed on a
/// dirty scheduler only.
const LARGE_BIGNUM_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub escape: Escape,
    /// Reject maps whose keys collide once turned into strings.
    pub strict_keys: bool,
    /// Pause once this much work is done (see [`STEP_WORK`]), so that a long job can move
    /// to a dirty scheduler.
    pub budget: Option<usize>,
}

/// The budget counts work in units of about one output byte of plain text: every step (a
/// value or a closing bracket) costs `STEP_WORK` on top of the bytes it writes, a map entry
/// `KEY_WORK` more for its key, and opening a map `MAP_WORK` more. The weights come from
/// timing the walk over many kinds of content (`bench/encode_budget.exs`), so that a budget
/// holds a normal scheduler for about as long whatever the term holds.
pub const STEP_WORK: usize = 32;
pub const KEY_WORK: usize = 32;
pub const MAP_WORK: usize = 64;

/// Where a paused encode stopped. It is handed to Elixir as a resource and taken (once) by
/// the dirty scheduler that finishes the job.
pub struct Checkpoint(Mutex<Option<Progress>>);

#[rustler::resource_impl]
impl Resource for Checkpoint {}

struct Progress {
    /// The text written since the last hole.
    out: Vec<u8>,
    /// For each open container, outermost first, how many members it has consumed; the last
    /// one consumed by every container but the innermost is the next container down. Empty
    /// when the root itself has not been started.
    path: Vec<usize>,
}

impl Checkpoint {
    fn take(&self) -> Option<Progress> {
        self.0.lock().ok()?.take()
    }
}

/// The result of an encode that did not fail.
pub enum Outcome<'a> {
    Done(Vec<Piece<'a>>),
    /// Over budget: the pieces before the last hole, and where to carry on from.
    Paused(Vec<Piece<'a>>, Checkpoint),
}

/// A part of the output.
pub enum Piece<'a> {
    Json(Output),
    /// A term that goes into the output as it is: a hole for the Elixir side to fill, or a
    /// piece written before a pause.
    Term(Term<'a>),
}

/// Why a term could not be encoded. Each carries the offending term (or key) for the message.
pub enum Failure<'a> {
    Unsupported(Term<'a>),
    InvalidUtf8(Term<'a>),
    ImproperList(Term<'a>),
    InvalidKey(Term<'a>),
    DuplicateKey(String),
    /// The checkpoint passed in was already used.
    SpentCheckpoint,
    OverBudget,
}

enum Frame<'a> {
    List {
        rest: Term<'a>,
        consumed: usize,
    },
    Map {
        consumed: usize,
        /// The keys written so far, under `maps: :strict`.
        seen: Option<HashSet<String>>,
    },
}

impl Frame<'_> {
    fn consumed(&mut self) -> &mut usize {
        match self {
            Frame::List { consumed, .. } | Frame::Map { consumed, .. } => consumed,
        }
    }
}

enum Step<'a> {
    Value(Term<'a>),
    Close(u8),
}

/// Encodes `root`, or finishes the encode of `root` that paused at `resume` (with `pieces`
/// already written before it).
pub fn encode<'a>(
    root: Term<'a>,
    options: Options,
    resume: Option<(Vec<Piece<'a>>, &Checkpoint)>,
) -> Result<Outcome<'a>, Failure<'a>> {
    let mut encoder = Encoder {
        options,
        out: Vec::new(),
        pieces: Vec::new(),
        stack: Vec::new(),
        iterators: Vec::new(),
        work: 0,
    };
    let path = match resume {
        None => {
            encoder.out = spare_buffer();
            Vec::new()
        }
        Some((pieces, checkpoint)) => {
            let progress = checkpoint.take().ok_or(Failure::SpentCheckpoint)?;
            encoder.pieces = pieces;
            encoder.out = progress.out;
            progress.path
        }
    };
    let started = if path.is_empty() {
        encoder.value(root)
    } else {
        encoder.reopen(root, &path)
    };
    let mut mark = 0;
    // A scalar or a struct at the root is finished once written. A pause needs an open
    // container: resuming with none would write the root again.
    let mut result = started.map(|()| encoder.stack.is_empty());
    while let Ok(false) = result {
        mark = encoder.out.len();
        result = encoder.step();
        // After a hole the text written since `mark` is in `pieces`; not counting it is fine.
        encoder.work += STEP_WORK + encoder.out.len().saturating_sub(mark);
        if matches!(result, Ok(false)) && options.budget.is_some_and(|budget| encoder.work > budget)
        {
            return Ok(encoder.pause(None));
        }
    }
    match result {
        Ok(_finished) => {
            encoder.flush();
            Ok(Outcome::Done(std::mem::take(&mut encoder.pieces)))
        }
        Err(Failure::OverBudget) => Ok(encoder.pause(Some(mark))),
        Err(failure) => Err(failure),
    }
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
    iterators: Vec<Entries<'a>>,
    /// Work done so far, for the budget.
    work: usize,
}

impl<'a> Encoder<'a> {
    /// Takes one step: writes the next member of the innermost open container, or closes it.
    /// Returns whether the root is finished (its last bracket closed).
    fn step(&mut self) -> Result<bool, Failure<'a>> {
        match self.next_step()? {
            None => Ok(true),
            Some(Step::Value(term)) => self.value(term).map(|()| false),
            Some(Step::Close(bracket)) => {
                self.out.push(bracket);
                if let Some(Frame::Map { .. }) = self.stack.pop() {
                    self.iterators.pop();
                }
                Ok(self.stack.is_empty())
            }
        }
    }

    /// Stops here. `mark` is the output length before a step that gave up half-way: that
    /// step is undone, so the dirty scheduler does it again whole.
    fn pause(&mut self, mark: Option<usize>) -> Outcome<'a> {
        if let Some(mark) = mark {
            self.out.truncate(mark);
            if let Some(frame) = self.stack.last_mut() {
                *frame.consumed() -= 1;
            }
        }
        let path = self
            .stack
            .iter_mut()
            .map(|frame| *frame.consumed())
            .collect();
        let out = std::mem::take(&mut self.out);
        let progress = Progress { out, path };
        Outcome::Paused(
            std::mem::take(&mut self.pieces),
            Checkpoint(Mutex::new(Some(progress))),
        )
    }

    /// Opens the containers on `path` again, each advanced past the members it had consumed.
    fn reopen(&mut self, root: Term<'a>, path: &[usize]) -> Result<(), Failure<'a>> {
        let mut term = root;
        for &consumed in path {
            let mut last = None;
            match term.get_type() {
                TermType::List => {
                    let mut rest = term;
                    for _ in 0..consumed {
                        let (head, tail) = rest
                            .list_get_cell()
                            .map_err(|_| Failure::ImproperList(rest))?;
                        last = Some(head);
                        rest = tail;
                    }
                    self.stack.push(Frame::List { rest, consumed });
                }
                TermType::Map => {
                    let size = term.map_size().map_err(|_| Failure::Unsupported(term))?;
                    let mut entries = Entries::new(term, size).ok_or(Failure::Unsupported(term))?;
                    let mut seen = self.options.strict_keys.then(HashSet::new);
                    for _ in 0..consumed {
                        let (key, value) = entries.next().ok_or(Failure::Unsupported(term))?;
                        if let (Some(seen), Some(text)) = (seen.as_mut(), key_text(key)?) {
                            seen.insert(text.into_owned());
                        }
                        last = Some(value);
                    }
                    self.iterators.push(entries);
                    self.stack.push(Frame::Map { consumed, seen });
                }
                _ => return Err(Failure::Unsupported(term)),
            }
            // Below the innermost container `last` is unused.
            if let Some(next) = last {
                term = next;
            }
        }
        Ok(())
    }

    /// Advances the innermost open container: writes the separator (and key) of its next
    /// member and returns the member, or says that the container is finished.
    fn next_step(&mut self) -> Result<Option<Step<'a>>, Failure<'a>> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(None);
        };
        match frame {
            Frame::List { rest, consumed } => match rest.list_get_cell() {
                Ok((head, tail)) => {
                    if *consumed > 0 {
                        self.out.push(b',');
                    }
                    *consumed += 1;
                    *rest = tail;
                    Ok(Some(Step::Value(head)))
                }
                Err(_) if rest.is_empty_list() => Ok(Some(Step::Close(b']'))),
                Err(_) => Err(Failure::ImproperList(*rest)),
            },
            Frame::Map { consumed, seen } => {
                match self.iterators.last_mut().and_then(Iterator::next) {
                    Some((key, value)) => {
                        if *consumed > 0 {
                            self.out.push(b',');
                        }
                        *consumed += 1;
                        self.work += KEY_WORK;
                        let Some(text) = key_text(key)? else {
                            // Only under `maps: :naive`: a strict map with such a key is a hole.
                            self.key_hole(key);
                            self.out.push(b':');
                            return Ok(Some(Step::Value(value)));
                        };
                        reserve(self.options.budget, self.work, text.len())?;
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
                // `Binary::from_term` reads a binary only; `decode_as_binary` would check for
                // one first and also take iodata, a second call into the VM per string.
                let Ok(binary) = Binary::from_term(term) else {
                    // A bitstring that is not a binary.
                    self.hole(term);
                    return Ok(());
                };
                reserve(self.options.budget, self.work, binary.len())?;
                let text = utf8::as_str(binary.as_slice()).ok_or(Failure::InvalidUtf8(term))?;
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
                    consumed: 0,
                });
            }
            TermType::Map => match term.map_size() {
                Ok(0) => self.out.extend_from_slice(b"{}"),
                Ok(size) => self.open_map(term, size)?,
                Err(_) => return Err(Failure::Unsupported(term)),
            },
            // Tuples, pids, references, ports, functions: Jason hands them to its protocol,
            // which may have an implementation for them; so does the Elixir side. A tuple is
            // tagged, so that it cannot pass for a key hole.
            TermType::Tuple => self.tagged_hole(value(), term),
            _ => self.hole(term),
        }
        Ok(())
    }

    // Kept out of `value`: the iterator is large, and carrying its space in `value`'s stack
    // frame slowed down the walk over every scalar.
    #[inline(never)]
    fn open_map(&mut self, term: Term<'a>, size: usize) -> Result<(), Failure<'a>> {
        self.work += MAP_WORK;
        if term.map_get(__struct__()).is_ok() || self.options.strict_keys && has_foreign_key(term)?
        {
            self.hole(term);
        } else {
            let entries = Entries::new(term, size).ok_or(Failure::Unsupported(term))?;
            self.out.push(b'{');
            self.iterators.push(entries);
            self.stack.push(Frame::Map {
                consumed: 0,
                seen: self.options.strict_keys.then(HashSet::new),
            });
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

    // Rare: kept out of line so that the walk over ordinary values does not carry it.
    #[cold]
    #[inline(never)]
    fn hole(&mut self, term: Term<'a>) {
        self.flush();
        self.pieces.push(Piece::Term(term));
    }

    /// A hole for a map key the NIF cannot write: `{:key, key}`, filled with the key's text
    /// (`String.Chars`, as in Jason), quoted and escaped.
    fn key_hole(&mut self, term: Term<'a>) {
        self.tagged_hole(key(), term);
    }

    /// A hole `{tag, term}`: every hole that is a tuple is tagged, `:key` or `:value`.
    fn tagged_hole(&mut self, tag: Atom, term: Term<'a>) {
        let env = term.get_env();
        self.hole(make_tuple(env, &[tag.encode(env), term]));
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

/// On a normal scheduler, gives up before a single write of about `bytes` that would pass
/// the budget, so that one huge string cannot hold the scheduler.
fn reserve<'a>(budget: Option<usize>, work: usize, bytes: usize) -> Result<(), Failure<'a>> {
    match budget {
        Some(budget) if work.saturating_add(bytes) > budget => Err(Failure::OverBudget),
        _ => Ok(()),
    }
}

/// A key's text, borrowed from the key itself when it is a binary, or `None` for a key the
/// NIF cannot write: an atom whose name is beyond Latin-1 (the NIF API of OTP 25 cannot read
/// it), or a key that is not an atom, binary or integer (Jason writes those through
/// `String.Chars`, and so does the Elixir side). A binary that is not UTF-8 is an error.
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
            Err(_) => Some(Cow::Owned(
                big_integer_text(key).ok_or(Failure::InvalidKey(key))?,
            )),
        },
        _ => None,
    };
    Ok(text)
}

/// A map's entries in the order of `Map.to_list/1`, which is the order Jason writes them in.
/// The NIF API walks a small map (up to 32 keys, kept sorted) in that order, but a large one
/// (a hash trie) in the opposite order, so a large map is walked from its end.
struct Entries<'a> {
    iterator: MapIterator<'a>,
    from_end: bool,
}

/// Maps with more keys than this are hash tries (`MAP_SMALL_MAP_LIMIT` in the VM).
const SMALL_MAP_KEYS: usize = 32;

impl<'a> Entries<'a> {
    /// The entries of `map`, which has `size` keys.
    fn new(map: Term<'a>, size: usize) -> Option<Entries<'a>> {
        Some(Entries {
            iterator: MapIterator::new(map)?,
            from_end: size > SMALL_MAP_KEYS,
        })
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = (Term<'a>, Term<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.from_end {
            self.iterator.next_back()
        } else {
            self.iterator.next()
        }
    }
}

/// Whether any key of `map` is one that [`key_text`] leaves to the Elixir side.
fn has_foreign_key<'a>(map: Term<'a>) -> Result<bool, Failure<'a>> {
    let size = map.map_size().map_err(|_| Failure::Unsupported(map))?;
    let entries = Entries::new(map, size).ok_or(Failure::Unsupported(map))?;
    for (key, _) in entries {
        if key_text(key)?.is_none() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn big_integer_text(term: Term<'_>) -> Option<String> {
    bignum::external_to_decimal(term.to_binary().as_slice())
}
