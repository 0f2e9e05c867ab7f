//! Identities in file names: a WhatsApp session file (`session-15551234567.0.json`), a sender key named by a
//! group and a member (`sender-key-120363…@g.us--15557654321@s.whatsapp.net--0.json`), a note named by an e-mail
//! (`alice@corp.example-notes.md`), a picture from a phone number (`IMG_from_+15559876543.jpg`).
//!
//! A pseudonymizing capture records such a path component with each identity in it replaced: the digits of a
//! phone number or a JID by the digits of their class (same length, the `+` and every other character kept), an
//! e-mail by `userN@example.invalid` (the file's extension kept). The same component maps the same way wherever
//! it is recorded (`files[].path`, link targets, realpaths, diagnostics), with the same classes as the config's
//! identities. A part of a name the config or an include writes in a position that is recorded as it is (an
//! agent id, an account name, a path) is kept, so every path the audit derives from the config still matches.
//! No check reads these names: they only say which files exist, and their extensions are kept.

use std::collections::{BTreeSet, HashMap};

use crate::config::identity::{Context, Pseudonymizer};
use crate::config::json5::{self, Node, Value};
use crate::config::redact::{email_spans, is_recorded_as_written, looks_like_secret_value, Doc};

/// WhatsApp JID servers: the part after `@` that says a JID, not an e-mail.
const JID_SERVERS: &[&str] = &[
    "s.whatsapp.net",
    "g.us",
    "lid",
    "broadcast",
    "newsletter",
    "c.us",
];

#[derive(Debug, Default)]
pub(super) struct Names {
    /// Words the config shows as they are (values, their path components, keys): never replaced in a name.
    kept: BTreeSet<String>,
    /// Real component → recorded component, for every component that changed.
    map: HashMap<String, String>,
}

impl Names {
    /// Note the words a config text mounted at `doc` shows as written.
    pub fn keep_words_of(&mut self, text: &str, doc: &Doc) {
        fn walk(node: &Node, keys: &mut Vec<String>, doc: &Doc, kept: &mut BTreeSet<String>) {
            match &node.value {
                Value::Object(members) => {
                    for m in members {
                        let mut probe = keys.clone();
                        probe.push(m.key.clone());
                        if is_recorded_as_written(doc, &probe, true) {
                            kept.insert(m.key.clone());
                        }
                        keys.push(m.key.clone());
                        walk(&m.value, keys, doc, kept);
                        keys.pop();
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, keys, doc, kept)),
                Value::String(s)
                    if is_recorded_as_written(doc, keys, false)
                        && !looks_like_secret_value(s)
                        && (keys.last().is_none_or(|k| k != "id") || email_spans(s).is_empty()) =>
                {
                    kept.insert(s.clone());
                    kept.extend(s.split('/').map(str::to_string));
                }
                _ => {}
            }
        }
        if let Ok(root) = json5::parse(text) {
            let mut keys = match doc {
                Doc::Config(prefix) => prefix.clone(),
                _ => Vec::new(),
            };
            walk(&root, &mut keys, doc, &mut self.kept);
        }
    }

    /// `path` (a recorded path or a relative part of one) with the identities in its components replaced.
    pub fn path(&mut self, ids: &mut Pseudonymizer, path: &str) -> Option<String> {
        if !ids.enabled() || !may_name_someone(path) {
            return None;
        }
        let mut changed = false;
        let out: Vec<String> = path
            .split('/')
            .map(|c| match self.component(ids, c) {
                Some(p) => {
                    changed = true;
                    p
                }
                None => c.to_string(),
            })
            .collect();
        changed.then(|| out.join("/"))
    }

    /// `path` with the components already replaced once replaced again (no new classes: for texts that only
    /// show paths recorded before).
    pub fn known_path(&self, path: &str) -> Option<String> {
        if self.map.is_empty() || !may_name_someone(path) {
            return None;
        }
        let out: Vec<&str> = path
            .split('/')
            .map(|c| self.map.get(c).map_or(c, String::as_str))
            .collect();
        let out = out.join("/");
        (out != path).then_some(out)
    }

    /// A message with every replaced component in it replaced too (after a `/`, up to a character a name does
    /// not end with).
    pub fn text(&self, s: &str) -> Option<String> {
        if self.map.is_empty() || !may_name_someone(s) {
            return None;
        }
        let mut out = s.to_string();
        for (real, recorded) in &self.map {
            let mut from = 0;
            while let Some(i) = out[from..].find(real.as_str()).map(|i| i + from) {
                let end = i + real.len();
                let bounded = out[..i].ends_with('/')
                    && out[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| c == '/' || !(c.is_alphanumeric() || "._-+@".contains(c)));
                if bounded {
                    out.replace_range(i..end, recorded);
                    from = i + recorded.len();
                } else {
                    from = end;
                }
            }
        }
        (out != s).then_some(out)
    }

    /// `(real, recorded)` of every component replaced, sorted.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self
            .map
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        v.sort();
        v
    }

    fn component(&mut self, ids: &mut Pseudonymizer, c: &str) -> Option<String> {
        if let Some(p) = self.map.get(c) {
            return Some(p.clone());
        }
        if self.kept.contains(c) || !may_name_someone(c) {
            return None;
        }
        let mut out = String::with_capacity(c.len());
        let mut pos = 0;
        for (start, end, _) in identity_spans(c) {
            let part = &c[start..end];
            if self.kept.contains(part) {
                continue;
            }
            out.push_str(&c[pos..start]);
            out.push_str(&ids.entry(Context::Generic, part));
            pos = end;
        }
        out.push_str(&c[pos..]);
        if out == c {
            return None;
        }
        self.map.insert(c.to_string(), out.clone());
        Some(out)
    }
}

/// A cheap test before any work: an `@`, or 7 digits in a row.
fn may_name_someone(s: &str) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        if b == b'@' {
            return true;
        }
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 7 {
            return true;
        }
    }
    false
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Digits,
    Email,
}

/// Byte spans of the identities in one file name, in order, not overlapping: e-mail addresses (not JIDs; the
/// extension after the last `.` kept out when the address runs to the end), then `+` and 7 to 15 digits, and
/// runs of 8 to 20 digits not starting with `0`, elsewhere: phone numbers, chat, user and group ids (those of
/// JIDs too). Zero-padded counters and shorter numbers are kept.
fn identity_spans(c: &str) -> Vec<(usize, usize, Kind)> {
    let mut out: Vec<(usize, usize, Kind)> = Vec::new();
    for (start, mut end) in email_spans(c) {
        let domain = &c[c[start..end].find('@').map_or(start, |i| start + i + 1)..end];
        let lower = domain.to_ascii_lowercase();
        if JID_SERVERS.iter().any(|s| {
            lower == *s
                || lower.starts_with(&format!("{s}."))
                || lower.starts_with(&format!("{s}-"))
        }) {
            continue;
        }
        if end == c.len() {
            if let Some(dot) = c[start..end].rfind('.') {
                if c[start..start + dot]
                    .rsplit('@')
                    .next()
                    .is_some_and(|d| d.contains('.'))
                {
                    end = start + dot;
                }
            }
        }
        out.push((start, end, Kind::Email));
    }
    let b = c.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let plus = i > 0 && b[i - 1] == b'+';
        let start = if plus { i - 1 } else { i };
        let inside_email = out
            .iter()
            .any(|&(s, e, k)| k == Kind::Email && start < e && j > s);
        // A zero-padded counter (`0009700.bin`) is no one's number.
        let id = if plus {
            (7..=15).contains(&(j - i))
        } else {
            (8..=20).contains(&(j - i)) && b[i] != b'0'
        };
        if id && !inside_email {
            out.push((start, j, Kind::Digits));
        }
        i = j;
    }
    out.sort_by_key(|s| s.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_in_names_are_replaced_by_class() {
        let mut ids = Pseudonymizer::new();
        let mut n = Names::default();
        let mut p = |s: &str| n.path(&mut ids, s).unwrap_or_else(|| s.to_string());
        assert_eq!(
            p("a/session-15551234567.0.json"),
            "a/session-10000000000.0.json"
        );
        assert_eq!(
            p("sender-key-120363011112222333@g.us--15557654321@s.whatsapp.net--0.json"),
            "sender-key-100000000000000000@g.us--10000000001@s.whatsapp.net--0.json"
        );
        assert_eq!(
            p("memory/alice.zz@corp.example-notes.md"),
            "memory/user1@example.invalid.md"
        );
        assert_eq!(p("IMG_from_+15559876543.jpg"), "IMG_from_+10000000002.jpg");
        // The same number, the same class; short numbers, versions and plain names kept.
        assert_eq!(p("x/15551234567"), "x/10000000000");
        for keep in [
            "pre-key-12.json",
            "pkg@1.2.3",
            "creds.json",
            "2026-05-20.log",
        ] {
            assert_eq!(p(keep), keep);
        }
        assert_eq!(
            n.text("cannot read /s/session-15551234567.0.json: EACCES")
                .as_deref(),
            Some("cannot read /s/session-10000000000.0.json: EACCES")
        );
    }

    #[test]
    fn words_the_config_shows_are_kept() {
        let mut ids = Pseudonymizer::new();
        let mut n = Names::default();
        n.keep_words_of(
            r#"{ agents: { list: [{ id: "15550001111" }] }, channels: { signal: { accounts: { "+15552223333": {} }, allowFrom: ["+15554445555"] } } }"#,
            &Doc::Config(Vec::new()),
        );
        assert_eq!(n.path(&mut ids, "agents/15550001111"), None);
        assert_eq!(
            n.path(&mut ids, "credentials/signal-+15552223333-allowFrom.json"),
            None
        );
        // An identity position's value is recorded pseudonymized: it keeps nothing.
        assert_eq!(
            n.path(&mut ids, "x-+15554445555.json").as_deref(),
            Some("x-+10000000000.json")
        );
    }
}
