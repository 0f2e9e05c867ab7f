//! Capture stage: read the host into a [`Snapshot`]. It writes nothing on the host.
//!
//! What is read, in order: the environment (known names and every `${VAR}` the config references), `.env` of the
//! state dir, the config and its includes (content redacted), metadata of the state tree (up to an entry limit)
//! and of every path the audit or fix needs outside it, the content of the few small JSON files the audit reads
//! (exec approvals, pairing allowlists, install records), and the SQLite state databases' schema and facts.
//! All host access goes through [`hostfs`].

pub mod hostfs;
pub mod sqlite;

mod discover;
mod docker;
mod extensions;
mod hooks;
mod names;
mod sandbox;
mod secrets;
mod skills;
mod table;
mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::env::{env_references, SEARCH_PROVIDER_ENV};
use crate::config::identity::{Context, Pseudonymizer};
use crate::config::json5;
use crate::config::load::{self, normalize, IncludeSource};
use crate::config::redact::{Doc, Redactor};
use crate::snapshot::{
    ConfigFacts, DatabaseEntry, Diagnostic, FileEntry, FileKind, HostFacts, IdentityFacts,
    IncludeFile, Manifest, Meta, RedactionFacts, Resolved, Snapshot, FORMAT_VERSION,
};

pub use discover::Locations;

/// Include files larger than this are refused by OpenClaw's loader (and not read by us).
pub const INCLUDE_MAX_BYTES: u64 = 2 * 1024 * 1024;
/// The main config and other small JSON files we read.
pub const CONFIG_MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const SMALL_FILE_MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Default entry limit of the state-tree walk.
pub const DEFAULT_ENTRY_LIMIT: u64 = 200_000;

/// Environment variables the audit reads whose values are not secrets (paths, modes): kept as they are.
pub const PLAIN_ENV: &[&str] = &[
    "HOME",
    "USERPROFILE",
    "OPENCLAW_HOME",
    "OPENCLAW_STATE_DIR",
    "OPENCLAW_CONFIG_PATH",
    "OPENCLAW_OAUTH_DIR",
    "OPENCLAW_INCLUDE_ROOTS",
    "OPENCLAW_SERVICE_KIND",
    "OPENCLAW_PROFILE",
    "OPENCLAW_WORKSPACE_DIR",
    // Channel settings the channel audit reads (a flag; IRC TLS on/off).
    "IRC_TLS",
];

/// Environment variables the audit reads whose values are secrets (recorded as markers), by topic. Together
/// with [`PLAIN_ENV`] and every `${VAR}` the config references, this is what capture records.
pub const SECRET_ENV: &[&[&str]] = &[
    &["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"],
    // Search providers (models.small_params reads whether one is configured).
    SEARCH_PROVIDER_ENV,
    // Channel credentials and settings that configure a default channel account (channel audit).
    &[
        "TELEGRAM_BOT_TOKEN",
        "IRC_HOST",
        "IRC_NICK",
        "IRC_PASSWORD",
        "IRC_NICKSERV_PASSWORD",
    ],
];

/// Every name of [`SECRET_ENV`].
fn secret_env() -> impl Iterator<Item = &'static str> {
    SECRET_ENV.iter().flat_map(|group| group.iter().copied())
}

/// What to capture from: the process's view of the host.
#[derive(Clone, Debug)]
pub struct HostSpec {
    /// The process environment (the capture keeps only what the audit reads).
    pub env: BTreeMap<String, String>,
    pub cwd: PathBuf,
    pub uid: u32,
    pub gid: u32,
    /// `--state-dir` and `--config`: override the environment and the defaults.
    pub state_dir: Option<PathBuf>,
    pub config_path: Option<PathBuf>,
}

impl HostSpec {
    pub fn from_process() -> std::io::Result<HostSpec> {
        let (uid, gid) = hostfs::current_uid_gid();
        Ok(HostSpec {
            env: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir()?,
            uid,
            gid,
            state_dir: None,
            config_path: None,
        })
    }

    /// A host rooted at `home`, with an otherwise empty environment (tests and example hosts).
    pub fn for_home(home: &Path) -> HostSpec {
        let (uid, gid) = hostfs::current_uid_gid();
        HostSpec {
            env: [("HOME".to_string(), home.to_string_lossy().into_owned())].into(),
            cwd: home.to_path_buf(),
            uid,
            gid,
            state_dir: None,
            config_path: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CaptureOptions {
    pub entry_limit: u64,
    /// Replace secrets by markers. Only in-memory test captures turn this off; nothing unredacted is written.
    /// Off also keeps identities.
    pub redact: bool,
    /// Keep identities (allowlist entries, chat ids, phone numbers, the home dir's name) as they are
    /// (`capture --keep-identities`; live audits and `fix apply`, which act on the real paths). Off by default:
    /// each is replaced by a pseudonym that keeps what the checks read ([`crate::config::identity`]).
    pub keep_identities: bool,
    /// Record paths under the home dir with this prefix instead (`--home-alias`), so a host laid out in a
    /// temporary dir captures to the same bytes wherever it is. Without it, a capture that pseudonymizes
    /// identities records them under [`default_home_alias`].
    pub home_alias: Option<String>,
    /// Record files owned by the capturing user as owned by these ids (with `home_alias`, for the same reason).
    pub owner_alias: Option<(u32, u32)>,
    pub label: String,
    pub captured_at: Option<u64>,
    /// Ask Docker about sandbox-browser containers (`capture --docker`, bounded by a timeout). Off by default:
    /// the snapshot then records that it did not look.
    pub docker: bool,
    /// The Docker CLI to run for `docker` (default: `docker` from `PATH`); tests point it at a fake.
    pub docker_program: Option<PathBuf>,
    /// Told what the capture is doing (the CLI draws a progress bar from it); none by default.
    pub progress: Option<ProgressHook>,
}

/// What a capture is doing, for a progress display: each stage as it starts, and the state-tree walk every
/// [`PROGRESS_EVERY`] entries (never per file: the hook costs nothing measurable on a big tree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Stage(&'static str),
    /// Entries of the state tree walked so far.
    Walked(u64),
}

/// How often the walk reports [`Progress::Walked`].
pub const PROGRESS_EVERY: u64 = 4096;

/// A progress callback (shared, callable from the capture's thread).
#[derive(Clone)]
pub struct ProgressHook(pub std::sync::Arc<dyn Fn(Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

impl CaptureOptions {
    /// Does this capture replace identities by pseudonyms?
    pub fn pseudonymizes(&self) -> bool {
        self.redact && !self.keep_identities
    }
}

/// The home dir as a pseudonymizing capture records it: the same parent dir (`/home/`, `/Users/`, `/var/home/`
/// stay what they are) and the name `user`, so the user name is gone but every path test the checks make
/// (`/home/` prefixes, "under $HOME") gives the same answer. A name that says the dir is synced (`Dropbox`,
/// `iCloud`, …, which `fs.synced_dir` reads) keeps that word (`user-dropbox`). `None` for `/` and `/root`, which
/// name nobody.
pub fn default_home_alias(home: &Path) -> Option<String> {
    let text = home.to_string_lossy();
    let text = text.trim_end_matches('/');
    let (parent, name) = text.rsplit_once('/')?;
    if name.is_empty() || name == "user" || (parent.is_empty() && name == "root") {
        return None;
    }
    let lower = name.to_lowercase();
    // The words `fs.synced_dir` looks for (src/audit/checks/fs.rs).
    const SYNCED: &[&str] = &[
        "icloud",
        "dropbox",
        "google drive",
        "googledrive",
        "onedrive",
    ];
    Some(match SYNCED.iter().find(|m| lower.contains(*m)) {
        Some(m) => format!("{parent}/user-{m}"),
        None => format!("{parent}/user"),
    })
}

/// The dirs whose paths name the user, each with the alias it is recorded under: the home dir (`explicit`, else
/// [`default_home_alias`]), its realpath (`/home/alice` → `/var/home/alice`), and the OS home (`$HOME`) and its
/// realpath when `OPENCLAW_HOME` points elsewhere. Shortest first, so a dir inside another gets an alias under
/// that one's alias (`/home/alice/oc` → `/home/user/user`). An alias another dir already took gets a number
/// (`user2`). Returns the redactor holding them and the home dir's alias.
fn alias_homes(
    mut r: Redactor,
    spec: &HostSpec,
    loc: &Locations,
    explicit: Option<&str>,
) -> (Redactor, Option<String>) {
    let text = |p: &Path| p.to_string_lossy().trim_end_matches('/').to_string();
    let real = |p: &Path| hostfs::realpath(p).ok().map(|r| text(&r));
    let home = text(&loc.home);
    let mut dirs = vec![home.clone()];
    dirs.extend(real(&loc.home));
    if let Some(os) = discover::os_home(&spec.env, &spec.cwd) {
        dirs.push(text(&os));
        dirs.extend(real(&os));
    }
    // A working directory in some user's home names that user even when `$HOME` is elsewhere (`sudo clawprint
    // capture` from `/home/alice/x`, with `HOME=/root`).
    if let Some(dir) = user_dir_of(&spec.cwd) {
        dirs.push(text(&dir));
        dirs.extend(real(&dir));
    }
    dirs.sort_by_key(|d| (d.len(), d.clone()));
    dirs.dedup();
    let mut main = None;
    for dir in dirs {
        let alias = match explicit {
            Some(a) if dir == home => a.to_string(),
            _ => {
                let Some(default) = default_home_alias(Path::new(&dir)) else {
                    continue;
                };
                let name = default.rsplit('/').next().unwrap_or("user");
                let parent = load::dirname(&dir);
                let parent = r.alias_path(&parent).unwrap_or(parent);
                let parent = parent.trim_end_matches('/');
                let taken = |a: &str| r.home_aliases().iter().any(|(_, x)| x == a);
                let mut alias = format!("{parent}/{name}");
                let mut n = 2;
                while taken(&alias) {
                    alias = format!("{parent}/{name}{n}");
                    n += 1;
                }
                alias
            }
        };
        if dir == home {
            main = Some(alias.clone());
        }
        r = r.with_home_alias(&dir, &alias);
    }
    (r, main)
}

/// The user's home dir a path is in, by its layout: the path up to the component after the first `home` or
/// `Users` (`/home/alice/x` → `/home/alice`, `/var/home/alice`, `/System/Volumes/Data/Users/alice`).
fn user_dir_of(p: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut dir = PathBuf::new();
    let mut after_home = false;
    for c in p.components() {
        dir.push(c.as_os_str());
        match c {
            Component::Normal(n) if after_home => {
                return (n != "user").then_some(dir);
            }
            Component::Normal(n) => after_home = n == "home" || n == "Users",
            _ => after_home = false,
        }
    }
    None
}

impl Default for CaptureOptions {
    fn default() -> Self {
        CaptureOptions {
            entry_limit: DEFAULT_ENTRY_LIMIT,
            redact: true,
            keep_identities: false,
            home_alias: None,
            owner_alias: None,
            label: "host".into(),
            captured_at: None,
            docker: false,
            docker_program: None,
            progress: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot determine the home directory: set HOME")]
    NoHome,
}

/// The dirs a capture with `opts` records under an alias, as `(real dir, alias)` pairs (empty for a plain
/// capture): what `fix apply` maps back to real paths for a plan made from such a snapshot.
pub fn path_aliases(
    spec: &HostSpec,
    opts: &CaptureOptions,
) -> Result<Vec<(String, String)>, CaptureError> {
    let loc = discover::locate(spec)?;
    if !(opts.pseudonymizes() || opts.home_alias.is_some()) {
        return Ok(Vec::new());
    }
    let (r, _) = alias_homes(Redactor::new(), spec, &loc, opts.home_alias.as_deref());
    Ok(r.home_aliases().to_vec())
}

/// Capture the host described by `spec`.
pub fn capture(spec: &HostSpec, opts: &CaptureOptions) -> Result<Snapshot, CaptureError> {
    capture_with_names(spec, opts).map(|(snap, _)| snap)
}

/// [`capture`], and the path components it recorded under another name (an identity in a file name:
/// `session-15551234567.0.json` → `session-10000000000.0.json`), as `(real, recorded)` pairs, sorted: what
/// `fix apply` maps back to real paths. Empty unless the capture pseudonymizes identities.
pub fn capture_with_names(
    spec: &HostSpec,
    opts: &CaptureOptions,
) -> Result<(Snapshot, Vec<(String, String)>), CaptureError> {
    let loc = discover::locate(spec)?;
    let pseudonymize = opts.pseudonymizes();
    let mut redactor = if opts.redact {
        Redactor::new()
    } else {
        Redactor::disabled()
    };
    if pseudonymize {
        redactor = redactor.with_identities(Pseudonymizer::new());
    }
    let mut home_alias = None;
    if pseudonymize || opts.home_alias.is_some() {
        (redactor, home_alias) = alias_homes(redactor, spec, &loc, opts.home_alias.as_deref());
    }
    let mut c = Capturer {
        spec,
        opts,
        loc: &loc,
        home_alias,
        redactor,
        blobs: BTreeMap::new(),
        files: table::FileTable::default(),
        diagnostics: BTreeSet::new(),
        state_db: None,
        plain_vars: BTreeSet::new(),
        identity_vars: BTreeMap::new(),
        names: names::Names::default(),
    };
    let snap = c.run();
    Ok((snap, c.names.pairs()))
}

struct Capturer<'a> {
    spec: &'a HostSpec,
    opts: &'a CaptureOptions,
    loc: &'a Locations,
    /// The prefix paths under the home dir are recorded with (`--home-alias`, or the pseudonym of the home dir).
    home_alias: Option<String>,
    redactor: Redactor,
    blobs: BTreeMap<String, Vec<u8>>,
    /// Real path → entry (path field already aliased).
    files: table::FileTable,
    diagnostics: BTreeSet<Diagnostic>,
    /// Facts of `<stateDir>/state/openclaw.sqlite` once read (install records live there on the spec's host).
    state_db: Option<sqlite::StateFacts>,
    /// Variables the config and its includes reference only in non-secret positions.
    plain_vars: BTreeSet<String>,
    /// Variables used in identity (`Some(context)`) or host (`None`) positions of the config.
    identity_vars: BTreeMap<String, Option<crate::config::identity::Context>>,
    /// Identities in file names, and the words of the config that stay in them.
    names: names::Names,
}

/// Include texts as the capture sees them, with the loader's verdict per file.
struct HostIncludes {
    /// Discovery order.
    order: Vec<load::Discovered>,
    texts: BTreeMap<String, Option<String>>,
    errors: BTreeMap<String, Option<String>>,
}

impl IncludeSource for HostIncludes {
    fn text(&self, path: &str) -> Option<String> {
        self.texts.get(path).cloned().flatten()
    }
    fn loader_error(&self, path: &str) -> Option<String> {
        self.errors.get(path).cloned().flatten()
    }
}

impl Capturer<'_> {
    fn progress(&self, p: Progress) {
        if let Some(h) = &self.opts.progress {
            (h.0)(p);
        }
    }

    fn rec(&mut self, p: &Path) -> String {
        self.rec_str(&hostfs::path_text(p).0)
    }

    /// A link's target as recorded. A relative one that walks into an aliased dir by its name
    /// (`../../../../alice/dev/ws` from `/home/alice/.openclaw/agents/main`) is rewritten as the relative path
    /// between the recorded paths, from the link's dir to the target (`../../../dev/ws`); any other is kept as
    /// written (its file names' identities replaced).
    fn rec_link_target(&mut self, link: &Path, target: &Path) -> String {
        if target.is_absolute() {
            return self.rec(target);
        }
        let text = hostfs::path_text(target).0.into_owned();
        let parent = hostfs::path_text(link.parent().unwrap_or(Path::new("/")))
            .0
            .into_owned();
        let mut at: Vec<&str> = parent.split('/').filter(|c| !c.is_empty()).collect();
        let mut entered = false;
        for comp in text.split('/') {
            match comp {
                "" | "." => {}
                ".." => {
                    at.pop();
                }
                name => {
                    at.push(name);
                    let here = format!("/{}", at.join("/"));
                    entered |= self.redactor.home_aliases().iter().any(|(h, _)| *h == here);
                }
            }
        }
        if !entered {
            // A component named like an aliased dir (`../alice/x` resolving elsewhere) names the user too.
            let named: Vec<String> = text
                .split('/')
                .map(|c| {
                    let alias = self.redactor.home_aliases().iter().find(|(h, _)| {
                        c != "." && c != ".." && !c.is_empty() && h.rsplit('/').next() == Some(c)
                    });
                    match alias {
                        Some((_, a)) => a.rsplit('/').next().unwrap_or(c).to_string(),
                        None => c.to_string(),
                    }
                })
                .collect();
            let text = named.join("/");
            return self.rec_rest(&text).unwrap_or(text);
        }
        let (from, to) = (
            self.rec_str(&parent),
            self.rec_str(&format!("/{}", at.join("/"))),
        );
        let from: Vec<&str> = from.split('/').filter(|c| !c.is_empty()).collect();
        let to: Vec<&str> = to.split('/').filter(|c| !c.is_empty()).collect();
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut rel: Vec<&str> = vec![".."; from.len() - common];
        rel.extend(&to[common..]);
        match rel.join("/") {
            r if r.is_empty() => ".".into(),
            r => r,
        }
    }

    fn rec_str(&mut self, s: &str) -> String {
        let a = self.redactor.alias_path(s).unwrap_or_else(|| s.to_string());
        self.names.path(&mut self.redactor.ids, &a).unwrap_or(a)
    }

    /// A relative part of a path (under a dir already recorded) as recorded: its file names' identities replaced.
    fn rec_rest(&mut self, rest: &str) -> Option<String> {
        self.names.path(&mut self.redactor.ids, rest)
    }

    /// [`Self::rec`] for a path whose names were recorded before (or name no one): no new pseudonym.
    fn rec_known(&self, p: &Path) -> String {
        let t = hostfs::path_text(p).0;
        let a = self
            .redactor
            .alias_path(&t)
            .unwrap_or_else(|| t.to_string());
        self.names.known_path(&a).unwrap_or(a)
    }

    /// Free text (a message) as recorded: every path under the home dir in it written with the home alias, as
    /// [`Self::rec_str`] does for a whole path (the loader's messages name the config dir and realpaths).
    fn rec_text(&mut self, s: &str) -> String {
        // A whole path (an environment value): recorded as a path, new names included.
        if s.starts_with('/') && !s.contains(char::is_whitespace) {
            let a = self.redactor.alias_text(s).unwrap_or_else(|| s.to_string());
            return self.names.path(&mut self.redactor.ids, &a).unwrap_or(a);
        }
        let a = self.redactor.alias_text(s).unwrap_or_else(|| s.to_string());
        self.names.text(&a).unwrap_or(a)
    }

    /// An environment value as recorded: paths (aliased) for the plain names and for variables the config uses
    /// only as non-secret settings (`gateway.bind: "${BIND}"`, when the value is a short word or a path), a
    /// marker for everything else.
    fn env_record(&mut self, name: &str, value: &str) -> String {
        if let Some(ctx) = self.identity_vars.get(name).copied() {
            if !PLAIN_ENV.contains(&name) && !secret_env().any(|s| s == name) {
                return match ctx {
                    Some(ctx) => self.redactor.ids.entry(ctx, value),
                    None => self.redactor.ids.host(value),
                };
            }
        }
        let plain_setting = self.plain_vars.contains(name)
            && !secret_env().any(|s| s == name)
            && crate::config::redact::plain_env_value(value);
        if PLAIN_ENV.contains(&name) || (self.opts.redact && plain_setting) {
            self.rec_text(value)
        } else {
            self.redactor.secret_value(value)
        }
    }

    fn diag(&mut self, path: &Path, code: &str, message: impl Into<String>) {
        let path = if path.as_os_str().is_empty() {
            String::new()
        } else {
            self.rec(path)
        };
        // Messages name realpaths and link targets (a hook's package.json outside its dir, an include).
        let message = self.rec_text(&message.into());
        self.diagnostics.insert(Diagnostic {
            path,
            code: code.into(),
            message,
        });
    }

    fn owner(&self, uid: u32, gid: u32) -> (u32, u32) {
        match self.opts.owner_alias {
            Some((au, ag)) => (
                if uid == self.spec.uid { au } else { uid },
                if gid == self.spec.gid { ag } else { gid },
            ),
            None => (uid, gid),
        }
    }

    /// Record one path's `lstat` (and, for a link, what it points at). Missing paths record nothing.
    fn record(&mut self, path: &Path) -> Option<FileKind> {
        let (key, escaped) = hostfs::path_text(path);
        let key = key.into_owned();
        if let Some(e) = self.files.get(&key) {
            return Some(e.kind);
        }
        if escaped {
            self.not_utf8(path);
        }
        self.record_stat(path, key, hostfs::lstat(path))
    }

    /// A path that is not UTF-8 is recorded escaped (see [`hostfs::path_text`]); say so.
    fn not_utf8(&mut self, path: &Path) {
        self.diag(
            path,
            "path.not_utf8",
            "path is not UTF-8: recorded with each invalid byte as U+FFFD and its two hex digits",
        );
    }

    /// Record `path` (`key`: its lossy text) from an `lstat` already taken.
    fn record_stat(
        &mut self,
        path: &Path,
        key: String,
        lstat: std::io::Result<hostfs::Stat>,
    ) -> Option<FileKind> {
        let rec = self.rec_str(&key);
        let entry = self.entry_of(path, rec, lstat)?;
        let kind = entry.kind;
        self.files.insert(key, entry);
        Some(kind)
    }

    /// The entry of `path` (recorded as `rec`) from its `lstat`; None (and a diagnostic unless it is simply
    /// missing) when the lstat failed.
    fn entry_of(
        &mut self,
        path: &Path,
        rec: String,
        lstat: std::io::Result<hostfs::Stat>,
    ) -> Option<FileEntry> {
        let st = match lstat {
            Ok(st) => st,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                self.diag(path, "stat.failed", format!("cannot stat: {e}"));
                return None;
            }
        };
        let (uid, gid) = self.owner(st.uid, st.gid);
        let mut entry = FileEntry {
            path: rec,
            kind: st.kind,
            mode: st.mode,
            uid,
            gid,
            size: if st.kind == FileKind::Dir { 0 } else { st.size },
            nlink: (st.kind == FileKind::File && st.nlink > 1).then_some(st.nlink),
            ..FileEntry::default()
        };
        if st.kind == FileKind::Symlink {
            entry.size = 0;
            entry.target = hostfs::read_link(path)
                .ok()
                .map(|t| self.rec_link_target(path, &t));
            let target = hostfs::stat(path).ok();
            entry.resolved = Some(Box::new(Resolved {
                kind: target.as_ref().map(|t| t.kind),
                mode: target.as_ref().map(|t| t.mode),
                realpath: hostfs::realpath(path).ok().map(|p| self.rec(&p)),
            }));
        }
        Some(entry)
    }

    /// Read and redact a small JSON/JSON5 file (of kind `doc`), storing it as the file entry's blob.
    fn capture_json_content(&mut self, path: &Path, follow: bool, doc: &Doc) {
        if self.record(path).is_none() {
            return;
        }
        match hostfs::read_regular(path, SMALL_FILE_MAX_BYTES, follow) {
            Ok(bytes) => {
                let Ok(text) = String::from_utf8(bytes) else {
                    self.diag(
                        path,
                        "content.not_utf8",
                        "not UTF-8 text; content not captured",
                    );
                    return;
                };
                match self.redactor.redact_doc(&text, doc) {
                    Some(redacted) => {
                        let hash = Snapshot::add_blob(&mut self.blobs, redacted.into_bytes());
                        if let Some(e) = self.files.get_mut(&hostfs::path_text(path).0) {
                            e.blob = Some(hash);
                        }
                    }
                    None => self.diag(
                        path,
                        "content.parse",
                        "not valid JSON5; content not captured",
                    ),
                }
            }
            Err(hostfs::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => self.diag(
                path,
                "content.unreadable",
                format!("content not captured: {e}"),
            ),
        }
    }

    fn run(&mut self) -> Snapshot {
        let loc = self.loc;
        self.progress(Progress::Stage("config"));
        // 1. Config text (read through a symlink, as OpenClaw does), parsed raw.
        let mut config_text: Option<String> = None;
        let config_exists = hostfs::exists(&loc.config_path);
        if config_exists {
            match hostfs::read_regular(&loc.config_path, CONFIG_MAX_BYTES, true) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(t) => config_text = Some(t),
                    Err(_) => self.diag(
                        &loc.config_path,
                        "config.not_utf8",
                        "config is not UTF-8 text",
                    ),
                },
                Err(e) => self.diag(
                    &loc.config_path,
                    "config.unreadable",
                    format!("cannot read the config: {e}"),
                ),
            }
        }
        let raw: Value = match config_text.as_deref().map(json5::parse) {
            Some(Ok(node)) => node.to_json(),
            Some(Err(e)) => {
                let text = config_text.as_deref().unwrap_or_default();
                let shown = parse_error_note(text, &e, &self.rec(&loc.config_path));
                self.diag(
                    &loc.config_path,
                    "config.parse",
                    format!("OpenClaw refuses this config: {shown}"),
                );
                Value::Object(Default::default())
            }
            None => Value::Object(Default::default()),
        };

        // 2. Includes: discovery reads any readable file; the loader's own rules decide which it would load.
        let config_path_str = normalize(&loc.config_path.to_string_lossy());
        let includes = self.read_includes(&raw, &config_path_str);
        let mounts = include_mounts(&raw, &config_path_str, &includes);
        if self.opts.pseudonymizes() {
            if let Some(t) = config_text.as_deref() {
                self.names.keep_words_of(t, &Doc::Config(Vec::new()));
            }
            for (path, t) in &includes.texts {
                if let Some(t) = t {
                    for mount in mounts.get(path).cloned().unwrap_or_default() {
                        self.names.keep_words_of(t, &Doc::Config(mount));
                    }
                }
            }
        }

        // 3. Environment: known names and every reference in the config and its includes.
        let mut wanted: BTreeSet<String> = PLAIN_ENV
            .iter()
            .copied()
            .chain(secret_env())
            .map(String::from)
            .collect();
        // Each text judged where it is mounted: `headers: {$include: …}` makes every reference in it a secret.
        let mut texts: Vec<(&str, Doc)> = Vec::new();
        texts.extend(config_text.as_deref().map(|t| (t, Doc::Config(Vec::new()))));
        for (path, t) in &includes.texts {
            if let Some(t) = t {
                for mount in mounts.get(path).map_or(&[][..], Vec::as_slice) {
                    texts.push((t, Doc::Config(mount.clone())));
                }
            }
        }
        let (mut secret_vars, mut plain_vars) = (BTreeSet::new(), BTreeSet::new());
        for (t, doc) in &texts {
            wanted.extend(env_references(t));
            let (s, p) = crate::config::redact::env_reference_positions(t, doc);
            secret_vars.extend(s);
            plain_vars.extend(p);
        }
        self.plain_vars = plain_vars.difference(&secret_vars).cloned().collect();
        // Variables that stand for identities (`allowFrom: ["${OWNER}"]`): their values are pseudonymized in
        // the env table, in the terms of the position they fill, so the audit still resolves them consistently.
        if self.opts.pseudonymizes() {
            let mut ids = BTreeMap::new();
            if let Some(t) = config_text.as_deref() {
                ids.extend(crate::config::redact::env_identity_positions(
                    t,
                    &Doc::Config(Vec::new()),
                ));
            }
            for d in &includes.order {
                if let Some(Some(t)) = includes.texts.get(&d.path) {
                    let doc = Doc::Config(first_mount(&mounts, &d.path));
                    for (k, v) in crate::config::redact::env_identity_positions(t, &doc) {
                        ids.entry(k).or_insert(v);
                    }
                }
            }
            self.identity_vars = ids
                .into_iter()
                .filter(|(k, _)| !secret_vars.contains(k))
                .collect();
        }
        let env: BTreeMap<String, String> = wanted
            .iter()
            .filter_map(|k| self.spec.env.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        let env_rec: BTreeMap<String, String> = env
            .into_iter()
            .map(|(k, v)| {
                let value = self.env_record(&k, &v);
                (k, value)
            })
            .collect();
        let dotenv_path = loc.state_dir.join(".env");
        let mut dotenv = BTreeMap::new();
        let mut dotenv_raw = BTreeMap::new();
        if let Ok(bytes) = hostfs::read_regular(&dotenv_path, SMALL_FILE_MAX_BYTES, true) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let vars: BTreeMap<String, String> = crate::config::env::parse_dotenv(&text)
                .into_iter()
                .filter(|(_, v)| !crate::config::secret::js_trim(v).is_empty())
                .collect();
            for (k, v) in &vars {
                let value = self.env_record(k, v);
                dotenv.insert(k.clone(), value);
            }
            dotenv_raw = vars;
        }

        // 4. Config and include content, redacted in discovery order.
        let mut config = ConfigFacts {
            path: self.rec(&loc.config_path),
            exists: config_exists,
            blob: None,
            includes: Vec::new(),
        };
        if let Some(text) = &config_text {
            if let Some(redacted) = self.redactor.redact_doc(text, &Doc::Config(Vec::new())) {
                config.blob = Some(Snapshot::add_blob(&mut self.blobs, redacted.into_bytes()));
            }
        }
        for d in &includes.order {
            let at = mounts.get(&d.path).map_or(&[][..], Vec::as_slice);
            let blob = match includes.texts.get(&d.path).cloned().flatten() {
                Some(t) => self
                    .redactor
                    .redact_include(&t, at)
                    .map(|r| Snapshot::add_blob(&mut self.blobs, r.into_bytes())),
                None => None,
            };
            config.includes.push(IncludeFile {
                path: self.rec_str(&d.path),
                parent: self.rec_str(&d.parent),
                blob,
                error: includes
                    .errors
                    .get(&d.path)
                    .cloned()
                    .flatten()
                    .map(|e| self.rec_text(&e)),
            });
        }

        self.progress(Progress::Stage("state tree"));
        // 5. The state tree, then the paths the audit and fix need wherever they are.
        let walk = walk::walk(self, &loc.state_dir, self.opts.entry_limit);
        self.record(&loc.config_path);
        for d in &includes.order {
            self.record(Path::new(&d.path));
        }
        self.record_tree_shallow(&loc.credentials_dir);
        let spec = self.spec;
        let loaded = load::load(raw, &config_path_str, &includes, &spec.env, &dotenv_raw);
        if let Some(log) = crate::config::paths::log_file(
            &loaded.resolved,
            &loc.home.to_string_lossy(),
            &loc.cwd.to_string_lossy(),
        ) {
            self.record(Path::new(&log));
        }
        // Per-agent paths the fs checks and `--fix` visit, also through a symlinked dir the walk does not enter.
        let is_dir = |p: &Path| hostfs::stat(p).is_ok_and(|s| s.kind == FileKind::Dir);
        let agents_dir = loc.state_dir.join("agents");
        let agent_ids = if is_dir(&agents_dir) {
            crate::config::paths::fs_agent_ids(&loaded.resolved)
        } else {
            Vec::new()
        };
        for id in agent_ids {
            let root = agents_dir.join(&id);
            let (agent, sessions) = (root.join("agent"), root.join("sessions"));
            self.record(&root);
            if !is_dir(&root) {
                continue;
            }
            self.record(&agent);
            self.record(&sessions);
            if is_dir(&agent) {
                self.record(&agent.join("auth-profiles.json"));
            }
            if !is_dir(&sessions) {
                continue;
            }
            self.record(&sessions.join("sessions.json"));
            for n in hostfs::read_dir_names(&sessions).unwrap_or_default() {
                if n.to_string_lossy().ends_with(".jsonl") {
                    self.record(&sessions.join(n));
                }
            }
        }
        // OpenClaw follows a symlinked approvals file.
        let approvals = loc.home.join(".openclaw").join("exec-approvals.json");
        self.capture_json_content(&approvals, true, &Doc::Other);
        self.progress(Progress::Stage("databases"));
        // SQLite databases in the state tree (before the config-dependent steps, which read their facts).
        let mut databases = Vec::new();
        // (A recorded path ends as its real path does: the home alias replaces a prefix.)
        let mut db_paths = self
            .files
            .reals_where(|e| e.kind == FileKind::File && is_database_name(&e.path));
        db_paths.sort();
        for real in db_paths {
            let mut facts = sqlite::read_database(Path::new(&real));
            self.pseudonymize_db(&mut facts);
            self.redact_db_text(&mut facts);
            if Path::new(&real) == loc.state_dir.join("state").join("openclaw.sqlite") {
                self.state_db = facts.state.clone();
            }
            databases.push(DatabaseEntry {
                path: self.rec_str(&real),
                facts,
            });
        }
        databases.sort_by(|a, b| a.path.cmp(&b.path));
        self.progress(Progress::Stage("plugins, skills and secrets"));
        // Paths whose location depends on the config: plugin and hook packages, workspace skills, sandbox
        // bind sources, and the secrets OpenClaw resolves before its audit.
        extensions::capture(self, &loaded.resolved);
        self.probe_plugin_load_paths(&loaded.resolved);
        hooks::capture(self, &loaded.resolved);
        let workspaces = skills::capture(self, &loaded);
        let ancestor_realpaths = sandbox::capture(self, &loaded.resolved, &loaded.env);
        let secret_refs = secrets::capture(self, &loaded);
        let docker = self.opts.docker.then(|| docker::probe(self));

        // 6. Content of the small state files the audit reads.
        let cred = &loc.credentials_dir;
        if let Ok(names) = hostfs::read_dir_names(cred) {
            let mut names: Vec<String> = names
                .into_iter()
                .filter_map(|n| n.into_string().ok())
                .collect();
            names.sort();
            for n in names.iter().filter(|n| n.ends_with("-allowFrom.json")) {
                // `<channel>[-<account>]-allowFrom.json`: the channels whose entries are normalized have no `-`.
                let channel = n.split('-').next().unwrap_or_default();
                let doc = Doc::Pairing(Context::of_channel(channel));
                self.capture_json_content(&cred.join(n), false, &doc);
            }
        }
        self.capture_json_content(
            &loc.state_dir.join("plugins").join("installs.json"),
            false,
            &Doc::Other,
        );

        // Sorted by recorded path; of two real paths recorded as one, the smaller is kept.
        let files = std::mem::take(&mut self.files).into_sorted();

        let manifest = Manifest {
            format: FORMAT_VERSION,
            host: HostFacts {
                platform: std::env::consts::OS.to_string(),
                home: self.rec(&loc.home),
                cwd: self.rec(&self.spec.cwd),
                uid: self.opts.owner_alias.map(|a| a.0).unwrap_or(self.spec.uid),
                gid: self.opts.owner_alias.map(|a| a.1).unwrap_or(self.spec.gid),
                state_dir: self.rec(&loc.state_dir),
                config_path: self.rec(&loc.config_path),
                credentials_dir: self.rec(&loc.credentials_dir),
                env: env_rec,
                dotenv,
            },
            config,
            files,
            databases,
            walk,
            redaction: RedactionFacts {
                mode: if self.opts.redact {
                    "secrets".into()
                } else {
                    "none".into()
                },
                secrets: self.redactor.replaced,
                classes: self.redactor.classes(),
                identities: Some(IdentityFacts {
                    mode: if self.redactor.ids.enabled() {
                        "pseudonymized".into()
                    } else {
                        "kept".into()
                    },
                    values: self.redactor.ids.replaced,
                    classes: self.redactor.ids.classes(),
                    home_alias: self.home_alias.clone(),
                }),
            },
            diagnostics: std::mem::take(&mut self.diagnostics).into_iter().collect(),
            secret_refs,
            docker,
            ancestor_realpaths,
            workspaces,
        };
        Snapshot {
            manifest,
            blobs: std::mem::take(&mut self.blobs),
            meta: Meta::new(self.opts.label.clone(), self.opts.captured_at),
        }
    }

    /// A state DB's facts as recorded: pairing entries pseudonymized in their channel's terms, paths under the
    /// home dir aliased.
    fn pseudonymize_db(&mut self, facts: &mut sqlite::DatabaseFacts) {
        let alias = |r: &Redactor, s: &mut String| {
            if let Some(a) = r.alias_text(s) {
                *s = a;
            }
        };
        for d in &mut facts.diagnostics {
            alias(&self.redactor, d);
        }
        let Some(state) = facts.state.as_mut() else {
            return;
        };
        for list in &mut state.pairing_allowlists {
            let ctx = Context::of_channel(&list.channel);
            for e in &mut list.entries {
                *e = self.redactor.ids.entry(ctx, e);
            }
        }
        if let Some(ex) = state.exec_approvals.as_mut() {
            for a in ex.agents.values_mut() {
                a.allowlist
                    .iter_mut()
                    .for_each(|p| alias(&self.redactor, p));
            }
        }
        for r in state
            .plugin_installs
            .iter_mut()
            .chain(state.hook_installs.iter_mut())
        {
            if let Some(p) = r.install_path.as_mut() {
                alias(&self.redactor, p);
            }
        }
    }

    /// Free text of a state DB's facts with its secrets redacted: exec-approval patterns (command lines, which may
    /// carry a token or an `Authorization:` header) and install-record specs (a tarball URL with a password, a
    /// local path). What the checks read stays: the command word and its basename, a spec's `@version`.
    fn redact_db_text(&mut self, facts: &mut sqlite::DatabaseFacts) {
        let Some(state) = facts.state.as_mut() else {
            return;
        };
        let r = &mut self.redactor;
        let mut redact = |s: &mut String| {
            if let Some(t) = r.redact_free_text(s) {
                *s = t;
            }
        };
        if let Some(ex) = state.exec_approvals.as_mut() {
            ex.agents
                .values_mut()
                .flat_map(|a| a.allowlist.iter_mut())
                .for_each(&mut redact);
        }
        state
            .plugin_installs
            .iter_mut()
            .chain(state.hook_installs.iter_mut())
            .filter_map(|rec| rec.spec.as_mut())
            .for_each(&mut redact);
    }

    /// A directory and its direct entries (the credentials dir may live outside the state tree).
    /// `plugins.load.paths` entries that do not exist make OpenClaw refuse the config. Each entry is resolved as
    /// the reference does (`~` expanded, relative to the working directory); an existing one is recorded, a
    /// missing one gets a `plugins.load_path.missing` diagnostic, so the audit can tell "missing" from "not
    /// captured" (`config::validate`).
    fn probe_plugin_load_paths(&mut self, cfg: &Value) {
        let Some(list) = cfg.pointer("/plugins/load/paths").and_then(Value::as_array) else {
            return;
        };
        let home = self.loc.home.to_string_lossy().into_owned();
        let cwd = self.spec.cwd.to_string_lossy().into_owned();
        for raw in list.iter().filter_map(Value::as_str) {
            let t = crate::config::secret::js_trim(raw);
            if t.is_empty() {
                continue;
            }
            let expanded = match t.strip_prefix('~') {
                Some("") => home.clone(),
                Some(rest) if rest.starts_with('/') => format!("{home}{rest}"),
                _ => t.to_string(),
            };
            let resolved = load::resolve(&cwd, &expanded);
            let path = PathBuf::from(match resolved.trim_end_matches('/') {
                "" => "/",
                r => r,
            });
            match hostfs::stat(&path) {
                Ok(_) => {
                    self.record(&path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.diag(
                    &path,
                    crate::config::validate::MISSING_LOAD_PATH,
                    "plugins.load.paths names this path, which does not exist",
                ),
                Err(_) => {}
            }
        }
    }

    fn record_tree_shallow(&mut self, dir: &Path) {
        if self.record(dir).is_none() {
            return;
        }
        if let Ok(names) = hostfs::read_dir_names(dir) {
            for n in names {
                self.record(&dir.join(n));
            }
        }
    }

    fn read_includes(&mut self, raw: &Value, config_path: &str) -> HostIncludes {
        let loc = self.loc;
        let root_dir = load::dirname(config_path);
        let root_real = hostfs::realpath(Path::new(&root_dir))
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| root_dir.clone());
        let roots = discover::include_roots(&self.spec.env, &loc.home, &self.spec.cwd);
        let mut src = HostIncludes {
            order: Vec::new(),
            texts: BTreeMap::new(),
            errors: BTreeMap::new(),
        };
        // Discovery needs texts as it goes; fill lazily with a small fixpoint (include graphs are tiny).
        loop {
            let found = load::discover_includes(raw, config_path, &src);
            let mut grew = false;
            for d in &found {
                if src.texts.contains_key(&d.path) {
                    continue;
                }
                grew = true;
                let p = Path::new(&d.path);
                let read = hostfs::read_regular(p, INCLUDE_MAX_BYTES, true);
                let mut error =
                    loader_verdict(p, &root_dir, &root_real, &roots, read.as_ref().err());
                let text = read.ok().and_then(|b| String::from_utf8(b).ok());
                // A file the loader would read but cannot parse: it refuses the config, at this line and column.
                if let (None, Some(t)) = (&error, &text) {
                    if let Err(e) = json5::parse(t) {
                        let shown = parse_error_note(t, &e, &self.rec_str(&d.path));
                        error = Some(format!("include file does not parse: {shown}"));
                    }
                }
                if let Some(e) = &error {
                    self.diag(
                        p,
                        "include.refused",
                        format!("OpenClaw's loader refuses this include: {e}"),
                    );
                }
                src.texts.insert(d.path.clone(), text);
                src.errors.insert(d.path.clone(), error);
            }
            if !grew {
                src.order = found;
                return src;
            }
        }
    }
}

/// The first place an include is mounted at (where its identities are read), the config's root if none.
fn first_mount(mounts: &BTreeMap<String, Vec<Vec<String>>>, path: &str) -> Vec<String> {
    mounts
        .get(path)
        .and_then(|m| m.first())
        .cloned()
        .unwrap_or_default()
}

/// Most mounts recorded for one include (a graph of includes each including the next twice grows fast).
const MAX_MOUNTS: usize = 64;

/// Where each include's content lands in the config: the key paths of its `$include`s (in the including file,
/// after that file's own mounts), in discovery order. An include mounted at several places is judged at each.
fn include_mounts(
    raw: &Value,
    config_path: &str,
    includes: &HostIncludes,
) -> BTreeMap<String, Vec<Vec<String>>> {
    fn walk(
        v: &Value,
        base: &str,
        keys: &mut Vec<String>,
        includes: &HostIncludes,
        out: &mut BTreeMap<String, Vec<Vec<String>>>,
        depth: usize,
    ) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "$include" {
                        let raws: Vec<&str> = match child {
                            Value::String(s) => vec![s.as_str()],
                            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                            _ => Vec::new(),
                        };
                        for r in raws {
                            let path = load::resolve(&load::dirname(base), r);
                            let seen = out.entry(path.clone()).or_default();
                            if seen.contains(keys) || seen.len() >= MAX_MOUNTS || depth > 10 {
                                continue;
                            }
                            seen.push(keys.clone());
                            let text = includes.text(&path);
                            if let Some(Ok(node)) = text.as_deref().map(json5::parse) {
                                walk(&node.to_json(), &path, keys, includes, out, depth + 1);
                            }
                        }
                        continue;
                    }
                    keys.push(k.clone());
                    walk(child, base, keys, includes, out, depth);
                    keys.pop();
                }
            }
            Value::Array(items) => {
                for i in items {
                    walk(i, base, keys, includes, out, depth);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(raw, config_path, &mut Vec::new(), includes, &mut out, 0);
    out
}

/// A JSON5 syntax error for a capture diagnostic: `path:line:col: message`, then the offending line and a caret
/// under the column. The file could not be parsed, so it cannot be redacted, and it may hold secrets: every
/// character of the quoted line other than ASCII punctuation and blanks is masked as `x`, and so is any source
/// text the message echoes between quotes. The diagnostic keeps where the error is and the line's shape, never
/// its words.
fn parse_error_note(text: &str, e: &json5::ParseError, path: &str) -> String {
    fn mask(c: char) -> char {
        if c.is_ascii_punctuation() || matches!(c, ' ' | '\t' | '\n' | '\r') {
            c
        } else {
            'x'
        }
    }
    // One byte per char: the masked offset is the number of chars before the error.
    let masked: String = text.chars().map(mask).collect();
    let offset = text
        .get(..e.offset)
        .map_or(masked.len(), |before| before.chars().count());
    let mut quoted = false;
    let message = e
        .message
        .chars()
        .map(|c| {
            if c == '\'' {
                quoted = !quoted;
                c
            } else if quoted {
                mask(c)
            } else {
                c
            }
        })
        .collect();
    json5::ParseError {
        message,
        offset,
        line: e.line,
        col: e.col,
    }
    .render(&masked, path)
}

/// The config loader's rules for reading an include: inside the config dir or an `OPENCLAW_INCLUDE_ROOTS` entry
/// (lexically and after realpath), a regular file, at most 2 MiB, not hard-linked, readable (`read_error` is the
/// outcome of the capture's own read of it).
fn loader_verdict(
    path: &Path,
    root_dir: &str,
    root_real: &str,
    roots: &[(String, String)],
    read_error: Option<&hostfs::ReadError>,
) -> Option<String> {
    let p = path.to_string_lossy();
    let lexical =
        load::is_inside(root_dir, &p) || roots.iter().any(|(r, _)| load::is_inside(r, &p));
    if !lexical {
        return Some(format!(
            "include path escapes the config directory ({root_dir}) and OPENCLAW_INCLUDE_ROOTS"
        ));
    }
    match hostfs::realpath(path) {
        Ok(real) => {
            let real = real.to_string_lossy();
            let inside = load::is_inside(root_real, &real)
                || roots.iter().any(|(_, r)| load::is_inside(r, &real));
            if !inside {
                return Some(format!(
                    "include resolves outside the allowed roots through a symlink ({real})"
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some("include file does not exist".into());
        }
        Err(e) => return Some(format!("cannot resolve include path: {e}")),
    }
    match hostfs::stat(path) {
        Ok(st) if st.kind != FileKind::File => Some(format!(
            "include is not a regular file ({})",
            st.kind.as_str()
        )),
        Ok(st) if st.size > INCLUDE_MAX_BYTES => Some(format!(
            "include is {} bytes, over the 2 MiB limit",
            st.size
        )),
        Ok(st) if st.nlink > 1 => Some("include file is hard-linked".into()),
        Ok(_) => read_error.map(|e| format!("cannot read include: {e}")),
        Err(e) => Some(format!("cannot stat include: {e}")),
    }
}

fn is_database_name(path: &str) -> bool {
    [".sqlite", ".sqlite3", ".db"]
        .iter()
        .any(|s| path.ends_with(s))
}
