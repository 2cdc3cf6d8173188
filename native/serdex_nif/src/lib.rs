//! The Serdex NIF: JSON decoding, encoding and formatting for the BEAM.
//!
//! Every entry point exists twice: once for a normal scheduler and once (`*_dirty`) for a
//! dirty CPU scheduler. The Elixir side sends inputs over 64 KiB to the dirty variant, and an
//! encode that outgrows its budget on a normal scheduler pauses with `{:dirty, resume}` and
//! is finished there.

mod encoder;
mod term_sink;

use std::sync::OnceLock;

use rustler::types::tuple::make_tuple;
use rustler::{Atom, Binary, Encoder, Env, NewBinary, NifResult, ResourceArc, Term};

use crate::encoder::{Checkpoint, Failure, Outcome, Piece};
use crate::term_sink::{Keys, Shape, TermSink};
use serdex_core::error::{ErrorKind, ParseError};
use serdex_core::formatter;
use serdex_core::parser::{self, Limits};
use serdex_core::writer::Escape;

mod atoms {
    rustler::atoms! {
        ok,
        error,
        dirty,
        strings,
        atoms,
        atoms_existing = "atoms!",
        copy,
        ordered_objects,
        decimals,
        json,
        unicode_safe,
        javascript_safe,
        html_safe,
        syntax,
        number,
        escape,
        invalid_atom_key,
        unknown_atom_key,
        unsupported,
        invalid_utf8,
        improper_list,
        invalid_key,
        duplicate_key,
        target,
        profile,
        crate_version,
        loaded_from,
    }
}

static LOADED_FROM: OnceLock<String> = OnceLock::new();

fn load(_env: Env, load_info: Term) -> bool {
    if let Ok(path) = load_info.decode::<String>() {
        let _ = LOADED_FROM.set(path);
    }
    true
}

#[rustler::nif]
fn nif_info(env: Env) -> Term {
    let pairs = [
        (atoms::target(), env!("SERDEX_TARGET").encode(env)),
        (atoms::profile(), env!("SERDEX_PROFILE").encode(env)),
        (
            atoms::crate_version(),
            env!("CARGO_PKG_VERSION").encode(env),
        ),
        (
            atoms::loaded_from(),
            LOADED_FROM.get().map(String::as_str).encode(env),
        ),
    ];
    Term::map_from_pairs(env, &pairs).unwrap_or_else(|_| atoms::error().encode(env))
}

/// `{keys, max_depth, max_integer_digits, strings, objects, floats}`, where `strings` is
/// `:reference` or `:copy`, `objects` `:maps` or `:ordered_objects`, and `floats` `:native` or
/// `:decimals`.
type DecodeOptions = (Atom, usize, usize, Atom, Atom, Atom);

#[rustler::nif]
fn decode<'a>(env: Env<'a>, input: Binary<'a>, options: DecodeOptions) -> Term<'a> {
    run_decode(env, input, options)
}

#[rustler::nif(schedule = "DirtyCpu")]
fn decode_dirty<'a>(env: Env<'a>, input: Binary<'a>, options: DecodeOptions) -> Term<'a> {
    run_decode(env, input, options)
}

fn run_decode<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    (keys, max_depth, max_integer_digits, strings, objects, floats): DecodeOptions,
) -> Term<'a> {
    let keys = if keys == atoms::atoms() {
        Keys::Atoms
    } else if keys == atoms::atoms_existing() {
        Keys::ExistingAtoms
    } else {
        Keys::Strings
    };
    let shape = Shape {
        keys,
        copy_strings: strings == atoms::copy(),
        ordered_objects: objects == atoms::ordered_objects(),
        decimals: floats == atoms::decimals(),
    };
    let limits = Limits {
        max_depth,
        max_integer_digits,
    };
    let mut sink = TermSink::new(env, input, shape);
    match parser::parse(input.as_slice(), limits, &mut sink) {
        Ok(()) => (atoms::ok(), sink.into_term()).encode(env),
        Err(error) => parse_error(env, &error),
    }
}

/// `{:error, {code, message, position}}`. The code is `:number` or `:escape` when the error
/// is about the number or `\u` escape at `position` (Jason calls it the token).
fn parse_error<'a>(env: Env<'a>, error: &ParseError) -> Term<'a> {
    let code = match error.kind {
        ErrorKind::InvalidAtomKey(_) => atoms::invalid_atom_key(),
        ErrorKind::UnknownAtomKey(_) => atoms::unknown_atom_key(),
        ErrorKind::InvalidNumber | ErrorKind::NumberOutOfRange | ErrorKind::TooManyDigits(_) => {
            atoms::number()
        }
        ErrorKind::InvalidUnicodeEscape | ErrorKind::LoneSurrogate(_) => atoms::escape(),
        _ => atoms::syntax(),
    };
    let detail = (code, error.kind.to_string(), error.position);
    (atoms::error(), detail).encode(env)
}

/// `{indent, line_separator, record_separator, after_colon, max_depth}`, the texts as binaries.
type FormatOptions<'a> = (Binary<'a>, Binary<'a>, Binary<'a>, Binary<'a>, usize);

#[rustler::nif]
fn format<'a>(env: Env<'a>, input: Binary<'a>, options: FormatOptions<'a>) -> Term<'a> {
    run_format(env, input, options)
}

#[rustler::nif(schedule = "DirtyCpu")]
fn format_dirty<'a>(env: Env<'a>, input: Binary<'a>, options: FormatOptions<'a>) -> Term<'a> {
    run_format(env, input, options)
}

fn run_format<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    (indent, line_separator, record_separator, after_colon, max_depth): FormatOptions<'a>,
) -> Term<'a> {
    let limits = Limits {
        max_depth,
        max_integer_digits: usize::MAX,
    };
    let layout = formatter::Layout {
        indent: indent.as_slice().to_vec(),
        line_separator: line_separator.as_slice().to_vec(),
        record_separator: record_separator.as_slice().to_vec(),
        after_colon: after_colon.as_slice().to_vec(),
    };
    match formatter::format(input.as_slice(), limits, &layout) {
        Ok(out) => (atoms::ok(), binary(env, &out)).encode(env),
        Err(error) => parse_error(env, &error),
    }
}

/// The escape mode, whether map keys are strict, and the budget of work (see
/// `encoder::STEP_WORK`) after which `encode` pauses; `encode_dirty` ignores the budget.
type EncodeOptions = (Atom, bool, usize);

/// Where a paused encode carries on: the pieces written before its last hole, and the rest.
type Resume<'a> = (Vec<Term<'a>>, ResourceArc<Checkpoint>);

#[rustler::nif]
fn encode<'a>(env: Env<'a>, term: Term<'a>, options: EncodeOptions) -> NifResult<Term<'a>> {
    let budget = options.2;
    run_encode(env, term, options, None, Some(budget))
}

#[rustler::nif(schedule = "DirtyCpu")]
fn encode_dirty<'a>(
    env: Env<'a>,
    term: Term<'a>,
    options: EncodeOptions,
    resume: Option<Resume<'a>>,
) -> NifResult<Term<'a>> {
    run_encode(env, term, options, resume, None)
}

/// Returns `{:ok, binary}`, `{:ok, pieces}` when some terms need the `Serdex.Encoder`
/// protocol, `{:dirty, resume}` when over budget, or `{:error, {code, term}}`. Raises
/// `ArgumentError` if `resume` was used before.
fn run_encode<'a>(
    env: Env<'a>,
    term: Term<'a>,
    (escape, strict_keys, _): EncodeOptions,
    resume: Option<Resume<'a>>,
    budget: Option<usize>,
) -> NifResult<Term<'a>> {
    let escape = if escape == atoms::unicode_safe() {
        Escape::UnicodeSafe
    } else if escape == atoms::javascript_safe() {
        Escape::JavascriptSafe
    } else if escape == atoms::html_safe() {
        Escape::HtmlSafe
    } else {
        Escape::Json
    };
    let options = encoder::Options {
        escape,
        strict_keys,
        budget,
    };
    let resume = resume.as_ref().map(|(pieces, checkpoint)| {
        let pieces = pieces.iter().map(|&piece| Piece::Term(piece)).collect();
        (pieces, &**checkpoint)
    });
    let result = match encoder::encode(term, options, resume) {
        Ok(Outcome::Done(pieces)) => {
            let output = match pieces.as_slice() {
                [Piece::Json(bytes)] => binary(env, bytes),
                _ => pieces_term(env, &pieces),
            };
            (atoms::ok(), output).encode(env)
        }
        Ok(Outcome::Paused(pieces, checkpoint)) => {
            let resume = (pieces_term(env, &pieces), ResourceArc::new(checkpoint));
            (atoms::dirty(), resume).encode(env)
        }
        Err(Failure::SpentCheckpoint) => return Err(rustler::Error::BadArg),
        Err(failure) => {
            let (code, culprit) = match failure {
                Failure::Unsupported(term) => (atoms::unsupported(), term),
                Failure::InvalidUtf8(term) => (atoms::invalid_utf8(), term),
                Failure::ImproperList(term) => (atoms::improper_list(), term),
                Failure::InvalidKey(term) => (atoms::invalid_key(), term),
                Failure::DuplicateKey(key) => (atoms::duplicate_key(), key.encode(env)),
                Failure::SpentCheckpoint | Failure::OverBudget => {
                    unreachable!("handled above, or by pausing")
                }
            };
            let detail = make_tuple(env, &[code.encode(env), culprit]);
            (atoms::error(), detail).encode(env)
        }
    };
    Ok(result)
}

fn pieces_term<'a>(env: Env<'a>, pieces: &[Piece<'a>]) -> Term<'a> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Json(bytes) => binary(env, bytes),
            Piece::Term(term) => *term,
        })
        .collect::<Vec<Term>>()
        .encode(env)
}

/// Panics on purpose, so that tests can check that a panic becomes an Elixir exception.
#[rustler::nif]
fn debug_panic() -> Atom {
    panic!("serdex debug_panic called")
}

fn binary<'a>(env: Env<'a>, bytes: &[u8]) -> Term<'a> {
    let mut binary = NewBinary::new(env, bytes.len());
    binary.as_mut_slice().copy_from_slice(bytes);
    Binary::from(binary).to_term(env)
}

rustler::init!("Elixir.Serdex.NIF", load = load);
