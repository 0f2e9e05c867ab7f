//! Capture stage: the only module that reads the host.
pub mod sqlite;
