//! Builds BEAM terms directly from parse events: no intermediate tree.

use rustler::sys::{self, ErlNifTerm};
use rustler::{Atom, Binary, Env, Term};

use serdex_core::bignum;
use serdex_core::decimal::{self, Integer};
use serdex_core::error::ErrorKind;
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

pub struct TermSink<'a> {
    env: Env<'a>,
    input: Binary<'a>,
    shape: Shape,
    /// Finished values, in document order, waiting for their container to close.
    values: Vec<ErlNifTerm>,
    /// Where each open container's members start in `values`.
    starts: Vec<usize>,
    map_keys: Vec<ErlNifTerm>,
    map_values: Vec<ErlNifTerm>,
}

impl<'a> TermSink<'a> {
    pub fn new(env: Env<'a>, input: Binary<'a>, shape: Shape) -> Self {
        TermSink {
            env,
            input,
            shape,
            values: Vec::new(),
            starts: Vec::new(),
            map_keys: Vec::new(),
            map_values: Vec::new(),
        }
    }

    /// The decoded document, once the parser has succeeded.
    pub fn into_term(self) -> Term<'a> {
        let root = self.values[0];
        // SAFETY: every value was created in `self.env`.
        unsafe { Term::new(self.env, root) }
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

    /// Builds the innermost object from its keys and values, which follow `start` in
    /// `values`, and replaces them with it.
    fn close_object(&mut self) {
        let start = self.starts.pop().unwrap_or(0);
        let object = if self.shape.ordered_objects {
            self.ordered_object(start)
        } else {
            self.map(start)
        };
        self.values.truncate(start);
        self.values.push(object);
    }

    fn map(&mut self, start: usize) -> ErlNifTerm {
        self.map_keys.clear();
        self.map_values.clear();
        for pair in self.values[start..].chunks_exact(2) {
            self.map_keys.push(pair[0]);
            self.map_values.push(pair[1]);
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
            // As in Jason, the first value wins. Put pairs last to first, so that the first is
            // put last.
            // SAFETY: as above; enif_make_map_put replaces existing keys.
            unsafe {
                map = sys::enif_make_new_map(env);
                for (key, value) in self.map_keys.iter().zip(&self.map_values).rev() {
                    let mut next = ErlNifTerm::default();
                    sys::enif_make_map_put(env, map, *key, *value, &mut next);
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
    fn begin_array(&mut self) {
        self.starts.push(self.values.len());
    }

    fn end_array(&mut self) {
        let start = self.starts.pop().unwrap_or(0);
        let members = &self.values[start..];
        // SAFETY: the slice holds terms of `env`.
        let list = unsafe {
            sys::enif_make_list_from_array(
                self.env.as_c_arg(),
                members.as_ptr(),
                members.len() as u32,
            )
        };
        self.values.truncate(start);
        self.values.push(list);
    }

    fn begin_object(&mut self) {
        self.starts.push(self.values.len());
    }

    fn end_object(&mut self) {
        self.close_object();
    }

    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        let term = match self.shape.keys {
            Keys::Strings => self.string_term(key),
            Keys::Atoms | Keys::ExistingAtoms => self.atom_key(key.text)?,
        };
        self.values.push(term);
        Ok(())
    }

    fn string(&mut self, value: Str<'_>) {
        let term = self.string_term(value);
        self.values.push(term);
    }

    fn number(&mut self, value: Number<'_>, _raw: &str) {
        let env = self.env.as_c_arg();
        // SAFETY: plain term constructors on a valid env.
        let term = match value {
            Number::Int(int) => unsafe { sys::enif_make_int64(env, int) },
            Number::Float(float) => unsafe { sys::enif_make_double(env, float) },
            Number::BigInt { negative, digits } => self.big_integer_term(negative, digits),
        };
        self.values.push(term);
    }

    fn wants_decimals(&self) -> bool {
        self.shape.decimals
    }

    fn decimal(&mut self, raw: &str) {
        let term = self.decimal_term(raw);
        self.values.push(term);
    }

    fn boolean(&mut self, value: bool) {
        let atom = if value {
            rustler::types::atom::true_()
        } else {
            rustler::types::atom::false_()
        };
        self.values.push(atom.as_c_arg());
    }

    fn null(&mut self) {
        self.values.push(rustler::types::atom::nil().as_c_arg());
    }
}
