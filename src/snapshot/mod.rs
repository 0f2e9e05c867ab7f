//! Snapshot stage: the canonical, content-addressed container.
pub mod archive;
