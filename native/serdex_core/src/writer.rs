//! Writing JSON scalars into a byte buffer: strings with the chosen escaping, and numbers in
//! their shortest exact form.

use std::ptr;

/// Which characters a string escapes beyond what JSON requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Only `"`, `\` and control characters.
    Json,
    /// Also every non-ASCII character, as `\uXXXX` (surrogate pairs above U+FFFF).
    UnicodeSafe,
    /// Also U+2028 and U+2029, which end a line in JavaScript source.
    JavascriptSafe,
    /// Like `JavascriptSafe`, and also `<` and `/`, so that the output cannot close an HTML
    /// `<script>` element or open a comment in it. These are the characters Jason escapes.
    HtmlSafe,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// For each byte value, whether `write_string` must stop and look at it in that escape mode:
/// a byte that is always escaped, or the first byte of a character that may be.
const fn attention(escape: Escape) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'"' | b'\\' | 0x00..=0x1F => true,
            b'<' | b'/' => matches!(escape, Escape::HtmlSafe),
            0x80.. => match escape {
                Escape::Json => false,
                Escape::UnicodeSafe => true,
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                Escape::JavascriptSafe | Escape::HtmlSafe => byte == 0xE2,
            },
            _ => false,
        };
        byte += 1;
    }
    table
}

static ATTENTION_JSON: [bool; 256] = attention(Escape::Json);
static ATTENTION_UNICODE: [bool; 256] = attention(Escape::UnicodeSafe);
static ATTENTION_JAVASCRIPT: [bool; 256] = attention(Escape::JavascriptSafe);
static ATTENTION_HTML: [bool; 256] = attention(Escape::HtmlSafe);

/// Appends `text` as a quoted JSON string.
pub fn write_string(out: &mut Vec<u8>, text: &str, escape: Escape) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    write_escaped(out, text, escape);
    out.push(b'"');
}

/// Appends `bytes` as a quoted string if none of them needs a look in the `escape` mode
/// (all ASCII, no control character, `"` or `\\`, and for `HtmlSafe` no `<` or `/`), and
/// returns whether it did; otherwise it writes nothing. Such bytes are UTF-8 and need no
/// escape, so this checks and copies in one pass, a block or a word at a time, without
/// calling `memcpy` for short strings. The caller must have reserved `bytes.len() + 2` bytes.
#[inline]
pub fn write_plain(out: &mut Vec<u8>, bytes: &[u8], escape: Escape) -> bool {
    let length = bytes.len();
    assert!(
        out.capacity() - out.len() >= length + 2,
        "room for a plain string"
    );
    let html = escape == Escape::HtmlSafe;
    let source = bytes.as_ptr();
    // SAFETY: every read is within `bytes` (the words and blocks below overlap rather than
    // run past its end), and every write is within the `length + 2` bytes of spare capacity
    // asserted above; the length moves over them only once all are written.
    unsafe {
        let target = out.as_mut_ptr().add(out.len());
        let text = target.add(1);
        if length >= 8 {
            if !copy_plain_blocks(source, text, length, html) {
                return false;
            }
        } else if length >= 4 {
            let low = source.cast::<u32>().read_unaligned();
            let high = source.add(length - 4).cast::<u32>().read_unaligned();
            if needs_look(u64::from(low) | u64::from(high) << 32, html) {
                return false;
            }
            text.cast::<u32>().write_unaligned(low);
            text.add(length - 4).cast::<u32>().write_unaligned(high);
        } else if length > 0 {
            // The first, middle and last bytes cover every length from 1 to 3; the rest of
            // the word is padded with a plain byte.
            let (first, middle, last) = (*source, *source.add(length / 2), *source.add(length - 1));
            let word = u64::from_le_bytes([first, middle, last, b'a', b'a', b'a', b'a', b'a']);
            if needs_look(word, html) {
                return false;
            }
            *text = first;
            *text.add(length / 2) = middle;
            *text.add(length - 1) = last;
        }
        *target = b'"';
        *text.add(length) = b'"';
        out.set_len(out.len() + length + 2);
    }
    true
}

/// Copies `length` (at least 8) bytes from `source` to `target` while none needs a look;
/// returns false at the first block that holds one. The last block overlaps the one before
/// it instead of reading past the end.
///
/// # Safety
///
/// `source` must be readable and `target` writable for `length` bytes.
#[inline]
unsafe fn copy_plain_blocks(source: *const u8, target: *mut u8, length: usize, html: bool) -> bool {
    #[cfg(target_arch = "x86_64")]
    if length >= 16 {
        // SAFETY: as the caller promised; SSE2 is part of the x86-64 baseline.
        return unsafe { copy_plain_blocks_sse2(source, target, length, html) };
    }
    let mut at = 0;
    loop {
        let last = at + 8 >= length;
        if last {
            at = length - 8;
        }
        // SAFETY: `at + 8 <= length`.
        unsafe {
            let word = source.add(at).cast::<u64>().read_unaligned();
            if needs_look(word, html) {
                return false;
            }
            target.add(at).cast::<u64>().write_unaligned(word);
        }
        if last {
            return true;
        }
        at += 8;
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
unsafe fn copy_plain_blocks_sse2(
    source: *const u8,
    target: *mut u8,
    length: usize,
    html: bool,
) -> bool {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_storeu_si128,
    };
    // SAFETY: every load and store covers 16 bytes at `at`, with `at + 16 <= length`.
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let less = _mm_set1_epi8(b'<' as i8);
        let slash = _mm_set1_epi8(b'/' as i8);
        let last_control = _mm_set1_epi8(0x1F);
        let mut at = 0;
        loop {
            let last = at + 16 >= length;
            if last {
                at = length - 16;
            }
            let block = _mm_loadu_si128(source.add(at).cast());
            // A byte is at most 0x1F (unsigned) when the minimum of it and 0x1F is itself;
            // the sign bits of the block itself are the bytes from 0x80 up.
            let mut flagged = _mm_or_si128(
                _mm_cmpeq_epi8(_mm_min_epu8(block, last_control), block),
                _mm_or_si128(
                    _mm_cmpeq_epi8(block, quote),
                    _mm_cmpeq_epi8(block, backslash),
                ),
            );
            if html {
                flagged = _mm_or_si128(
                    flagged,
                    _mm_or_si128(_mm_cmpeq_epi8(block, less), _mm_cmpeq_epi8(block, slash)),
                );
            }
            if _mm_movemask_epi8(_mm_or_si128(flagged, block)) != 0 {
                return false;
            }
            _mm_storeu_si128(target.add(at).cast(), block);
            if last {
                return true;
            }
            at += 16;
        }
    }
}

/// Whether any of the eight bytes of `word` needs a look (see [`write_plain`]). A byte that
/// does may also flag the bytes above it, which does not change the answer.
#[inline]
fn needs_look(word: u64, html: bool) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let mut flagged = zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
        | (word.wrapping_sub(ONES * 0x20) & !word)
        | word;
    if html {
        flagged |=
            zero_byte(word ^ (ONES * u64::from(b'<'))) | zero_byte(word ^ (ONES * u64::from(b'/')));
    }
    flagged & HIGHS != 0
}

/// The most bytes that escaping `length` bytes of text can write (`\u0001` for each).
pub const fn escaped_length_bound(length: usize) -> usize {
    length.saturating_mul(6)
}

/// Appends `text` escaped, without quotes: a string written in parts.
pub fn write_escaped(out: &mut Vec<u8>, text: &str, escape: Escape) {
    let table = match escape {
        Escape::Json => &ATTENTION_JSON,
        Escape::UnicodeSafe => &ATTENTION_UNICODE,
        Escape::JavascriptSafe => &ATTENTION_JAVASCRIPT,
        Escape::HtmlSafe => &ATTENTION_HTML,
    };
    let bytes = text.as_bytes();
    if escape == Escape::Json {
        return write_escaped_json(out, bytes);
    }
    let mut copied = 0;
    let mut i = 0;
    loop {
        while i < bytes.len() && !table[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&byte) = bytes.get(i) else {
            break;
        };
        if byte >= 0x80
            && escape != Escape::UnicodeSafe
            && !(bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)))
        {
            // An E2 that does not start U+2028 or U+2029.
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[copied..i]);
        if byte < 0x80 {
            write_ascii_escape(out, byte);
            i += 1;
        } else {
            // SAFETY: `text` is a str and `i` is at the first byte of a character.
            let character = text[i..].chars().next().expect("a character");
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                write_unicode_escape(out, *unit);
            }
            i += character.len_utf8();
        }
        copied = i;
    }
    out.extend_from_slice(&bytes[copied..]);
}

/// [`write_escaped`] in [`Escape::Json`], where only ASCII bytes are escaped: runs of other
/// bytes are copied as they are scanned, and the byte a run stops at is escaped at once.
#[inline(never)]
fn write_escaped_json(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut i = 0;
    loop {
        i = copy_json_run(out, bytes, i);
        // The run stopped at a byte to escape, or before the last few bytes.
        let plain = i;
        while i < bytes.len() && !ATTENTION_JSON[usize::from(bytes[i])] {
            i += 1;
        }
        if i > plain {
            out.extend_from_slice(&bytes[plain..i]);
        }
        let Some(&byte) = bytes.get(i) else {
            return;
        };
        write_ascii_escape(out, byte);
        i += 1;
    }
}

/// Copies the bytes of `bytes` from `from` on that need no escape in [`Escape::Json`] into
/// `out`, scanning and copying sixteen at a time, and returns where it stopped: at the first
/// quote, backslash or control character, or where fewer than sixteen bytes are left.
#[cfg(target_arch = "x86_64")]
fn copy_json_run(out: &mut Vec<u8>, bytes: &[u8], from: usize) -> usize {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_storeu_si128,
    };
    out.reserve(bytes.len() - from);
    let mut at = from;
    // SAFETY: SSE2 is part of the x86-64 baseline, and AVX2 is used only where the CPU has
    // it. Each load reads a block at `at` that ends within `bytes`, and each store writes it
    // at `out.len() + (at - from)`, within the `bytes.len() - from` bytes reserved; the
    // length then moves over the bytes before the stop only.
    unsafe {
        let target = out.as_mut_ptr().add(out.len());
        if bytes.len() - from >= 64 && std::arch::is_x86_feature_detected!("avx2") {
            let stopped;
            (at, stopped) = copy_json_blocks_avx2(bytes, from, target);
            if stopped {
                out.set_len(out.len() + (at - from));
                return at;
            }
        }
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let last_control = _mm_set1_epi8(0x1F);
        while at + 16 <= bytes.len() {
            let block = _mm_loadu_si128(bytes.as_ptr().add(at).cast());
            _mm_storeu_si128(target.add(at - from).cast(), block);
            let flagged = _mm_or_si128(
                _mm_cmpeq_epi8(_mm_min_epu8(block, last_control), block),
                _mm_or_si128(
                    _mm_cmpeq_epi8(block, quote),
                    _mm_cmpeq_epi8(block, backslash),
                ),
            );
            let mask = _mm_movemask_epi8(flagged) as u32;
            if mask != 0 {
                at += mask.trailing_zeros() as usize;
                break;
            }
            at += 16;
        }
        out.set_len(out.len() + (at - from));
    }
    at
}

/// The part of [`copy_json_run`] for long runs, thirty-two bytes at a time: copies the
/// bytes from `from` on to `target` on, and returns where it stopped and whether that is at
/// a byte that needs an escape (otherwise fewer than 32 bytes are left).
///
/// # Safety
///
/// The CPU must have AVX2, and `target` must be writable for `bytes.len() - from` bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn copy_json_blocks_avx2(bytes: &[u8], from: usize, target: *mut u8) -> (usize, bool) {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_storeu_si256,
    };
    let quote = _mm256_set1_epi8(b'"' as i8);
    let backslash = _mm256_set1_epi8(b'\\' as i8);
    let last_control = _mm256_set1_epi8(0x1F);
    let mut at = from;
    while at + 32 <= bytes.len() {
        // SAFETY: the block lies within `bytes`, and the caller promised the target.
        let block = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(at).cast()) };
        unsafe { _mm256_storeu_si256(target.add(at - from).cast(), block) };
        let flagged = _mm256_or_si256(
            _mm256_cmpeq_epi8(_mm256_min_epu8(block, last_control), block),
            _mm256_or_si256(
                _mm256_cmpeq_epi8(block, quote),
                _mm256_cmpeq_epi8(block, backslash),
            ),
        );
        let mask = _mm256_movemask_epi8(flagged) as u32;
        if mask != 0 {
            return (at + mask.trailing_zeros() as usize, true);
        }
        at += 32;
    }
    (at, false)
}

#[cfg(not(target_arch = "x86_64"))]
fn copy_json_run(out: &mut Vec<u8>, bytes: &[u8], from: usize) -> usize {
    let stop = crate::scan::skip_plain_words(bytes, from).0;
    out.extend_from_slice(&bytes[from..stop]);
    stop
}

fn write_ascii_escape(out: &mut Vec<u8>, byte: u8) {
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x08 => b'b',
        0x0C => b'f',
        _ => return write_unicode_escape(out, u16::from(byte)),
    };
    out.extend_from_slice(&[b'\\', short]);
}

fn write_unicode_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[usize::from(unit >> 12)],
        HEX[usize::from((unit >> 8) & 0xF)],
        HEX[usize::from((unit >> 4) & 0xF)],
        HEX[usize::from(unit & 0xF)],
    ]);
}

pub fn write_i64(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    write_u64(out, value.unsigned_abs());
}

/// Writes the digits straight into `out`, two at a time from the last: printing into a
/// buffer of its own and copying from there costs more than the printing.
pub fn write_u64(out: &mut Vec<u8>, mut value: u64) {
    let length = value.checked_ilog10().unwrap_or(0) as usize + 1;
    out.reserve(length);
    // SAFETY: `length` bytes are reserved past the end of `out`, and each write lands in
    // them: `at` starts at their end and moves down by as many digits as it writes, once
    // for every digit of `value`.
    unsafe {
        let mut at = out.as_mut_ptr().add(out.len() + length);
        while value >= 100 {
            let pair = (value % 100) as usize * 2;
            value /= 100;
            at = at.sub(2);
            ptr::copy_nonoverlapping(DIGIT_PAIRS.as_ptr().add(pair), at, 2);
        }
        if value >= 10 {
            ptr::copy_nonoverlapping(DIGIT_PAIRS.as_ptr().add(value as usize * 2), at.sub(2), 2);
        } else {
            *at.sub(1) = b'0' + value as u8;
        }
        out.set_len(out.len() + length);
    }
}

/// `00`, `01`, … `99`.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0; 200];
    let mut n = 0;
    while n < 100 {
        pairs[n * 2] = b'0' + (n / 10) as u8;
        pairs[n * 2 + 1] = b'0' + (n % 10) as u8;
        n += 1;
    }
    pairs
};

/// Appends `value` (which must be finite, as every BEAM float is) exactly as
/// `:erlang.float_to_binary(value, [:short])` writes it, which is what Jason writes: the
/// shortest digits that read back as `value`, in fixed notation (`0.001`, `123.0`) or
/// scientific notation (`1.0e22`, `1.2e-5`) by the VM's rule (see `fixed_window`).
///
/// Żmij finds the same digits as the VM's Ryū, faster, and writes them the same way in
/// fixed notation. Its text is kept, and only rewritten where it is fixed but the VM's is
/// not, or where it is scientific: there the VM writes no `+` in the exponent and always a
/// digit after the point.
pub fn write_f64(out: &mut Vec<u8>, value: f64) {
    debug_assert!(value.is_finite());
    let start = out.len();
    // Żmij prints at most 24 bytes; the VM's form of the same digits at most 2 more.
    out.reserve(26);
    print_in_place(out, value);
    let magnitude = value.abs();
    // The common case, decided without reading the text: both write a fraction from 0.001
    // up to 10^16 in fixed notation.
    // (`as u64` keeps the integer part exactly in that range; a conversion is cheaper than
    // `fract`, which is a library call without SSE4.1.)
    if (0.001..1e16).contains(&magnitude) && (magnitude as u64) as f64 != magnitude {
        return;
    }
    let unsigned = start + usize::from(value.is_sign_negative());
    if let Some(plus) = out[unsigned..].iter().position(|&byte| byte == b'+') {
        out.remove(unsigned + plus);
    }
    match out[unsigned..].iter().position(|&byte| byte == b'e') {
        // `1e30` becomes `1.0e30`.
        Some(1) => {
            out.splice(unsigned + 1..unsigned + 1, *b".0");
        }
        Some(_) => {}
        None if fixed_text_is_the_vms(&out[unsigned..]) => {}
        None => {
            let (digits, exponent) = shortest_digits(&out[unsigned..]);
            out.truncate(unsigned);
            write_scientific(out, digits.as_slice(), exponent);
        }
    }
}

/// Has Żmij print `value` straight into the spare capacity of `out`, used as its buffer.
/// Copying the text out of a buffer of Żmij's own would cost more than printing it: the
/// copy's wide loads wait for Żmij's narrow stores to land.
fn print_in_place(out: &mut Vec<u8>, value: f64) {
    const { assert!(align_of::<zmij::Buffer>() == 1) };
    let room = size_of::<zmij::Buffer>();
    out.reserve(room);
    // SAFETY: the buffer is placed in `room` bytes of spare capacity (reserved above), whose
    // alignment suits it (asserted), and is a valid value there once written; nothing else
    // refers to that memory until `set_len`. Żmij's text lies within the buffer, and is moved
    // to its start if it does not begin there (it does), so the length covers exactly it.
    unsafe {
        let base = out.as_mut_ptr().add(out.len());
        let buffer = base.cast::<zmij::Buffer>();
        buffer.write(zmij::Buffer::new());
        let text = (*buffer).format_finite(value).as_bytes();
        let (offset, length) = (text.as_ptr().offset_from(base) as usize, text.len());
        if offset != 0 {
            ptr::copy(base.add(offset), base, length);
        }
        out.set_len(out.len() + length);
    }
}

/// Whether the VM writes the value of Żmij's fixed notation `text` (`12.5`, `1000.0`,
/// `0.00125`) in fixed notation too.
fn fixed_text_is_the_vms(text: &[u8]) -> bool {
    let point = text
        .iter()
        .position(|&byte| byte == b'.')
        .unwrap_or(text.len());
    let (whole, fraction) = (&text[..point], text.get(point + 1..).unwrap_or_default());
    if fraction == b"0" {
        if whole == b"0" {
            return true;
        }
        // An integer: its digits are the whole part without its trailing zeros.
        let zeros = whole.iter().rev().take_while(|&&byte| byte == b'0').count();
        let digits = &whole[..whole.len() - zeros];
        fixed_window(digits.len(), zeros as i32) && !large_integer(digits, zeros as i32)
    } else if whole == b"0" {
        let zeros = fraction.iter().take_while(|&&byte| byte == b'0').count();
        fixed_window(fraction.len() - zeros, -(fraction.len() as i32))
    } else {
        fixed_window(whole.len() + fraction.len(), -(fraction.len() as i32))
    }
}

/// Up to 17 significant digits, without leading or trailing zeros.
struct Digits {
    bytes: [u8; 17],
    len: usize,
}

impl Digits {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Reads Żmij's text for a positive value (with no `+`) back into its shortest digits `d` and
/// the exponent `e` such that the value is `d × 10^e`. Żmij prints those digits, padded with
/// zeros in fixed notation; the shortest digits never end in zero, so every trailing zero is
/// padding.
fn shortest_digits(text: &[u8]) -> (Digits, i32) {
    let (mantissa, mut exponent) = match text.iter().position(|&byte| byte == b'e') {
        Some(at) => (&text[..at], parse_exponent(&text[at + 1..])),
        None => (text, 0),
    };
    let mut digits = Digits {
        bytes: [0; 17],
        len: 0,
    };
    // Zeros seen since the last other digit: kept only if another digit follows.
    let mut zeros = 0;
    let mut after_point = false;
    for &byte in mantissa {
        match byte {
            b'.' => after_point = true,
            b'0' => zeros += 1,
            _ => {
                if digits.len > 0 {
                    for _ in 0..zeros {
                        digits.bytes[digits.len] = b'0';
                        digits.len += 1;
                    }
                }
                zeros = 0;
                digits.bytes[digits.len] = byte;
                digits.len += 1;
            }
        }
        if after_point && byte != b'.' {
            exponent -= 1;
        }
    }
    (digits, exponent + zeros)
}

fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .fold(0i32, |acc, digit| acc * 10 + i32::from(digit - b'0'));
    if negative { -magnitude } else { magnitude }
}

/// The VM's rule (OTP 25, `erts/emulator/ryu/d2s.c`): `length` digits `× 10^exponent` are
/// written in fixed notation while the exponent stays in a window that depends on the
/// digit count, unless [`large_integer`] says otherwise.
fn fixed_window(length: usize, exponent: i32) -> bool {
    let length = length as i32;
    let scientific_exponent = exponent + length - 1;
    let (lower, upper) = if length == 1 {
        (-4, 2)
    } else if scientific_exponent >= 10 {
        (-(length + 2), 2)
    } else {
        (-(length + 2), 1)
    };
    lower <= exponent && exponent <= upper
}

/// Integers from 2^53 up are written in scientific notation even inside the fixed window.
fn large_integer(digits: &[u8], exponent: i32) -> bool {
    if !(0..=2).contains(&exponent) {
        return false;
    }
    let mantissa = digits
        .iter()
        .fold(0u64, |acc, digit| acc * 10 + u64::from(digit - b'0'));
    (mantissa >= 1 << 53 && exponent == 0)
        || (mantissa > (1 << 52) / 5 && exponent == 1)
        || (mantissa > (1 << 51) / 25 && exponent == 2)
}

/// `1.729e4`, `1.0e22` or `1.5e-7`: always a point and a digit after it, and no `+`.
fn write_scientific(out: &mut Vec<u8>, digits: &[u8], exponent: i32) {
    let (first, rest) = digits.split_at(1);
    out.extend_from_slice(first);
    out.push(b'.');
    out.extend_from_slice(if rest.is_empty() { b"0" } else { rest });
    out.push(b'e');
    let scientific_exponent = exponent + digits.len() as i32 - 1;
    write_i64(out, i64::from(scientific_exponent));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, escape: Escape) -> String {
        let mut out = Vec::new();
        write_string(&mut out, text, escape);
        String::from_utf8(out).unwrap()
    }

    /// The byte-at-a-time definition that the table and word scans must agree with.
    fn reference(text: &str, escape: Escape) -> String {
        let mut out = String::from("\"");
        for character in text.chars() {
            let needs = match character {
                '"' | '\\' | '\u{0}'..='\u{1F}' => true,
                '<' | '/' => escape == Escape::HtmlSafe,
                '\u{2028}' | '\u{2029}' => escape != Escape::Json,
                c if !c.is_ascii() => escape == Escape::UnicodeSafe,
                _ => false,
            };
            if !needs {
                out.push(character);
                continue;
            }
            let mut bytes = Vec::new();
            if character.is_ascii() {
                write_ascii_escape(&mut bytes, character as u8);
            } else {
                let mut units = [0u16; 2];
                for unit in character.encode_utf16(&mut units) {
                    write_unicode_escape(&mut bytes, *unit);
                }
            }
            out.push_str(std::str::from_utf8(&bytes).unwrap());
        }
        out.push('"');
        out
    }

    #[test]
    fn scans_agree_with_the_reference_at_every_offset() {
        let pieces = [
            "a",
            "\"",
            "\\",
            "\n",
            "\u{1}",
            "\u{7F}",
            "é",
            "\u{2028}",
            "\u{2029}",
            "\u{2027}",
            "\u{20AC}",
            "😀",
            "<",
            "/",
            "&",
            ">",
            "abcdefgh",
            "0123456789abcdef",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..4000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let count = (seed % 24) as usize;
            let mut state = seed;
            for _ in 0..count {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            for escape in [
                Escape::Json,
                Escape::UnicodeSafe,
                Escape::JavascriptSafe,
                Escape::HtmlSafe,
            ] {
                assert_eq!(escaped(&text, escape), reference(&text, escape), "{text:?}");
            }
        }
    }

    /// The one-pass copy takes a string exactly when escaping would leave it as it is and
    /// it is ASCII, at every length and with any byte at any position.
    #[test]
    fn plain_strings_are_copied_exactly_when_nothing_needs_a_look() {
        let interesting = [
            b'a', b'"', b'\\', 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xE2, 0xFF, b'<', b'/', b'>',
        ];
        for length in 0..70 {
            for at in 0..length.max(1) {
                for &special in &interesting {
                    let mut bytes: Vec<u8> = (0..length).map(|i| b'a' + (i % 26) as u8).collect();
                    if length > 0 {
                        bytes[at] = special;
                    }
                    for escape in [
                        Escape::Json,
                        Escape::UnicodeSafe,
                        Escape::JavascriptSafe,
                        Escape::HtmlSafe,
                    ] {
                        let mut out = b"[".to_vec();
                        out.reserve(length + 2);
                        let copied = write_plain(&mut out, &bytes, escape);
                        let unchanged = bytes.is_ascii()
                            && std::str::from_utf8(&bytes)
                                .is_ok_and(|text| escaped(text, escape) == format!("\"{text}\""));
                        assert_eq!(copied, unchanged, "{bytes:?} {escape:?}");
                        let expected = if copied {
                            [&b"[\""[..], &bytes, b"\""].concat()
                        } else {
                            b"[".to_vec()
                        };
                        assert_eq!(out, expected, "{bytes:?} {escape:?}");
                    }
                }
            }
        }
    }

    /// Runs long enough for the widest blocks, stopped by an escape at every position.
    #[test]
    fn long_runs_stop_at_every_escape() {
        let filler: Vec<char> = "abcé€😀xyz0123456789".chars().collect();
        for length in [31, 32, 33, 63, 64, 65, 96, 97, 130] {
            let base: Vec<char> = (0..length).map(|i| filler[i % filler.len()]).collect();
            assert_eq!(
                escaped(&base.iter().collect::<String>(), Escape::Json),
                reference(&base.iter().collect::<String>(), Escape::Json)
            );
            for at in 0..length {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1F}'] {
                    let mut text = base.clone();
                    text[at] = special;
                    let text: String = text.into_iter().collect();
                    assert_eq!(
                        escaped(&text, Escape::Json),
                        reference(&text, Escape::Json),
                        "{length} {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn json_escapes_only_what_json_requires() {
        assert_eq!(
            escaped("a\"b\\c\n\u{1}é/<", Escape::Json),
            "\"a\\\"b\\\\c\\n\\u0001é/<\""
        );
    }

    #[test]
    fn unicode_safe_escapes_non_ascii_with_surrogate_pairs() {
        assert_eq!(
            escaped("é😀", Escape::UnicodeSafe),
            "\"\\u00E9\\uD83D\\uDE00\""
        );
    }

    #[test]
    fn javascript_safe_escapes_line_separators_only() {
        assert_eq!(
            escaped("\u{2028}é\u{2029}", Escape::JavascriptSafe),
            "\"\\u2028é\\u2029\""
        );
    }

    #[test]
    fn html_safe_escapes_what_could_end_a_script_element() {
        assert_eq!(
            escaped("</script>&<!--\u{2028}", Escape::HtmlSafe),
            "\"\\u003C\\/script>&\\u003C!--\\u2028\""
        );
    }

    #[test]
    fn integers_are_written_with_every_digit() {
        let mut edges = vec![i64::MIN, i64::MIN + 1, i64::MAX, 0];
        for power in 0..19 {
            let ten = 10i64.pow(power);
            edges.extend([ten - 1, ten, ten + 1, -ten, 1 - ten]);
        }
        for value in edges {
            // Text already in the buffer is kept.
            let mut out = b"x".to_vec();
            write_i64(&mut out, value);
            assert_eq!(out, format!("x{value}").into_bytes());
        }
        let mut out = Vec::new();
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string().into_bytes());
    }

    #[test]
    fn floats_are_written_as_the_vm_writes_them_short() {
        // Pairs checked against :erlang.float_to_binary(f, [:short]) on OTP 25.
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (123456.0, "123456.0"),
            (123456789.0, "123456789.0"),
            (1e15, "1.0e15"),
            (1e22, "1.0e22"),
            (1.234e10, "1.234e10"),
            (0.0001, "0.0001"),
            (1e-5, "1.0e-5"),
            (1.2e-4, "1.2e-4"),
            (0.00123, "0.00123"),
            (123.456, "123.456"),
            (9007199254740992.0, "9.007199254740992e15"),
            (12345678901234567.0, "1.2345678901234568e16"),
            (1e300, "1.0e300"),
            (5e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-2.5e-7, "-2.5e-7"),
            (0.0001234, "1.234e-4"),
            (0.001234, "0.001234"),
            (12340000000.0, "1.234e10"),
            (-65.61361699999998, "-65.61361699999998"),
        ];
        for (value, expected) in cases {
            let mut out = Vec::new();
            write_f64(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{value:e}");
        }
    }
}
