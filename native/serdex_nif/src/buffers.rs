//! The buffers encodes write into, used again from one encode to the next: a fresh buffer
//! faults in fresh pages as it is written, which costs about as much as writing it.
//!
//! Short output is copied into a binary, and its buffer is kept at once. Long output becomes
//! the binary as it is, with no copy, and its buffer comes back when the VM frees that binary.
//! A long output goes on in longer buffers one after another (see the encoder's
//! `flush_part`), so that the longest comes back to be written into whole by the next encode
//! of as much.

use std::cell::Cell;
use std::collections::TryReserveError;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustler::{Env, Resource, ResourceArc, Term};

use crate::binaries;

/// Output up to this long is copied into a binary; longer output is handed over.
pub const COPY_LIMIT: usize = 5 << 18;

/// Buffers kept by each scheduler thread, the larger first: up to [`COPY_LIMIT`], which is
/// that of a part of the encoder's output.
const SPARES_PER_THREAD: usize = 2;

/// Longer buffers are kept in one pool for all threads, at most this many, of up to
/// [`LONGEST_KEPT`]. Idle, they hold at most 16 MiB of address space.
const POOLED: usize = 2;
pub const LONGEST_KEPT: usize = 8 << 20;

thread_local! {
    static SPARES: Cell<[Vec<u8>; SPARES_PER_THREAD]> =
        const { Cell::new([Vec::new(), Vec::new()]) };
}

static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
/// How many buffers the pool holds, looked at without the lock.
static POOL_LENGTH: AtomicUsize = AtomicUsize::new(0);

/// JSON text written by the encoder. Dropping it keeps its buffer for the next encode.
pub struct Output(pub Vec<u8>);

/// A long output handed over as a binary: the VM drops it when it frees the binary.
#[rustler::resource_impl]
impl Resource for Output {}

impl std::ops::Deref for Output {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        keep(std::mem::take(&mut self.0));
    }
}

/// `output` as a binary: copied when short, handed over when long.
pub fn binary(env: Env<'_>, output: Output) -> Term<'_> {
    if output.len() <= COPY_LIMIT {
        binaries::copy(env, &output)
    } else {
        hand_over(env, output)
    }
}

/// `output` as a binary, without a copy.
pub fn hand_over(env: Env<'_>, output: Output) -> Term<'_> {
    ResourceArc::new(output)
        .make_binary(env, |output| &output[..])
        .to_term(env)
}

/// A buffer of at least `capacity` to write into: a kept one if one is that long, otherwise
/// a new one.
pub fn spare_of(capacity: usize) -> Result<Vec<u8>, TryReserveError> {
    let buffer = spare();
    if buffer.capacity() >= capacity {
        return Ok(buffer);
    }
    keep(buffer);
    // Made anew rather than grown: growing would copy the old capacity's bytes.
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(capacity)?;
    Ok(buffer)
}

/// A buffer to write into: the pool's largest if it has one, else the thread's larger spare.
pub fn spare() -> Vec<u8> {
    let mut buffer = pooled()
        .or_else(|| {
            SPARES
                .try_with(|spares| {
                    let [larger, smaller] = spares.take();
                    spares.set([smaller, Vec::new()]);
                    larger
                })
                .ok()
        })
        .unwrap_or_default();
    let _ = buffer.try_reserve(256);
    buffer
}

/// Keeps `buffer` for a later encode: among the thread's spares if it is short enough, else
/// in the pool. The smallest of the kept ones is dropped when there are too many.
pub fn keep(mut buffer: Vec<u8>) {
    let capacity = buffer.capacity();
    buffer.clear();
    if capacity == 0 || capacity > LONGEST_KEPT {
        return;
    }
    if capacity > COPY_LIMIT {
        pool(buffer);
        return;
    }
    let _ = SPARES.try_with(|spares| {
        let mut kept = spares.take();
        if capacity > kept[1].capacity() {
            kept[1] = buffer;
        }
        if kept[1].capacity() > kept[0].capacity() {
            kept.swap(0, 1);
        }
        spares.set(kept);
    });
}

fn pooled() -> Option<Vec<u8>> {
    if POOL_LENGTH.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let mut pool = POOL.lock().ok()?;
    let buffer = pool.pop();
    POOL_LENGTH.store(pool.len(), Ordering::Relaxed);
    buffer
}

/// Adds `buffer` to the pool, which stays sorted by capacity, the largest last.
fn pool(buffer: Vec<u8>) {
    let Ok(mut pool) = POOL.lock() else {
        return;
    };
    let at = pool.partition_point(|kept| kept.capacity() < buffer.capacity());
    pool.insert(at, buffer);
    let dropped = (pool.len() > POOLED).then(|| pool.remove(0));
    POOL_LENGTH.store(pool.len(), Ordering::Relaxed);
    drop(pool);
    // Freed after the lock is released: returning megabytes to the system takes a while.
    drop(dropped);
}
