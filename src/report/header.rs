//! What every human rendering of an audit says about its input: label, snapshot id, capture time, the OpenClaw
//! version that last wrote the config, the config path, and the home dir to show as `~`. Also how to name the
//! input again in a command hint (`clawprint fix plan <source>`).

use crate::snapshot::Snapshot;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub label: String,
    /// Full snapshot id (renderers show the first 12 characters where space is short).
    pub id: String,
    /// Seconds since the epoch, when the capture recorded it (`SOURCE_DATE_EPOCH`).
    pub captured_at: Option<u64>,
    /// `clawprint 0.1.0`: the tool that captured the snapshot.
    pub captured_by: String,
    /// `meta.lastTouchedVersion` of the config: the OpenClaw release that last wrote it.
    pub openclaw_version: Option<String>,
    pub config_path: String,
    pub config_exists: bool,
    pub includes: usize,
    /// Home dir, shown as `~`.
    pub home: String,
    /// The input as the user named it, for command hints; `None` for this host (a live capture).
    pub source: Option<String>,
}

impl Header {
    pub fn of(snap: &Snapshot, source: Option<&str>) -> Header {
        let m = &snap.manifest;
        Header {
            label: if snap.meta.label.is_empty() {
                "snapshot".into()
            } else {
                snap.meta.label.clone()
            },
            id: snap.id(),
            captured_at: snap.meta.captured_at,
            captured_by: format!("{} {}", snap.meta.tool, snap.meta.tool_version)
                .trim()
                .to_string(),
            openclaw_version: openclaw_version(snap),
            config_path: m.config.path.clone(),
            config_exists: m.config.exists,
            includes: m.config.includes.len(),
            home: m.host.home.clone(),
            source: source.map(str::to_string),
        }
    }

    pub fn short_id(&self) -> &str {
        short(&self.id)
    }

    /// `s` with the home dir written as `~`.
    pub fn tilde(&self, s: &str) -> String {
        tilde(s, &self.home)
    }

    /// `2026-05-20 10:15:00 UTC`.
    pub fn captured_utc(&self) -> Option<String> {
        self.captured_at.map(utc)
    }

    /// `clawprint <sub> [<source>] [extra]`: the command that does `sub` on the same input.
    pub fn command(&self, sub: &str, extra: &str) -> String {
        let mut c = format!("clawprint {sub}");
        if let Some(s) = &self.source {
            c.push(' ');
            c.push_str(&shell_quote(s));
        }
        if !extra.is_empty() {
            c.push(' ');
            c.push_str(extra);
        }
        c
    }
}

/// The first 12 characters of an id (safe on any input).
pub fn short(id: &str) -> &str {
    match id.char_indices().nth(12) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

/// Every occurrence of `home` as a whole path prefix (followed by `/`, the end, or a non-path character)
/// written as `~`. A home of `/` or empty is left alone.
pub fn tilde(s: &str, home: &str) -> String {
    let home = home.trim_end_matches('/');
    if home.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(home) {
        let after = &rest[i + home.len()..];
        let before_ok = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_path_char(c));
        let after_ok = after
            .chars()
            .next()
            .is_none_or(|c| c == '/' || !is_path_char(c));
        out.push_str(&rest[..i]);
        out.push_str(if before_ok && after_ok { "~" } else { home });
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '~')
}

/// Single-quote a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since the epoch.
pub fn utc(secs: u64) -> String {
    let stamp = crate::fix::journal::stamp(secs); // YYYYMMDDTHHMMSSZ
    format!(
        "{}-{}-{} {}:{}:{} UTC",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13],
        &stamp[13..15]
    )
}

fn openclaw_version(snap: &Snapshot) -> Option<String> {
    let text = snap.blob_text(snap.manifest.config.blob.as_deref()?).ok()?;
    let v = crate::config::json5::parse(text).ok()?.to_json();
    let s = v.pointer("/meta/lastTouchedVersion")?.as_str()?.trim();
    // A value a user typed: keep it short and on one line.
    (!s.is_empty() && s.len() <= 40 && !s.contains(char::is_control)).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_only_replaces_the_home_dir_as_a_path_prefix() {
        let h = "/home/user";
        assert_eq!(
            tilde("/home/user/.openclaw mode=755", h),
            "~/.openclaw mode=755"
        );
        assert_eq!(tilde("/home/user", h), "~");
        assert_eq!(tilde("in /home/user: x", h), "in ~: x");
        assert_eq!(tilde("/home/username/x", h), "/home/username/x");
        assert_eq!(tilde("/srv/home/user/x", h), "/srv/home/user/x");
        assert_eq!(tilde("a /home/user/a and /home/user/b", h), "a ~/a and ~/b");
        assert_eq!(tilde("/x", "/"), "/x");
    }

    #[test]
    fn utc_and_quoting() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_779_272_100), "2026-05-20 10:15:00 UTC");
        assert_eq!(shell_quote("snapshots/a.clawsnap"), "snapshots/a.clawsnap");
        assert_eq!(
            shell_quote("my host's.clawsnap"),
            r"'my host'\''s.clawsnap'"
        );
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
        assert_eq!(short("abc"), "abc");
    }

    #[test]
    fn command_hints_name_the_input() {
        let mut h = Header::default();
        assert_eq!(h.command("audit", "--json"), "clawprint audit --json");
        h.source = Some("a b.clawsnap".into());
        assert_eq!(
            h.command("fix plan", ""),
            "clawprint fix plan 'a b.clawsnap'"
        );
    }
}
