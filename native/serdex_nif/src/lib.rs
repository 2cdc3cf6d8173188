//! The Serdex NIF: JSON decoding, encoding and formatting for the BEAM.
//!
//! Every call works on a normal scheduler for a slice of about a millisecond, reports the time
//! it took (`enif_consume_timeslice`), and returns `{:cont, state}` if the work is not done;
//! the Elixir side then calls the matching `*_continue` function. Only two things run on a
//! dirty CPU scheduler, because no slice can bound them: printing an integer of thousands of
//! digits, and a decode that allows such integers.

mod atom_names;
mod binaries;
mod buffers;
mod encoder;
mod slices;
mod term_sink;
mod terms;

use std::sync::OnceLock;

use rustler::types::tuple::make_tuple;
use rustler::{Atom, Binary, Encoder, Env, NifResult, Resource, ResourceArc, Term};

use std::sync::Mutex;

use crate::encoder::{Failure, Outcome, Piece};
use crate::slices::{Pacing, in_slice};
use crate::term_sink::{Join, Keys, Shape, TermSink};
use serdex_core::bignum;
use serdex_core::error::{ErrorKind, ParseError};
use serdex_core::formatter::{Formatter, Layout};
use serdex_core::parser::{Limits, Parser, Status};
use serdex_core::slice::{Meter, Unmetered};
use serdex_core::writer::Escape;

mod atoms {
    rustler::atoms! {
        ok,
        error,
        cont,
        call,
        append,
        object,
        to_list,
        nil,
        out_of_memory,
        strings,
        atoms,
        atoms_existing = "atoms!",
        copy,
        ordered_objects,
        decimals,
        ordered_object,
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
        reads_small_maps_directly,
    }
}

static LOADED_FROM: OnceLock<String> = OnceLock::new();

fn load(env: Env, load_info: Term) -> bool {
    if let Ok(path) = load_info.decode::<String>() {
        let _ = LOADED_FROM.set(path);
    }
    if !terms::check_layout(env) {
        // The load fails with a generic message; this is the reason.
        eprintln!(
            "serdex: this VM lays out small integers, floats, atoms or lists unlike every \
             64-bit VM so far, and Serdex reads them directly: it cannot load here. \
             Please report the OTP version."
        );
        return false;
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
        (
            atoms::reads_small_maps_directly(),
            terms::reads_small_maps().encode(env),
        ),
    ];
    Term::map_from_pairs(env, &pairs).unwrap_or_else(|_| atoms::error().encode(env))
}

/// `{keys, max_depth, max_integer_digits, strings, objects, floats, pacing}`, where `strings`
/// is `:reference` or `:copy`, `objects` `:maps` or `:ordered_objects`, `floats` `:native` or
/// `:decimals`, and `pacing` nil, or for tests a number of looks per slice (see [`Pacing`]).
type DecodeOptions<'a> = (Atom, usize, usize, Atom, Atom, Atom, Term<'a>);

/// A decode between two slices: the parser, how values become terms, and how slices end.
/// Its unfinished terms travel with it, as terms (see `TermSink::suspend`).
struct DecodeJob(Mutex<Option<(Parser, Shape, Pacing)>>);

#[rustler::resource_impl]
impl Resource for DecodeJob {}

#[rustler::nif]
fn decode<'a>(env: Env<'a>, input: Binary<'a>, options: DecodeOptions<'a>) -> NifResult<Term<'a>> {
    let (parser, shape, pacing) = decode_job(options);
    in_slice(env, pacing, |slice| {
        let sink = TermSink::new(env, input, shape, true);
        decode_slice(env, input, (parser, pacing), sink, slice)
    })
}

/// Carries on a decode from the `state` of its last slice, and from the container Elixir
/// built if that slice asked for one (`joined`, otherwise nil).
#[rustler::nif]
fn decode_continue<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    (job, suspended): (ResourceArc<DecodeJob>, Term<'a>),
    joined: Term<'a>,
) -> NifResult<Term<'a>> {
    let (parser, shape, pacing) = take(&job.0)?;
    in_slice(env, pacing, |slice| {
        let mut sink = TermSink::new(env, input, shape, true);
        sink.resume(suspended, given(joined))?;
        decode_slice(env, input, (parser, pacing), sink, slice)
    })
}

/// The whole decode in one call, for integers of more digits than a normal scheduler can
/// convert in a slice (`max_integer_digits` above its default).
#[rustler::nif(schedule = "DirtyCpu")]
fn decode_dirty<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    options: DecodeOptions<'a>,
) -> NifResult<Term<'a>> {
    let (parser, shape, pacing) = decode_job(options);
    let sink = TermSink::new(env, input, shape, false);
    decode_slice(env, input, (parser, pacing), sink, &mut Unmetered)
}

fn decode_job(
    (keys, max_depth, max_integer_digits, strings, objects, floats, pacing): DecodeOptions,
) -> (Parser, Shape, Pacing) {
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
    let parser = Parser::new(limits).with_last_slice(slices::LAST_SLICE_INPUT);
    (parser, shape, Pacing::from_term(pacing))
}

/// Returns `{:ok, term}`, `{:error, {code, message, position}}`, `{:cont, state}` when the
/// slice ended first, or `{:call, name, argument, state}` when Elixir must first build a
/// container (`:append` its lists of members, or make an `:object` of its lists of pairs).
fn decode_slice<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    (mut parser, pacing): (Parser, Pacing),
    mut sink: TermSink<'a>,
    meter: &mut impl Meter,
) -> NifResult<Term<'a>> {
    let shape = sink.shape();
    Ok(match parser.resume(input.as_slice(), &mut sink, meter) {
        Ok(Status::Done) => (atoms::ok(), sink.into_term()).encode(env),
        Ok(Status::Paused) => {
            let join = sink.take_join();
            let job = ResourceArc::new(DecodeJob(Mutex::new(Some((parser, shape, pacing)))));
            let state = (job, sink.suspend()).encode(env);
            let (name, parts) = match join {
                None => return Ok((atoms::cont(), state).encode(env)),
                Some(Join::Array(parts)) => (atoms::append(), parts),
                Some(Join::Object(parts)) => (atoms::object(), parts),
                Some(Join::OrderedObject(parts)) => (atoms::ordered_object(), parts),
            };
            make_tuple(
                env,
                &[atoms::call().encode(env), name.encode(env), parts, state],
            )
        }
        Err(error) => parse_error(env, &error),
    })
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

/// `{indent, line_separator, record_separator, after_colon, max_depth, max_bytes}`, the texts
/// as binaries.
type FormatOptions<'a> = (Binary<'a>, Binary<'a>, Binary<'a>, Binary<'a>, usize, usize);

struct FormatJob(Mutex<Option<Formatter>>);

#[rustler::resource_impl]
impl Resource for FormatJob {}

#[rustler::nif]
fn format<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    (indent, line_separator, record_separator, after_colon, max_depth, max_bytes): FormatOptions<
        'a,
    >,
) -> NifResult<Term<'a>> {
    let limits = Limits {
        max_depth,
        max_integer_digits: usize::MAX,
    };
    let layout = Layout {
        indent: indent.as_slice().to_vec(),
        line_separator: line_separator.as_slice().to_vec(),
        record_separator: record_separator.as_slice().to_vec(),
        after_colon: after_colon.as_slice().to_vec(),
    };
    let formatter = Formatter::new(limits, layout, max_bytes);
    in_slice(env, Pacing::Time, |slice| {
        format_slice(env, input, formatter, slice)
    })
}

#[rustler::nif]
fn format_continue<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    job: ResourceArc<FormatJob>,
    _nothing: Term<'a>,
) -> NifResult<Term<'a>> {
    let formatter = take(&job.0)?;
    in_slice(env, Pacing::Time, |slice| {
        format_slice(env, input, formatter, slice)
    })
}

/// Returns `{:ok, binary}`, `{:ok, parts}` (a list of binaries) when the output is long,
/// `{:error, {code, message, position}}` or `{:cont, job}`.
fn format_slice<'a>(
    env: Env<'a>,
    input: Binary<'a>,
    mut formatter: Formatter,
    meter: &mut impl Meter,
) -> NifResult<Term<'a>> {
    Ok(match formatter.resume(input.as_slice(), meter) {
        Ok(Status::Done) => {
            let mut parts: Vec<Term> = formatter
                .into_parts()
                .into_iter()
                .map(|part| binaries::owned(env, part))
                .collect();
            let output = match parts.len() {
                1 => parts.remove(0),
                _ => parts.encode(env),
            };
            (atoms::ok(), output).encode(env)
        }
        Ok(Status::Paused) => {
            let job = ResourceArc::new(FormatJob(Mutex::new(Some(formatter))));
            (atoms::cont(), job).encode(env)
        }
        Err(error) => parse_error(env, &error),
    })
}

/// The escape mode, whether map keys are strict, the pacing (nil, or for tests a number of
/// looks per slice, see [`Pacing`]), and the structs with a derived encoder (a map, or nil;
/// see `Serdex.Encode.Derived`).
type EncodeOptions<'a> = (Atom, bool, Term<'a>, Term<'a>);

#[rustler::nif]
fn encode<'a>(
    env: Env<'a>,
    term: Term<'a>,
    (escape, strict_keys, pacing, structs): EncodeOptions<'a>,
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
        pacing: Pacing::from_term(pacing),
    };
    in_slice(env, options.pacing, |slice| {
        let structs = (structs.get_type() == rustler::TermType::Map).then_some(structs);
        encode_result(
            env,
            encoder::encode(env, term, options, structs, None, slice),
        )
    })
}

/// Carries on an encode from the `state` of its last slice, and from the entries of the map
/// it asked Elixir to list, if it did (`entries`, otherwise nil).
#[rustler::nif]
fn encode_continue<'a>(
    env: Env<'a>,
    term: Term<'a>,
    (job, terms): (ResourceArc<encoder::Job>, Term<'a>),
    entries: Term<'a>,
) -> NifResult<Term<'a>> {
    let progress = job.take().ok_or(rustler::Error::BadArg)?;
    let entries = given(entries);
    let options = progress.options();
    in_slice(env, options.pacing, |slice| {
        let resume = Some((progress, terms, entries));
        let result = encoder::encode(env, term, options, None, resume, slice);
        encode_result(env, result)
    })
}

/// Returns `{:ok, binary}`, `{:ok, pieces}` when some terms are left to the Elixir side,
/// `{:cont, state}` when the slice ended first, `{:call, :to_list, map, state}` when Elixir
/// must list the entries of a large map first, or `{:error, {code, term}}`.
fn encode_result<'a>(
    env: Env<'a>,
    result: Result<Outcome<'a>, Failure<'a>>,
) -> NifResult<Term<'a>> {
    Ok(match result {
        Ok(Outcome::Done(mut pieces)) => {
            let output = if let [Piece::Json(_)] = pieces.as_slice()
                && let Some(Piece::Json(json)) = pieces.pop()
            {
                buffers::binary(env, json)
            } else {
                joined(env, &pieces).unwrap_or_else(|| pieces_term(env, pieces))
            };
            (atoms::ok(), output).encode(env)
        }
        Ok(Outcome::Paused(job, terms, to_list)) => {
            let state = (ResourceArc::new(job), terms).encode(env);
            match to_list {
                None => (atoms::cont(), state).encode(env),
                Some(map) => make_tuple(
                    env,
                    &[
                        atoms::call().encode(env),
                        atoms::to_list().encode(env),
                        map,
                        state,
                    ],
                ),
            }
        }
        Err(Failure::BadJob) => return Err(rustler::Error::BadArg),
        Err(failure) => {
            let (code, culprit) = match failure {
                Failure::Unsupported(term) => (atoms::unsupported(), term),
                Failure::InvalidUtf8(term) => (atoms::invalid_utf8(), term),
                Failure::ImproperList(term) => (atoms::improper_list(), term),
                Failure::InvalidKey(term) => (atoms::invalid_key(), term),
                Failure::DuplicateKey(key) => (atoms::duplicate_key(), key.encode(env)),
                Failure::OutOfMemory => (atoms::out_of_memory(), atoms::nil().encode(env)),
                Failure::BadJob => unreachable!("handled above"),
            };
            let detail = make_tuple(env, &[code.encode(env), culprit]);
            (atoms::error(), detail).encode(env)
        }
    })
}

/// Text in several parts and nothing left to Elixir, as one binary if it is short enough to
/// copy in one step. Elixir would otherwise join the parts into a binary itself.
fn joined<'a>(env: Env<'a>, pieces: &[Piece<'a>]) -> Option<Term<'a>> {
    let parts: Vec<&[u8]> = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Json(json) => Some(&json[..]),
            Piece::Term(_) => None,
        })
        .collect::<Option<_>>()?;
    binaries::join(env, &parts)
}

/// The pieces as a list. Only the last text may be copied: the others are parts of a long
/// output, and copying them all would make this one long step.
fn pieces_term<'a>(env: Env<'a>, pieces: Vec<Piece<'a>>) -> Term<'a> {
    let last = pieces.len().saturating_sub(1);
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| match piece {
            Piece::Json(json) if index == last => buffers::binary(env, json),
            Piece::Json(json) => buffers::hand_over(env, json),
            Piece::Term(term) => term,
        })
        .collect::<Vec<Term>>()
        .encode(env)
}

/// Prints an integer too large for a normal scheduler to print in a slice.
#[rustler::nif(schedule = "DirtyCpu")]
fn integer_to_string_dirty<'a>(env: Env<'a>, integer: Term<'a>) -> NifResult<Term<'a>> {
    let text = bignum::external_to_decimal(integer.to_binary().as_slice())
        .ok_or(rustler::Error::BadArg)?;
    Ok(binaries::copy(env, text.as_bytes()))
}

/// Panics on purpose, so that tests can check that a panic becomes an Elixir exception.
#[rustler::nif]
fn debug_panic() -> Atom {
    panic!("serdex debug_panic called")
}

/// An optional argument: nil when not given. (`Option<Term>` would take nil as a term.)
fn given(term: Term<'_>) -> Option<Term<'_>> {
    (term.as_c_arg() != atoms::nil().as_c_arg()).then_some(term)
}

/// Takes the state a job left, once.
fn take<T>(job: &Mutex<Option<T>>) -> NifResult<T> {
    job.lock()
        .ok()
        .and_then(|mut state| state.take())
        .ok_or(rustler::Error::BadArg)
}

rustler::init!("Elixir.Serdex.NIF", load = load);
