//! Where OpenClaw keeps things on this host: home, state dir, config path, credentials dir, include roots.
//! Same rules as the reference (`src/config/paths.ts`), including the legacy `.clawdbot` names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{hostfs, CaptureError, HostSpec};
use crate::config::load;

#[derive(Clone, Debug)]
pub struct Locations {
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub state_dir: PathBuf,
    pub config_path: PathBuf,
    pub credentials_dir: PathBuf,
}

/// A value that counts as set: trimmed, not empty, not the strings `undefined` / `null`.
fn set(v: Option<&String>) -> Option<String> {
    let t = v?.trim();
    (!t.is_empty() && t != "undefined" && t != "null").then(|| t.to_string())
}

/// The home dir: `OPENCLAW_HOME` (with `~` expanded against the OS home), else `HOME`, else `USERPROFILE`.
pub fn home_dir(env: &BTreeMap<String, String>, cwd: &Path) -> Option<PathBuf> {
    let os_home = set(env.get("HOME")).or_else(|| set(env.get("USERPROFILE")));
    let home = match set(env.get("OPENCLAW_HOME")) {
        Some(h) if h == "~" || h.starts_with("~/") => os_home.map(|o| format!("{o}{}", &h[1..])),
        Some(h) => Some(h),
        None => os_home,
    }?;
    Some(PathBuf::from(load::resolve(&cwd.to_string_lossy(), &home)))
}

/// The OS home dir (`HOME`, else `USERPROFILE`), resolved against the working directory: the home dir unless
/// `OPENCLAW_HOME` says otherwise.
pub fn os_home(env: &BTreeMap<String, String>, cwd: &Path) -> Option<PathBuf> {
    let h = set(env.get("HOME")).or_else(|| set(env.get("USERPROFILE")))?;
    Some(PathBuf::from(load::resolve(&cwd.to_string_lossy(), &h)))
}

/// `resolveUserPath`: trim, expand a leading `~`, resolve against the working directory.
pub fn user_path(input: &str, home: &Path, cwd: &Path) -> PathBuf {
    let t = input.trim();
    let home = home.to_string_lossy();
    let expanded = if t == "~" {
        home.to_string()
    } else if let Some(rest) = t.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else {
        t.to_string()
    };
    PathBuf::from(load::resolve(&cwd.to_string_lossy(), &expanded))
}

pub fn locate(spec: &HostSpec) -> Result<Locations, CaptureError> {
    let env = &spec.env;
    let home = home_dir(env, &spec.cwd).ok_or(CaptureError::NoHome)?;
    let cwd = spec.cwd.clone();
    let new_dir = home.join(".openclaw");
    let legacy_dir = home.join(".clawdbot");
    let state_override = set(env.get("OPENCLAW_STATE_DIR"));
    let state_dir = match (&spec.state_dir, &state_override) {
        (Some(p), _) => user_path(&p.to_string_lossy(), &home, &cwd),
        (None, Some(o)) => user_path(o, &home, &cwd),
        (None, None) if hostfs::exists(&new_dir) => new_dir.clone(),
        (None, None) if hostfs::exists(&legacy_dir) => legacy_dir.clone(),
        (None, None) => new_dir.clone(),
    };
    let config_override = spec
        .config_path
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .or_else(|| set(env.get("OPENCLAW_CONFIG_PATH")));
    let config_path = match config_override {
        Some(o) => user_path(&o, &home, &cwd),
        None => {
            let in_state = [
                state_dir.join("openclaw.json"),
                state_dir.join("clawdbot.json"),
            ];
            if let Some(found) = in_state.iter().find(|p| hostfs::exists(p)) {
                found.clone()
            } else if state_override.is_some()
                || spec.state_dir.is_some()
                || state_dir != new_dir && state_dir != legacy_dir
            {
                state_dir.join("openclaw.json")
            } else {
                let candidates = [
                    new_dir.join("openclaw.json"),
                    new_dir.join("clawdbot.json"),
                    legacy_dir.join("openclaw.json"),
                    legacy_dir.join("clawdbot.json"),
                ];
                candidates
                    .iter()
                    .find(|p| hostfs::exists(p))
                    .cloned()
                    .unwrap_or_else(|| state_dir.join("openclaw.json"))
            }
        }
    };
    let credentials_dir = match set(env.get("OPENCLAW_OAUTH_DIR")) {
        Some(o) => user_path(&o, &home, &cwd),
        None => state_dir.join("credentials"),
    };
    Ok(Locations {
        home,
        cwd,
        state_dir,
        config_path,
        credentials_dir,
    })
}

/// `OPENCLAW_INCLUDE_ROOTS` as (normalized, realpath) pairs.
pub fn include_roots(
    env: &BTreeMap<String, String>,
    home: &Path,
    cwd: &Path,
) -> Vec<(String, String)> {
    let Some(raw) = set(env.get("OPENCLAW_INCLUDE_ROOTS")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in raw.split(':').map(str::trim).filter(|e| !e.is_empty()) {
        let p = user_path(entry, home, cwd).to_string_lossy().into_owned();
        if out.iter().any(|(r, _)| *r == p) {
            continue;
        }
        let real = hostfs::realpath(Path::new(&p))
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_else(|_| p.clone());
        out.push((p, real));
    }
    out
}
