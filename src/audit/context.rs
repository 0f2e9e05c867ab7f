//! What the checks see: the snapshot plus the config loaded from it the way OpenClaw loads it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::json5;
use crate::config::load::{self, IncludeSource, LoadProblem};
use crate::config::secret::{js_trim, Str};
use crate::snapshot::{FileEntry, FileKind, HostFacts, Snapshot};

pub struct Ctx<'a> {
    pub snap: &'a Snapshot,
    /// Root config file as parsed (`$include` unresolved).
    pub raw: Value,
    /// Includes resolved, `${VAR}` not substituted.
    pub source: Value,
    /// Includes resolved, `${VAR}` substituted, SecretRefs not resolved: the runtime config the reference's CLI
    /// starts from and passes to the audit as `sourceConfig`.
    pub source_config: Value,
    /// `source_config` with the SecretRefs the reference resolves before its audit substituted (as redaction
    /// markers) and those it cannot resolve removed: the reference's `cfg`.
    pub cfg: Value,
    /// Effective environment (process, `.env`, config `env` block).
    pub env: BTreeMap<String, String>,
    /// Why OpenClaw would refuse to load this config (a parse error, a bad include).
    pub load_problems: Vec<LoadProblem>,
    /// The reference's `secretDiagnostics`: SecretRefs / templates it could not resolve (strings).
    pub secret_diagnostics: Vec<String>,
}

struct SnapshotIncludes<'a>(&'a Snapshot);

impl IncludeSource for SnapshotIncludes<'_> {
    fn text(&self, path: &str) -> Option<String> {
        let inc = self
            .0
            .manifest
            .config
            .includes
            .iter()
            .find(|i| i.path == path)?;
        self.0
            .blob_text(inc.blob.as_deref()?)
            .ok()
            .map(String::from)
    }
    fn loader_error(&self, path: &str) -> Option<String> {
        match self
            .0
            .manifest
            .config
            .includes
            .iter()
            .find(|i| i.path == path)
        {
            Some(inc) => inc.error.clone(),
            None => Some(format!("include {path} was not captured")),
        }
    }
}

/// POSIX permission judgement of one path, as the reference makes it.
#[derive(Clone, Copy, Debug)]
pub struct Perms {
    pub is_symlink: bool,
    /// Directory after following a link.
    pub is_dir: bool,
    /// `mode & 0o777`, of the link's target when it can be stat'ed.
    pub bits: u32,
}

impl Perms {
    pub fn world_writable(&self) -> bool {
        self.bits & 0o002 != 0
    }
    pub fn group_writable(&self) -> bool {
        self.bits & 0o020 != 0
    }
    pub fn world_readable(&self) -> bool {
        self.bits & 0o004 != 0
    }
    pub fn group_readable(&self) -> bool {
        self.bits & 0o040 != 0
    }
}

impl<'a> Ctx<'a> {
    pub fn new(snap: &'a Snapshot) -> Ctx<'a> {
        let m = &snap.manifest;
        let mut problems = Vec::new();
        let raw = match m.config.blob.as_deref().map(|h| snap.blob_text(h)) {
            Some(Ok(text)) => match json5::parse(text) {
                Ok(node) => node.to_json(),
                Err(e) => {
                    problems.push(LoadProblem {
                        path: m.config.path.clone(),
                        message: format!("{}:{}: {}", e.line, e.col, e.message),
                    });
                    Value::Object(Default::default())
                }
            },
            _ => Value::Object(Default::default()),
        };
        let loaded = load::load(
            raw,
            &m.config.path,
            &SnapshotIncludes(snap),
            &m.host.env,
            &m.host.dotenv,
        );
        problems.extend(loaded.problems);
        let source_config = loaded.resolved.clone();
        let mut cfg = loaded.resolved;
        let secret_diagnostics = crate::audit::checks::secrets::resolve_refs(
            &mut cfg,
            &m.secret_refs,
            &loaded.env,
            &m.config.path,
        );
        Ctx {
            snap,
            raw: loaded.raw,
            source: loaded.source,
            source_config,
            cfg,
            env: loaded.env,
            load_problems: problems,
            secret_diagnostics,
        }
    }

    /// The parsed content of a captured JSON/JSON5 file (secrets appear as redaction markers).
    pub fn json_file(&self, path: &str) -> Option<Value> {
        let blob = self.file(path)?.blob.as_deref()?;
        let text = self.snap.blob_text(blob).ok()?;
        json5::parse(text).ok().map(|n| n.to_json())
    }

    /// Facts of the SQLite state DB (`<stateDir>/state/openclaw.sqlite`) when the host has one (the spec's host
    /// and releases from 2026.8 on keep exec approvals, install records and pairing allowlists there). When it
    /// is present, those facts are read from it instead of the 2026.5.20 JSON files.
    pub fn state_db(&self) -> Option<&crate::capture::sqlite::StateFacts> {
        let path = format!("{}/state/openclaw.sqlite", self.host().state_dir);
        self.snap
            .manifest
            .databases
            .iter()
            .find(|d| d.path == path)?
            .facts
            .state
            .as_ref()
    }

    /// Direct children of a captured directory: `(name, entry)`, sorted by name.
    pub fn children(&self, dir: &str) -> Vec<(&str, &FileEntry)> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.snap
            .manifest
            .files
            .iter()
            .filter_map(|e| {
                let rest = e.path.strip_prefix(&prefix)?;
                (!rest.is_empty() && !rest.contains('/')).then_some((rest, e))
            })
            .collect()
    }

    /// Installed plugin directories (`listInstalledPluginDirs`): when `<stateDir>/extensions` is a directory
    /// (after following a link), its children that are directories themselves (a link to a directory is not
    /// one: the reference goes by the listing's entry type), except `node_modules`, `.openclaw-install-backups`
    /// and names that, trimmed and lower-cased, are empty, start with `.`, end with `.bak` or contain `.backup-`
    /// or `.disabled`. Sorted by name.
    pub fn installed_plugin_dirs(&self) -> Vec<&str> {
        let dir = format!("{}/extensions", self.host().state_dir);
        let is_dir = self.file(&dir).is_some_and(|e| {
            e.kind == FileKind::Dir
                || e.resolved.as_ref().and_then(|r| r.kind) == Some(FileKind::Dir)
        });
        if !is_dir {
            return Vec::new();
        }
        self.children(&dir)
            .into_iter()
            .filter(|(name, e)| {
                e.kind == FileKind::Dir && !crate::config::paths::ignored_plugin_dir_name(name)
            })
            .map(|(name, _)| name)
            .collect()
    }

    pub fn host(&self) -> &HostFacts {
        &self.snap.manifest.host
    }

    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.snap.file(path)
    }

    /// `inspectPathPermissions`: `None` when the path does not exist (or was not captured).
    pub fn perms(&self, path: &str) -> Option<Perms> {
        let e = self.file(path)?;
        let is_symlink = e.kind == FileKind::Symlink;
        let (mut bits, mut is_dir) = (e.mode & 0o777, e.kind == FileKind::Dir);
        if let Some(r) = e.resolved.as_ref().filter(|_| is_symlink) {
            if let (Some(kind), Some(mode)) = (r.kind, r.mode) {
                bits = mode & 0o777;
                is_dir = kind == FileKind::Dir;
            }
        }
        Some(Perms {
            is_symlink,
            is_dir,
            bits,
        })
    }

    /// A config value by JSON pointer on the resolved config (`/gateway/auth/mode`).
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.cfg.pointer(pointer)
    }

    pub fn get_str(&self, pointer: &str) -> Option<&str> {
        self.get(pointer).and_then(Value::as_str)
    }

    /// `=== true`.
    pub fn is_true(&self, pointer: &str) -> bool {
        self.get(pointer) == Some(&Value::Bool(true))
    }

    /// `=== false`.
    pub fn is_false(&self, pointer: &str) -> bool {
        self.get(pointer) == Some(&Value::Bool(false))
    }

    /// An environment variable, trimmed, when set and not blank.
    pub fn env_value(&self, name: &str) -> Option<Str<'_>> {
        let v = self.env.get(name)?;
        let s = Str::of(v);
        (!s.is_blank()).then_some(s)
    }

    /// An environment variable's plain text, trimmed (for non-secret variables).
    pub fn env_plain(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(|v| js_trim(v))
            .filter(|v| !v.is_empty())
    }
}

/// Format mode bits as the reference does (three octal digits).
pub fn octal(bits: u32) -> String {
    format!("{:03o}", bits & 0o777)
}
