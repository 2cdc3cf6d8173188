//! Builds BEAM terms directly from parse events: no intermediate tree.

use rustler::sys::{self, ErlNifTerm};
use rustler::{Atom, Binary, Env, Term};

use serdex_core::bignum;
use serdex_core::error::ErrorKind;
use serdex_core::parser::{Number, Sink, Str};

/// What object keys become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    Strings,
    /// New atoms may be created (unsafe with untrusted input: atoms are never collected).
    Atoms,
    /// Only atoms that already exist; any other key is an error.
    ExistingAtoms,
}

pub struct TermSink<'a> {
    env: Env<'a>,
    input: Binary<'a>,
    keys: Keys,
    /// Finished values, in document order, waiting for their container to close.
    values: Vec<ErlNifTerm>,
    /// Where each open container's members start in `values`.
    starts: Vec<usize>,
    map_keys: Vec<ErlNifTerm>,
    map_values: Vec<ErlNifTerm>,
}

impl<'a> TermSink<'a> {
    pub fn new(env: Env<'a>, input: Binary<'a>, keys: Keys) -> Self {
        TermSink {
            env,
            input,
            keys,
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
        if !value.escaped {
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
        let atom = match self.keys {
            Keys::ExistingAtoms => Atom::existing_from_utf8_bytes(self.env, text.as_bytes())
                .map_err(|_| ErrorKind::UnknownAtomKey(text.to_string()))?,
            _ => Atom::from_utf8_bytes(self.env, text.as_bytes())
                .map_err(|_| ErrorKind::InvalidAtomKey(text.to_string()))?,
        };
        Ok(atom.as_c_arg())
    }

    fn close_map(&mut self) -> ErlNifTerm {
        let start = self.starts.pop().unwrap_or(0);
        self.map_keys.clear();
        self.map_values.clear();
        for pair in self.values[start..].chunks_exact(2) {
            self.map_keys.push(pair[0]);
            self.map_values.push(pair[1]);
        }
        self.values.truncate(start);
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
            || unsafe { sys::enif_get_map_size(env, map, &mut size) } == 0
            || size != self.map_keys.len()
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
        let map = self.close_map();
        self.values.push(map);
    }

    fn key(&mut self, key: Str<'_>) -> Result<(), ErrorKind> {
        let term = match self.keys {
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
            Number::BigInt { negative, digits } => {
                let encoded = bignum::decimal_to_external(negative, digits);
                match self.env.binary_to_term(&encoded) {
                    Some((term, _)) => term.as_c_arg(),
                    None => unreachable!("a well-formed bignum encoding"),
                }
            }
        };
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
