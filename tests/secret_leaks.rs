//! Secrets a privacy review found in default-mode snapshots (items 1–5 of its report), each reproduced on a host
//! laid out in a temp dir (HOME `…/home/alicezz`, an otherwise empty environment). For each: the planted secret
//! bytes appear nowhere in the snapshot file nor in its decompressed tar, and the audit of the snapshot decoded
//! from those bytes equals the audit of an unredacted in-memory capture (checkIds, severities, fingerprints).

use std::fs;
use std::path::{Path, PathBuf};

use clawprint::audit::{audit, Report};
use clawprint::capture::{self, default_home_alias, CaptureOptions, HostSpec};
use clawprint::snapshot::{archive::Limits, Snapshot};

/// `(checkId, severity, fingerprint)` of every finding, in report order, then of every suppressed one.
fn outcome(r: &Report) -> Vec<(String, String, String)> {
    let (f, s) = r.fingerprints();
    r.findings
        .iter()
        .chain(r.suppressed.iter().map(|s| &s.finding))
        .zip(f.into_iter().chain(s))
        .map(|(x, fp)| (x.check_id.clone(), x.severity.as_str().to_string(), fp))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A reviewer's host: `<tmp>/home/alicezz` with `~/.openclaw`.
struct TestHost {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    spec: HostSpec,
}

impl TestHost {
    fn new() -> TestHost {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home").join("alicezz");
        fs::create_dir_all(home.join(".openclaw")).unwrap();
        let spec = HostSpec::for_home(&home);
        TestHost {
            _tmp: tmp,
            home,
            spec,
        }
    }

    fn state(&self) -> PathBuf {
        self.home.join(".openclaw")
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.home.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn env(&mut self, k: &str, v: &str) {
        self.spec.env.insert(k.into(), v.into());
    }

    /// Capture in default mode; assert none of `planted` is in the file or its tar; return the audits of the
    /// decoded snapshot and of an unredacted capture.
    fn check(&self, planted: &[&str]) -> (Report, Report) {
        let snap = capture::capture(&self.spec, &CaptureOptions::default()).unwrap();
        let file = snap.to_bytes().unwrap();
        let tar = zstd::decode_all(&file[..]).unwrap();
        for s in planted {
            assert!(!contains(&file, s.as_bytes()), "{s} in the snapshot file");
            assert!(
                !contains(&tar, s.as_bytes()),
                "{s} in the decompressed snapshot"
            );
        }
        let decoded = Snapshot::from_bytes(&file, &Limits::default()).unwrap();
        let raw = capture::capture(
            &self.spec,
            &CaptureOptions {
                redact: false,
                home_alias: default_home_alias(&self.home),
                ..CaptureOptions::default()
            },
        )
        .unwrap();
        let (a, b) = (audit(&decoded), audit(&raw));
        assert_eq!(outcome(&a), outcome(&b));
        (a, b)
    }
}

fn ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.check_id.as_str()).collect()
}

/// Item 1: a resolved value (env, `.env`, a SecretRef's result) is a secret even when it contains `${…}`.
#[test]
fn resolved_values_with_templates_inside_are_redacted() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "lan", auth: { mode: "token", token: { source: "env", provider: "default", id: "GW_TOKEN" } } },
  hooks: { enabled: true, token: "${HOOKS_TOKEN}" },
  channels: { telegram: { botToken: "${TG_TOKEN}" } },
}"#,
    );
    h.write(
        ".openclaw/.env",
        "GW_TOKEN=Zq9${SALT}x7Lm2pW4rT8vY1nB6\nHOOKS_TOKEN=${Qz8WholeTemplateLookingHook}\n",
    );
    h.env("OPENCLAW_GATEWAY_TOKEN", "tok${HOME}en-zz");
    h.env("TG_TOKEN", "123456:Qz7${X}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    let (a, _) = h.check(&[
        "Zq9",
        "x7Lm2pW4rT8vY1nB6",
        "tok${HOME}",
        "en-zz",
        "Qz8WholeTemplateLookingHook",
        "Qz7",
    ]);
    assert!(
        ids(&a).contains(&"gateway.env_token_overrides_config"),
        "{:?}",
        ids(&a)
    );
}

/// Item 2: `${VAR}` in an include mounted under `headers` or `env` is in a secret position there.
#[test]
fn references_in_mounted_includes_are_secret_positions() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "lan", auth: { token: "${GW}" } },
  models: { providers: { custom: { baseUrl: "https://llm.example/v1", headers: { $include: "./hdr.json5" }, models: [] } } },
  env: { $include: "./envvars.json5" },
}"#,
    );
    h.write(
        ".openclaw/hdr.json5",
        r#"{ "X-Api-Auth": "${CUSTOM_HDR}" }"#,
    );
    h.write(
        ".openclaw/envvars.json5",
        r#"{ DEPLOY_KEY: "${DEPLOY_KEY_SRC}" }"#,
    );
    h.env("CUSTOM_HDR", "k3y0123456789abz");
    h.env("DEPLOY_KEY_SRC", "dk_live_aa11bb22");
    h.env("GW", "short-gw-t0k");
    let (a, _) = h.check(&["k3y0123456789abz", "dk_live_aa11bb22", "short-gw-t0k"]);
    assert!(!a.findings.is_empty());
}

/// A state DB at `~/.openclaw/state/openclaw.sqlite` from the committed schema.
fn state_db(path: &Path, fill: impl FnOnce(&rusqlite::Connection)) {
    let schema = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/state-db/schema.sql"),
    )
    .unwrap();
    let version: i32 = schema
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut stmts: Vec<String> = Vec::new();
    for line in schema.lines().filter(|l| !l.starts_with("--")) {
        match stmts.last_mut() {
            Some(cur) if !line.starts_with("CREATE ") => {
                cur.push('\n');
                cur.push_str(line);
            }
            _ => stmts.push(line.to_string()),
        }
    }
    stmts.retain(|s| !s.starts_with("CREATE TABLE sqlite_sequence"));
    stmts.sort_by_key(|s| !s.starts_with("CREATE TABLE "));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&stmts.join("\n")).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
    fill(&conn);
}

fn insert_machine_state(conn: &rusqlite::Connection, key: &str, value: &str) {
    conn.execute(
        "INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?1, ?2, 1)",
        [key, value],
    )
    .unwrap();
}

/// Item 3: install records in the state DB: a tarball URL with a password, a local path under the home dir.
#[test]
fn state_db_install_specs_are_redacted() {
    let h = TestHost::new();
    h.write(".openclaw/openclaw.json", "{}");
    let home = h.home.to_string_lossy().into_owned();
    let index = serde_json::json!({"revision": 1, "index": {"version": 1, "installRecords": {
        "tarplug": {"source": "npm", "spec": "https://alicezz:tarPassw0rdZZ@npm.corp.example/x.tgz"},
        "locplug": {"source": "npm", "spec": format!("{home}/dev/locplug"), "integrity": "sha512-x"},
        "pinned": {"source": "npm", "spec": "@acme/pinned@1.2.3", "integrity": "sha512-y"},
    }, "plugins": [], "diagnostics": []}});
    let hooks = serde_json::json!({"myhook": {"source": "npm",
        "spec": "https://deploy:hookPassw0rdZZ@npm.corp.example/h.tgz"}});
    state_db(&h.state().join("state/openclaw.sqlite"), |c| {
        insert_machine_state(c, "plugins.installedIndex", &index.to_string());
        insert_machine_state(c, "hooks.internal.installs", &hooks.to_string());
    });
    // The URL's user name is an identity (here the home dir's name): a pseudonym too.
    let (a, _) = h.check(&["tarPassw0rdZZ", "hookPassw0rdZZ", &home, "alicezz"]);
    let unpinned = a
        .findings
        .iter()
        .find(|f| f.check_id == "plugins.installs_unpinned_npm_specs")
        .expect("unpinned specs found");
    // The specs are still shown, redacted and under the home alias.
    assert!(
        unpinned
            .detail
            .contains("tarplug (https://user1:<<clawprint:secret c=")
            && unpinned.detail.contains("locplug (/")
            && unpinned.detail.contains("/home/user/dev/locplug)"),
        "{}",
        unpinned.detail
    );
    assert!(ids(&a).contains(&"plugins.installs_missing_integrity"));
}

/// Item 4: exec-approval patterns in the state DB (`exec_approvals_config.raw_json`).
#[test]
fn state_db_exec_approval_patterns_are_redacted() {
    let h = TestHost::new();
    h.write(".openclaw/openclaw.json", "{}");
    let raw = serde_json::json!({"version": 1, "agents": {"main": {"allowlist": [
        "ghp_0123456789abcdef0123456789abcdef0123",
        {"pattern": "curl -H Authorization:ghp_abcdefabcdefabcdefabcdefabcdefabcdef01 https://api.example/v1"},
        {"pattern": "python3 -c 'x' --api-key=Qz5pyKey0000"},
        "/usr/bin/python3",
    ]}}});
    state_db(&h.state().join("state/openclaw.sqlite"), |c| {
        c.execute(
            "INSERT INTO exec_approvals_config (config_key, raw_json, socket_path, has_socket_token, \
             default_security, auto_allow_skills, agent_count, allowlist_count, updated_at_ms) \
             VALUES ('current', ?1, '/s', 0, 'allowlist', 0, 1, 4, 1)",
            [raw.to_string()],
        )
        .unwrap();
    });
    let (a, _) = h.check(&[
        "0123456789abcdef0123456789abcdef0123",
        "abcdefabcdefabcdefabcdefabcdefabcdef01",
        "Qz5pyKey0000",
    ]);
    let f = a
        .findings
        .iter()
        .find(|f| f.check_id == "tools.exec.allowlist_interpreter_without_strict_inline_eval")
        .expect("the interpreter pattern is still seen");
    assert!(
        f.detail.contains("agents.main.allowlist: /usr/bin/python3"),
        "{}",
        f.detail
    );
    // The other patterns keep their commands, with the secrets replaced in place.
    let snap = capture::capture(&h.spec, &CaptureOptions::default()).unwrap();
    let db = &snap.manifest.databases[0].facts;
    let list = &db
        .state
        .as_ref()
        .unwrap()
        .exec_approvals
        .as_ref()
        .unwrap()
        .agents["main"]
        .allowlist;
    assert!(list[0].starts_with("<<clawprint:secret c="), "{list:?}");
    assert!(
        list[1].starts_with("curl -H Authorization:<<clawprint:secret c=")
            && list[1].ends_with(">> https://api.example/v1"),
        "{list:?}"
    );
    assert!(
        list[2].starts_with("python3 -c 'x' --api-key=<<clawprint:secret"),
        "{list:?}"
    );
}

/// Item 5: free-text command lines in `~/.openclaw/exec-approvals.json` (a `Bearer` header, phone numbers).
#[test]
fn exec_approvals_file_command_lines_are_redacted() {
    let h = TestHost::new();
    h.write(".openclaw/openclaw.json", "{}");
    h.write(
        ".openclaw/exec-approvals.json",
        r#"{"version": 1, "agents": {"main": {"allowlist": [
  {"pattern": "/usr/bin/curl", "lastUsedCommand": "curl -H 'Authorization: Bearer sk-proj-AAAAQz4bearerQz4bearer' https://api.openai.com/v1/models"},
  {"pattern": "/usr/local/bin/signal-cli", "lastUsedCommand": "signal-cli -u +15553332222 send -m hi +15556667777"},
  {"pattern": "node", "lastUsedCommand": "node deploy.js --token Qz6nodeDeploy"}
]}}}"#,
    );
    let (a, _) = h.check(&["Qz4bearer", "5553332222", "5556667777", "Qz6nodeDeploy"]);
    assert!(ids(&a).contains(&"tools.exec.allowlist_interpreter_without_strict_inline_eval"));
    let snap = capture::capture(&h.spec, &CaptureOptions::default()).unwrap();
    let blob = snap
        .blobs
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .find(|t| t.contains("lastUsedCommand"))
        .unwrap();
    // The commands and their shapes stay readable.
    assert!(
        blob.contains("curl -H 'Authorization: Bearer <<clawprint:secret c=")
            && blob.contains("signal-cli -u +10000000000 send -m hi +10000000001"),
        "{blob}"
    );
}
