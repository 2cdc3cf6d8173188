//! Remembers what was made for the object keys met so far, so that a key met again can
//! reuse it: the objects of a document mostly repeat the same keys. The NIF keeps a key's
//! binary, as a binary per key and object was most of the words a decode put on the heap.

/// How many keys are remembered: two for each value of the hash, the one met last first.
/// A key pushes out the older of its two, so the cost per key stays constant whatever the
/// input.
const SETS: usize = 256;

/// Keys longer than this are not remembered: hashing them costs more than it saves.
const MAX_LEN: usize = 64;

type Slot<'a, T> = Option<(&'a [u8], T)>;

pub struct KeyCache<'a, T> {
    /// Empty until the first key; then the two slots of each set side by side.
    slots: Vec<Slot<'a, T>>,
}

impl<T> Default for KeyCache<'_, T> {
    fn default() -> Self {
        KeyCache { slots: Vec::new() }
    }
}

impl<'a, T: Copy> KeyCache<'a, T> {
    /// What was made for `text`, and the text it was remembered with, if it is remembered.
    #[inline]
    pub fn get(&mut self, text: &[u8]) -> Option<(&'a [u8], T)> {
        if text.len() > MAX_LEN || self.slots.is_empty() {
            return None;
        }
        let at = 2 * set(text);
        let pair = &mut self.slots[at..at + 2];
        match (pair[0], pair[1]) {
            (Some((known, term)), _) if same(known, text) => Some((known, term)),
            (_, Some((known, term))) if same(known, text) => {
                pair.swap(0, 1);
                Some((known, term))
            }
            _ => None,
        }
    }

    /// Remembers `made` for `text`.
    #[inline]
    pub fn put(&mut self, text: &'a [u8], made: T) {
        if text.len() > MAX_LEN {
            return;
        }
        if self.slots.is_empty() {
            self.slots.resize(2 * SETS, None);
        }
        let at = 2 * set(text);
        self.slots[at + 1] = self.slots[at];
        self.slots[at] = Some((text, made));
    }
}

/// A hash of the text, eight bytes at a time.
#[inline]
fn set(text: &[u8]) -> usize {
    const K: u64 = 0x517C_C1B7_2722_0A95;
    let mut hash = text.len() as u64;
    let mut rest = text;
    while rest.len() > 8 {
        hash = (hash.rotate_left(5) ^ word(rest)).wrapping_mul(K);
        rest = &rest[8..];
    }
    hash = (hash.rotate_left(5) ^ last_word(text)).wrapping_mul(K);
    hash ^= hash >> 32;
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % SETS
}

/// Whether two texts are the same, compared in words: a call to `memcmp` for a few bytes
/// cost more than the rest of a lookup.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a, b);
    while x.len() > 8 {
        if word(x) != word(y) {
            return false;
        }
        x = &x[8..];
        y = &y[8..];
    }
    last_word(a) == last_word(b)
}

/// The first eight bytes of a text that has at least eight.
#[inline]
fn word(text: &[u8]) -> u64 {
    u64::from_le_bytes(text[..8].try_into().expect("eight bytes"))
}

/// The last eight bytes of the text, or for a shorter one, its bytes in one word; two texts
/// of the same length up to eight bytes long are the same exactly when these are.
#[inline]
fn last_word(text: &[u8]) -> u64 {
    let n = text.len();
    if n >= 8 {
        word(&text[n - 8..])
    } else if n >= 4 {
        let first = u32::from_le_bytes(text[..4].try_into().expect("four bytes"));
        let last = u32::from_le_bytes(text[n - 4..].try_into().expect("four bytes"));
        u64::from(first) | u64::from(last) << 32
    } else if n > 0 {
        u64::from(text[0]) | u64::from(text[n / 2]) << 8 | u64::from(text[n - 1]) << 16
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of every length up to twenty bytes that differ in one byte, anywhere, are told
    /// apart; equal texts are not.
    #[test]
    fn same_compares_every_byte() {
        for len in 0..20 {
            let a: Vec<u8> = (0..len as u8).map(|i| b'a' + i).collect();
            assert!(same(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same(&a, &b), "{len} {at}");
            }
            assert!(!same(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }

    /// Every key gets back what was put for it, never another key's, while the keys fit;
    /// past that, older keys are forgotten, and keys over the length limit never kept.
    #[test]
    fn gives_back_what_was_put_for_the_same_text() {
        let texts: Vec<Vec<u8>> = (0..2000)
            .map(|i: usize| format!("{}{i}", "k".repeat(i % 70)).into_bytes())
            .collect();
        let mut cache = KeyCache::default();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(cache.get(text), None, "{i}");
            cache.put(text, i);
            if text.len() <= MAX_LEN {
                assert_eq!(cache.get(text), Some((&text[..], i)), "{i}");
            } else {
                assert_eq!(cache.get(text), None, "{i}");
            }
        }
        for (i, text) in texts.iter().enumerate() {
            if let Some((known, made)) = cache.get(text) {
                assert_eq!((known, made), (&text[..], i));
            }
        }
    }
}
