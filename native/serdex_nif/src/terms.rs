//! Reading terms. The encoder reads every term it walks, so it calls the VM directly:
//! rustler's wrappers build error values that must then be dropped, and its map iterator
//! keeps a second iterator for walking from both ends.
//!
//! On a 64-bit VM, the commonest terms, small integers, floats, atoms and list cells, are
//! read from their own words, with no call at all: for them a call costs more than the
//! read. The layout read is the 64-bit VM's tagging of terms (`erl_term.h`), the same in
//! every release for these kinds. The library checks it as it loads ([`check_layout`]),
//! and does not load if anything differs. Maps of up to 32 keys are read from their words
//! too ([`FlatMap`]), by a layout learnt and checked at load, and through the NIF API where
//! it does not check out. On a 32-bit VM every term is read through the API.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustler::sys::{self, ErlNifBinary, ErlNifMapIterator, ErlNifMapIteratorEntry, ErlNifTerm};
use rustler::{Encoder as _, Env, Term};

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
    if READS_WORDS {
        let word = word(term);
        if word & PRIMARY_MASK != LIST_TAG {
            return None;
        }
        // SAFETY: the layout was checked as the library loaded, and `word` is a list's.
        let [head, tail] = unsafe { cell(word) };
        // SAFETY: the head and tail of a list in `env` are terms of `env`.
        return Some(unsafe { (Term::new(env, head), Term::new(env, tail)) });
    }
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
    if let Some(flat) = flat_map(term) {
        return Some(flat.len());
    }
    let mut size = 0;
    // SAFETY: `term` belongs to its env; the VM writes the size on success.
    let ok =
        unsafe { sys::enif_get_map_size(term.get_env().as_c_arg(), term.as_c_arg(), &mut size) };
    (ok != 0).then_some(size)
}

/// The value of `key` in `map`.
#[inline]
pub fn map_value<'a>(map: Term<'a>, key: Term<'a>) -> Option<Term<'a>> {
    if kind(key) == Kind::Atom
        && let Some(flat) = flat_map(map)
    {
        return flat.atom_value(key);
    }
    let env = map.get_env();
    let mut value = ErlNifTerm::default();
    // SAFETY: `map` and `key` belong to `env`; the VM writes the value on success.
    unsafe {
        (sys::enif_get_map_value(env.as_c_arg(), map.as_c_arg(), key.as_c_arg(), &mut value) != 0)
            .then(|| Term::new(env, value))
    }
}

/// The entries of a map, from its first or from its last: read from a small map's words
/// (see [`FlatMap`]), or by the VM's iterator.
pub struct MapEntries<'a> {
    env: Env<'a>,
    walk: Walk<'a>,
}

enum Walk<'a> {
    Flat {
        keys: &'a [ErlNifTerm],
        values: &'a [ErlNifTerm],
        at: usize,
    },
    Iterator {
        iterator: ErlNifMapIterator,
        backwards: bool,
    },
}

impl<'a> MapEntries<'a> {
    pub fn new(map: Term<'a>, backwards: bool) -> Option<MapEntries<'a>> {
        if !backwards && let Some(flat) = flat_map(map) {
            return Some(flat.entries());
        }
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
                walk: Walk::Iterator {
                    iterator: iterator.assume_init(),
                    backwards,
                },
            })
        }
    }
}

impl<'a> Iterator for MapEntries<'a> {
    type Item = (Term<'a>, Term<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let env = self.env;
        match &mut self.walk {
            Walk::Flat { keys, values, at } => {
                let (key, value) = (*keys.get(*at)?, values[*at]);
                *at += 1;
                // SAFETY: the keys and values of a map in `env` are terms of `env`.
                Some(unsafe { (Term::new(env, key), Term::new(env, value)) })
            }
            Walk::Iterator {
                iterator,
                backwards,
            } => {
                let (mut key, mut value) = (ErlNifTerm::default(), ErlNifTerm::default());
                // SAFETY: the iterator was created in `env` and not destroyed.
                unsafe {
                    let c_env = env.as_c_arg();
                    if sys::enif_map_iterator_get_pair(c_env, iterator, &mut key, &mut value) == 0 {
                        return None;
                    }
                    if *backwards {
                        sys::enif_map_iterator_prev(c_env, iterator);
                    } else {
                        sys::enif_map_iterator_next(c_env, iterator);
                    }
                    Some((Term::new(env, key), Term::new(env, value)))
                }
            }
        }
    }
}

impl Drop for MapEntries<'_> {
    fn drop(&mut self) {
        if let Walk::Iterator { iterator, .. } = &mut self.walk {
            // SAFETY: created in `env`, destroyed once.
            unsafe { sys::enif_map_iterator_destroy(self.env.as_c_arg(), iterator) }
        }
    }
}

/// A small map read from its words. The VM keeps a map of up to 32 keys as a header, its
/// size, a tuple of its keys in order, and then its values in the same order; the header is
/// learnt, and the rest checked, as the library loads ([`check_layout`]).
#[derive(Clone, Copy)]
pub struct FlatMap<'a> {
    env: Env<'a>,
    keys: &'a [ErlNifTerm],
    values: &'a [ErlNifTerm],
}

impl<'a> FlatMap<'a> {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The value of an atom key, found by comparing words: an atom is its word.
    pub fn atom_value(&self, atom: Term<'a>) -> Option<Term<'a>> {
        let at = self.keys.iter().position(|&key| key == atom.as_c_arg())?;
        // SAFETY: a value of a map in `env` is a term of `env`.
        Some(unsafe { Term::new(self.env, self.values[at]) })
    }

    pub fn entries(self) -> MapEntries<'a> {
        MapEntries {
            env: self.env,
            walk: Walk::Flat {
                keys: self.keys,
                values: self.values,
                at: 0,
            },
        }
    }
}

/// The header word of a small map on this VM, or 0 where it is not known.
static FLAT_MAP_HEADER: AtomicUsize = AtomicUsize::new(0);

#[inline]
pub fn flat_map(term: Term<'_>) -> Option<FlatMap<'_>> {
    let header = FLAT_MAP_HEADER.load(Ordering::Relaxed);
    let word = word(term);
    if header == 0 || word & PRIMARY_MASK != BOXED_TAG {
        return None;
    }
    // SAFETY: a boxed term points (tagged) at its header word; a small map's header, as
    // checked at load, is followed by its size, its keys' tuple and its values.
    unsafe { flat_map_at((word - BOXED_TAG) as *const usize, header, term.get_env()) }
}

/// # Safety
/// `boxed` must point at the header word of a live term of `env`.
unsafe fn flat_map_at(boxed: *const usize, header: usize, env: Env<'_>) -> Option<FlatMap<'_>> {
    // SAFETY: as the caller promises; the words past the header are read only once the
    // header says they are a small map's, and the keys' tuple is a tuple (header, then its
    // elements).
    unsafe {
        if *boxed != header {
            return None;
        }
        let size = *boxed.add(1);
        if size == 0 {
            return Some(FlatMap {
                env,
                keys: &[],
                values: &[],
            });
        }
        let tuple = (*boxed.add(2) - BOXED_TAG) as *const ErlNifTerm;
        Some(FlatMap {
            env,
            keys: std::slice::from_raw_parts(tuple.add(1), size),
            values: std::slice::from_raw_parts(boxed.add(3).cast::<ErlNifTerm>(), size),
        })
    }
}

/// Whether terms are read from their words.
const READS_WORDS: bool = cfg!(target_pointer_width = "64");

/// A term as its word shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    SmallInteger(i64),
    Float(f64),
    Atom,
    /// A non-empty list.
    List,
    /// A term on the heap that is not a float: a binary, map, tuple, bignum, ...
    Boxed,
    /// Anything else (`[]`, pids, ports), and every term on a 32-bit VM.
    Other,
}

const PRIMARY_MASK: usize = 0b11;
const LIST_TAG: usize = 0b01;
const BOXED_TAG: usize = 0b10;
const SMALL_MASK: usize = 0b1111;
const SMALL_TAG: usize = 0b1111;
const ATOM_MASK: usize = 0b11_1111;
const ATOM_TAG: usize = 0b00_1011;
/// The header word of a float: one word of data, subtag `FLOAT_SUBTAG`.
const FLOAT_HEADER: usize = (1 << 6) | 0b01_1000;

#[inline]
pub fn kind(term: Term<'_>) -> Kind {
    if READS_WORDS {
        // SAFETY: the layout was checked as the library loaded.
        unsafe { kind_of_word(word(term)) }
    } else {
        Kind::Other
    }
}

/// # Safety
/// The VM must lay out terms as this module reads them, and `word` must be a live term.
#[inline(always)]
unsafe fn kind_of_word(word: usize) -> Kind {
    match word & PRIMARY_MASK {
        LIST_TAG => Kind::List,
        BOXED_TAG => {
            let boxed = (word - BOXED_TAG) as *const usize;
            // SAFETY: a boxed term points (tagged) at its header word, and a float's value
            // is the word after it.
            unsafe {
                if *boxed == FLOAT_HEADER {
                    Kind::Float(f64::from_bits(*boxed.add(1) as u64))
                } else {
                    Kind::Boxed
                }
            }
        }
        _ if word & SMALL_MASK == SMALL_TAG => Kind::SmallInteger(word as i64 >> 4),
        _ if word & ATOM_MASK == ATOM_TAG => Kind::Atom,
        _ => Kind::Other,
    }
}

/// The head and tail of the list `word`.
///
/// # Safety
/// As for [`kind_of_word`], and `word` must be a non-empty list.
#[inline(always)]
unsafe fn cell(word: usize) -> [ErlNifTerm; 2] {
    // SAFETY: a list points (tagged) at a cell of two words, its head and tail, which stays
    // in place for the whole NIF call.
    unsafe { *((word - LIST_TAG) as *const [ErlNifTerm; 2]) }
}

#[inline(always)]
fn word(term: Term<'_>) -> usize {
    // SAFETY: a term is one machine word (`ErlNifTerm` is a transparent `usize`).
    unsafe { std::mem::transmute::<ErlNifTerm, usize>(term.as_c_arg()) }
}

/// Whether this module reads every kind of term the NIF API makes as the API says it is.
/// True on a 32-bit VM, where it reads none.
pub fn check_layout(env: Env<'_>) -> bool {
    if !READS_WORDS {
        return true;
    }
    let largest_small = (1i64 << 59) - 1;
    let nil = Term::list_new_empty(env);
    let seven = 7i64.encode(env);
    let list = nil.list_prepend(seven);
    let expected = [
        (1.5f64.encode(env), Kind::Float(1.5)),
        ((-0.25f64).encode(env), Kind::Float(-0.25)),
        (seven, Kind::SmallInteger(7)),
        (
            (-largest_small - 1).encode(env),
            Kind::SmallInteger(-largest_small - 1),
        ),
        (largest_small.encode(env), Kind::SmallInteger(largest_small)),
        ((largest_small + 1).encode(env), Kind::Boxed),
        (rustler::types::atom::true_().encode(env), Kind::Atom),
        (nil, Kind::Other),
        (list, Kind::List),
        ("text".encode(env), Kind::Boxed),
        ((1, 2).encode(env), Kind::Boxed),
        (Term::map_new(env), Kind::Boxed),
    ];
    // SAFETY: every word is that of a live term.
    let read = |term: Term<'_>| unsafe { kind_of_word(word(term)) };
    let known = expected.iter().all(|&(term, kind)| read(term) == kind)
        // SAFETY: `list` was read as a list just above.
        && unsafe { cell(word(list)) } == [seven.as_c_arg(), nil.as_c_arg()];
    if known {
        learn_flat_map_header(env);
    }
    known
}

/// Turns on reading small maps from their words ([`FlatMap`]) if maps of 1, 3 and 32 keys
/// that the NIF API makes all read as the API iterates them, with one header, and a map of
/// 33 keys (kept another way) does not read as one. Otherwise maps are read through the API.
fn learn_flat_map_header(env: Env<'_>) {
    let map_of = |size: usize| {
        // Keys given last first, so that the map's order is not the order they were given in.
        let keys: Vec<Term> = (0..size)
            .rev()
            .map(|i| format!("k{i:02}").encode(env))
            .collect();
        let values: Vec<Term> = (0..size).map(|i| (i as i64).encode(env)).collect();
        Term::map_from_term_arrays(env, &keys, &values).ok()
    };
    // SAFETY: a map is boxed: its word points (tagged) at its header.
    let header_of = |map: Term<'_>| unsafe { *((word(map) - BOXED_TAG) as *const usize) };
    let Some(one) = map_of(1) else {
        return;
    };
    let header = header_of(one);
    let reads_as_iterated = |size: usize| {
        let Some(map) = map_of(size) else {
            return false;
        };
        let boxed = (word(map) - BOXED_TAG) as *const usize;
        // SAFETY: `map` is live and boxed. Its size word and its keys' tuple header are read
        // only once its header matches, and its keys and values only once both check out.
        unsafe {
            if *boxed != header || *boxed.add(1) != size {
                return false;
            }
            let keys = *boxed.add(2);
            if keys & PRIMARY_MASK != BOXED_TAG
                || *((keys - BOXED_TAG) as *const usize) != size << 6
            {
                return false;
            }
            let Some(flat) = flat_map_at(boxed, header, env) else {
                return false;
            };
            let Some(by_api) = MapEntries::new(map, false) else {
                return false;
            };
            let pairs = |entries: MapEntries| -> Vec<[ErlNifTerm; 2]> {
                entries.map(|(k, v)| [k.as_c_arg(), v.as_c_arg()]).collect()
            };
            let expected = pairs(by_api);
            expected.len() == size && pairs(flat.entries()) == expected
        }
    };
    let hash_map_differs = map_of(33).is_some_and(|map| header_of(map) != header);
    if [1, 3, 32].into_iter().all(reads_as_iterated) && hash_map_differs {
        FLAT_MAP_HEADER.store(header, Ordering::Relaxed);
    }
}

/// Whether small maps are read from their words (see [`FlatMap`]).
pub fn reads_small_maps() -> bool {
    FLAT_MAP_HEADER.load(Ordering::Relaxed) != 0
}
