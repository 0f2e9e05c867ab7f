//! The paths a capture has recorded. The state-tree walk records most of a big host (hundreds of thousands of
//! entries) and nothing looks most of them up again, so they go into a plain vector, in walk order, then sorted
//! by recorded path once the walk is done; every other path (recorded one at a time, looked up by real path)
//! goes into a map. This keeps a 200,000-entry capture to one `FileEntry` per entry: no second copy of each
//! path as a map key, no map nodes, no string comparisons per insert.
//!
//! A walked entry's real path is the walk root's real path plus the part of its recorded path after the root's
//! recorded path: the home alias maps a whole tree by one prefix, so the walk only uses the vector when that holds
//! for every path under its root (always, unless the home dir is strictly inside the state dir).

use std::collections::BTreeMap;

use crate::snapshot::FileEntry;

#[derive(Default)]
pub(super) struct FileTable {
    /// Real path → entry, for everything recorded outside the walk's vector.
    map: BTreeMap<String, FileEntry>,
    /// The walk's entries (recorded paths start with `prefix.1`).
    walked: Vec<FileEntry>,
    /// (real, recorded) text of the walk root.
    prefix: Option<(String, String)>,
    /// `walked` is sorted by recorded path.
    sorted: bool,
}

impl FileTable {
    /// Start the walk's vector for the tree at `root_real`, recorded as `root_rec`.
    pub(super) fn begin_walk(&mut self, root_real: String, root_rec: String) {
        self.prefix = Some((root_real, root_rec));
        self.sorted = false;
    }

    /// The recorded path of `real` if it lies under the walk root.
    fn walked_rec(&self, real: &str) -> Option<String> {
        let (root_real, root_rec) = self.prefix.as_ref()?;
        let rest = real.strip_prefix(root_real.as_str())?;
        if !(rest.is_empty() || rest.starts_with('/') || root_real.ends_with('/')) {
            return None;
        }
        Some(format!("{root_rec}{rest}"))
    }

    /// Add a walk entry whose real path is `real` and which is in neither part yet.
    pub(super) fn push_walked(&mut self, entry: FileEntry) {
        debug_assert!(self.prefix.is_some());
        self.walked.push(entry);
        self.sorted = false;
    }

    /// Sort the walk's entries by recorded path (unique: the walk records each real path once).
    pub(super) fn end_walk(&mut self) {
        self.walked
            .sort_unstable_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        self.sorted = true;
    }

    fn walked_index(&self, real: &str) -> Option<usize> {
        let rec = self.walked_rec(real)?;
        if self.sorted {
            self.walked
                .binary_search_by(|e| e.path.as_bytes().cmp(rec.as_bytes()))
                .ok()
        } else {
            self.walked.iter().rposition(|e| e.path == rec)
        }
    }

    /// The kind of `real` if it was recorded outside the walk's vector.
    pub(super) fn mapped_kind(&self, real: &str) -> Option<crate::snapshot::FileKind> {
        self.map.get(real).map(|e| e.kind)
    }

    pub(super) fn get(&self, real: &str) -> Option<&FileEntry> {
        if let Some(e) = self.map.get(real) {
            return Some(e);
        }
        self.walked_index(real).map(|i| &self.walked[i])
    }

    pub(super) fn get_mut(&mut self, real: &str) -> Option<&mut FileEntry> {
        if self.map.contains_key(real) {
            return self.map.get_mut(real);
        }
        self.walked_index(real).map(move |i| &mut self.walked[i])
    }

    pub(super) fn insert(&mut self, real: String, entry: FileEntry) {
        self.map.insert(real, entry);
    }

    /// Real paths of the entries `pred` accepts, map first.
    pub(super) fn reals_where(&self, pred: impl Fn(&FileEntry) -> bool) -> Vec<String> {
        let mut out: Vec<String> = self
            .map
            .iter()
            .filter(|(_, e)| pred(e))
            .map(|(k, _)| k.clone())
            .collect();
        if let Some((root_real, root_rec)) = &self.prefix {
            out.extend(self.walked.iter().filter(|e| pred(e)).filter_map(|e| {
                let rest = e.path.strip_prefix(root_rec.as_str())?;
                Some(format!("{root_real}{rest}"))
            }));
        }
        out
    }

    /// Every entry, sorted by recorded path; of two entries with one recorded path (two real paths the alias
    /// maps to the same text) the one with the smaller real path is kept.
    pub(super) fn into_sorted(mut self) -> Vec<FileEntry> {
        if !self.sorted {
            self.end_walk();
        }
        // The map's entries by recorded path, ties by real path (the map's order), stable.
        let mut extra: Vec<(String, FileEntry)> = self.map.into_iter().collect();
        extra.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        extra.dedup_by(|later, earlier| later.1.path == earlier.1.path);
        let mut out = self.walked;
        let prefix = self.prefix;
        let walked_real = |e: &FileEntry| -> Option<String> {
            let (root_real, root_rec) = prefix.as_ref()?;
            Some(format!(
                "{root_real}{}",
                e.path.strip_prefix(root_rec.as_str())?
            ))
        };
        // Same recorded path on both sides: keep the smaller real path, in the walk's slot.
        extra.retain_mut(|(real, e)| {
            match out.binary_search_by(|w| w.path.as_bytes().cmp(e.path.as_bytes())) {
                Ok(i) => {
                    if walked_real(&out[i]).is_none_or(|r| r >= *real) {
                        out[i] = std::mem::take(e);
                    }
                    false
                }
                Err(_) => true,
            }
        });
        if extra.is_empty() {
            return out;
        }
        // Merge from the back into the grown vector (no second copy of the big one); no equal paths remain.
        let (n, m) = (out.len(), extra.len());
        out.resize_with(n + m, FileEntry::default);
        let (mut i, mut j, mut k) = (n, m, n + m);
        while j > 0 {
            k -= 1;
            if i > 0 && out[i - 1].path > extra[j - 1].1.path {
                out.swap(i - 1, k);
                i -= 1;
            } else {
                out[k] = std::mem::take(&mut extra[j - 1].1);
                j -= 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::FileKind;

    fn entry(path: &str) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: FileKind::File,
            ..FileEntry::default()
        }
    }

    #[test]
    fn walked_and_mapped_entries_merge_in_path_order() {
        let mut t = FileTable::default();
        t.insert("/real/home/a.json".into(), entry("/home/user/a.json"));
        t.begin_walk("/real/home/.openclaw".into(), "/home/user/.openclaw".into());
        for p in ["", "/z", "/a-b", "/a", "/a/b"] {
            t.push_walked(entry(&format!("/home/user/.openclaw{p}")));
        }
        t.end_walk();
        t.insert("/real/home/.zz".into(), entry("/home/user/.zz"));
        t.insert("/elsewhere/x".into(), entry("/elsewhere/x"));
        assert!(t.get("/real/home/.openclaw/a-b").is_some());
        assert!(t.get("/real/home/.openclaw/a/b").is_some());
        assert!(t.get("/real/home/.openclaw/nope").is_none());
        assert!(t.get("/real/home/.openclawx").is_none());
        t.get_mut("/real/home/.openclaw/z").unwrap().size = 7;
        let reals = t.reals_where(|_| true);
        assert!(reals.contains(&"/real/home/.openclaw/a/b".to_string()));
        assert_eq!(reals.len(), 8);
        let out: Vec<String> = t.into_sorted().into_iter().map(|e| e.path).collect();
        let mut want = out.clone();
        want.sort();
        assert_eq!(out, want);
        assert_eq!(out.len(), 8);
        assert_eq!(out[0], "/elsewhere/x");
    }

    #[test]
    fn same_recorded_path_keeps_the_smaller_real_path() {
        let mut t = FileTable::default();
        t.begin_walk("/real/home/.openclaw".into(), "/home/user/.openclaw".into());
        let mut w = entry("/home/user/.openclaw/x");
        w.size = 1;
        t.push_walked(w);
        t.end_walk();
        let mut m = entry("/home/user/.openclaw/x");
        m.size = 2;
        // A real path that the alias leaves as it is and that sorts before the walked one.
        t.insert("/home/user/.openclaw/x".into(), m);
        let out = t.into_sorted();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].size, 2);
    }
}
