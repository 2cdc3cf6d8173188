//! The scan for the end of a run of plain string bytes, shared by the parser and the writer.

/// Returns the first position at or after `from` holding a quote, a backslash or a control
/// character, testing eight bytes at a time. It stops before the last (up to seven) bytes, or
/// at the start of the word that holds such a byte, so callers finish byte by byte.
#[inline]
pub(crate) fn skip_plain_words(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
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
    i
}
