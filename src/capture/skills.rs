//! Workspace skills: metadata and realpaths of `<workspace>/skills/**/SKILL.md` for every agent workspace, which
//! may live outside the state tree.
//!
//! Stub (issue 3).

use serde_json::Value;

use super::Capturer;

pub(super) fn capture(_c: &mut Capturer, _cfg: &Value) {}
