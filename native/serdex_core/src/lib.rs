//! The BEAM-free core of Serdex. Everything here runs in plain Rust, so it is tested,
//! benchmarked and fuzzed without a VM; `serdex_nif` connects it to the BEAM.

pub mod bignum;
pub mod decimal;
pub mod error;
mod float;
pub mod formatter;
pub mod key_cache;
pub mod parser;
mod scan;
pub mod slice;
pub mod utf8;
pub mod writer;

#[cfg(test)]
mod tests;
