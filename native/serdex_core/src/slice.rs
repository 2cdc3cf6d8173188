//! Slices of work: how long-running work decides when to stop and let a scheduler run
//! something else.

use std::time::{Duration, Instant};

/// Says when a slice of work is over. Work looks at it between bounded steps.
pub trait Meter {
    fn expired(&mut self) -> bool;

    /// How many steps work may take between two looks at the meter, at most.
    fn steps_per_look(&self) -> u32 {
        64
    }
}

/// Never stops: the work runs to its end in one go.
pub struct Unmetered;

impl Meter for Unmetered {
    #[inline]
    fn expired(&mut self) -> bool {
        false
    }
}

/// A slice that ends once a length of time has passed since it began.
pub struct TimeSlice {
    started: Instant,
    length: Duration,
}

impl TimeSlice {
    pub fn new(length: Duration) -> Self {
        TimeSlice {
            started: Instant::now(),
            length,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Meter for TimeSlice {
    fn expired(&mut self) -> bool {
        self.started.elapsed() >= self.length
    }
}

/// Stops after a number of looks, whatever the time: tests use it to pause at every
/// possible point.
pub struct Looks(pub usize);

impl Meter for Looks {
    fn steps_per_look(&self) -> u32 {
        1
    }

    fn expired(&mut self) -> bool {
        match self.0.checked_sub(1) {
            Some(left) => {
                self.0 = left;
                false
            }
            None => true,
        }
    }
}
