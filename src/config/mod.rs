//! Config stage: JSON5 with spans, `$include` resolution, secret markers.
pub mod json5;
