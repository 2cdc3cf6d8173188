// Writes the table of powers of five that `src/float.rs` reads floats with: 5^q for every
// q in -342..=308, as its 128 most significant bits. Negative powers are rounded up, and
// positive ones truncated, as the Eisel-Lemire algorithm requires.
use std::fmt::Write;

const SMALLEST: i32 = -342;
const LARGEST: i32 = 308;

fn main() {
    let mut table = String::from("[\n");
    for q in SMALLEST..=LARGEST {
        let value = if q < 0 {
            inverse(-q as u32)
        } else {
            positive(q as u32)
        };
        let high = (value >> 64) as u64;
        let low = value as u64;
        writeln!(table, "    [{high:#018x}, {low:#018x}], // 5^{q}").unwrap();
    }
    table.push_str("]\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("powers_of_five.rs");
    std::fs::write(out, table).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}

/// 5^q shifted so that it has exactly 128 bits, truncated.
fn positive(q: u32) -> u128 {
    top_128(&power_of_five(q))
}

/// 2^b / 5^k for a `b` that leaves at least 128 bits, plus one, then truncated to 128 bits.
fn inverse(k: u32) -> u128 {
    let divisor = power_of_five(k);
    let bits = bit_length(&divisor);
    let b = if k <= 27 { bits + 127 } else { 2 * bits + 128 };
    let mut quotient = quotient_of_power_of_two(b, &divisor);
    add_one(&mut quotient);
    top_128(&quotient)
}

/// Little-endian 64-bit limbs.
type Big = Vec<u64>;

fn power_of_five(k: u32) -> Big {
    let mut value = vec![1u64];
    for _ in 0..k {
        let mut carry = 0u128;
        for limb in value.iter_mut() {
            let product = u128::from(*limb) * 5 + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry > 0 {
            value.push(carry as u64);
        }
    }
    value
}

fn bit_length(value: &Big) -> u32 {
    let top = value.iter().rposition(|&limb| limb != 0).unwrap();
    top as u32 * 64 + (64 - value[top].leading_zeros())
}

fn bit(value: &Big, index: u32) -> bool {
    value
        .get((index / 64) as usize)
        .is_some_and(|limb| limb >> (index % 64) & 1 == 1)
}

/// The 128 most significant bits of `value`, followed by zeros if it has fewer.
fn top_128(value: &Big) -> u128 {
    let top = bit_length(value) - 1;
    (0..128).fold(0u128, |acc, i| {
        (acc << 1) | u128::from(top.checked_sub(i).is_some_and(|index| bit(value, index)))
    })
}

/// floor(2^b / divisor), by long division one bit at a time.
fn quotient_of_power_of_two(b: u32, divisor: &Big) -> Big {
    let limbs = divisor.len() + 1;
    let mut remainder: Big = vec![0; limbs];
    let mut quotient: Big = vec![0; (b / 64 + 1) as usize];
    for index in (0..=b).rev() {
        shift_left_one(&mut remainder, index == b);
        if !less_than(&remainder, divisor) {
            subtract(&mut remainder, divisor);
            quotient[(index / 64) as usize] |= 1 << (index % 64);
        }
    }
    quotient
}

fn shift_left_one(value: &mut Big, low_bit: bool) {
    let mut carry = u64::from(low_bit);
    for limb in value.iter_mut() {
        let next = *limb >> 63;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
}

fn less_than(value: &Big, other: &Big) -> bool {
    for index in (0..value.len().max(other.len())).rev() {
        let a = value.get(index).copied().unwrap_or(0);
        let b = other.get(index).copied().unwrap_or(0);
        if a != b {
            return a < b;
        }
    }
    false
}

fn subtract(value: &mut Big, other: &Big) {
    let mut borrow = false;
    for (index, limb) in value.iter_mut().enumerate() {
        let b = other.get(index).copied().unwrap_or(0);
        let (difference, borrowed) = limb.overflowing_sub(b);
        let (difference, borrowed_again) = difference.overflowing_sub(u64::from(borrow));
        *limb = difference;
        borrow = borrowed || borrowed_again;
    }
}

fn add_one(value: &mut Big) {
    for limb in value.iter_mut() {
        let (sum, carried) = limb.overflowing_add(1);
        *limb = sum;
        if !carried {
            return;
        }
    }
    value.push(1);
}
