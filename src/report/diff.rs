//! `clawprint diff` for people: counts, then NEW / RESOLVED / CHANGED findings, each with the host changes that
//! plausibly caused it, then every host change.

use std::fmt::Write;

use crate::diff::{Diff, HostChange, Item};

fn side(s: &crate::diff::Side) -> String {
    match &s.snapshot_id {
        Some(id) => format!("{} ({})", s.label, &id[..id.len().min(12)]),
        None => format!("{} (report)", s.label),
    }
}

fn change_line(c: &HostChange) -> String {
    match (&c.before, &c.after) {
        (None, Some(a)) => format!("{} {}: added {a}", c.area, c.key),
        (Some(b), None) => format!("{} {}: removed (was {b})", c.area, c.key),
        (Some(b), Some(a)) => format!("{} {}: {b} → {a}", c.area, c.key),
        (None, None) => format!("{} {}", c.area, c.key),
    }
}

fn item(out: &mut String, i: &Item, d: &Diff) {
    let _ = writeln!(
        out,
        "  {:<8} {}  {}",
        i.severity.as_str(),
        i.check_id,
        i.title
    );
    for line in i.detail.lines() {
        let _ = writeln!(out, "           {line}");
    }
    causes(out, i, d);
}

fn causes(out: &mut String, i: &Item, d: &Diff) {
    if let Some(c) = d
        .causes
        .iter()
        .find(|c| c.check_id == i.check_id && c.fingerprint == i.fingerprint)
    {
        for ch in &c.changes {
            let _ = writeln!(out, "           cause: {}", change_line(ch));
        }
    }
}

pub fn render(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "clawprint diff: {} → {}",
        side(&d.old),
        side(&d.new_side)
    );
    let c = &d.counts;
    let _ = writeln!(
        out,
        "{} new · {} resolved · {} changed · {} unchanged",
        c.new, c.resolved, c.changed, c.unchanged
    );
    if d.matching == crate::diff::Matching::CheckIdDetail {
        let _ = writeln!(
            out,
            "(matched on checkId and detail: at least one side is a report without fingerprints)"
        );
    }
    if !d.new.is_empty() {
        let _ = writeln!(out, "\nNEW");
        for i in &d.new {
            item(&mut out, i, d);
        }
    }
    if !d.resolved.is_empty() {
        let _ = writeln!(out, "\nRESOLVED");
        for i in &d.resolved {
            item(&mut out, i, d);
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\nCHANGED");
        for ch in &d.changed {
            let sev = if ch.severity_changed() {
                format!(
                    "{} → {}",
                    ch.before.severity.as_str(),
                    ch.after.severity.as_str()
                )
            } else {
                ch.after.severity.as_str().to_string()
            };
            let _ = writeln!(out, "  {sev}  {}  {}", ch.after.check_id, ch.after.title);
            if ch.before.detail != ch.after.detail {
                let _ = writeln!(out, "           was: {}", ch.before.detail);
                let _ = writeln!(out, "           now: {}", ch.after.detail);
            }
            causes(&mut out, &ch.after, d);
        }
    }
    if let Some(h) = &d.host_changes {
        let _ = writeln!(out, "\nHOST CHANGES");
        if h.is_empty() {
            let _ = writeln!(out, "  none (same config, file metadata and environment)");
        }
        for ch in h.all() {
            let _ = writeln!(out, "  {}", change_line(ch));
        }
    }
    out
}
