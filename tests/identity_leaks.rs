//! Regressions of a privacy review (home dir and identity leaks): each test lays out the reviewer's host in a
//! temp dir, captures it by default (pseudonymized), and checks that (1) none of the planted home names or
//! identities appears in the decompressed snapshot, and (2) the audit of the snapshot read back from its bytes
//! equals the audit of an in-memory capture that keeps everything, recorded under the same home alias (checkIds,
//! severities, fingerprints).
//!
//! Planted names start with `qz` (the home dir is `qzalicezz`), so they never occur by chance in a snapshot.

mod common;

use common::outcome;

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use clawprint::audit::audit;
use clawprint::capture::{self, CaptureOptions, HostSpec};
use clawprint::fix::{self, ApplyOptions, Op};
use clawprint::snapshot::{archive::Limits, Snapshot};

/// `$T/home/qzalicezz` with an empty `.openclaw`; returns the temp dir and the home dir.
fn home_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home/qzalicezz");
    fs::create_dir_all(home.join(".openclaw")).unwrap();
    (tmp, home)
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Capture `spec` by default (with `opts`), check that no `planted` string is in the decompressed snapshot and
/// that its audit equals a capture keeping everything under the same home alias. Returns the decoded snapshot.
///
/// File names that name someone are recorded renamed (`session-15551234567.0.json`); a finding about such a path
/// has the renamed path as its subject. The raw capture keeps every name, so its subjects are renamed with the
/// pairs the capture reports before the comparison: the same mapping, or the fingerprints could not agree.
fn capture_and_check(spec: &HostSpec, opts: &CaptureOptions, planted: &[&str]) -> Snapshot {
    let (snap, names) = capture::capture_with_names(spec, opts).unwrap();
    let file = snap.to_bytes().unwrap();
    let tar = String::from_utf8_lossy(&zstd::decode_all(&file[..]).unwrap()).into_owned();
    for s in planted {
        if let Some(i) = tar.find(s) {
            let around = &tar[i.saturating_sub(200)..(i + s.len() + 100).min(tar.len())];
            panic!("{s} in the snapshot: …{around}…");
        }
    }
    let decoded = Snapshot::from_bytes(&file, &Limits::default()).unwrap();
    let ids = decoded.manifest.redaction.identities.clone().unwrap();
    assert_eq!(ids.mode, "pseudonymized");
    let raw = capture::capture(
        spec,
        &CaptureOptions {
            redact: false,
            home_alias: ids.home_alias.clone(),
            ..opts.clone()
        },
    )
    .unwrap();
    assert_eq!(
        raw.manifest.redaction.identities.as_ref().unwrap().mode,
        "kept"
    );
    let mut raw_report = audit(&raw);
    let renamed = |p: &str| {
        p.split('/')
            .map(|c| names.iter().find(|(r, _)| r == c).map_or(c, |(_, n)| n))
            .collect::<Vec<_>>()
            .join("/")
    };
    for f in raw_report
        .findings
        .iter_mut()
        .chain(raw_report.suppressed.iter_mut().map(|s| &mut s.finding))
    {
        f.subject = renamed(&f.subject);
    }
    assert_eq!(outcome(&audit(&decoded)), outcome(&raw_report));
    decoded
}

fn blob_of(snap: &Snapshot, path: &str) -> String {
    let e = snap
        .file(path)
        .unwrap_or_else(|| panic!("{path} not recorded"));
    snap.blob_text(e.blob.as_deref().expect("content captured"))
        .unwrap()
        .to_string()
}

fn config_blob(snap: &Snapshot) -> String {
    snap.blob_text(snap.manifest.config.blob.as_deref().unwrap())
        .unwrap()
        .to_string()
}

/// Item 6: a hook's `package.json` that resolves outside its install dir; the refusal names the realpath.
#[test]
fn hook_refusal_message_names_no_home() {
    let (_tmp, home) = home_dir();
    write(
        &home.join("dev/myhook/package.json"),
        r#"{"name": "myhook", "version": "2.0.0"}"#,
    );
    fs::create_dir_all(home.join(".openclaw/hooks/myhook")).unwrap();
    symlink(
        home.join("dev/myhook/package.json"),
        home.join(".openclaw/hooks/myhook/package.json"),
    )
    .unwrap();
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{hooks: {internal: {installs: {myhook: {source: "npm", spec: "myhook@1.0.0", version: "1.0.0"}}}}}"#,
    );
    let spec = HostSpec::for_home(&home);
    let snap = capture_and_check(&spec, &CaptureOptions::default(), &["qzalicezz"]);
    let d = snap
        .manifest
        .diagnostics
        .iter()
        .find(|d| d.code == "hook_package.refused")
        .expect("refusal recorded");
    assert!(
        d.message.ends_with("/home/user/dev/myhook/package.json)"),
        "{}",
        d.message
    );
}

fn fake_docker(dir: &Path, stderr: &str, code: u8) -> PathBuf {
    let p = dir.join("docker");
    fs::write(
        &p,
        format!("#!/bin/sh\ncat >&2 <<'EOF'\n{stderr}\nEOF\nexit {code}\n"),
    )
    .unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// Item 7: Docker's errors repeat `DOCKER_HOST`: a socket under the home dir, or `ssh://user@host` with the ssh
/// command line it ran.
#[test]
fn docker_messages_name_no_home_user_or_host() {
    let (tmp, home) = home_dir();
    let h = home.to_string_lossy().into_owned();
    let mut spec = HostSpec::for_home(&home);
    spec.env.insert("USER".into(), "qzalicezz".into());
    let mut opts = CaptureOptions {
        docker: true,
        docker_program: Some(fake_docker(
            tmp.path(),
            &format!("Cannot connect to the Docker daemon at unix://{h}/.docker/desktop/docker.sock. Is the docker daemon running?"),
            1,
        )),
        ..CaptureOptions::default()
    };
    spec.env.insert(
        "DOCKER_HOST".into(),
        format!("unix://{h}/.docker/desktop/docker.sock"),
    );
    let snap = capture_and_check(&spec, &opts, &["qzalicezz"]);
    let d = snap.manifest.docker.as_ref().unwrap();
    assert_eq!(d.status, "unavailable");
    assert!(
        d.message.as_deref().unwrap().contains(&format!(
            "unix://{}/.docker/desktop/docker.sock.",
            snap.manifest.host.home
        )),
        "{d:?}"
    );
    assert!(snap
        .manifest
        .diagnostics
        .iter()
        .any(|x| x.code == "docker.unavailable" && x.message.contains("/user/.docker/")));

    spec.env.insert(
        "DOCKER_HOST".into(),
        "ssh://qzalicezz@bastion.qzcorp.example".into(),
    );
    opts.docker_program = Some(fake_docker(
        tmp.path(),
        "error during connect: command [ssh -o ConnectTimeout=30 -T -l qzalicezz -- bastion.qzcorp.example docker system dial-stdio] exited with status 255: stderr=qzalicezz@bastion.qzcorp.example: Permission denied (publickey).",
        1,
    ));
    let snap = capture_and_check(&spec, &opts, &["qzalicezz", "qzcorp", "bastion"]);
    let d = snap.manifest.docker.as_ref().unwrap();
    assert_eq!(d.status, "error");
    let m = d.message.as_deref().unwrap();
    assert!(
        m.contains("-l user1 -- host1.example docker")
            && m.contains("stderr=user1@host1.example: Permission denied"),
        "{m}"
    );
    assert!(snap
        .manifest
        .diagnostics
        .iter()
        .any(|x| x.code == "docker.error" && x.message.contains("user1@host1.example")));
}

/// Item 8: the home dir reached through a symlink (`/home -> /var/home`): realpaths, the working directory and
/// the loader's messages name the real dir.
#[test]
fn home_behind_a_symlink_is_aliased_by_its_realpath_too() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("data/qzalicezz");
    let home = tmp.path().join("home/qzalicezz");
    fs::create_dir_all(real.join(".openclaw")).unwrap();
    fs::create_dir_all(tmp.path().join("home")).unwrap();
    symlink("../data/qzalicezz", &home).unwrap();
    let h = home.to_string_lossy().into_owned();
    // An include that resolves outside the config dir through a link, a workspace with a linked skill, a
    // sandbox bind under the home dir, a link in the state dir.
    write(&home.join("shared/inc.json5"), "{}");
    symlink(
        home.join("shared/inc.json5"),
        home.join(".openclaw/inc.json5"),
    )
    .unwrap();
    write(&home.join("work/skills/a/SKILL.md"), "x");
    write(&home.join("elsewhere/SKILL.md"), "x");
    symlink(home.join("elsewhere"), home.join("work/skills/linked")).unwrap();
    fs::create_dir_all(home.join("project")).unwrap();
    symlink(home.join("shared"), home.join(".openclaw/shared")).unwrap();
    write(
        &home.join(".openclaw/openclaw.json"),
        &format!(
            r#"{{
  tools: {{ $include: "./inc.json5" }},
  agents: {{ defaults: {{ workspace: "{h}/work", sandbox: {{ mode: "all", docker: {{ binds: ["{h}/project:/p"] }} }} }} }},
}}"#
        ),
    );
    let mut spec = HostSpec::for_home(&home);
    // A shell started in the home dir reports the real path.
    spec.cwd = real.clone();
    let snap = capture_and_check(&spec, &CaptureOptions::default(), &["qzalicezz"]);
    let m = &snap.manifest;
    let real_alias = format!("{}/data/user", tmp.path().display());
    assert_eq!(m.host.home, format!("{}/home/user", tmp.path().display()));
    assert_eq!(m.host.cwd, real_alias);
    assert_eq!(
        m.workspaces[0].realpath.as_deref(),
        Some(format!("{real_alias}/work").as_str())
    );
    assert!(m
        .ancestor_realpaths
        .iter()
        .any(|a| a.realpath.as_deref() == Some(&format!("{real_alias}/project"))));
    let link = m
        .files
        .iter()
        .find(|f| f.path.ends_with("/.openclaw/shared"))
        .unwrap();
    assert_eq!(
        link.resolved.as_ref().unwrap().realpath.as_deref(),
        Some(format!("{real_alias}/shared").as_str())
    );
    let inc = &m.config.includes[0];
    assert!(
        inc.error
            .as_deref()
            .is_some_and(|e| e.contains(&format!("({real_alias}/shared/inc.json5)"))),
        "{inc:?}"
    );
}

/// Item 9: `OPENCLAW_HOME` elsewhere than `HOME`: both are aliased (the env table, the working directory, paths
/// in the config under `$HOME`), also when one is inside the other.
#[test]
fn home_and_openclaw_home_are_both_aliased() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home/qzalicezz");
    for oc in [
        tmp.path().join("srv/openclaw"),
        home.join("qzocdata"),
        tmp.path().join("home/qzalicezz-oc"),
    ] {
        fs::create_dir_all(home.join("logs")).unwrap();
        let h = home.to_string_lossy().into_owned();
        write(
            &oc.join(".openclaw/openclaw.json"),
            &format!(
                r#"{{ logging: {{ file: "{h}/logs/gw.log" }}, gateway: {{ bind: "loopback" }} }}"#
            ),
        );
        let mut spec = HostSpec::for_home(&home);
        spec.env
            .insert("OPENCLAW_HOME".into(), oc.to_string_lossy().into_owned());
        let snap = capture_and_check(
            &spec,
            &CaptureOptions::default(),
            &["qzalicezz", "qzocdata"],
        );
        let host = &snap.manifest.host;
        assert_eq!(host.env["HOME"], host.cwd);
        assert!(host.cwd.ends_with("/user"), "{host:?}");
        assert_ne!(host.home, host.cwd, "two dirs, two aliases");
        assert!(config_blob(&snap).contains(&format!("{}/logs/gw.log", host.cwd)));
    }
}

/// Item 11: identities in config positions, and the people of hook and plugin `package.json` files. Account
/// names (`channels.*.accounts.<name>`) are kept: findings are about them.
#[test]
fn identity_positions_of_the_review_are_pseudonymized() {
    let (_tmp, home) = home_dir();
    let planted = [
        "qzalicezz",
        "qzbastion",
        "qzcorp",
        "120363111222333444",
        "987650001112223334",
        "T0QZTEAM42",
        "qzgmail",
        "qzmapto",
        "qzapprover",
        "qzcronto",
        "qzmember",
        "qzprofile",
        "Qz Display",
        "qzmatrix",
        "qznickserv",
        "qzimsg",
        "qzchatbot",
        "qzship",
        "qzowner",
        "555000111222333444",
        "555000999888777666",
        "4f1c3b2a-qz00-tenant",
        "qzbrowsernode",
        "81.2.69.142",
        "qzwidearea",
        "Qz Author",
        "qzauthor@",
        "qzcontrib",
        "qzmaint",
        "qzhookauthor",
        "qzkeyfile",
    ];
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{
  gateway: {
    bind: "loopback",
    remote: { sshTarget: "qzalicezz@qzbastion.qzcorp.example:2222", sshIdentity: "~/.ssh/qzkeyfile_ed25519" },
    nodes: { browser: { node: "qzbrowsernode" }, pairing: { autoApproveCidrs: ["81.2.69.142/32", "10.0.0.0/8"] } },
  },
  discovery: { wideArea: { domain: "qzwidearea.qzcorp.example" } },
  broadcast: { strategy: "parallel", "120363111222333444@g.us": ["main"] },
  agents: { list: [{ id: "main" }] },
  bindings: [{ agentId: "main", match: { channel: "slack", guildId: "987650001112223334", teamId: "T0QZTEAM42" } }],
  hooks: {
    gmail: { account: "qzgmail@qzcorp.example" },
    mappings: [{ to: "+15550001234qzmapto" }],
    internal: { installs: { myhook: { source: "npm", spec: "myhook@1.0.0", version: "1.0.0" } } },
  },
  approvals: { exec: { targets: [{ channel: "telegram", to: "qzapprover" }] } },
  cron: { failureDestination: { channel: "telegram", to: "qzcronto" } },
  accessGroups: { ops: { members: { telegram: ["qzmember"] } } },
  auth: {
    profiles: { "anthropic:qzprofile@qzcorp.example": { provider: "anthropic", mode: "oauth", email: "qzprofile@qzcorp.example", displayName: "Qz Display" } },
    order: { anthropic: ["anthropic:qzprofile@qzcorp.example"] },
  },
  channels: {
    matrix: { userId: "@qzmatrix:matrix.qzcorp.example" },
    irc: { nickserv: { registerEmail: "qznickserv@qzcorp.example" } },
    imessage: { remoteHost: "qzalicezz@qzimsg.qzcorp.example" },
    googlechat: { botUser: "users/qzchatbot" },
    tlon: { dmAllowlist: ["~qzship-palnet"], ownerShip: "~qzowner-palnet" },
    discord: { voice: { autoJoin: [{ guildId: "555000111222333444", channelId: "555000999888777666" }] } },
    msteams: { tenantId: "4f1c3b2a-qz00-tenant" },
    telegram: { accounts: { qzacctkeep: { dmPolicy: "pairing" } } },
  },
}"#,
    );
    let person = r#""author": "Qz Author <qzauthor@qzcorp.example> (https://qzcorp.example)",
  "contributors": [{"name": "qzcontrib", "email": "qzcontrib@qzcorp.example", "url": "https://qzcorp.example/c"}],
  "maintainers": ["qzmaint <qzmaint@qzcorp.example>"]"#;
    write(
        &home.join(".openclaw/hooks/myhook/package.json"),
        r#"{"name": "myhook", "version": "2.0.0", "author": {"name": "qzhookauthor", "email": "qzhookauthor@qzcorp.example"}}"#,
    );
    write(
        &home.join(".openclaw/extensions/myplug/package.json"),
        &format!("{{\n  \"name\": \"myplug\", \"version\": \"1.0.0\",\n  {person}\n}}"),
    );
    write(
        &home.join(".openclaw/extensions/myplug/openclaw.plugin.json"),
        r#"{"id": "myplug", "configSchema": {}}"#,
    );
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &planted,
    );
    let cfg = config_blob(&snap);
    for kept in [
        r#"strategy: "parallel""#,
        "qzacctkeep",
        r#"["203.0.113.1/32", "10.0.0.0/8"]"#,
        ":2222",
        r#"provider: "anthropic""#,
        "~/.ssh/",
    ] {
        assert!(cfg.contains(kept), "{kept} not in {cfg}");
    }
    let profile_keys = cfg.matches("\"anthropic:user").count();
    assert_eq!(
        profile_keys, 2,
        "the profile key and its auth.order entry: {cfg}"
    );
    let home = &snap.manifest.host.home;
    let plugin = blob_of(
        &snap,
        &format!("{home}/.openclaw/extensions/myplug/package.json"),
    );
    assert!(serde_json::from_str::<serde_json::Value>(&plugin).is_ok());
    assert!(plugin.contains("\"version\": \"1.0.0\""), "{plugin}");
    let hook = blob_of(
        &snap,
        &format!("{home}/.openclaw/hooks/myhook/package.json"),
    );
    assert!(hook.contains("@example.invalid"), "{hook}");
}

/// Item 12: an `$include` inside an id map is loaded from the snapshot as from the host (its key is not
/// renamed), and the ids in the included file are pseudonymized at the mount point.
#[test]
fn include_key_inside_an_id_map_is_kept() {
    let (_tmp, home) = home_dir();
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{ channels: { telegram: { botToken: "123456789:AAH-qzFakeTokenForTestsOnly000000000", groupPolicy: "open", groups: { $include: "./g.json5" } } } }"#,
    );
    write(
        &home.join(".openclaw/g.json5"),
        r#"{ "-1009988776655": { requireMention: false, allowFrom: ["*"] }, "*": { requireMention: false } }"#,
    );
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &["qzalicezz", "9988776655", "qzFakeToken"],
    );
    assert!(config_blob(&snap).contains(r#"groups: { $include: "./g.json5" }"#));
    let inc = snap.manifest.config.includes[0].blob.as_deref().unwrap();
    assert!(snap.blob_text(inc).unwrap().contains("\"-1000000000000\""));
}

/// Round 2, item 2: comments hold prose (an old token, a phone number, a path under the home dir). Every
/// comment loses its words; lines and the columns after a block comment stay, so `fix plan` previews point at
/// the real lines, and `fix apply` edits the real file keeping its real comments.
#[test]
fn comments_keep_no_words_but_every_line() {
    let (_tmp, home) = home_dir();
    let h = home.to_string_lossy().into_owned();
    let text = format!(
        r#"// owner: qz alice, phone +15550001111, old token: sk-ant-api03-QZCOMMENTSECRET0123456789
/* gateway token was 7f3e9c1d2b4a5f6e8d9c0b1a2f3e4d5c
   and lived in {h}/notes */ {{
  gateway: {{ mode: "local", bind: "lan", auth: {{ token: "short-token-ABCDEF" }}, controlUi: {{ allowedOrigins: [] }} }},
  logging: {{ redactSensitive: "off" }},  // qzalice's phone +15550002222
  /* {h} */ channels: {{ telegram: {{ botToken: "${{TT}}", dmPolicy: "open", allowFrom: ["*"] }} }},
}}
"#
    );
    let cfg_path = home.join(".openclaw/openclaw.json");
    write(&cfg_path, &text);
    let mut spec = HostSpec::for_home(&home);
    spec.env.insert(
        "TT".into(),
        "123456789:AAHqzFakeTokenForTestsOnly000000000".into(),
    );
    let planted = [
        "qzalicezz",
        "qz alice",
        "qzalice's",
        "5550001111",
        "5550002222",
        "QZCOMMENTSECRET",
        "7f3e9c1d2b4a5f6e8d9c0b1a2f3e4d5c",
        "notes",
    ];
    let snap = capture_and_check(&spec, &CaptureOptions::default(), &planted);
    let blob = config_blob(&snap);
    assert_eq!(blob.lines().count(), text.lines().count(), "{blob}");
    for (a, b) in text.lines().zip(blob.lines()) {
        // Code keeps its line and its column.
        for code in ["gateway:", "logging:", "channels:", "{"] {
            assert_eq!(a.find(code), b.find(code), "{a} / {b}");
        }
    }
    assert!(blob.starts_with("// redacted\n/* redacted\n"), "{blob}");
    assert!(blob.contains("\"off\" },  // redacted\n"), "{blob}");
    // The plan's previews show the real line numbers; the apply keeps the real comments.
    let cs = fix::plan(&snap);
    let set = cs
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Set(s) if s.key == "logging.redactSensitive" => Some(s),
            _ => None,
        })
        .expect("logging.redactSensitive planned");
    assert_eq!(set.preview.line, 5, "{:?}", set.preview);
    assert!(set
        .preview
        .before
        .iter()
        .any(|l| l.contains("redactSensitive: \"off\"")));
    let out = fix::apply(&cs, ApplyOptions::new(spec)).unwrap();
    assert!(out.verification.held(), "{:?}", out.verification);
    let now = fs::read_to_string(&cfg_path).unwrap();
    assert_ne!(now, text);
    for kept in [
        "QZCOMMENTSECRET",
        "qzalice's phone +15550002222",
        "/notes */",
    ] {
        assert!(now.contains(kept), "{kept} not in {now}");
    }
}

/// Round 2, item 8: id lists (`dm.groupChannels`, `execApprovals.approvers`, `bindings[].match.roles`). An
/// approver equal to an `allowFrom` entry gets the same pseudonym (no raw id undoes one).
#[test]
fn id_lists_are_pseudonymized() {
    let (_tmp, home) = home_dir();
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{
  gateway: { mode: "local", bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } },
  channels: {
    discord: { token: "${DT}", dm: { allowFrom: ["111111111111111111"], groupChannels: ["222222222222222222"] },
      execApprovals: { enabled: true, approvers: ["333333333333333333"] } },
    telegram: { botToken: "${TT}", allowFrom: ["444444444"], execApprovals: { enabled: true, approvers: ["444444444", "555555555"] } },
    slack: { botToken: "${ST}", appToken: "${SA}", dm: { groupChannels: ["G0QZMPIM"] } },
  },
  bindings: [ { agentId: "main", match: { channel: "discord", guildId: "666666666666666666", roles: ["777777777777777777"] } } ],
}"#,
    );
    let planted = [
        "qzalicezz",
        "111111111111111111",
        "222222222222222222",
        "333333333333333333",
        "444444444",
        "555555555",
        "G0QZMPIM",
        "777777777777777777",
    ];
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &planted,
    );
    let cfg = config_blob(&snap);
    assert!(
        cfg.contains(r#"allowFrom: ["100000000"], execApprovals: { enabled: true, approvers: ["100000000", "100000001"] }"#),
        "{cfg}"
    );
}

/// Round 2, item 9: file names in the state tree that name people (WhatsApp session and sender-key files, a
/// note named by an e-mail, a picture from a phone number) are recorded renamed, the same way in every path,
/// link target and diagnostic. Names the config writes as they are (an agent id) are kept, so the fs checks
/// find their paths. A state dir whose own name holds a phone number makes findings about renamed paths: the
/// comparison with the raw capture renames its subjects the same way. A plan from the snapshot applies to the
/// real files.
#[test]
fn file_names_naming_people_are_renamed() {
    let (tmp, home) = home_dir();
    let state = tmp.path().join("srv/oc-15550009999");
    let files = [
        "credentials/whatsapp/default/session-15551234567.0.json",
        "credentials/whatsapp/default/sender-key-120363011112222333@g.us--15557654321@s.whatsapp.net--0.json",
        "credentials/whatsapp/default/creds.json",
        "workspace/memory/qzalice.zz@qzcorp.example-notes.md",
        "media/inbound/IMG_from_+15559876543.jpg",
        "agents/15550001111/agent/auth-profiles.json",
        "agents/15550001111/sessions/sessions.json",
        "agents/15550001111/sessions/s1-topic-15551234567.jsonl",
    ];
    for f in files {
        write(&state.join(f), "{}");
        fs::set_permissions(state.join(f), fs::Permissions::from_mode(0o644)).unwrap();
    }
    symlink(
        "../credentials/whatsapp/default/session-15551234567.0.json",
        state.join("media/session-link"),
    )
    .unwrap();
    // A name that is not UTF-8: a diagnostic names it.
    let odd = std::ffi::OsStr::from_bytes(b"note-+15551234567-\xff.md");
    write(&state.join("workspace").join(odd), "x");
    write(
        &state.join("openclaw.json"),
        r#"{ gateway: { mode: "local", bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } },
  agents: { list: [{ id: "15550001111" }] },
  channels: { whatsapp: { allowFrom: ["+15551234567"] } } }"#,
    );
    let mut spec = HostSpec::for_home(&home);
    spec.env.insert(
        "OPENCLAW_STATE_DIR".into(),
        state.to_string_lossy().into_owned(),
    );
    let planted = [
        "qzalicezz",
        "15550009999",
        "15551234567",
        "120363011112222333",
        "15557654321",
        "qzalice.zz",
        "qzcorp",
        "15559876543",
    ];
    let snap = capture_and_check(&spec, &CaptureOptions::default(), &planted);
    let m = &snap.manifest;
    let sd = &m.host.state_dir;
    // Classes by first appearance: the state dir (from the environment), then the config's allowFrom entry.
    assert!(sd.ends_with("/srv/oc-10000000000"), "{sd}");
    let session = format!("{sd}/credentials/whatsapp/default/session-10000000001.0.json");
    for p in [
        session.clone(),
        format!("{sd}/credentials/whatsapp/default/sender-key-100000000000000000@g.us--10000000002@s.whatsapp.net--0.json"),
        format!("{sd}/workspace/memory/user1@example.invalid.md"),
        format!("{sd}/media/inbound/IMG_from_+10000000003.jpg"),
        format!("{sd}/agents/15550001111/sessions/s1-topic-10000000001.jsonl"),
    ] {
        assert!(snap.file(&p).is_some(), "{p} not recorded");
    }
    let link = snap.file(&format!("{sd}/media/session-link")).unwrap();
    assert_eq!(
        link.target.as_deref(),
        Some("../credentials/whatsapp/default/session-10000000001.0.json")
    );
    assert_eq!(
        link.resolved.as_ref().unwrap().realpath.as_deref(),
        Some(session.as_str())
    );
    assert!(
        m.diagnostics
            .iter()
            .any(|d| d.code == "path.not_utf8" && d.path.contains("/note-+10000000001-")),
        "{:?}",
        m.diagnostics
    );
    // The config's allowFrom entry and the file names share classes.
    assert!(config_blob(&snap).contains(r#"allowFrom: ["+10000000001"]"#));
    // The plan tightens the transcript under its recorded name; the apply finds the real file.
    let cs = fix::plan(&snap);
    assert!(cs
        .ops
        .iter()
        .any(|op| matches!(op, Op::Chmod(c) if c.path.ends_with("s1-topic-10000000001.jsonl"))));
    let out = fix::apply(&cs, ApplyOptions::new(spec)).unwrap();
    assert!(out.verification.held(), "{:?}", out.verification);
    let mode = |f: &str| fs::metadata(state.join(f)).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode("agents/15550001111/sessions/s1-topic-15551234567.jsonl"),
        0o600
    );
    assert_eq!(mode("agents/15550001111/agent/auth-profiles.json"), 0o600);
}

/// Round 2, item 10: an e-mail in a SecretRef id (`op://Private/<e-mail>/gateway`), in the config and in the
/// capture's `secret_refs[]`, pseudonymized the same way.
#[test]
fn secret_ref_ids_name_no_one() {
    let (_tmp, home) = home_dir();
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{
  gateway: { mode: "local", bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" },
    remote: { token: { source: "exec", provider: "op", id: "op://Private/qzalice.zz@qzcorp.example/gateway" } } },
  secrets: { providers: { op: { source: "exec", command: "/usr/bin/op", args: ["read"] } } },
}"#,
    );
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &["qzalicezz", "qzalice", "qzcorp"],
    );
    let id = "op://Private/user1@example.invalid/gateway";
    assert!(config_blob(&snap).contains(id));
    let r = &snap.manifest.secret_refs;
    assert!(r.iter().any(|r| r.id == id), "{r:?}");
}

/// Round 2, item 11: home paths that do not start with the home dir as written: a relative link into it by
/// name, `/./` and `//` in config paths, and a working directory in a user's home when `$HOME` is elsewhere
/// (`sudo clawprint capture`).
#[test]
fn home_paths_written_otherwise_are_aliased() {
    let (tmp, home) = home_dir();
    let t = tmp.path().to_string_lossy().into_owned();
    fs::create_dir_all(home.join("dev/ws")).unwrap();
    fs::create_dir_all(home.join(".openclaw/agents/main")).unwrap();
    symlink(
        "../../../../qzalicezz/dev/ws",
        home.join(".openclaw/agents/main/ws-link"),
    )
    .unwrap();
    // A dangling link through a dir named like the user, inside the home dir.
    symlink(
        "../../../qzalicezz/dev/ws",
        home.join(".openclaw/agents/main/ws-link2"),
    )
    .unwrap();
    write(
        &home.join(".openclaw/openclaw.json"),
        &format!(
            r#"{{ gateway: {{ mode: "local", bind: "loopback", auth: {{ token: "0123456789abcdef0123456789abcdef" }} }},
  agents: {{ defaults: {{ workspace: "{t}/home//qzalicezz/dev/ws", sandbox: {{ mode: "all", docker: {{ binds: ["{t}/home/./qzalicezz/dev:/dev2:ro"] }} }} }} }} }}"#
        ),
    );
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &["qzalicezz"],
    );
    let h = &snap.manifest.host.home;
    let link = snap
        .file(&format!("{h}/.openclaw/agents/main/ws-link"))
        .unwrap();
    assert_eq!(link.target.as_deref(), Some("../../../dev/ws"));
    let link2 = snap
        .file(&format!("{h}/.openclaw/agents/main/ws-link2"))
        .unwrap();
    assert_eq!(link2.target.as_deref(), Some("../../../user/dev/ws"));
    let cfg = config_blob(&snap);
    assert!(
        cfg.contains(&format!(r#"workspace: "{h}/dev/ws""#)),
        "{cfg}"
    );
    assert!(
        cfg.contains(&format!(r#"binds: ["{h}/dev:/dev2:ro"]"#)),
        "{cfg}"
    );

    // `HOME` elsewhere (root's), run from a user's home.
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join(".openclaw")).unwrap();
    write(
        &root.join(".openclaw/openclaw.json"),
        r#"{ gateway: { mode: "local", bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } } }"#,
    );
    let mut spec = HostSpec::for_home(&root);
    spec.cwd = home.join("dev");
    let snap = capture_and_check(&spec, &CaptureOptions::default(), &["qzalicezz"]);
    assert_eq!(snap.manifest.host.cwd, format!("{t}/home/user/dev"));
}

/// Round 2, item 7 (identities): free text of exec approvals names an ssh user, a chat id, a commit author.
#[test]
fn free_text_names_no_one() {
    let (_tmp, home) = home_dir();
    write(
        &home.join(".openclaw/openclaw.json"),
        r#"{ gateway: { mode: "local", bind: "loopback", auth: { token: "0123456789abcdef0123456789abcdef" } } }"#,
    );
    write(
        &home.join(".openclaw/exec-approvals.json"),
        r#"{"version":1,"agents":{"main":{"allowlist":[
  {"pattern":"/usr/bin/ssh","lastUsedCommand":"ssh qzalicezz@10.0.0.5 uptime"},
  {"pattern":"/usr/local/bin/notify","lastUsedCommand":"notify --chat-id 987654321 hi"},
  {"pattern":"/usr/bin/git","lastUsedCommand":"git commit --author='Qz Alice <qzalice.zz@qzcorp.example>' -m x"}
]}}}"#,
    );
    let snap = capture_and_check(
        &HostSpec::for_home(&home),
        &CaptureOptions::default(),
        &["qzalicezz", "987654321", "Qz Alice", "qzalice", "qzcorp"],
    );
    let h = &snap.manifest.host.home;
    let text = blob_of(&snap, &format!("{h}/.openclaw/exec-approvals.json"));
    for kept in [
        r#""pattern":"/usr/bin/ssh","lastUsedCommand":"ssh user"#,
        "@10.0.0.5 uptime",
        "notify --chat-id 100000000 hi",
        "git commit --author='user",
    ] {
        assert!(text.contains(kept), "{kept} not in {text}");
    }
}
