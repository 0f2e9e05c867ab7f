//! Where a finding is, for reports that point into files (SARIF): the config file and line:col of the key a
//! finding is about, following `$include` into the file that owns the key; or the path a finding is about.
//!
//! Snapshots keep the config text redacted by span (layout and comments survive), so lines are exact; a column
//! after a redacted secret on the same line can be off by the secret's length difference.

use crate::config::json5::{self, Node, Value};
use crate::config::load::{dirname, resolve};
use crate::snapshot::Snapshot;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    /// 1-based; `None` when only the file is known.
    pub line: Option<usize>,
    pub col: Option<usize>,
}

enum Seg {
    Key(String),
    Index(usize),
}

/// `agents.list[0].id` → Key(agents), Key(list), Index(0), Key(id).
fn segments(key: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(r) = rest.strip_prefix('[') {
                let Some(e) = r.find(']') else { break };
                if let Ok(i) = r[..e].parse() {
                    out.push(Seg::Index(i));
                }
                rest = &r[e + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

/// Locate a finding's subject: a path (absolute) or a dotted config key. Channel-account subjects
/// (`telegram:ops`) map to `channels.telegram.accounts.ops`, then `channels.telegram`.
pub fn locate(snap: &Snapshot, subject: &str) -> Option<Location> {
    if subject.starts_with('/') {
        return Some(Location {
            path: subject.to_string(),
            line: None,
            col: None,
        });
    }
    let config = &snap.manifest.config;
    if !config.exists {
        return None;
    }
    let mut candidates: Vec<String> = Vec::new();
    match subject.split_once(':') {
        Some((ch, acct)) if !ch.contains('.') => {
            candidates.push(format!("channels.{ch}.accounts.{acct}"));
            candidates.push(format!("channels.{ch}"));
        }
        _ => candidates.push(subject.to_string()),
    }
    for key in candidates {
        let segs = segments(&key);
        // The longest prefix of the key that exists is where the finding points.
        for n in (1..=segs.len()).rev() {
            if let Some(loc) = find_in(snap, &config.path, config.blob.as_deref(), &segs[..n], 0) {
                return Some(loc);
            }
        }
    }
    Some(Location {
        path: config.path.clone(),
        line: None,
        col: None,
    })
}

fn text<'a>(snap: &'a Snapshot, blob: Option<&str>) -> Option<&'a str> {
    snap.blob_text(blob?).ok()
}

fn find_in(
    snap: &Snapshot,
    path: &str,
    blob: Option<&str>,
    segs: &[Seg],
    depth: usize,
) -> Option<Location> {
    let src = text(snap, blob)?;
    let root = json5::parse(src).ok()?;
    descend(snap, path, src, &root, segs, depth)
}

fn descend(
    snap: &Snapshot,
    path: &str,
    src: &str,
    node: &Node,
    segs: &[Seg],
    depth: usize,
) -> Option<Location> {
    let Some((first, rest)) = segs.split_first() else {
        let (line, col) = json5::line_col(src, node.span.start);
        return Some(at(path, line, col));
    };
    match (&node.value, first) {
        (Value::Object(members), Seg::Key(k)) => {
            if let Some(m) = members.iter().rev().find(|m| &m.key == k) {
                if rest.is_empty() {
                    let (line, col) = json5::line_col(src, m.key_span.start);
                    return Some(at(path, line, col));
                }
                if let Some(found) = descend(snap, path, src, &m.value, rest, depth) {
                    return Some(found);
                }
            }
            // Not here: the key may come from an `$include` at this level (later includes win on merge).
            if depth >= 10 {
                return None;
            }
            let inc = node.get("$include")?;
            let targets: Vec<&str> = match &inc.value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Node::as_str).collect(),
                _ => vec![],
            };
            for t in targets.into_iter().rev() {
                let p = resolve(&dirname(path), t);
                let file = snap.manifest.config.includes.iter().find(|i| i.path == p)?;
                if let Some(found) = find_in(snap, &p, file.blob.as_deref(), segs, depth + 1) {
                    return Some(found);
                }
            }
            None
        }
        (Value::Array(items), Seg::Index(i)) => {
            descend(snap, path, src, items.get(*i)?, rest, depth)
        }
        _ => None,
    }
}

fn at(path: &str, line: usize, col: usize) -> Location {
    Location {
        path: path.to_string(),
        line: Some(line),
        col: Some(col),
    }
}

/// `file://` URI of an absolute path (percent-encoding what a URI cannot hold).
pub fn file_uri(path: &str) -> String {
    let mut out = String::from("file://");
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{IncludeFile, Manifest};
    use std::collections::BTreeMap;

    fn snap(root: &str, includes: &[(&str, &str)]) -> Snapshot {
        let mut blobs = BTreeMap::new();
        let mut m = Manifest::default();
        m.config.path = "/h/.openclaw/openclaw.json".into();
        m.config.exists = true;
        m.config.blob = Some(Snapshot::add_blob(&mut blobs, root.as_bytes().to_vec()));
        for (p, t) in includes {
            m.config.includes.push(IncludeFile {
                path: p.to_string(),
                parent: m.config.path.clone(),
                blob: Some(Snapshot::add_blob(&mut blobs, t.as_bytes().to_vec())),
                error: None,
            });
        }
        Snapshot {
            manifest: m,
            blobs,
            meta: Default::default(),
        }
    }

    #[test]
    fn finds_keys_in_the_root_and_in_includes() {
        let s = snap(
            "{\n  // gateway\n  gateway: {\n    bind: \"lan\",\n    $include: \"./gw.json5\"\n  },\n  agents: {list: [{id: \"a\"}, {id: \"b\"}]}\n}",
            &[("/h/.openclaw/gw.json5", "{\n  auth: {\n    mode: \"none\"\n  }\n}")],
        );
        let l = locate(&s, "gateway.bind").unwrap();
        assert_eq!((l.line, l.col), (Some(4), Some(5)));
        let l = locate(&s, "gateway.auth.mode").unwrap();
        assert_eq!(l.path, "/h/.openclaw/gw.json5");
        assert_eq!((l.line, l.col), (Some(3), Some(5)));
        let l = locate(&s, "agents.list[1].id").unwrap();
        assert_eq!(l.line, Some(7));
        // Missing leaf: the deepest existing parent.
        let l = locate(&s, "gateway.controlUi.enabled").unwrap();
        assert_eq!((l.line, l.col), (Some(3), Some(3)));
        assert_eq!(locate(&s, "/x/y").unwrap().line, None);
    }

    #[test]
    fn uris_are_escaped() {
        assert_eq!(file_uri("/a b/c#d"), "file:///a%20b/c%23d");
    }
}
