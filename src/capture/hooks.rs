//! Hook packages: the `package.json` at each hook install record's `installPath` (or `<stateDir>/hooks/<id>`),
//! for `hooks.installs_version_drift`.
//!
//! Stub (issue 3).

use serde_json::Value;

use super::Capturer;

pub(super) fn capture(_c: &mut Capturer, _cfg: &Value) {}
