//! Plugin packages: what the plugin checks read besides the config.
//!
//! - `<stateDir>/extensions/*` (also when `extensions` is a link, which the state walk does not enter), and for
//!   each installed plugin dir its `openclaw.plugin.json`, `package.json` and entry files (a plugin whose manifest
//!   names another id, or aliases, makes those ids count as installed for `plugins.allow_phantom_entries`);
//! - `<stateDir>/plugins/installs.json` (install records);
//! - `<stateDir>/npm/package.json` and, for each of its dependencies, `node_modules/<pkg>` with its
//!   `package.json` and `openclaw.plugin.json` (install records recovered from the managed npm root);
//! - for each install record, the `package.json` the version-drift check reads (`installPath`, else
//!   `<stateDir>/extensions/<id>`) and the plugin root discovery would load (`installPath`, else `sourcePath`).
//!
//! JSON content is stored redacted ([`Capturer::capture_json_content`]); files are read without following a
//! final symlink, as the reference does. At most [`MAX_PACKAGES`] package dirs are read.

use crate::config::redact::Doc;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{hostfs, Capturer};
use crate::config::{load, paths};
use crate::snapshot::FileKind;

/// Package dirs (plugin roots, npm dependencies, install-record dirs) read per capture.
pub(super) const MAX_PACKAGES: usize = 500;

pub(super) fn capture(c: &mut Capturer, _cfg: &Value) {
    let state = c.loc.state_dir.clone();
    let mut budget = Budget {
        left: MAX_PACKAGES,
        capped: false,
    };

    // Installed plugin dirs.
    let ext = state.join("extensions");
    c.record(&ext);
    if hostfs::stat(&ext).is_ok_and(|s| s.kind == FileKind::Dir) {
        let mut names: Vec<String> = hostfs::read_dir_names(&ext)
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        names.sort();
        for n in names {
            let p = ext.join(&n);
            if c.record(&p) == Some(FileKind::Dir)
                && !paths::ignored_plugin_dir_name(&n)
                && budget.take()
            {
                plugin_root(c, &p);
            }
        }
    }

    // Install records: installs.json, and the state DB of releases that keep them there.
    let installs = state.join("plugins").join("installs.json");
    c.capture_json_content(&installs, false, &Doc::Other);
    let mut records: Vec<(String, Value)> = Vec::new();
    if let Some(doc) = captured_json(c, &installs) {
        records.extend(persisted_records(&doc));
    }
    if let Some(st) = &c.state_db {
        for r in &st.plugin_installs {
            let mut m = serde_json::Map::new();
            if let Some(p) = &r.install_path {
                m.insert("installPath".into(), Value::String(p.clone()));
            }
            records.push((r.id.clone(), Value::Object(m)));
        }
    }

    // The managed npm root.
    let npm = state.join("npm");
    let npm_pkg = npm.join("package.json");
    c.capture_json_content(&npm_pkg, false, &Doc::Package);
    if let Some(deps) = captured_json(c, &npm_pkg)
        .as_ref()
        .and_then(|d| d.get("dependencies"))
        .and_then(Value::as_object)
    {
        let mut names: Vec<&String> = deps
            .iter()
            .filter(|(_, v)| v.is_string())
            .map(|(k, _)| k)
            .collect();
        names.sort();
        for name in names {
            let dir = normalized(&npm.join("node_modules").join(name));
            if budget.take() {
                plugin_root(c, &dir);
            }
        }
    }

    // What each install record points at.
    let cwd = c.loc.cwd.to_string_lossy().into_owned();
    let home = c.loc.home.to_string_lossy().into_owned();
    for (id, r) in &records {
        let install_path = r.get("installPath");
        let drift_dir = match install_path {
            Some(Value::String(p)) => PathBuf::from(load::resolve(&cwd, p)),
            Some(Value::Null) | None => normalized(&state.join("extensions").join(id)),
            Some(_) => continue,
        };
        if !budget.take() {
            break;
        }
        c.record(&drift_dir);
        c.capture_json_content(&drift_dir.join("package.json"), false, &Doc::Package);
        let root = [install_path, r.get("sourcePath")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|p| !p.trim().is_empty());
        if let Some(root) = root {
            plugin_root(c, Path::new(&paths::resolve_user_path(root, &home, &cwd)));
        }
    }
    if budget.capped {
        c.diag(
            &state,
            "plugins.packages_capped",
            format!(
                "more than {MAX_PACKAGES} plugin package dirs; the rest is not read (plugin checks may miss records)"
            ),
        );
    }
}

struct Budget {
    left: usize,
    capped: bool,
}

impl Budget {
    fn take(&mut self) -> bool {
        if self.left == 0 {
            self.capped = true;
            return false;
        }
        self.left -= 1;
        true
    }
}

fn normalized(p: &Path) -> PathBuf {
    PathBuf::from(load::normalize(&p.to_string_lossy()))
}

/// A plugin dir: its manifest, `package.json` and entry files (metadata).
fn plugin_root(c: &mut Capturer, dir: &Path) {
    c.record(dir);
    if !hostfs::stat(dir).is_ok_and(|s| s.kind == FileKind::Dir) {
        return;
    }
    c.capture_json_content(&dir.join("openclaw.plugin.json"), false, &Doc::Other);
    let pkg = dir.join("package.json");
    c.capture_json_content(&pkg, false, &Doc::Package);
    for f in paths::PLUGIN_ENTRY_FILES {
        c.record(&dir.join(f));
    }
    let entries: Vec<String> = captured_json(c, &pkg)
        .as_ref()
        .and_then(|p| p.pointer("/openclaw/extensions"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| crate::config::secret::js_trim(s).to_string())
                .collect()
        })
        .unwrap_or_default();
    let base = dir.to_string_lossy().into_owned();
    for e in entries.iter().take(32) {
        let p = load::resolve(&base, e);
        if load::is_inside(&base, &p) {
            c.record(Path::new(&p));
        }
    }
}

/// A captured file's content as the reference's `JSON.parse` reads it (strict JSON; the redacted text stays
/// strict JSON when the original was).
fn captured_json(c: &Capturer, path: &Path) -> Option<Value> {
    let e = c.files.get(&path.to_string_lossy())?;
    let bytes = c.blobs.get(e.blob.as_deref()?)?;
    serde_json::from_slice(bytes).ok()
}

/// `(id, record)` pairs of an installs.json document, either shape.
fn persisted_records(doc: &Value) -> Vec<(String, Value)> {
    if let Some(map) = doc.get("installRecords").and_then(Value::as_object) {
        return map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    doc.get("plugins")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| {
                    Some((
                        e.get("pluginId")?.as_str()?.to_string(),
                        e.get("installRecord")?.clone(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use crate::audit::audit;
    use crate::capture::{capture, CaptureOptions, HostSpec};

    fn write(p: &Path, text: &str) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn plugin_ids(snap: &crate::snapshot::Snapshot) -> Vec<String> {
        audit(snap)
            .findings
            .into_iter()
            .map(|f| f.check_id)
            // The install rows; the tool-policy row depends on the default policy, not on what capture read.
            .filter(|i| {
                i.starts_with("plugins.") && i != "plugins.tools_reachable_permissive_policy"
            })
            .collect()
    }

    #[test]
    fn captures_what_the_install_checks_read() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        let st = home.join(".openclaw");
        write(&st.join("openclaw.json"), r#"{"plugins":{"allow":["a"]}}"#);
        // extensions is a link: the state walk does not enter it.
        write(&home.join("ext/a/package.json"), r#"{"version":"0.9.0"}"#);
        symlink("../ext", st.join("extensions")).unwrap();
        write(
            &st.join("plugins/installs.json"),
            r#"{"installRecords":{"a":{"source":"npm","spec":"a@1.0.0","integrity":"sha512-x","version":"1.0.0"},
                "c":{"source":"npm","spec":"c@1.0.0","integrity":"sha512-x","version":"1.0.0","installPath":"pk/c"}}}"#,
        );
        write(&home.join("pk/c/package.json"), r#"{"version":"1.0.0"}"#);
        write(
            &st.join("npm/package.json"),
            r#"{"dependencies":{"@s/r":"latest"}}"#,
        );
        write(
            &st.join("npm/node_modules/@s/r/package.json"),
            r#"{"name":"@s/r","version":"1.0.0","openclaw":{"extensions":["./i.js"]}}"#,
        );
        // Real paths (no home pseudonym), to look the files up by them.
        let opts = CaptureOptions {
            keep_identities: true,
            ..CaptureOptions::default()
        };
        let snap = capture(&HostSpec::for_home(home), &opts).unwrap();
        let h = home.to_string_lossy();
        for p in [
            format!("{h}/.openclaw/extensions/a/package.json"),
            format!("{h}/.openclaw/npm/node_modules/@s/r/package.json"),
            format!("{h}/pk/c/package.json"),
        ] {
            assert!(
                snap.file(&p).is_some_and(|e| e.blob.is_some()),
                "{p} not captured"
            );
        }
        assert_eq!(
            plugin_ids(&snap),
            [
                "plugins.installs_unpinned_npm_specs",
                "plugins.installs_missing_integrity",
                "plugins.installs_version_drift"
            ]
        );
    }

    #[test]
    fn package_reads_are_capped() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        let ext = home.join(".openclaw/extensions");
        for i in 0..=super::MAX_PACKAGES {
            fs::create_dir_all(ext.join(format!("p{i:03}"))).unwrap();
        }
        let snap = capture(&HostSpec::for_home(home), &CaptureOptions::default()).unwrap();
        assert!(snap
            .manifest
            .diagnostics
            .iter()
            .any(|d| d.code == "plugins.packages_capped"));
    }
}
