//! One self-contained HTML file: inline CSS, no script, no external URL of any kind (it opens offline, from a
//! ticket attachment, and prints). Every interpolated string is HTML-escaped. Readable on a phone (one column
//! under 600px) and printed (no page break inside a finding, severity colours kept).

use std::fmt::Write;

use super::header::{short, tilde};
use super::markup::{is_command, spans, Span};
use super::{AuditDoc, DiffDoc, GROUPS};

use crate::audit::Severity;
use crate::diff::{HostChange, Item};
use crate::fix::ChangeSet;

const CSS: &str = r#"
:root{--crit:#b42318;--warn:#9a6700;--info:#0b62c4;--good:#1a7f37;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#eff2f5;--fixbg:#eef7f0}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:980px;margin:0 auto;padding:28px 20px 40px}
h1{font-size:1.45rem;line-height:1.25;margin:0 0 .75rem}
h1 .label{color:var(--muted);font-weight:600}
h2{font-size:1.15rem;margin:2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--c,var(--line))}
h2 .n{color:var(--muted);font-weight:400}
h3{font-size:1rem;margin:.3rem 0 .35rem}
code{font:.88em/1.4 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;background:var(--code);padding:.08em .32em;border-radius:4px;overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1.1rem;margin:0 0 1.1rem}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.summary{display:flex;flex-wrap:wrap;gap:.6rem;margin:.5rem 0 1rem}
.count{border:1px solid var(--line);border-top:4px solid var(--c,var(--line));border-radius:8px;padding:.45rem .9rem;min-width:7.5rem}
.count .n{display:block;font-size:1.8rem;font-weight:700;line-height:1.15;color:var(--c,var(--fg))}
.count.zero .n{color:var(--muted)}
.critical{--c:var(--crit)}.warn{--c:var(--warn)}.info{--c:var(--info)}.good{--c:var(--good)}.bad{--c:var(--crit)}.changed{--c:var(--warn)}
.finding{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;padding:.7rem 1rem;margin:.7rem 0;break-inside:avoid;page-break-inside:avoid}
.tag{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:#fff;background:var(--c);border-radius:4px;padding:.05em .45em;margin-right:.4em;vertical-align:.1em}
.check{font-weight:600}
.detail{margin:.25rem 0}
.fix{margin:.45rem 0 .1rem;padding:.4rem .65rem;background:var(--fixbg);border-radius:4px}
.planned,.cause,.muted{color:var(--muted);font-size:.9em;margin:.3rem 0 0}
.cause{margin:.15rem 0 0}
ol.ops{padding-left:1.6rem}
ol.ops li{margin:.55rem 0;break-inside:avoid;page-break-inside:avoid}
ol.ops .why{color:var(--muted)}
.scroll{overflow-x:auto}
a{color:var(--info)}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:.3rem .5rem}
th{color:var(--muted);font-weight:600}
footer{margin-top:2.5rem;padding-top:.6rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85em}
@media (prefers-color-scheme:dark){:root{--crit:#f47067;--warn:#d4a72c;--info:#539bf5;--good:#57ab5a;--fg:#d1d7e0;--muted:#9198a1;--line:#3d444d;--code:#2d333b;--fixbg:#1f2f24}body{background:#1c2128}.tag{color:#1c2128}}
@media (max-width:600px){body{font-size:14px}main{padding:14px 12px 28px}dl.meta{grid-template-columns:1fr}dl.meta dt{margin-top:.3rem}.count{flex:1 1 40%;min-width:0}}
@media print{:root{--crit:#b42318;--warn:#9a6700;--info:#0b62c4;--good:#1a7f37;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#eff2f5;--fixbg:#eef7f0}body{font-size:10.5pt;background:#fff}.tag{color:#fff}main{max-width:none;padding:0}.tag,.count,.fix,code{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{break-after:avoid;page-break-after:avoid}}
"#;

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

/// Finding text: keys and paths as code, lines kept.
fn inline(s: &str) -> String {
    s.lines()
        .map(|line| {
            spans(line)
                .into_iter()
                .map(|sp| match sp {
                    Span::Code(c) => code(c),
                    Span::Text(t) => esc(t),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("<br>\n")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"clawprint\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n\
         <body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

fn count_box(out: &mut String, class: &str, n: usize, label: &str) {
    let _ = writeln!(
        out,
        "<div class=\"count {class}{}\"><span class=\"n\">{n}</span>{}</div>",
        if n == 0 { " zero" } else { "" },
        esc(label)
    );
}

/// The audit report as a page.
pub fn audit(doc: &AuditDoc) -> String {
    let h = &doc.header;
    let r = doc.report;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header>\n<h1>clawprint security audit: <span class=\"label\">{}</span></h1>\n<dl class=\"meta\">",
        esc(&h.label)
    );
    let _ = writeln!(b, "<dt>Snapshot</dt><dd>{}</dd>", code(&h.id));
    let _ = writeln!(
        b,
        "<dt>Config</dt><dd>{}{}</dd>",
        code(&h.tilde(&h.config_path)),
        match (h.config_exists, h.includes) {
            (false, _) => " (absent)".to_string(),
            (true, 0) => String::new(),
            (true, n) => format!(" (+{n} <code>$include</code>)"),
        }
    );
    if let Some(t) = h.captured_utc() {
        let _ = writeln!(
            b,
            "<dt>Captured</dt><dd>{} by {}</dd>",
            esc(&t),
            esc(&h.captured_by)
        );
    }
    if let Some(v) = &h.openclaw_version {
        let _ = writeln!(
            b,
            "<dt>OpenClaw</dt><dd>{} (last wrote the config)</dd>",
            esc(v)
        );
    }
    let _ = writeln!(b, "</dl>\n</header>");
    let s = &r.summary;
    let _ = writeln!(b, "<section class=\"summary\" aria-label=\"Summary\">");
    count_box(&mut b, "critical", s.critical, "critical");
    count_box(&mut b, "warn", s.warn, "warn");
    count_box(&mut b, "info", s.info, "info");
    if !r.suppressed.is_empty() {
        count_box(&mut b, "", r.suppressed.len(), "suppressed");
    }
    if let Some(p) = doc.ops_planned() {
        count_box(&mut b, "good", p.ops.len(), "planned fixes");
    }
    let _ = writeln!(b, "</section>");
    if r.findings.is_empty() {
        let _ = writeln!(b, "<p>No findings.</p>");
    }
    for (sev, _) in GROUPS {
        let group = doc.group(sev);
        if group.is_empty() {
            continue;
        }
        let class = sev_class(sev);
        let _ = writeln!(
            b,
            "<section id=\"{class}\" class=\"group {class}\">\n<h2>{} <span class=\"n\">({})</span></h2>",
            match sev {
                Severity::Critical => "Critical",
                Severity::Warn => "Warn",
                Severity::Info => "Info",
            },
            group.len()
        );
        for (f, ops) in group {
            let _ = writeln!(
                b,
                "<article class=\"finding {class}\">\n<div><span class=\"tag\">{}</span><code class=\"check\">{}</code></div>\n<h3>{}</h3>\n<p class=\"detail\">{}</p>",
                sev.as_str(),
                esc(&f.check_id),
                esc(&h.tilde(&f.title)),
                inline(&h.tilde(&f.detail))
            );
            if let Some(fix) = &f.remediation {
                let fix = h.tilde(fix);
                let shown = if is_command(&fix) {
                    code(&fix)
                } else {
                    inline(&fix)
                };
                let _ = writeln!(b, "<p class=\"fix\"><strong>Fix:</strong> {shown}</p>");
            }
            if !ops.is_empty() {
                let list: Vec<String> = ops
                    .iter()
                    .map(|n| format!("<a href=\"#op-{n}\">{n}</a>"))
                    .collect();
                let _ = writeln!(
                    b,
                    "<p class=\"planned\">Planned by <code>clawprint fix</code>: op {}</p>",
                    list.join(", ")
                );
            }
            let _ = writeln!(b, "</article>");
        }
        let _ = writeln!(b, "</section>");
    }
    if !r.suppressed.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"suppressed\">\n<h2>Suppressed <span class=\"n\">({})</span></h2>\n<ul>",
            r.suppressed.len()
        );
        for sup in &r.suppressed {
            let f = &sup.finding;
            let _ = writeln!(
                b,
                "<li><span class=\"tag {}\">{}</span>{} {}{}</li>",
                sev_class(f.severity),
                f.severity.as_str(),
                code(&f.check_id),
                esc(&h.tilde(&f.title)),
                sup.suppression
                    .reason
                    .as_deref()
                    .map(|x| format!(
                        " <span class=\"muted\">(reason: {})</span>",
                        esc(&h.tilde(x))
                    ))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(b, "</ul>\n</section>");
    }
    if !r.secret_diagnostics.is_empty() {
        let _ = writeln!(b, "<section id=\"secrets\">\n<h2>Secrets</h2>\n<ul>");
        for d in &r.secret_diagnostics {
            let _ = writeln!(b, "<li>{}</li>", inline(&h.tilde(d)));
        }
        let _ = writeln!(b, "</ul>\n</section>");
    }
    if !r.notes.is_empty() {
        let _ = writeln!(b, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>");
        for n in &r.notes {
            let path = h.tilde(&n.path);
            let lead = if path.is_empty() {
                String::new()
            } else {
                format!("{}: ", code(&path))
            };
            let _ = writeln!(b, "<li>{lead}{}</li>", inline(&h.tilde(&n.message)));
        }
        let _ = writeln!(b, "</ul>\n</section>");
    }
    if let Some(plan) = doc.ops_planned() {
        let _ = writeln!(
            b,
            "<section id=\"fix-plan\" class=\"good\">\n<h2>Fix plan <span class=\"n\">({} change{})</span></h2>\n\
             <p>{} would make these changes (change set {}), resolving {} of the findings above. Review them with \
             <code>-o changes.json</code>, then run <code>clawprint fix apply changes.json --expect &lt;id&gt;</code> \
             on the host.</p>",
            plan.ops.len(),
            if plan.ops.len() == 1 { "" } else { "s" },
            code(&h.command("fix plan", "")),
            code(short(&plan.id)),
            doc.fixable()
        );
        b.push_str(&ops_list(plan));
        let _ = writeln!(b, "</section>");
    }
    let _ = writeln!(
        b,
        "<footer>clawprint · snapshot {} · JSON: {}</footer>",
        code(h.short_id()),
        code(&h.command("audit", "--json"))
    );
    page(
        &format!("clawprint security audit: {} ({})", h.label, h.short_id()),
        &b,
    )
}

fn ops_list(cs: &ChangeSet) -> String {
    let home = cs.host.home.as_str();
    let mut b = String::from("<ol class=\"ops\">\n");
    for (i, op) in cs.ops.iter().enumerate() {
        let resolves: Vec<String> = op.resolves().iter().map(|l| code(&l.check_id)).collect();
        let _ = writeln!(
            b,
            "<li id=\"op-{}\">{}<div class=\"why\">{}</div>{}</li>",
            i + 1,
            code(&tilde(&op.summary(), home)),
            inline(&tilde(op.why(), home)),
            if resolves.is_empty() {
                String::new()
            } else {
                format!("<div>resolves {}</div>", resolves.join(", "))
            }
        );
    }
    b.push_str("</ol>\n");
    b
}

/// A change set (`clawprint fix plan|show --format html`).
pub fn change_set(cs: &ChangeSet) -> String {
    let home = cs.host.home.as_str();
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header>\n<h1>clawprint change set <span class=\"label\">{}</span></h1>\n<dl class=\"meta\">\n\
         <dt>Change set</dt><dd>{}</dd>\n<dt>Planned from</dt><dd>snapshot {}</dd>\n\
         <dt>State dir</dt><dd>{}</dd>\n<dt>Config</dt><dd>{}</dd>\n</dl>\n</header>",
        esc(short(&cs.id)),
        code(&cs.id),
        code(short(&cs.base)),
        code(&tilde(&cs.host.state_dir, home)),
        code(&tilde(&cs.host.config_path, home))
    );
    let _ = writeln!(
        b,
        "<section id=\"fix-plan\" class=\"good\">\n<h2>Changes <span class=\"n\">({})</span></h2>",
        cs.ops.len()
    );
    if cs.ops.is_empty() {
        let _ = writeln!(b, "<p>Nothing to change.</p>");
    } else {
        b.push_str(&ops_list(cs));
        let _ = writeln!(
            b,
            "<p>Apply on the host with <code>clawprint fix apply &lt;file&gt; --expect {}</code>.</p>",
            esc(&cs.id)
        );
    }
    let _ = writeln!(b, "</section>");
    if !cs.notes.is_empty() {
        let _ = writeln!(b, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>");
        for n in &cs.notes {
            let _ = writeln!(b, "<li>{}</li>", inline(&tilde(n, home)));
        }
        let _ = writeln!(b, "</ul>\n</section>");
    }
    page(&format!("clawprint change set {}", short(&cs.id)), &b)
}

fn change_html(ch: &HostChange, doc: &DiffDoc) -> String {
    let v = |x: &str| code(&doc.tilde(x));
    let what = match (&ch.before, &ch.after) {
        (None, Some(a)) => format!("added {}", v(a)),
        (Some(b), None) => format!("removed (was {})", v(b)),
        (Some(b), Some(a)) => format!("{} → {}", v(b), v(a)),
        (None, None) => String::new(),
    };
    format!("{} {}: {what}", esc(ch.area), code(&doc.tilde(&ch.key)))
}

fn diff_item(b: &mut String, i: &Item, doc: &DiffDoc, extra: &str) {
    let class = sev_class(i.severity);
    let _ = writeln!(
        b,
        "<article class=\"finding {class}\">\n<div><span class=\"tag\">{}</span><code class=\"check\">{}</code></div>\n<h3>{}</h3>",
        extra,
        esc(&i.check_id),
        esc(&doc.tilde(&i.title))
    );
}

fn causes(b: &mut String, i: &Item, doc: &DiffDoc) {
    for ch in doc.causes(i) {
        let _ = writeln!(b, "<p class=\"cause\">cause: {}</p>", change_html(ch, doc));
    }
}

/// The diff view as a page.
pub fn diff(doc: &DiffDoc) -> String {
    let d = doc.diff;
    let mut b = String::new();
    let (old, new) = (super::diff::side(&d.old), super::diff::side(&d.new_side));
    let _ = writeln!(
        b,
        "<header>\n<h1>clawprint diff: <span class=\"label\">{} → {}</span></h1>\n<dl class=\"meta\">\n\
         <dt>Before</dt><dd>{}</dd>\n<dt>After</dt><dd>{}</dd>\n</dl>\n</header>",
        esc(&d.old.label),
        esc(&d.new_side.label),
        esc(&old),
        esc(&new)
    );
    let c = &d.counts;
    let _ = writeln!(b, "<section class=\"summary\" aria-label=\"Summary\">");
    count_box(&mut b, "bad", c.new, "new");
    count_box(&mut b, "good", c.resolved, "resolved");
    count_box(&mut b, "changed", c.changed, "changed");
    count_box(&mut b, "", c.unchanged, "unchanged");
    let _ = writeln!(b, "</section>");
    if d.matching == crate::diff::Matching::CheckIdDetail {
        let _ = writeln!(
            b,
            "<p class=\"muted\">Matched on checkId and detail: at least one side is a report without fingerprints.</p>"
        );
    }
    for (id, name, class, items) in [
        ("new", "New", "bad", &d.new),
        ("resolved", "Resolved", "good", &d.resolved),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            b,
            "<section id=\"{id}\" class=\"{class}\">\n<h2>{name} <span class=\"n\">({})</span></h2>",
            items.len()
        );
        for i in items.iter() {
            diff_item(&mut b, i, doc, i.severity.as_str());
            let _ = writeln!(
                b,
                "<p class=\"detail\">{}</p>",
                inline(&doc.tilde(&i.detail))
            );
            causes(&mut b, i, doc);
            let _ = writeln!(b, "</article>");
        }
        let _ = writeln!(b, "</section>");
    }
    if !d.changed.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"changed\" class=\"changed\">\n<h2>Changed <span class=\"n\">({})</span></h2>",
            d.changed.len()
        );
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
            diff_item(&mut b, &ch.after, doc, &esc(&sev));
            if ch.before.detail != ch.after.detail {
                let _ = writeln!(
                    b,
                    "<p class=\"detail\"><strong>was:</strong> {}</p>\n<p class=\"detail\"><strong>now:</strong> {}</p>",
                    inline(&doc.tilde(&ch.before.detail)),
                    inline(&doc.tilde(&ch.after.detail))
                );
            } else {
                let _ = writeln!(
                    b,
                    "<p class=\"detail\">{}</p>",
                    inline(&doc.tilde(&ch.after.detail))
                );
            }
            causes(&mut b, &ch.after, doc);
            let _ = writeln!(b, "</article>");
        }
        let _ = writeln!(b, "</section>");
    }
    if let Some(h) = &d.host_changes {
        let all = h.all();
        let _ = writeln!(
            b,
            "<section id=\"host-changes\">\n<h2>Host changes <span class=\"n\">({})</span></h2>",
            all.len()
        );
        if all.is_empty() {
            let _ = writeln!(
                b,
                "<p>None (same config, file metadata and environment).</p>"
            );
        } else {
            let _ = writeln!(
                b,
                "<div class=\"scroll\"><table>\n<thead><tr><th>Area</th><th>Key</th><th>Before</th><th>After</th></tr></thead>\n<tbody>"
            );
            for ch in all {
                let cell = |v: &Option<String>| {
                    v.as_deref()
                        .map_or("—".to_string(), |v| code(&doc.tilde(v)))
                };
                let _ = writeln!(
                    b,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(ch.area),
                    code(&doc.tilde(&ch.key)),
                    cell(&ch.before),
                    cell(&ch.after)
                );
            }
            let _ = writeln!(b, "</tbody>\n</table></div>");
        }
        let _ = writeln!(b, "</section>");
    }
    let _ = writeln!(
        b,
        "<footer>clawprint diff · {} → {}</footer>",
        esc(&old),
        esc(&new)
    );
    page(&format!("clawprint diff: {old} → {new}"), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_code_spans() {
        assert_eq!(esc("<script>a&b\"'"), "&lt;script&gt;a&amp;b&quot;&#39;");
        assert_eq!(
            inline("gateway.bind <b>\nnext"),
            "<code>gateway.bind</code> &lt;b&gt;<br>\nnext"
        );
    }
}
