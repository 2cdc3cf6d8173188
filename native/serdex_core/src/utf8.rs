//! UTF-8 validation, shared by the parser (string contents) and the encoder (binaries).
//!
//! ASCII text is checked a word at a time by the standard library. Anything else goes to
//! `simdutf8`, which picks the widest SIMD the CPU has at run time (AVX2 or SSE4.2 on
//! x86-64, NEON on aarch64); the standard library's validator works a character at a time
//! and was most of the time spent on non-ASCII text.

/// Texts shorter than this are validated by the standard library: the SIMD validator works
/// on 64-byte blocks and gains nothing on a few characters.
const SIMD_MIN_LEN: usize = 64;

/// `bytes` as text, if they are UTF-8.
#[inline]
pub fn as_str(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii()
        || (bytes.len() >= SIMD_MIN_LEN && simdutf8::basic::from_utf8(bytes).is_ok())
    {
        // SAFETY: checked just above.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).ok()
    }
}

/// Where the first invalid UTF-8 sequence in `bytes` starts, if there is one.
#[inline]
pub fn invalid_at(bytes: &[u8]) -> Option<usize> {
    match as_str(bytes) {
        Some(_) => None,
        None => std::str::from_utf8(bytes)
            .err()
            .map(|error| error.valid_up_to()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of every length around the SIMD threshold, valid or broken at every position,
    /// must get the standard library's verdict.
    #[test]
    fn agrees_with_the_standard_library() {
        let pieces: [&[u8]; 12] = [
            b"a",
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b"\xC3",             // truncated two-byte sequence
            b"\xE2\x82",         // truncated three-byte sequence
            b"\xC0\xAF",         // overlong
            b"\xED\xA0\x80",     // surrogate
            b"\xF4\x90\x80\x80", // above U+10FFFF
            b"\x80",             // stray continuation byte
            b"\xFF",
            b"abcdefghijklmnop",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut bytes = Vec::new();
            let target = (seed % 160) as usize;
            let mut state = seed;
            while bytes.len() < target {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Mostly valid pieces, so that long valid texts are common too.
                let index = (state >> 33) as usize % pieces.len();
                let index = if state.is_multiple_of(16) {
                    index
                } else {
                    [0, 1, 2, 3, 11][index % 5]
                };
                bytes.extend_from_slice(pieces[index]);
            }
            let expected = std::str::from_utf8(&bytes);
            assert_eq!(as_str(&bytes).is_some(), expected.is_ok(), "{bytes:?}");
            assert_eq!(
                invalid_at(&bytes),
                expected.err().map(|e| e.valid_up_to()),
                "{bytes:?}"
            );
        }
    }
}
