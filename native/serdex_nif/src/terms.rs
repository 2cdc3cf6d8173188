//! Reading terms with one NIF API call each. The encoder reads every term it walks, so it
//! calls the VM directly: rustler's wrappers build error values that must then be dropped,
//! and its map iterator keeps a second iterator for walking from both ends.

use std::mem::MaybeUninit;

use rustler::sys::{self, ErlNifBinary, ErlNifMapIterator, ErlNifMapIteratorEntry, ErlNifTerm};
use rustler::{Env, Term};

/// The bytes of a binary (not of a bitstring whose size is not a whole number of bytes).
#[inline]
pub fn binary_bytes<'a>(term: Term<'a>) -> Option<&'a [u8]> {
    let mut binary = MaybeUninit::<ErlNifBinary>::uninit();
    // SAFETY: `term` belongs to its env; on success the VM fills in `binary`, whose bytes
    // stay in place for as long as the term is alive in that env (the whole NIF call).
    unsafe {
        if sys::enif_inspect_binary(
            term.get_env().as_c_arg(),
            term.as_c_arg(),
            binary.as_mut_ptr(),
        ) == 0
        {
            return None;
        }
        let binary = binary.assume_init();
        Some(if binary.size == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(binary.data, binary.size)
        })
    }
}

/// The head and tail of a non-empty list.
#[inline]
pub fn list_cell(term: Term<'_>) -> Option<(Term<'_>, Term<'_>)> {
    let env = term.get_env();
    let (mut head, mut tail) = (ErlNifTerm::default(), ErlNifTerm::default());
    // SAFETY: `term` belongs to `env`; the VM writes the head and tail on success.
    unsafe {
        (sys::enif_get_list_cell(env.as_c_arg(), term.as_c_arg(), &mut head, &mut tail) != 0)
            .then(|| (Term::new(env, head), Term::new(env, tail)))
    }
}

/// An integer that fits in an `i64`.
#[inline]
pub fn small_integer(term: Term<'_>) -> Option<i64> {
    let mut value = 0i64;
    // SAFETY: `term` belongs to its env; the VM writes the value on success.
    let ok = unsafe { sys::enif_get_int64(term.get_env().as_c_arg(), term.as_c_arg(), &mut value) };
    (ok != 0).then_some(value)
}

#[inline]
pub fn float(term: Term<'_>) -> Option<f64> {
    let mut value = 0f64;
    // SAFETY: `term` belongs to its env; the VM writes the value on success.
    let ok =
        unsafe { sys::enif_get_double(term.get_env().as_c_arg(), term.as_c_arg(), &mut value) };
    (ok != 0).then_some(value)
}

#[inline]
pub fn map_size(term: Term<'_>) -> Option<usize> {
    let mut size = 0;
    // SAFETY: `term` belongs to its env; the VM writes the size on success.
    let ok =
        unsafe { sys::enif_get_map_size(term.get_env().as_c_arg(), term.as_c_arg(), &mut size) };
    (ok != 0).then_some(size)
}

/// The value of `key` in `map`.
#[inline]
pub fn map_value<'a>(map: Term<'a>, key: Term<'a>) -> Option<Term<'a>> {
    let env = map.get_env();
    let mut value = ErlNifTerm::default();
    // SAFETY: `map` and `key` belong to `env`; the VM writes the value on success.
    unsafe {
        (sys::enif_get_map_value(env.as_c_arg(), map.as_c_arg(), key.as_c_arg(), &mut value) != 0)
            .then(|| Term::new(env, value))
    }
}

/// The entries of a map, from its first or from its last, by the VM's iterator.
pub struct MapEntries<'a> {
    env: Env<'a>,
    iterator: ErlNifMapIterator,
    backwards: bool,
}

impl<'a> MapEntries<'a> {
    pub fn new(map: Term<'a>, backwards: bool) -> Option<MapEntries<'a>> {
        let env = map.get_env();
        let entry = if backwards {
            ErlNifMapIteratorEntry::ERL_NIF_MAP_ITERATOR_TAIL
        } else {
            ErlNifMapIteratorEntry::ERL_NIF_MAP_ITERATOR_HEAD
        };
        let mut iterator = MaybeUninit::<ErlNifMapIterator>::uninit();
        // SAFETY: `map` belongs to `env`; on success the VM initializes the iterator, which
        // holds no pointer into itself (rustler moves it too), and `Drop` destroys it.
        unsafe {
            if sys::enif_map_iterator_create(
                env.as_c_arg(),
                map.as_c_arg(),
                iterator.as_mut_ptr(),
                entry,
            ) == 0
            {
                return None;
            }
            Some(MapEntries {
                env,
                iterator: iterator.assume_init(),
                backwards,
            })
        }
    }
}

impl<'a> Iterator for MapEntries<'a> {
    type Item = (Term<'a>, Term<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let env = self.env.as_c_arg();
        let (mut key, mut value) = (ErlNifTerm::default(), ErlNifTerm::default());
        // SAFETY: the iterator was created in `env` and not destroyed.
        unsafe {
            if sys::enif_map_iterator_get_pair(env, &mut self.iterator, &mut key, &mut value) == 0 {
                return None;
            }
            if self.backwards {
                sys::enif_map_iterator_prev(env, &mut self.iterator);
            } else {
                sys::enif_map_iterator_next(env, &mut self.iterator);
            }
            Some((Term::new(self.env, key), Term::new(self.env, value)))
        }
    }
}

impl Drop for MapEntries<'_> {
    fn drop(&mut self) {
        // SAFETY: created in `env`, destroyed once.
        unsafe { sys::enif_map_iterator_destroy(self.env.as_c_arg(), &mut self.iterator) }
    }
}
