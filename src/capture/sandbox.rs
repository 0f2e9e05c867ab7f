//! Sandbox bind sources: how each absolute bind source of `agents.defaults.sandbox.docker.binds` and
//! `agents.list[].sandbox.docker.binds` resolves through its deepest existing ancestor, and the same for the home
//! roots whose credential dirs OpenClaw blocks (`sandbox.dangerous_bind_mount`). Metadata only: `stat` and
//! `realpath`, never a byte of content.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{hostfs, Capturer};
use crate::config::load;
use crate::config::paths::{
    bind_source, is_windows_drive_path, normalize_sandbox_path, sandbox_home_roots,
    sandbox_path_is_absolute,
};
use crate::snapshot::AncestorRealpath;

/// Every bind spec string of the sandbox docker configs (defaults first, then agents in list order).
pub fn bind_specs(cfg: &Value) -> Vec<&str> {
    let mut dockers: Vec<&Value> = Vec::new();
    dockers.extend(cfg.pointer("/agents/defaults/sandbox/docker"));
    if let Some(list) = cfg.pointer("/agents/list").and_then(Value::as_array) {
        dockers.extend(list.iter().filter_map(|a| a.pointer("/sandbox/docker")));
    }
    dockers
        .iter()
        .filter_map(|d| d.get("binds").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The deepest existing ancestor of a normalized absolute POSIX path (following links, as `existsSync` does) and
/// its realpath.
fn resolve_via_ancestor(path: &str) -> (Option<String>, Option<String>) {
    let mut cursor = path.to_string();
    while cursor != "/" && hostfs::stat(Path::new(&cursor)).is_err() {
        cursor = load::dirname(&cursor);
    }
    if hostfs::stat(Path::new(&cursor)).is_err() {
        return (None, None);
    }
    let real = hostfs::realpath(Path::new(&cursor))
        .ok()
        .map(|r| r.to_string_lossy().into_owned());
    (Some(cursor), real)
}

/// The resolutions the audit needs, sorted by (recorded) path; nothing when no bind source is absolute.
pub(super) fn capture(
    c: &mut Capturer,
    cfg: &Value,
    env: &BTreeMap<String, String>,
) -> Vec<AncestorRealpath> {
    let mut paths: Vec<String> = bind_specs(cfg)
        .into_iter()
        .map(bind_source)
        .filter(|s| sandbox_path_is_absolute(s) && !is_windows_drive_path(s))
        .map(|s| normalize_sandbox_path(&s))
        .collect();
    if paths.is_empty() {
        return Vec::new();
    }
    let home = c.loc.home.to_string_lossy().into_owned();
    let cwd = c.loc.cwd.to_string_lossy().into_owned();
    paths.extend(
        sandbox_home_roots(env, &home, &cwd)
            .into_iter()
            .filter(|r| r.starts_with('/')),
    );
    let mut facts: BTreeMap<String, AncestorRealpath> = BTreeMap::new();
    for p in paths {
        let (ancestor, realpath) = resolve_via_ancestor(&p);
        let fact = AncestorRealpath {
            path: c.rec_str(&p),
            ancestor: ancestor.map(|a| c.rec_str(&a)),
            realpath: realpath.map(|r| c.rec_str(&r)),
        };
        facts.entry(fact.path.clone()).or_insert(fact);
    }
    facts.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn deepest_existing_ancestor_through_links() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        symlink(root.join("real"), root.join("link")).unwrap();
        symlink(root.join("nowhere"), root.join("dangling")).unwrap();
        let r = root.to_string_lossy();
        let (a, real) = resolve_via_ancestor(&format!("{r}/link/missing/deeper"));
        assert_eq!(a.as_deref(), Some(&*format!("{r}/link")));
        assert_eq!(real.as_deref(), Some(&*format!("{r}/real")));
        // A dangling link does not exist: its parent is the ancestor.
        let (a, real) = resolve_via_ancestor(&format!("{r}/dangling/x"));
        assert_eq!(a.as_deref(), Some(&*r));
        assert_eq!(real.as_deref(), Some(&*r));
        let (a, _) = resolve_via_ancestor("/");
        assert_eq!(a.as_deref(), Some("/"));
    }

    #[test]
    fn bind_specs_of_defaults_and_agents() {
        let cfg = serde_json::json!({"agents": {
            "defaults": {"sandbox": {"docker": {"binds": ["/a:/a", 3]}}},
            "list": [{"id": "x", "sandbox": {"docker": {"binds": ["/b:/b:ro"]}}}, {"id": "y"}]
        }});
        assert_eq!(bind_specs(&cfg), ["/a:/a", "/b:/b:ro"]);
    }

    #[test]
    fn capture_records_bind_sources_and_home_roots_aliased() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        std::fs::create_dir_all(home.join(".openclaw")).unwrap();
        std::fs::create_dir_all(home.join("links")).unwrap();
        std::fs::create_dir_all(home.join("project")).unwrap();
        symlink("/etc", home.join("links/cfg")).unwrap();
        std::fs::write(
            home.join(".openclaw/openclaw.json"),
            r#"{agents: {defaults: {sandbox: {mode: "all", docker: {binds: [
                "${HOME}/links/cfg/clawprint-missing:/x", "${HOME}/project:/p", "rel:/r"]}}}}}"#,
        )
        .unwrap();
        let spec = crate::capture::HostSpec::for_home(home);
        let opts = crate::capture::CaptureOptions {
            home_alias: Some("/home/user".into()),
            ..Default::default()
        };
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        let facts = &snap.manifest.ancestor_realpaths;
        let get = |p: &str| facts.iter().find(|f| f.path == p).cloned();
        let link = get("/home/user/links/cfg/clawprint-missing").unwrap();
        assert_eq!(link.ancestor.as_deref(), Some("/home/user/links/cfg"));
        assert_eq!(link.realpath.as_deref(), Some("/etc"));
        let project = get("/home/user/project").unwrap();
        assert_eq!(project.realpath.as_deref(), Some("/home/user/project"));
        assert!(get("/home/user").is_some(), "home root: {facts:?}");
        assert!(!facts.iter().any(|f| f.path.contains("rel")));
        let found: Vec<(String, String)> = crate::audit::audit(&snap)
            .findings
            .into_iter()
            .filter(|f| f.check_id.starts_with("sandbox."))
            .map(|f| (f.check_id, f.subject))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "sandbox.dangerous_bind_mount".to_string(),
                    "agents.defaults.sandbox.docker.binds:${HOME}/links/cfg/clawprint-missing:/x"
                        .replace("${HOME}", "/home/user")
                ),
                (
                    "sandbox.bind_mount_non_absolute".to_string(),
                    "agents.defaults.sandbox.docker.binds:rel:/r".to_string()
                ),
            ]
        );
        // No absolute bind: nothing recorded (snapshots of other hosts are unchanged).
        std::fs::write(home.join(".openclaw/openclaw.json"), "{}").unwrap();
        let snap = crate::capture::capture(&spec, &opts).unwrap();
        assert!(snap.manifest.ancestor_realpaths.is_empty());
    }
}
