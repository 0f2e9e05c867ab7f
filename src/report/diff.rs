//! `clawprint diff` for people: counts, then NEW / RESOLVED / CHANGED findings, each with the host changes that
//! plausibly caused it, then every host change. Paths under the home dir are shown as `~`.

use std::fmt::Write;

use super::{change_line, DiffDoc, Style};
use crate::diff::{Item, Matching, Side};

/// `label (id12)` of one side.
pub fn side(s: &Side) -> String {
    match &s.snapshot_id {
        Some(id) => format!("{} ({})", s.label, super::header::short(id)),
        None => format!("{} (report)", s.label),
    }
}

fn item(out: &mut String, i: &Item, doc: &DiffDoc, st: Style) {
    let _ = writeln!(
        out,
        "  {}  {}  {}",
        st.severity(i.severity, &format!("{:<8}", i.severity.as_str())),
        st.bold(&i.check_id),
        doc.tilde(&i.title)
    );
    for line in doc.tilde(&i.detail).lines() {
        let _ = writeln!(out, "            {line}");
    }
    causes(out, i, doc, st);
}

fn causes(out: &mut String, i: &Item, doc: &DiffDoc, st: Style) {
    for ch in doc.causes(i) {
        let _ = writeln!(
            out,
            "            {} {}",
            st.dim("cause:"),
            doc.tilde(&change_line(ch))
        );
    }
}

pub fn render(doc: &DiffDoc, st: Style) -> String {
    let d = doc.diff;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        st.bold("clawprint diff:"),
        side(&d.old),
        side(&d.new_side)
    );
    let c = &d.counts;
    let n = |v: usize, t: &str, paint: fn(Style, &str) -> String| {
        let s = format!("{v} {t}");
        if v > 0 {
            paint(st, &s)
        } else {
            s
        }
    };
    let _ = writeln!(
        out,
        "{} · {} · {} · {} unchanged",
        n(c.new, "new", Style::bad),
        n(c.resolved, "resolved", Style::good),
        n(c.changed, "changed", Style::changed),
        c.unchanged
    );
    if d.matching == Matching::CheckIdDetail {
        let _ = writeln!(
            out,
            "(matched on checkId and detail: at least one side is a report without fingerprints)"
        );
    }
    if !d.new.is_empty() {
        let _ = writeln!(out, "\n{}", st.bad(&st.bold("NEW")));
        for i in &d.new {
            item(&mut out, i, doc, st);
        }
    }
    if !d.resolved.is_empty() {
        let _ = writeln!(out, "\n{}", st.good(&st.bold("RESOLVED")));
        for i in &d.resolved {
            item(&mut out, i, doc, st);
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\n{}", st.changed(&st.bold("CHANGED")));
        for ch in &d.changed {
            let sev = if ch.severity_changed() {
                format!(
                    "{} → {}",
                    st.severity(ch.before.severity, ch.before.severity.as_str()),
                    st.severity(ch.after.severity, ch.after.severity.as_str())
                )
            } else {
                st.severity(ch.after.severity, ch.after.severity.as_str())
            };
            let _ = writeln!(
                out,
                "  {sev}  {}  {}",
                st.bold(&ch.after.check_id),
                doc.tilde(&ch.after.title)
            );
            if ch.before.detail != ch.after.detail {
                let _ = writeln!(out, "            was: {}", doc.tilde(&ch.before.detail));
                let _ = writeln!(out, "            now: {}", doc.tilde(&ch.after.detail));
            }
            causes(&mut out, &ch.after, doc, st);
        }
    }
    if let Some(h) = &d.host_changes {
        let _ = writeln!(out, "\n{}", st.bold("HOST CHANGES"));
        if h.is_empty() {
            let _ = writeln!(out, "  none (same config, file metadata and environment)");
        }
        for ch in h.all() {
            let _ = writeln!(out, "  {}", doc.tilde(&change_line(ch)));
        }
    }
    out
}
