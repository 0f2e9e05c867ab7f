//! Fix stage: plan a reviewable change set from a snapshot, replay it on the live host, verified and reversible.
//!
//! - [`plan`] is pure (snapshot → [`ChangeSet`]); [`changeset`] is the format (canonical JSON, BLAKE3 id);
//!   [`edit`] makes surgical JSON5 edits in the file that owns a key.
//! - [`apply`] is the only module that writes to the host: it re-captures, checks every op's precondition,
//!   journals the original bytes and modes before each change ([`journal`]), writes atomically, chmods through
//!   no-follow handles, then re-captures and re-audits to show the findings are gone.
//! - [`journal::rollback`] undoes an apply byte for byte.
//! - [`reference`] renders results in the reference's `--fix --json` shape.

pub mod apply;
pub mod changeset;
pub mod edit;
pub mod journal;
pub mod plan;
pub mod reference;
mod sys;

pub use apply::{apply, ApplyError, ApplyOptions, ApplyOutcome, OpStatus};
pub use changeset::{ChangeSet, ChangeSetError, Op};
pub use journal::{find_interrupted, rollback, Journal, RollbackOutcome};
pub use plan::plan;
