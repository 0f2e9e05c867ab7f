//! Text report for people, the way a support engineer pastes it into a ticket: a header (label, snapshot id,
//! config path, capture time and OpenClaw version when known), the summary, findings grouped CRITICAL, WARN,
//! INFO (checkId and title, the detail indented, a `Fix:` line), suppressed findings, notes, and a one-line
//! hint at what to run next. Paths under the home dir are shown as `~`. Stable and diff-friendly: no dates
//! but the capture's own, no terminal widths; colour only through [`Style`].

use std::fmt::Write;

use super::{AuditDoc, Style, GROUPS};
use crate::audit::Severity;

/// The audit report as text.
pub fn render(doc: &AuditDoc, st: Style) -> String {
    let h = &doc.header;
    let report = doc.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})",
        st.bold("clawprint security audit:"),
        st.bold(&h.label),
        h.short_id()
    );
    let _ = writeln!(
        out,
        "config    {}{}",
        h.tilde(&h.config_path),
        match (h.config_exists, h.includes) {
            (false, _) => " (absent)".to_string(),
            (true, 0) => String::new(),
            (true, 1) => " (+1 $include)".to_string(),
            (true, n) => format!(" (+{n} $include files)"),
        }
    );
    if let Some(t) = h.captured_utc() {
        let _ = writeln!(out, "captured  {t} by {}", h.captured_by);
    }
    if let Some(v) = &h.openclaw_version {
        let _ = writeln!(out, "OpenClaw  {v} (last wrote the config)");
    }
    let s = &report.summary;
    let count = |sev: Severity, n: usize| {
        let t = format!("{n} {}", sev.as_str());
        if n > 0 {
            st.severity(sev, &t)
        } else {
            t
        }
    };
    let _ = writeln!(
        out,
        "summary   {} · {} · {}{}",
        count(Severity::Critical, s.critical),
        count(Severity::Warn, s.warn),
        count(Severity::Info, s.info),
        if report.suppressed.is_empty() {
            String::new()
        } else {
            format!(" · {} suppressed", report.suppressed.len())
        }
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
    }
    for (sev, name) in GROUPS {
        let group = doc.group(sev);
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}",
            st.severity(sev, &format!("{name} ({})", group.len()))
        );
        for (i, (f, _)) in group.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "  {}  {}", st.bold(&f.check_id), h.tilde(&f.title));
            for line in h.tilde(&f.detail).lines() {
                let _ = writeln!(out, "    {line}");
            }
            if let Some(r) = &f.remediation {
                let _ = writeln!(out, "    {} {}", st.bold("Fix:"), h.tilde(r));
            }
        }
    }
    if !report.suppressed.is_empty() {
        let _ = writeln!(out, "\nSUPPRESSED ({})", report.suppressed.len());
        for sup in &report.suppressed {
            let f = &sup.finding;
            let _ = writeln!(
                out,
                "  {}  {}  {}{}",
                f.severity.as_str(),
                st.bold(&f.check_id),
                h.tilde(&f.title),
                sup.suppression
                    .reason
                    .as_deref()
                    .map(|r| format!(" (reason: {})", h.tilde(r)))
                    .unwrap_or_default()
            );
        }
    }
    if !report.secret_diagnostics.is_empty() {
        let _ = writeln!(out, "\nSECRETS");
        for d in &report.secret_diagnostics {
            let _ = writeln!(out, "  {}", h.tilde(d));
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\nNOTES");
        for n in &report.notes {
            let path = h.tilde(&n.path);
            if path.is_empty() {
                let _ = writeln!(out, "  {}", h.tilde(&n.message));
            } else {
                let _ = writeln!(out, "  {path}: {}", h.tilde(&n.message));
            }
        }
    }
    let _ = writeln!(out, "\n{}", st.dim(&footer(doc)));
    out
}

/// What to run next, on one line.
fn footer(doc: &AuditDoc) -> String {
    let h = &doc.header;
    match doc.ops_planned() {
        Some(p) => format!(
            "Plan the fixes: {} ({} change{}, {} finding{}) · JSON: add --json",
            h.command("fix plan", ""),
            p.ops.len(),
            plural(p.ops.len()),
            doc.fixable(),
            plural(doc.fixable()),
        ),
        None => format!(
            "JSON: {} · for a ticket: --format markdown or html",
            h.command("audit", "--json")
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Finding, Report, Summary};
    use crate::snapshot::{Manifest, Meta, Snapshot};
    use std::collections::BTreeMap;

    #[test]
    fn header_shows_capture_time_and_openclaw_version_when_known() {
        let mut blobs = BTreeMap::new();
        let mut m = Manifest::default();
        m.host.home = "/home/u".into();
        m.config.path = "/home/u/.openclaw/openclaw.json".into();
        m.config.exists = true;
        m.config.blob = Some(Snapshot::add_blob(
            &mut blobs,
            b"{meta: {lastTouchedVersion: '2026.5.20'}}".to_vec(),
        ));
        let snap = Snapshot {
            manifest: m,
            blobs,
            meta: Meta::new("acme-prod", Some(1_779_272_100)),
        };
        let findings =
            vec![
                Finding::new("fs.x", Severity::Warn, "T", "/home/u/.openclaw mode=755")
                    .fix("chmod 700 /home/u/.openclaw"),
            ];
        let report = Report {
            summary: Summary::of(&findings),
            findings,
            suppressed: vec![],
            secret_diagnostics: vec![],
            notes: vec![],
        };
        let doc = AuditDoc::new(&snap, None, &report, None);
        let out = render(&doc, Style::PLAIN);
        let head: Vec<&str> = out.lines().take(5).collect();
        assert_eq!(
            head,
            [
                format!("clawprint security audit: acme-prod ({})", &snap.id()[..12]).as_str(),
                "config    ~/.openclaw/openclaw.json",
                &format!(
                    "captured  2026-05-20 10:15:00 UTC by clawprint {}",
                    env!("CARGO_PKG_VERSION")
                ),
                "OpenClaw  2026.5.20 (last wrote the config)",
                "summary   0 critical · 1 warn · 0 info",
            ]
        );
        assert!(out.contains(
            "\nWARN (1)\n  fs.x  T\n    ~/.openclaw mode=755\n    Fix: chmod 700 ~/.openclaw\n"
        ));
        // A live audit: the hint names no file.
        assert!(out.ends_with(
            "\nJSON: clawprint audit --json · for a ticket: --format markdown or html\n"
        ));
    }
}
