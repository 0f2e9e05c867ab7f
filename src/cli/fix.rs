//! `clawprint fix plan|show|apply|rollback` and `clawprint audit --fix`.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::{pick_format, unsupported, AuditArgs, CliError, ExitCode, Format, HostArgs};
use crate::audit::{self, Severity};
use crate::capture::{CaptureOptions, HostSpec};
use crate::fix::apply::{Check, Review};
use crate::fix::changeset::{EditExpect, Op};
use crate::fix::{self, reference, ApplyError, ApplyOptions, ApplyOutcome, ChangeSet, OpStatus};
use crate::report;

#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(subcommand)]
    pub command: FixCommand,
}

#[derive(Subcommand, Debug)]
pub enum FixCommand {
    /// Plan a change set from a snapshot (reads and writes nothing on the host) and print the review
    #[command(
        after_help = "Examples:\n  clawprint fix plan host.clawsnap -o changes.json\n  clawprint fix plan            # plan from a fresh capture of this host\n  clawprint fix plan host.clawsnap --json | jq '.ops[].op'"
    )]
    Plan(PlanArgs),
    /// Print the review of a change set again: every op, why, what it expects, config diffs
    #[command(
        after_help = "Examples:\n  clawprint fix show changes.json\n  clawprint fix show changes.json --json | jq .id"
    )]
    Show {
        /// The change set file (from `fix plan -o`)
        changes: PathBuf,
        /// Output format: text, markdown, html, json
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<Format>,
        /// Print the change set as JSON (same as --format json)
        #[arg(long)]
        json: bool,
    },
    /// Apply a change set to this host: checks every precondition, journals, writes atomically, verifies
    #[command(
        after_help = "Examples:\n  clawprint fix apply changes.json --expect 1a2b3c…\n  clawprint fix apply changes.json --yes --json\n\nExit codes: 0 applied and verified; 1 applied but a named finding remains or a new one appeared;\n3 change set altered or not the expected one; 4 the host changed since the plan (stale);\n5 a step failed and everything was rolled back; 6 other failures (an interrupted apply, declined)."
    )]
    Apply(ApplyArgs),
    /// Undo an applied change set, byte for byte, from its journal folder
    #[command(
        after_help = "Examples:\n  clawprint fix rollback ~/.openclaw/.clawprint/fix/20260520T101500Z-1a2b3c4d5e6f\n  clawprint fix rollback ~/.openclaw/.clawprint/fix/20260520T101500Z-1a2b3c4d5e6f --json\n\nExit codes: 0 rolled back (or already was); 4 a path changed after the apply (see --force); 6 other failures."
    )]
    Rollback {
        /// The journal folder printed by `fix apply` (or its journal.json)
        journal: PathBuf,
        /// Restore even paths that changed after the apply
        #[arg(long)]
        force: bool,
        /// Print `{journal, already, restored, unchanged, removed}` as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Snapshot to plan from (default: capture this host in memory)
    pub snapshot: Option<PathBuf>,
    /// Write the change set to this file
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format of the review: text, markdown, html, json (the change set itself)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Print the change set as JSON instead of the review (same as --format json)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The change set (from `fix plan -o`), or a journal's `changes.json` to finish an interrupted apply
    pub changes: PathBuf,
    /// Do not ask for confirmation (the review is still printed)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the outcome as JSON (the review goes to stderr)
    #[arg(long)]
    pub json: bool,
    /// Refuse unless the change set's id is this one (the id you reviewed)
    #[arg(long, value_name = "ID")]
    pub expect: Option<String>,
    /// Apply the ops whose precondition still holds and skip the stale ones
    #[arg(long)]
    pub only_valid: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

pub fn run(a: FixArgs, style: report::Style) -> Result<ExitCode, CliError> {
    match a.command {
        FixCommand::Plan(p) => cmd_plan(p, style),
        FixCommand::Show {
            changes,
            format,
            json,
        } => cmd_show(&changes, review_format(format, json)?, style),
        FixCommand::Apply(a) => cmd_apply(a),
        FixCommand::Rollback {
            journal,
            force,
            json,
        } => cmd_rollback(&journal, force, json),
    }
}

/// The first 12 characters of an id or hash (safe on any input).
fn short(s: &str) -> String {
    s.chars().take(12).collect()
}

fn tilde(s: &str, home: &str) -> String {
    if home.len() > 1 {
        if s == home {
            return "~".into();
        }
        s.replace(&format!("{home}/"), "~/")
    } else {
        s.to_string()
    }
}

/// The `expects:` line of a set or seed op: the value at its key in the owning file, the file's mode and the
/// hash of its redacted content.
fn expects_line(out: &mut String, expect: &EditExpect, local: &[String]) {
    let _ = writeln!(
        out,
        "     expects: {} at {} (file mode {:03o}, redacted content {})",
        expect
            .value
            .as_ref()
            .map_or("nothing".into(), |v| v.to_string()),
        local.join("."),
        expect.file.mode,
        short(&expect.redacted)
    );
}

/// The format of a change set's review: text (default), markdown, html or json.
fn review_format(format: Option<Format>, json: bool) -> Result<Format, CliError> {
    match pick_format(format, &[(json, Format::Json)])?.unwrap_or(Format::Text) {
        f @ (Format::Sarif | Format::Jsonl) => Err(unsupported(
            f,
            "a change set",
            "text, markdown, html or json",
        )),
        f => Ok(f),
    }
}

/// The change set in `format` (text coloured by `style`).
fn render_change_set(cs: &ChangeSet, format: Format, style: report::Style) -> String {
    match format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(cs).expect("serializes")
        ),
        Format::Markdown => report::markdown::change_set(cs),
        Format::Html => report::html::change_set(cs),
        _ => review_text(cs, style),
    }
}

/// The human review of a change set.
pub fn review_text(cs: &ChangeSet, st: report::Style) -> String {
    let home = cs.host.home.as_str();
    let t = |s: &str| tilde(s, home);
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", st.bold("change set"), cs.id);
    let _ = writeln!(
        out,
        "planned from snapshot {}; state dir {}, config {}",
        &cs.base[..cs.base.len().min(12)],
        t(&cs.host.state_dir),
        t(&cs.host.config_path)
    );
    if cs.ops.is_empty() {
        let _ = writeln!(out, "\nNothing to change.");
    }
    for (i, op) in cs.ops.iter().enumerate() {
        let _ = writeln!(out);
        match op {
            Op::Chmod(c) => {
                let _ = writeln!(
                    out,
                    "{:>3}. {}{}",
                    i + 1,
                    st.bold(&format!("chmod {:03o} {}", c.mode, t(&c.path))),
                    match c.origin {
                        fix::changeset::Origin::ConfigWrite =>
                            "   (OpenClaw does this when writing the config)",
                        fix::changeset::Origin::Spec => "   (beyond OpenClaw 2026.5.20)",
                        fix::changeset::Origin::Reference => "",
                    }
                );
                let _ = writeln!(
                    out,
                    "     expects: {} with mode {:03o}",
                    c.expect.kind.as_str(),
                    c.expect.mode
                );
            }
            Op::Set(s) => {
                let _ = writeln!(
                    out,
                    "{:>3}. {}",
                    i + 1,
                    st.bold(&format!("set {} = {} in {}", s.key, s.value, t(&s.file)))
                );
                expects_line(&mut out, &s.expect, &s.local);
                let _ = writeln!(out, "     {}:{}", t(&s.file), s.preview.line);
                for l in &s.preview.before {
                    let _ = writeln!(out, "     {}", st.bad(&format!("- {l}")));
                }
                for l in &s.preview.after {
                    let _ = writeln!(out, "     {}", st.good(&format!("+ {l}")));
                }
            }
            Op::Seed(s) => {
                let _ = writeln!(
                    out,
                    "{:>3}. {}   (beyond OpenClaw 2026.5.20)",
                    i + 1,
                    st.bold(&format!(
                        "seed {} in {} from the {} pairing allowlist ({} account)",
                        s.key,
                        t(&s.file),
                        s.source.channel,
                        s.source.account
                    ))
                );
                let _ = writeln!(
                    out,
                    "     the entries are read from the host when applying and shown before they are written"
                );
                expects_line(&mut out, &s.expect, &s.local);
            }
        }
        let _ = writeln!(out, "     {} {}", st.dim("why:"), t(op.why()));
        for l in op.resolves() {
            let _ = writeln!(
                out,
                "     {} {} ({})",
                st.dim("resolves:"),
                l.check_id,
                short(&l.fingerprint)
            );
        }
    }
    let skipped: Vec<_> = cs.actions.iter().filter(|a| a.op.is_none()).collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nleft alone (as OpenClaw's --fix reports them):");
        for a in skipped {
            let _ = writeln!(
                out,
                "  skip chmod {:03o} {} ({})",
                a.mode,
                t(&a.path),
                a.outcome
            );
        }
    }
    if !cs.changes.is_empty() {
        let _ = writeln!(out, "\nconfig changes (OpenClaw's names):");
        for c in &cs.changes {
            let _ = writeln!(out, "  {c}");
        }
    }
    if !cs.notes.is_empty() {
        let _ = writeln!(out, "\nnotes:");
        for n in &cs.notes {
            let _ = writeln!(out, "  - {}", t(n));
        }
    }
    out
}

fn host_spec(h: &HostArgs) -> Result<HostSpec, CliError> {
    super::host_spec(h)
}

fn cmd_plan(a: PlanArgs, style: report::Style) -> Result<ExitCode, CliError> {
    let format = review_format(a.format, a.json)?;
    let snap = match &a.snapshot {
        Some(p) => super::read_snapshot(p)?,
        None => super::capture_live(&a.host, "live", None, false, format != Format::Json)?,
    };
    let cs = fix::plan(&snap);
    if a.snapshot.is_none() {
        for jd in fix::find_interrupted(Path::new(&snap.manifest.host.state_dir)) {
            eprintln!(
                "warning: an earlier apply was interrupted ({}): roll it back with `clawprint fix rollback {}` or finish it with `clawprint fix apply {}/changes.json`",
                jd.dir.display(),
                jd.dir.display(),
                jd.dir.display()
            );
        }
    }
    if let Some(out) = &a.output {
        super::write_atomic(out, &cs.to_bytes())?;
    }
    if format != Format::Text {
        print!("{}", render_change_set(&cs, format, style));
    } else {
        print!("{}", review_text(&cs, style));
        match &a.output {
            Some(out) => println!(
                "\nwrote {}\napply with: clawprint fix apply {} --expect {}",
                out.display(),
                out.display(),
                cs.id
            ),
            None if !cs.ops.is_empty() => {
                println!("\n(write it with -o FILE, then `clawprint fix apply FILE --expect <id>`)")
            }
            None => {}
        }
    }
    Ok(ExitCode::Ok)
}

fn read_change_set(path: &Path) -> Result<ChangeSet, CliError> {
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::new(
            ExitCode::Usage,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    ChangeSet::from_bytes(&bytes).map_err(|e| {
        CliError::new(ExitCode::Integrity, format!("{}: {e}", path.display()))
            .hint("plan again with `clawprint fix plan`; never edit a change set by hand")
    })
}

fn cmd_show(path: &Path, format: Format, style: report::Style) -> Result<ExitCode, CliError> {
    let cs = read_change_set(path)?;
    print!("{}", render_change_set(&cs, format, style));
    Ok(ExitCode::Ok)
}

/// The review at apply time: each op's check against the live host and the values read now.
pub fn apply_review_text(cs: &ChangeSet, r: &Review) -> String {
    let home = cs.host.home.as_str();
    let mut out = String::new();
    if let Some(j) = &r.resumed {
        let _ = writeln!(out, "finishing the interrupted apply in {}", j.display());
    }
    let _ = writeln!(
        out,
        "change set {} on {}: {}",
        short(&cs.id),
        tilde(&cs.host.state_dir, home),
        if r.same_base {
            "the host is exactly as planned"
        } else {
            "the host changed since the plan; every op's precondition was checked"
        }
    );
    for item in &r.items {
        let op = &cs.ops[item.op];
        let status = match &item.check {
            Check::Valid => "apply".to_string(),
            Check::Already => "already done".to_string(),
            Check::Stale(why) => format!("STALE, skipped: {}", tilde(why, home)),
        };
        let _ = writeln!(
            out,
            "{:>3}. [{status}] {}",
            item.op + 1,
            tilde(&op.summary(), home)
        );
        if let Some(seed) = &item.seed {
            if seed.is_empty() {
                let _ = writeln!(
                    out,
                    "     the pairing allowlist is empty now: nothing to seed"
                );
            } else {
                let _ = writeln!(
                    out,
                    "     will write {} = {}",
                    match op {
                        Op::Seed(s) => s.key.as_str(),
                        _ => "",
                    },
                    Value::from(seed.clone())
                );
            }
        }
    }
    out
}

fn apply_error(e: ApplyError) -> CliError {
    match e {
        ApplyError::Integrity(m) => CliError::new(ExitCode::Integrity, m).hint(
            "apply the change set you reviewed: plan again with `clawprint fix plan` if in doubt",
        ),
        ApplyError::OtherHost(_) => CliError::new(ExitCode::Stale, e.to_string())
            .hint("run `clawprint fix apply` on the host the snapshot was taken on, as the user who took it (same HOME and state dir), or plan again from a fresh `clawprint capture` of this host"),
        ApplyError::Stale(ref ops) => {
            let mut msg = e.to_string();
            for (i, why) in ops {
                let _ = write!(msg, "\n  op {}: {why}", i + 1);
            }
            CliError::new(ExitCode::Stale, msg)
                .hint(
                    "plan again from a fresh capture (`clawprint fix plan`), or apply what still holds with --only-valid",
                )
                .details(json!({"stale": ops.iter().map(|(i, w)| json!({"op": i + 1, "reason": w})).collect::<Vec<_>>()}))
        }
        ApplyError::Interrupted {
            ref journal,
            ref change_set,
        } => {
            let j = journal.display();
            CliError::new(ExitCode::Failure, e.to_string()).hint(format!(
                "undo it with `clawprint fix rollback {j}`, or finish it with `clawprint fix apply {j}/changes.json` (change set {})",
                short(change_set)
            ))
        }
        ApplyError::Failed {
            ref journal,
            rolled_back,
            ..
        } => {
            let hint = journal.as_ref().map(|j| {
                if rolled_back {
                    format!("the journal is {}", j.display())
                } else {
                    format!(
                        "the host is part-way: finish the rollback with `clawprint fix rollback {}`",
                        j.display()
                    )
                }
            });
            // 5 promises the host is as before; a failed rollback is not that.
            let code = if rolled_back {
                ExitCode::ApplyFailed
            } else {
                ExitCode::Failure
            };
            let err = CliError::new(code, e.to_string());
            match hint {
                Some(h) => err.hint(h),
                None => err,
            }
        }
        other => CliError::new(ExitCode::Failure, other.to_string()),
    }
}

fn outcome_json(cs: &ChangeSet, o: &ApplyOutcome) -> Value {
    let v = &o.verification;
    json!({
        "changeSet": cs.id,
        "journal": o.journal.as_ref().map(|j| j.display().to_string()),
        "resumed": o.resumed,
        "fix": reference::fix_value(cs, Some(&o.results), o.config_written, &o.errors),
        "ops": o.results.iter().enumerate().map(|(i, r)| {
            let mut m = json!({"op": i + 1, "summary": cs.ops[i].summary(), "status": r.as_str()});
            match r {
                OpStatus::Skipped(why) | OpStatus::Failed(why) => { m["reason"] = json!(why); }
                _ => {}
            }
            if let Some(seed) = &o.seeded[i] {
                m["seeded"] = json!(seed);
            }
            m
        }).collect::<Vec<_>>(),
        "verification": {
            "held": v.held(),
            "resolved": v.resolved,
            "stillPresent": v.still_present.iter().map(|(i, l)| json!({"op": i + 1, "checkId": l.check_id, "fingerprint": l.fingerprint})).collect::<Vec<_>>(),
            "newFindings": v.new_findings.iter().map(|(f, fp)| json!({"checkId": f.check_id, "severity": f.severity, "fingerprint": fp})).collect::<Vec<_>>(),
        },
    })
}

fn outcome_text(cs: &ChangeSet, o: &ApplyOutcome) -> String {
    let home = cs.host.home.as_str();
    let mut out = String::new();
    let count = |s: &str| o.results.iter().filter(|r| r.as_str() == s).count();
    let _ = writeln!(
        out,
        "\napplied {}, already done {}, skipped {}, failed {}",
        count("applied"),
        count("already"),
        count("skipped"),
        count("failed")
    );
    for (i, r) in o.results.iter().enumerate() {
        match r {
            OpStatus::Skipped(why) | OpStatus::Failed(why) => {
                let _ = writeln!(out, "  op {} {}: {}", i + 1, r.as_str(), tilde(why, home));
            }
            _ => {}
        }
    }
    out.push_str(&verification_text(o, home));
    if let Some(j) = &o.journal {
        let _ = writeln!(
            out,
            "journal: {}\nundo with: clawprint fix rollback {}",
            j.display(),
            j.display()
        );
    }
    out
}

fn verification_text(o: &ApplyOutcome, home: &str) -> String {
    let v = &o.verification;
    let mut out = String::new();
    let changed = o
        .results
        .iter()
        .any(|r| matches!(r, OpStatus::Applied | OpStatus::Already));
    if changed {
        let _ = writeln!(
            out,
            "verified on a fresh capture: {} finding(s) named by the ops are gone{}",
            v.resolved,
            if v.new_findings.is_empty() {
                ", no new finding"
            } else {
                ""
            }
        );
    } else if v.new_findings.is_empty() {
        let _ = writeln!(out, "verified on a fresh capture: nothing changed");
    }
    for (i, l) in &v.still_present {
        let _ = writeln!(
            out,
            "  STILL PRESENT: {} ({}) named by op {}",
            l.check_id,
            short(&l.fingerprint),
            i + 1
        );
    }
    for (f, fp) in &v.new_findings {
        let _ = writeln!(
            out,
            "  NEW: {} {} ({}): {}",
            f.severity.as_str(),
            f.check_id,
            short(fp),
            tilde(&f.title, home)
        );
    }
    out
}

fn confirm_interactive(cs: &ChangeSet, r: &Review, yes: bool, json: bool) -> bool {
    let text = apply_review_text(cs, r);
    if json {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    if yes || r.to_apply() == 0 {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("not a terminal: pass --yes to apply without a prompt");
        return false;
    }
    eprint!("apply {} change(s) to this host? [y/N] ", r.to_apply());
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes")
}

fn apply_options<'a>(h: &HostArgs) -> Result<ApplyOptions<'a>, CliError> {
    let mut opts = ApplyOptions::new(host_spec(h)?);
    opts.capture = CaptureOptions {
        entry_limit: h.entry_limit,
        label: "live".into(),
        keep_identities: true,
        ..CaptureOptions::default()
    };
    Ok(opts)
}

fn cmd_apply(a: ApplyArgs) -> Result<ExitCode, CliError> {
    let cs = read_change_set(&a.changes)?;
    let mut confirm = |r: &Review| confirm_interactive(&cs, r, a.yes, a.json);
    let mut opts = apply_options(&a.host)?;
    opts.expect = a.expect.clone();
    opts.only_valid = a.only_valid;
    opts.confirm = Some(&mut confirm);
    let outcome = match fix::apply(&cs, opts) {
        Ok(o) => o,
        Err(ApplyError::Interrupted { journal, .. }) if !a.json && interactive() => {
            return offer_interrupted(&journal, &a.host);
        }
        Err(e) => return Err(apply_error(e)),
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&outcome_json(&cs, &outcome)).expect("serializes")
        );
    } else {
        print!("{}", outcome_text(&cs, &outcome));
    }
    Ok(if outcome.verification.held() {
        ExitCode::Ok
    } else {
        ExitCode::Findings
    })
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// An interrupted apply was found: offer to roll it back or to finish it.
fn offer_interrupted(journal: &Path, host: &HostArgs) -> Result<ExitCode, CliError> {
    eprintln!(
        "an earlier apply was interrupted: {}\nroll it back [r], finish it [f], or leave it for now [q]? ",
        journal.display()
    );
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    match line.trim() {
        "r" | "R" => cmd_rollback(journal, false, false),
        "f" | "F" => cmd_apply(ApplyArgs {
            changes: journal.join(fix::journal::CHANGE_SET_FILE),
            yes: false,
            json: false,
            expect: None,
            only_valid: false,
            host: host.clone(),
        }),
        _ => Err(CliError::new(
            ExitCode::Failure,
            format!(
                "left the interrupted apply in {} as it is",
                journal.display()
            ),
        )),
    }
}

fn cmd_rollback(journal: &Path, force: bool, json: bool) -> Result<ExitCode, CliError> {
    let dir: PathBuf = if journal.is_file() {
        journal.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        journal.to_path_buf()
    };
    let o = match fix::rollback(&dir, force) {
        Ok(o) => o,
        Err(e @ fix::journal::JournalError::Changed { .. }) => {
            return Err(CliError::new(ExitCode::Stale, e.to_string())
                .hint("look at what changed; `--force` restores the journaled bytes anyway"))
        }
        Err(e) => return Err(CliError::new(ExitCode::Failure, e.to_string())),
    };
    if json {
        let v = json!({
            "journal": dir.display().to_string(),
            "already": o.already,
            "restored": o.restored,
            "unchanged": o.unchanged,
            "removed": o.removed,
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
        return Ok(ExitCode::Ok);
    }
    if o.already {
        println!("{} was already rolled back; nothing to do", dir.display());
        return Ok(ExitCode::Ok);
    }
    for p in &o.restored {
        println!("restored  {p}");
    }
    for p in &o.unchanged {
        println!("unchanged {p} (already as before the apply)");
    }
    for p in &o.removed {
        println!("removed   {p} (temp file left by an interrupted apply)");
    }
    println!("rolled back {}", dir.display());
    Ok(ExitCode::Ok)
}

/// `audit --fix [--json]`: plan from a fresh capture and apply in one step, like the reference's `--fix`.
pub fn audit_fix(a: &AuditArgs, json: bool, style: report::Style) -> Result<ExitCode, CliError> {
    if !a.snapshots.is_empty() {
        return Err(CliError::new(
            ExitCode::Usage,
            "--fix changes this host: it takes no snapshot (plan from a snapshot with `clawprint fix plan`)",
        ));
    }
    let snap = super::capture_live(&a.host, "live", None, false, !json)?;
    let cs = fix::plan(&snap);
    let mut confirm = |r: &Review| {
        // Values read at apply time are shown before they are written.
        for item in &r.items {
            if let (Some(seed), Op::Seed(s)) = (&item.seed, &cs.ops[item.op]) {
                if !seed.is_empty() {
                    eprintln!(
                        "seeding {} = {} (from the {} pairing allowlist)",
                        s.key,
                        Value::from(seed.clone()),
                        s.source.channel
                    );
                }
            }
        }
        true
    };
    let mut opts = apply_options(&a.host)?;
    opts.confirm = Some(&mut confirm);
    let outcome = match fix::apply(&cs, opts) {
        Ok(o) => o,
        Err(ApplyError::Interrupted { journal, .. }) if !json && interactive() => {
            return offer_interrupted(&journal, &a.host);
        }
        Err(e) => return Err(apply_error(e)),
    };
    let threshold = super::fail_threshold(a.fail_on);
    let failed = threshold.is_some_and(|t: Severity| {
        outcome
            .report_after
            .findings
            .iter()
            .any(|f| f.severity >= t)
    });
    let fix_json = reference::fix_value(
        &cs,
        Some(&outcome.results),
        outcome.config_written,
        &outcome.errors,
    );
    if json {
        // The reference's report: the config as loaded before the fix, the file modes after it.
        let shown = reference::report_snapshot(&outcome.before, &outcome.after);
        let report = audit::audit(&shown);
        println!(
            "{}",
            serde_json::to_string_pretty(&reference::audit_fix_value(
                fix_json,
                &report,
                super::now_ms()
            ))
            .expect("serializes")
        );
    } else {
        let home = cs.host.home.clone();
        print!("{}", fix_block(&fix_json, &home));
        print!("{}", verification_text(&outcome, &home));
        if let Some(j) = &outcome.journal {
            println!("undo with: clawprint fix rollback {}", j.display());
        }
        println!();
        let mut doc = report::AuditDoc::new(&outcome.after, None, &outcome.report_after, None);
        doc.header.label = "live (after the fix)".into();
        print!("{}", report::text::render(&doc, style));
    }
    Ok(if !outcome.verification.held() || failed {
        ExitCode::Findings
    } else {
        ExitCode::Ok
    })
}

/// The reference's text block for a fix result.
fn fix_block(fix: &Value, home: &str) -> String {
    let mut out = String::new();
    let changes = fix["changes"].as_array().cloned().unwrap_or_default();
    let actions = fix["actions"].as_array().cloned().unwrap_or_default();
    let errors = fix["errors"].as_array().cloned().unwrap_or_default();
    if errors.is_empty() && changes.is_empty() && actions.iter().all(|a| a["ok"] != json!(true)) {
        let _ = writeln!(out, "Fixes: no changes applied");
        return out;
    }
    let _ = writeln!(out, "FIX");
    for c in &changes {
        let _ = writeln!(out, "  {}", tilde(c.as_str().unwrap_or(""), home));
    }
    for a in &actions {
        let mode = format!("{:03o}", a["mode"].as_u64().unwrap_or(0));
        let path = tilde(a["path"].as_str().unwrap_or(""), home);
        if a["ok"] == json!(true) {
            let _ = writeln!(out, "  chmod {mode} {path}");
        } else if let Some(s) = a["skipped"].as_str() {
            let _ = writeln!(out, "  skip chmod {mode} {path} ({s})");
        } else if let Some(e) = a["error"].as_str() {
            let _ = writeln!(out, "  chmod {mode} {path} failed: {e}");
        }
    }
    for e in &errors {
        let _ = writeln!(out, "  error: {}", tilde(e.as_str().unwrap_or(""), home));
    }
    out
}
