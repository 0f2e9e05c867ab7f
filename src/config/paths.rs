//! Path rules shared by capture (what to record) and audit (what to look up), on plain strings so the audit can
//! apply them to a snapshot's recorded paths.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::load;
use super::secret::js_trim;

/// `logging.file` as the reference resolves it: trimmed, `~` / `~/x` expanded with the home dir (`~user` is
/// skipped), resolved against the working directory.
pub fn log_file(cfg: &Value, home: &str, cwd: &str) -> Option<String> {
    let raw = cfg.pointer("/logging/file")?.as_str()?;
    let p = js_trim(raw);
    if p.is_empty() {
        return None;
    }
    let expanded = if p == "~" {
        home.to_string()
    } else if let Some(rest) = p.strip_prefix("~/").or_else(|| p.strip_prefix("~\\")) {
        format!("{home}/{rest}")
    } else if p.starts_with('~') {
        return None;
    } else {
        p.to_string()
    };
    Some(load::resolve(cwd, &expanded))
}

/// OpenClaw's agent id normalization: trimmed, lower-case, runs of other characters → `-`, edges trimmed of `-`,
/// at most 64 characters, `main` when empty.
pub fn normalize_agent_id(id: &str) -> String {
    let trimmed: String = dash_runs(&js_trim(id).to_lowercase())
        .chars()
        .take(64)
        .collect();
    if trimmed.is_empty() {
        "main".into()
    } else {
        trimmed
    }
}

/// The step OpenClaw's id normalizations share (agent ids, account ids): in `lower` (trimmed and lower-cased by
/// the caller), each run of characters outside `[a-z0-9_-]` becomes one `-`, then dashes at the edges go.
pub fn dash_runs(lower: &str) -> String {
    let mut out = String::new();
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out.trim_matches('-').to_string()
}

fn agent_entries(cfg: &Value) -> Vec<&Value> {
    cfg.pointer("/agents/list")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter(|e| e.is_object()).collect())
        .unwrap_or_default()
}

/// The default agent id: the first `agents.list` entry with a truthy `default`, else the first entry, else `main`.
pub fn default_agent_id(cfg: &Value) -> String {
    let agents = agent_entries(cfg);
    let chosen = agents
        .iter()
        .find(|a| truthy(a.get("default")))
        .or(agents.first())
        .and_then(|a| a.get("id"))
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("main");
    normalize_agent_id(chosen)
}

/// Agent ids whose files the fs checks and `--fix` visit: the default agent, then each `agents.list` id
/// (trimmed), de-duplicated *before* normalization, so ids differing only in case repeat a directory.
pub fn fs_agent_ids(cfg: &Value) -> Vec<String> {
    let mut raw: Vec<String> = vec![default_agent_id(cfg)];
    if let Some(list) = cfg.pointer("/agents/list").and_then(Value::as_array) {
        for a in list {
            if let Some(id) = a
                .get("id")
                .and_then(Value::as_str)
                .map(js_trim)
                .filter(|s| !s.is_empty())
            {
                raw.push(id.to_string());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .map(|id| normalize_agent_id(&id))
        .collect()
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

// --- sandbox host paths (sandbox bind mounts; shared by capture and audit) ---

/// A Windows namespace prefix (`\\?\`, `//?/`, with their `UNC` forms) removed, as OpenClaw does before judging a
/// host path.
fn strip_windows_namespace(input: &str) -> String {
    for prefix in ["\\\\?\\", "//?/"] {
        if let Some(rest) = input.strip_prefix(prefix) {
            let sep = &prefix[..1];
            return match rest.get(..4) {
                Some(unc) if unc.eq_ignore_ascii_case(&format!("UNC{sep}")) => {
                    format!("{sep}{sep}{}", &rest[4..])
                }
                _ => rest.to_string(),
            };
        }
    }
    input.to_string()
}

fn is_drive_path(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\')
}

/// A Windows drive-letter path (`C:\x`, `d:/x`).
pub fn is_windows_drive_path(raw: &str) -> bool {
    is_drive_path(&strip_windows_namespace(js_trim(raw)))
}

/// Is a sandbox host path absolute (POSIX `/…` or a Windows drive path)?
pub fn sandbox_path_is_absolute(raw: &str) -> bool {
    let t = strip_windows_namespace(js_trim(raw));
    t.starts_with('/') || is_drive_path(&t)
}

/// OpenClaw's sandbox host path normalization: trimmed (empty is `/`), backslashes to slashes, drive letter upper-
/// cased, `.`/`..`/`//` resolved, trailing slashes removed (a bare drive keeps its `/`).
pub fn normalize_sandbox_path(raw: &str) -> String {
    let t = strip_windows_namespace(js_trim(raw));
    if t.is_empty() {
        return "/".into();
    }
    let mut s = t.replace('\\', "/");
    if is_drive_path(&s) {
        s = format!("{}{}", s[..1].to_ascii_uppercase(), &s[1..]);
    }
    let n = load::normalize(&s);
    let n = n.trim_end_matches('/');
    let n = if n.is_empty() { "/" } else { n };
    let b = n.as_bytes();
    if b.len() == 2 && b[0].is_ascii_uppercase() && b[1] == b':' {
        return format!("{n}/");
    }
    n.to_string()
}

/// The key two sandbox host paths are compared by (drive paths case-insensitively).
pub fn sandbox_path_key(raw: &str) -> String {
    let n = normalize_sandbox_path(raw);
    if is_windows_drive_path(&n) {
        n.to_lowercase()
    } else {
        n
    }
}

/// The host side of a Docker bind spec `source:target[:options]` (the first `:` after an optional drive prefix),
/// trimmed; the whole spec when it has no `:`.
pub fn bind_source(bind: &str) -> String {
    let t = js_trim(bind);
    let start = if is_drive_path(t) { 2 } else { 0 };
    match t[start..].find(':') {
        Some(i) => js_trim(&t[..start + i]).to_string(),
        None => t.to_string(),
    }
}

/// Normalized home roots under which OpenClaw blocks credential dirs for sandbox binds, before realpath: the raw
/// `OPENCLAW_HOME`, `HOME` and `USERPROFILE`, then the effective home dir and the OS home dir (`os_home` stands for
/// Node's `os.homedir()`), both resolved against `cwd`. De-duplicated in order; `/` left out.
pub fn sandbox_home_roots(env: &BTreeMap<String, String>, os_home: &str, cwd: &str) -> Vec<String> {
    let set = |k: &str| {
        env.get(k)
            .map(|v| js_trim(v))
            .filter(|v| !v.is_empty() && *v != "undefined" && *v != "null")
    };
    let os_raw = set("HOME")
        .or_else(|| set("USERPROFILE"))
        .or_else(|| Some(js_trim(os_home)).filter(|h| !h.is_empty()));
    let effective = match set("OPENCLAW_HOME") {
        Some(h) if h == "~" || h.starts_with("~/") || h.starts_with("~\\") => {
            os_raw.map(|o| format!("{o}{}", &h[1..]))
        }
        Some(h) => Some(h.to_string()),
        None => os_raw.map(String::from),
    };
    let effective = load::resolve(cwd, effective.as_deref().unwrap_or(cwd));
    let os = load::resolve(cwd, os_raw.unwrap_or(cwd));
    let mut out: Vec<String> = Vec::new();
    let direct = ["OPENCLAW_HOME", "HOME", "USERPROFILE"]
        .iter()
        .filter_map(|k| env.get(*k).filter(|v| !v.is_empty()).cloned());
    for c in direct.chain([effective, os]) {
        let n = normalize_sandbox_path(&c);
        if n != "/" && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

// --- hook install records (hooks.installs_version_drift; shared by capture and audit) ---

/// The npm records of the config's `hooks.internal.installs` (objects with `source: "npm"`), in record order.
pub fn config_npm_hook_installs(
    cfg: &Value,
) -> impl Iterator<Item = (&String, &Map<String, Value>)> {
    cfg.pointer("/hooks/internal/installs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(id, r)| Some((id, r.as_object()?)))
        .filter(|(_, r)| r.get("source").and_then(Value::as_str) == Some("npm"))
}

/// The `package.json` of an installed hook package: in its record's `installPath` (resolved against `cwd`), else
/// in `<stateDir>/hooks/<id>`.
pub fn hook_package_json(
    install_path: Option<&str>,
    state_dir: &str,
    id: &str,
    cwd: &str,
) -> String {
    let dir = match install_path {
        Some(p) => load::resolve(cwd, p),
        None => load::normalize(&format!("{state_dir}/hooks/{id}")),
    };
    let dir = dir.trim_end_matches('/');
    format!("{dir}/package.json")
}

// --- plugins and workspace skills ---

/// JavaScript `a.localeCompare(b)` as Node (ICU collation, `en-US`) orders the keys the reference sorts (plugin
/// ids, npm package names). Exact for ASCII: control characters are ignored; then spaces, punctuation and symbols,
/// digits and letters in ICU's order, case-insensitively; then lower case before upper case, left to right.
/// Other characters sort after ASCII letters by code point (lower-cased), which ICU only approximates.
pub fn locale_compare(a: &str, b: &str) -> std::cmp::Ordering {
    /// ASCII from space to `~` in ICU root order; letters appear once (case is a later level).
    const ORDER: &str = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";
    fn primary(c: char) -> Option<u32> {
        if c.is_ascii_control() {
            return None;
        }
        let lower = c.to_ascii_lowercase();
        match ORDER.find(lower) {
            Some(i) if c.is_ascii() => Some(i as u32),
            _ => Some(1000 + c.to_lowercase().next().unwrap_or(c) as u32),
        }
    }
    let keys = |s: &str| -> Vec<(u32, bool)> {
        s.chars()
            .filter_map(|c| primary(c).map(|p| (p, c.is_uppercase())))
            .collect()
    };
    let (ka, kb) = (keys(a), keys(b));
    let prim = ka.iter().map(|k| k.0).cmp(kb.iter().map(|k| k.0));
    prim.then_with(|| ka.iter().map(|k| k.1).cmp(kb.iter().map(|k| k.1)))
}

/// `resolveUserPath`: trimmed; a leading `~` (alone or before a separator) becomes `home`; then resolved against
/// `cwd` and normalized (no trailing slash). Empty input stays empty.
pub fn resolve_user_path(input: &str, home: &str, cwd: &str) -> String {
    let t = js_trim(input);
    if t.is_empty() {
        return String::new();
    }
    let expanded = match t.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') || rest.starts_with('\\') => {
            format!("{home}{rest}")
        }
        _ => t.to_string(),
    };
    strip_trailing_slash(load::resolve(cwd, &expanded))
}

fn strip_trailing_slash(mut p: String) -> String {
    while p.len() > 1 && p.ends_with('/') {
        p.pop();
    }
    p
}

/// Node's `path.join(base, rest)` for an absolute base: joined, normalized, no trailing slash.
pub fn join(base: &str, rest: &str) -> String {
    strip_trailing_slash(load::normalize(&format!("{base}/{rest}")))
}

/// What the workspace paths depend on besides the config.
pub struct PathEnv<'a> {
    /// The effective home dir (`OPENCLAW_HOME`, else `HOME`).
    pub home: &'a str,
    pub cwd: &'a str,
    pub state_dir: &'a str,
    /// The effective environment (`OPENCLAW_WORKSPACE_DIR`, `OPENCLAW_PROFILE`).
    pub env: &'a std::collections::BTreeMap<String, String>,
}

/// The workspace of one agent (`resolveAgentWorkspaceDir`): its own `workspace`, else for the default agent
/// `agents.defaults.workspace`, else the default workspace (`OPENCLAW_WORKSPACE_DIR`, else
/// `<home>/.openclaw/workspace`, `workspace-<profile>` with an `OPENCLAW_PROFILE` other than `default`); for other
/// agents `<agents.defaults.workspace>/<id>`, else `<stateDir>/workspace-<id>`.
pub fn agent_workspace_dir(cfg: &Value, agent_id: &str, p: &PathEnv<'_>) -> String {
    let id = normalize_agent_id(agent_id);
    let own = agent_entries(cfg)
        .into_iter()
        .find(|e| {
            e.get("id")
                .and_then(Value::as_str)
                .is_some_and(|i| normalize_agent_id(i) == id)
        })
        .and_then(|e| e.get("workspace"))
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|w| !w.is_empty());
    let strip = |s: String| s.replace('\0', "");
    if let Some(w) = own {
        return strip(resolve_user_path(w, p.home, p.cwd));
    }
    let fallback = cfg
        .pointer("/agents/defaults/workspace")
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|w| !w.is_empty());
    if id == default_agent_id(cfg) {
        if let Some(f) = fallback {
            return strip(resolve_user_path(f, p.home, p.cwd));
        }
        let env = |k: &str| p.env.get(k).map(|v| js_trim(v)).filter(|v| !v.is_empty());
        if let Some(w) = env("OPENCLAW_WORKSPACE_DIR") {
            return strip(strip_trailing_slash(load::resolve(p.cwd, w)));
        }
        let base = join(p.home, ".openclaw");
        return strip(match env("OPENCLAW_PROFILE") {
            Some(profile) if profile.to_lowercase() != "default" => {
                join(&base, &format!("workspace-{profile}"))
            }
            _ => join(&base, "workspace"),
        });
    }
    match fallback {
        Some(f) => strip(join(&resolve_user_path(f, p.home, p.cwd), &id)),
        None => strip(join(p.state_dir, &format!("workspace-{id}"))),
    }
}

/// `listAgentWorkspaceDirs`: the workspace of each `agents.list` entry with a string id, in list order, then the
/// default agent's, without repeats.
pub fn agent_workspace_dirs(cfg: &Value, p: &PathEnv<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let ids = agent_entries(cfg)
        .into_iter()
        .filter_map(|e| e.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .chain(std::iter::once(default_agent_id(cfg)));
    for id in ids {
        let dir = agent_workspace_dir(cfg, &id, p);
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

/// `SKILL.md` files the workspace-skill scan stops after (it finishes the directory it is in).
pub const SKILL_SCAN_MAX_FILES: usize = 2000;
/// Directory visits the workspace-skill scan stops after (20 per file of the file limit).
pub const SKILL_SCAN_MAX_DIR_VISITS: usize = SKILL_SCAN_MAX_FILES * 20;
pub const SKILL_FILE_NAME: &str = "SKILL.md";

/// Names the workspace-skill scan never looks at: dot-names and `node_modules`.
pub fn skill_scan_skips(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules"
}

/// One directory entry as the workspace-skill scan classifies it (the listing's own type; links are followed
/// once with `stat`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkillEntry {
    Dir,
    File,
    /// A symlink to a directory, with the link's realpath when it resolves.
    LinkDir(Option<String>),
    /// A symlink to a regular file, with the link's realpath when it resolves.
    LinkFile(Option<String>),
    /// Anything else (dangling links, sockets, …).
    Other,
}

/// Where the scan reads directory listings: the host at capture, the snapshot at audit.
pub trait SkillTree {
    /// The entries of `dir` in listing order, `(name, kind)`; empty when it cannot be read. Names for which
    /// [`skill_scan_skips`] holds may be left out.
    fn list(&mut self, dir: &str) -> Vec<(String, SkillEntry)>;
}

/// What the scan of one `skills/` tree found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkillScan {
    /// `SKILL.md` paths in discovery order, with their realpath (`None`: unresolvable).
    pub files: Vec<(String, Option<String>)>,
    /// The scan stopped at a limit with directories still queued.
    pub truncated: bool,
}

/// The reference's breadth-first scan of `<workspace>/skills` (`listWorkspaceSkillMarkdownFiles`): dot-names
/// and `node_modules` skipped, directories and links to directories queued, each directory realpath read once,
/// `SKILL.md` files and links to files collected; it stops when the queue is empty, once 2000 files are found
/// (checked before each directory) or after 40 000 directory visits. `root` must be a directory (not a link);
/// `root_real` is its realpath. Realpaths of plain entries are their parent's realpath joined with the name.
pub fn scan_skills(tree: &mut dyn SkillTree, root: &str, root_real: Option<&str>) -> SkillScan {
    let mut scan = SkillScan::default();
    let mut queue = std::collections::VecDeque::new();
    queue.push_back((root.to_string(), root_real.unwrap_or(root).to_string()));
    let mut visited = std::collections::HashSet::new();
    let mut visits = 0usize;
    while !queue.is_empty() && scan.files.len() < SKILL_SCAN_MAX_FILES && {
        visits += 1;
        visits <= SKILL_SCAN_MAX_DIR_VISITS
    } {
        let Some((dir, real)) = queue.pop_front() else {
            break;
        };
        if !visited.insert(real.clone()) {
            continue;
        }
        for (name, kind) in tree.list(&dir) {
            if skill_scan_skips(&name) {
                continue;
            }
            let full = join(&dir, &name);
            match kind {
                SkillEntry::Dir => queue.push_back((full, join(&real, &name))),
                SkillEntry::LinkDir(r) => {
                    let r = r.unwrap_or_else(|| full.clone());
                    queue.push_back((full, r));
                }
                SkillEntry::File if name == SKILL_FILE_NAME => {
                    let r = join(&real, &name);
                    scan.files.push((full, Some(r)));
                }
                SkillEntry::LinkFile(r) if name == SKILL_FILE_NAME => scan.files.push((full, r)),
                _ => {}
            }
        }
    }
    scan.truncated = !queue.is_empty();
    scan
}

/// Entry files the reference looks for in a plugin dir whose `package.json` declares no `openclaw.extensions`.
pub const PLUGIN_ENTRY_FILES: &[&str] = &["index.ts", "index.js", "index.mjs", "index.cjs"];

/// Names of `<stateDir>/extensions` children that are not installed plugins (`shouldIgnoreInstalledPluginDirName`,
/// on the trimmed, lower-cased name): empty, `node_modules`, `.openclaw-install-backups` and any dot-name, `*.bak`,
/// `*.backup-*`, `*.disabled*`.
pub fn ignored_plugin_dir_name(name: &str) -> bool {
    let n = js_trim(name).to_lowercase();
    n.is_empty()
        || n == "node_modules"
        || n.starts_with('.')
        || n.ends_with(".bak")
        || n.contains(".backup-")
        || n.contains(".disabled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agent_ids_repeat_like_the_reference() {
        assert_eq!(fs_agent_ids(&json!({})), ["main"]);
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "Ops"}]}})),
            ["ops", "ops"]
        );
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "a"}, {"id": "B", "default": true}]}})),
            ["b", "a", "b"]
        );
        assert_eq!(normalize_agent_id(" My Agent!! "), "my-agent");
    }

    #[test]
    fn log_file_resolution() {
        let cfg = json!({"logging": {"file": " ~/logs/x.log "}});
        assert_eq!(log_file(&cfg, "/h", "/w").as_deref(), Some("/h/logs/x.log"));
        let rel = json!({"logging": {"file": "logs/x.log"}});
        assert_eq!(log_file(&rel, "/h", "/w").as_deref(), Some("/w/logs/x.log"));
        assert_eq!(
            log_file(&json!({"logging": {"file": "~bob/x"}}), "/h", "/w"),
            None
        );
    }

    #[test]
    fn locale_compare_orders_like_node() {
        // `[...].sort((a, b) => a.localeCompare(b))` in Node 26 (en-US).
        let mut v = vec![
            "a-b", "ab", "a_b", "a b", "aB", "Ab", "a1", "a", "A", "a-", "-a", "Zed", "_u", "10",
            "9",
        ];
        v.sort_by(|a, b| locale_compare(a, b));
        assert_eq!(
            v,
            [
                "_u", "-a", "10", "9", "a", "A", "a b", "a_b", "a-", "a-b", "a1", "ab", "aB", "Ab",
                "Zed"
            ]
        );
    }

    #[test]
    fn user_paths() {
        assert_eq!(resolve_user_path(" ~/x/ ", "/h", "/c"), "/h/x");
        assert_eq!(resolve_user_path("~", "/h", "/c"), "/h");
        assert_eq!(resolve_user_path("~bob/x", "/h", "/c"), "/c/~bob/x");
        assert_eq!(resolve_user_path("rel/../y", "/h", "/c"), "/c/y");
        assert_eq!(resolve_user_path("  ", "/h", "/c"), "");
        assert_eq!(join("/a/b", "../c"), "/a/c");
    }
}

#[cfg(test)]
mod sandbox_and_hook_path_tests {
    use super::*;

    #[test]
    fn sandbox_paths_normalize_like_openclaw() {
        assert_eq!(normalize_sandbox_path(" /etc//ssl/../ssl/ "), "/etc/ssl");
        assert_eq!(normalize_sandbox_path(""), "/");
        assert_eq!(normalize_sandbox_path("c:\\Users\\x\\"), "C:/Users/x");
        assert_eq!(normalize_sandbox_path("d:\\"), "D:/");
        assert_eq!(normalize_sandbox_path("\\\\?\\C:\\x"), "C:/x");
        assert_eq!(sandbox_path_key("C:/Users/X"), "c:/users/x");
        assert!(sandbox_path_is_absolute(" /x") && sandbox_path_is_absolute("C:/x"));
        assert!(!sandbox_path_is_absolute("x/y") && !sandbox_path_is_absolute("C:x"));
        assert_eq!(bind_source(" /a/b : /c:ro"), "/a/b");
        assert_eq!(bind_source("vol"), "vol");
        assert_eq!(bind_source("C:/data:/d"), "C:/data");
    }

    #[test]
    fn home_roots_in_reference_order() {
        let env: BTreeMap<String, String> = [
            ("HOME", "/home/u/"),
            ("OPENCLAW_HOME", "~/oc"),
            ("USERPROFILE", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            sandbox_home_roots(&env, "/ignored", "/cwd"),
            ["~/oc", "/home/u", "/home/u/oc"]
        );
        assert_eq!(
            sandbox_home_roots(&BTreeMap::new(), "/home/os", "/cwd"),
            ["/home/os"]
        );
    }

    #[test]
    fn hook_package_json_location() {
        assert_eq!(
            hook_package_json(None, "/s", "h", "/w"),
            "/s/hooks/h/package.json"
        );
        assert_eq!(
            hook_package_json(Some("rel/h/"), "/s", "h", "/w"),
            "/w/rel/h/package.json"
        );
        assert_eq!(
            hook_package_json(Some(""), "/s", "h", "/w"),
            "/w/package.json"
        );
    }
}
