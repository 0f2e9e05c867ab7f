//! Sandbox bind sources: the deepest existing ancestor of each bind source and its realpath (metadata only).
//!
//! Stub (issue 3).

use serde_json::Value;

use super::Capturer;

pub(super) fn capture(_c: &mut Capturer, _cfg: &Value) {}
