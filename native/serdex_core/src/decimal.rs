//! The fields Elixir's `Decimal.new/1` gives a JSON float, computed without Decimal, as
//! Jason's `floats: :decimals` produces them.

/// An integer that may exceed 64 bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integer {
    Small(i64),
    /// Decimal digits without leading zeros.
    Big {
        negative: bool,
        digits: String,
    },
}

/// `%Decimal{sign: sign, coef: coefficient, exp: exponent}`: the value is
/// `sign × coefficient × 10^exponent`, and the digits are kept as written (`1.10` has
/// coefficient 110 and exponent -2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub negative: bool,
    pub coefficient: Integer,
    pub exponent: Integer,
}

/// Longer digit strings may not fit in an `i64`.
const SMALL_DIGITS: usize = 18;

/// The fields for `raw`, the text of a JSON float (it has a fraction, an exponent or both).
/// Jason passes the text to `Decimal.new/1` as written, except that a number with an exponent
/// and no fraction gets one (`1e5` is read as `1.0e5`: coefficient 10, exponent 4).
pub fn fields(raw: &str) -> Fields {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let mut digits = String::with_capacity(whole.len() + fraction.len());
    digits.push_str(whole);
    digits.push_str(fraction);
    let shift = fraction.len() as u64;
    Fields {
        negative,
        coefficient: integer(false, &digits),
        exponent: match exponent {
            None => Integer::Small(-(shift as i64)),
            Some(text) => shifted_exponent(text, shift),
        },
    }
}

/// The integer written `digits` (ASCII, maybe with leading zeros).
fn integer(negative: bool, digits: &str) -> Integer {
    let digits = digits.trim_start_matches('0');
    if digits.len() <= SMALL_DIGITS {
        let magnitude = digits
            .bytes()
            .fold(0i64, |acc, digit| acc * 10 + i64::from(digit - b'0'));
        Integer::Small(if negative { -magnitude } else { magnitude })
    } else {
        Integer::Big {
            negative,
            digits: digits.to_string(),
        }
    }
}

/// The exponent written `text` (`+12`, `-3`, `400`) minus `shift`, the fraction's length.
fn shifted_exponent(text: &str, shift: u64) -> Integer {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    match integer(negative, digits) {
        Integer::Small(value) => Integer::Small(value - shift as i64),
        // At least 10^18, so far beyond any shift: the sign stays.
        Integer::Big { negative, digits } => {
            let digits = if negative {
                add_small(&digits, shift)
            } else {
                subtract_small(&digits, shift)
            };
            Integer::Big { negative, digits }
        }
    }
}

fn add_small(digits: &str, amount: u64) -> String {
    let mut out: Vec<u8> = digits.bytes().rev().collect();
    let mut carry = amount;
    for digit in out.iter_mut() {
        if carry == 0 {
            break;
        }
        let sum = u64::from(*digit - b'0') + carry % 10;
        carry = carry / 10 + sum / 10;
        *digit = b'0' + (sum % 10) as u8;
    }
    while carry > 0 {
        out.push(b'0' + (carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// `digits - amount`, where `digits` is the larger.
fn subtract_small(digits: &str, amount: u64) -> String {
    let mut out: Vec<u8> = digits.bytes().rev().collect();
    let mut borrow = amount;
    for digit in out.iter_mut() {
        if borrow == 0 {
            break;
        }
        let take = borrow % 10;
        borrow /= 10;
        let value = u64::from(*digit - b'0');
        if value >= take {
            *digit = b'0' + (value - take) as u8;
        } else {
            *digit = b'0' + (value + 10 - take) as u8;
            borrow += 1;
        }
    }
    while out.len() > 1 && out.last() == Some(&b'0') {
        out.pop();
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(negative: bool, coefficient: i64, exponent: i64) -> Fields {
        Fields {
            negative,
            coefficient: Integer::Small(coefficient),
            exponent: Integer::Small(exponent),
        }
    }

    #[test]
    fn keeps_the_digits_as_written() {
        assert_eq!(fields("1.10"), small(false, 110, -2));
        assert_eq!(fields("0.001"), small(false, 1, -3));
        assert_eq!(fields("-0.0"), small(true, 0, -1));
        assert_eq!(fields("-1.5e-3"), small(true, 15, -4));
        assert_eq!(fields("1.0e23"), small(false, 10, 22));
    }

    #[test]
    fn an_exponent_without_a_fraction_reads_as_point_zero() {
        assert_eq!(fields("1e400"), small(false, 10, 399));
        assert_eq!(fields("-1E+2"), small(true, 10, 1));
        assert_eq!(fields("0e0"), small(false, 0, -1));
    }

    #[test]
    fn long_coefficients_and_exponents_stay_exact() {
        let digits = "12345678901234567890123";
        assert_eq!(
            fields(&format!("{digits}.5")).coefficient,
            Integer::Big {
                negative: false,
                digits: format!("{digits}5")
            }
        );
        assert_eq!(
            fields("0.4e1000000000000000000000").exponent,
            Integer::Big {
                negative: false,
                digits: "999999999999999999999".to_string()
            }
        );
        assert_eq!(
            fields("1.25e-999999999999999999999").exponent,
            Integer::Big {
                negative: true,
                digits: "1000000000000000000001".to_string()
            }
        );
    }
}
