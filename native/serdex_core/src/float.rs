//! The `f64` nearest to a JSON float, from the digits the parser has already read: Clinger's
//! fast path when the digits and the power of ten are both exact in an `f64`, otherwise the
//! Eisel-Lemire algorithm. Either gives the correctly rounded value, as `str::parse` does,
//! without reading the text again. The rare inputs neither can settle (more than 19 digits,
//! or a product too close to halfway between two floats) are left to `str::parse`.

/// The powers of ten exact in an `f64`.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Integers up to this are exact in an `f64`.
const EXACT_INTEGER: u64 = 1 << 53;

const SMALLEST_POWER_OF_TEN: i64 = -342;
const LARGEST_POWER_OF_TEN: i64 = 308;

const MANTISSA_BITS: i32 = 52;
const MINIMUM_EXPONENT: i32 = -1023;
const INFINITE_EXPONENT: i32 = 0x7FF;

/// Powers of ten at which a product can be exactly halfway between two floats.
const ROUND_TO_EVEN: std::ops::RangeInclusive<i64> = -4..=23;

/// 5^q for q in -342..=308: the 128 most significant bits, high word first, written by
/// `build.rs`. Aligned so that no entry straddles two cache lines.
#[repr(C, align(64))]
struct PowersOfFive([[u64; 2]; 651]);

static POWERS_OF_FIVE: PowersOfFive =
    PowersOfFive(include!(concat!(env!("OUT_DIR"), "/powers_of_five.rs")));

/// The `f64` nearest to `digits × 10^exponent`, or `None` when it takes the full algorithm
/// (`digits` must be exact: at most 19 decimal digits).
#[inline]
pub fn from_decimal(digits: u64, exponent: i64) -> Option<f64> {
    if digits <= EXACT_INTEGER && (-22..=22).contains(&exponent) {
        let value = digits as f64;
        let power = EXACT_POWERS_OF_TEN[exponent.unsigned_abs() as usize];
        return Some(if exponent < 0 {
            value / power
        } else {
            value * power
        });
    }
    eisel_lemire(digits, exponent)
}

fn eisel_lemire(digits: u64, q: i64) -> Option<f64> {
    if digits == 0 || q < SMALLEST_POWER_OF_TEN {
        return Some(0.0);
    }
    if q > LARGEST_POWER_OF_TEN {
        return Some(f64::INFINITY);
    }
    let leading_zeros = digits.leading_zeros() as i32;
    let w = digits << leading_zeros;
    let (low, high) = product_with_power_of_five(q, w);
    // The truncated power may have lost a carry into the bits kept; only exact powers (q in
    // -27..=55) are sure to have lost nothing.
    if low == u64::MAX && !(-27..=55).contains(&q) {
        return None;
    }
    let upper_bit = (high >> 63) as i32;
    let shift = upper_bit + 64 - MANTISSA_BITS - 3;
    let mut mantissa = high >> shift;
    let mut power2 = binary_exponent(q as i32) + upper_bit - leading_zeros - MINIMUM_EXPONENT;

    if power2 <= 0 {
        if -power2 + 1 >= 64 {
            return Some(0.0);
        }
        // Subnormal.
        mantissa >>= -power2 + 1;
        mantissa += mantissa & 1;
        mantissa >>= 1;
        power2 = i32::from(mantissa >= 1 << MANTISSA_BITS);
        return Some(from_parts(mantissa, power2));
    }
    // Exactly halfway with an even mantissa below: round down, to even.
    if low <= 1 && ROUND_TO_EVEN.contains(&q) && mantissa & 3 == 1 && mantissa << shift == high {
        mantissa &= !1;
    }
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if mantissa >= 2 << MANTISSA_BITS {
        mantissa = 1 << MANTISSA_BITS;
        power2 += 1;
    }
    mantissa &= !(1 << MANTISSA_BITS);
    if power2 >= INFINITE_EXPONENT {
        return Some(f64::INFINITY);
    }
    Some(from_parts(mantissa, power2))
}

fn from_parts(mantissa: u64, biased_exponent: i32) -> f64 {
    f64::from_bits(mantissa | (biased_exponent as u64) << MANTISSA_BITS)
}

/// floor(log2(10^q)) + 63, for q in -342..=308.
fn binary_exponent(q: i32) -> i32 {
    (q.wrapping_mul(152_170 + 65_536) >> 16) + 63
}

/// The high 128 bits of `w × 5^q`, as (low, high): one multiplication, and a second when the
/// bits that decide the rounding are all ones.
#[inline]
fn product_with_power_of_five(q: i64, w: u64) -> (u64, u64) {
    let [high5, low5] = POWERS_OF_FIVE.0[(q - SMALLEST_POWER_OF_TEN) as usize];
    let (mut low, mut high) = full_product(w, high5);
    let mask = u64::MAX >> (MANTISSA_BITS + 3);
    if high & mask == mask {
        let (_, carry) = full_product(w, low5);
        low = low.wrapping_add(carry);
        if carry > low {
            high += 1;
        }
    }
    (low, high)
}

fn full_product(a: u64, b: u64) -> (u64, u64) {
    let product = u128::from(a) * u128::from(b);
    (product as u64, (product >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `str::parse` reads from the same digits, when `from_decimal` gives an answer.
    fn check(digits: u64, exponent: i64) {
        if let Some(value) = from_decimal(digits, exponent) {
            let text = format!("{digits}e{exponent}");
            let expected: f64 = text.parse().unwrap();
            assert_eq!(value.to_bits(), expected.to_bits(), "{text}");
        }
    }

    #[test]
    fn the_table_holds_known_powers_of_five() {
        let at = |q: i64| POWERS_OF_FIVE.0[(q - SMALLEST_POWER_OF_TEN) as usize];
        assert_eq!(at(0), [1 << 63, 0]);
        assert_eq!(at(1), [0xa000_0000_0000_0000, 0]);
        assert_eq!(at(-1), [0xcccc_cccc_cccc_cccc, 0xcccc_cccc_cccc_cccd]);
        assert_eq!(at(-342), [0xeef4_53d6_923b_d65a, 0x113f_aa29_06a1_3b3f]);
        assert!(POWERS_OF_FIVE.0.iter().all(|[high, _]| high >> 63 == 1));
    }

    #[test]
    fn the_table_is_aligned_to_a_cache_line() {
        assert_eq!(std::ptr::addr_of!(POWERS_OF_FIVE) as usize % 64, 0);
    }

    #[test]
    fn hard_cases_read_as_str_parse_reads_them() {
        let cases: &[(u64, i64)] = &[
            (9_007_199_254_740_993, 0),     // 2^53 + 1: halfway, rounds to even
            (9_007_199_254_740_995, 0),     // halfway, rounds up to even
            (22_250_738_585_072_011, -324), // near the smallest normal
            (22_250_738_585_072_014, -324),
            (49_406_564_584_124_654, -341), // the smallest subnormal
            (24_703_282_292_062_327, -340), // half of it
            (24_703_282_292_062_328, -340),
            (17_976_931_348_623_157, 292), // the largest float
            (17_976_931_348_623_159, 292), // past it: infinity
            (65_613_616_999_999_977, -15), // a coordinate from canada.json
            (1, 23),
            (1, -23),
            (u64::MAX / 10, -20),
            (10_000_000_000_000_000_000, -19),
            (1, -342),
            (1, -343),
            (9_999_999_999_999_999_999, -343),
            (1, 308),
            (1, 309),
        ];
        for &(digits, exponent) in cases {
            check(digits, exponent);
            assert!(
                from_decimal(digits, exponent).is_some(),
                "{digits}e{exponent}"
            );
        }
    }

    #[test]
    fn every_power_of_ten_reads_as_str_parse_reads_it() {
        for exponent in -400..=400 {
            for digits in [
                1,
                3,
                7,
                9,
                11,
                99,
                12_345,
                9_007_199_254_740_993,
                u64::MAX / 2,
            ] {
                check(digits, exponent);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn any_nineteen_digits_read_as_str_parse_reads_them(
            digits in 0u64..10_000_000_000_000_000_000,
            exponent in -360i64..330,
        ) {
            check(digits, exponent);
        }

        #[test]
        fn the_shortest_text_of_any_float_reads_back_as_that_float(bits: u64) {
            let value = f64::from_bits(bits & !(1 << 63));
            prop_assume!(value.is_finite());
            let text = format!("{value:e}");
            let (mantissa, exponent) = text.split_once('e').unwrap();
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let digits: u64 = format!("{whole}{fraction}").parse().unwrap();
            let exponent = exponent.parse::<i64>().unwrap() - fraction.len() as i64;
            let read = from_decimal(digits, exponent);
            prop_assert!(read.is_none() || read == Some(value), "{text}: {read:?}");
        }
    }
}
