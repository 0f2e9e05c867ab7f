//! Unit tests of the channel collector: triggers and just-misses of every row, account resolution per channel,
//! numbering, de-duplication, the pairing store (JSON files and the SQLite facts) and warning severities.

use super::*;
use crate::audit::finding::Severity::{Critical, Info, Warn};
use crate::audit::testkit::{Host, HOME};
use crate::capture::sqlite::{DatabaseFacts, PairingAllowlist, StateFacts};
use crate::snapshot::{DatabaseEntry, FileEntry, FileKind, Snapshot};

const CRED: &str = "~/.openclaw/credentials";

/// A snapshot of `host` plus JSON files (path, content) captured with content.
fn with_files(host: &Host, files: &[(&str, &str)]) -> Snapshot {
    let mut s = host.snapshot();
    for (p, text) in files {
        let path = p.replacen('~', HOME, 1);
        let hash = Snapshot::add_blob(&mut s.blobs, text.as_bytes().to_vec());
        s.manifest.files.retain(|f| f.path != path);
        s.manifest.files.push(FileEntry {
            path,
            kind: FileKind::File,
            mode: 0o600,
            uid: 1000,
            gid: 1000,
            size: text.len() as u64,
            blob: Some(hash),
            ..FileEntry::default()
        });
    }
    s.manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    s
}

fn with_db(mut s: Snapshot, lists: Vec<PairingAllowlist>) -> Snapshot {
    s.manifest.databases.push(DatabaseEntry {
        path: format!("{HOME}/.openclaw/state/openclaw.sqlite"),
        facts: DatabaseFacts {
            state: Some(StateFacts {
                pairing_allowlists: lists,
                ..StateFacts::default()
            }),
            ..DatabaseFacts::default()
        },
    });
    s
}

fn channel_findings(s: &Snapshot) -> Vec<Finding> {
    crate::audit::audit(s)
        .findings
        .into_iter()
        .filter(|f| f.check_id.starts_with("channels."))
        .collect()
}

fn rows_of(s: &Snapshot) -> Vec<(String, Severity)> {
    channel_findings(s)
        .into_iter()
        .map(|f| (f.check_id, f.severity))
        .collect()
}

/// Channel findings of a config: `(checkId, severity)` in order.
fn rows(cfg: &str) -> Vec<(String, Severity)> {
    rows_of(&Host::new(cfg).snapshot())
}

fn ids(cfg: &str) -> Vec<String> {
    rows(cfg).into_iter().map(|(id, _)| id).collect()
}

fn r(id: &str, sev: Severity) -> (String, Severity) {
    (id.to_string(), sev)
}

fn store(channel_file: &str, entries: &str) -> (String, String) {
    (
        format!("{CRED}/{channel_file}"),
        format!(r#"{{"version": 1, "allowFrom": {entries}}}"#),
    )
}

fn ids_with_store(cfg: &str, files: &[(String, String)]) -> Vec<String> {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    rows_of(&with_files(&Host::new(cfg), &files))
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

const TG: &str = r#"botToken: "123:fake-token""#;

// --- scope and configured accounts ---------------------------------------------------------------

#[test]
fn nothing_without_a_channel_section() {
    assert!(rows("{}").is_empty());
    assert!(rows(r#"{channels: {defaults: {groupPolicy: "open"}}}"#).is_empty());
}

#[test]
fn disabled_channel_or_plugin_is_skipped() {
    let open = format!(r#"{TG}, dmPolicy: "disabled""#);
    assert_eq!(
        ids(&format!("{{channels: {{telegram: {{{open}}}}}}}")),
        ["channels.telegram.dm.disabled"]
    );
    for extra in [
        r#"plugins: {enabled: false}"#,
        r#"plugins: {deny: ["telegram"]}"#,
        r#"plugins: {entries: {telegram: {enabled: false}}}"#,
    ] {
        let cfg = format!("{{{extra}, channels: {{telegram: {{{open}}}}}}}");
        assert!(ids(&cfg).is_empty(), "{extra}");
    }
    // An allowlist without telegram does not block an explicitly configured channel.
    let cfg = format!(r#"{{plugins: {{allow: ["irc"]}}, channels: {{telegram: {{{open}}}}}}}"#);
    assert_eq!(ids(&cfg), ["channels.telegram.dm.disabled"]);
    let off = format!("{{channels: {{telegram: {{enabled: false, {open}}}}}}}");
    assert!(ids(&off).is_empty());
    let acct_off =
        format!(r#"{{channels: {{telegram: {{accounts: {{a: {{enabled: false, {open}}}}}}}}}}}"#);
    assert!(ids(&acct_off).is_empty());
}

#[test]
fn telegram_needs_a_token_source() {
    let open = r#"dmPolicy: "disabled""#;
    assert!(ids(&format!("{{channels: {{telegram: {{{open}}}}}}}")).is_empty());
    assert!(ids(&format!(
        r#"{{channels: {{telegram: {{botToken: "  ", {open}}}}}}}"#
    ))
    .is_empty());
    for token in [
        r#"botToken: "${TG_TOKEN}""#,
        r#"botToken: {source: "env", provider: "default", id: "MISSING_TG"}"#,
        r#"botToken: {source: "file", provider: "vault", id: "/tg"}"#,
        r#"tokenFile: "/run/secrets/missing""#,
    ] {
        let cfg = format!("{{channels: {{telegram: {{{token}, {open}}}}}}}");
        assert_eq!(ids(&cfg), ["channels.telegram.dm.disabled"], "{token}");
    }
    // TELEGRAM_BOT_TOKEN configures the default account only.
    let env = Host::new(&format!("{{channels: {{telegram: {{{open}}}}}}}"))
        .dotenv("TELEGRAM_BOT_TOKEN", "123:abc");
    assert_eq!(rows_of(&env.snapshot()).len(), 1);
    let named = Host::new(&format!(
        "{{channels: {{telegram: {{accounts: {{work: {{{open}}}}}}}}}}}"
    ))
    .dotenv("TELEGRAM_BOT_TOKEN", "123:abc");
    assert!(rows_of(&named.snapshot()).is_empty());
}

#[test]
fn environment_alone_needs_the_plugin_enabled() {
    let files = [store("telegram-allowFrom.json", r#"["1", "2"]"#)];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let env_only = Host::new("{}").dotenv("TELEGRAM_BOT_TOKEN", "123:abc");
    assert!(rows_of(&with_files(&env_only, &files)).is_empty());
    let enabled = Host::new(r#"{plugins: {entries: {telegram: {enabled: true}}}}"#)
        .dotenv("TELEGRAM_BOT_TOKEN", "123:abc");
    assert_eq!(
        rows_of(&with_files(&enabled, &files)),
        [r("channels.telegram.dm.scope_main_multiuser", Warn)]
    );
}

#[test]
fn signal_irc_and_imessage_configured_rules() {
    let open = r#"dmPolicy: "disabled""#;
    assert!(ids(&format!("{{channels: {{signal: {{{open}}}}}}}")).is_empty());
    for key in [
        r#"account: "+15550001""#,
        r#"httpUrl: "http://127.0.0.1:8080""#,
        "httpPort: 8080",
        "autoStart: false",
    ] {
        assert_eq!(
            ids(&format!("{{channels: {{signal: {{{key}, {open}}}}}}}")),
            ["channels.signal.dm.disabled"],
            "{key}"
        );
    }
    assert!(ids(&format!(
        r#"{{channels: {{irc: {{host: "irc.example.org", {open}}}}}}}"#
    ))
    .is_empty());
    assert_eq!(
        ids(&format!(
            r#"{{channels: {{irc: {{host: "h", nick: "n", {open}}}}}}}"#
        )),
        ["channels.irc.dm.disabled"]
    );
    let env = Host::new(&format!("{{channels: {{irc: {{{open}}}}}}}"))
        .dotenv("IRC_HOST", "irc.example.org")
        .dotenv("IRC_NICK", "bot");
    assert_eq!(
        rows_of(&env.snapshot()),
        [r("channels.irc.dm.disabled", Info)]
    );
    // iMessage is configured as soon as its section exists (the schema defaults count).
    assert_eq!(
        ids(&format!("{{channels: {{imessage: {{{open}}}}}}}")),
        ["channels.imessage.dm.disabled"]
    );
    assert_eq!(ids(r#"{channels: {imessage: {}}}"#), Vec::<String>::new());
}

// --- DM rows -------------------------------------------------------------------------------------

#[test]
fn dm_open_with_and_without_wildcard() {
    assert_eq!(
        rows(&format!(
            r#"{{channels: {{telegram: {{{TG}, dmPolicy: "open"}}}}}}"#
        )),
        [
            r("channels.telegram.dm.open", Critical),
            r("channels.telegram.dm.open_invalid", Warn)
        ]
    );
    // " * " counts after trimming; with "*" the DMs are multi-user too.
    assert_eq!(
        rows(&format!(
            r#"{{channels: {{telegram: {{{TG}, dmPolicy: "open", allowFrom: [" * "]}}}}}}"#
        )),
        [
            r("channels.telegram.dm.open", Critical),
            r("channels.telegram.dm.scope_main_multiuser", Warn)
        ]
    );
}

#[test]
fn dm_disabled_skips_the_scope_row() {
    assert_eq!(
        rows(&format!(
            r#"{{channels: {{telegram: {{{TG}, dmPolicy: "disabled", allowFrom: ["1", "2"]}}}}}}"#
        )),
        [r("channels.telegram.dm.disabled", Info)]
    );
    assert!(rows(&format!(
        r#"{{channels: {{telegram: {{{TG}, dmPolicy: "allowlist", allowFrom: ["1"]}}}}}}"#
    ))
    .is_empty());
}

#[test]
fn scope_main_multiuser_counts_distinct_principals() {
    let tg = |allow: &str, extra: &str| {
        ids(&format!(
            r#"{{{extra} channels: {{telegram: {{{TG}, dmPolicy: "allowlist", allowFrom: {allow}}}}}}}"#
        ))
    };
    let scope = vec!["channels.telegram.dm.scope_main_multiuser".to_string()];
    assert!(tg(r#"["123"]"#, "").is_empty());
    assert_eq!(tg(r#"["123", 456]"#, ""), scope);
    // Normalized duplicates are one principal.
    assert!(tg(r#"["tg:123", "123", " TELEGRAM:123 "]"#, "").is_empty());
    // Only the main scope shares a session.
    assert!(tg(
        r#"["1", "2"]"#,
        r#"session: {dmScope: "per-channel-peer"},"#
    )
    .is_empty());
    assert!(tg(r#"["1", "2"]"#, r#"session: {dmScope: "per-peer"},"#).is_empty());
    assert_eq!(tg(r#"["1", "2"]"#, r#"session: {dmScope: "main"},"#), scope);
}

#[test]
fn scope_reads_the_pairing_store_only_for_pairing() {
    let files = [store("telegram-allowFrom.json", r#"["456"]"#)];
    let pairing = format!(r#"{{channels: {{telegram: {{{TG}, allowFrom: ["123"]}}}}}}"#);
    assert_eq!(
        ids_with_store(&pairing, &files),
        ["channels.telegram.dm.scope_main_multiuser"]
    );
    let allowlist = format!(
        r#"{{channels: {{telegram: {{{TG}, dmPolicy: "allowlist", allowFrom: ["123"]}}}}}}"#
    );
    assert!(ids_with_store(&allowlist, &files).is_empty());
    // The same sender in config and store is one principal.
    let same = [store("telegram-allowFrom.json", r#"["tg:123"]"#)];
    assert!(ids_with_store(&pairing, &same).is_empty());
}

#[test]
fn pairing_store_files_per_account() {
    let cfg = format!("{{channels: {{telegram: {{{TG}}}}}}}");
    let scope = vec!["channels.telegram.dm.scope_main_multiuser".to_string()];
    // The default account merges <ch>-default-allowFrom.json and the legacy <ch>-allowFrom.json.
    let both = [
        store("telegram-default-allowFrom.json", r#"["1"]"#),
        store("telegram-allowFrom.json", r#"["2", "*", " "]"#),
    ];
    assert_eq!(ids_with_store(&cfg, &both), scope);
    assert!(ids_with_store(&cfg, &both[..1]).is_empty());
    // A named account reads only its own file.
    let named = format!(r#"{{channels: {{telegram: {{accounts: {{work: {{{TG}}}}}}}}}}}"#);
    assert!(ids_with_store(&named, &both).is_empty());
    assert_eq!(
        ids_with_store(
            &named,
            &[store("telegram-work-allowFrom.json", r#"["1", "2"]"#)]
        ),
        scope
    );
    // A non-string entry or non-JSON text empties that file.
    assert!(ids_with_store(
        &cfg,
        &[store("telegram-allowFrom.json", r#"["1", "2", 3]"#)]
    )
    .is_empty());
    let json5 = vec![(
        format!("{CRED}/telegram-allowFrom.json"),
        "{allowFrom: ['1', '2']}".to_string(),
    )];
    assert!(ids_with_store(&cfg, &json5).is_empty());
}

#[test]
fn pairing_store_from_the_state_db() {
    let cfg = format!(
        r#"{{channels: {{telegram: {{{TG}, allowFrom: ["1"]}}, signal: {{account: "+1555", allowFrom: ["+1555"]}}}}}}"#
    );
    let list = |channel: &str, account: Option<&str>, entries: &[&str]| PairingAllowlist {
        channel: channel.into(),
        account: account.map(String::from),
        entries: entries.iter().map(|e| e.to_string()).collect(),
    };
    let s = with_db(
        Host::new(&cfg).snapshot(),
        vec![
            list("signal", Some("other"), &["+1666"]),
            list("telegram", None, &["tg:2", "*"]),
        ],
    );
    assert_eq!(
        rows_of(&s),
        [r("channels.telegram.dm.scope_main_multiuser", Warn)]
    );
    // With the DB present the JSON files are not read.
    let files = [store("signal-allowFrom.json", r#"["+1777"]"#)];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let s = with_db(with_files(&Host::new(&cfg), &files), vec![]);
    assert!(rows_of(&s).is_empty());
    let s = with_files(&Host::new(&cfg), &files);
    assert_eq!(
        rows_of(&s),
        [r("channels.signal.dm.scope_main_multiuser", Warn)]
    );
}

#[test]
fn signal_entries_compare_as_e164() {
    let sig = |allow: &str| {
        ids(&format!(
            r#"{{channels: {{signal: {{account: "+15550001", dmPolicy: "allowlist", allowFrom: {allow}}}}}}}"#
        ))
    };
    assert!(sig(r#"["signal:+1 555 0002", "+15550002", "15550002"]"#).is_empty());
    assert_eq!(sig(r#"["+15550002", "+15550003"]"#).len(), 1);
    assert_eq!(normalize_dm("signal:tel:+1 (555) 000-1"), "+15550001");
}

fn normalize_dm(raw: &str) -> String {
    Channel::Signal.normalize_dm_entry(raw)
}

#[test]
fn irc_entries_are_case_insensitive() {
    let irc = |allow: &str| {
        ids(&format!(
            r#"{{channels: {{irc: {{host: "h", nick: "n", dmPolicy: "allowlist", allowFrom: {allow}}}}}}}"#
        ))
    };
    assert!(irc(r#"["Alice!a@host", "irc:user:alice!a@host"]"#).is_empty());
    assert_eq!(irc(r#"["alice!a@host", "bob!b@host"]"#).len(), 1);
}

// --- accounts, merge, de-duplication ------------------------------------------------------------

#[test]
fn root_policy_does_not_reach_named_telegram_accounts() {
    let cfg = r#"{channels: {telegram: {dmPolicy: "open", allowFrom: ["*"], groupPolicy: "open",
        accounts: {a: {botToken: "1:a"}, b: {botToken: "2:b", dmPolicy: "open", allowFrom: ["*"]}}}}}"#;
    // a: pairing (schema default) with the inherited "*" → multi-user; b: open. The scope rows collapse.
    assert_eq!(
        rows(cfg),
        [
            r("channels.telegram.dm.scope_main_multiuser", Warn),
            r("channels.telegram.dm.open", Critical)
        ]
    );
    let f = channel_findings(&Host::new(cfg).snapshot());
    assert!(
        f[0].detail.contains(r#"accounts "a", "b""#),
        "{}",
        f[0].detail
    );
    assert!(f[1]
        .detail
        .contains("channels.telegram.accounts.b.dmPolicy"));
}

#[test]
fn accounts_sharing_a_policy_path_collapse() {
    // A binding lists account "x" (no entry: the channel's settings apply) and the channel token adds
    // "default"; both report channels.telegram.dmPolicy, once.
    let cfg = r#"{channels: {telegram: {botToken: "1:a", dmPolicy: "open"}},
        bindings: [{agentId: "main", match: {channel: "telegram", accountId: "x"}}]}"#;
    let f = channel_findings(&Host::new(cfg).snapshot());
    let got: Vec<&str> = f.iter().map(|f| f.check_id.as_str()).collect();
    assert_eq!(
        got,
        [
            "channels.telegram.dm.open",
            "channels.telegram.dm.open_invalid"
        ]
    );
    assert!(
        f[0].detail.contains(r#"accounts "x", "default""#),
        "{}",
        f[0].detail
    );
    // Two accounts with their own entries keep separate findings.
    let two = r#"{channels: {telegram: {accounts: {a: {botToken: "1:a", dmPolicy: "open", allowFrom: ["*"]},
        b: {botToken: "2:b", dmPolicy: "open", allowFrom: ["*"]}}}}}"#;
    assert_eq!(
        ids(two),
        [
            "channels.telegram.dm.open",
            "channels.telegram.dm.scope_main_multiuser",
            "channels.telegram.dm.open"
        ]
    );
}

#[test]
fn mixed_case_account_key_uses_the_channel_path() {
    // "Work" is listed as "work": the merge finds its entry case-insensitively, the policy path does not.
    let cfg = r#"{channels: {telegram: {botToken: "1:a", allowFrom: ["1", "2"],
        accounts: {Work: {dmPolicy: "open", allowFrom: ["*"]}}}}}"#;
    let f = channel_findings(&Host::new(cfg).snapshot());
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.check_id.as_str(), f.subject.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "channels.telegram.dm.scope_main_multiuser",
                "telegram:default"
            ),
            ("channels.telegram.dm.open", "channels.telegram.dmPolicy"),
            (
                "channels.telegram.dm.open_invalid",
                "channels.telegram.allowFrom"
            ),
        ]
    );
}

#[test]
fn telegram_account_listing_and_default() {
    let ctx_list = |cfg: &str| {
        let snap = Host::new(cfg).snapshot();
        let ctx = Ctx::new(&snap);
        Channel::Telegram.accounts(&ctx).ordered()
    };
    assert_eq!(ctx_list("{}"), ["default"]);
    assert_eq!(
        ctx_list(r#"{channels: {telegram: {botToken: "x", accounts: {b: {}, A: {}}}}}"#),
        ["default", "a", "b"]
    );
    assert_eq!(
        ctx_list(r#"{channels: {telegram: {defaultAccount: "B", accounts: {a: {}, b: {}}}}}"#),
        ["b", "a"]
    );
    assert_eq!(
        ctx_list(r#"{channels: {telegram: {defaultAccount: "zz", accounts: {b: {}, a: {}}}}}"#),
        ["a", "b"]
    );
    assert_eq!(
        ctx_list(
            r#"{agents: {list: [{id: "ops"}]}, channels: {telegram: {accounts: {a: {}}}},
            bindings: [{agentId: "main", match: {channel: "telegram", accountId: "m"}},
                       {agentId: "Ops", match: {channel: "Telegram", accountId: "o"}}]}"#
        ),
        ["o", "a", "m"]
    );
}

#[test]
fn merged_allow_from_keeps_a_restrictive_channel_list() {
    let cfg = |acct: &str| {
        format!(
            r#"{{channels: {{telegram: {{botToken: "1:a", allowFrom: ["1", "2"], accounts: {{w: {{{acct}}}}}}}}}}}"#
        )
    };
    // "*" alone in the account does not widen the channel's list: still two principals, no "*".
    assert_eq!(
        ids(&cfg(r#"dmPolicy: "open", allowFrom: ["*"]"#)),
        // The default account (channel settings, pairing) comes first; "w" repeats its scope row.
        [
            "channels.telegram.dm.scope_main_multiuser",
            "channels.telegram.dm.open",
            "channels.telegram.dm.open_invalid"
        ]
    );
    // The account's own restrictive entries replace the channel's.
    let f = channel_findings(
        &Host::new(&cfg(r#"dmPolicy: "allowlist", allowFrom: ["*", "3"]"#)).snapshot(),
    );
    assert_eq!(f.len(), 1);
    assert!(
        f[0].detail.contains(r#"account "default""#),
        "{}",
        f[0].detail
    );
}

#[test]
fn dangerous_name_matching_rows() {
    let one = r#"{channels: {irc: {host: "h", nick: "n", dangerouslyAllowNameMatching: true}}}"#;
    let f = channel_findings(&Host::new(one).snapshot());
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].check_id,
        "channels.irc.allowFrom.dangerous_name_matching_enabled"
    );
    assert_eq!(f[0].severity, Info);
    assert!(!f[0].title.contains("account"));
    // Three accounts (the channel's host and nick add "default") inheriting the flag: three findings (the
    // reference's titles name each account).
    let two = r#"{channels: {irc: {host: "h", nick: "n", dangerouslyAllowNameMatching: true,
        accounts: {a: {}, b: {}}}}}"#;
    assert_eq!(
        ids(two),
        [
            "channels.irc.allowFrom.dangerous_name_matching_enabled",
            "channels.irc.allowFrom.dangerous_name_matching_enabled",
            "channels.irc.allowFrom.dangerous_name_matching_enabled"
        ]
    );
    assert!(ids(
        r#"{channels: {irc: {host: "h", nick: "n", dangerouslyAllowNameMatching: false}}}"#
    )
    .is_empty());
}

// --- warnings --------------------------------------------------------------------------------------

#[test]
fn warnings_are_numbered_across_the_collector() {
    let cfg = format!(
        r#"{{channels: {{irc: {{host: "h", nick: "n", tls: false}},
            telegram: {{{TG}, dmPolicy: "open", groupPolicy: "open"}}}}}}"#
    );
    assert_eq!(
        rows(&cfg),
        [
            r("channels.irc.warning.1", Info),
            r("channels.telegram.dm.open", Critical),
            r("channels.telegram.dm.open_invalid", Warn),
            r("channels.telegram.warning.4", Critical),
            r("channels.telegram.groups.allowFrom.missing", Critical),
        ]
    );
}

#[test]
fn numbering_counts_collapsed_findings() {
    // Two accounts share the scope row (collapsed), but both count towards <n>.
    let cfg = r#"{channels: {telegram: {botToken: "1:a", allowFrom: ["1", "2"], groupPolicy: "open"},
        imessage: {groupPolicy: "open"}}, bindings: [{agentId: "main", match: {channel: "telegram", accountId: "x"}}]}"#;
    assert_eq!(
        ids(cfg),
        [
            "channels.imessage.warning.1",
            "channels.telegram.dm.scope_main_multiuser",
            "channels.telegram.warning.3",
            "channels.telegram.groups.allowFrom.missing",
            "channels.telegram.warning.6",
        ]
    );
}

#[test]
fn irc_warnings() {
    let irc = |extra: &str| {
        rows(&format!(
            r#"{{channels: {{irc: {{host: "h", nick: "n"{extra}}}}}}}"#
        ))
    };
    assert!(irc("").is_empty());
    assert!(irc(", tls: true").is_empty());
    assert_eq!(irc(", tls: false"), [r("channels.irc.warning.1", Info)]);
    assert_eq!(
        irc(", nickserv: {register: true}"),
        [
            r("channels.irc.warning.1", Warn),
            r("channels.irc.warning.2", Warn)
        ]
    );
    assert_eq!(
        irc(r#", nickserv: {register: true, password: "fake-nickserv-pass"}"#),
        [r("channels.irc.warning.1", Warn)]
    );
    assert_eq!(
        irc(r#", groupPolicy: "open""#),
        [r("channels.irc.warning.1", Critical)]
    );
    // IRC_TLS=false turns TLS off for the default account only.
    let env = Host::new(r#"{channels: {irc: {host: "h", nick: "n"}}}"#).dotenv("IRC_TLS", "false");
    assert_eq!(
        rows_of(&env.snapshot()),
        [r("channels.irc.warning.1", Info)]
    );
    // IRC_NICKSERV_PASSWORD resolves the NickServ password of the default account.
    let env = Host::new(r#"{channels: {irc: {host: "h", nick: "n", nickserv: {register: true}}}}"#)
        .dotenv("IRC_NICKSERV_PASSWORD", "fake-ns");
    assert_eq!(
        rows_of(&env.snapshot()),
        [r("channels.irc.warning.1", Warn)]
    );
}

#[test]
fn open_groups_of_signal_and_imessage_are_critical() {
    assert_eq!(
        rows(
            r#"{channels: {signal: {account: "+1555", groupPolicy: "open"}, imessage: {groupPolicy: "open"}}}"#
        ),
        [
            r("channels.imessage.warning.1", Critical),
            r("channels.signal.warning.2", Critical)
        ]
    );
    // channels.defaults.groupPolicy never reaches them: the schema default "allowlist" is set first.
    assert!(rows(
        r#"{channels: {defaults: {groupPolicy: "open"}, signal: {account: "+1555"}, imessage: {}}}"#
    )
    .is_empty());
    // Named accounts get their own default.
    assert!(rows(
        r#"{channels: {signal: {groupPolicy: "open", accounts: {a: {account: "+1555"}}}}}"#
    )
    .is_empty());
}

#[test]
fn warning_severities_follow_the_reference_classification() {
    // The reference's classifier on the words it looks for.
    assert_eq!(classify(r#"x groupPolicy="open" y"#), Critical);
    assert_eq!(classify(r#"DMPOLICY="OPEN""#), Critical);
    assert_eq!(classify("DMs: open"), Critical);
    assert_eq!(classify("this allows any sender"), Critical);
    assert_eq!(classify("the room is public"), Critical);
    assert_eq!(classify("TLS is disabled"), Info);
    assert_eq!(classify("DMs are locked"), Info);
    assert_eq!(classify("NickServ registration is on"), Warn);
    // Every text we emit, with account ids that contain trigger words: the severity does not change.
    let cfg = r#"{channels: {
        irc: {host: "h", nick: "n", groupPolicy: "open", tls: false, nickserv: {register: true},
              accounts: {public: {}, locked: {}}},
        telegram: {accounts: {disabled: {botToken: "1:a", groupPolicy: "open"},
                              public: {botToken: "2:b", groupPolicy: "open", groups: {"-1": {}}}}},
        signal: {account: "+1555", groupPolicy: "open"}, imessage: {groupPolicy: "open"}}}"#;
    let f = channel_findings(&Host::new(cfg).snapshot());
    let warnings: Vec<&Finding> = f
        .iter()
        .filter(|f| f.check_id.contains(".warning."))
        .collect();
    // irc: 4 for "default", 3 for each named account (their groupPolicy defaults to allowlist); telegram 2;
    // signal 1; imessage 1.
    assert_eq!(warnings.len(), 4 + 3 + 3 + 2 + 1 + 1);
    for w in warnings {
        let expected = if w.detail.contains("groupPolicy=\"open\"") {
            Critical
        } else if w.detail.contains("TLS") {
            Info
        } else {
            Warn
        };
        assert_eq!(w.severity, expected, "{}", w.detail);
    }
}

// --- Telegram plugin findings ----------------------------------------------------------------------

#[test]
fn telegram_invalid_entries() {
    let cfg = |allow: &str| {
        format!(
            r#"{{session: {{dmScope: "per-channel-peer"}}, channels: {{telegram: {{{TG}, dmPolicy: "allowlist", allowFrom: {allow}}}}}}}"#
        )
    };
    assert!(ids(&cfg(r#"["123", "tg:456", "telegram:789", "*"]"#)).is_empty());
    let f = channel_findings(
        &Host::new(&cfg(r#"["@a", "-5", "b", "c", "d", "e", "tg:@a", "1"]"#)).snapshot(),
    );
    let inv: Vec<&Finding> = f
        .iter()
        .filter(|f| f.check_id == "channels.telegram.allowFrom.invalid_entries")
        .collect();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].severity, Warn);
    assert!(
        inv[0].detail.contains("@a, -5, b, c, d and 1 more"),
        "{}",
        inv[0].detail
    );
}

#[test]
fn telegram_group_sender_allowlists() {
    let tg = |extra: &str| ids(&format!("{{channels: {{telegram: {{{TG}{extra}}}}}}}"));
    // No group access: nothing.
    assert!(tg("").is_empty());
    assert!(tg(r#", groupAllowFrom: ["*"]"#).is_empty());
    // allowlist with groups → access on; nothing allows senders → missing.
    assert_eq!(
        tg(r#", groups: {"-100": {}}"#),
        ["channels.telegram.groups.allowFrom.missing"]
    );
    assert!(tg(r#", groups: {"-100": {}}, groupAllowFrom: ["123"]"#).is_empty());
    assert!(tg(r#", groups: {"-100": {allowFrom: ["123"]}}"#).is_empty());
    assert!(tg(r#", groups: {"-100": {topics: {"5": {allowFrom: ["123"]}}}}"#).is_empty());
    // A wildcard wins over "missing".
    assert_eq!(
        tg(r#", groupPolicy: "open", groupAllowFrom: ["*", "@y"]"#),
        [
            "channels.telegram.warning.1",
            "channels.telegram.allowFrom.invalid_entries",
            "channels.telegram.groups.allowFrom.wildcard"
        ]
    );
    // The pairing store allows senders too (and its entries are checked).
    let cfg = format!(r#"{{channels: {{telegram: {{{TG}, groups: {{"-100": {{}}}}}}}}}}"#);
    assert!(ids_with_store(&cfg, &[store("telegram-allowFrom.json", r#"["123"]"#)]).is_empty());
    assert_eq!(
        ids_with_store(&cfg, &[store("telegram-allowFrom.json", r#"["@bob"]"#)]),
        ["channels.telegram.allowFrom.invalid_entries"]
    );
}

#[test]
fn telegram_commands_text_off_checks_only_allow_from() {
    let cfg = format!(
        r#"{{commands: {{text: false}}, channels: {{telegram: {{{TG}, allowFrom: ["@x"], groupPolicy: "open", groupAllowFrom: ["*", "@y"]}}}}}}"#
    );
    let f = channel_findings(&Host::new(&cfg).snapshot());
    let got: Vec<&str> = f.iter().map(|f| f.check_id.as_str()).collect();
    assert_eq!(
        got,
        [
            "channels.telegram.warning.1",
            "channels.telegram.allowFrom.invalid_entries"
        ]
    );
    assert!(!f[1].detail.contains("@y"));
}

#[test]
fn telegram_groups_follow_the_account_merge() {
    // With several accounts the channel's groups are not inherited.
    let cfg = r#"{channels: {telegram: {botToken: "1:a", groups: {"-2": {}},
        accounts: {a: {groups: {"-1": {}}}, b: {}}}}}"#;
    assert_eq!(ids(cfg), ["channels.telegram.groups.allowFrom.missing"]);
    // With one account they are.
    let one = r#"{channels: {telegram: {botToken: "1:a", groups: {"-2": {}}, accounts: {b: {}}}}}"#;
    assert_eq!(ids(one), ["channels.telegram.groups.allowFrom.missing"]);
    // channels.defaults.groupPolicy does not reach a configured telegram (schema default first).
    assert!(
        ids(r#"{channels: {defaults: {groupPolicy: "open"}, telegram: {botToken: "1:a"}}}"#)
            .is_empty()
    );
}

#[test]
fn skill_commands_change_the_missing_finding() {
    let base = r#"channels: {telegram: {botToken: "1:a", groups: {"-1": {}}}}"#;
    let detail = |extra: &str| {
        channel_findings(&Host::new(&format!("{{{extra}{base}}}")).snapshot())[0]
            .detail
            .clone()
    };
    assert!(!detail("").contains("skill"));
    assert!(detail("commands: {nativeSkills: true},").contains("skill"));
}

// --- read-only resolution ----------------------------------------------------------------------------

#[test]
fn irc_unresolved_secret_ref_skips_the_account() {
    let cfg = r#"{channels: {irc: {host: "h", nick: "n", dmPolicy: "open",
        nickserv: {password: {source: "env", provider: "default", id: "MISSING_NS"}}}}}"#;
    let f = channel_findings(&Host::new(cfg).snapshot());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].check_id, "channels.irc.account.read_only_resolution");
    assert_eq!(f[0].severity, Warn);
    assert!(f[0].detail.contains("channels.irc.nickserv.password"));
    // The server password: IRC_PASSWORD is used first, so the reference never looks at the SecretRef.
    let pw = r#"{channels: {irc: {host: "h", nick: "n", password: {source: "env", provider: "default", id: "NOPE"}}}}"#;
    assert_eq!(ids(pw), ["channels.irc.account.read_only_resolution"]);
    let env = Host::new(pw).dotenv("IRC_PASSWORD", "fake-pass");
    assert!(rows_of(&env.snapshot()).is_empty());
    // A plain string is fine.
    assert!(ids(r#"{channels: {irc: {host: "h", nick: "n", password: "fake-pass"}}}"#).is_empty());
}

// --- helpers ---------------------------------------------------------------------------------------

#[test]
fn account_id_normalization() {
    assert_eq!(normalize_account_id(" Work "), "work");
    assert_eq!(normalize_account_id(""), "default");
    assert_eq!(normalize_account_id("My Bot!"), "my-bot");
    assert_eq!(normalize_account_id("__proto__"), "default");
    assert_eq!(normalize_optional_account_id("  "), None);
}

#[test]
fn locale_order() {
    let mut v = vec!["b", "B", "a", "a-b", "ab", "1", "_x"];
    v.sort_by(|a, b| locale_cmp(a, b));
    assert_eq!(v, ["_x", "1", "a", "a-b", "ab", "b", "B"]);
}

#[test]
fn pairing_file_keys() {
    assert_eq!(safe_key(" Tele/Gram "), Some("tele_gram".into()));
    assert_eq!(safe_key("a..b"), Some("a_b".into()));
    assert_eq!(safe_key("/"), None);
}

#[test]
fn every_check_has_a_definition() {
    for id in [
        "channels.telegram.account.read_only_resolution",
        "channels.irc.allowFrom.dangerous_name_matching_enabled",
        "channels.signal.dm.open",
        "channels.signal.dm.open_invalid",
        "channels.imessage.dm.disabled",
        "channels.telegram.dm.scope_main_multiuser",
        "channels.irc.warning.12",
        "channels.telegram.allowFrom.invalid_entries",
        "channels.telegram.groups.allowFrom.wildcard",
        "channels.telegram.groups.allowFrom.missing",
    ] {
        assert!(CHECKS.iter().any(|c| c.matches(id)), "{id}");
    }
}

#[test]
fn redacted_entries_audit_like_raw_ones() {
    // Secret-looking allowlist entries are redacted by capture; the findings must not depend on that.
    let raw = [
        "sk-aaaaaaaaaaaaaaaaaaaaaaaa",
        "sk-bbbbbbbbbbbbbbbbbbbbbbbb",
        " sk-aaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    let red = [
        "<<clawprint:secret c=1 len=27 trim=27>>",
        "<<clawprint:secret c=2 len=27 trim=27>>",
        "<<clawprint:secret c=1 len=28 trim=27>>",
    ];
    for (ch, acct) in [
        ("telegram", TG),
        ("signal", r#"account: "+1555""#),
        ("irc", r#"host: "h", nick: "n""#),
    ] {
        let cfg = |e: &[&str]| {
            format!(
                r#"{{channels: {{{ch}: {{{acct}, dmPolicy: "allowlist", groupPolicy: "open", allowFrom: ["{}", "{}", "{}"]}}}}}}"#,
                e[0], e[1], e[2]
            )
        };
        let a = channel_findings(&Host::new(&cfg(&raw)).snapshot());
        let b = channel_findings(&Host::new(&cfg(&red)).snapshot());
        assert_eq!(a, b, "{ch}");
        assert!(
            a.iter()
                .any(|f| f.check_id.ends_with("dm.scope_main_multiuser")),
            "{ch}"
        );
        assert!(!a.iter().any(|f| f.detail.contains("sk-")), "{ch}");
    }
}
