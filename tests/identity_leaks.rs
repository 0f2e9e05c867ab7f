//! Regressions of a privacy review (home dir and identity leaks): each test lays out the reviewer's host in a
//! temp dir, captures it by default (pseudonymized), and checks that (1) none of the planted home names or
//! identities appears in the decompressed snapshot, and (2) the audit of the snapshot read back from its bytes
//! equals the audit of an in-memory capture that keeps everything, recorded under the same home alias (checkIds,
//! severities, fingerprints).
//!
//! Planted names start with `qz` (the home dir is `qzalicezz`), so they never occur by chance in a snapshot.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use clawprint::audit::{audit, Report};
use clawprint::capture::{self, CaptureOptions, HostSpec};
use clawprint::snapshot::{archive::Limits, Snapshot};

/// `(checkId, severity, fingerprint)` of every finding, then of every suppressed one.
fn outcome(r: &Report) -> Vec<(String, String, String)> {
    let (f, s) = r.fingerprints();
    r.findings
        .iter()
        .chain(r.suppressed.iter().map(|s| &s.finding))
        .zip(f.into_iter().chain(s))
        .map(|(x, fp)| (x.check_id.clone(), x.severity.as_str().to_string(), fp))
        .collect()
}

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
fn capture_and_check(spec: &HostSpec, opts: &CaptureOptions, planted: &[&str]) -> Snapshot {
    let snap = capture::capture(spec, opts).unwrap();
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
    assert_eq!(outcome(&audit(&decoded)), outcome(&audit(&raw)));
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
