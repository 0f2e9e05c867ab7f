//! Report stage: findings as text for people, Markdown for tickets, one self-contained HTML file, the
//! reference's JSON for pipelines, SARIF for code-scanning tools, and the diff view. One format, one module;
//! every renderer is a pure function of the values below.
pub mod diff;
pub mod header;
pub mod html;
pub mod json;
pub mod location;
pub mod markdown;
pub mod markup;
pub mod sarif;
pub mod style;
pub mod text;

use std::collections::BTreeMap;

use crate::audit::{Finding, Report, Severity};
use crate::fix::ChangeSet;
use crate::snapshot::Snapshot;

pub use header::Header;
pub use style::Style;

/// The severities in report order, with their headings.
pub const GROUPS: [(Severity, &str); 3] = [
    (Severity::Critical, "CRITICAL"),
    (Severity::Warn, "WARN"),
    (Severity::Info, "INFO"),
];

/// An audit as the human renderers show it.
pub struct AuditDoc<'a> {
    pub header: Header,
    pub report: &'a Report,
    /// What `clawprint fix` would change on this snapshot (`fix::plan`), when it was planned.
    pub plan: Option<&'a ChangeSet>,
}

impl<'a> AuditDoc<'a> {
    pub fn new(
        snap: &Snapshot,
        source: Option<&str>,
        report: &'a Report,
        plan: Option<&'a ChangeSet>,
    ) -> AuditDoc<'a> {
        AuditDoc {
            header: Header::of(snap, source),
            report,
            plan,
        }
    }

    /// The findings of one severity, with the 1-based numbers of the planned ops that resolve each.
    pub fn group(&self, sev: Severity) -> Vec<(&'a Finding, Vec<usize>)> {
        let by_fp = self.ops_by_fingerprint();
        let (fps, _) = self.report.fingerprints();
        self.report
            .findings
            .iter()
            .zip(fps)
            .filter(|(f, _)| f.severity == sev)
            .map(|(f, fp)| (f, by_fp.get(&fp).cloned().unwrap_or_default()))
            .collect()
    }

    fn ops_by_fingerprint(&self) -> BTreeMap<String, Vec<usize>> {
        let mut m: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, op) in self
            .plan
            .map(|p| p.ops.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            for l in op.resolves() {
                m.entry(l.fingerprint.clone()).or_default().push(i + 1);
            }
        }
        m
    }

    /// How many findings the plan resolves.
    pub fn fixable(&self) -> usize {
        let by_fp = self.ops_by_fingerprint();
        let (fps, _) = self.report.fingerprints();
        fps.iter().filter(|fp| by_fp.contains_key(*fp)).count()
    }

    /// The plan, when it changes anything.
    pub fn ops_planned(&self) -> Option<&'a ChangeSet> {
        self.plan.filter(|p| !p.ops.is_empty())
    }
}

/// A diff as the human renderers show it.
pub struct DiffDoc<'a> {
    pub diff: &'a crate::diff::Diff,
    /// Home dir to show as `~` (the newer snapshot's, when a side is a snapshot).
    pub home: Option<String>,
}

impl DiffDoc<'_> {
    pub fn tilde(&self, s: &str) -> String {
        match &self.home {
            Some(h) => header::tilde(s, h),
            None => s.to_string(),
        }
    }

    /// The host changes linked to a finding.
    pub fn causes(&self, i: &crate::diff::Item) -> Vec<&crate::diff::HostChange> {
        self.diff
            .causes
            .iter()
            .filter(|c| c.check_id == i.check_id && c.fingerprint == i.fingerprint)
            .flat_map(|c| c.changes.iter())
            .collect()
    }
}

/// One host change in words: `config gateway.bind: "lan" → "loopback"`.
pub fn change_line(c: &crate::diff::HostChange) -> String {
    match (&c.before, &c.after) {
        (None, Some(a)) => format!("{} {}: added {a}", c.area, c.key),
        (Some(b), None) => format!("{} {}: removed (was {b})", c.area, c.key),
        (Some(b), Some(a)) => format!("{} {}: {b} → {a}", c.area, c.key),
        (None, None) => format!("{} {}", c.area, c.key),
    }
}
