//! Plugin packages: `<stateDir>/npm/package.json` and the `package.json` of each installed plugin (its
//! `openclaw.extensions`, `version`), which the plugin install checks read.
//!
//! Stub (issue 3).

use serde_json::Value;

use super::Capturer;

pub(super) fn capture(_c: &mut Capturer, _cfg: &Value) {}
