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

/// Plain strings are checked for UTF-8 only when the scan for their end saw a byte above
/// 0x7F, so a bad byte must be caught wherever it falls: in a sixteen-byte block, in an
/// eight-byte word, or in the bytes finished one at a time.
#[test]
fn invalid_utf8_is_caught_anywhere_in_a_plain_string() {
    for length in 1..70 {
        for at in 0..length {
            let mut text = vec![b'a'; length];
            text[at] = 0xFF;
            for (open, close) in [("\"", "\""), ("{\"", "\":1}"), ("[\"", "\"]")] {
                let mut input = open.as_bytes().to_vec();
                input.extend_from_slice(&text);
                input.extend_from_slice(close.as_bytes());
                let error = events(&input, Limits::default()).unwrap_err();
                assert_eq!(error.kind, ErrorKind::InvalidUtf8, "{length} {at} {open}");
            }
            let mut valid = vec![b'a'; length];
            valid.splice(at..=at, "é".bytes());
            let input = [b"\"".as_slice(), &valid, b"\""].concat();
            assert!(events(&input, Limits::default()).is_ok(), "{length} {at}");
        }
    }
}
