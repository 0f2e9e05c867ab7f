//! SecretRefs and `${VAR}` templates on the paths OpenClaw resolves before its audit (gateway auth and remote
//! token/password, channel secrets): env and file sources resolved read-only, recorded redacted. Exec sources
//! are never run.
//!
//! Stub (issue 3).

use crate::config::load::Loaded;
use crate::snapshot::SecretRefFact;

use super::Capturer;

pub(super) fn capture(_c: &mut Capturer, _loaded: &Loaded) -> Vec<SecretRefFact> {
    Vec::new()
}
