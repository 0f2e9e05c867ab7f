//! clawprint: capture an OpenClaw host into a reproducible snapshot, audit it offline,
//! diff findings over time, and plan/apply reviewed fixes.
//!
//! The pipeline reads from the module tree: `capture` → `snapshot` → `audit` → `diff` → `report`;
//! `config` is shared by capture (include discovery, redaction) and audit (parsing).

pub mod audit;
pub mod capture;
pub mod cli;
pub mod config;
pub mod diff;
pub mod fix;
pub mod report;
pub mod snapshot;
