//! Metadata walk of the state tree: `lstat` only, children sorted by name, never descending through a symlink
//! (except the root itself, which OpenClaw also goes through), stopping at an entry limit.
//!
//! Cost: one `getdents` per directory and one `fstatat(dirfd, name)` per entry (no path lookup from `/`, as
//! `find` does), entries appended to a vector (see [`super::table`]). On a big tree, helper threads read
//! directories ahead of the walk (the directory listings and their `lstat`s, nothing else): the walk itself
//! stays on one thread, visits directories in the same order and records every entry in the same order, so the
//! snapshot is byte-identical whatever the threads did. A listing the walk needs and no helper has started is
//! read by the walk itself, so it never waits on a queue.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use super::{hostfs, Capturer};
use crate::config::load;
use crate::snapshot::{FileKind, WalkFacts};

/// Directories walked before helper threads start (a typical host has a few dozen: no threads for it).
const PREFETCH_AFTER_DIRS: usize = 64;
/// At most this many listings read ahead and not yet used (bounds the memory the helpers can take).
const PREFETCH_MAX_AHEAD: usize = 64;

type Listing = io::Result<Vec<(OsString, io::Result<hostfs::Stat>)>>;

pub(super) fn walk(c: &mut Capturer<'_>, root: &Path, limit: u64) -> WalkFacts {
    let mut facts = WalkFacts {
        limit,
        entries: 0,
        truncated: false,
    };
    let root_key = root.to_string_lossy().into_owned();
    // Walk entries go to the table's vector when the home aliases map the whole tree by one prefix: always,
    // unless an aliased dir (the home dir, its realpath, `$HOME`) is strictly inside the state dir.
    let one_prefix = c
        .redactor
        .home_aliases()
        .iter()
        .all(|(home, _)| load::is_inside(home, &root_key) || !load::is_inside(&root_key, home));
    let root_rec = c.rec_str(&root_key);
    if one_prefix {
        c.files.begin_walk(root_key.clone(), root_rec.clone());
    }
    let kind = match c.files.get(&root_key) {
        Some(e) => Some(e.kind),
        None => record(
            c,
            root,
            root_key.clone(),
            hostfs::lstat(root),
            one_prefix,
            &root_key,
            &root_rec,
        ),
    };
    let Some(kind) = kind else {
        c.files.end_walk();
        return facts;
    };
    facts.entries = 1;
    let root_is_dir = match kind {
        FileKind::Dir => true,
        FileKind::Symlink => hostfs::stat(root)
            .map(|s| s.kind == FileKind::Dir)
            .unwrap_or(false),
        _ => false,
    };
    if root_is_dir {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let ahead = Prefetch::default();
        std::thread::scope(|s| {
            let mut started = false;
            let mut walked_dirs = 0usize;
            // Depth-first with an explicit stack, so deep trees cannot overflow the call stack.
            let mut stack: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), root_key.clone())];
            while let Some((dir, dir_key)) = stack.pop() {
                walked_dirs += 1;
                if !started && threads > 1 && walked_dirs > PREFETCH_AFTER_DIRS {
                    started = true;
                    // Hand the directories still to visit to the helpers, next one last (they take from the end).
                    ahead.submit(stack.iter().map(|(d, _)| d.clone()));
                    for _ in 0..threads {
                        s.spawn(|| ahead.work());
                    }
                }
                let listing = if started {
                    ahead.take(&dir)
                } else {
                    hostfs::read_dir_lstat(&dir)
                };
                let mut names = match listing {
                    Ok(n) => n,
                    Err(e) => {
                        c.diag(
                            &dir,
                            "readdir.failed",
                            format!("cannot list directory: {e}"),
                        );
                        continue;
                    }
                };
                names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut subdirs = Vec::new();
                for (name, lstat) in names {
                    if facts.entries >= limit {
                        facts.truncated = true;
                        c.diag(
                            root,
                            "walk.truncated",
                            format!(
                                "state tree has more than {limit} entries; the rest is not listed"
                            ),
                        );
                        stack.clear();
                        subdirs.clear();
                        break;
                    }
                    let path = dir.join(&name);
                    let key = match name.to_str() {
                        // `Path::join` of a relative name: the dir's text, a `/` unless it ends with one, the name.
                        Some(n) => {
                            if dir.to_str().is_none() {
                                // Under a directory whose name is not UTF-8: escaped too.
                                c.not_utf8(&path);
                            }
                            let mut k = String::with_capacity(dir_key.len() + 1 + n.len());
                            k.push_str(&dir_key);
                            if !dir_key.ends_with('/') {
                                k.push('/');
                            }
                            k.push_str(n);
                            k
                        }
                        None => {
                            c.not_utf8(&path);
                            hostfs::path_text(&path).0.into_owned()
                        }
                    };
                    // Only paths recorded before the walk can be known already (the walk meets each once).
                    let kind = match c.files.mapped_kind(&key) {
                        Some(k) => Some(k),
                        None => record(
                            c,
                            &path,
                            key.clone(),
                            lstat,
                            one_prefix,
                            &root_key,
                            &root_rec,
                        ),
                    };
                    if let Some(FileKind::Dir) = kind {
                        subdirs.push((path, key));
                    }
                    facts.entries += 1;
                    if facts.entries % super::PROGRESS_EVERY == 0 {
                        c.progress(super::Progress::Walked(facts.entries));
                    }
                }
                // Reverse so the stack pops them in name order.
                if started {
                    ahead.submit(subdirs.iter().rev().map(|(d, _)| d.clone()));
                }
                stack.extend(subdirs.into_iter().rev());
                if facts.truncated {
                    break;
                }
            }
            ahead.stop();
        });
    }
    c.files.end_walk();
    facts
}

/// Record one walked entry: into the table's vector (its recorded path from the root's by prefix) or, when the
/// alias does not map the tree by one prefix, as any other path.
fn record(
    c: &mut Capturer<'_>,
    path: &Path,
    key: String,
    lstat: io::Result<hostfs::Stat>,
    one_prefix: bool,
    root_key: &str,
    root_rec: &str,
) -> Option<FileKind> {
    if !one_prefix {
        return c.record_stat(path, key, lstat);
    }
    let rec = match key.strip_prefix(root_key) {
        Some(rest) => {
            let named = c.rec_rest(rest);
            let rest = named.as_deref().unwrap_or(rest);
            let mut r = String::with_capacity(root_rec.len() + rest.len());
            r.push_str(root_rec);
            r.push_str(rest);
            r
        }
        None => c.rec_str(&key),
    };
    let entry = c.entry_of(path, rec, lstat)?;
    let kind = entry.kind;
    c.files.push_walked(entry);
    Some(kind)
}

/// Directory listings read ahead by helper threads.
#[derive(Default)]
struct Prefetch {
    state: Mutex<State>,
    /// A listing arrived (the walk may be waiting for it).
    arrived: Condvar,
    /// Work was queued, a listing was taken (room to read ahead), or the walk is over.
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// Directories to read; the walk needs the last one first.
    queue: Vec<PathBuf>,
    in_flight: HashSet<PathBuf>,
    done: HashMap<PathBuf, Listing>,
    stop: bool,
}

impl Prefetch {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn submit(&self, dirs: impl Iterator<Item = PathBuf>) {
        let mut st = self.lock();
        // The caller passes them last-needed first: the helpers take from the end.
        let before = st.queue.len();
        st.queue.extend(dirs);
        if st.queue.len() > before {
            self.wake.notify_all();
        }
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.wake.notify_all();
    }

    /// A helper: read the most urgent queued directory while there is room ahead.
    fn work(&self) {
        let mut st = self.lock();
        loop {
            if st.stop {
                return;
            }
            if st.done.len() + st.in_flight.len() < PREFETCH_MAX_AHEAD {
                if let Some(dir) = st.queue.pop() {
                    st.in_flight.insert(dir.clone());
                    drop(st);
                    let listing = hostfs::read_dir_lstat(&dir);
                    st = self.lock();
                    st.in_flight.remove(&dir);
                    st.done.insert(dir, listing);
                    self.arrived.notify_all();
                    continue;
                }
            }
            st = self.wake.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// The listing of `dir`: read ahead, being read (wait for it), or not started (read it here).
    fn take(&self, dir: &Path) -> Listing {
        let mut st = self.lock();
        loop {
            if let Some(l) = st.done.remove(dir) {
                self.wake.notify_one();
                return l;
            }
            if !st.in_flight.contains(dir) {
                if let Some(i) = st.queue.iter().rposition(|d| d == dir) {
                    st.queue.remove(i);
                }
                drop(st);
                return hostfs::read_dir_lstat(dir);
            }
            st = self.arrived.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}
