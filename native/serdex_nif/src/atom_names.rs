//! The names of atoms, remembered per scheduler thread. Reading a name through the NIF API
//! copies it into a new string, and encoding repeats the same few atoms (map keys, struct
//! fields) over and over. An atom is never freed, so its term stands for the same name for
//! as long as the VM runs.

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use rustler::Term;
use rustler::sys::ErlNifTerm;

/// How many names are remembered: each atom has one place, chosen from its term.
const PLACES: usize = 256;

#[derive(Default)]
pub struct AtomNames {
    places: Vec<Option<(ErlNifTerm, Box<str>)>>,
}

thread_local! {
    static KEPT: Cell<AtomNames> = Cell::new(AtomNames::default());
}

impl AtomNames {
    /// The names this thread remembers, to be given back with [`AtomNames::give_back`].
    pub fn take() -> AtomNames {
        KEPT.try_with(Cell::take).unwrap_or_default()
    }

    pub fn give_back(self) {
        let _ = KEPT.try_with(|kept| kept.set(self));
    }

    /// The name of `atom`, or None when the NIF API cannot read it (beyond Latin-1).
    #[inline]
    pub fn get(&mut self, atom: Term<'_>) -> Option<&str> {
        let raw = atom.as_c_arg();
        let mut hasher = Scatter(0);
        raw.hash(&mut hasher);
        let place = (hasher.finish() >> 56) as usize;
        if self.places.is_empty() {
            self.places.resize_with(PLACES, || None);
        }
        let remembered = matches!(&self.places[place], Some((known, _)) if *known == raw);
        if !remembered {
            let name = atom.atom_to_string().ok()?;
            self.places[place] = Some((raw, name.into_boxed_str()));
        }
        self.places[place].as_ref().map(|(_, name)| &**name)
    }
}

/// Spreads a term's bits over the top byte, which picks its place.
struct Scatter(u64);

impl Hasher for Scatter {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
