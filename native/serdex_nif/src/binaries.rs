//! Making binaries from text the NIF wrote: copied when short, handed over when long.

use rustler::{Binary, Env, NewBinary, Resource, ResourceArc, Term};

/// Text longer than this is handed over rather than copied.
const HAND_OVER: usize = 64 * 1024;

/// A copy of `bytes` as a binary.
pub fn copy<'a>(env: Env<'a>, bytes: &[u8]) -> Term<'a> {
    let mut binary = NewBinary::new(env, bytes.len());
    binary.as_mut_slice().copy_from_slice(bytes);
    Binary::from(binary).to_term(env)
}

/// Text joined in one step is at most this long, so that the copy stays short next to a
/// slice (`bench/slices.exs` times a call that joins just under it).
const JOIN_LIMIT: usize = 4 << 20;

/// `parts` joined in one binary, or `None` when they are too long to copy in one step.
pub fn join<'a>(env: Env<'a>, parts: &[&[u8]]) -> Option<Term<'a>> {
    let length = parts.iter().map(|part| part.len()).sum();
    if length > JOIN_LIMIT {
        return None;
    }
    let mut binary = NewBinary::new(env, length);
    let mut rest = binary.as_mut_slice();
    for part in parts {
        let (target, after) = rest.split_at_mut(part.len());
        target.copy_from_slice(part);
        rest = after;
    }
    Some(Binary::from(binary).to_term(env))
}

/// `bytes` as a binary. Long text becomes the binary as it is, without a copy: copying
/// megabytes takes a step of its own, and a bounded one is wanted.
pub fn owned(env: Env<'_>, bytes: Vec<u8>) -> Term<'_> {
    if bytes.len() <= HAND_OVER {
        copy(env, &bytes)
    } else {
        ResourceArc::new(Owned(bytes))
            .make_binary(env, |owned| &owned.0)
            .to_term(env)
    }
}

/// Text owned by the binary made from it.
struct Owned(Vec<u8>);

#[rustler::resource_impl]
impl Resource for Owned {}
