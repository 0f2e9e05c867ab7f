//! Identities in snapshots (issue 6): by default capture replaces phone numbers, e-mails, user and chat ids,
//! user names, tags and the home dir's name by pseudonyms that keep what the checks read.
//!
//! - Every conformance case audits the same (checkIds, severities, fingerprints) captured with pseudonyms as
//!   captured with `keep_identities`.
//! - Property tests over generated hosts (allowlists in every channel shape, pairing files, group maps keyed by
//!   chat ids, home paths in the config, secrets): (1) no identity, secret or home-dir name of the input appears
//!   in the snapshot file, nor in the decompressed tar; (2) the audit of the snapshot decoded from those bytes
//!   equals the audit of an in-memory capture that keeps everything (same checkIds, severities, fingerprints).
//!
//! Generated identities are long and distinctive enough never to occur by chance in a snapshot (hex hashes,
//! JSON syntax, fixed texts, pseudonyms): numbers have 9 to 12 digits and start with 2..9 (digit pseudonyms
//! start `1000`), names start with `qz` and have 8+ letters, e-mail domains are `<letters>.corp-mail.net`.

mod common;

use common::{contains, outcome};

use std::fs;
use std::path::Path;

use clawprint::audit::audit;
use clawprint::capture::{self, default_home_alias, CaptureOptions, HostSpec};
use clawprint::snapshot::{archive::Limits, Snapshot};
use proptest::prelude::*;

#[test]
fn every_conformance_case_audits_the_same_with_pseudonyms() {
    let mut cases = common::cases("conformance/cases");
    cases.extend(common::cases("conformance/hosts"));
    assert!(cases.len() >= 400, "found {} cases", cases.len());
    let (mut replaced, mut with_identities) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let home = common::lay_out(case);
        let spec = HostSpec::for_home(home.path());
        let pseudo = capture::capture(&spec, &common::options(&name, true)).unwrap();
        let kept = capture::capture(
            &spec,
            &CaptureOptions {
                keep_identities: true,
                ..common::options(&name, true)
            },
        )
        .unwrap();
        let ids = pseudo.manifest.redaction.identities.clone().unwrap();
        assert_eq!(ids.mode, "pseudonymized");
        assert_eq!(
            kept.manifest.redaction.identities.as_ref().unwrap().mode,
            "kept"
        );
        replaced += ids.values;
        with_identities += usize::from(ids.values > 0);
        let (a, b) = (outcome(&audit(&pseudo)), outcome(&audit(&kept)));
        if a != b {
            failures.push(format!(
                "{name}:\n  pseudonymized: {a:?}\n  kept:          {b:?}"
            ));
        }
    }
    eprintln!(
        "identities: {} cases, {with_identities} with identities, {replaced} values pseudonymized",
        cases.len()
    );
    assert!(
        with_identities >= 50,
        "only {with_identities} cases had identities to pseudonymize"
    );
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Generated hosts

#[derive(Debug, Clone)]
struct GenHost {
    /// Telegram user ids, written as plain strings, numbers, `tg:`/`telegram:` prefixed or `@name`s.
    tg_ids: Vec<(String, u8)>,
    tg_names: Vec<String>,
    tg_group_ids: Vec<String>,
    tg_dm_policy: &'static str,
    tg_group_policy: &'static str,
    /// Signal phone numbers (digits after `+`), each written in one of several formats.
    phones: Vec<(String, u8)>,
    signal_account: String,
    irc_nicks: Vec<(String, bool)>,
    emails: Vec<String>,
    tags: Vec<(String, String)>,
    guild_ids: Vec<String>,
    elevated: Vec<String>,
    pairing_tg: Vec<String>,
    pairing_signal: Vec<String>,
    dm_scope_main: bool,
    workspace_name: String,
    gateway_token: String,
    /// `gateway.controlUi.allowedOrigins` host (or `*`) and `gateway.trustedProxies` (loopback, private, public).
    origin: Option<String>,
    proxies: Vec<&'static str>,
    lan: bool,
}

fn digits() -> impl Strategy<Value = String> {
    "[2-9][0-9]{8,11}"
}
fn name() -> impl Strategy<Value = String> {
    "[a-z]{6,9}".prop_map(|s| format!("qz{s}"))
}
fn policy(options: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(options)
}

fn host() -> impl Strategy<Value = GenHost> {
    let channels = (
        proptest::collection::vec((digits(), 0u8..5), 0..5),
        proptest::collection::vec(name(), 0..3),
        proptest::collection::vec("[1-9][0-9]{9}".prop_map(|d| format!("-100{d}")), 0..3),
        policy(&["pairing", "allowlist", "open", "disabled"]),
        policy(&["open", "allowlist"]),
        proptest::collection::vec((digits(), 0u8..4), 0..4),
        digits(),
        proptest::collection::vec((name(), any::<bool>()), 0..4),
    );
    let others = (
        proptest::collection::vec(
            (name(), "[a-z]{5,8}").prop_map(|(n, d)| format!("{n}@{d}.corp-mail.net")),
            0..3,
        ),
        proptest::collection::vec((name(), "[0-9]{4}"), 0..3),
        proptest::collection::vec("[2-9][0-9]{17}", 0..3),
        proptest::collection::vec(digits(), 0..30),
        proptest::collection::vec(digits(), 0..3),
        proptest::collection::vec(digits(), 0..3),
        any::<bool>(),
        name(),
        "[A-Za-z0-9]{12,30}".prop_map(|s| format!("Zq{s}")),
    );
    let gateway = (
        proptest::option::of(name()),
        proptest::sample::subsequence(
            vec![
                "127.0.0.1",
                "10.20.30.40",
                "37.120.77.201",
                "2a01:4f8:c17:1::7",
            ],
            0..4,
        ),
        any::<bool>(),
    );
    (channels, others, gateway).prop_map(
        |(
            (tg_ids, tg_names, tg_group_ids, tg_dm, tg_group, phones, signal_account, irc_nicks),
            (emails, tags, guild_ids, elevated, pairing_tg, pairing_signal, main, ws, token),
            (origin, proxies, lan),
        )| GenHost {
            origin,
            proxies,
            lan,
            tg_ids,
            tg_names,
            tg_group_ids,
            tg_dm_policy: tg_dm,
            tg_group_policy: tg_group,
            phones,
            signal_account,
            irc_nicks,
            emails,
            tags,
            guild_ids,
            elevated,
            pairing_tg,
            pairing_signal,
            dm_scope_main: main,
            workspace_name: ws,
            gateway_token: token,
        },
    )
}

/// A Telegram id as written in an allowlist.
fn tg_entry(id: &str, form: u8) -> serde_json::Value {
    match form {
        0 => id.into(),
        1 => id.parse::<u64>().unwrap().into(),
        2 => format!("tg:{id}").into(),
        3 => format!(" TELEGRAM:{id} ").into(),
        _ => format!("telegram: {id}").into(),
    }
}

/// A phone number as written in a Signal allowlist (all forms are the same E.164 number).
fn phone_entry(d: &str, form: u8) -> String {
    match form {
        0 => format!("+{d}"),
        1 => format!("signal:+{d}"),
        2 => format!("+{} {} {}", &d[..3], &d[3..6], &d[6..]),
        _ => d.to_string(),
    }
}

fn lay_out(h: &GenHost) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_string_lossy().into_owned();
    let dir = tmp.path().join(".openclaw");
    fs::create_dir_all(dir.join("credentials")).unwrap();
    let mut tg_allow: Vec<serde_json::Value> =
        h.tg_ids.iter().map(|(d, f)| tg_entry(d, *f)).collect();
    tg_allow.extend(h.tg_names.iter().map(|n| format!("@{n}").into()));
    if h.tg_dm_policy == "open" && h.tg_ids.len() % 2 == 0 {
        tg_allow.push("*".into());
    }
    let groups: serde_json::Map<String, serde_json::Value> = h
        .tg_group_ids
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let allow: Vec<serde_json::Value> = h
                .tg_ids
                .iter()
                .skip(i)
                .take(1)
                .map(|(d, f)| tg_entry(d, *f))
                .collect();
            (g.clone(), serde_json::json!({"allowFrom": allow}))
        })
        .collect();
    let signal_allow: Vec<String> = h.phones.iter().map(|(d, f)| phone_entry(d, *f)).collect();
    let irc_allow: Vec<String> = h
        .irc_nicks
        .iter()
        .map(|(n, upper)| {
            if *upper {
                format!("irc:{}", n.to_uppercase())
            } else {
                n.clone()
            }
        })
        .collect();
    let mut imessage_allow: Vec<String> = h.emails.clone();
    imessage_allow.extend(h.phones.iter().map(|(d, _)| format!("+{d}")));
    let guilds: serde_json::Map<String, serde_json::Value> = h
        .guild_ids
        .iter()
        .map(|g| {
            let users: Vec<String> = h.tags.iter().map(|(n, t)| format!("{n}#{t}")).collect();
            (g.clone(), serde_json::json!({"users": users}))
        })
        .collect();
    let cfg = serde_json::json!({
        "gateway": {
            "bind": if h.lan { "lan" } else { "loopback" },
            "auth": {"mode": "token", "token": h.gateway_token},
            "controlUi": {"allowedOrigins": match &h.origin {
                Some(o) => vec![format!("https://{o}.corp-web.net:8443")],
                None => vec!["*".to_string()],
            }},
            "trustedProxies": h.proxies,
            "remote": {"url": format!("wss://{}-gw.corp-web.net", h.workspace_name)},
        },
        "session": {"dmScope": if h.dm_scope_main { "main" } else { "per-channel-peer" }},
        "agents": {"defaults": {"workspace": format!("{home}/{}", h.workspace_name)}},
        "logging": {"file": format!("{home}/.openclaw/logs/{}.log", h.workspace_name)},
        "tools": {"elevated": {"allowFrom": {"telegram": h.elevated}}},
        "channels": {
            "telegram": {
                "botToken": "123456789:AAH-generatedBotTokenForTestsOnly0000",
                "dmPolicy": h.tg_dm_policy,
                "groupPolicy": h.tg_group_policy,
                "allowFrom": tg_allow,
                "groupAllowFrom": h.tg_names.iter().map(|n| format!("@{n}")).collect::<Vec<_>>(),
                "groups": groups,
            },
            "signal": {"account": format!("+{}", h.signal_account), "dmPolicy": "pairing", "allowFrom": signal_allow},
            "irc": {"host": "irc.libera.chat", "nick": format!("{}bot", h.workspace_name), "dmPolicy": "pairing", "allowFrom": irc_allow},
            "imessage": {"dmPolicy": "pairing", "allowFrom": imessage_allow},
            "discord": {"groupPolicy": "allowlist", "guilds": guilds},
        },
    });
    let text = format!(
        "// generated\n{}\n",
        serde_json::to_string_pretty(&cfg).unwrap()
    );
    fs::write(dir.join("openclaw.json"), text).unwrap();
    let pairing = |entries: Vec<String>| {
        serde_json::to_string(&serde_json::json!({"version": 1, "allowFrom": entries})).unwrap()
    };
    fs::write(
        dir.join("credentials/telegram-allowFrom.json"),
        pairing(h.pairing_tg.clone()),
    )
    .unwrap();
    let signal_store: Vec<String> = h
        .pairing_signal
        .iter()
        .chain(h.phones.iter().map(|(d, _)| d).take(1))
        .map(|d| format!("+{d}"))
        .collect();
    fs::write(
        dir.join("credentials/signal-allowFrom.json"),
        pairing(signal_store),
    )
    .unwrap();
    fs::create_dir_all(tmp.path().join(&h.workspace_name)).unwrap();
    tmp
}

/// Every string of the input that must not be in the snapshot.
fn identities(h: &GenHost, home: &Path) -> Vec<String> {
    let mut out = vec![
        h.gateway_token.clone(),
        h.signal_account.clone(),
        home.file_name().unwrap().to_string_lossy().into_owned(),
        format!("{}bot", h.workspace_name),
        "corp-web".to_string(),
        "37.120.77.201".to_string(),
        "2a01:4f8".to_string(),
    ];
    out.extend(h.tg_ids.iter().map(|(d, _)| d.clone()));
    out.extend(h.tg_names.iter().cloned());
    out.extend(h.tg_group_ids.iter().map(|g| g[4..].to_string()));
    out.extend(h.phones.iter().map(|(d, _)| d.clone()));
    out.extend(h.phones.iter().map(|(d, f)| phone_entry(d, *f)));
    for (n, _) in &h.irc_nicks {
        out.push(n.clone());
        out.push(n.to_uppercase());
    }
    out.extend(h.emails.iter().cloned());
    out.extend(
        h.emails
            .iter()
            .map(|e| e.split('@').next().unwrap().to_string()),
    );
    out.extend(h.tags.iter().map(|(n, _)| n.clone()));
    out.extend(h.guild_ids.iter().cloned());
    out.extend(h.elevated.iter().cloned());
    out.extend(h.pairing_tg.iter().cloned());
    out.extend(h.pairing_signal.iter().cloned());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn no_identity_survives_and_audit_is_unchanged(h in host()) {
        let home = lay_out(&h);
        let spec = HostSpec::for_home(home.path());
        let snap = capture::capture(&spec, &CaptureOptions::default()).unwrap();
        let file = snap.to_bytes().unwrap();
        let tar = zstd::decode_all(&file[..]).unwrap();
        for s in identities(&h, home.path()) {
            prop_assert!(!contains(&file, s.as_bytes()), "{} in the snapshot file", s);
            prop_assert!(!contains(&tar, s.as_bytes()), "{} in the decompressed snapshot", s);
        }
        let decoded = Snapshot::from_bytes(&file, &Limits::default()).unwrap();
        // Everything kept, paths recorded under the same home alias (fs findings are about paths).
        let raw = capture::capture(
            &spec,
            &CaptureOptions {
                redact: false,
                home_alias: default_home_alias(home.path()),
                ..CaptureOptions::default()
            },
        )
        .unwrap();
        prop_assert_eq!(raw.manifest.redaction.identities.as_ref().unwrap().mode.as_str(), "kept");
        let (a, b) = (audit(&decoded), audit(&raw));
        prop_assert_eq!(outcome(&a), outcome(&b));
    }
}

/// The CLI: `capture` pseudonymizes by default and says so (text and `--json`); `--keep-identities` keeps the
/// values and records mode `kept`. Checked on the bytes of both files, decompressed.
#[test]
fn cli_capture_pseudonymizes_unless_told_to_keep_identities() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("qzhomeowner");
    let state = home.join(".openclaw");
    fs::create_dir_all(&state).unwrap();
    fs::write(
        state.join("openclaw.json"),
        r#"{ channels: { telegram: { botToken: "123456:qzfaketokenqzfaketokenqz", dmPolicy: "allowlist", allowFrom: ["tg:734982615"] } } }"#,
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_clawprint"))
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let tar = |file: &str| {
        let bytes = fs::read(tmp.path().join(file)).unwrap();
        String::from_utf8_lossy(&zstd::decode_all(&bytes[..]).unwrap()).into_owned()
    };

    let text = run(&["capture", "-o", "default.clawsnap"]);
    assert!(text.contains("1 pseudonymized"), "{text}");
    let inside = tar("default.clawsnap");
    assert!(!inside.contains("734982615") && !inside.contains("qzhomeowner"));
    assert!(!inside.contains("qzfaketoken"));
    let json: serde_json::Value =
        serde_json::from_str(&run(&["capture", "-o", "again.clawsnap", "--json"])).unwrap();
    assert_eq!(json["identities"]["mode"], "pseudonymized");
    assert_eq!(json["identities"]["values"], 1);

    let json: serde_json::Value = serde_json::from_str(&run(&[
        "capture",
        "-o",
        "kept.clawsnap",
        "--keep-identities",
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["identities"]["mode"], "kept");
    let inside = tar("kept.clawsnap");
    assert!(inside.contains("734982615") && inside.contains("qzhomeowner"));
    assert!(
        !inside.contains("qzfaketoken"),
        "secrets are redacted in every mode"
    );
    let shown = run(&["show", "kept.clawsnap", "--json"]);
    assert!(shown.contains("\"kept\""), "{shown}");
}

/// `allowFrom: ["${OWNER}"]`: the variable's value (from `.env` or the process environment) is an identity and
/// is pseudonymized in the env table, in the terms of the position it fills, so the audit resolves it to the same
/// class as the same id written literally (`tg:734982615`). Host positions likewise.
#[test]
fn identities_behind_env_references_are_pseudonymized() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("qzenvowner");
    let state = home.join(".openclaw");
    fs::create_dir_all(&state).unwrap();
    fs::write(
        state.join("openclaw.json"),
        r#"{
  gateway: { bind: "lan", auth: { token: "${GW_TOKEN}" }, trustedProxies: ["${PROXY}"] },
  channels: {
    telegram: {
      botToken: "${TG_TOKEN}",
      dmPolicy: "allowlist",
      allowFrom: ["${OWNER}", "tg:734982615", "${FRIEND}"],
      groupPolicy: "allowlist",
      groupAllowFrom: ["tg:${OWNER}"],
    },
  },
}"#,
    )
    .unwrap();
    fs::write(state.join(".env"), "OWNER=734982615\nFRIEND=598312764\n").unwrap();
    let mut spec = HostSpec::for_home(&home);
    for (k, v) in [
        ("PROXY", "93.184.77.41"),
        ("TG_TOKEN", "123456:qzenvtokenqzenvtokenqzenv"),
        ("GW_TOKEN", "qzgatewaytokenqzgatewaytoken0123"),
    ] {
        spec.env.insert(k.into(), v.into());
    }
    let snap = capture::capture(&spec, &CaptureOptions::default()).unwrap();
    let file = snap.to_bytes().unwrap();
    let tar = zstd::decode_all(&file[..]).unwrap();
    for s in [
        "734982615",
        "598312764",
        "93.184.77.41",
        "qzenvowner",
        "qzenvtoken",
        "qzgatewaytoken",
    ] {
        assert!(!contains(&tar, s.as_bytes()), "{s} in the snapshot");
    }
    let raw = capture::capture(
        &spec,
        &CaptureOptions {
            redact: false,
            home_alias: default_home_alias(&home),
            ..CaptureOptions::default()
        },
    )
    .unwrap();
    let decoded = Snapshot::from_bytes(&file, &Limits::default()).unwrap();
    assert_eq!(outcome(&audit(&decoded)), outcome(&audit(&raw)));
}
