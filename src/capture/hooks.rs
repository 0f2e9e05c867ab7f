//! Hook packages: the `package.json` of each npm hook install record (config `hooks.internal.installs`, and the
//! state DB's records on hosts that have one), at `<installPath>/package.json` or `<stateDir>/hooks/<id>/package.json`,
//! for `hooks.installs_version_drift`.
//!
//! OpenClaw reads that file only when its realpath stays inside the install dir's realpath and it is a regular,
//! not hard-linked file; its content is captured (redacted) only then, so the audit can take a captured blob as
//! "OpenClaw could read it". Otherwise only its metadata is recorded, with a diagnostic.

use crate::config::redact::Doc;
use std::path::Path;

use serde_json::Value;

use super::{hostfs, Capturer};
use crate::config::load;
use crate::config::paths::{config_npm_hook_installs, hook_package_json};
use crate::snapshot::FileKind;

/// `(id, installPath)` of the npm hook install records in the config.
pub fn config_npm_records(cfg: &Value) -> Vec<(String, Option<String>)> {
    config_npm_hook_installs(cfg)
        .map(|(id, r)| {
            let path = r
                .get("installPath")
                .and_then(Value::as_str)
                .map(String::from);
            (id.clone(), path)
        })
        .collect()
}

/// `(id, installPath)` of the npm hook install records in the state DB, when the host has one.
fn state_db_npm_records(c: &Capturer) -> Vec<(String, Option<String>)> {
    c.state_db
        .as_ref()
        .map(|s| s.hook_installs.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.source.as_deref() == Some("npm"))
        .map(|r| (r.id, r.install_path))
        .collect()
}

/// Why OpenClaw would not read this `package.json`, or `None` when it would.
fn refusal(file: &Path, dir: &Path) -> Option<String> {
    let real = match hostfs::realpath(file) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(String::new()),
        Err(e) => return Some(format!("cannot resolve: {e}")),
    };
    let root = hostfs::realpath(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !load::is_inside(&root.to_string_lossy(), &real.to_string_lossy()) {
        return Some(format!(
            "resolves outside its install dir ({})",
            real.to_string_lossy()
        ));
    }
    match hostfs::lstat(&real) {
        Ok(st) if st.kind != FileKind::File => {
            Some(format!("not a regular file ({})", st.kind.as_str()))
        }
        Ok(st) if st.nlink > 1 => Some("hard-linked".into()),
        Ok(_) => None,
        Err(e) => Some(format!("cannot stat: {e}")),
    }
}

pub(super) fn capture(c: &mut Capturer, cfg: &Value) {
    let state_dir = c.loc.state_dir.to_string_lossy().into_owned();
    let cwd = c.loc.cwd.to_string_lossy().into_owned();
    let mut records = config_npm_records(cfg);
    records.extend(state_db_npm_records(c));
    let mut files: Vec<String> = records
        .iter()
        .map(|(id, path)| hook_package_json(path.as_deref(), &state_dir, id, &cwd))
        .collect();
    files.sort();
    files.dedup();
    for f in files {
        let file = Path::new(&f);
        let dir = file.parent().unwrap_or(Path::new("/"));
        match refusal(file, dir) {
            None => c.capture_json_content(file, true, &Doc::Package),
            Some(reason) => {
                if c.record(file).is_some() && !reason.is_empty() {
                    c.diag(
                        file,
                        "hook_package.refused",
                        format!("OpenClaw does not read this hook package.json: {reason}"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn npm_records_of_the_config() {
        let cfg = serde_json::json!({"hooks": {"internal": {"installs": {
            "a": {"source": "npm", "installPath": "/x/a"},
            "b": {"source": "path", "installPath": "/x/b"},
            "c": {"source": "npm"}
        }}}});
        assert_eq!(
            config_npm_records(&cfg),
            [
                ("a".to_string(), Some("/x/a".to_string())),
                ("c".to_string(), None)
            ]
        );
    }

    #[test]
    fn refusals_follow_the_install_dir_boundary() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let dir = root.join("pkg");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(root.join("outside.json"), "{}").unwrap();
        assert_eq!(
            refusal(&dir.join("package.json"), &dir).as_deref(),
            Some("")
        );
        std::fs::write(dir.join("real.json"), "{}").unwrap();
        symlink("real.json", dir.join("package.json")).unwrap();
        assert_eq!(refusal(&dir.join("package.json"), &dir), None);
        std::fs::remove_file(dir.join("package.json")).unwrap();
        symlink("../outside.json", dir.join("package.json")).unwrap();
        assert!(refusal(&dir.join("package.json"), &dir)
            .unwrap()
            .starts_with("resolves outside"));
        std::fs::remove_file(dir.join("package.json")).unwrap();
        std::fs::hard_link(root.join("outside.json"), dir.join("package.json")).unwrap();
        assert_eq!(
            refusal(&dir.join("package.json"), &dir).as_deref(),
            Some("hard-linked")
        );
    }

    #[test]
    fn capture_reads_package_json_only_where_openclaw_would() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        std::fs::create_dir_all(home.join(".openclaw/hooks/a")).unwrap();
        std::fs::create_dir_all(home.join("pkgs/b")).unwrap();
        std::fs::write(
            home.join(".openclaw/hooks/a/package.json"),
            r#"{"name": "a", "version": "2.0.0", "config": {"apiKey": "sk-not-a-real-key-0123456789"}}"#,
        )
        .unwrap();
        std::fs::write(home.join("outside.json"), r#"{"version": "9.0.0"}"#).unwrap();
        symlink("../../outside.json", home.join("pkgs/b/package.json")).unwrap();
        std::fs::write(
            home.join(".openclaw/openclaw.json"),
            r#"{hooks: {internal: {installs: {
                a: {source: "npm", spec: "a@1.0.0", integrity: "sha512-x", version: "1.0.0"},
                b: {source: "npm", spec: "b@1.0.0", integrity: "sha512-x", version: "1.0.0", installPath: "pkgs/b"}
            }}}}"#,
        )
        .unwrap();
        let spec = crate::capture::HostSpec::for_home(home);
        let opts = crate::capture::CaptureOptions {
            home_alias: Some("/home/user".into()),
            ..Default::default()
        };
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        let a = snap
            .file("/home/user/.openclaw/hooks/a/package.json")
            .unwrap();
        let text = snap.blob_text(a.blob.as_deref().unwrap()).unwrap();
        assert!(text.contains("2.0.0") && !text.contains("sk-not-a-real"));
        let b = snap.file("/home/user/pkgs/b/package.json").unwrap();
        assert!(b.blob.is_none());
        assert!(snap.manifest.diagnostics.iter().any(
            |d| d.code == "hook_package.refused" && d.path == "/home/user/pkgs/b/package.json"
        ));
        let drift: Vec<String> = crate::audit::audit(&snap)
            .findings
            .into_iter()
            .filter(|f| f.check_id == "hooks.installs_version_drift")
            .map(|f| f.detail)
            .collect();
        assert_eq!(drift.len(), 1);
        assert!(drift[0].contains("- a: recorded 1.0.0, package.json says 2.0.0"));
        assert!(!drift[0].contains("- b"));
    }
}
