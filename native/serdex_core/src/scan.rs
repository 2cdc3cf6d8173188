//! The scan for the end of a run of plain string bytes, shared by the parser and the writer.

/// Returns a position at or after `from`, and at or before the first quote, backslash or
/// control character, having skipped whole blocks of plain bytes: sixteen at a time with
/// SSE2 on x86-64 (part of its baseline), then eight at a time. It stops before the last (up
/// to seven) bytes, so callers finish byte by byte.
///
/// Also returns false when every skipped byte is ASCII (true may be returned for a block
/// that holds non-ASCII bytes only after the position), so that a parser can do without a
/// second pass to check UTF-8.
#[inline]
pub(crate) fn skip_plain_words(bytes: &[u8], from: usize) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    let (from, high) = skip_plain_blocks(bytes, from);
    #[cfg(not(target_arch = "x86_64"))]
    let high = false;
    let (at, high_in_words) = skip_plain_u64(bytes, from);
    (at, high || high_in_words)
}

/// Sixteen bytes at a time; returns the exact position of the first byte that needs
/// attention, or where fewer than sixteen bytes remain.
#[cfg(target_arch = "x86_64")]
#[inline]
fn skip_plain_blocks(bytes: &[u8], from: usize) -> (usize, bool) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_setzero_si128,
    };
    let mut i = from;
    // SAFETY: SSE2 is always there on x86-64, and every load reads 16 bytes at `i` with
    // `i + 16 <= bytes.len()`.
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let last_control = _mm_set1_epi8(0x1F);
        let mut seen = _mm_setzero_si128();
        while i + 16 <= bytes.len() {
            let block = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
            seen = _mm_or_si128(seen, block);
            // A byte is at most 0x1F (unsigned) when the minimum of it and 0x1F is itself.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(block, last_control), block);
            let quote_or_backslash = _mm_or_si128(
                _mm_cmpeq_epi8(block, quote),
                _mm_cmpeq_epi8(block, backslash),
            );
            let mask = _mm_movemask_epi8(_mm_or_si128(quote_or_backslash, control)) as u32;
            if mask != 0 {
                return (
                    i + mask.trailing_zeros() as usize,
                    _mm_movemask_epi8(seen) != 0,
                );
            }
            i += 16;
        }
        (i, _mm_movemask_epi8(seen) != 0)
    }
}

/// Eight bytes at a time in a `u64`; stops at the start of the word that holds a byte that
/// needs attention.
#[inline]
fn skip_plain_u64(bytes: &[u8], from: usize) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    let mut seen = 0;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        seen |= word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte is flagged when it is zero in `quote` or `backslash`, or below 0x20 in `word`.
        let flagged = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        if flagged & HIGHS != 0 {
            break;
        }
        i += 8;
    }
    (i, seen & HIGHS != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_attention(byte: u8) -> bool {
        byte == b'"' || byte == b'\\' || byte < 0x20
    }

    /// The scan never passes a byte that needs attention, and it leaves fewer than eight
    /// bytes to its callers when there is none.
    #[test]
    fn stops_at_or_before_the_first_byte_that_needs_attention() {
        let interesting = [b'"', b'\\', 0x00, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0xE2, 0xFF];
        for len in 0..70 {
            for at in 0..len {
                for &special in &interesting {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = special;
                    for from in [0, 1, 5, 16, 17].into_iter().filter(|&f| f <= len) {
                        let (stop, high) = skip_plain_words(&bytes, from);
                        let first = (from..len).find(|&i| needs_attention(bytes[i]));
                        if bytes[from..stop].iter().any(|&b| b >= 0x80) {
                            assert!(high, "len {len}, byte {special:#x} at {at}, from {from}");
                        }
                        match first {
                            Some(first) => assert!(
                                (from..=first).contains(&stop),
                                "len {len}, byte {special:#x} at {at}, from {from}: {stop}"
                            ),
                            None => assert!(
                                stop <= len && len - stop < 8,
                                "len {len}, byte {special:#x} at {at}, from {from}: {stop}"
                            ),
                        }
                    }
                }
            }
        }
    }
}
