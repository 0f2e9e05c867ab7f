//! `clawprint man`: the man page, generated from the same clap definitions as `--help` and the completions.
//!
//! One page, clawprint(1), holds every subcommand (as `.SS` subsections with usage, options and examples), the
//! exit codes and the environment; `--dir` also writes one page per subcommand (clawprint-fix-plan.1, …), for
//! `man clawprint-audit`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_mangen::Man;

use super::{Cli, CliError, ExitCode};

/// Environment variables clawprint reads, for the ENVIRONMENT section.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "OPENCLAW_STATE_DIR",
        "the state dir to capture (else ~/.openclaw, else ~/.clawdbot)",
    ),
    (
        "OPENCLAW_CONFIG_PATH",
        "the config file (else <state dir>/openclaw.json)",
    ),
    (
        "OPENCLAW_HOME",
        "the home dir OpenClaw resolves ~ against (else HOME)",
    ),
    (
        "CLAWPRINT_LIMITS",
        "snapshot reading limits, e.g. max_compressed=64MiB (docs/snapshot-container.md)",
    ),
    (
        "CLAWPRINT_DOCKER",
        "the program capture --docker runs instead of docker",
    ),
    (
        "SOURCE_DATE_EPOCH",
        "the capture time recorded in a snapshot's meta.json (not part of its id)",
    ),
];

fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Subcommands, depth first, with their full names (`fix plan`).
fn subcommands(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{prefix}{}", sub.get_name());
        out.push((name.clone(), sub.clone()));
        subcommands(sub, &format!("{name} "), out);
    }
}

/// Render with `f` and turn the page-level headings (`.SH`) into subsection headings (`.SS`) named after the
/// subcommand, so they nest under COMMANDS.
fn demoted(
    name: &str,
    f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<String> {
    let mut buf = Vec::new();
    f(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    Ok(text
        .lines()
        .map(|l| match l.strip_prefix(".SH ") {
            Some(h) => format!(
                ".SS \"clawprint {name}: {}\"",
                h.trim_matches('"').to_lowercase()
            ),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// Escape text for a roff text line (backslashes; a leading `.` or `'` would be a control line).
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// The whole manual in one page: clawprint(1).
pub fn page() -> std::io::Result<Vec<u8>> {
    let cmd = command();
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    let mut subs = Vec::new();
    subcommands(&cmd, "", &mut subs);
    writeln!(out, ".SH COMMANDS")?;
    for (name, sub) in &subs {
        let m = Man::new(sub.clone());
        writeln!(out, ".SS \"clawprint {name}\"")?;
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        writeln!(out, "{}", roff_text(&about))?;
        out.extend(demoted(name, |w| m.render_synopsis_section(w))?.bytes());
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            out.extend(demoted(name, |w| m.render_options_section(w))?.bytes());
        }
        if let Some(after) = sub.get_after_help() {
            writeln!(out, ".PP")?;
            writeln!(out, ".nf")?;
            for line in after.to_string().lines() {
                writeln!(out, "{}", roff_text(line))?;
            }
            writeln!(out, ".fi")?;
        }
    }
    if let Some(after) = cmd.get_after_help() {
        // The top level's examples (its exit-code summary is the EXIT STATUS section below).
        let text = after.to_string();
        let examples = text.split("\n\n").next().unwrap_or_default();
        writeln!(out, ".SH EXAMPLES\n.nf")?;
        for line in examples.lines().skip(1) {
            writeln!(out, "{}", roff_text(line))?;
        }
        writeln!(out, ".fi")?;
    }
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for c in ExitCode::ALL {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", c as i32, roff_text(c.meaning()))?;
    }
    writeln!(
        out,
        ".PP\nWith \\fB\\-\\-json\\fR, an error is also printed on stdout as {{\"error\": {{\"code\", \"exitCode\", \"message\", \"hint\"}}}}; see docs/json\\-output.md."
    )?;
    writeln!(out, ".SH ENVIRONMENT")?;
    for (name, what) in ENVIRONMENT {
        writeln!(out, ".TP\n\\fB{name}\\fR\n{}", roff_text(what))?;
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// `clawprint man [--dir DIR]`.
pub fn run(dir: Option<&Path>) -> Result<ExitCode, CliError> {
    let page = page().map_err(|e| {
        CliError::new(
            ExitCode::Failure,
            format!("cannot render the man page: {e}"),
        )
    })?;
    let Some(dir) = dir else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&page)
            .and_then(|_| stdout.flush())
            .map_err(|e| {
                CliError::new(ExitCode::Failure, format!("cannot write the man page: {e}"))
            })?;
        return Ok(ExitCode::Ok);
    };
    let cannot = |p: &Path, e: std::io::Error| {
        CliError::new(
            ExitCode::Failure,
            format!("cannot write {}: {e}", p.display()),
        )
        .hint("give a directory you can write to, e.g. --dir ./man")
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
    let main = dir.join("clawprint.1");
    std::fs::write(&main, &page).map_err(|e| cannot(&main, e))?;
    println!("{}", main.display());
    let mut subs = Vec::new();
    subcommands(&command(), "", &mut subs);
    for (name, sub) in subs {
        let file = format!("clawprint-{}", name.replace(' ', "-"));
        let man = Man::new(sub.display_name(file).version(env!("CARGO_PKG_VERSION")));
        let path = dir.join(man.get_filename());
        let mut buf = Vec::new();
        man.render(&mut buf).map_err(|e| cannot(&path, e))?;
        std::fs::write(&path, &buf).map_err(|e| cannot(&path, e))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::Ok)
}
