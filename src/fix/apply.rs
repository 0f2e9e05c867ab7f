//! Apply: replay a change set on the live host. The only code (with the journal it keeps) that writes to the host.
//!
//! 1. Check the change set (id, `--expect`), re-capture the host, refuse a host laid out differently, and look
//!    for an interrupted apply (the same change set is resumed; another one must be rolled back or finished).
//! 2. Check every op's precondition against the fresh capture: `valid` (the host is as planned), `already` (the
//!    op's effect is there: applying twice is a no-op) or `stale` (expected vs found). Any stale op refuses the
//!    whole set, unless `only_valid`.
//! 3. Resolve what is read at apply time (the pairing allowlist for seeding) and show the review to `confirm`.
//! 4. Carry out each op, journaling before every change: config files are rewritten surgically and atomically
//!    (temp file in the same dir, fsync, rename, fsync dir) keeping their mode and owner; chmod goes through a
//!    handle opened with `O_NOFOLLOW`, so a path swapped for a symlink is refused, not followed. A failing step
//!    rolls every earlier step back.
//! 5. Re-capture and re-audit: the findings the ops named must be gone and no new finding may appear.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::changeset::{ChangeSet, EditExpect, Link, Op, SeedOp, SetOp};
use super::edit;
use super::journal::{
    self, After, Before, Journal, JournalDir, JournalError, Status, Step, StepKind, StepState,
};
use super::plan::{self, ConfigFiles};
use super::sys;
use crate::audit::{self, Ctx, Finding, Report};
use crate::capture::{self, hostfs, CaptureOptions, HostSpec, CONFIG_MAX_BYTES};
use crate::snapshot::{FileKind, Snapshot};

/// How an op's precondition compares with the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    Valid,
    /// The op's effect is already there.
    Already,
    /// The host is not as planned: what was expected and what is there.
    Stale(String),
}

/// What happened to an op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpStatus {
    Applied,
    Already,
    /// Left out: stale (with `only_valid`) or nothing to do (an empty pairing allowlist).
    Skipped(String),
    Failed(String),
    /// Not reached (an earlier step failed).
    NotRun,
}

impl OpStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            OpStatus::Applied => "applied",
            OpStatus::Already => "already",
            OpStatus::Skipped(_) => "skipped",
            OpStatus::Failed(_) => "failed",
            OpStatus::NotRun => "not-run",
        }
    }
}

/// What `confirm` is shown before anything is written.
#[derive(Clone, Debug)]
pub struct Review {
    pub change_set: String,
    /// The host is exactly the snapshot the plan was made from.
    pub same_base: bool,
    /// Resuming this interrupted apply.
    pub resumed: Option<PathBuf>,
    pub items: Vec<ReviewItem>,
}

#[derive(Clone, Debug)]
pub struct ReviewItem {
    pub op: usize,
    pub check: Check,
    /// For a seed: the entries that will be written (read from the host just now).
    pub seed: Option<Vec<String>>,
}

impl Review {
    /// Ops that will change the host.
    pub fn to_apply(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.check == Check::Valid && i.seed.as_ref().is_none_or(|s| !s.is_empty()))
            .count()
    }
}

pub struct ApplyOptions<'a> {
    /// The live host to re-capture (as `capture` would).
    pub spec: HostSpec,
    pub capture: CaptureOptions,
    /// Refuse any change set whose id is not this one (`--expect`).
    pub expect: Option<String>,
    /// Apply the ops whose precondition holds and skip stale ones instead of refusing the set.
    pub only_valid: bool,
    /// Shown the review before anything is written; `false` aborts. `None` proceeds.
    pub confirm: Option<&'a mut dyn FnMut(&Review) -> bool>,
    /// Test-only fault injection: stop dead (as if the process were killed) after this many host-changing
    /// steps, leaving the journal as it is.
    #[doc(hidden)]
    pub fault_after: Option<usize>,
    /// Test-only: make this host-changing step fail like an I/O error (the apply then rolls back).
    #[doc(hidden)]
    pub fail_at: Option<usize>,
}

impl<'a> ApplyOptions<'a> {
    pub fn new(spec: HostSpec) -> ApplyOptions<'a> {
        ApplyOptions {
            spec,
            capture: CaptureOptions {
                label: "live".into(),
                // Apply acts on real paths and compares real config texts.
                keep_identities: true,
                ..CaptureOptions::default()
            },
            expect: None,
            only_valid: false,
            confirm: None,
            fault_after: None,
            fail_at: None,
        }
    }
}

/// Whether the ops did what they claimed.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    /// Findings an applied op named that are still reported: (op, link).
    pub still_present: Vec<(usize, Link)>,
    /// Findings reported after the apply that were not before: (finding, fingerprint).
    pub new_findings: Vec<(Finding, String)>,
    pub resolved: usize,
}

impl Verification {
    pub fn held(&self) -> bool {
        self.still_present.is_empty() && self.new_findings.is_empty()
    }
}

pub struct ApplyOutcome {
    pub change_set: String,
    pub journal: Option<PathBuf>,
    pub resumed: bool,
    pub results: Vec<OpStatus>,
    /// Seeded entries per op (seed ops only).
    pub seeded: Vec<Option<Vec<String>>>,
    /// Host-changing steps taken (journal writes included): what `fault_after` counts.
    pub steps: usize,
    pub config_written: bool,
    pub errors: Vec<String>,
    /// The host before (fresh capture) and after the apply.
    pub before: Snapshot,
    pub after: Snapshot,
    pub report_before: Report,
    pub report_after: Report,
    pub verification: Verification,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{0}")]
    Integrity(String),
    #[error("this change set was planned for another host or layout: {0}")]
    OtherHost(String),
    #[error("the host changed since the plan: {} op(s) no longer hold", .0.len())]
    Stale(Vec<(usize, String)>),
    #[error("an earlier apply was interrupted ({}, change set {})", journal.display(), change_set)]
    Interrupted {
        journal: PathBuf,
        change_set: String,
    },
    #[error("not confirmed; nothing was changed")]
    Declined,
    #[error("apply failed: {message}; {}", if *rolled_back { "every change was rolled back" } else { "rolling back failed too" })]
    Failed {
        message: String,
        rolled_back: bool,
        journal: Option<PathBuf>,
    },
    #[error("cannot capture the host: {0}")]
    Capture(String),
    #[error("cannot keep the journal: {0}")]
    Journal(String),
    #[doc(hidden)]
    #[error("injected fault after step {0}")]
    Fault(usize),
    #[doc(hidden)]
    #[error("injected I/O error at step {0}")]
    Injected(usize),
}

/// Maps the paths of a change set planned from an aliased snapshot (home dir recorded as `/home/user`, its
/// realpath or `$HOME` under their own aliases) to the host's real paths. Preconditions and the re-audit compare
/// in the plan's space (the host re-captured the way the snapshot was); only the file operations need real paths.
struct PathMap {
    /// `(real dir, alias)`, longest alias first.
    aliases: Vec<(String, String)>,
    /// Recorded file name → real one (identities in file names, see [`capture::capture_with_names`]).
    names: HashMap<String, String>,
}

impl PathMap {
    fn real(&self, p: &str) -> String {
        let p = self.real_names(p);
        for (dir, alias) in &self.aliases {
            if p == *alias {
                return dir.clone();
            }
            if let Some(rest) = p.strip_prefix(alias.as_str()) {
                if rest.starts_with('/') {
                    return format!("{dir}{rest}");
                }
            }
        }
        p
    }

    fn real_names(&self, p: &str) -> String {
        if self.names.is_empty() {
            return p.to_string();
        }
        p.split('/')
            .map(|c| self.names.get(c).map_or(c, String::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }
}

fn capture_host(opts: &ApplyOptions) -> Result<Snapshot, ApplyError> {
    capture::capture(&opts.spec, &opts.capture).map_err(|e| ApplyError::Capture(e.to_string()))
}

/// Does the file state satisfy an edit's precondition? A mode set by a chmod op of the same set counts (the
/// config is tightened before it is written).
fn file_ok(cs: &ChangeSet, snap: &Snapshot, file: &str, expect: &EditExpect) -> Result<(), String> {
    let Some(e) = snap.file(file) else {
        return Err(format!(
            "{file}: expected a {} file, found nothing",
            fmt_mode(expect.file.mode)
        ));
    };
    if e.kind != FileKind::File {
        return Err(format!(
            "{file}: expected a regular file, found a {}",
            e.kind.as_str()
        ));
    }
    let planned = cs.ops.iter().any(|op| {
        matches!(op, Op::Chmod(c) if c.path == file && c.mode == e.mode & 0o777 && e.mode & 0o7000 == 0)
    });
    if e.mode != expect.file.mode && !planned {
        return Err(format!(
            "{file}: expected mode {}, found {}",
            fmt_mode(expect.file.mode),
            fmt_mode(e.mode)
        ));
    }
    Ok(())
}

fn fmt_mode(m: u32) -> String {
    format!("{:03o}", m & 0o7777)
}

fn show(v: &Option<Value>) -> String {
    v.as_ref().map_or("nothing".into(), |v| v.to_string())
}

/// Check one op against a fresh capture of the host.
pub fn check(cs: &ChangeSet, op: &Op, snap: &Snapshot, files: &ConfigFiles, ctx: &Ctx) -> Check {
    match op {
        Op::Chmod(c) => {
            let Some(e) = snap.file(&c.path) else {
                return Check::Stale(format!(
                    "{}: expected a {} with mode {}, found nothing",
                    c.path,
                    c.expect.kind.as_str(),
                    fmt_mode(c.expect.mode)
                ));
            };
            if e.kind != c.expect.kind {
                return Check::Stale(format!(
                    "{}: expected a {}, found a {}",
                    c.path,
                    c.expect.kind.as_str(),
                    e.kind.as_str()
                ));
            }
            if e.mode == c.expect.mode {
                Check::Valid
            } else if e.mode & 0o777 == c.mode {
                Check::Already
            } else {
                Check::Stale(format!(
                    "{}: expected mode {}, found {}",
                    c.path,
                    fmt_mode(c.expect.mode),
                    fmt_mode(e.mode)
                ))
            }
        }
        Op::Set(s) => check_set(cs, s, snap, files),
        Op::Seed(s) => check_seed(cs, s, snap, files, ctx),
    }
}

fn check_owner(
    files: &ConfigFiles,
    snap: &Snapshot,
    key: &[String],
    file: &str,
    local: &[String],
) -> Result<(), String> {
    match edit::owner(&files.files, &snap.manifest.config.path, key) {
        Some(o) if o.file == file && o.local == local => Ok(()),
        Some(o) => Err(format!(
            "{}: now written in {}, not {file}",
            key.join("."),
            o.file
        )),
        None => Err(format!(
            "{}: no config file writes it any more",
            key.join(".")
        )),
    }
}

fn check_content(files: &ConfigFiles, file: &str, expect: &EditExpect) -> Check {
    match files.blobs.get(file) {
        Some(h) if *h == expect.redacted => Check::Valid,
        Some(h) => Check::Stale(format!(
            "{file}: edited since the plan (hash of its redacted form {} -> {})",
            expect.redacted.chars().take(12).collect::<String>(),
            h.chars().take(12).collect::<String>()
        )),
        None => Check::Stale(format!("{file}: content not captured")),
    }
}

/// The checks a set and a seed end with: the owning `file` is as planned, `value` (what it holds at the op's
/// key now) is the expected one, and its redacted content is unchanged.
fn check_planned_file(
    cs: &ChangeSet,
    snap: &Snapshot,
    files: &ConfigFiles,
    file: &str,
    key: &str,
    expect: &EditExpect,
    value: &Option<Value>,
) -> Check {
    if let Err(e) = file_ok(cs, snap, file, expect) {
        return Check::Stale(e);
    }
    if *value != expect.value {
        return Check::Stale(format!(
            "{file}: expected {} at {key}, found {}",
            show(&expect.value),
            show(value)
        ));
    }
    check_content(files, file, expect)
}

fn check_set(cs: &ChangeSet, s: &SetOp, snap: &Snapshot, files: &ConfigFiles) -> Check {
    if let Err(e) = check_owner(files, snap, &s.key_path, &s.file, &s.local) {
        return Check::Stale(e);
    }
    let value = files.value(&s.file, &s.local);
    if value.as_ref() == Some(&s.value) {
        return Check::Already;
    }
    check_planned_file(cs, snap, files, &s.file, &s.key, &s.expect, &value)
}

fn check_seed(
    cs: &ChangeSet,
    s: &SeedOp,
    snap: &Snapshot,
    files: &ConfigFiles,
    ctx: &Ctx,
) -> Check {
    // Seeded already (by this op, or by hand): nothing left to do, wherever the key now sits.
    let seeded = |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    if seeded(plan::get_path(&ctx.cfg, &s.key_path))
        || seeded(files.value(&s.file, &s.local).as_ref())
    {
        return Check::Already;
    }
    let present = plan::get_path(&ctx.cfg, &s.key_path).is_some();
    let anchor = plan::seed_anchor(&s.key_path, present);
    let placed = edit::owner(&files.files, &snap.manifest.config.path, &anchor)
        .map(|o| plan::seed_place(o, present));
    match placed {
        Some((o, before)) if o.file == s.file && o.local == s.local && before == s.before => {}
        _ => {
            return Check::Stale(format!(
                "{}: no longer written where planned ({})",
                s.key, s.file
            ))
        }
    }
    let value = files.value(&s.file, &s.local);
    check_planned_file(cs, snap, files, &s.file, &s.key, &s.expect, &value)
}

/// The pairing allowlist of a channel's default account, read from the live host now: the state DB when there
/// is one, else the JSON files in the credentials dir.
pub fn live_pairing_entries(
    state_dir: &Path,
    credentials_dir: &Path,
    channel: &str,
) -> Vec<String> {
    let db = state_dir.join("state").join("openclaw.sqlite");
    if hostfs::lstat(&db).is_ok_and(|s| s.kind == FileKind::File) {
        let facts = capture::sqlite::read_database(&db);
        if let Some(state) = facts.state {
            let raw = state
                .pairing_allowlists
                .iter()
                .filter(|l| l.channel == channel && l.account.is_none())
                .flat_map(|l| l.entries.iter().cloned())
                .collect();
            return plan::normalize_entries(raw);
        }
    }
    let mut raw = Vec::new();
    for name in [
        format!("{channel}-allowFrom.json"),
        format!("{channel}-default-allowFrom.json"),
    ] {
        let Ok(bytes) = hostfs::read_regular(
            &credentials_dir.join(name),
            capture::SMALL_FILE_MAX_BYTES,
            false,
        ) else {
            continue;
        };
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if let Some(items) = doc.get("allowFrom").and_then(Value::as_array) {
            raw.extend(items.iter().filter_map(|i| i.as_str().map(String::from)));
        }
    }
    plan::normalize_entries(raw)
}

/// Counts host-changing steps and stops dead at the injected fault.
struct Runner<'a> {
    cs: &'a ChangeSet,
    state_dir: PathBuf,
    journal: Option<JournalDir>,
    steps: usize,
    fault_after: Option<usize>,
    fail_at: Option<usize>,
}

impl Runner<'_> {
    fn tick(&mut self) -> Result<(), ApplyError> {
        self.steps += 1;
        if self.fault_after == Some(self.steps) {
            return Err(ApplyError::Fault(self.steps));
        }
        if self.fail_at == Some(self.steps) {
            return Err(ApplyError::Injected(self.steps));
        }
        Ok(())
    }

    fn journal_err(e: JournalError) -> ApplyError {
        ApplyError::Journal(e.to_string())
    }

    /// The journal folder, created on the first step.
    fn journal(&mut self) -> Result<&mut JournalDir, ApplyError> {
        if self.journal.is_none() {
            let root = JournalDir::root(&self.state_dir);
            let io =
                |p: &Path, e: std::io::Error| ApplyError::Journal(format!("{}: {e}", p.display()));
            let dot = root
                .parent()
                .expect("journal root has a parent")
                .to_path_buf();
            sys::mkdir_private(&dot).map_err(|e| io(&dot, e))?;
            self.tick()?;
            sys::mkdir_private(&root).map_err(|e| io(&root, e))?;
            self.tick()?;
            let now = journal::now_secs();
            let base = format!("{}-{}", journal::stamp(now), &self.cs.id[..12]);
            let mut dir = root.join(&base);
            let mut n = 2;
            while hostfs::exists(&dir) {
                dir = root.join(format!("{base}-{n}"));
                n += 1;
            }
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(&dir)
                .map_err(|e| io(&dir, e))?;
            sys::fsync_dir(&root).map_err(|e| io(&root, e))?;
            self.tick()?;
            let cs_path = dir.join(journal::CHANGE_SET_FILE);
            sys::write_own_file(&cs_path, &self.cs.to_bytes()).map_err(|e| io(&cs_path, e))?;
            self.tick()?;
            let jd = JournalDir {
                dir,
                journal: Journal {
                    format: journal::FORMAT.into(),
                    change_set: self.cs.id.clone(),
                    base: self.cs.base.clone(),
                    started_at: now,
                    status: Status::InProgress,
                    steps: Vec::new(),
                },
            };
            jd.save().map_err(Self::journal_err)?;
            self.journal = Some(jd);
            self.tick()?;
        }
        Ok(self.journal.as_mut().expect("journal just created"))
    }

    /// Record a step (its original bytes first), before the host is changed.
    fn begin(&mut self, mut step: Step, original: Option<&[u8]>) -> Result<usize, ApplyError> {
        let jd = self.journal()?;
        let n = jd.journal.steps.len() + 1;
        if let Some(bytes) = original {
            let name = jd.save_original(n, bytes).map_err(Self::journal_err)?;
            step.before.bytes = Some(name);
            self.tick()?;
        }
        let jd = self.journal.as_mut().expect("journal exists");
        jd.journal.steps.push(step);
        jd.save().map_err(Self::journal_err)?;
        self.tick()?;
        Ok(n - 1)
    }

    fn done(&mut self, i: usize) -> Result<(), ApplyError> {
        let jd = self.journal.as_mut().expect("journal exists");
        jd.journal.steps[i].state = StepState::Done;
        jd.save().map_err(Self::journal_err)?;
        self.tick()
    }

    /// chmod through a no-follow handle, journaled.
    fn chmod(
        &mut self,
        op: usize,
        path: &str,
        mode: u32,
        expect_mode: u32,
        kind: FileKind,
    ) -> Result<OpStatus, StepError> {
        let p = Path::new(path);
        let h = sys::open_nofollow(p).map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                StepError::Host(format!("{path} became a symbolic link; not followed"))
            } else {
                StepError::Host(format!("{path}: {e}"))
            }
        })?;
        if h.meta.kind != kind {
            return Err(StepError::Host(format!(
                "{path} is now a {}, expected a {}",
                h.meta.kind.as_str(),
                kind.as_str()
            )));
        }
        if h.meta.mode & 0o777 == mode {
            return Ok(OpStatus::Already);
        }
        if h.meta.mode != expect_mode {
            return Err(StepError::Host(format!(
                "{path}: mode changed to {} during the apply (expected {})",
                fmt_mode(h.meta.mode),
                fmt_mode(expect_mode)
            )));
        }
        let step = Step {
            kind: StepKind::Chmod,
            path: path.to_string(),
            ops: vec![op],
            before: Before {
                kind,
                mode: h.meta.mode,
                uid: h.meta.uid,
                gid: h.meta.gid,
                bytes: None,
                hash: None,
            },
            after: After { mode, hash: None },
            temp: None,
            state: StepState::Begun,
        };
        let i = self.begin(step, None)?;
        h.chmod(mode)
            .map_err(|e| StepError::Host(format!("chmod {mode:o} {path}: {e}")))?;
        self.tick()?;
        self.done(i)?;
        Ok(OpStatus::Applied)
    }

    /// Rewrite one config file with the edits of `ops`, atomically, keeping its mode and owner.
    fn write(
        &mut self,
        path: &str,
        checked: Option<&String>,
        ops: &[(usize, &Op)],
        seeds: &[Option<Vec<String>>],
    ) -> Result<bool, StepError> {
        let p = Path::new(path);
        let host = |e: std::io::Error| StepError::Host(format!("{path}: {e}"));
        let mut h = sys::open_nofollow(p).map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                StepError::Host(format!(
                    "{path} became a symbolic link; not written through it"
                ))
            } else {
                host(e)
            }
        })?;
        if h.meta.kind != FileKind::File {
            return Err(StepError::Host(format!("{path} is not a regular file")));
        }
        let original = h.read_all(CONFIG_MAX_BYTES).map_err(host)?;
        let meta = h.meta;
        drop(h);
        if checked != Some(&journal::hash(&original)) {
            return Err(StepError::Host(format!(
                "{path} changed after its precondition was checked; not written"
            )));
        }
        let mut text = String::from_utf8(original.clone())
            .map_err(|_| StepError::Host(format!("{path} is not UTF-8 text")))?;
        for (i, op) in ops {
            let edited = match op {
                Op::Set(s) => {
                    edit::replace_value(&text, &s.local, s.expect.value.as_ref(), &s.value)
                }
                Op::Seed(s) => {
                    let entries: Vec<Value> = seeds[*i]
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .map(Value::from)
                        .collect();
                    match &s.expect.value {
                        Some(v) => {
                            edit::replace_value(&text, &s.local, Some(v), &Value::Array(entries))
                        }
                        None => {
                            let (obj, key) = s.local.split_at(s.local.len() - 1);
                            edit::insert_member(
                                &text,
                                obj,
                                &key[0],
                                s.before.as_deref(),
                                &Value::Array(entries),
                            )
                        }
                    }
                }
                Op::Chmod(_) => continue,
            };
            text = edited
                .map_err(|e| StepError::Host(format!("{path}: {e} (changed during the apply)")))?;
        }
        let new = text.into_bytes();
        if new == original {
            return Ok(false);
        }
        let dir = sys::parent(p);
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(
            ".{name}.clawprint-{}-{}.tmp",
            std::process::id(),
            journal::now_secs()
        ));
        let step = Step {
            kind: StepKind::Write,
            path: path.to_string(),
            ops: ops.iter().map(|(i, _)| *i).collect(),
            before: Before {
                kind: FileKind::File,
                mode: meta.mode,
                uid: meta.uid,
                gid: meta.gid,
                bytes: None,
                hash: Some(journal::hash(&original)),
            },
            after: After {
                mode: meta.mode,
                hash: Some(journal::hash(&new)),
            },
            temp: Some(tmp.display().to_string()),
            state: StepState::Begun,
        };
        let i = self.begin(step, Some(&original))?;
        sys::write_temp(&tmp, &new, meta.mode, meta.uid, meta.gid)
            .map_err(|e| StepError::Host(format!("{}: {e}", tmp.display())))?;
        self.tick()?;
        // The file must still be the one read above (same inode, same bytes) right before it is replaced.
        let mut again = sys::open_nofollow(p).map_err(host)?;
        let now = again.read_all(CONFIG_MAX_BYTES).map_err(host)?;
        if again.meta.ino != meta.ino || again.meta.dev != meta.dev || now != original {
            let _ = sys::remove_own_temp(&tmp);
            return Err(StepError::Host(format!(
                "{path} changed during the apply; not replaced"
            )));
        }
        sys::rename(&tmp, p).map_err(host)?;
        self.tick()?;
        sys::fsync_dir(&dir).map_err(|e| StepError::Host(format!("{}: {e}", dir.display())))?;
        self.tick()?;
        self.done(i)?;
        Ok(true)
    }
}

/// A step's failure: a problem on the host (roll back) or the injected fault / journal trouble (stop).
enum StepError {
    Host(String),
    Stop(ApplyError),
}

impl From<ApplyError> for StepError {
    fn from(e: ApplyError) -> StepError {
        StepError::Stop(e)
    }
}

/// Apply a change set to the live host.
pub fn apply(cs: &ChangeSet, mut opts: ApplyOptions) -> Result<ApplyOutcome, ApplyError> {
    if cs.compute_id() != cs.id {
        return Err(ApplyError::Integrity(format!(
            "change set id {} does not match its content",
            cs.id
        )));
    }
    cs.validate()
        .map_err(|e| ApplyError::Integrity(e.to_string()))?;
    if let Some(e) = &opts.expect {
        if *e != cs.id {
            return Err(ApplyError::Integrity(format!(
                "change set id is {}, but --expect says {e}: this is not the change set that was reviewed",
                cs.id
            )));
        }
    }
    if opts.capture.home_alias.is_some()
        || opts.capture.owner_alias.is_some()
        || !opts.capture.redact
        || opts.capture.pseudonymizes()
    {
        return Err(ApplyError::Capture(
            "apply needs a plain capture (no aliases, identities kept, secrets redacted)".into(),
        ));
    }
    // A plan from a pseudonymized or aliased snapshot: re-capture the host the same way, and map the alias back
    // to the real home dir for every file operation.
    let mut paths = match &cs.recorded {
        None => PathMap {
            aliases: Vec::new(),
            names: HashMap::new(),
        },
        Some(rec) => {
            opts.capture.keep_identities = !rec.pseudonymized();
            opts.capture.home_alias = rec.home_alias.clone();
            let mut aliases = capture::path_aliases(&opts.spec, &opts.capture)
                .map_err(|e| ApplyError::Capture(e.to_string()))?;
            aliases.sort_by_key(|(_, a)| std::cmp::Reverse(a.len()));
            PathMap {
                aliases,
                names: HashMap::new(),
            }
        }
    };
    // The raw bytes of every file to edit, read before and after the capture: the capture (whose redacted form
    // the preconditions are checked against) saw exactly these bytes, and each write later requires them again.
    let raw_hash = |f: &str| -> Option<String> {
        let mut h = sys::open_nofollow(Path::new(f)).ok()?;
        h.read_all(CONFIG_MAX_BYTES).ok().map(|b| journal::hash(&b))
    };
    let watched: Vec<String> = cs.writes().into_iter().map(|(f, _)| f).collect();
    let first: Vec<Option<String>> = watched.iter().map(|f| raw_hash(&paths.real(f))).collect();
    let (before, names) = capture::capture_with_names(&opts.spec, &opts.capture)
        .map_err(|e| ApplyError::Capture(e.to_string()))?;
    // (The names are those of this capture: the host as it is now, recorded the way the snapshot was.)
    paths.names = names.into_iter().map(|(real, rec)| (rec, real)).collect();
    let seen: HashMap<String, String> = watched
        .iter()
        .zip(first)
        .filter_map(|(f, h1)| {
            let h2 = raw_hash(&paths.real(f));
            (h1 == h2).then_some((f.clone(), h2?))
        })
        .collect();
    let h = &before.manifest.host;
    let here = (&h.home, &h.state_dir, &h.config_path, &h.credentials_dir);
    let there = (
        &cs.host.home,
        &cs.host.state_dir,
        &cs.host.config_path,
        &cs.host.credentials_dir,
    );
    if here != there {
        return Err(ApplyError::OtherHost(format!(
            "planned for state dir {} and config {}, this host has {} and {}",
            cs.host.state_dir, cs.host.config_path, h.state_dir, h.config_path
        )));
    }
    let state_dir = PathBuf::from(paths.real(&h.state_dir));
    let _lock = sys::lock_dir(&state_dir).map_err(|e| {
        ApplyError::Journal(format!(
            "cannot lock {} (is another clawprint fix running?): {e}",
            state_dir.display()
        ))
    })?;
    let mut resume: Option<JournalDir> = None;
    for jd in journal::find_interrupted(&state_dir) {
        if jd.journal.change_set == cs.id && resume.is_none() {
            resume = Some(jd);
        } else {
            return Err(ApplyError::Interrupted {
                journal: jd.dir.clone(),
                change_set: jd.journal.change_set.clone(),
            });
        }
    }

    // Preconditions.
    let files = ConfigFiles::of(&before);
    let ctx = Ctx::new(&before);
    let checks: Vec<Check> = cs
        .ops
        .iter()
        .map(|op| match check(cs, op, &before, &files, &ctx) {
            Check::Valid if !matches!(op, Op::Chmod(_)) && !seen.contains_key(op.path()) => {
                Check::Stale(format!("{}: changed while it was being checked", op.path()))
            }
            c => c,
        })
        .collect();
    let stale: Vec<(usize, String)> = checks
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Check::Stale(why) => Some((i, why.clone())),
            _ => None,
        })
        .collect();
    if !stale.is_empty() && !opts.only_valid {
        return Err(ApplyError::Stale(stale));
    }
    // Values read at apply time.
    let seeds: Vec<Option<Vec<String>>> = cs
        .ops
        .iter()
        .zip(&checks)
        .map(|(op, c)| match (op, c) {
            (Op::Seed(s), Check::Valid) => Some(live_pairing_entries(
                &state_dir,
                Path::new(&paths.real(&h.credentials_dir)),
                &s.source.channel,
            )),
            _ => None,
        })
        .collect();
    let review = Review {
        change_set: cs.id.clone(),
        same_base: before.id() == cs.base,
        resumed: resume.as_ref().map(|j| j.dir.clone()),
        items: checks
            .iter()
            .enumerate()
            .map(|(i, c)| ReviewItem {
                op: i,
                check: c.clone(),
                seed: seeds[i].clone(),
            })
            .collect(),
    };
    if let Some(confirm) = opts.confirm.as_mut() {
        if !confirm(&review) {
            return Err(ApplyError::Declined);
        }
    }

    let report_before = audit::audit(&before);
    let mut results: Vec<OpStatus> = checks
        .iter()
        .map(|c| match c {
            Check::Valid => OpStatus::NotRun,
            Check::Already => OpStatus::Already,
            Check::Stale(why) => OpStatus::Skipped(format!("stale: {why}")),
        })
        .collect();
    for (i, s) in seeds.iter().enumerate() {
        if s.as_ref().is_some_and(|s| s.is_empty()) {
            results[i] = OpStatus::Skipped("the pairing allowlist is empty on the host now".into());
        }
    }
    let resumed = resume.is_some();
    let mut run = Runner {
        cs,
        state_dir: state_dir.clone(),
        journal: resume,
        steps: 0,
        fault_after: opts.fault_after,
        fail_at: opts.fail_at,
    };
    // Finishing an interrupted apply: temp files its unfinished writes may have left are ours to remove.
    if let Some(jd) = &run.journal {
        for step in jd
            .journal
            .steps
            .iter()
            .filter(|s| s.state == StepState::Begun)
        {
            if let Some(t) = &step.temp {
                let _ = sys::remove_own_temp(Path::new(t));
            }
        }
    }
    let mut config_written = false;
    let mut failure: Option<String> = None;
    let mut written: HashSet<String> = HashSet::new();
    for i in 0..cs.ops.len() {
        if results[i] != OpStatus::NotRun {
            continue;
        }
        let op = &cs.ops[i];
        let outcome = match op {
            Op::Chmod(c) => run.chmod(
                i,
                &paths.real(&c.path),
                c.mode,
                c.expect.mode,
                c.expect.kind,
            ),
            Op::Set(_) | Op::Seed(_) => {
                let file = op.path().to_string();
                if !written.insert(file.clone()) {
                    continue;
                }
                let group: Vec<(usize, &Op)> = cs
                    .ops
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| {
                        o.path() == file
                            && !matches!(o, Op::Chmod(_))
                            && results[*j] == OpStatus::NotRun
                    })
                    .collect();
                match run.write(&paths.real(&file), seen.get(&file), &group, &seeds) {
                    Ok(changed) => {
                        config_written |= changed;
                        for (j, _) in &group {
                            results[*j] = if changed {
                                OpStatus::Applied
                            } else {
                                OpStatus::Already
                            };
                        }
                        continue;
                    }
                    Err(e) => Err(e),
                }
            }
        };
        match outcome {
            Ok(status) => results[i] = status,
            Err(StepError::Stop(ApplyError::Injected(n))) => {
                let msg = format!("injected I/O error at step {n}");
                results[i] = OpStatus::Failed(msg.clone());
                failure = Some(msg);
                break;
            }
            Err(StepError::Stop(e)) => return Err(e),
            Err(StepError::Host(msg)) => {
                results[i] = OpStatus::Failed(msg.clone());
                failure = Some(msg);
                break;
            }
        }
    }
    if let Some(message) = failure {
        let journal = run.journal.as_ref().map(|j| j.dir.clone());
        let rolled_back = match run.journal.as_mut() {
            None => true,
            Some(jd) => {
                let mut out = journal::RollbackOutcome::default();
                let ok = journal::undo(jd, true, &mut out).is_ok();
                if ok {
                    jd.journal.status = Status::FailedRolledBack;
                    let _ = jd.save();
                }
                ok
            }
        };
        return Err(ApplyError::Failed {
            message,
            rolled_back,
            journal,
        });
    }
    if let Some(jd) = run.journal.as_mut() {
        jd.journal.status = Status::Complete;
        jd.save().map_err(Runner::journal_err)?;
        run.tick()?;
    }

    // Verify on a fresh capture.
    let after = capture_host(&opts)?;
    let report_after = audit::audit(&after);
    let verification = verify(cs, &results, &report_before, &report_after);
    Ok(ApplyOutcome {
        change_set: cs.id.clone(),
        journal: run.journal.as_ref().map(|j| j.dir.clone()),
        resumed,
        results,
        seeded: seeds,
        steps: run.steps,
        config_written,
        errors: Vec::new(),
        before,
        after,
        report_before,
        report_after,
        verification,
    })
}

/// The findings each applied op named must be gone, and no finding may be new.
pub fn verify(
    cs: &ChangeSet,
    results: &[OpStatus],
    before: &Report,
    after: &Report,
) -> Verification {
    let (fps_before, _) = before.fingerprints();
    let (fps_after, _) = after.fingerprints();
    let had: HashSet<&String> = fps_before.iter().collect();
    let has: HashSet<&String> = fps_after.iter().collect();
    let mut v = Verification::default();
    for (i, op) in cs.ops.iter().enumerate() {
        if !matches!(results[i], OpStatus::Applied | OpStatus::Already) {
            continue;
        }
        for l in op.resolves() {
            if has.contains(&l.fingerprint) {
                v.still_present.push((i, l.clone()));
            } else {
                v.resolved += 1;
            }
        }
    }
    v.new_findings = after
        .findings
        .iter()
        .zip(&fps_after)
        .filter(|(_, fp)| !had.contains(fp))
        .map(|(f, fp)| (f.clone(), fp.clone()))
        .collect();
    v
}

use std::os::unix::fs::DirBuilderExt;
