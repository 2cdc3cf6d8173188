//! How long each call works before it returns to let the caller's scheduler run something
//! else, and how it tells the VM what it took.

use std::time::{Duration, Instant};

use rustler::{Env, Term};
use serdex_core::slice::{Looks, Meter, TimeSlice};

/// The slice of time a call on a normal scheduler works for before it returns to carry on
/// in another call.
const SLICE: Duration = Duration::from_micros(1000);

/// A decode that runs in slices parses this much of the end of its input in a slice of its
/// own (see `Parser::with_last_slice`). Decoding canada.json under a `max_heap_size` of
/// jiffy's peak, the heap fragments of a full last slice took 42 decodes of 60 past it; with
/// this tail, 1 of 60.
pub const LAST_SLICE_INPUT: usize = 64 * 1024;

/// How the slices of a decode or encode end: after [`SLICE`], or, when a test asks for it,
/// after a number of looks at the meter, so that the work pauses at every point where it
/// can and must carry on from there.
#[derive(Debug, Clone, Copy)]
pub enum Pacing {
    Time,
    Looks(usize),
}

impl Pacing {
    /// From the NIF argument: nil for time, or a number of looks.
    pub fn from_term(term: Term<'_>) -> Pacing {
        term.decode::<usize>().map_or(Pacing::Time, Pacing::Looks)
    }
}

/// The meter of one slice.
pub enum SliceMeter {
    Time(TimeSlice),
    Looks(Looks, Instant),
}

impl SliceMeter {
    fn elapsed(&self) -> Duration {
        match self {
            SliceMeter::Time(slice) => slice.elapsed(),
            SliceMeter::Looks(_, started) => started.elapsed(),
        }
    }
}

impl Meter for SliceMeter {
    #[inline]
    fn expired(&mut self) -> bool {
        match self {
            SliceMeter::Time(slice) => slice.expired(),
            SliceMeter::Looks(looks, _) => looks.expired(),
        }
    }

    #[inline]
    fn steps_per_look(&self) -> u32 {
        match self {
            SliceMeter::Time(slice) => slice.steps_per_look(),
            SliceMeter::Looks(looks, _) => looks.steps_per_look(),
        }
    }
}

/// Runs one slice of work and tells the VM how much of its time slice it took, so that a
/// process calling Serdex in a loop is preempted like any other.
pub fn in_slice<T>(env: Env<'_>, pacing: Pacing, work: impl FnOnce(&mut SliceMeter) -> T) -> T {
    let mut meter = match pacing {
        Pacing::Time => SliceMeter::Time(TimeSlice::new(SLICE)),
        Pacing::Looks(looks) => SliceMeter::Looks(Looks(looks), Instant::now()),
    };
    let result = work(&mut meter);
    // A percentage of a whole time slice, which the VM takes to be about a millisecond.
    let percent = meter.elapsed().as_micros() / 10;
    if percent > 0 {
        rustler::schedule::consume_timeslice(env, percent.min(100) as i32);
    }
    result
}
