//! Regressions for limits found while hardening Serdex against hostile input (issue 6).

mod fuzz_checks;

use fuzz_checks::events;
use serdex_core::error::ErrorKind;
use serdex_core::parser::Limits;

fn limits(max_integer_digits: usize) -> Limits {
    Limits {
        max_depth: 1024,
        max_integer_digits,
    }
}

/// `max_integer_digits` used to be checked only for integers beyond `i64`, so a limit below
/// 19 digits was silently ignored.
#[test]
fn the_digit_limit_applies_to_small_integers_too() {
    for input in ["10000", "-10000", "[1,10000]", "123456789012345678901234"] {
        let error = events(input.as_bytes(), limits(4)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooManyDigits(4), "{input}");
    }
    assert!(events(b"[-1000, 1.00000e10, 0]", limits(4)).is_ok());
}

#[test]
fn million_digit_numbers_are_rejected_or_parsed_in_linear_time() {
    let start = std::time::Instant::now();
    let integer = "7".repeat(1_000_000);
    let error = events(integer.as_bytes(), Limits::default()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TooManyDigits(1024));
    let fraction = format!("0.{}", "3".repeat(1_000_000));
    assert!(events(fraction.as_bytes(), Limits::default()).is_ok());
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for open in ["[", "{\"a\":"] {
        let input = open.repeat(1_000_000);
        let error = events(input.as_bytes(), Limits::default()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooDeep(1024));
    }
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let parsed = events(
        deep.as_bytes(),
        Limits {
            max_depth: 1_000_000,
            max_integer_digits: 1024,
        },
    );
    assert_eq!(parsed.map(|events| events.len()), Ok(2_000_000));
}
