//! The manifest: every fact a capture records, as plain data.
//!
//! The manifest is the hashed part of a snapshot. It holds only content (what the host looks like), never when or
//! by which tool version it was captured, so an unchanged host keeps its id across clawprint upgrades. Everything
//! in it is ordered (sorted `Vec`s and `BTreeMap`s) so that serializing it is canonical.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::capture::sqlite::DatabaseFacts;

/// Version of the manifest layout. Readers refuse any other value.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub host: HostFacts,
    pub config: ConfigFacts,
    /// Every path the capture looked at, sorted by path, unique.
    pub files: Vec<FileEntry>,
    /// SQLite databases found in the state tree, sorted by path.
    pub databases: Vec<DatabaseEntry>,
    pub walk: WalkFacts,
    pub redaction: RedactionFacts,
    /// Problems met while capturing (unreadable files, include errors, …), sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// SecretRefs and `${VAR}` templates on the paths OpenClaw resolves before its audit (gateway auth and remote
    /// token/password, channel secrets), as capture resolved them (read-only; exec sources are never run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_refs: Vec<SecretRefFact>,
    /// Sandbox-browser containers, when `capture --docker` asked Docker. `None`: capture did not look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<DockerFacts>,
    /// Paths OpenClaw resolves through their deepest existing ancestor before judging them (sandbox bind sources
    /// and the home roots their blocked paths hang off), sorted by path, unique. Metadata only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ancestor_realpaths: Vec<AncestorRealpath>,
    /// Agent workspaces that have a `skills/` directory, with the realpath the workspace-skill checks compare
    /// `SKILL.md` realpaths against; the `skills/` tree itself is recorded in `files`. Sorted by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<WorkspaceFacts>,
}

/// How one absolute path resolves: its deepest existing ancestor (the path itself when it exists; `stat`, so a
/// dangling link does not count) and that ancestor's `realpath`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AncestorRealpath {
    /// The normalized path asked about.
    pub path: String,
    /// Its deepest existing ancestor; `None` when none could be found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ancestor: Option<String>,
    /// `realpath` of the ancestor; `None` when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realpath: Option<String>,
}

/// One agent workspace whose `skills/` tree capture scanned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceFacts {
    /// The workspace path as OpenClaw resolves it from the config (not a realpath).
    pub path: String,
    /// Its realpath; `None` when it cannot be resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realpath: Option<String>,
}

/// One secret reference on a path the reference resolves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRefFact {
    /// Dotted config path, e.g. `gateway.auth.token`.
    pub path: String,
    /// The ref's source: `env`, `file` or `exec`.
    pub source: String,
    /// The provider alias (a key of `secrets.providers`, or the default alias).
    pub provider: String,
    /// Env var name, JSON pointer (`file`) or exec id: names where the secret lives, never the secret.
    pub id: String,
    /// The config holds a string form (`${VAR}`, `$VAR`, `secretref-env:VAR`) rather than a `{source, provider,
    /// id}` object; an unresolved string stays in the config as it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inline: bool,
    /// `resolved`, `unresolved`, or `skipped` (an exec source that passed the path checks: never run).
    pub status: String,
    /// The resolved value as a redaction marker (never the secret itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why it did not resolve, in OpenClaw's wording where OpenClaw would fail the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `docker` reported about sandbox-browser containers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerFacts {
    /// `ok`, `unavailable` (no docker binary or daemon), `timeout` or `error`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Containers labelled `openclaw.sandboxBrowser=1`, sorted by name.
    pub containers: Vec<BrowserContainer>,
}

/// The container labels recorded in [`BrowserContainer::labels`].
pub const HASH_LABEL: &str = "openclaw.configHash";
pub const EPOCH_LABEL: &str = "openclaw.browserConfigEpoch";

/// One sandbox-browser container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrowserContainer {
    pub name: String,
    /// The container's labels that the audit reads (`openclaw.*`).
    pub labels: BTreeMap<String, String>,
    /// Host addresses its ports are published on (`docker port`), e.g. `0.0.0.0:9222`.
    pub published: Vec<String>,
}

/// Facts about the host process environment the audit depends on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostFacts {
    /// `linux`, `macos`, … (Rust's `std::env::consts::OS`).
    pub platform: String,
    pub home: String,
    /// Working directory of the capture: `logging.file` and relative paths resolve against it.
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub state_dir: String,
    pub config_path: String,
    pub credentials_dir: String,
    /// Process environment variables the audit reads (known names and every `${VAR}` the config references).
    /// Secret values are replaced by markers (see `config::secret`).
    pub env: BTreeMap<String, String>,
    /// Variables of `<stateDir>/.env`, which OpenClaw loads into its environment (values are markers).
    pub dotenv: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFacts {
    pub path: String,
    pub exists: bool,
    /// Blob holding the redacted config text (comments and layout kept).
    pub blob: Option<String>,
    /// Include files in discovery order (depth-first pre-order, de-duplicated), as the reference finds them.
    pub includes: Vec<IncludeFile>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncludeFile {
    /// Normalized path (not realpath), as the reference reports it.
    pub path: String,
    /// The file that names it.
    pub parent: String,
    /// Redacted text, when the config loader would read it.
    pub blob: Option<String>,
    /// Why the config loader would refuse it (outside the allowed roots, too large, not a regular file, …).
    pub error: Option<String>,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    #[default]
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    Char,
    Block,
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::Dir => "dir",
            FileKind::Symlink => "symlink",
            FileKind::Fifo => "fifo",
            FileKind::Socket => "socket",
            FileKind::Char => "char",
            FileKind::Block => "block",
            FileKind::Unknown => "unknown",
        }
    }
}

/// One `lstat` result. Times and inode numbers are left out on purpose: they change without the host changing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub kind: FileKind,
    /// Permission bits including setuid/setgid/sticky (`st_mode & 0o7777`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Hard-link count of regular files when above one (the include loader refuses hard-linked files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nlink: Option<u64>,
    /// Symlink target as stored in the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For symlinks: what `stat` (following links) says, without reading any content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// (Boxed: most entries are not links, and a big tree has hundreds of thousands of entries.)
    pub resolved: Option<Box<Resolved>>,
    /// Redacted content, for the few files whose content the audit reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolved {
    /// `None` when the target does not exist or cannot be stat'ed (dangling link, loop).
    pub kind: Option<FileKind>,
    pub mode: Option<u32>,
    pub realpath: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseEntry {
    pub path: String,
    pub facts: DatabaseFacts,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkFacts {
    /// Entry limit of the state-tree walk.
    pub limit: u64,
    /// Entries recorded by the walk.
    pub entries: u64,
    /// True when the walk stopped at the limit: the snapshot does not list the whole tree.
    pub truncated: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactionFacts {
    /// `secrets`: secret values replaced by markers (the only mode in format 1).
    pub mode: String,
    /// How many secret values were replaced, and in how many equivalence classes.
    pub secrets: u64,
    pub classes: u64,
    /// How identities were recorded; absent in snapshots of clawprint versions that did not pseudonymize.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<IdentityFacts>,
}

/// Identities (allowlist entries, chat and group ids, phone numbers, the home dir's name) in a snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityFacts {
    /// `pseudonymized` (the default) or `kept` (`capture --keep-identities`).
    pub mode: String,
    /// How many identity values were replaced, and in how many classes (equal values share a class).
    pub values: u64,
    pub classes: u64,
    /// The home dir is recorded under this path instead of its real one (`--home-alias`, or its pseudonym).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_alias: Option<String>,
}

#[derive(
    Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    /// Path the diagnostic is about (empty when none).
    pub path: String,
    /// Stable code, e.g. `read.denied`, `include.escapes_root`, `config.parse`.
    pub code: String,
    pub message: String,
}
