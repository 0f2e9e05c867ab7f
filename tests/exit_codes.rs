//! Every exit code, end to end through the built binary, in text and in JSON mode; and the README's table
//! matches the enum. Codes: 0 ok, 1 findings at or above --fail-on, 2 usage, 3 integrity, 4 stale plan,
//! 5 apply failed and rolled back, 6 any other failure.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use clawprint::cli::ExitCode;

const BIN: &str = env!("CARGO_BIN_EXE_clawprint");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run clawprint with a clean environment whose HOME is `home` (extra `env` added).
fn run_env(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .current_dir(home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run clawprint");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(home: &Path, args: &[&str]) -> Out {
    run_env(home, args, &[])
}

/// Assert the exit code, the text error on stderr, and (run again with `--json`) the JSON error object on stdout.
fn assert_error(home: &Path, args: &[&str], env: &[(&str, &str)], code: ExitCode, needle: &str) {
    let out = run_env(home, args, env);
    assert_eq!(out.code, code as i32, "{args:?}\n{}", out.stderr);
    assert!(out.stderr.contains("error: "), "{args:?}: {}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{args:?}: want {needle:?} in {}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty() || !out.stdout.contains("\"error\""),
        "{args:?}: {}",
        out.stdout
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = run_env(home, &json_args, env);
    assert_eq!(out.code, code as i32, "{json_args:?}\n{}", out.stderr);
    assert!(out.stderr.contains(needle), "{json_args:?}: {}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{json_args:?}: stdout is not one JSON document ({e}): {}",
            out.stdout
        )
    });
    let err = &v["error"];
    assert_eq!(err["exitCode"], code as i32, "{v}");
    assert_eq!(err["code"], code.name(), "{v}");
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains(needle)),
        "{v}"
    );
}

fn example(name: &str) -> String {
    common::repo()
        .join("snapshots")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A live host whose config sets `logging.redactSensitive: "off"` (a finding `fix` can resolve), under a config
/// file named `config_name`.
fn host(config_name: &str) -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join(".openclaw");
    fs::create_dir(&state).unwrap();
    fs::set_permissions(&state, fs::Permissions::from_mode(0o700)).unwrap();
    let config = state.join(config_name);
    fs::write(&config, "{\n  logging: { redactSensitive: \"off\" },\n}\n").unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    (home, config)
}

/// Files and modes of the state dir (clawprint's journal left out).
fn state_tree(home: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut out = Vec::new();
    for e in fs::read_dir(home.join(".openclaw")).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".clawprint" {
            continue;
        }
        let m = e.metadata().unwrap();
        let bytes = if m.is_file() {
            fs::read(e.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((
            e.file_name().to_string_lossy().into_owned(),
            m.permissions().mode() & 0o7777,
            bytes,
        ));
    }
    out.sort();
    out
}

#[test]
fn exit_0_on_success_even_with_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let insecure = example("insecure.clawsnap");
    for args in [
        vec!["verify", insecure.as_str()],
        vec!["audit", insecure.as_str()],
        vec!["audit", insecure.as_str(), "--json"],
        vec!["checks", "--json"],
        vec!["--help"],
        vec!["--version"],
    ] {
        let out = run(tmp.path(), &args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn exit_1_on_findings_at_or_above_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    let (insecure, hardened) = (example("insecure.clawsnap"), example("hardened.clawsnap"));
    let code = |args: &[&str]| run(tmp.path(), args).code;
    assert_eq!(code(&["audit", &insecure, "--fail-on", "critical"]), 1);
    assert_eq!(
        code(&["audit", &insecure, "--fail-on", "warn", "--json"]),
        1
    );
    assert_eq!(code(&["audit", &insecure, "--fail-on", "never"]), 0);
    // The hardened example has only the info-level attack-surface summary.
    assert_eq!(code(&["audit", &hardened, "--fail-on", "warn"]), 0);
    assert_eq!(code(&["audit", &hardened, "--fail-on", "info"]), 1);
    assert_eq!(
        code(&["diff", &hardened, &insecure, "--fail-on", "new-critical"]),
        1
    );
    assert_eq!(code(&["diff", &insecure, &hardened, "--fail-on", "new"]), 0);
}

#[test]
fn exit_2_on_usage_errors_and_unreadable_files() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let insecure = example("insecure.clawsnap");
    assert_error(
        home,
        &["audit", &insecure, "--no-such-flag"],
        &[],
        ExitCode::Usage,
        "--no-such-flag",
    );
    assert_error(
        home,
        &["audit", &insecure, "--fail-on", "sometimes"],
        &[],
        ExitCode::Usage,
        "sometimes",
    );
    assert_error(
        home,
        &["verify", "missing.clawsnap"],
        &[],
        ExitCode::Usage,
        "cannot read missing.clawsnap",
    );
    assert_error(
        home,
        &["fix", "show", "missing.json"],
        &[],
        ExitCode::Usage,
        "cannot read missing.json",
    );
    assert_error(
        home,
        &["verify", &insecure],
        &[("CLAWPRINT_LIMITS", "max_compressed=banana")],
        ExitCode::Usage,
        "CLAWPRINT_LIMITS",
    );
    // No subcommand: clap's usage text, exit 2.
    assert_eq!(run(home, &[]).code, 2);
}

#[test]
fn exit_3_on_a_damaged_snapshot_or_a_tampered_change_set() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let mut bytes = fs::read(example("insecure.clawsnap")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    fs::write(home.join("damaged.clawsnap"), &bytes).unwrap();
    for cmd in ["verify", "show", "audit"] {
        assert_error(
            home,
            &[cmd, "damaged.clawsnap"],
            &[],
            ExitCode::Integrity,
            "damaged.clawsnap",
        );
    }
    assert_error(
        home,
        &["fix", "plan", "damaged.clawsnap"],
        &[],
        ExitCode::Integrity,
        "damaged.clawsnap",
    );

    // A change set edited after planning.
    let planned = run(
        home,
        &[
            "fix",
            "plan",
            &example("insecure.clawsnap"),
            "-o",
            "changes.json",
        ],
    );
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    let text = fs::read_to_string(home.join("changes.json")).unwrap();
    let tampered = text.replacen("\"mode\":448", "\"mode\":511", 1);
    assert_ne!(text, tampered, "the plan has no chmod 700 to tamper with");
    fs::write(home.join("tampered.json"), tampered).unwrap();
    assert_error(
        home,
        &["fix", "show", "tampered.json"],
        &[],
        ExitCode::Integrity,
        "altered",
    );
}

#[test]
fn exit_4_when_the_host_changed_since_the_plan() {
    let (home, config) = host("openclaw.json");
    let home = home.path();
    let plan = run(home, &["fix", "plan", "-o", "changes.json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout.contains("logging.redactSensitive"),
        "{}",
        plan.stdout
    );
    // Someone changes the config's mode by hand after the plan: neither what the plan saw nor what it wants.
    fs::set_permissions(&config, fs::Permissions::from_mode(0o640)).unwrap();
    let before = state_tree(home);
    assert_error(
        home,
        &["fix", "apply", "changes.json", "--yes"],
        &[],
        ExitCode::Stale,
        "op 1",
    );
    let out = run(home, &["fix", "apply", "changes.json", "--yes", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let stale = v["error"]["details"]["stale"]
        .as_array()
        .expect("stale ops in details");
    assert_eq!(stale[0]["op"], 1, "{v}");
    assert!(
        stale[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("640")),
        "{v}"
    );
    assert_eq!(state_tree(home), before, "a stale plan changed the host");
}

#[test]
fn exit_5_when_apply_fails_and_is_rolled_back() {
    // A config file whose name is near NAME_MAX: chmod works, but the edit's temp file name is too long
    // (ENAMETOOLONG, root or not), so apply fails after its first step and must roll that step back.
    let name = format!("{}.json", "c".repeat(230));
    let (home, config) = host(&name);
    let home = home.path();
    let env = [("OPENCLAW_CONFIG_PATH", config.to_str().unwrap())];
    let plan = run_env(home, &["fix", "plan", "-o", "changes.json"], &env);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(plan.stdout.contains("chmod 600"), "{}", plan.stdout);
    let before = state_tree(home);
    assert_error(
        home,
        &["fix", "apply", "changes.json", "--yes"],
        &env,
        ExitCode::ApplyFailed,
        "every change was rolled back",
    );
    assert_eq!(state_tree(home), before, "the chmod was not rolled back");
}

#[test]
fn exit_6_on_other_failures() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    fs::create_dir(home.join(".openclaw")).unwrap();
    // The output directory does not exist.
    assert_error(
        home,
        &["capture", "-o", "no/such/dir/host.clawsnap"],
        &[],
        ExitCode::Failure,
        "no/such/dir",
    );
    assert_error(
        home,
        &["fix", "rollback", "no-such-journal"],
        &[],
        ExitCode::Failure,
        "no-such-journal",
    );
}

/// The README's "Exit codes" table lists exactly the enum's codes, with the meanings the man page prints.
#[test]
fn readme_exit_code_table_matches_the_enum() {
    let readme = fs::read_to_string(common::repo().join("README.md")).unwrap();
    let section = readme
        .split("\n## Exit codes\n")
        .nth(1)
        .expect("README has an `## Exit codes` section");
    let section = section.split("\n## ").next().unwrap();
    let rows: Vec<(i32, String)> = section
        .lines()
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            Some((cells.first()?.parse().ok()?, cells.get(1)?.replace('`', "")))
        })
        .collect();
    let want: Vec<(i32, String)> = ExitCode::ALL
        .iter()
        .map(|c| (*c as i32, c.meaning().to_string()))
        .collect();
    assert_eq!(
        rows, want,
        "README exit codes differ from ExitCode (src/cli/error.rs)"
    );
}
