//! Writing JSON scalars into a byte buffer: strings with the chosen escaping, and numbers in
//! their shortest exact form.

use crate::scan;

/// Which characters a string escapes beyond what JSON requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Only `"`, `\` and control characters.
    Json,
    /// Also every non-ASCII character, as `\uXXXX` (surrogate pairs above U+FFFF).
    UnicodeSafe,
    /// Also U+2028 and U+2029, which end a line in JavaScript source.
    JavascriptSafe,
    /// Like `JavascriptSafe`, and also `<`, `>`, `&` and `/`, so that the output can sit in
    /// an HTML `<script>` element.
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
            b'<' | b'>' | b'&' | b'/' => matches!(escape, Escape::HtmlSafe),
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
    let mut copied = 0;
    let mut i = 0;
    loop {
        if escape == Escape::Json {
            i = scan::skip_plain_words(bytes, i);
        }
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
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

pub fn write_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Appends the shortest decimal that reads back as exactly `value` (which must be finite,
/// as every BEAM float is). Integral values keep a `.0` so they decode as floats again.
pub fn write_f64(out: &mut Vec<u8>, value: f64) {
    debug_assert!(value.is_finite());
    // Ryū prints at most 24 bytes, and `.0` is added only to short integral forms.
    out.reserve(26);
    let start = out.len();
    // SAFETY: 26 bytes are reserved past `start`; `format64` writes `written` of them, all
    // ASCII, before the length is moved over them.
    let written = unsafe { ryu::raw::format64(value, out.as_mut_ptr().add(start)) };
    unsafe { out.set_len(start + written) };
    if !out[start..].iter().any(|&byte| matches!(byte, b'.' | b'e')) {
        out.extend_from_slice(b".0");
    }
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
                '<' | '>' | '&' | '/' => escape == Escape::HtmlSafe,
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
    fn html_safe_escapes_markup_characters() {
        assert_eq!(
            escaped("</script>&\u{2028}", Escape::HtmlSafe),
            "\"\\u003C\\/script\\u003E\\u0026\\u2028\""
        );
    }

    #[test]
    fn floats_are_shortest_and_stay_floats() {
        let mut out = Vec::new();
        for value in [1.0, 0.1, -0.0, 1e300, 5e-324] {
            write_f64(&mut out, value);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1.0 0.1 -0.0 1e300 5e-324 "
        );
    }
}
