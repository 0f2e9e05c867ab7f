//! Text report for people: a header, the summary, then findings grouped CRITICAL, WARN, INFO.

use std::fmt::Write;

use crate::audit::{Report, Severity};

pub struct Header<'a> {
    pub label: &'a str,
    pub id: &'a str,
    /// Home dir to show as `~`.
    pub home: &'a str,
}

fn tilde(s: &str, home: &str) -> String {
    if home.len() > 1 {
        s.replace(&format!("{home}/"), "~/")
            .replace(&format!("{home} "), "~ ")
    } else {
        s.to_string()
    }
}

pub fn render(report: &Report, h: &Header) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(
        out,
        "clawprint security audit: {} ({})",
        h.label,
        &h.id[..h.id.len().min(12)]
    );
    let _ = writeln!(
        out,
        "Summary: {} critical · {} warn · {} info",
        s.critical, s.warn, s.info
    );
    for d in &report.secret_diagnostics {
        let _ = writeln!(out, "[secrets] {d}");
    }
    for (sev, name) in [
        (Severity::Critical, "CRITICAL"),
        (Severity::Warn, "WARN"),
        (Severity::Info, "INFO"),
    ] {
        let group: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{name}");
        for f in group {
            let _ = writeln!(out, "{} {}", f.check_id, f.title);
            for line in tilde(&f.detail, h.home).lines() {
                let _ = writeln!(out, "  {line}");
            }
            if let Some(r) = &f.remediation {
                let _ = writeln!(out, "  Fix: {}", tilde(r, h.home));
            }
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\nNOTES");
        for n in &report.notes {
            let path = tilde(&n.path, h.home);
            if path.is_empty() {
                let _ = writeln!(out, "  {}", n.message);
            } else {
                let _ = writeln!(out, "  {path}: {}", tilde(&n.message, h.home));
            }
        }
    }
    out
}

/// `clawprint show`: what a snapshot holds.
pub fn show(snap: &crate::snapshot::Snapshot) -> String {
    let m = &snap.manifest;
    let mut out = String::new();
    let _ = writeln!(out, "id          {}", snap.id());
    let _ = writeln!(out, "label       {}", snap.meta.label);
    let _ = writeln!(
        out,
        "captured by {} {} (zstd {})",
        snap.meta.tool, snap.meta.tool_version, snap.meta.zstd_version
    );
    if let Some(t) = snap.meta.captured_at {
        let _ = writeln!(out, "captured at {t} (seconds since the epoch)");
    }
    let _ = writeln!(out, "format      {}", m.format);
    let _ = writeln!(
        out,
        "platform    {} uid={} gid={}",
        m.host.platform, m.host.uid, m.host.gid
    );
    let _ = writeln!(out, "home        {}", m.host.home);
    let _ = writeln!(out, "state dir   {}", m.host.state_dir);
    let _ = writeln!(
        out,
        "config      {}{}",
        m.host.config_path,
        if m.config.exists { "" } else { " (absent)" }
    );
    for inc in &m.config.includes {
        let _ = writeln!(
            out,
            "  $include  {}{}",
            inc.path,
            inc.error
                .as_deref()
                .map(|e| format!(" (refused: {e})"))
                .unwrap_or_default()
        );
    }
    let env: Vec<&String> = m.host.env.keys().chain(m.host.dotenv.keys()).collect();
    if !env.is_empty() {
        let _ = writeln!(
            out,
            "env         {}",
            env.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
        );
    }
    let _ = writeln!(
        out,
        "redaction   {}: {} secret values in {} classes",
        m.redaction.mode, m.redaction.secrets, m.redaction.classes
    );
    if let Some(ids) = &m.redaction.identities {
        let _ = writeln!(
            out,
            "identities  {}: {} values in {} classes{}",
            ids.mode,
            ids.values,
            ids.classes,
            ids.home_alias
                .as_deref()
                .map(|h| format!(", home recorded as {h}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "walk        {} entries (limit {}){}",
        m.walk.entries,
        m.walk.limit,
        if m.walk.truncated { ", TRUNCATED" } else { "" }
    );
    let _ = writeln!(out, "\nFILES ({})", m.files.len());
    for f in &m.files {
        let mut line = format!(
            "  {} {:04o} {:>5}:{:<5} {:>9}  {}",
            kind_char(f.kind),
            f.mode,
            f.uid,
            f.gid,
            f.size,
            f.path
        );
        if let Some(t) = &f.target {
            line.push_str(&format!(" -> {t}"));
        }
        if f.blob.is_some() {
            line.push_str("  [content]");
        }
        let _ = writeln!(out, "{line}");
    }
    if !m.databases.is_empty() {
        let _ = writeln!(out, "\nDATABASES");
        for db in &m.databases {
            let h = db.facts.header.as_ref();
            let _ = writeln!(
                out,
                "  {}  {} schema objects{}{}",
                db.path,
                db.facts.schema.len(),
                h.map(|h| format!(
                    ", user_version {}, {}",
                    h.user_version,
                    if h.write_version == 2 {
                        "WAL"
                    } else {
                        "rollback journal"
                    }
                ))
                .unwrap_or_default(),
                if db.facts.state.is_some() {
                    ", OpenClaw state"
                } else {
                    ""
                }
            );
            for d in &db.facts.diagnostics {
                let _ = writeln!(out, "    note: {d}");
            }
        }
    }
    if !m.diagnostics.is_empty() {
        let _ = writeln!(out, "\nDIAGNOSTICS");
        for d in &m.diagnostics {
            let _ = writeln!(out, "  [{}] {}: {}", d.code, d.path, d.message);
        }
    }
    out
}

fn kind_char(k: crate::snapshot::FileKind) -> char {
    use crate::snapshot::FileKind::*;
    match k {
        File => '-',
        Dir => 'd',
        Symlink => 'l',
        Fifo => 'p',
        Socket => 's',
        Char => 'c',
        Block => 'b',
        Unknown => '?',
    }
}
