//! The command line documents itself, and the documentation cannot rot: every subcommand has about text and an
//! `Examples:` block whose command lines parse; completions and the man page cover every subcommand.

use std::process::Command;

use clap::{CommandFactory, Parser};
use clawprint::cli::{Cli, ExitCode};

const BIN: &str = env!("CARGO_BIN_EXE_clawprint");

/// Every subcommand, depth first, as its path of names (`["fix", "plan"]`).
fn tree() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push((p.clone(), sub.clone()));
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

/// The command lines of an `Examples:` block: lines starting with `clawprint`, cut before a comment, a pipe or
/// a redirection (what follows is for the shell, not for clawprint).
fn examples(after_help: &str) -> Vec<String> {
    let block = after_help
        .split("Examples:")
        .nth(1)
        .unwrap_or_default()
        .split("\n\n")
        .next()
        .unwrap_or_default();
    block
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("clawprint"))
        .map(|l| {
            let cut = [" #", " |", " >"]
                .iter()
                .filter_map(|m| l.find(m))
                .min()
                .unwrap_or(l.len());
            l[..cut].trim().to_string()
        })
        .collect()
}

#[test]
fn every_subcommand_has_about_text_and_parsing_examples() {
    let all = tree();
    assert!(all.len() >= 13, "{} subcommands", all.len());
    let top = Cli::command();
    let mut checked = 0;
    let mut helps = vec![(Vec::new(), top.clone())];
    helps.extend(all);
    for (path, cmd) in helps {
        let name = format!("clawprint {}", path.join(" "));
        if !path.is_empty() {
            let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
            assert!(!about.trim().is_empty(), "`{name}` has no about text");
        }
        let after = cmd
            .get_after_help()
            .map(|a| a.to_string())
            .unwrap_or_default();
        assert!(
            after.starts_with("Examples:\n"),
            "`{name}` --help has no Examples block"
        );
        let lines = examples(&after);
        assert!(!lines.is_empty(), "`{name}` has an empty Examples block");
        for line in lines {
            let argv: Vec<&str> = line.split_whitespace().collect();
            assert!(
                argv[1..].starts_with(&path.iter().map(String::as_str).collect::<Vec<_>>()),
                "an example under `{name}` runs another subcommand: {line}"
            );
            if let Err(e) = Cli::try_parse_from(&argv) {
                panic!("example of `{name}` does not parse: {line}\n{e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} examples");
}

#[test]
fn example_extraction_cuts_comments_pipes_and_redirections() {
    let got = examples(
        "Examples:\n  clawprint audit --json | jq .x\n  clawprint man > x.1\n  clawprint audit   # live\n\nExit codes: clawprint x",
    );
    assert_eq!(
        got,
        ["clawprint audit --json", "clawprint man", "clawprint audit"]
    );
    // A broken example is caught: the parser refuses it.
    assert!(Cli::try_parse_from(["clawprint", "audit", "--no-such-flag"]).is_err());
    assert!(Cli::try_parse_from(["clawprint", "fix", "plan", "--json"]).is_ok());
}

#[test]
fn every_subcommand_that_prints_something_has_json() {
    for (path, cmd) in tree() {
        let name = path.join(" ");
        let prints_artifact = matches!(name.as_str(), "completions" | "man");
        if prints_artifact || cmd.has_subcommands() {
            continue;
        }
        assert!(
            cmd.get_arguments().any(|a| a.get_long() == Some("json")),
            "`clawprint {name}` has no --json"
        );
    }
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().unwrap()
}

#[test]
fn completions_name_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        for (path, _) in tree() {
            let leaf = path.last().unwrap();
            assert!(
                script.contains(leaf.as_str()),
                "{shell} completions do not mention `{}`",
                path.join(" ")
            );
        }
        assert!(script.contains("fail-on"), "{shell}: no --fail-on");
    }
    let bash = String::from_utf8(run(&["completions", "bash"]).stdout).unwrap();
    // bash completes nested subcommands by their joined names.
    assert!(
        bash.contains("clawprint__fix__plan")
            || bash.contains("clawprint__subcmd__fix__subcmd__plan")
    );
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff_with_every_subcommand_and_the_exit_codes() {
    let out = run(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH clawprint 1"), "not a roff man page");
    for (path, _) in tree() {
        let heading = format!(".SS \"clawprint {}\"", path.join(" "));
        assert!(page.contains(&heading), "man page lacks {heading}");
    }
    let status = &page[page
        .find(".SH \"EXIT STATUS\"")
        .expect("EXIT STATUS section")..];
    for c in ExitCode::ALL {
        assert!(
            status.contains(&format!(".TP\n\\fB{}\\fR\n", c as i32)),
            "exit code {} missing from the man page",
            c as i32
        );
    }
    assert!(page.contains(".SH ENVIRONMENT") && page.contains("CLAWPRINT_LIMITS"));
    // Every roff control line is one groff knows; a text line never starts with a dot by accident.
    for l in page.lines().filter(|l| l.starts_with('.')) {
        let m = l[1..].split_whitespace().next().unwrap_or_default();
        assert!(
            [
                "TH", "SH", "SS", "TP", "PP", "IP", "RS", "RE", "nf", "fi", "ie", "el", "br", "B",
                "I"
            ]
            .contains(&m),
            "unexpected roff line: {l}"
        );
    }
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(dir.path().join("clawprint.1").is_file());
    for (path, _) in tree() {
        let file = dir.path().join(format!("clawprint-{}.1", path.join("-")));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(text.contains(".TH clawprint-"), "{}", file.display());
    }
}
