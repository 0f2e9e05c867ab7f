//! GitHub-flavoured Markdown for tickets and pull requests: a header list, a summary table, a section per
//! severity (checkIds, config keys and paths as code spans, a fix that is a command as code), the fix plan,
//! and the diff view. Text from findings is escaped, so a `<`, `*` or `|` in a detail shows as itself.

use std::fmt::Write;

use super::header::{short, tilde};
use super::markup::{is_command, spans, Span};
use super::{change_line, AuditDoc, DiffDoc, GROUPS};
use crate::diff::Item;
use crate::fix::ChangeSet;

/// Escape Markdown in a run of plain text (one line).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span holding `s` (longer fences when `s` holds backticks; `|` escaped for tables).
fn code(s: &str) -> String {
    let mut fence = "`".to_string();
    while s.contains(&fence) {
        fence.push('`');
    }
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// One line of finding text: keys and paths as code, the rest escaped. A line that would start a list,
/// a heading or a quote is kept a paragraph.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for sp in spans(s) {
        match sp {
            Span::Code(c) => out.push_str(&code(c)),
            Span::Text(t) => out.push_str(&esc(t)),
        }
    }
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    // `1. ` would start an ordered list: escape its dot.
    if let Some((n, _)) = out.split_once(". ") {
        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
            out.insert(n.len(), '\\');
        }
    }
    out
}

/// Several lines, as hard line breaks inside a list item.
fn lines(s: &str) -> String {
    s.lines().map(inline).collect::<Vec<_>>().join("\\\n  ")
}

fn fix(s: &str) -> String {
    if is_command(s) {
        code(s)
    } else {
        lines(s)
    }
}

/// `CRITICAL` → `Critical`.
fn title_case(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn ops_list(ops: &[usize]) -> String {
    ops.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The audit report.
pub fn audit(doc: &AuditDoc) -> String {
    let h = &doc.header;
    let r = doc.report;
    let mut out = String::new();
    let _ = writeln!(out, "## clawprint security audit: {}\n", esc(&h.label));
    let _ = writeln!(out, "- **Snapshot:** {}", code(&h.id));
    let _ = writeln!(
        out,
        "- **Config:** {}{}",
        code(&h.tilde(&h.config_path)),
        match (h.config_exists, h.includes) {
            (false, _) => " (absent)".to_string(),
            (true, 0) => String::new(),
            (true, n) => format!(" (+{n} `$include`)"),
        }
    );
    if let Some(t) = h.captured_utc() {
        let _ = writeln!(out, "- **Captured:** {t} by {}", esc(&h.captured_by));
    }
    if let Some(v) = &h.openclaw_version {
        let _ = writeln!(out, "- **OpenClaw:** {} (last wrote the config)", esc(v));
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "\n| Critical | Warn | Info | Suppressed |\n|---:|---:|---:|---:|\n| {} | {} | {} | {} |",
        s.critical,
        s.warn,
        s.info,
        r.suppressed.len()
    );
    if r.findings.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
    }
    for (sev, name) in GROUPS {
        let group = doc.group(sev);
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {} ({})\n", title_case(name), group.len());
        for (f, ops) in group {
            let _ = write!(
                out,
                "- **{}** {}\\\n  {}",
                code(&f.check_id),
                inline(&h.tilde(&f.title)),
                lines(&h.tilde(&f.detail))
            );
            if let Some(r) = &f.remediation {
                let _ = write!(out, "\\\n  **Fix:** {}", fix(&h.tilde(r)));
            }
            if !ops.is_empty() {
                let _ = write!(
                    out,
                    "\\\n  *Planned by `clawprint fix`: op {}*",
                    ops_list(&ops)
                );
            }
            out.push('\n');
        }
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(out, "\n### Suppressed ({})\n", r.suppressed.len());
        for sup in &r.suppressed {
            let f = &sup.finding;
            let _ = writeln!(
                out,
                "- {} {} {}{}",
                f.severity.as_str(),
                code(&f.check_id),
                inline(&h.tilde(&f.title)),
                sup.suppression
                    .reason
                    .as_deref()
                    .map(|x| format!(" (reason: {})", inline(&h.tilde(x))))
                    .unwrap_or_default()
            );
        }
    }
    if !r.secret_diagnostics.is_empty() {
        let _ = writeln!(out, "\n### Secrets\n");
        for d in &r.secret_diagnostics {
            let _ = writeln!(out, "- {}", inline(&h.tilde(d)));
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for n in &r.notes {
            if n.path.is_empty() {
                let _ = writeln!(out, "- {}", inline(&h.tilde(&n.message)));
            } else {
                let _ = writeln!(
                    out,
                    "- {}: {}",
                    code(&h.tilde(&n.path)),
                    inline(&h.tilde(&n.message))
                );
            }
        }
    }
    if let Some(plan) = doc.ops_planned() {
        let _ = writeln!(out, "\n### Fix plan\n");
        let _ = writeln!(
            out,
            "{} would make {} change{} (change set {}), resolving {} of these findings. Review them with \
             `-o changes.json`, then run `clawprint fix apply changes.json --expect <id>` on the host.\n",
            code(&h.command("fix plan", "")),
            plan.ops.len(),
            if plan.ops.len() == 1 { "" } else { "s" },
            code(short(&plan.id)),
            doc.fixable()
        );
        out.push_str(&plan_table(plan));
    }
    let _ = writeln!(
        out,
        "\n---\n*clawprint · snapshot {} · JSON: {}*",
        code(h.short_id()),
        code(&h.command("audit", "--json"))
    );
    out
}

/// The ops of a change set as a table: number, change, why, findings it resolves.
fn plan_table(cs: &ChangeSet) -> String {
    let home = cs.host.home.as_str();
    let mut out = String::from("| # | Change | Why | Resolves |\n|---:|---|---|---|\n");
    for (i, op) in cs.ops.iter().enumerate() {
        let resolves: Vec<String> = op.resolves().iter().map(|l| code(&l.check_id)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            i + 1,
            code(&tilde(&op.summary(), home)),
            inline(&tilde(op.why(), home)),
            if resolves.is_empty() {
                "—".to_string()
            } else {
                resolves.join(", ")
            }
        );
    }
    out
}

/// A change set (`clawprint fix plan|show --format markdown`).
pub fn change_set(cs: &ChangeSet) -> String {
    let home = cs.host.home.as_str();
    let mut out = String::new();
    let _ = writeln!(out, "## clawprint change set {}\n", code(short(&cs.id)));
    let _ = writeln!(out, "- **Change set:** {}", code(&cs.id));
    let _ = writeln!(
        out,
        "- **Planned from snapshot:** {}",
        code(short(&cs.base))
    );
    let _ = writeln!(
        out,
        "- **State dir:** {}",
        code(&tilde(&cs.host.state_dir, home))
    );
    let _ = writeln!(
        out,
        "- **Config:** {}\n",
        code(&tilde(&cs.host.config_path, home))
    );
    if cs.ops.is_empty() {
        let _ = writeln!(out, "Nothing to change.");
    } else {
        out.push_str(&plan_table(cs));
        let _ = writeln!(
            out,
            "\nApply on the host with `clawprint fix apply <file> --expect {}`.",
            cs.id
        );
    }
    if !cs.notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for n in &cs.notes {
            let _ = writeln!(out, "- {}", inline(&tilde(n, home)));
        }
    }
    out
}

fn diff_item(out: &mut String, i: &Item, doc: &DiffDoc) {
    let _ = write!(
        out,
        "- **{}** {} {}\\\n  {}",
        i.severity.as_str(),
        code(&i.check_id),
        inline(&doc.tilde(&i.title)),
        lines(&doc.tilde(&i.detail))
    );
    causes(out, i, doc);
    out.push('\n');
}

fn causes(out: &mut String, i: &Item, doc: &DiffDoc) {
    for ch in doc.causes(i) {
        let _ = write!(out, "\\\n  *cause:* {}", code(&doc.tilde(&change_line(ch))));
    }
}

/// The diff view.
pub fn diff(doc: &DiffDoc) -> String {
    let d = doc.diff;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## clawprint diff: {} → {}\n",
        esc(&super::diff::side(&d.old)),
        esc(&super::diff::side(&d.new_side))
    );
    let c = &d.counts;
    let _ = writeln!(
        out,
        "| New | Resolved | Changed | Unchanged |\n|---:|---:|---:|---:|\n| {} | {} | {} | {} |",
        c.new, c.resolved, c.changed, c.unchanged
    );
    if d.matching == crate::diff::Matching::CheckIdDetail {
        let _ = writeln!(
            out,
            "\nMatched on checkId and detail: at least one side is a report without fingerprints."
        );
    }
    for (name, items) in [("New", &d.new), ("Resolved", &d.resolved)] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {name} ({})\n", items.len());
        for i in items.iter() {
            diff_item(&mut out, i, doc);
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\n### Changed ({})\n", d.changed.len());
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
            let _ = write!(
                out,
                "- **{sev}** {} {}",
                code(&ch.after.check_id),
                inline(&doc.tilde(&ch.after.title))
            );
            if ch.before.detail != ch.after.detail {
                let _ = write!(
                    out,
                    "\\\n  *was:* {}\\\n  *now:* {}",
                    lines(&doc.tilde(&ch.before.detail)),
                    lines(&doc.tilde(&ch.after.detail))
                );
            }
            causes(&mut out, &ch.after, doc);
            out.push('\n');
        }
    }
    if let Some(h) = &d.host_changes {
        let all = h.all();
        let _ = writeln!(out, "\n### Host changes ({})\n", all.len());
        if all.is_empty() {
            let _ = writeln!(out, "None (same config, file metadata and environment).");
        } else {
            let _ = writeln!(out, "| Area | Key | Before | After |\n|---|---|---|---|");
            for ch in all {
                let cell = |v: &Option<String>| {
                    v.as_deref()
                        .map_or("—".to_string(), |v| code(&doc.tilde(v)))
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    ch.area,
                    code(&doc.tilde(&ch.key)),
                    cell(&ch.before),
                    cell(&ch.after)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_literal() {
        assert_eq!(
            esc("<script>a*b_c|d & e</script>"),
            r"\<script\>a\*b\_c\|d \& e\</script\>"
        );
        assert_eq!(code("a|b"), r"`a\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(inline("- not a list"), r"\- not a list");
        assert_eq!(inline("1. not a list"), r"1\. not a list");
        assert_eq!(
            inline("gateway.bind is <lan>"),
            r"`gateway.bind` is \<lan\>"
        );
    }
}
