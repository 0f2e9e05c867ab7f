//! The fix engine on real (temporary) hosts: surgical edits, owning include files, stale plans, tampered change
//! sets, crash safety at every step, rollback, idempotence, seeding, and the CLI's exit codes.
//!
//! Tests run as root here, where modes do not restrict access: they never rely on a permission being denied.
//! Instead they compare whole trees (bytes, modes, owners, link targets) before and after.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use clawprint::capture::{self, HostSpec};
use clawprint::fix::apply::Check;
use clawprint::fix::changeset::Op;
use clawprint::fix::{self, ApplyError, ApplyOptions, ChangeSet, ChangeSetError, OpStatus};

/// One host file: path under HOME, mode, content (`None`: a directory; `Some("->x")`: a symlink to x).
type Entry<'a> = (&'a str, u32, Option<&'a str>);

fn host(entries: &[Entry]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (path, mode, content) in entries {
        let p = tmp.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        match content {
            None => fs::create_dir_all(&p).unwrap(),
            Some(c) if c.starts_with("->") => symlink(&c[2..], &p).unwrap(),
            Some(c) => fs::write(&p, c).unwrap(),
        }
        if !content.is_some_and(|c| c.starts_with("->")) {
            fs::set_permissions(&p, fs::Permissions::from_mode(*mode)).unwrap();
        }
    }
    tmp
}

const ROOT: &str = r#"// The gateway of the test host.
{
  $include: "./channels.json5",   // channels live apart
  gateway: {
    bind: "loopback",
    auth: { mode: "token", token: "test-token-0123456789abcdef01234" },
    trustedProxies: ["127.0.0.1"],
  },
  logging: {
    redactSensitive: 'off', /* debugging */
  },
}
"#;

const CHANNELS: &str = r#"{
  channels: {
    // WhatsApp: open for now
    whatsapp: {
      groupPolicy: "open",
    },
    telegram: { groupPolicy: "open", botToken: "123456:fake-telegram-token-abcdefghijklmnop" },
  },
}
"#;

/// A host with edits in two files (one an include), a seed, pre-write chmods and target chmods.
fn sample() -> tempfile::TempDir {
    host(&[
        (".openclaw", 0o755, None),
        (".openclaw/openclaw.json", 0o644, Some(ROOT)),
        (".openclaw/channels.json5", 0o640, Some(CHANNELS)),
        (".openclaw/credentials", 0o750, None),
        (
            ".openclaw/credentials/whatsapp-allowFrom.json",
            0o644,
            Some(r#"{"version":1,"allowFrom":["+15550001111","+15550002222"]}"#),
        ),
        (".openclaw/agents/main/sessions", 0o755, None),
        (
            ".openclaw/agents/main/sessions/sessions.json",
            0o644,
            Some("{}"),
        ),
        (
            ".openclaw/agents/main/sessions/0001.jsonl",
            0o644,
            Some("{}\n"),
        ),
    ])
}

fn spec(home: &Path) -> HostSpec {
    HostSpec::for_home(home)
}

fn plan(home: &Path) -> ChangeSet {
    let opts = ApplyOptions::new(spec(home));
    fix::plan(&capture::capture(&spec(home), &opts.capture).unwrap())
}

fn opts<'a>(home: &Path) -> ApplyOptions<'a> {
    ApplyOptions::new(spec(home))
}

/// Everything under `root` except clawprint's journal: kind, mode, owner, bytes or link target.
fn tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel == ".openclaw/.clawprint" {
                continue;
            }
            let m = fs::symlink_metadata(&p).unwrap();
            let what = if m.file_type().is_symlink() {
                format!("link {}", fs::read_link(&p).unwrap().display())
            } else if m.is_dir() {
                "dir".to_string()
            } else {
                format!("file {:?}", String::from_utf8_lossy(&fs::read(&p).unwrap()))
            };
            out.insert(
                rel,
                format!("{:o} {}:{} {what}", m.mode() & 0o7777, m.uid(), m.gid()),
            );
            if m.is_dir() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn journals(home: &Path) -> Vec<PathBuf> {
    let root = home.join(".openclaw/.clawprint/fix");
    let mut out: Vec<PathBuf> = fs::read_dir(root)
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Owner ids for "a file another user owns": foreign ids as root; as anyone else (CI's non-root pass) chown to
/// another user is refused, so the file keeps ours and the test still checks that ownership survives.
fn other_owner(uid: u32, gid: u32) -> (u32, u32) {
    // SAFETY: geteuid/getegid cannot fail and touch no memory.
    unsafe {
        if libc::geteuid() == 0 {
            (uid, gid)
        } else {
            (libc::geteuid(), libc::getegid())
        }
    }
}

fn read(home: &Path, rel: &str) -> String {
    fs::read_to_string(home.join(rel)).unwrap()
}

#[test]
fn edits_are_surgical_and_land_in_the_owning_files() {
    let h = sample();
    let home = h.path();
    // The include is owned by another user: the edit must keep owner and mode (the later chmod sets 600).
    let inc = home.join(".openclaw/channels.json5");
    let (uid, gid) = other_owner(4321, 4322);
    std::os::unix::fs::chown(&inc, Some(uid), Some(gid)).unwrap();
    let cs = plan(home);
    let files: Vec<String> = cs.writes().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        files,
        [
            home.join(".openclaw/openclaw.json").display().to_string(),
            inc.display().to_string()
        ]
    );
    let out = fix::apply(&cs, opts(home)).unwrap();
    assert!(out.config_written);
    assert!(
        out.results.iter().all(|r| matches!(r, OpStatus::Applied)),
        "{:?}",
        out.results
    );

    // Root: only the bytes of the value changed (the quoting style is kept).
    let root = read(home, ".openclaw/openclaw.json");
    let at = ROOT.find("'off'").unwrap();
    assert_eq!(&root[..at], &ROOT[..at]);
    assert_eq!(&root[at..at + 7], "'tools'");
    assert_eq!(&root[at + 7..], &ROOT[at + 5..]);

    // Include: the policies flipped, groupAllowFrom inserted before groupPolicy with the live entries, the rest
    // byte for byte.
    let expected = CHANNELS
        .replace(
            "      groupPolicy: \"open\",\n",
            "      groupAllowFrom: [\"+15550001111\", \"+15550002222\"],\n      groupPolicy: \"allowlist\",\n",
        )
        .replace(
            "telegram: { groupPolicy: \"open\"",
            "telegram: { groupPolicy: \"allowlist\"",
        );
    assert_eq!(read(home, ".openclaw/channels.json5"), expected);
    let m = fs::metadata(&inc).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (uid, gid, 0o600));
    assert_eq!(
        fs::metadata(home.join(".openclaw/openclaw.json"))
            .unwrap()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        fs::metadata(home.join(".openclaw")).unwrap().mode() & 0o777,
        0o700
    );
    // Verified: the fs findings the chmods named are gone and nothing new appeared.
    assert!(out.verification.held(), "{:?}", out.verification);
    assert!(out.verification.resolved >= 4, "{:?}", out.verification);
}

#[test]
fn applying_twice_is_a_no_op_the_second_time() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    fix::apply(&cs, opts(home)).unwrap();
    let after_first = tree(home);
    let journals_first = journals(home);
    let second = fix::apply(&cs, opts(home)).unwrap();
    assert!(second.results.iter().all(|r| *r == OpStatus::Already));
    assert_eq!(second.steps, 0);
    assert!(second.journal.is_none());
    assert_eq!(tree(home), after_first);
    assert_eq!(journals(home), journals_first);
    // And a fresh plan of the fixed host has nothing left to do.
    assert!(plan(home).ops.is_empty());
}

#[test]
fn rollback_restores_byte_for_byte() {
    let h = sample();
    let home = h.path();
    let (uid, gid) = other_owner(77, 78);
    std::os::unix::fs::chown(home.join(".openclaw/channels.json5"), Some(uid), Some(gid)).unwrap();
    let before = tree(home);
    let out = fix::apply(&plan(home), opts(home)).unwrap();
    assert_ne!(tree(home), before);
    let j = out.journal.unwrap();
    let meta = fs::metadata(&j).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o700);
    assert_eq!(
        fs::metadata(home.join(".openclaw/.clawprint"))
            .unwrap()
            .mode()
            & 0o777,
        0o700
    );
    let r = fix::rollback(&j, false).unwrap();
    assert!(!r.restored.is_empty());
    assert_eq!(tree(home), before);
    // Idempotent.
    assert!(fix::rollback(&j, false).unwrap().already);
    assert_eq!(tree(home), before);
}

#[test]
fn rollback_refuses_a_file_edited_after_the_apply() {
    let h = sample();
    let home = h.path();
    let out = fix::apply(&plan(home), opts(home)).unwrap();
    let cfg = home.join(".openclaw/openclaw.json");
    let edited = read(home, ".openclaw/openclaw.json") + "// later\n";
    fs::write(&cfg, &edited).unwrap();
    let j = out.journal.unwrap();
    let before = tree(home);
    let err = fix::rollback(&j, false).unwrap_err();
    assert!(err.to_string().contains("changed after the apply"), "{err}");
    assert_eq!(tree(home), before, "a refused rollback changes nothing");
    fix::rollback(&j, true).unwrap();
    assert_eq!(read(home, ".openclaw/openclaw.json"), ROOT);
}

fn assert_stale(home: &Path, cs: &ChangeSet, needle: &str) {
    let before = tree(home);
    match fix::apply(cs, opts(home)) {
        Err(ApplyError::Stale(ops)) => {
            assert!(
                ops.iter().any(|(_, why)| why.contains(needle)),
                "expected a stale op mentioning {needle:?}, got {ops:?}"
            );
        }
        Err(e) => panic!("expected a stale plan, got {e}"),
        Ok(_) => panic!("expected a stale plan, the apply went through"),
    }
    assert_eq!(tree(home), before, "a refused apply changes nothing");
    assert!(journals(home).is_empty(), "no journal for a refused apply");
}

#[test]
fn stale_plan_mode_changed() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    fs::set_permissions(
        home.join(".openclaw/credentials"),
        fs::Permissions::from_mode(0o770),
    )
    .unwrap();
    assert_stale(home, &cs, "expected mode 750, found 770");
}

#[test]
fn stale_plan_value_changed() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let p = home.join(".openclaw/channels.json5");
    fs::write(
        &p,
        CHANNELS.replace(
            "telegram: { groupPolicy: \"open\"",
            "telegram: { groupPolicy: \"disabled\"",
        ),
    )
    .unwrap();
    assert_stale(
        home,
        &cs,
        "expected \"open\" at channels.telegram.groupPolicy, found \"disabled\"",
    );
}

#[test]
fn stale_plan_file_replaced_by_a_symlink() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let store = home.join(".openclaw/agents/main/sessions/sessions.json");
    fs::rename(&store, home.join("elsewhere.json")).unwrap();
    symlink("../../../../elsewhere.json", &store).unwrap();
    assert_stale(home, &cs, "expected a file, found a symlink");
    // The link's target is untouched.
    assert_eq!(
        fs::metadata(home.join("elsewhere.json")).unwrap().mode() & 0o777,
        0o644
    );
}

#[test]
fn stale_plan_config_edited_by_hand() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let p = home.join(".openclaw/openclaw.json");
    fs::write(
        &p,
        ROOT.replace(r#"["127.0.0.1"]"#, r#"["127.0.0.1", "10.0.0.1"]"#),
    )
    .unwrap();
    assert_stale(home, &cs, "edited since the plan");
}

/// Snapshots never hold comments (only their line breaks), so a plan is made without them and a comment
/// edited since does not make it stale: the apply edits values only and keeps the file's comments as they are.
#[test]
fn comment_edited_by_hand_is_kept_by_the_apply() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let p = home.join(".openclaw/openclaw.json");
    let edited = ROOT.replace("// The gateway", "// Edited by hand. The gateway");
    fs::write(&p, &edited).unwrap();
    fix::apply(&cs, opts(home)).unwrap();
    let now = read(home, ".openclaw/openclaw.json");
    assert_ne!(now, edited, "the plan's edits were made");
    for comment in [
        "// Edited by hand. The gateway of the test host.",
        "// channels live apart",
        "/* debugging */",
    ] {
        assert!(now.contains(comment), "{comment} not in {now}");
    }
}

#[test]
fn only_valid_applies_what_still_holds() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    fs::set_permissions(
        home.join(".openclaw/credentials"),
        fs::Permissions::from_mode(0o770),
    )
    .unwrap();
    let mut o = opts(home);
    o.only_valid = true;
    let out = fix::apply(&cs, o).unwrap();
    let stale: Vec<usize> = out
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, OpStatus::Skipped(_)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(stale.len(), 1);
    assert!(cs.ops[stale[0]].path().ends_with("/credentials"));
    assert_eq!(
        fs::metadata(home.join(".openclaw/credentials"))
            .unwrap()
            .mode()
            & 0o777,
        0o770
    );
    assert_eq!(
        fs::metadata(home.join(".openclaw/agents/main/sessions/sessions.json"))
            .unwrap()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn tampered_or_unexpected_change_sets_are_refused() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let text = String::from_utf8(cs.to_bytes()).unwrap();
    // Aim a chmod elsewhere without updating the id.
    let tampered = text.replacen("\"mode\":448", "\"mode\":511", 1);
    assert_ne!(tampered, text);
    assert!(matches!(
        ChangeSet::from_bytes(tampered.as_bytes()),
        Err(ChangeSetError::Id { .. })
    ));
    // A change set built in memory with a wrong id is refused by apply too.
    let mut forged = cs.clone();
    forged.ops.truncate(1);
    let before = tree(home);
    assert!(matches!(
        fix::apply(&forged, opts(home)),
        Err(ApplyError::Integrity(_))
    ));
    // --expect names the reviewed set; any other is refused.
    let mut o = opts(home);
    o.expect = Some("0".repeat(64));
    assert!(matches!(fix::apply(&cs, o), Err(ApplyError::Integrity(_))));
    assert_eq!(tree(home), before);
    let mut o = opts(home);
    o.expect = Some(cs.id.clone());
    fix::apply(&cs, o).unwrap();
}

#[test]
fn seeding_is_shown_before_it_is_written_and_can_be_declined() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let seed_op = cs
        .ops
        .iter()
        .position(|o| matches!(o, Op::Seed(_)))
        .expect("a seed op");
    // The pairing allowlist changes after the plan: the entries are resolved at apply time.
    fs::write(
        home.join(".openclaw/credentials/whatsapp-allowFrom.json"),
        r#"{"version":1,"allowFrom":[" +15550009999 ","*"]}"#,
    )
    .unwrap();
    let before = tree(home);
    let mut seen = Vec::new();
    let mut decline = |r: &clawprint::fix::apply::Review| {
        seen = r.items[seed_op].seed.clone().unwrap();
        assert_eq!(r.items[seed_op].check, Check::Valid);
        false
    };
    let mut o = opts(home);
    o.confirm = Some(&mut decline);
    assert!(matches!(fix::apply(&cs, o), Err(ApplyError::Declined)));
    assert_eq!(seen, ["+15550009999"]);
    assert_eq!(tree(home), before);
    let out = fix::apply(&cs, opts(home)).unwrap();
    assert_eq!(
        out.seeded[seed_op].as_deref(),
        Some(&["+15550009999".to_string()][..])
    );
    assert!(read(home, ".openclaw/channels.json5").contains("groupAllowFrom: [\"+15550009999\"],"));
}

#[test]
fn a_failing_step_rolls_everything_back() {
    let h = sample();
    let home = h.path();
    let before = tree(home);
    let cs = plan(home);
    let total = {
        let h2 = sample();
        fix::apply(&plan(h2.path()), opts(h2.path())).unwrap().steps
    };
    assert!(total > 20, "{total} steps");
    // Fail in the middle (after some chmods and writes went through).
    let mut o = opts(home);
    o.fail_at = Some(total - 4);
    match fix::apply(&cs, o) {
        Err(ApplyError::Failed {
            rolled_back: true,
            journal: Some(j),
            ..
        }) => {
            let status = fs::read_to_string(j.join("journal.json")).unwrap();
            assert!(status.contains("\"failed-rolled-back\""));
        }
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("the injected failure did not fail the apply"),
    }
    assert_eq!(tree(home), before);
}

#[test]
fn a_crash_after_any_step_can_be_rolled_back_or_finished() {
    let clean = sample();
    let total = fix::apply(&plan(clean.path()), opts(clean.path()))
        .unwrap()
        .steps;
    let fixed = tree(clean.path());
    for k in 1..=total {
        // Roll back after the crash: the host is exactly as before.
        let h = sample();
        let home = h.path();
        let before = tree(home);
        let cs = plan(home);
        let mut o = opts(home);
        o.fault_after = Some(k);
        match fix::apply(&cs, o) {
            Err(ApplyError::Fault(n)) => assert_eq!(n, k),
            Err(e) => panic!("step {k}: unexpected {e}"),
            Ok(_) => panic!("step {k}: no fault"),
        }
        for j in journals(home) {
            if j.join("journal.json").exists() {
                fix::rollback(&j, false).unwrap_or_else(|e| panic!("step {k}: {e}"));
            }
        }
        assert_eq!(tree(home), before, "rollback after a crash at step {k}");

        // Or rerun the apply: it finishes the interrupted one and ends where a clean apply ends.
        let h = sample();
        let home = h.path();
        let cs = plan(home);
        let mut o = opts(home);
        o.fault_after = Some(k);
        assert!(matches!(fix::apply(&cs, o), Err(ApplyError::Fault(_))));
        let out = fix::apply(&cs, opts(home)).unwrap_or_else(|e| panic!("step {k}: rerun: {e}"));
        assert!(
            out.results
                .iter()
                .all(|r| matches!(r, OpStatus::Applied | OpStatus::Already)),
            "step {k}: {:?}",
            out.results
        );
        assert_eq!(tree(home), fixed, "rerun after a crash at step {k}");
        assert!(fix::find_interrupted(&home.join(".openclaw")).is_empty());
    }
    assert!(total > 20, "{total} steps");
}

#[test]
fn an_interrupted_apply_blocks_other_change_sets() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let mut o = opts(home);
    o.fault_after = Some(12);
    assert!(matches!(fix::apply(&cs, o), Err(ApplyError::Fault(_))));
    let other = plan(home);
    assert_ne!(other.id, cs.id);
    match fix::apply(&other, opts(home)) {
        Err(ApplyError::Interrupted { change_set, .. }) => assert_eq!(change_set, cs.id),
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("applied over an interrupted apply"),
    }
}

fn clawprint(home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clawprint"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .current_dir(home)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_plan_show_apply_rollback_and_exit_codes() {
    let h = sample();
    let home = h.path();
    let before = tree(home);
    let cs_path = home.join("changes.json");
    let cs_arg = cs_path.to_str().unwrap();
    let (code, out, err) = clawprint(home, &["fix", "plan", "-o", cs_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("set logging.redactSensitive = \"tools\""),
        "{out}"
    );
    let cs = ChangeSet::from_bytes(&fs::read(&cs_path).unwrap()).unwrap();
    let (code, show, _) = clawprint(home, &["fix", "show", cs_arg]);
    assert_eq!(code, 0);
    assert!(show.contains(&cs.id));

    // Tampered: exit 3, nothing changed.
    let tampered = home.join("tampered.json");
    fs::write(
        &tampered,
        String::from_utf8(cs.to_bytes())
            .unwrap()
            .replacen("\"mode\":448", "\"mode\":511", 1),
    )
    .unwrap();
    let (code, _, err) = clawprint(home, &["fix", "apply", tampered.to_str().unwrap(), "--yes"]);
    assert_eq!(code, 3, "{err}");
    let (code, _, err) = clawprint(home, &["fix", "apply", cs_arg, "--yes", "--expect", "abc"]);
    assert_eq!(code, 3, "{err}");
    // Not interactive and no --yes: refused.
    let (code, _, err) = clawprint(home, &["fix", "apply", cs_arg]);
    assert_ne!(code, 0, "{err}");
    let mut expected_before = before.clone();
    expected_before.insert("changes.json".into(), tree(home)["changes.json"].clone());
    expected_before.insert("tampered.json".into(), tree(home)["tampered.json"].clone());
    assert_eq!(tree(home), expected_before);

    // Stale: exit 4, naming the op.
    fs::set_permissions(
        home.join(".openclaw/agents/main/sessions"),
        fs::Permissions::from_mode(0o751),
    )
    .unwrap();
    let (code, _, err) = clawprint(home, &["fix", "apply", cs_arg, "--yes"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("expected mode 755, found 751"), "{err}");
    fs::set_permissions(
        home.join(".openclaw/agents/main/sessions"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();

    // Apply: exit 0 (verified), JSON shape.
    let (code, out, err) = clawprint(
        home,
        &[
            "fix", "apply", cs_arg, "--yes", "--json", "--expect", &cs.id,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verification"]["held"], true);
    let keys: Vec<&String> = v["fix"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ok",
            "stateDir",
            "configPath",
            "configWritten",
            "changes",
            "actions",
            "errors"
        ]
    );
    let journal = v["journal"].as_str().unwrap().to_string();

    // Rollback: exit 0, the host as before.
    let (code, _, err) = clawprint(home, &["fix", "rollback", &journal]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(tree(home), expected_before);
}

#[test]
fn cli_audit_fix_json_has_the_reference_shape() {
    let h = sample();
    let home = h.path();
    let (code, out, err) = clawprint(home, &["audit", "--fix", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["fix", "report", "secretDiagnostics"]);
    let fix = &v["fix"];
    // An include exists and owns a key: the reference fails here; clawprint edits both files.
    assert_eq!(fix["ok"], true);
    assert_eq!(fix["configWritten"], true);
    assert_eq!(
        fix["changes"],
        serde_json::json!([
            "logging.redactSensitive=off -> \"tools\"",
            "channels.whatsapp.groupPolicy=open -> allowlist",
            "channels.telegram.groupPolicy=open -> allowlist",
            "channels.whatsapp.groupAllowFrom=pairing-store"
        ])
    );
    // Targets 1-2 report `already`: the config write tightened them first, as in the reference.
    assert_eq!(fix["actions"][0]["skipped"], "already");
    assert_eq!(fix["actions"][1]["skipped"], "already");
    assert_eq!(fix["actions"][2]["ok"], true, "{}", fix["actions"][2]);
    let report_keys: Vec<&String> = v["report"].as_object().unwrap().keys().collect();
    assert_eq!(report_keys, ["ts", "summary", "findings"]);
    // Post-fix modes: no fs finding remains in the report.
    assert!(!out.contains("fs.state_dir.perms_readable"));
    // A second run: nothing left to do.
    let (code, out, _) = clawprint(home, &["audit", "--fix", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fix"]["changes"], serde_json::json!([]));
    assert!(v["fix"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["ok"] == false));
}

#[test]
fn a_path_swapped_for_a_symlink_during_the_apply_is_not_followed() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let outside = home.join("outside.json");
    fs::write(&outside, "{}").unwrap();
    fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
    let before = tree(home);
    // After every precondition was checked, swap a chmod target for a symlink to a file outside.
    let store = home.join(".openclaw/agents/main/sessions/sessions.json");
    let mut swap = |_: &clawprint::fix::apply::Review| {
        fs::remove_file(&store).unwrap();
        symlink("../../../../outside.json", &store).unwrap();
        true
    };
    let mut o = opts(home);
    o.confirm = Some(&mut swap);
    match fix::apply(&cs, o) {
        Err(ApplyError::Failed {
            message,
            rolled_back: true,
            ..
        }) => assert!(message.contains("symbolic link"), "{message}"),
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("followed a swapped symlink"),
    }
    assert_eq!(fs::metadata(&outside).unwrap().mode() & 0o777, 0o644);
    // Everything else is as before (the swap itself aside).
    let mut now = tree(home);
    now.remove(".openclaw/agents/main/sessions/sessions.json");
    let mut was = before.clone();
    was.remove(".openclaw/agents/main/sessions/sessions.json");
    assert_eq!(now, was);
}

#[test]
fn a_config_edited_during_the_apply_is_not_overwritten() {
    let h = sample();
    let home = h.path();
    let cs = plan(home);
    let cfg = home.join(".openclaw/openclaw.json");
    let mut edit = |_: &clawprint::fix::apply::Review| {
        fs::write(
            &cfg,
            ROOT.replace("debugging", "debugging, edited meanwhile"),
        )
        .unwrap();
        true
    };
    let mut o = opts(home);
    o.confirm = Some(&mut edit);
    assert!(matches!(
        fix::apply(&cs, o),
        Err(ApplyError::Failed {
            rolled_back: true,
            ..
        })
    ));
    assert_eq!(
        read(home, ".openclaw/openclaw.json"),
        ROOT.replace("debugging", "debugging, edited meanwhile")
    );
    assert_eq!(read(home, ".openclaw/channels.json5"), CHANNELS);
}

/// The support workflow: the customer sends a default (pseudonymized) snapshot, support plans from it, the
/// operator applies the reviewed change set on the real host. The change set names no real path or identity,
/// yet apply lands every change on the real files, seeds the real allowlist entries (never pseudonyms), ends
/// exactly where a plan from a plain capture ends, and rolls back byte for byte.
#[test]
fn a_plan_from_a_pseudonymized_snapshot_applies_to_the_real_host() {
    use clawprint::snapshot::{archive::Limits, Snapshot};
    let h = sample();
    let home = h.path();
    let sent = capture::capture(&spec(home), &capture::CaptureOptions::default()).unwrap();
    let (_, bytes) = sent.encode().unwrap();
    let received = Snapshot::from_bytes(&bytes, &Limits::default()).unwrap();
    let cs = fix::plan(&received);
    let rec = cs
        .recorded
        .clone()
        .expect("the plan says how the host was recorded");
    assert!(rec.pseudonymized());
    let text = String::from_utf8(cs.to_bytes()).unwrap();
    let real_home = home.to_str().unwrap();
    assert!(!text.contains(real_home), "{text}");
    assert!(!text.contains("+15550001111"), "{text}");
    assert!(cs.ops.iter().any(|o| matches!(o, Op::Seed(_))));
    assert!(cs.ops.iter().all(|o| !o.path().starts_with(real_home)));

    // The same host planned from a plain capture, for comparison.
    let twin = sample();
    fix::apply(&plan(twin.path()), opts(twin.path())).unwrap();

    let before = tree(home);
    let out = fix::apply(&cs, opts(home)).unwrap();
    assert!(out.verification.held(), "{:?}", out.verification);
    assert!(out.results.iter().all(|r| *r == OpStatus::Applied));
    assert_eq!(tree(home), tree(twin.path()));
    assert!(read(home, ".openclaw/channels.json5").contains("+15550001111"));

    // Applying it again is a no-op; rollback restores the host.
    let again = fix::apply(&cs, opts(home)).unwrap();
    assert!(again.results.iter().all(|r| *r == OpStatus::Already));
    fix::rollback(&out.journal.unwrap(), false).unwrap();
    assert_eq!(tree(home), before);
}

/// A pseudonymized plan is still refused on another host, and a stale one is still stale.
#[test]
fn a_pseudonymized_plan_is_checked_like_a_plain_one() {
    let h = sample();
    let home = h.path();
    let snap = capture::capture(&spec(home), &capture::CaptureOptions::default()).unwrap();
    let cs = fix::plan(&snap);
    // Another host: a different state dir layout under another home.
    let other = host(&[
        (".openclaw", 0o755, None),
        (".openclaw/openclaw.json", 0o644, Some("{}")),
    ]);
    match fix::apply(&cs, opts(other.path())) {
        Err(ApplyError::OtherHost(_)) | Err(ApplyError::Stale(_)) => {}
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("a plan for another host was applied"),
    }
    // The same host, edited since the plan.
    fs::set_permissions(
        home.join(".openclaw/credentials"),
        fs::Permissions::from_mode(0o770),
    )
    .unwrap();
    assert_stale(home, &cs, "expected mode 750, found 770");
}

/// Home reached through a symlink (`/home -> /var/home` layouts) and the state dir named by its realpath: the
/// pseudonymized snapshot records it under the realpath's own alias, and apply maps that alias back too.
#[test]
fn a_pseudonymized_plan_maps_every_home_alias_back() {
    use clawprint::snapshot::{archive::Limits, Snapshot};
    let h = sample();
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("data").join("qzrealowner");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::rename(h.path(), &real).unwrap();
    let link = root.path().join("home").join("qzrealowner");
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    symlink(&real, &link).unwrap();
    let mut spec = HostSpec::for_home(&link);
    spec.env.insert(
        "OPENCLAW_STATE_DIR".into(),
        real.join(".openclaw").to_string_lossy().into_owned(),
    );
    let sent = capture::capture(&spec, &capture::CaptureOptions::default()).unwrap();
    let (_, bytes) = sent.encode().unwrap();
    let cs = fix::plan(&Snapshot::from_bytes(&bytes, &Limits::default()).unwrap());
    let text = String::from_utf8(cs.to_bytes()).unwrap();
    assert!(!text.contains("qzrealowner"), "{text}");
    assert!(
        cs.host.state_dir.contains("/data/"),
        "{}",
        cs.host.state_dir
    );
    let before = tree(&real);
    let out = fix::apply(&cs, ApplyOptions::new(spec.clone())).unwrap();
    assert!(out.verification.held(), "{:?}", out.verification);
    assert!(out.results.iter().all(|r| *r == OpStatus::Applied));
    assert_eq!(
        fs::metadata(real.join(".openclaw/openclaw.json"))
            .unwrap()
            .mode()
            & 0o777,
        0o600
    );
    fix::rollback(&out.journal.unwrap(), false).unwrap();
    assert_eq!(tree(&real), before);
    // Keep the TempDir from deleting a path that moved.
    fs::rename(&real, h.path()).unwrap();
}
