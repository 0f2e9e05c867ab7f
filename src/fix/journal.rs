//! The apply journal: one folder per apply under `<stateDir>/.clawprint/fix/` (mode 700), holding a copy of the
//! change set, `journal.json`, and the original bytes of every file before it is rewritten. Each step is recorded
//! (with the original bytes and mode) before the host is changed and marked done after, so an interrupted apply
//! can be rolled back or finished, and a finished one undone byte for byte.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sys;
use crate::snapshot::FileKind;

pub const FORMAT: &str = "clawprint.fix-journal/1";
/// Where journals live, relative to the state dir.
pub const ROOT: &str = ".clawprint/fix";
pub const JOURNAL_FILE: &str = "journal.json";
pub const CHANGE_SET_FILE: &str = "changes.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Steps may have been applied; the apply did not finish (crash, kill, power loss).
    InProgress,
    /// Every step was applied.
    Complete,
    /// A step failed and every earlier step was undone.
    FailedRolledBack,
    /// Undone by `fix rollback`.
    RolledBack,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in-progress",
            Status::Complete => "complete",
            Status::FailedRolledBack => "failed-rolled-back",
            Status::RolledBack => "rolled-back",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    Write,
    Chmod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepState {
    /// Recorded; the change may or may not have happened.
    Begun,
    Done,
}

/// The path as it was before the step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Before {
    pub kind: FileKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// File in the journal folder holding the original bytes (writes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<String>,
    /// BLAKE3 of the original bytes (writes only; the hash never leaves the host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// The path as the step leaves it (known before the change is made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct After {
    pub mode: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    pub kind: StepKind,
    pub path: String,
    /// Indices of the change set's ops this step carries out.
    pub ops: Vec<usize>,
    pub before: Before,
    pub after: After,
    /// The temp file a write goes through (removed by rollback if a crash left it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp: Option<String>,
    pub state: StepState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Journal {
    pub format: String,
    pub change_set: String,
    pub base: String,
    /// Seconds since the epoch.
    pub started_at: u64,
    pub status: Status,
    pub steps: Vec<Step>,
}

/// An open journal folder.
pub struct JournalDir {
    pub dir: PathBuf,
    pub journal: Journal,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not a clawprint fix journal ({1})")]
    Invalid(String, String),
    #[error(
        "{path} changed after the apply ({what}); not restored. Use --force to restore it anyway"
    )]
    Changed { path: String, what: String },
    #[error("the saved original of {0} does not match its recorded hash: the journal is damaged")]
    Damaged(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// `YYYYMMDDTHHMMSSZ` for a time in seconds since the epoch (UTC).
pub fn stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl JournalDir {
    pub fn root(state_dir: &Path) -> PathBuf {
        state_dir.join(ROOT)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(JOURNAL_FILE)
    }

    /// Persist `journal.json` atomically.
    pub fn save(&self) -> Result<(), JournalError> {
        let bytes = serde_json::to_vec_pretty(&self.journal).expect("journal serializes");
        sys::write_own_file(&self.path(), &bytes).map_err(io_err(&self.path()))
    }

    /// Save original bytes for step `n`; returns the file name.
    pub fn save_original(&self, n: usize, bytes: &[u8]) -> Result<String, JournalError> {
        let name = format!("original-{n:03}.bin");
        let p = self.dir.join(&name);
        sys::write_own_file(&p, bytes).map_err(io_err(&p))?;
        Ok(name)
    }

    pub fn open(dir: &Path) -> Result<JournalDir, JournalError> {
        let p = dir.join(JOURNAL_FILE);
        let bytes = std::fs::read(&p).map_err(io_err(&p))?;
        let journal: Journal = serde_json::from_slice(&bytes)
            .map_err(|e| JournalError::Invalid(p.display().to_string(), e.to_string()))?;
        if journal.format != FORMAT {
            return Err(JournalError::Invalid(
                p.display().to_string(),
                format!("format {:?}", journal.format),
            ));
        }
        Ok(JournalDir {
            dir: dir.to_path_buf(),
            journal,
        })
    }
}

/// Journals of applies that did not finish, oldest first.
pub fn find_interrupted(state_dir: &Path) -> Vec<JournalDir> {
    let root = JournalDir::root(state_dir);
    let Ok(rd) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd.filter_map(|e| Some(e.ok()?.path())).collect();
    dirs.sort();
    dirs.into_iter()
        .filter_map(|d| JournalDir::open(&d).ok())
        .filter(|j| j.journal.status == Status::InProgress)
        .collect()
}

/// What a rollback did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollbackOutcome {
    /// Paths put back as they were (with what was restored).
    pub restored: Vec<String>,
    /// Paths that were already as they were before the apply.
    pub unchanged: Vec<String>,
    /// Leftover temp files removed.
    pub removed: Vec<String>,
    /// The journal had already been rolled back.
    pub already: bool,
}

/// Undo the steps of a journal, last first: rewrite each file's original bytes (atomically, with its original
/// mode and owner) and restore each mode, never through a symlink. A path that changed after the apply (neither
/// the original nor what the apply wrote) is refused unless `force`.
pub fn rollback(dir: &Path, force: bool) -> Result<RollbackOutcome, JournalError> {
    let mut jd = JournalDir::open(dir)?;
    // The journal lives in <stateDir>/.clawprint/fix/<apply>: lock the state dir like apply does.
    let state_dir = dir.ancestors().nth(3).map(Path::to_path_buf);
    let _lock = match &state_dir {
        Some(sd) => sys::lock_dir(sd).map_err(io_err(sd))?,
        None => None,
    };
    let mut out = RollbackOutcome::default();
    if matches!(
        jd.journal.status,
        Status::RolledBack | Status::FailedRolledBack
    ) {
        out.already = true;
        return Ok(out);
    }
    undo(&jd, force, &mut out)?;
    jd.journal.status = Status::RolledBack;
    jd.save()?;
    Ok(out)
}

/// Undo every step (used by `rollback` and by a failed apply).
pub(crate) fn undo(
    jd: &JournalDir,
    force: bool,
    out: &mut RollbackOutcome,
) -> Result<(), JournalError> {
    // First check everything, so a refused path leaves the host untouched.
    if !force {
        for step in jd.journal.steps.iter().rev() {
            check_step(jd, step)?;
        }
    }
    for step in jd.journal.steps.iter().rev() {
        if let Some(t) = &step.temp {
            let t = Path::new(t);
            if sys::remove_own_temp(t).map_err(io_err(t))? {
                out.removed.push(t.display().to_string());
            }
        }
        let path = Path::new(&step.path);
        let restored = match step.kind {
            StepKind::Chmod => undo_chmod(step, path)?,
            StepKind::Write => undo_write(jd, step, path)?,
        };
        let what = match step.kind {
            StepKind::Write => format!("{} (content, mode {:03o})", step.path, step.before.mode),
            StepKind::Chmod => format!("{} (mode {:03o})", step.path, step.before.mode),
        };
        if restored {
            out.restored.push(what);
        } else {
            out.unchanged.push(what);
        }
    }
    Ok(())
}

/// Is the path in a state the step could have left (or the original one)?
fn check_step(jd: &JournalDir, step: &Step) -> Result<(), JournalError> {
    let path = Path::new(&step.path);
    let changed = |what: String| JournalError::Changed {
        path: step.path.clone(),
        what,
    };
    let h = match sys::open_nofollow(path) {
        Ok(h) => h,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && step.kind == StepKind::Write => {
            return Err(changed("it no longer exists".into()))
        }
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(changed("it is now a symbolic link".into()))
        }
        Err(e) => return Err(io_err(path)(e)),
    };
    if h.meta.kind != step.before.kind {
        return Err(changed(format!("it is now a {}", h.meta.kind.as_str())));
    }
    match step.kind {
        StepKind::Chmod => {
            if h.meta.mode != step.before.mode && h.meta.mode != step.after.mode {
                return Err(changed(format!(
                    "mode is {:o}, expected {:o} or {:o}",
                    h.meta.mode, step.after.mode, step.before.mode
                )));
            }
        }
        StepKind::Write => {
            let mut h = h;
            let bytes = h
                .read_all(crate::capture::CONFIG_MAX_BYTES)
                .map_err(io_err(path))?;
            let now = hash(&bytes);
            if Some(&now) != step.before.hash.as_ref() && Some(&now) != step.after.hash.as_ref() {
                return Err(changed("its content was edited".into()));
            }
            let _ = jd;
        }
    }
    Ok(())
}

fn undo_chmod(step: &Step, path: &Path) -> Result<bool, JournalError> {
    let h = match sys::open_nofollow(path) {
        Ok(h) => h,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err(path)(e)),
    };
    if h.meta.kind != step.before.kind {
        return Err(JournalError::Changed {
            path: step.path.clone(),
            what: format!("it is now a {}", h.meta.kind.as_str()),
        });
    }
    if h.meta.mode == step.before.mode {
        return Ok(false);
    }
    h.chmod(step.before.mode).map_err(io_err(path))?;
    Ok(true)
}

fn undo_write(jd: &JournalDir, step: &Step, path: &Path) -> Result<bool, JournalError> {
    let Some(name) = &step.before.bytes else {
        return Ok(false);
    };
    let saved = jd.dir.join(name);
    let original = match std::fs::read(&saved) {
        Ok(b) => b,
        // Crashed before the original was saved: the step never began changing the file.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err(&saved)(e)),
    };
    if Some(hash(&original)) != step.before.hash {
        return Err(JournalError::Damaged(step.path.clone()));
    }
    if let Ok(mut h) = sys::open_nofollow(path) {
        if h.meta.kind == FileKind::File
            && h.meta.mode == step.before.mode
            && h.meta.uid == step.before.uid
            && h.meta.gid == step.before.gid
            && h.read_all(crate::capture::CONFIG_MAX_BYTES).ok().as_deref() == Some(&original[..])
        {
            return Ok(false);
        }
    }
    let dir = sys::parent(path);
    let tmp = dir.join(format!(
        ".{}.clawprint-restore-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = sys::remove_own_temp(&tmp);
    sys::write_temp(
        &tmp,
        &original,
        step.before.mode,
        step.before.uid,
        step.before.gid,
    )
    .map_err(io_err(&tmp))?;
    sys::rename(&tmp, path).map_err(io_err(path))?;
    sys::fsync_dir(&dir).map_err(io_err(&dir))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_civil_time() {
        assert_eq!(stamp(0), "19700101T000000Z");
        assert_eq!(stamp(1_795_563_614), "20261124T234014Z");
        assert_eq!(stamp(951_782_400), "20000229T000000Z");
    }
}
