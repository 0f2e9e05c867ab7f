//! Plugin packages: `<stateDir>/npm/package.json` and the `package.json` of each installed plugin (its
//! `openclaw.extensions`, `version`), which the plugin install checks read.
//!
//! Stub (issue 3), except for the plugin manifests below.

use serde_json::Value;

use super::{hostfs, Capturer};
use crate::snapshot::FileKind;

pub(super) fn capture(c: &mut Capturer, _cfg: &Value) {
    manifests(c);
}

/// The manifest (`openclaw.plugin.json`) of every directory under `<stateDir>/extensions`: its `id` and
/// `configContracts.dangerousFlags` decide `config.insecure_or_dangerous_flags` for `plugins.entries`.
fn manifests(c: &mut Capturer) {
    let ext = c.loc.state_dir.join("extensions");
    let Ok(names) = hostfs::read_dir_names(&ext) else {
        return;
    };
    let mut names: Vec<String> = names
        .into_iter()
        .filter_map(|n| n.into_string().ok())
        .collect();
    names.sort();
    for n in names {
        let dir = ext.join(&n);
        if hostfs::stat(&dir).is_ok_and(|s| s.kind == FileKind::Dir) {
            c.capture_json_content(&dir.join("openclaw.plugin.json"), false);
        }
    }
}
