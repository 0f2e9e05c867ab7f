//! Secrets a privacy review found in default-mode snapshots (items 1–5 of its report), each reproduced on a host
//! laid out in a temp dir (HOME `…/home/alicezz`, an otherwise empty environment). For each: the planted secret
//! bytes appear nowhere in the snapshot file nor in its decompressed tar, and the audit of the snapshot decoded
//! from those bytes equals the audit of an unredacted in-memory capture (checkIds, severities, fingerprints).

mod common;

use common::{contains, outcome};

use std::fs;
use std::path::{Path, PathBuf};

use clawprint::audit::{audit, Report};
use clawprint::capture::{self, default_home_alias, CaptureOptions, HostSpec};
use clawprint::snapshot::{archive::Limits, Snapshot};

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

// Round 2 of the review: items 1, 3–7, 12 and 13 of its report.

/// The blobs of a default-mode capture, as text.
fn blobs(h: &TestHost) -> Vec<String> {
    let snap = capture::capture(&h.spec, &CaptureOptions::default()).unwrap();
    snap.blobs
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect()
}

fn blob_with(h: &TestHost, needle: &str) -> String {
    blobs(h)
        .into_iter()
        .find(|t| t.contains(needle))
        .unwrap_or_else(|| panic!("no blob with {needle}"))
}

/// Round 2, item 1: literal text around a `${VAR}` in a secret position is part of the secret (the reference
/// stays for the loader); whether the variable is set or not, the checks measure and compare the same value.
#[test]
fn literal_text_around_references_is_secret() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "lan", auth: { mode: "token", token: "GWPFXLITERAL_${HOOK_SFX}" } },
  hooks: { enabled: true, token: "GWPFXLITERAL_${HOOK_SFX}" },
  channels: { telegram: { botToken: "PFX_LITERALSECRET_${TG_SUFFIX}" } },
  models: { providers: { custom: { baseUrl: "https://llm.example/v1", models: [], headers: { "X-Key": "HDRLIT${UNSET_SFX}" } } } },
}"#,
    );
    h.write(
        ".openclaw/exec-approvals.json",
        r#"{"version": 1, "agents": {"main": {"allowlist": [
  {"pattern": "node", "lastUsedCommand": "node deploy.js --token FREELITERAL${DEPLOY_SFX}"}
]}}}"#,
    );
    h.env("TG_SUFFIX", "Qz1suffixvalue");
    h.env("HOOK_SFX", "q");
    let (a, _) = h.check(&[
        "LITERALSECRET",
        "GWPFXLITERAL",
        "HDRLIT",
        "FREELITERAL",
        "Qz1suffixvalue",
    ]);
    // Equal spliced values are still equal, and still short.
    let ids = ids(&a);
    assert!(ids.contains(&"hooks.token_reuse_gateway_token"), "{ids:?}");
    assert!(ids.contains(&"hooks.token_too_short"), "{ids:?}");
    // The references survive, for the loader.
    let cfg = blob_with(&h, "botToken");
    assert!(cfg.contains(">>${TG_SUFFIX}\""), "{cfg}");
    assert!(cfg.contains(">>${UNSET_SFX}\""), "{cfg}");
    let approvals = blob_with(&h, "lastUsedCommand");
    assert!(approvals.contains(">>${DEPLOY_SFX}"), "{approvals}");
}

/// Round 2, item 3: numbers in secret positions become other numbers of the same length (equal ones equal), so
/// the validator and the checks see the same types and lengths; numeric settings under token-ish keys stay.
#[test]
fn numbers_in_secret_positions_are_pseudonymized() {
    let h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "lan", auth: { mode: "password", password: 84726193551 } },
  hooks: { enabled: true, token: 31415926535897932384 },
  channels: { telegram: { botToken: 27182818284590452353 } },
  agents: { defaults: { compaction: { reserveTokensFloor: 20011 } } },
}"#,
    );
    let (a, _) = h.check(&[
        "84726193551",
        "31415926535897932384",
        "27182818284590452353",
    ]);
    assert!(!a.findings.is_empty());
    let cfg = blob_with(&h, "reserveTokensFloor");
    let v = clawprint::config::json5::parse(&cfg).unwrap().to_json();
    let pw = &v["gateway"]["auth"]["password"];
    assert!(pw.is_number() && pw.to_string().len() == 11, "{cfg}");
    assert!(v["hooks"]["token"].is_number(), "{cfg}");
    assert!(cfg.contains("reserveTokensFloor: 20011"), "{cfg}");
}

/// Round 2, item 4: URL query tokens keep their name and get a marker; `user:password@` loses both; a
/// reference in a query token is a secret variable (not recorded plain in the environment table).
#[test]
fn url_query_tokens_and_userinfo_are_redacted() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } },
  browser: { cdpUrl: "wss://chrome.browserless.io?token=QRYTOKEN0123456789abcdef&stealth=true" },
  models: { providers: {
    custom: { baseUrl: "https://BASEUSER:BASEPASS123@api.example.com/v1?api_key=BASEQRYKEY987654", api: "openai-completions", models: [] },
    other: { baseUrl: "https://api.other.example/v1?key=${QRY_KEY}", api: "openai-completions", models: [] },
  } },
}"#,
    );
    h.env("QRY_KEY", "qk5short");
    h.check(&[
        "QRYTOKEN0123456789abcdef",
        "BASEUSER",
        "BASEPASS123",
        "BASEQRYKEY987654",
        "qk5short",
    ]);
    let cfg = blob_with(&h, "cdpUrl");
    assert!(
        cfg.contains("wss://chrome.browserless.io?token=<<clawprint:secret c=")
            && cfg.contains(">>&stealth=true"),
        "{cfg}"
    );
    assert!(
        cfg.contains("@api.example.com/v1?api_key=<<clawprint:secret"),
        "{cfg}"
    );
}

/// Round 2, item 5: Google Chat's service account as an inline JSON string is a secret.
#[test]
fn inline_service_account_json_is_redacted() {
    let h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  channels: { googlechat: { serviceAccount: "{\"type\":\"service_account\",\"client_email\":\"bot@proj-alice.iam.gserviceaccount.com\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nGCPRIVKEYDATA\\n-----END PRIVATE KEY-----\\n\"}" } },
}"#,
    );
    h.check(&["GCPRIVKEYDATA", "proj-alice", "client_email"]);
}

/// Round 2, item 6: command arguments in the config (an exec SecretRef provider's, a plugin's, an MCP-style
/// `command` + `args`) are redacted as command lines, a flag's value being the next element.
#[test]
fn command_arguments_in_the_config_are_redacted() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "loopback", auth: { token: { source: "exec", provider: "op", id: "gw" } } },
  secrets: { providers: {
    op: { source: "exec", command: "/usr/bin/op", args: ["read", "--token", "EXECARGTOKEN123456", "--key=${ARG_KEY}"] },
  } },
  plugins: { entries: { mcpish: { config: {
    args: ["--api-key", "ARGSECRET0001", "GITHUB_TOKEN=ghp_ARGGHP0123456789abcdef", "--verbose"],
    servers: { ssh: { command: "sshpass", args: ["-p", "SSHARGPASS42", "ssh", "host"] } },
  } } } },
}"#,
    );
    h.env("ARG_KEY", "ak7short");
    h.check(&[
        "EXECARGTOKEN123456",
        "ARGSECRET0001",
        "ARGGHP0123456789abcdef",
        "SSHARGPASS42",
        "ak7short",
    ]);
    let cfg = blob_with(&h, "mcpish");
    for kept in [
        r#""--api-key", "<<clawprint:secret"#,
        r#""GITHUB_TOKEN=<<clawprint:secret"#,
        r#""--verbose""#,
        r#"["-p", "<<clawprint:secret"#,
        r#""--key=${ARG_KEY}""#,
    ] {
        assert!(cfg.contains(kept), "{kept} in {cfg}");
    }
}

/// Round 2, item 7: free-text gaps: query tokens, presigned URLs, `sshpass -p`, `mysql -pPW`, and a quoted value
/// after `KEY=` (the marker replaces the value only, its length is the value's).
#[test]
fn free_text_query_tokens_and_password_flags_are_redacted() {
    let h = TestHost::new();
    h.write(".openclaw/openclaw.json", "{}");
    h.write(
        ".openclaw/exec-approvals.json",
        r#"{"version": 1, "agents": {"main": {"allowlist": [
  {"pattern": "/usr/bin/curl", "lastUsedCommand": "curl https://api.example.com/v1/x?access_token=QUERYTOK12345678&u=1"},
  {"pattern": "/usr/bin/curl", "lastUsedCommand": "curl 'https://b.s3.example/o?X-Amz-Signature=AMZSIG0123abcd&token=AMZTOK0123abcd'"},
  {"pattern": "/usr/bin/sshpass", "lastUsedCommand": "sshpass -p SSHPASSPW99 ssh host"},
  {"pattern": "/usr/bin/mysql", "lastUsedCommand": "mysql -uroot -pMYSQLPW777 db"},
  {"pattern": "/usr/bin/env", "lastUsedCommand": "OPENAI_API_KEY=\"sk-quotedsecret012345\" node x.js"}
]}}}"#,
    );
    h.check(&[
        "QUERYTOK12345678",
        "AMZSIG0123abcd",
        "AMZTOK0123abcd",
        "SSHPASSPW99",
        "MYSQLPW777",
        "quotedsecret012345",
    ]);
    let blob = blob_with(&h, "lastUsedCommand");
    for kept in [
        "x?access_token=<<clawprint:secret",
        ">>&u=1",
        "sshpass -p <<clawprint:secret",
        "mysql -uroot -p<<clawprint:secret",
        r#"OPENAI_API_KEY=\"<<clawprint:secret c=6 len=21 trim=21>>\" node x.js"#,
    ] {
        assert!(blob.contains(kept), "{kept} in {blob}");
    }
}

/// Round 2, item 12: an include mounted at two places is judged at both: its values under an `env` mount are
/// secrets, and so are the variables it references there.
#[test]
fn include_mounted_twice_is_judged_at_every_mount() {
    let mut h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } },
  skills: { entries: { a: { config: { $include: "./shared.json5" } }, b: { env: { $include: "./shared.json5" } } } },
}"#,
    );
    h.write(
        ".openclaw/shared.json5",
        r#"{ MYSERVICE_KEYVAL: "SHAREDSECRETVALUE1", ALICE_CHAT: "${ALICEREF}" }"#,
    );
    h.env("ALICEREF", "aliceref7");
    h.check(&["SHAREDSECRETVALUE1", "aliceref7"]);
}

/// Round 2, item 13: an `$include` under `env` or `headers` stays a path, so the snapshot still loads it.
#[test]
fn include_paths_are_never_redacted() {
    let h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  env: { $include: "./env.json5" },
  gateway: { mode: "local", bind: "${GW_BIND}", auth: { token: "0123456789abcdef0123456789abcdef" } },
  models: { providers: { custom: { baseUrl: "https://llm.example/v1", models: [], headers: { $include: ["./hdr.json5"] } } } },
}"#,
    );
    h.write(".openclaw/env.json5", r#"{ vars: { GW_BIND: "lan" } }"#);
    h.write(
        ".openclaw/hdr.json5",
        r#"{ "X-Api-Key": "HDRINCSECRET01" }"#,
    );
    let (a, _) = h.check(&["HDRINCSECRET01"]);
    // `bind: lan` read through the include: the gateway is exposed.
    assert!(
        a.findings
            .iter()
            .any(|f| f.check_id.starts_with("gateway.")),
        "{:?}",
        ids(&a)
    );
    let cfg = blob_with(&h, "GW_BIND");
    assert!(
        cfg.contains(r#"env: { $include: "./env.json5" }"#)
            && cfg.contains(r#"headers: { $include: ["./hdr.json5"] }"#),
        "{cfg}"
    );
}

/// Round 3: webhook URLs carry their token in the path (Discord, Slack, a bot's webhook path); the scheme, the
/// host and the route segments stay.
#[test]
fn tokens_in_url_paths_are_redacted() {
    let h = TestHost::new();
    h.write(
        ".openclaw/openclaw.json",
        r#"{
  gateway: { bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } },
  cron: { webhook: "https://discord.com/api/webhooks/123456789012345678/DWHsecretTokenPart_abcXYZ-0987" },
  hooks: { slackUrl: "https://hooks.slack.com/services/T0QZ1SLACK/B0QZ2SLACK/slackhooksecretvalue" },
  channels: { telegram: { botToken: "123456:qzfaketokenqzfaketokenqz", webhookUrl: "https://bot.example.org/tg/SECRETPATHTOKEN123456" } },
}"#,
    );
    h.check(&[
        "DWHsecretTokenPart_abcXYZ-0987",
        "slackhooksecretvalue",
        "B0QZ2SLACK",
        "SECRETPATHTOKEN123456",
    ]);
    let cfg = blob_with(&h, "discord.com");
    assert!(
        cfg.contains("https://discord.com/api/webhooks/123456789012345678/<<clawprint:secret c="),
        "{cfg}"
    );
    assert!(
        cfg.contains("https://bot.example.org/tg/<<clawprint:secret"),
        "{cfg}"
    );
}
