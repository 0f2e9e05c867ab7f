//! The human renderings (text, Markdown, HTML; audit, diff, change set) of the committed example snapshots,
//! snapshot-tested with insta: one format = one module, and any change to what a user sees shows up as a
//! reviewed `.snap` diff. Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test --test render`. Also the properties a snapshot cannot promise: escaping,
//! no external resources, colour only when asked, and the CLI's format flags.

mod common;

use std::process::Command;

use clawprint::audit::{self, Finding, Report, Severity, Summary};
use clawprint::diff::{self, Input};
use clawprint::report::{self, AuditDoc, DiffDoc, Header, Style};
use clawprint::snapshot::{archive::Limits, Snapshot};

fn example(name: &str) -> Snapshot {
    let bytes = std::fs::read(common::repo().join("snapshots").join(name)).unwrap();
    Snapshot::from_bytes(&bytes, &Limits::default()).unwrap()
}

/// Render an example's audit with `f`, the way `clawprint audit snapshots/<name>` does.
fn audit_doc<T>(name: &str, f: impl Fn(&AuditDoc) -> T) -> T {
    let snap = example(name);
    let report = audit::audit(&snap);
    let plan = clawprint::fix::plan(&snap);
    let source = format!("snapshots/{name}");
    let doc = AuditDoc::new(&snap, Some(&source), &report, Some(&plan));
    f(&doc)
}

fn diff_doc<T>(f: impl Fn(&DiffDoc) -> T) -> T {
    let old = Input::from_snapshot(example("insecure.clawsnap"), "insecure.clawsnap");
    let new = Input::from_snapshot(example("hardened.clawsnap"), "hardened.clawsnap");
    let d = diff::diff(&old, &new);
    let doc = DiffDoc {
        diff: &d,
        home: Some("/home/user".into()),
    };
    f(&doc)
}

#[test]
fn audit_text() {
    insta::assert_snapshot!(
        "insecure_text",
        audit_doc("insecure.clawsnap", |d| report::text::render(
            d,
            Style::PLAIN
        ))
    );
    insta::assert_snapshot!(
        "hardened_text",
        audit_doc("hardened.clawsnap", |d| report::text::render(
            d,
            Style::PLAIN
        ))
    );
}

#[test]
fn audit_markdown() {
    insta::assert_snapshot!(
        "insecure_markdown",
        audit_doc("insecure.clawsnap", report::markdown::audit)
    );
    insta::assert_snapshot!(
        "hardened_markdown",
        audit_doc("hardened.clawsnap", report::markdown::audit)
    );
}

#[test]
fn audit_html() {
    insta::assert_snapshot!(
        "insecure_html",
        audit_doc("insecure.clawsnap", report::html::audit)
    );
    insta::assert_snapshot!(
        "hardened_html",
        audit_doc("hardened.clawsnap", report::html::audit)
    );
}

#[test]
fn diff_renderings() {
    insta::assert_snapshot!(
        "diff_text",
        diff_doc(|d| report::diff::render(d, Style::PLAIN))
    );
    insta::assert_snapshot!("diff_markdown", diff_doc(report::markdown::diff));
    insta::assert_snapshot!("diff_html", diff_doc(report::html::diff));
}

#[test]
fn change_set_renderings() {
    let plan = clawprint::fix::plan(&example("insecure.clawsnap"));
    insta::assert_snapshot!("plan_markdown", report::markdown::change_set(&plan));
    let html = report::html::change_set(&plan);
    for (i, op) in plan.ops.iter().enumerate() {
        assert!(html.contains(&format!("id=\"op-{}\"", i + 1)));
        let shown = report::header::tilde(&op.summary(), &plan.host.home);
        assert!(html.contains(&format!("<code>{shown}</code>")), "{shown}");
    }
}

/// A report whose every text field holds markup and entities.
fn hostile() -> Report {
    let findings = vec![Finding::new(
        "x.<b>id</b>",
        Severity::Critical,
        "Title <img src=x onerror=alert(1)>",
        "detail <script>alert(1)</script> & \"quotes\" | pipe *star* _under_\n- second line",
    )
    .fix("run <script>x</script> & done")];
    Report {
        summary: Summary::of(&findings),
        findings,
        suppressed: vec![],
        secret_diagnostics: vec!["<svg onload=alert(1)>".into()],
        notes: vec![],
    }
}

fn hostile_header() -> Header {
    Header {
        label: "<label>&".into(),
        id: "ab".repeat(32),
        config_path: "/h/<cfg>.json".into(),
        config_exists: true,
        home: "/h".into(),
        source: Some("a b&<c>.clawsnap".into()),
        ..Header::default()
    }
}

#[test]
fn html_escapes_every_interpolated_string() {
    let report = hostile();
    let doc = AuditDoc {
        header: hostile_header(),
        report: &report,
        plan: None,
    };
    let html = report::html::audit(&doc);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    assert!(!lower.contains("<svg"), "{html}");
    assert!(!lower.contains("<b>"), "{html}");
    assert!(!lower.contains("<label>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(html.contains("&lt;label&gt;&amp;"));
    // Every `&` starts an entity.
    for (i, _) in html.match_indices('&') {
        let rest = &html[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & at {i}: {}",
            &rest[..rest.len().min(20)]
        );
    }
}

#[test]
fn markdown_escapes_finding_text() {
    let report = hostile();
    let doc = AuditDoc {
        header: hostile_header(),
        report: &report,
        plan: None,
    };
    let md = report::markdown::audit(&doc);
    assert!(md.contains(r"\<script\>alert(1)\</script\> \& "), "{md}");
    assert!(md.contains(r"\| pipe \*star\* \_under\_"), "{md}");
    // The second detail line stays part of the finding, not a new list item.
    assert!(md.contains("\\\n  \\- second line"), "{md}");
    assert!(md.contains(r"Title \<img src=x onerror=alert(1)\>"), "{md}");
    // Outside code spans, no `<` is left unescaped.
    for (n, line) in md.lines().enumerate() {
        let outside: String = line.split('`').step_by(2).collect();
        assert!(
            !outside.replace("\\<", "").contains('<'),
            "line {n}: {line}"
        );
    }
}

/// Tags (not text) of an HTML document.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').map_or(rest.len(), |n| i + n + 1);
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn html_is_self_contained() {
    let pages = [
        audit_doc("insecure.clawsnap", report::html::audit),
        diff_doc(report::html::diff),
    ];
    for html in &pages {
        // The insecure example's fix names https://control.example.com: that is text, never a resource.
        assert!(html.contains("https://control.example.com") || html.contains("clawprint diff"));
        for t in tags(html) {
            let t = t.to_lowercase();
            assert!(!t.contains("http:") && !t.contains("https:"), "{t}");
            assert!(!t.contains(" src="), "{t}");
            assert!(!t.starts_with("<script") && !t.starts_with("<link"), "{t}");
            if let Some(i) = t.find("href=\"") {
                assert!(t[i + 6..].starts_with('#'), "only in-page links: {t}");
            }
        }
        let css = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
        assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
        assert!(html.contains("<meta name=\"viewport\""));
        assert!(css.contains("@media print") && css.contains("@media (max-width:600px)"));
    }
}

#[test]
fn text_is_plain_unless_coloured() {
    let plain = audit_doc("insecure.clawsnap", |d| {
        report::text::render(d, Style::PLAIN)
    });
    assert!(!plain.contains('\x1b'));
    let colour = audit_doc("insecure.clawsnap", |d| {
        report::text::render(d, Style::new(true))
    });
    assert!(colour.contains("\x1b[1;31mCRITICAL (4)\x1b[0m"), "{colour}");
    assert!(colour.contains("\x1b[1;33mWARN (6)\x1b[0m"));
    assert!(colour.contains("\x1b[1mfs.config.perms_world_readable\x1b[0m"));
    // Without the escapes, the coloured text is the plain text.
    assert_eq!(strip_sgr(&colour), plain);
    let d_plain = diff_doc(|d| report::diff::render(d, Style::PLAIN));
    let d_colour = diff_doc(|d| report::diff::render(d, Style::new(true)));
    assert!(d_colour.contains("\x1b[32m10 resolved\x1b[0m"));
    assert_eq!(strip_sgr(&d_colour), d_plain);
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('m').unwrap();
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn fix_plan_ops_are_linked_from_the_findings_they_resolve() {
    audit_doc("insecure.clawsnap", |doc| {
        let plan = doc.plan.unwrap();
        let html = report::html::audit(doc);
        let md = report::markdown::audit(doc);
        for (i, op) in plan.ops.iter().enumerate() {
            for l in op.resolves() {
                let group = doc.group(
                    doc.report
                        .findings
                        .iter()
                        .find(|f| f.check_id == l.check_id)
                        .unwrap()
                        .severity,
                );
                let (_, ops) = group
                    .iter()
                    .find(|(f, _)| f.check_id == l.check_id)
                    .unwrap();
                assert!(ops.contains(&(i + 1)), "{} names op {}", l.check_id, i + 1);
            }
            assert!(html.contains(&format!("<li id=\"op-{}\">", i + 1)));
        }
        assert_eq!(doc.fixable(), 6);
        assert!(
            md.contains("`clawprint fix plan snapshots/insecure.clawsnap` would make 10 changes")
        );
    });
}

fn clawprint(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clawprint"));
    c.current_dir(common::repo())
        .args(args)
        .env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn cli_formats_and_their_aliases() {
    let snap = "snapshots/insecure.clawsnap";
    let md = clawprint(&["audit", snap, "--format", "markdown"], &[]);
    assert_eq!(md.status.code(), Some(0));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("## clawprint security audit: insecure\n"),
        "{md}"
    );
    let html = clawprint(&["audit", snap, "--format", "html"], &[]);
    assert!(String::from_utf8(html.stdout)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    // The alias and the format agree: fine, and the same bytes (but `ts`) as --json alone.
    let a = clawprint(&["audit", snap, "--format", "json", "--json"], &[]);
    assert_eq!(a.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["summary"]["critical"], 4);
    let s = clawprint(&["audit", snap, "--format", "sarif"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    // Two formats that disagree, or a format the command cannot print: usage errors (exit 2).
    for args in [
        vec!["audit", snap, "--format", "html", "--json"],
        vec!["audit", snap, "--format", "markdown", "--sarif"],
        vec!["audit", snap, snap, "--format", "html"],
        vec!["diff", snap, snap, "--format", "jsonl"],
        vec!["diff", snap, snap, "--format", "text", "--json"],
        vec!["audit", "--fix", "--format", "html"],
        vec!["fix", "plan", snap, "--format", "sarif"],
    ] {
        let o = clawprint(&args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("format"), "{args:?}: {err}");
    }
    // A fleet in --format jsonl: one line per snapshot.
    let o = clawprint(
        &[
            "audit",
            snap,
            "snapshots/hardened.clawsnap",
            "--format",
            "jsonl",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 2);
    let d = clawprint(
        &[
            "diff",
            snap,
            "snapshots/hardened.clawsnap",
            "--format",
            "html",
        ],
        &[],
    );
    assert!(String::from_utf8(d.stdout)
        .unwrap()
        .contains("<section id=\"resolved\""));
    let p = clawprint(&["fix", "plan", snap, "--format", "markdown"], &[]);
    assert!(String::from_utf8(p.stdout)
        .unwrap()
        .contains("| 10 | `chmod 600 ~/.openclaw/agents/main/sessions/sessions.json`"));
}

#[test]
fn cli_colour_only_when_asked() {
    let snap = "snapshots/insecure.clawsnap";
    let has_esc = |o: &std::process::Output| o.stdout.contains(&0x1b);
    // A pipe is not a terminal: no colour by default.
    assert!(!has_esc(&clawprint(&["audit", snap], &[])));
    assert!(has_esc(&clawprint(
        &["audit", snap, "--color", "always"],
        &[]
    )));
    // --color is global: before the subcommand too; `always` beats NO_COLOR.
    assert!(has_esc(&clawprint(
        &["--color=always", "audit", snap],
        &[("NO_COLOR", "1")]
    )));
    assert!(!has_esc(&clawprint(
        &["audit", snap, "--color", "never"],
        &[]
    )));
    let diff = clawprint(
        &[
            "diff",
            snap,
            "snapshots/hardened.clawsnap",
            "--color=always",
        ],
        &[],
    );
    assert!(has_esc(&diff));
    let plan = clawprint(&["fix", "plan", snap, "--color=always"], &[]);
    assert!(has_esc(&plan));
    // Machine formats are never coloured.
    let json = clawprint(&["audit", snap, "--json", "--color=always"], &[]);
    assert!(!has_esc(&json));
    let bad = clawprint(&["audit", snap, "--color=sometimes"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}
