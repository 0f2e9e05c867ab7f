//! Read-only, bounded-cost capture of SQLite databases, in particular the OpenClaw state DB
//! (`<stateDir>/state/openclaw.sqlite`, releases 2026.8+).
//!
//! What is read, and how:
//! - the 100-byte file header, read by us (the file is opened `O_NOFOLLOW | O_NONBLOCK` and checked
//!   with `fstat` to be a regular file first, so a FIFO or device never blocks and a symlink is not
//!   followed);
//! - `sqlite_master` and, when the DB looks like the OpenClaw state DB, a few small tables, each query
//!   with a `LIMIT`. Big tables (sessions, transcripts, events, ...) are never touched.
//!
//! The DB is opened as `file:<path>?mode=ro&immutable=1` with `SQLITE_OPEN_READ_ONLY | SQLITE_OPEN_URI |
//! SQLITE_OPEN_NO_MUTEX | SQLITE_OPEN_NOFOLLOW`, `PRAGMA query_only=1` and a busy timeout of 0.
//! `immutable=1` takes no locks and never creates `-wal`/`-shm`/`-journal` files, so the capture writes
//! nothing and cannot wait on a writer. The price: frames still in `<db>-wal` (not yet checkpointed) and
//! a hot rollback journal are ignored; a diagnostic says so.
//!
//! Where the facts live in the 2026.9.6 schema (see `tests/data/state-db/README.md`):
//! - exec approvals: `exec_approvals_config` row `config_key='current'`, column `raw_json` (the whole
//!   exec-approvals document; parsed here, its `socket.token` is never copied);
//! - plugin install records: `config_machine_state` row `state_key='plugins.installedIndex'`,
//!   `value_json.index.installRecords`;
//! - hook install records: `config_machine_state` row `state_key='hooks.internal.installs'`;
//! - pairing allowlists: `channel_pairing_allow_entries(channel_key, account_id, entry, sort_order)`.
//!
//! Strings are copied as stored (no trimming, no redaction; invalid UTF-8 is replaced lossily).

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `PRAGMA user_version` of the OpenClaw 2026.9.6 state DB (also `schema_meta.schema_version`).
pub const KNOWN_STATE_SCHEMA_VERSION: i32 = 18;
/// At most this many rows are read from any one table (and at most this many records are taken
/// from any one JSON object); hitting the limit yields a diagnostic.
pub const MAX_ROWS: usize = 10_000;
/// Any single TEXT/BLOB value larger than this is refused by SQLite (`SQLITE_LIMIT_LENGTH`) before
/// its content is loaded, so one huge row cannot make the capture expensive.
pub const MAX_VALUE_BYTES: i32 = 32 * 1024 * 1024;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;

const EXEC_APPROVALS_TABLE: &str = "exec_approvals_config";
const MACHINE_STATE_TABLE: &str = "config_machine_state";
const PAIRING_ALLOW_TABLE: &str = "channel_pairing_allow_entries";
/// Tables whose presence marks a DB as the OpenClaw state DB.
const STATE_TABLES: [&str; 3] = [
    EXEC_APPROVALS_TABLE,
    MACHINE_STATE_TABLE,
    PAIRING_ALLOW_TABLE,
];
const EXEC_APPROVALS_KEY: &str = "current";
const PLUGIN_INDEX_KEY: &str = "plugins.installedIndex";
const HOOK_INSTALLS_KEY: &str = "hooks.internal.installs";
/// The pairing store's "no account" sentinel (`resolveAllowFromAccountId(undefined)`).
const DEFAULT_ACCOUNT: &str = "default";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DatabaseFacts {
    /// Parsed from the first 100 bytes of the file.
    pub header: Option<DbHeader>,
    /// `sqlite_master` rows with non-null `sql`, sorted by (type, name).
    pub schema: Vec<SchemaObject>,
    /// Size of `<db>-wal` if present (lstat).
    pub wal_size: Option<u64>,
    /// `<db>-shm` exists (lstat).
    pub shm_present: bool,
    /// Some only when the DB looks like the OpenClaw state DB (known tables present).
    pub state: Option<StateFacts>,
    /// Problems and caveats, in a deterministic order.
    pub diagnostics: Vec<String>,
}

/// The fields of the 100-byte database header we keep. Journal mode: write/read version 2 = WAL,
/// 1 = rollback journal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DbHeader {
    pub page_size: u32,
    pub write_version: u8,
    pub read_version: u8,
    pub page_count: u32,
    pub user_version: i32,
    pub application_id: i32,
    pub text_encoding: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SchemaObject {
    /// `sqlite_master.type`: table, index, view, trigger.
    pub kind: String,
    pub name: String,
    pub tbl_name: String,
    pub sql: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StateFacts {
    /// None when there is no (parsable) exec-approvals document.
    pub exec_approvals: Option<ExecApprovals>,
    /// Sorted by id.
    pub plugin_installs: Vec<InstallRecord>,
    /// Sorted by id.
    pub hook_installs: Vec<InstallRecord>,
    /// Sorted by (channel, account).
    pub pairing_allowlists: Vec<PairingAllowlist>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExecApprovals {
    /// `defaults.autoAllowSkills`.
    pub defaults_auto_allow_skills: Option<bool>,
    /// Keyed by agent id as stored (OpenClaw merges a legacy `default` agent into `main`; not done here).
    pub agents: BTreeMap<String, AgentApprovals>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AgentApprovals {
    pub auto_allow_skills: Option<bool>,
    /// Patterns, in stored order (string entries and `{pattern}` objects alike).
    pub allowlist: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstallRecord {
    /// Plugin id or hook id (the key of the record map).
    pub id: String,
    pub source: Option<String>,
    pub spec: Option<String>,
    pub integrity: Option<String>,
    pub version: Option<String>,
    pub resolved_version: Option<String>,
    pub install_path: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PairingAllowlist {
    /// `channel_key` as stored (lower-cased, sanitised channel id).
    pub channel: String,
    /// None for the default account (stored as `'default'`, which is what the legacy
    /// `<channel>-allowFrom.json` migrates to); else the stored `account_id`.
    pub account: Option<String>,
    /// Entries in stored `sort_order`.
    pub entries: Vec<String>,
}

/// True when `first_bytes` start with the SQLite 3 magic string `"SQLite format 3\0"`.
pub fn looks_like_sqlite(first_bytes: &[u8]) -> bool {
    first_bytes.starts_with(SQLITE_MAGIC)
}

/// Reads what the capture needs from the SQLite database at `path`. Never writes, never blocks on
/// locks, never panics and never errors: every problem becomes a diagnostic.
pub fn read_database(path: &Path) -> DatabaseFacts {
    let mut facts = DatabaseFacts::default();
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_into(path, &mut facts)));
    if outcome.is_err() {
        facts
            .diagnostics
            .push("internal error while reading the database; facts are incomplete".into());
    }
    facts
}

fn read_into(path: &Path, facts: &mut DatabaseFacts) {
    // Sidecars (lstat only; immutable mode ignores them).
    if let Ok(meta) = std::fs::symlink_metadata(sidecar(path, "-wal")) {
        facts.wal_size = Some(meta.len());
    }
    facts.shm_present = std::fs::symlink_metadata(sidecar(path, "-shm")).is_ok();
    let journal_present = std::fs::symlink_metadata(sidecar(path, "-journal")).is_ok();

    // Header, read by us.
    let (bytes, file_len) = match read_header_bytes(path) {
        Ok(v) => v,
        Err(msg) => {
            facts.diagnostics.push(msg);
            return;
        }
    };
    if file_len == 0 {
        facts
            .diagnostics
            .push("empty file (0 bytes): not a SQLite database".into());
        return;
    }
    if !looks_like_sqlite(&bytes) {
        facts
            .diagnostics
            .push("not a SQLite database (no \"SQLite format 3\" header)".into());
        return;
    }
    if bytes.len() < HEADER_LEN {
        facts.diagnostics.push(format!(
            "truncated database: {file_len} bytes, shorter than the 100-byte SQLite header"
        ));
        return;
    }
    let header = parse_header(&bytes);
    check_header(&header, &bytes, file_len, &mut facts.diagnostics);
    facts.header = Some(header);

    if let Some(wal) = facts.wal_size.filter(|n| *n > 0) {
        facts.diagnostics.push(format!(
            "uncheckpointed WAL ignored: {wal}-byte -wal file present; facts reflect the last checkpoint"
        ));
    }
    if journal_present {
        facts.diagnostics.push(
            "rollback journal (-journal) present: a write may be in progress or was interrupted; it is ignored".into(),
        );
    }

    // SQLite, immutable and read-only.
    let conn = match open_immutable(path) {
        Ok(c) => c,
        Err(e) => {
            facts
                .diagnostics
                .push(describe_error("cannot open database", &e));
            return;
        }
    };

    match read_schema(&conn) {
        Ok((schema, truncated)) => {
            facts.schema = schema;
            if truncated {
                facts.diagnostics.push(format!(
                    "rows truncated: sqlite_master has more than {MAX_ROWS} objects; only the first {MAX_ROWS} read"
                ));
            }
        }
        Err(e) => {
            facts
                .diagnostics
                .push(describe_error("cannot read schema", &e));
            return;
        }
    }

    let tables: Vec<&str> = facts
        .schema
        .iter()
        .filter(|o| o.kind == "table")
        .map(|o| o.name.as_str())
        .collect();
    let has = |t: &str| tables.contains(&t);
    if !STATE_TABLES.iter().any(|t| has(t)) {
        return;
    }
    let user_version = facts.header.as_ref().map_or(0, |h| h.user_version);
    if user_version != KNOWN_STATE_SCHEMA_VERSION {
        facts.diagnostics.push(format!(
            "unknown schema version: state DB user_version {user_version}, known {KNOWN_STATE_SCHEMA_VERSION} (OpenClaw 2026.9.6); facts read best-effort"
        ));
    }
    let mut state = StateFacts::default();
    let diags = &mut facts.diagnostics;
    if has(EXEC_APPROVALS_TABLE) {
        state.exec_approvals = read_exec_approvals(&conn, diags);
    }
    if has(MACHINE_STATE_TABLE) {
        let (plugins, hooks) = read_install_records(&conn, diags);
        state.plugin_installs = plugins;
        state.hook_installs = hooks;
    }
    if has(PAIRING_ALLOW_TABLE) {
        state.pairing_allowlists = read_pairing_allowlists(&conn, diags);
    }
    facts.state = Some(state);
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Reads up to 100 bytes; returns them with the file size. Refuses symlinks and non-regular files.
fn read_header_bytes(path: &Path) -> Result<(Vec<u8>, u64), String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => "path is a symbolic link; not followed".to_string(),
            Some(libc::ENOENT) => "database file not found".to_string(),
            _ => format!("cannot open database file: {e}"),
        })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot stat database file: {e}"))?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let kind = if ft.is_fifo() {
            "a FIFO"
        } else if ft.is_dir() {
            "a directory"
        } else if ft.is_socket() {
            "a socket"
        } else if ft.is_char_device() || ft.is_block_device() {
            "a device"
        } else {
            "not a regular file"
        };
        return Err(format!("not a regular file ({kind}); not read"));
    }
    let mut buf = Vec::with_capacity(HEADER_LEN);
    file.take(HEADER_LEN as u64)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read database header: {e}"))?;
    Ok((buf, meta.len()))
}

fn be_u16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// `bytes` must hold at least 100 bytes.
fn parse_header(bytes: &[u8]) -> DbHeader {
    let raw_page_size = be_u16(bytes, 16);
    DbHeader {
        page_size: if raw_page_size == 1 {
            65_536
        } else {
            u32::from(raw_page_size)
        },
        write_version: bytes[18],
        read_version: bytes[19],
        page_count: be_u32(bytes, 28),
        text_encoding: be_u32(bytes, 56),
        user_version: be_u32(bytes, 60) as i32,
        application_id: be_u32(bytes, 68) as i32,
    }
}

fn check_header(h: &DbHeader, bytes: &[u8], file_len: u64, diags: &mut Vec<String>) {
    let ps = h.page_size;
    if !(512..=65_536).contains(&ps) || !ps.is_power_of_two() {
        diags.push(format!("corrupt header: invalid page size {ps}"));
        return;
    }
    if h.write_version > 2 || h.read_version > 2 || h.write_version == 0 || h.read_version == 0 {
        diags.push(format!(
            "corrupt or unsupported header: file format write/read version {}/{}",
            h.write_version, h.read_version
        ));
    }
    if file_len % u64::from(ps) != 0 {
        diags.push(format!(
            "corrupt or truncated database: file size {file_len} is not a multiple of the page size {ps}"
        ));
    }
    // The in-header page count is valid only when the version-valid-for number equals the change counter.
    let count_valid = h.page_count != 0 && bytes[24..28] == bytes[92..96];
    if count_valid && u64::from(h.page_count) * u64::from(ps) > file_len {
        diags.push(format!(
            "truncated database: header says {} pages of {ps} bytes, file has {file_len} bytes",
            h.page_count
        ));
    }
}

/// `file:` URI for `path` with every byte outside the unreserved set percent-encoded.
fn sqlite_uri(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut uri = String::with_capacity(bytes.len() + 32);
    uri.push_str("file:");
    if bytes.first() == Some(&b'/') {
        // Empty authority, so a path starting with "//" is never read as a host name.
        uri.push_str("//");
    }
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(sqlite_uri(path), flags)?;
    conn.busy_timeout(Duration::ZERO)?;
    // query_only: refuse any write; trusted_schema off: no functions with side effects from the schema.
    conn.execute_batch("PRAGMA query_only = 1; PRAGMA trusted_schema = 0;")?;
    // SAFETY: `conn.handle()` is the live connection handle owned by `conn`; sqlite3_limit only
    // adjusts a per-connection limit and is safe to call on an open connection.
    unsafe {
        rusqlite::ffi::sqlite3_limit(
            conn.handle(),
            rusqlite::ffi::SQLITE_LIMIT_LENGTH,
            MAX_VALUE_BYTES,
        );
    }
    Ok(conn)
}

fn describe_error(what: &str, e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let kind = match e.sqlite_error_code() {
        Some(C::NotADatabase) => "not a SQLite database: ",
        Some(C::DatabaseCorrupt) => "corrupt database: ",
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => "database locked: ",
        Some(C::TooBig) => "value too large (over the capture's size limit): ",
        _ => "",
    };
    format!("{kind}{what}: {e}")
}

fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

fn read_schema(conn: &Connection) -> rusqlite::Result<(Vec<SchemaObject>, bool)> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name LIMIT ?1",
    )?;
    let mut rows = stmt.query([MAX_ROWS as i64 + 1])?;
    let mut out = Vec::new();
    let mut truncated = false;
    while let Some(row) = rows.next()? {
        if out.len() == MAX_ROWS {
            truncated = true;
            break;
        }
        out.push(SchemaObject {
            kind: text(row.get_ref(0)?).unwrap_or_default(),
            name: text(row.get_ref(1)?).unwrap_or_default(),
            tbl_name: text(row.get_ref(2)?).unwrap_or_default(),
            sql: text(row.get_ref(3)?).unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
    Ok((out, truncated))
}

// ---------------------------------------------------------------------------------------------
// Exec approvals

fn read_exec_approvals(conn: &Connection, diags: &mut Vec<String>) -> Option<ExecApprovals> {
    let query = || -> rusqlite::Result<Option<Option<String>>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT raw_json FROM {EXEC_APPROVALS_TABLE} WHERE config_key = ?1 LIMIT 1"
        ))?;
        let mut rows = stmt.query([EXEC_APPROVALS_KEY])?;
        match rows.next()? {
            Some(row) => Ok(Some(text(row.get_ref(0)?))),
            None => Ok(None),
        }
    };
    let raw = match query() {
        Ok(Some(Some(raw))) => raw,
        Ok(Some(None)) | Ok(None) => return None,
        Err(e) => {
            diags.push(describe_error(
                &format!("cannot read {EXEC_APPROVALS_TABLE}"),
                &e,
            ));
            return None;
        }
    };
    let where_ = format!("{EXEC_APPROVALS_TABLE}.raw_json");
    let doc: Value = match serde_json::from_str(&raw) {
        Ok(v) => v,
        Err(_) => {
            diags.push(format!(
                "{where_} is not valid JSON; OpenClaw fails closed on it (security deny, autoAllowSkills false)"
            ));
            return None;
        }
    };
    let Some(root) = doc.as_object() else {
        diags.push(format!(
            "{where_} is not a JSON object; OpenClaw fails closed on it (security deny, autoAllowSkills false)"
        ));
        return None;
    };
    if root.get("version").and_then(Value::as_i64) != Some(1) {
        diags.push(format!(
            "{where_}: version is not 1; OpenClaw rejects the document and fails closed"
        ));
    }
    let mut out = ExecApprovals::default();
    if let Some(defaults) = root.get("defaults") {
        match defaults {
            Value::Object(d) => {
                out.defaults_auto_allow_skills = opt_bool(
                    d.get("autoAllowSkills"),
                    &where_,
                    "defaults.autoAllowSkills",
                    diags,
                )
            }
            Value::Null => {}
            _ => diags.push(format!("{where_}: defaults is not an object; ignored")),
        }
    }
    let mut patterns_total = 0usize;
    let mut truncated = false;
    match root.get("agents") {
        None | Some(Value::Null) => {}
        Some(Value::Object(agents)) => {
            for (id, agent) in agents {
                if out.agents.len() >= MAX_ROWS {
                    truncated = true;
                    break;
                }
                let Some(agent) = agent.as_object() else {
                    diags.push(format!("{where_}: agent {id:?} is not an object; ignored"));
                    continue;
                };
                let mut a = AgentApprovals {
                    auto_allow_skills: opt_bool(
                        agent.get("autoAllowSkills"),
                        &where_,
                        &format!("agents.{id}.autoAllowSkills"),
                        diags,
                    ),
                    allowlist: Vec::new(),
                };
                match agent.get("allowlist") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(entries)) => {
                        let mut skipped = 0usize;
                        for entry in entries {
                            if patterns_total >= MAX_ROWS {
                                truncated = true;
                                break;
                            }
                            let pattern = match entry {
                                Value::String(s) => Some(s),
                                Value::Object(o) => match o.get("pattern") {
                                    Some(Value::String(s)) => Some(s),
                                    _ => None,
                                },
                                _ => None,
                            };
                            match pattern {
                                Some(p) => {
                                    a.allowlist.push(p.clone());
                                    patterns_total += 1;
                                }
                                None => skipped += 1,
                            }
                        }
                        if skipped > 0 {
                            diags.push(format!(
                                "{where_}: agents.{id}.allowlist has {skipped} entries that are neither a string nor an object with a string pattern; ignored"
                            ));
                        }
                    }
                    Some(_) => diags.push(format!(
                        "{where_}: agents.{id}.allowlist is not an array; ignored"
                    )),
                }
                out.agents.insert(id.clone(), a);
            }
        }
        Some(_) => diags.push(format!("{where_}: agents is not an object; ignored")),
    }
    if truncated {
        diags.push(format!(
            "rows truncated: {where_} has more than {MAX_ROWS} agents or allowlist patterns; only the first {MAX_ROWS} read"
        ));
    }
    Some(out)
}

fn opt_bool(v: Option<&Value>, where_: &str, field: &str, diags: &mut Vec<String>) -> Option<bool> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            diags.push(format!("{where_}: {field} is not a boolean; ignored"));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plugin and hook install records

fn read_install_records(
    conn: &Connection,
    diags: &mut Vec<String>,
) -> (Vec<InstallRecord>, Vec<InstallRecord>) {
    let query = || -> rusqlite::Result<Vec<(String, Option<String>)>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT state_key, value_json FROM {MACHINE_STATE_TABLE} WHERE state_key IN (?1, ?2) ORDER BY state_key LIMIT 2"
        ))?;
        let mut rows = stmt.query([PLUGIN_INDEX_KEY, HOOK_INSTALLS_KEY])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push((
                text(row.get_ref(0)?).unwrap_or_default(),
                text(row.get_ref(1)?),
            ));
        }
        Ok(out)
    };
    let rows = match query() {
        Ok(rows) => rows,
        Err(e) => {
            diags.push(describe_error(
                &format!("cannot read {MACHINE_STATE_TABLE}"),
                &e,
            ));
            return (Vec::new(), Vec::new());
        }
    };
    let mut plugins = Vec::new();
    let mut hooks = Vec::new();
    for (key, value) in rows {
        let where_ = format!("{MACHINE_STATE_TABLE}[{key}]");
        let Some(value) = value else { continue };
        let doc: Value = match serde_json::from_str(&value) {
            Ok(v) => v,
            Err(_) => {
                diags.push(format!("{where_}.value_json is not valid JSON; ignored"));
                continue;
            }
        };
        if key == PLUGIN_INDEX_KEY {
            // {"revision": n, "index": {..., "installRecords": {<id>: record}}}; tolerate a bare index.
            let records = doc
                .get("index")
                .and_then(|i| i.get("installRecords"))
                .or_else(|| doc.get("installRecords"));
            match records {
                None | Some(Value::Null) => {}
                Some(r) => {
                    plugins = parse_record_map(r, &format!("{where_}.index.installRecords"), diags)
                }
            }
        } else if key == HOOK_INSTALLS_KEY && !doc.is_null() {
            hooks = parse_record_map(&doc, &where_, diags);
        }
    }
    (plugins, hooks)
}

fn parse_record_map(v: &Value, where_: &str, diags: &mut Vec<String>) -> Vec<InstallRecord> {
    let Some(map) = v.as_object() else {
        diags.push(format!("{where_} is not a JSON object; ignored"));
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut bad_fields = Vec::new();
    for (id, record) in map {
        if out.len() >= MAX_ROWS {
            diags.push(format!(
                "rows truncated: {where_} has more than {MAX_ROWS} records; only the first {MAX_ROWS} read"
            ));
            break;
        }
        let Some(r) = record.as_object() else {
            diags.push(format!("{where_}: record {id:?} is not an object; ignored"));
            continue;
        };
        let mut field = |name: &str| match r.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                bad_fields.push(format!("{id}.{name}"));
                None
            }
        };
        out.push(InstallRecord {
            id: id.clone(),
            source: field("source"),
            spec: field("spec"),
            integrity: field("integrity"),
            version: field("version"),
            resolved_version: field("resolvedVersion"),
            install_path: field("installPath"),
        });
    }
    if !bad_fields.is_empty() {
        bad_fields.sort();
        diags.push(format!(
            "{where_}: non-string values ignored: {}",
            bad_fields.join(", ")
        ));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

// ---------------------------------------------------------------------------------------------
// Pairing allowlists

fn read_pairing_allowlists(conn: &Connection, diags: &mut Vec<String>) -> Vec<PairingAllowlist> {
    let mut grouped: BTreeMap<(String, Option<String>), Vec<String>> = BTreeMap::new();
    let mut query = || -> rusqlite::Result<bool> {
        // Ordered like OpenClaw reads it; served by the (channel_key, account_id, sort_order, entry) index.
        let mut stmt = conn.prepare(&format!(
            "SELECT channel_key, account_id, entry FROM {PAIRING_ALLOW_TABLE} \
             ORDER BY channel_key, account_id, sort_order, entry LIMIT ?1"
        ))?;
        let mut rows = stmt.query([MAX_ROWS as i64 + 1])?;
        let mut n = 0usize;
        while let Some(row) = rows.next()? {
            if n == MAX_ROWS {
                return Ok(true);
            }
            n += 1;
            let channel = text(row.get_ref(0)?).unwrap_or_default();
            let account = text(row.get_ref(1)?).filter(|a| !a.is_empty() && a != DEFAULT_ACCOUNT);
            let Some(entry) = text(row.get_ref(2)?) else {
                continue;
            };
            grouped.entry((channel, account)).or_default().push(entry);
        }
        Ok(false)
    };
    match query() {
        Ok(true) => diags.push(format!(
            "rows truncated: {PAIRING_ALLOW_TABLE} has more than {MAX_ROWS} rows; only the first {MAX_ROWS} read"
        )),
        Ok(false) => {}
        Err(e) => diags.push(describe_error(&format!("cannot read {PAIRING_ALLOW_TABLE}"), &e)),
    }
    grouped
        .into_iter()
        .map(|((channel, account), entries)| PairingAllowlist {
            channel,
            account,
            entries,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::MetadataExt;

    const SCHEMA_SQL: &str = include_str!("../../tests/data/state-db/schema.sql");

    fn schema_user_version() -> i32 {
        let first = SCHEMA_SQL.lines().next().unwrap();
        first.rsplit(' ').next().unwrap().trim().parse().unwrap()
    }

    /// The committed dump (sorted by name), reordered tables first, minus the statement SQLite
    /// refuses (`sqlite_sequence` is internal; AUTOINCREMENT tables re-create it).
    fn schema_batch() -> String {
        let mut stmts: Vec<String> = Vec::new();
        for line in SCHEMA_SQL.lines().filter(|l| !l.starts_with("--")) {
            match stmts.last_mut() {
                Some(cur) if !line.starts_with("CREATE ") => {
                    cur.push('\n');
                    cur.push_str(line);
                }
                _ => stmts.push(line.to_string()),
            }
        }
        stmts.retain(|s| !s.starts_with("CREATE TABLE sqlite_sequence"));
        stmts.sort_by_key(|s| !s.starts_with("CREATE TABLE "));
        stmts.join("\n")
    }

    /// A state DB in WAL mode built from the real schema, closed (so checkpointed; no -wal/-shm left).
    fn make_state_db(path: &Path, fill: impl FnOnce(&Connection)) {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch(&schema_batch()).unwrap();
        conn.pragma_update(None, "user_version", schema_user_version())
            .unwrap();
        fill(&conn);
        drop(conn);
        assert!(!sidecar(path, "-wal").exists());
    }

    const EXEC_DOC: &str = r#"{
  "version": 1,
  "socket": { "path": "/home/u/.openclaw/exec-approvals.sock", "token": "SOCKET-TOKEN-SECRET" },
  "defaults": { "security": "allowlist", "autoAllowSkills": true },
  "agents": {
    "main": { "allowlist": [ { "id": "a1", "pattern": "/usr/bin/python3", "lastUsedAt": 5 }, "/usr/bin/awk" ] },
    "ops": { "autoAllowSkills": false, "allowlist": [ { "pattern": "/usr/local/bin/node" }, 42 ] }
  }
}
"#;

    fn insert_exec(conn: &Connection, raw: &str) {
        conn.execute(
            "INSERT INTO exec_approvals_config (config_key, raw_json, socket_path, has_socket_token, \
             default_security, auto_allow_skills, agent_count, allowlist_count, updated_at_ms) \
             VALUES ('current', ?1, '/s', 1, 'allowlist', 1, 2, 3, 1)",
            [raw],
        )
        .unwrap();
    }

    fn insert_machine_state(conn: &Connection, key: &str, value: &str) {
        conn.execute(
            "INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?1, ?2, 1)",
            params![key, value],
        )
        .unwrap();
    }

    fn insert_allow(conn: &Connection, channel: &str, account: &str, entry: &str, order: i64) {
        conn.execute(
            "INSERT INTO channel_pairing_allow_entries (channel_key, account_id, entry, sort_order, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 1)",
            params![channel, account, entry, order],
        )
        .unwrap();
    }

    fn fill_all(conn: &Connection) {
        insert_exec(conn, EXEC_DOC);
        insert_machine_state(
            conn,
            "plugins.installedIndex",
            r#"{"revision":1795560868854,"index":{"version":1,"warning":"DO NOT EDIT","installRecords":{
                "zeta":{"source":"npm","spec":"@acme/zeta@1.2.3","integrity":"sha512-abc","version":"1.2.3","resolvedVersion":"1.2.3","installPath":"/s/extensions/zeta","installedAt":"2026-01-01T00:00:00Z"},
                "alpha":{"source":"path","sourcePath":"/src/alpha","installPath":"/src/alpha","version":7}
              },"plugins":[{"pluginId":"zeta"}],"diagnostics":[]}}"#,
        );
        insert_machine_state(
            conn,
            "hooks.internal.installs",
            r#"{"my-hook":{"source":"npm","spec":"my-hook","installPath":"/s/hooks/my-hook","installedAt":"2026-01-01T00:00:00Z"}}"#,
        );
        insert_machine_state(conn, "plugins.bundledDiscovery", r#""compat""#);
        insert_allow(conn, "telegram", "default", "222", 1);
        insert_allow(conn, "telegram", "default", "111", 0);
        insert_allow(conn, "whatsapp", "a1", "+15550001111", 0);
        insert_allow(conn, "discord", "work", "alice#1", 0);
    }

    fn expected_state() -> StateFacts {
        let mut agents = BTreeMap::new();
        agents.insert(
            "main".to_string(),
            AgentApprovals {
                auto_allow_skills: None,
                allowlist: vec!["/usr/bin/python3".into(), "/usr/bin/awk".into()],
            },
        );
        agents.insert(
            "ops".to_string(),
            AgentApprovals {
                auto_allow_skills: Some(false),
                allowlist: vec!["/usr/local/bin/node".into()],
            },
        );
        StateFacts {
            exec_approvals: Some(ExecApprovals {
                defaults_auto_allow_skills: Some(true),
                agents,
            }),
            plugin_installs: vec![
                InstallRecord {
                    id: "alpha".into(),
                    source: Some("path".into()),
                    install_path: Some("/src/alpha".into()),
                    ..Default::default()
                },
                InstallRecord {
                    id: "zeta".into(),
                    source: Some("npm".into()),
                    spec: Some("@acme/zeta@1.2.3".into()),
                    integrity: Some("sha512-abc".into()),
                    version: Some("1.2.3".into()),
                    resolved_version: Some("1.2.3".into()),
                    install_path: Some("/s/extensions/zeta".into()),
                },
            ],
            hook_installs: vec![InstallRecord {
                id: "my-hook".into(),
                source: Some("npm".into()),
                spec: Some("my-hook".into()),
                install_path: Some("/s/hooks/my-hook".into()),
                ..Default::default()
            }],
            pairing_allowlists: vec![
                PairingAllowlist {
                    channel: "discord".into(),
                    account: Some("work".into()),
                    entries: vec!["alice#1".into()],
                },
                PairingAllowlist {
                    channel: "telegram".into(),
                    account: None,
                    entries: vec!["111".into(), "222".into()],
                },
                PairingAllowlist {
                    channel: "whatsapp".into(),
                    account: Some("a1".into()),
                    entries: vec!["+15550001111".into()],
                },
            ],
        }
    }

    #[derive(Debug, PartialEq)]
    struct Entry {
        name: String,
        size: u64,
        mtime: (i64, i64),
        ctime: (i64, i64),
        mode: u32,
        ino: u64,
        hash: u64,
    }

    /// Names, sizes, mtimes, ctimes, modes, inodes and content hashes of a directory and its files.
    fn snapshot_dir(dir: &Path) -> Vec<Entry> {
        let mut out = Vec::new();
        let m = std::fs::symlink_metadata(dir).unwrap();
        out.push(Entry {
            name: ".".into(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            mode: m.mode(),
            ino: m.ino(),
            hash: 0,
        });
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let mut h = DefaultHasher::new();
            if m.is_file() {
                std::fs::read(e.path()).unwrap().hash(&mut h);
            }
            out.push(Entry {
                name: e.file_name().to_string_lossy().into_owned(),
                size: m.size(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
                mode: m.mode(),
                ino: m.ino(),
                hash: h.finish(),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn has_diag(f: &DatabaseFacts, needle: &str) -> bool {
        f.diagnostics.iter().any(|d| d.contains(needle))
    }

    #[test]
    fn magic() {
        assert!(looks_like_sqlite(b"SQLite format 3\0rest"));
        assert!(!looks_like_sqlite(b"SQLite format 3"));
        assert!(!looks_like_sqlite(b""));
        assert!(!looks_like_sqlite(b"{\"version\":1}"));
    }

    #[test]
    fn uri_is_percent_encoded() {
        assert_eq!(
            sqlite_uri(Path::new("/a b/x?y#z%.db")),
            "file:///a%20b/x%3Fy%23z%25.db?mode=ro&immutable=1"
        );
        assert_eq!(
            sqlite_uri(Path::new("//h/x")),
            "file:////h/x?mode=ro&immutable=1"
        );
        assert_eq!(
            sqlite_uri(Path::new("rel/é")),
            "file:rel/%C3%A9?mode=ro&immutable=1"
        );
    }

    #[test]
    fn facts_of_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, fill_all);
        let f = read_database(&db);
        // The two deliberately malformed values in fill_all are reported, nothing else.
        assert_eq!(
            f.diagnostics,
            vec![
                "exec_approvals_config.raw_json: agents.ops.allowlist has 1 entries that are neither a string nor an object with a string pattern; ignored".to_string(),
                "config_machine_state[plugins.installedIndex].index.installRecords: non-string values ignored: alpha.version".to_string(),
            ]
        );
        assert_eq!(f.state, Some(expected_state()));
        // The socket token in raw_json is never copied.
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("SOCKET-TOKEN-SECRET"));
        // Round-trips through the manifest representation.
        assert_eq!(serde_json::from_str::<DatabaseFacts>(&json).unwrap(), f);
        // Schema listed, sorted by (type, name), non-null sql only.
        assert!(f
            .schema
            .iter()
            .any(|o| o.kind == "table" && o.name == "exec_approvals_config"));
        assert!(f.schema.iter().any(|o| o.kind == "index"));
        assert!(f
            .schema
            .windows(2)
            .all(|w| (&w[0].kind, &w[0].name) <= (&w[1].kind, &w[1].name)));
        let tables = f.schema.iter().filter(|o| o.kind == "table").count();
        assert_eq!(tables, SCHEMA_SQL.matches("CREATE TABLE ").count());
    }

    #[test]
    fn empty_state_db_and_malformed_values() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, |_| {});
        let f = read_database(&db);
        assert_eq!(f.state, Some(StateFacts::default()));
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);

        let db2 = dir.path().join("bad.sqlite");
        make_state_db(&db2, |c| {
            insert_exec(c, "{not json");
            insert_machine_state(c, "hooks.internal.installs", "[1,2]");
            insert_machine_state(c, "plugins.installedIndex", "nope");
        });
        let f = read_database(&db2);
        let st = f.state.clone().unwrap();
        assert_eq!(st.exec_approvals, None);
        assert!(st.hook_installs.is_empty() && st.plugin_installs.is_empty());
        assert!(
            has_diag(&f, "exec_approvals_config.raw_json is not valid JSON"),
            "{:?}",
            f.diagnostics
        );
        assert!(
            has_diag(&f, "hooks.internal.installs] is not a JSON object"),
            "{:?}",
            f.diagnostics
        );
        assert!(
            has_diag(&f, "plugins.installedIndex].value_json is not valid JSON"),
            "{:?}",
            f.diagnostics
        );
    }

    #[test]
    fn pairing_rows_are_limited() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, |c| {
            c.execute_batch("BEGIN").unwrap();
            for i in 0..(MAX_ROWS as i64 + 5) {
                insert_allow(c, "telegram", "default", &format!("{i:06}"), i);
            }
            c.execute_batch("COMMIT").unwrap();
        });
        let f = read_database(&db);
        let lists = f.state.unwrap().pairing_allowlists;
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].entries.len(), MAX_ROWS);
        assert_eq!(lists[0].entries[0], "000000");
        assert!(f
            .diagnostics
            .iter()
            .any(|d| d.contains("rows truncated") && d.contains("channel_pairing_allow_entries")));
    }

    #[test]
    fn header_fields() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, fill_all);
        let f = read_database(&db);
        let h = f.header.unwrap();
        assert_eq!((h.write_version, h.read_version), (2, 2));
        assert_eq!(h.user_version, schema_user_version());
        assert_eq!(h.user_version, KNOWN_STATE_SCHEMA_VERSION);
        assert_eq!(h.page_size, 4096);
        assert_eq!(h.text_encoding, 1);
        assert_eq!(h.application_id, 0);
        assert_eq!(
            u64::from(h.page_count) * 4096,
            std::fs::metadata(&db).unwrap().len()
        );
        assert_eq!(f.wal_size, None);
        assert!(!f.shm_present);

        // Rollback-journal DB with an application id and another user_version.
        let db2 = dir.path().join("plain.sqlite");
        let c = Connection::open(&db2).unwrap();
        c.execute_batch("PRAGMA page_size=1024; PRAGMA application_id=1234; PRAGMA user_version=7; CREATE TABLE t(x);")
            .unwrap();
        drop(c);
        let h = read_database(&db2).header.unwrap();
        assert_eq!(
            (
                h.write_version,
                h.read_version,
                h.page_size,
                h.application_id,
                h.user_version
            ),
            (1, 1, 1024, 1234, 7)
        );
    }

    #[test]
    fn capture_writes_nothing_clean_wal_db() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, fill_all);
        let before = snapshot_dir(dir.path());
        let f = read_database(&db);
        assert_eq!(snapshot_dir(dir.path()), before);
        assert!(f.state.is_some());
        for s in ["-wal", "-shm", "-journal"] {
            assert!(!sidecar(&db, s).exists(), "{s} created");
        }
    }

    #[test]
    fn capture_writes_nothing_with_wal_and_shm_present() {
        let src = tempfile::tempdir().unwrap();
        let db_src = src.path().join("openclaw.sqlite");
        make_state_db(&db_src, fill_all);
        // A writer appends to the WAL without checkpointing; copy the three files while it is open.
        let writer = Connection::open(&db_src).unwrap();
        writer.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        insert_allow(&writer, "signal", "default", "+15559990000", 0);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        for s in ["", "-wal", "-shm"] {
            std::fs::copy(sidecar(&db_src, s), sidecar(&db, s)).unwrap();
        }
        drop(writer);

        let before = snapshot_dir(dir.path());
        let f = read_database(&db);
        assert_eq!(snapshot_dir(dir.path()), before);
        assert!(!sidecar(&db, "-journal").exists());
        assert!(f.wal_size.unwrap() > 0);
        assert!(f.shm_present);
        assert!(
            has_diag(&f, "uncheckpointed WAL ignored"),
            "{:?}",
            f.diagnostics
        );
        // Facts reflect the last checkpoint: the WAL-only row is not seen.
        assert_eq!(f.state, Some(expected_state()));
    }

    #[test]
    fn exclusive_lock_does_not_block() {
        for wal in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("openclaw.sqlite");
            make_state_db(&db, fill_all);
            let holder = Connection::open(&db).unwrap();
            if !wal {
                holder
                    .pragma_update(None, "journal_mode", "DELETE")
                    .unwrap();
            }
            holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
            insert_allow(&holder, "signal", "default", "+15559990000", 0);
            // Returns (immutable mode takes no locks; busy timeout is 0) with facts or a diagnostic.
            let f = read_database(&db);
            assert!(
                f.state.is_some() || !f.diagnostics.is_empty(),
                "wal={wal}: {f:?}"
            );
            if let Some(st) = &f.state {
                assert_eq!(
                    st,
                    &expected_state(),
                    "wal={wal}: uncommitted row must not be seen"
                );
            }
            holder.execute_batch("ROLLBACK").unwrap();
        }
    }

    fn corrupt_case(name: &str, make: impl FnOnce(&Path)) -> DatabaseFacts {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make(&db);
        let before = snapshot_dir(dir.path());
        let f = read_database(&db);
        assert_eq!(snapshot_dir(dir.path()), before, "{name}");
        assert!(!f.diagnostics.is_empty(), "{name}: no diagnostic: {f:?}");
        f
    }

    fn good_bytes() -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, fill_all);
        std::fs::read(&db).unwrap()
    }

    /// Deterministic pseudo-random bytes (xorshift).
    fn garbage(n: usize, mut seed: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    #[test]
    fn corrupt_variants() {
        let good = good_bytes();
        let f = corrupt_case("50 bytes", |p| std::fs::write(p, &good[..50]).unwrap());
        assert!(has_diag(&f, "truncated"));
        assert!(f.header.is_none() && f.state.is_none());

        let f = corrupt_case("1.5 pages", |p| {
            std::fs::write(p, &good[..4096 + 2048]).unwrap()
        });
        assert!(
            has_diag(&f, "not a multiple of the page size"),
            "{:?}",
            f.diagnostics
        );
        assert!(f.header.is_some());

        for seed in 1..=5u64 {
            let f = corrupt_case("garbage after header", |p| {
                let mut b = good[..100].to_vec();
                b.extend(garbage(good.len() - 100, seed));
                std::fs::write(p, b).unwrap()
            });
            assert!(f.header.is_some());
            assert!(f.state.is_none() || !f.diagnostics.is_empty());
        }

        // Garbage in the data pages only (page 1, hence sqlite_master's root, intact): the fact
        // tables are unreadable, which must give diagnostics.
        for seed in 1..=5u64 {
            let f = corrupt_case("garbage after page 1", |p| {
                let mut b = good[..4096].to_vec();
                b.extend(garbage(good.len() - 4096, seed));
                std::fs::write(p, b).unwrap();
            });
            assert!(f.header.is_some());
        }

        let f = corrupt_case("random bytes", |p| {
            std::fs::write(p, garbage(8192, 99)).unwrap()
        });
        assert!(has_diag(&f, "not a SQLite database"));

        let f = corrupt_case("text file", |p| {
            std::fs::write(p, "{\"version\":1,\"allowFrom\":[]}\n").unwrap()
        });
        assert!(has_diag(&f, "not a SQLite database"));
        assert!(f.header.is_none());

        let f = corrupt_case("empty file", |p| std::fs::write(p, b"").unwrap());
        assert!(has_diag(&f, "empty file"));

        let f = corrupt_case("valid header, page size 0", |p| {
            let mut b = good.clone();
            b[16] = 0;
            b[17] = 0;
            std::fs::write(p, b).unwrap()
        });
        assert!(has_diag(&f, "invalid page size"));

        let f = read_database(Path::new("/nonexistent/dir/openclaw.sqlite"));
        assert!(has_diag(&f, "not found"));
    }

    #[test]
    fn fifo_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("openclaw.sqlite");
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let f = read_database(&p);
        assert!(has_diag(&f, "FIFO"), "{:?}", f.diagnostics);
        assert!(f.header.is_none() && f.schema.is_empty());
    }

    #[test]
    fn symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("real.sqlite");
        make_state_db(&db, fill_all);
        let link = dir.path().join("openclaw.sqlite");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let f = read_database(&link);
        assert!(has_diag(&f, "symbolic link"));
        assert!(f.state.is_none());
    }

    #[test]
    fn unknown_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("other.sqlite");
        let c = Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(c);
        let f = read_database(&db);
        assert_eq!(f.state, None);
        assert_eq!(
            f.schema,
            vec![SchemaObject {
                kind: "table".into(),
                name: "t".into(),
                tbl_name: "t".into(),
                sql: "CREATE TABLE t(x)".into()
            }]
        );
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    }

    #[test]
    fn oversized_value_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, |c| {
            fill_all(c);
            let big = format!(
                "{{\"h\":{{\"spec\":\"{}\"}}}}",
                "x".repeat(MAX_VALUE_BYTES as usize)
            );
            c.execute("UPDATE config_machine_state SET value_json = ?1 WHERE state_key = 'hooks.internal.installs'", [big])
                .unwrap();
        });
        let f = read_database(&db);
        assert!(has_diag(&f, "value too large"), "{:?}", f.diagnostics);
        // The other tables are still read.
        let st = f.state.unwrap();
        assert_eq!(st.exec_approvals, expected_state().exec_approvals);
        assert_eq!(st.pairing_allowlists, expected_state().pairing_allowlists);
    }

    #[test]
    fn other_schema_version_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("openclaw.sqlite");
        make_state_db(&db, |c| {
            fill_all(c);
            c.pragma_update(None, "user_version", 19).unwrap();
        });
        let f = read_database(&db);
        assert!(has_diag(&f, "unknown schema version"));
        assert_eq!(f.state, Some(expected_state()));
    }
}
