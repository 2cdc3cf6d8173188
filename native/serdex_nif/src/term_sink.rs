//! Builds BEAM terms directly from parse events: no intermediate tree.
//!
//! A decode that runs in slices hands its unfinished containers back to the VM at the end of
//! each slice ([`TermSink::suspend`]), because a process may be garbage collected between two
//! calls, which moves its terms: only terms the VM can see survive that. A container that
//! spans slices thus has its members in several lists, and a very large object would take a
//! long time to build in one step; both are finished by the Elixir side with the VM's own
//! built-ins, which yield ([`Join`]).

use rustler::sys::{self, ErlNifTerm};
use rustler::{Atom, Binary, Encoder, Env, ListIterator, NifResult, Term};

use crate::binaries;
use crate::terms;
use serdex_core::bignum;
use serdex_core::decimal::{self, Integer};
use serdex_core::error::ErrorKind;
use serdex_core::key_cache::KeyCache;
use serdex_core::parser::{Number, Sink, Str};

rustler::atoms! {
    __struct__,
    values,
    ordered_object = "Elixir.Serdex.OrderedObject",
    decimal = "Elixir.Decimal",
    sign,
    coef,
    exp,
}

/// Maps with more keys than this are hash tries (`MAP_SMALL_MAP_LIMIT` in the VM).
const SMALL_MAP_KEYS: usize = 32;

/// When decoding in slices, objects with more members than this are built by the Elixir
/// side, whatever their history: building a map takes longer per member than parsing it.
const LARGE_OBJECT: usize = 2 * 4096;

/// Arrays that span slices are built by the Elixir side beyond this many members; smaller
/// ones are put together here, in one step of a bounded length.
const LARGE_ARRAY: usize = 64 * 1024;

/// What object keys become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    Strings,
    /// New atoms may be created (unsafe with untrusted input: atoms are never collected).
    Atoms,
    /// Only atoms that already exist; any other key is an error.
    ExistingAtoms,
}

/// How JSON values become terms: the decode options the NIF honours.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub keys: Keys,
    /// Every string, keys included, gets a binary of its own instead of referencing the input.
    pub copy_strings: bool,
    /// Objects become `%Serdex.OrderedObject{values: [{key, value}, ...]}`, every pair kept.
    pub ordered_objects: bool,
    /// Floats become `%Decimal{}` structs with the digits as written.
    pub decimals: bool,
}

/// A container for the Elixir side to build from its parts, oldest first: tuples of members,
/// or for an object, of keys and values in turn.
pub enum Join<'a> {
    Array(Term<'a>),
    Object(Term<'a>),
    OrderedObject(Term<'a>),
}

pub struct TermSink<'a> {
    env: Env<'a>,
    input: Binary<'a>,
    shape: Shape,
    /// Whether the decode runs in slices, so that large containers may be left to Elixir.
    sliced: bool,
    /// Finished values, in document order, waiting for their container to close.
    values: Vec<ErlNifTerm>,
    /// The open containers this slice has worked on, innermost last.
    open: Vec<Open>,
    /// The open containers around those, as an earlier slice left them, innermost first
    /// (see [`TermSink::suspend`]). They are taken up one at a time as the ones inside them
    /// close, so that a slice's cost does not grow with the depth of the document.
    outer: Term<'a>,
    /// A closed container that Elixir must build before the parse goes on.
    join: Option<Join<'a>>,
    map_keys: Vec<ErlNifTerm>,
    map_values: Vec<ErlNifTerm>,
    empty_list: ErlNifTerm,
    /// The text of each string key of the objects opened in this slice, innermost last.
    key_texts: Vec<&'a [u8]>,
    /// The binaries of the keys met in this slice.
    keys: KeyCache<'a, ErlNifTerm>,
    /// For each number of keys up to [`SMALL_MAP_KEYS`], the order of the last object with
    /// that many keys (see [`TermSink::make_map`]).
    key_orders: Vec<KeyOrder>,
}

/// The keys of an object and the order in which the VM keeps them.
#[derive(Default)]
struct KeyOrder {
    /// The keys' binaries: a key met again in the slice mostly gets the same one (see
    /// [`KeyCache`]), which is cheaper to compare than the text.
    terms: Vec<ErlNifTerm>,
    /// The keys one after another, and where each ends.
    text: Vec<u8>,
    ends: Vec<usize>,
    /// The position of each key in the object, in the order of their terms.
    order: Vec<usize>,
}

impl KeyOrder {
    /// Whether the object of `members` (keys and values in turn), whose keys' texts are
    /// `keys`, has the keys this order was learnt for.
    fn is_for(&mut self, members: &[ErlNifTerm], keys: &[&[u8]]) -> bool {
        let same_terms = self.terms.len() == keys.len()
            && members
                .iter()
                .step_by(2)
                .zip(&self.terms)
                .all(|(member, known)| member == known);
        if same_terms {
            return true;
        }
        let same_text = self.ends.len() == keys.len()
            && keys
                .iter()
                .zip(&self.ends)
                .scan(0, |start, (key, &end)| {
                    let same = self.text.get(*start..end) == Some(*key);
                    *start = end;
                    Some(same)
                })
                .all(|same| same);
        if same_text {
            self.terms.clear();
            self.terms.extend(members.iter().step_by(2));
        }
        same_text
    }

    fn learn(&mut self, members: &[ErlNifTerm], keys: &[&[u8]]) {
        self.terms.clear();
        self.terms.extend(members.iter().step_by(2));
        self.text.clear();
        self.ends.clear();
        for key in keys {
            self.text.extend_from_slice(key);
            self.ends.push(self.text.len());
        }
        self.order.clear();
        self.order.extend(0..keys.len());
        // Binaries are ordered byte by byte, a prefix first, as slices are.
        self.order.sort_by(|&a, &b| keys[a].cmp(keys[b]));
    }
}

/// An open container.
struct Open {
    /// Where its members of this slice start in `values`.
    start: usize,
    object: bool,
    /// The parts it gained in earlier slices (tuples of members; keys and values in turn for
    /// an object), the newest first, or `[]`.
    earlier: ErlNifTerm,
    /// How many members (keys and values, for an object) those parts hold.
    earlier_members: usize,
    /// Where its keys' texts start in `key_texts`.
    keys_start: usize,
}

impl<'a> TermSink<'a> {
    pub fn new(env: Env<'a>, input: Binary<'a>, shape: Shape, sliced: bool) -> Self {
        TermSink {
            env,
            input,
            shape,
            sliced,
            values: Vec::new(),
            open: Vec::new(),
            outer: Term::list_new_empty(env),
            join: None,
            map_keys: Vec::new(),
            map_values: Vec::new(),
            empty_list: Term::list_new_empty(env).as_c_arg(),
            key_texts: Vec::new(),
            keys: KeyCache::default(),
            key_orders: Vec::new(),
        }
    }

    /// Carries on from what [`TermSink::suspend`] returned, and from the container Elixir
    /// built for the [`Join`] it asked for, if any.
    pub fn resume(&mut self, suspended: Term<'a>, joined: Option<Term<'a>>) -> NifResult<()> {
        let (top, outer): (ListIterator, Term) = suspended.decode()?;
        self.values.extend(top.map(|term| term.as_c_arg()));
        self.outer = outer;
        self.surface();
        if let Some(joined) = joined {
            self.values.push(joined.as_c_arg());
        }
        Ok(())
    }

    /// What the next slice needs to carry on: `{top, outer}`. `top` lists the finished
    /// document (when only whitespace is left to read). `outer` lists the open containers,
    /// innermost first, each as `{object?, parts, count, carried}`: its parts so far, the
    /// newest first, how many members they hold, and for an object whose last key has no
    /// value yet, that key.
    pub fn suspend(&mut self) -> Term<'a> {
        let mut ends: Vec<usize> = self.open.iter().skip(1).map(|open| open.start).collect();
        ends.push(self.values.len());
        let mut outer = self.outer;
        for (open, end) in self.open.iter().zip(ends) {
            let members = &self.values[open.start..end];
            let (members, carried) = if open.object && members.len() % 2 == 1 {
                members.split_at(members.len() - 1)
            } else {
                (members, &[][..])
            };
            let earlier = self.term(open.earlier);
            let parts = if members.is_empty() {
                earlier
            } else {
                earlier.list_prepend(self.part(members))
            };
            let count = open.earlier_members + members.len();
            outer = outer.list_prepend((open.object, parts, count, self.list(carried)));
        }
        let top_end = self
            .open
            .first()
            .map_or(self.values.len(), |open| open.start);
        (self.list(&self.values[..top_end]), outer).encode(self.env)
    }

    /// Takes up the innermost of the outer containers when no other is open. (What is not in
    /// the form `suspend` gives can only come from a caller of the NIF's private functions;
    /// it is dropped.)
    fn surface(&mut self) {
        if !self.open.is_empty() {
            return;
        }
        let Ok((head, tail)) = self.outer.list_get_cell() else {
            return;
        };
        self.outer = tail;
        let Ok((object, earlier, earlier_members, carried)) =
            head.decode::<(bool, Term, usize, ListIterator)>()
        else {
            return;
        };
        self.open.push(Open {
            start: self.values.len(),
            object,
            earlier: earlier.as_c_arg(),
            earlier_members,
            keys_start: self.key_texts.len(),
        });
        self.values.extend(carried.map(|term| term.as_c_arg()));
    }

    /// Puts a closed container's term into the container around it.
    fn push_closed(&mut self, term: ErlNifTerm) -> Result<(), ErrorKind> {
        self.surface();
        self.values.push(term);
        Ok(())
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The container that Elixir must build before the parse goes on, if any.
    pub fn take_join(&mut self) -> Option<Join<'a>> {
        self.join.take()
    }

    /// The decoded document, once the parser has succeeded.
    pub fn into_term(self) -> Term<'a> {
        self.term(self.values[0])
    }

    fn term(&self, raw: ErlNifTerm) -> Term<'a> {
        // SAFETY: every raw term here was made in `self.env`.
        unsafe { Term::new(self.env, raw) }
    }

    fn list(&self, members: &[ErlNifTerm]) -> Term<'a> {
        // SAFETY: the slice holds terms of `env`.
        let list = unsafe {
            sys::enif_make_list_from_array(
                self.env.as_c_arg(),
                members.as_ptr(),
                members.len() as u32,
            )
        };
        self.term(list)
    }

    /// A part of a container: its members as a tuple.
    fn part(&self, members: &[ErlNifTerm]) -> Term<'a> {
        // SAFETY: the slice holds terms of `env`.
        let tuple = unsafe {
            sys::enif_make_tuple_from_array(
                self.env.as_c_arg(),
                members.as_ptr(),
                members.len() as u32,
            )
        };
        self.term(tuple)
    }

    fn begin(&mut self, object: bool) {
        self.open.push(Open {
            start: self.values.len(),
            object,
            earlier: self.empty_list,
            earlier_members: 0,
            keys_start: self.key_texts.len(),
        });
    }

    /// Closes the innermost container. Returns where its members start in `values`, after
    /// gathering those of earlier slices there, and where the texts of its keys of this slice
    /// start in `key_texts`; or leaves it to Elixir (as `self.join`).
    fn close(&mut self) -> Option<(usize, usize)> {
        let open = self.open.pop()?;
        let total = open.earlier_members + self.values.len() - open.start;
        let large = self.sliced
            && if open.object {
                total > LARGE_OBJECT
            } else {
                total > LARGE_ARRAY
            };
        if open.earlier == self.empty_list && !large {
            return Some((open.start, open.keys_start));
        }
        let mut parts: Vec<Term<'a>> = self.term(open.earlier).into_list_iterator().ok()?.collect();
        parts.reverse();
        if !large {
            let current = self.values.split_off(open.start);
            for part in parts {
                self.gather(part);
            }
            self.values.extend(current);
            return Some((open.start, open.keys_start));
        }
        parts.push(self.part(&self.values[open.start..]));
        let parts = parts.encode(self.env);
        self.join = Some(match (open.object, self.shape.ordered_objects) {
            (false, _) => Join::Array(parts),
            (true, false) => Join::Object(parts),
            (true, true) => Join::OrderedObject(parts),
        });
        self.values.truncate(open.start);
        self.key_texts.truncate(open.keys_start);
        None
    }

    /// Appends the members of a part to `values`.
    fn gather(&mut self, part: Term<'a>) {
        let mut arity = 0;
        let mut members: *const ErlNifTerm = std::ptr::null();
        // SAFETY: `part` is a term of `env`; the VM fills in the tuple's size and elements.
        let ok = unsafe {
            sys::enif_get_tuple(
                self.env.as_c_arg(),
                part.as_c_arg(),
                &mut arity,
                &mut members,
            )
        };
        if ok != 0 && !members.is_null() {
            // SAFETY: the tuple has `arity` elements at `members`.
            let members = unsafe { std::slice::from_raw_parts(members, arity as usize) };
            self.values.extend_from_slice(members);
        }
    }

    fn string_term(&self, value: Str<'_>) -> ErlNifTerm {
        let env = self.env.as_c_arg();
        if !value.escaped && !self.shape.copy_strings {
            // SAFETY: the range lies within the input binary, which outlives the call.
            unsafe {
                sys::enif_make_sub_binary(
                    env,
                    self.input.to_term(self.env).as_c_arg(),
                    value.start,
                    value.end - value.start,
                )
            }
        } else {
            let bytes = value.text.as_bytes();
            let mut term = ErlNifTerm::default();
            // SAFETY: enif_make_new_binary returns a writable buffer of the requested size.
            unsafe {
                let buffer = sys::enif_make_new_binary(env, bytes.len(), &mut term);
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer, bytes.len());
            }
            term
        }
    }

    #[inline(never)]
    fn atom_key(&self, text: &str) -> Result<ErlNifTerm, ErrorKind> {
        // Before OTP 26 the NIF API only makes Latin-1 atoms; other keys are converted by the
        // Elixir side after decoding with string keys.
        if text.chars().any(|c| u32::from(c) > 0xFF) || text.chars().count() > 255 {
            return Err(ErrorKind::InvalidAtomKey(text.to_string()));
        }
        let atom = match self.shape.keys {
            Keys::ExistingAtoms => Atom::existing_from_utf8_bytes(self.env, text.as_bytes())
                .map_err(|_| ErrorKind::UnknownAtomKey(text.to_string()))?,
            _ => Atom::from_utf8_bytes(self.env, text.as_bytes())
                .map_err(|_| ErrorKind::InvalidAtomKey(text.to_string()))?,
        };
        Ok(atom.as_c_arg())
    }

    /// Makes the map of the members at `start`, whose key texts start at `keys_start` in
    /// `key_texts` when they were all read in this slice. For a key given twice, the first
    /// value wins, as in Jason.
    ///
    /// A map of up to 32 keys keeps them sorted, and the VM sorts the keys it is given by
    /// insertion, comparing terms: in document order that took half of the time of decoding
    /// objects. So the keys are handed over in order. Objects of a document mostly share
    /// their keys, so the order is worked out once per set of keys and number of keys.
    fn make_map(&mut self, start: usize, keys_start: usize) -> ErlNifTerm {
        self.map_keys.clear();
        self.map_values.clear();
        let members = &self.values[start..];
        let keys = &self.key_texts[keys_start..];
        let count = members.len() / 2;
        if count == keys.len() && (2..=SMALL_MAP_KEYS).contains(&count) {
            if self.key_orders.len() <= count {
                self.key_orders.resize_with(count + 1, KeyOrder::default);
            }
            let known = &mut self.key_orders[count];
            if !known.is_for(members, keys) {
                known.learn(members, keys);
            }
            for &at in &known.order {
                self.map_keys.push(members[2 * at]);
                self.map_values.push(members[2 * at + 1]);
            }
        } else {
            for pair in members.chunks_exact(2) {
                self.map_keys.push(pair[0]);
                self.map_values.push(pair[1]);
            }
        }
        let env = self.env.as_c_arg();
        let mut map = ErlNifTerm::default();
        // SAFETY: both arrays have the same length and hold terms of `env`.
        let made = unsafe {
            sys::enif_make_map_from_arrays(
                env,
                self.map_keys.as_ptr(),
                self.map_values.as_ptr(),
                self.map_keys.len(),
                &mut map,
            )
        };
        // Duplicate keys make the VM refuse a small map, but a large one (over 32 keys) may be
        // built with one of the values: the size tells.
        let mut size = 0;
        // SAFETY: `map` is a map of `env` whenever `made` is true.
        if made == 0
            || self.map_keys.len() > SMALL_MAP_KEYS
                && (unsafe { sys::enif_get_map_size(env, map, &mut size) } == 0
                    || size != self.map_keys.len())
        {
            // As in Jason, the first value wins: put the pairs last to first, in document
            // order, so that the first is put last.
            // SAFETY: as above; enif_make_map_put replaces existing keys.
            unsafe {
                map = sys::enif_make_new_map(env);
                for pair in self.values[start..].chunks_exact(2).rev() {
                    let mut next = ErlNifTerm::default();
                    sys::enif_make_map_put(env, map, pair[0], pair[1], &mut next);
                    map = next;
                }
            }
        }
        map
    }

    /// `%Serdex.OrderedObject{values: [{key, value}, ...]}`, in document order.
    fn ordered_object(&self, start: usize) -> ErlNifTerm {
        let env = self.env.as_c_arg();
        // SAFETY: plain term constructors over terms of `env`.
        unsafe {
            let pairs: Vec<ErlNifTerm> = self.values[start..]
                .chunks_exact(2)
                .map(|pair| sys::enif_make_tuple_from_array(env, pair.as_ptr(), 2))
                .collect();
            let list = sys::enif_make_list_from_array(env, pairs.as_ptr(), pairs.len() as u32);
            self.struct_term(ordered_object(), &[(values(), list)])
        }
    }

    /// `%Decimal{}` with the fields `Decimal.new/1` would give the float written `raw`.
    fn decimal_term(&self, raw: &str) -> ErlNifTerm {
        let fields = decimal::fields(raw);
        let sign_value = if fields.negative { -1 } else { 1 };
        // SAFETY: a plain term constructor on a valid env.
        let sign_term = unsafe { sys::enif_make_int64(self.env.as_c_arg(), sign_value) };
        let coef_term = self.integer_term(&fields.coefficient);
        let exp_term = self.integer_term(&fields.exponent);
        self.struct_term(
            decimal(),
            &[(sign(), sign_term), (coef(), coef_term), (exp(), exp_term)],
        )
    }

    fn integer_term(&self, integer: &Integer) -> ErlNifTerm {
        match integer {
            // SAFETY: a plain term constructor on a valid env.
            Integer::Small(value) => unsafe { sys::enif_make_int64(self.env.as_c_arg(), *value) },
            Integer::Big { negative, digits } => self.big_integer_term(*negative, digits),
        }
    }

    fn big_integer_term(&self, negative: bool, digits: &str) -> ErlNifTerm {
        let encoded = bignum::decimal_to_external(negative, digits);
        match self.env.binary_to_term(&encoded) {
            Some((term, _)) => term.as_c_arg(),
            None => unreachable!("a well-formed bignum encoding"),
        }
    }

    /// A struct of `module` with `fields` (atom keys).
    fn struct_term(&self, module: Atom, fields: &[(Atom, ErlNifTerm)]) -> ErlNifTerm {
        let mut keys = vec![__struct__().as_c_arg()];
        let mut field_values = vec![module.as_c_arg()];
        for (key, value) in fields {
            keys.push(key.as_c_arg());
            field_values.push(*value);
        }
        let mut term = ErlNifTerm::default();
        // SAFETY: the arrays have the same length, hold terms of `env` and distinct keys.
        unsafe {
            sys::enif_make_map_from_arrays(
                self.env.as_c_arg(),
                keys.as_ptr(),
                field_values.as_ptr(),
                keys.len(),
                &mut term,
            );
        }
        term
    }
}

impl Sink for TermSink<'_> {
    fn begin_array(&mut self) -> Result<(), ErrorKind> {
        self.begin(false);
        Ok(())
    }

    fn end_array(&mut self) -> Result<(), ErrorKind> {
        match self.close() {
            Some((start, _)) => {
                let list = self.list(&self.values[start..]).as_c_arg();
                self.values.truncate(start);
                self.push_closed(list)
            }
            None => Ok(()),
        }
    }

    fn begin_object(&mut self) -> Result<(), ErrorKind> {
        self.begin(true);
        Ok(())
    }

    fn end_object(&mut self) -> Result<(), ErrorKind> {
        match self.close() {
            Some((start, keys_start)) => {
                let object = if self.shape.ordered_objects {
                    self.ordered_object(start)
                } else {
                    self.make_map(start, keys_start)
                };
                self.values.truncate(start);
                self.key_texts.truncate(keys_start);
                self.push_closed(object)
            }
            None => Ok(()),
        }
    }

    fn long_string(&mut self, text: String, _start: usize, _end: usize) -> Result<(), ErrorKind> {
        let term = binaries::owned(self.env, text.into_bytes());
        self.values.push(term.as_c_arg());
        Ok(())
    }

    fn wants_pause(&self) -> bool {
        self.join.is_some()
    }

    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        let term = match self.shape.keys {
            Keys::Strings => {
                if let Some((text, term)) = self.keys.get(key.text.as_bytes()) {
                    self.key_texts.push(text);
                    self.values.push(term);
                    return Ok(());
                }
                let term = self.string_term(key);
                let text = if key.escaped || self.shape.copy_strings {
                    // SAFETY: a binary just made in `env`.
                    terms::binary_bytes(unsafe { Term::new(self.env, term) })
                } else {
                    self.input.as_slice().get(key.start..key.end)
                };
                if let Some(text) = text {
                    self.key_texts.push(text);
                    self.keys.put(text, term);
                }
                term
            }
            Keys::Atoms | Keys::ExistingAtoms => self.atom_key(key.text)?,
        };
        self.values.push(term);
        Ok(())
    }

    fn string(&mut self, value: Str<'_>) -> Result<(), ErrorKind> {
        let term = self.string_term(value);
        self.values.push(term);
        Ok(())
    }

    fn number(&mut self, value: Number<'_>, _raw: &str) -> Result<(), ErrorKind> {
        let env = self.env.as_c_arg();
        // SAFETY: plain term constructors on a valid env.
        let term = match value {
            Number::Int(int) => unsafe { sys::enif_make_int64(env, int) },
            Number::Float(float) => unsafe { sys::enif_make_double(env, float) },
            Number::BigInt { negative, digits } => self.big_integer_term(negative, digits),
        };
        self.values.push(term);
        Ok(())
    }

    fn wants_decimals(&self) -> bool {
        self.shape.decimals
    }

    fn decimal(&mut self, raw: &str) -> Result<(), ErrorKind> {
        let term = self.decimal_term(raw);
        self.values.push(term);
        Ok(())
    }

    fn boolean(&mut self, value: bool) -> Result<(), ErrorKind> {
        let atom = if value {
            rustler::types::atom::true_()
        } else {
            rustler::types::atom::false_()
        };
        self.values.push(atom.as_c_arg());
        Ok(())
    }

    fn null(&mut self) -> Result<(), ErrorKind> {
        self.values.push(rustler::types::atom::nil().as_c_arg());
        Ok(())
    }
}
