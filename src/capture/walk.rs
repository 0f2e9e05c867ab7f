//! Metadata walk of the state tree: `lstat` only, children sorted by name, never descending through a symlink
//! (except the root itself, which OpenClaw also goes through), stopping at an entry limit.

use std::path::{Path, PathBuf};

use super::{hostfs, Capturer};
use crate::snapshot::{FileKind, WalkFacts};

pub(super) fn walk(c: &mut Capturer<'_>, root: &Path, limit: u64) -> WalkFacts {
    let mut facts = WalkFacts {
        limit,
        entries: 0,
        truncated: false,
    };
    let Some(kind) = c.record(root) else {
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
    if !root_is_dir {
        return facts;
    }
    // Depth-first with an explicit stack, so deep trees cannot overflow the call stack.
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut names = match hostfs::read_dir_names(&dir) {
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
        names.sort();
        let mut subdirs = Vec::new();
        for name in names {
            if facts.entries >= limit {
                facts.truncated = true;
                c.diag(
                    root,
                    "walk.truncated",
                    format!("state tree has more than {limit} entries; the rest is not listed"),
                );
                return facts;
            }
            let path = dir.join(&name);
            // (A name that is not UTF-8 is recorded escaped, with a `path.not_utf8` diagnostic: see `record`.)
            if let Some(FileKind::Dir) = c.record(&path) {
                subdirs.push(path);
            }
            facts.entries += 1;
        }
        // Reverse so the stack pops them in name order.
        stack.extend(subdirs.into_iter().rev());
    }
    facts
}
