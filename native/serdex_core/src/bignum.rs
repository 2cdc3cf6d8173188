//! Integers beyond 64 bits, converted between decimal digits and the Erlang external term
//! format (`SMALL_BIG_EXT` / `LARGE_BIG_EXT`), which is how the NIF API exchanges bignums.
//! Both directions take time quadratic in the number of digits; the parser bounds the count.

const VERSION: u8 = 131;
const SMALL_BIG_EXT: u8 = 110;
const LARGE_BIG_EXT: u8 = 111;
const CHUNK: u64 = 1_000_000_000;
const CHUNK_DIGITS: usize = 9;

/// Encodes the integer written as `digits` (ASCII decimal, no sign) as an external term.
pub fn decimal_to_external(negative: bool, digits: &str) -> Vec<u8> {
    // Little-endian limbs in base 2^32.
    let mut limbs: Vec<u32> = Vec::with_capacity(digits.len() / 9 + 1);
    let bytes = digits.as_bytes();
    let head = bytes.len() % CHUNK_DIGITS;
    let mut chunks: Vec<&[u8]> = Vec::with_capacity(bytes.len() / CHUNK_DIGITS + 1);
    if head > 0 {
        chunks.push(&bytes[..head]);
    }
    chunks.extend(bytes[head..].chunks(CHUNK_DIGITS));
    for chunk in chunks {
        let scale = 10u64.pow(chunk.len() as u32);
        let mut carry = chunk
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        for limb in limbs.iter_mut() {
            let product = u64::from(*limb) * scale + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    let mut magnitude: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    while magnitude.last() == Some(&0) {
        magnitude.pop();
    }

    let mut out = Vec::with_capacity(magnitude.len() + 7);
    out.push(VERSION);
    if magnitude.len() <= 255 {
        out.push(SMALL_BIG_EXT);
        out.push(magnitude.len() as u8);
    } else {
        out.push(LARGE_BIG_EXT);
        out.extend_from_slice(&(magnitude.len() as u32).to_be_bytes());
    }
    out.push(u8::from(negative));
    out.extend_from_slice(&magnitude);
    out
}

/// Decodes a bignum in external term format into its decimal form, with a leading `-` if
/// negative. Returns `None` if `term` is not a bignum encoding.
pub fn external_to_decimal(term: &[u8]) -> Option<String> {
    let (negative, magnitude) = match term {
        [VERSION, SMALL_BIG_EXT, len, sign, rest @ ..] if rest.len() == usize::from(*len) => {
            (*sign != 0, rest)
        }
        [VERSION, LARGE_BIG_EXT, a, b, c, d, sign, rest @ ..]
            if rest.len() == u32::from_be_bytes([*a, *b, *c, *d]) as usize =>
        {
            (*sign != 0, rest)
        }
        _ => return None,
    };
    let mut limbs: Vec<u32> = magnitude
        .chunks(4)
        .map(|chunk| {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            u32::from_le_bytes(word)
        })
        .collect();

    // Repeatedly divide by 10^9, collecting the remainders as base-10^9 digits.
    let mut groups: Vec<u32> = Vec::new();
    while limbs.iter().any(|&l| l != 0) {
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().rev() {
            let value = (remainder << 32) | u64::from(*limb);
            *limb = (value / CHUNK) as u32;
            remainder = value % CHUNK;
        }
        groups.push(remainder as u32);
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }

    let mut out = String::with_capacity(groups.len() * CHUNK_DIGITS + 1);
    if negative {
        out.push('-');
    }
    match groups.split_last() {
        None => out.push('0'),
        Some((most, rest)) => {
            out.push_str(&most.to_string());
            for group in rest.iter().rev() {
                out.push_str(&format!("{group:09}"));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        external_to_decimal(&decimal_to_external(negative, digits)).unwrap()
    }

    #[test]
    fn encodes_two_to_the_64_as_small_big() {
        let encoded = decimal_to_external(false, "18446744073709551616");
        assert_eq!(encoded, vec![131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn encodes_negative_sign_byte() {
        let encoded = decimal_to_external(true, "9223372036854775809");
        assert_eq!(&encoded[..4], &[131, 110, 8, 1]);
    }

    #[test]
    fn uses_large_big_beyond_255_bytes() {
        let digits = "9".repeat(700);
        let encoded = decimal_to_external(false, &digits);
        assert_eq!(encoded[1], LARGE_BIG_EXT);
        assert_eq!(round_trip(&digits), digits);
    }

    #[test]
    fn round_trips_decimal_text() {
        for text in [
            "123456789012345678901234567890",
            "-98765432109876543210",
            "100000000000000000000000000000000000000",
            "18446744073709551615",
        ] {
            assert_eq!(round_trip(text), text);
        }
    }

    #[test]
    fn rejects_other_terms() {
        assert_eq!(external_to_decimal(&[131, 97, 1]), None);
        assert_eq!(external_to_decimal(&[131, 110, 5, 0, 1]), None);
    }
}
