//! Exposure matrix and trust model: open groups combined with powerful tools, multi-user signals (catalogue §6.8).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::policy;
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::js_trim;

pub const CHECKS: &[CheckDef] = &[
    CheckDef::new("security.exposure.open_groups_with_elevated", Area::Exposure, "critical", false,
        "A channel or one of its accounts has `groupPolicy: \"open\"` (anyone can add the bot to a group and talk to it) while elevated tools are enabled (`tools.elevated.enabled` is not false). A prompt injection from any group member can then reach high-impact tools. Set `groupPolicy` to `allowlist`, or disable elevated tools."),
    CheckDef::new("security.exposure.open_groups_with_runtime_or_fs", Area::Exposure, "warn; critical when some context allows exec/process without sandbox mode `all`", false,
        "A channel has `groupPolicy: \"open\"` and some context (`agents.defaults` or an `agents.list` entry) allows the runtime tools (exec, process) or the file tools (read, write, edit, apply_patch) without a full sandbox (file tools also count only when `tools.fs.workspaceOnly` is not true). Group members can then run commands or touch files. Use the `messaging` profile or deny `group:runtime` and `group:fs`, set `tools.fs.workspaceOnly: true`, and `sandbox.mode: \"all\"` for exposed agents."),
    CheckDef::new("security.trust_model.multi_user_heuristic", Area::Exposure, "warn", false,
        "The channel config suggests several people can talk to this gateway (open DM or group policies, allowlists with `*`, group allowlists naming groups). OpenClaw's trust model is one trusted operator per gateway, not mutually untrusted users. Split untrusted users onto separate gateways and credentials, or sandbox everything (`agents.defaults.sandbox.mode: \"all\"`), keep `tools.fs.workspaceOnly: true` and deny runtime, file and web tools."),
];

/// Positions 19–20.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    exposure_matrix(&ctx.cfg, out);
    multi_user(&ctx.cfg, out);
}

/// The entries of an object whose values are objects.
fn object_entries(v: Option<&Value>) -> Vec<(&String, &serde_json::Map<String, Value>)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k, v.as_object()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn channel_sections(cfg: &Value) -> Vec<(&String, &serde_json::Map<String, Value>)> {
    object_entries(cfg.get("channels"))
}

fn accounts(
    section: &serde_json::Map<String, Value>,
) -> Vec<(&String, &serde_json::Map<String, Value>)> {
    object_entries(section.get("accounts"))
}

fn is_str(v: Option<&Value>, s: &str) -> bool {
    v.and_then(Value::as_str) == Some(s)
}

/// `channels.<id>.groupPolicy` and `channels.<id>.accounts.<acct>.groupPolicy` equal to `open`.
pub fn open_group_paths(cfg: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (id, section) in channel_sections(cfg) {
        if is_str(section.get("groupPolicy"), "open") {
            out.push(format!("channels.{id}.groupPolicy"));
        }
        for (acct, a) in accounts(section) {
            if is_str(a.get("groupPolicy"), "open") {
                out.push(format!("channels.{id}.accounts.{acct}.groupPolicy"));
            }
        }
    }
    out
}

/// Contexts whose runtime or file tools are not guarded, and whether one of them has unguarded runtime tools.
pub struct RiskyContexts {
    pub lines: Vec<String>,
    pub runtime_risk: bool,
}

pub fn risky_contexts(cfg: &Value) -> RiskyContexts {
    let mut contexts: Vec<(String, Option<&str>, Option<&Value>)> =
        vec![("agents.defaults".into(), None, None)];
    for (id, e) in policy::agents_with_ids(cfg) {
        contexts.push((format!("agents.list.{id}"), Some(id), e.get("tools")));
    }
    let mut lines = Vec::new();
    let mut runtime_risk = false;
    for (label, id, tools) in contexts {
        let mode = policy::sandbox_for(cfg, id).mode;
        let stack = policy::stack(cfg, tools, id, &mode, None);
        let runtime: Vec<&str> = ["exec", "process"]
            .into_iter()
            .filter(|t| policy::allowed(t, &stack))
            .collect();
        let fs: Vec<&str> = ["read", "write", "edit", "apply_patch"]
            .into_iter()
            .filter(|t| policy::allowed(t, &stack))
            .collect();
        let workspace_only = policy::field(policy::field(tools, "fs"), "workspaceOnly")
            .or_else(|| policy::field(cfg.pointer("/tools/fs"), "workspaceOnly"))
            == Some(&Value::Bool(true));
        let runtime_unguarded = !runtime.is_empty() && mode != "all";
        let fs_unguarded = !fs.is_empty() && mode != "all" && !workspace_only;
        if !runtime_unguarded && !fs_unguarded {
            continue;
        }
        runtime_risk |= runtime_unguarded;
        let list = |l: &[&str]| {
            if l.is_empty() {
                "none".to_string()
            } else {
                l.join(", ")
            }
        };
        lines.push(format!(
            "{label}: sandbox {mode}, runtime tools {}, file tools {}, tools.fs.workspaceOnly {workspace_only}",
            list(&runtime),
            list(&fs)
        ));
    }
    RiskyContexts {
        lines,
        runtime_risk,
    }
}

fn bullets(items: &[String]) -> String {
    items.iter().map(|s| format!("\n- {s}")).collect()
}

fn exposure_matrix(cfg: &Value, out: &mut Vec<Finding>) {
    let open = open_group_paths(cfg);
    if open.is_empty() {
        return;
    }
    if !cfg
        .pointer("/tools/elevated/enabled")
        .is_some_and(|v| v == &Value::Bool(false))
    {
        out.push(
            Finding::new(
                "security.exposure.open_groups_with_elevated",
                Severity::Critical,
                "Open groups can reach elevated tools",
                format!(
                    "groupPolicy is \"open\" at:{}\nand tools.elevated is enabled, so anyone in those groups can try to trigger elevated actions.",
                    bullets(&open)
                ),
            )
            .fix("Set groupPolicy to \"allowlist\" for those channels, and keep tools.elevated.allowFrom tight (or set tools.elevated.enabled to false).")
            .about("channels.groupPolicy"),
        );
    }
    let risky = risky_contexts(cfg);
    if !risky.lines.is_empty() {
        out.push(
            Finding::new(
                "security.exposure.open_groups_with_runtime_or_fs",
                Severity::warn_or_critical(risky.runtime_risk),
                "Open groups can reach shell or file tools",
                format!(
                    "groupPolicy is \"open\" at:{}\nContexts with unguarded runtime or file tools:{}",
                    bullets(&open),
                    bullets(&risky.lines)
                ),
            )
            .fix("For agents serving open groups use tools.profile \"messaging\" (or deny group:runtime and group:fs), set tools.fs.workspaceOnly to true, and set agents.defaults.sandbox.mode to \"all\".")
            .about("channels.groupPolicy"),
        );
    }
}

fn has_wildcard(v: Option<&Value>) -> bool {
    v.and_then(Value::as_array).is_some_and(|a| {
        a.iter().any(|e| match e {
            Value::String(s) => js_trim(s) == "*",
            _ => false,
        })
    })
}

fn has_group_targets(section: &serde_json::Map<String, Value>) -> bool {
    ["groups", "guilds", "channels", "rooms"]
        .iter()
        .any(|k| match section.get(*k) {
            Some(Value::Object(m)) => !m.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            _ => false,
        })
}

/// Channels whose config schema gives a channel section without `groupPolicy` the default `allowlist` (the
/// reference audits the config with schema defaults applied). Observed with the 2026.5.20 CLI.
const GROUP_POLICY_DEFAULT_ROOT: &[&str] = &[
    "discord",
    "feishu",
    "googlechat",
    "imessage",
    "irc",
    "line",
    "mattermost",
    "nextcloud-talk",
    "signal",
    "slack",
    "telegram",
    "whatsapp",
    "zalouser",
];
/// Channels whose schema also defaults `accounts.<id>.groupPolicy` to `allowlist`.
const GROUP_POLICY_DEFAULT_ACCOUNT: &[&str] = &[
    "discord",
    "googlechat",
    "imessage",
    "irc",
    "line",
    "mattermost",
    "nextcloud-talk",
    "signal",
    "telegram",
    "zalouser",
];

/// `groupPolicy` of a channel (or account) section, with the schema default where the channel has one.
fn group_policy<'a>(
    section: &'a serde_json::Map<String, Value>,
    channel: &str,
    account: bool,
) -> Option<&'a str> {
    match section.get("groupPolicy") {
        Some(v) if !v.is_null() => v.as_str(),
        _ => {
            let table = if account {
                GROUP_POLICY_DEFAULT_ACCOUNT
            } else {
                GROUP_POLICY_DEFAULT_ROOT
            };
            table.contains(&channel).then_some("allowlist")
        }
    }
}

/// The multi-user signals of one channel or account section.
fn section_signals(
    section: &serde_json::Map<String, Value>,
    channel: &str,
    account: bool,
    base: &str,
    out: &mut Vec<String>,
) {
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    match group_policy(section, channel, account) {
        Some("open") => add(format!("{base}.groupPolicy is \"open\"")),
        Some("allowlist") if has_group_targets(section) => add(format!(
            "{base}.groupPolicy is \"allowlist\" with groups listed"
        )),
        _ => {}
    }
    if is_str(section.get("dmPolicy"), "open") {
        add(format!("{base}.dmPolicy is \"open\""));
    }
    if has_wildcard(section.get("allowFrom")) {
        add(format!("{base}.allowFrom contains \"*\""));
    }
    if has_wildcard(section.get("groupAllowFrom")) {
        add(format!("{base}.groupAllowFrom contains \"*\""));
    }
    if let Some(dm) = section.get("dm").and_then(Value::as_object) {
        if is_str(dm.get("policy"), "open") {
            add(format!("{base}.dm.policy is \"open\""));
        }
        if has_wildcard(dm.get("allowFrom")) {
            add(format!("{base}.dm.allowFrom contains \"*\""));
        }
    }
}

pub fn multi_user_signals(cfg: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (id, section) in channel_sections(cfg) {
        let base = format!("channels.{id}");
        section_signals(section, id, false, &base, &mut out);
        for (acct, a) in accounts(section) {
            section_signals(a, id, true, &format!("{base}.accounts.{acct}"), &mut out);
        }
    }
    out
}

fn multi_user(cfg: &Value, out: &mut Vec<Finding>) {
    let signals = multi_user_signals(cfg);
    if signals.is_empty() {
        return;
    }
    let risky = risky_contexts(cfg);
    let mut detail = format!(
        "Signals that more than one person can reach this gateway:{}",
        bullets(&signals)
    );
    if risky.lines.is_empty() {
        detail.push_str("\nNo context exposes runtime or file tools without a sandbox.");
    } else {
        detail.push_str(&format!(
            "\nContexts with unguarded runtime or file tools:{}",
            bullets(&risky.lines)
        ));
    }
    out.push(
        Finding::new(
            "security.trust_model.multi_user_heuristic",
            Severity::Warn,
            "This gateway looks shared by several users",
            detail,
        )
        .fix("Give mutually untrusted users separate gateways and credentials; for deliberate shared use set agents.defaults.sandbox.mode to \"all\", tools.fs.workspaceOnly to true, and deny runtime, file and web tools that are not needed.")
        .about("channels"),
    );
}

#[cfg(test)]
mod tests {
    use crate::audit::finding::Severity;
    use crate::audit::testkit::Host;

    fn sev(cfg: &str, id: &str) -> Option<Severity> {
        Host::new(cfg)
            .findings()
            .into_iter()
            .find(|f| f.check_id == id)
            .map(|f| f.severity)
    }

    const EL: &str = "security.exposure.open_groups_with_elevated";
    const RF: &str = "security.exposure.open_groups_with_runtime_or_fs";
    const MU: &str = "security.trust_model.multi_user_heuristic";

    #[test]
    fn open_groups_with_elevated() {
        assert_eq!(
            sev(r#"{channels: {irc: {groupPolicy: "open"}}}"#, EL),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(
                r#"{channels: {irc: {accounts: {a: {groupPolicy: "open"}}}}}"#,
                EL
            ),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, tools: {elevated: {enabled: false}}}"#,
                EL
            ),
            None
        );
        // Deeper levels and dmPolicy do not count.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groups: {g: {groupPolicy: "open"}}}}}"#,
                EL
            ),
            None
        );
        assert_eq!(sev(r#"{channels: {irc: {dmPolicy: "open"}}}"#, EL), None);
        assert_eq!(
            sev(r#"{channels: {irc: {groupPolicy: "allowlist"}}}"#, EL),
            None
        );
    }

    #[test]
    fn open_groups_with_runtime_or_fs() {
        // Defaults: everything allowed, no sandbox: critical.
        assert_eq!(
            sev(r#"{channels: {irc: {groupPolicy: "open"}}}"#, RF),
            Some(Severity::Critical)
        );
        // Runtime denied: fs still unguarded: warn.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, tools: {deny: ["group:runtime"]}}"#,
                RF
            ),
            Some(Severity::Warn)
        );
        // Runtime denied and fs workspace-only: nothing.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, tools: {deny: ["group:runtime"], fs: {workspaceOnly: true}}}"#,
                RF
            ),
            None
        );
        // Messaging profile: no runtime, no fs.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, tools: {profile: "messaging"}}"#,
                RF
            ),
            None
        );
        // Sandbox all everywhere: guarded.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, agents: {defaults: {sandbox: {mode: "all"}}}}"#,
                RF
            ),
            None
        );
        // One agent escapes the sandbox: critical.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, agents: {defaults: {sandbox: {mode: "all"}}, list: [{id: "x", sandbox: {mode: "off"}}]}}"#,
                RF
            ),
            Some(Severity::Critical)
        );
        // An agent's workspaceOnly false overrides a global true.
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "open"}}, tools: {deny: ["group:runtime"], fs: {workspaceOnly: true}}, agents: {list: [{id: "x", tools: {fs: {workspaceOnly: false}}}]}}"#,
                RF
            ),
            Some(Severity::Warn)
        );
        assert_eq!(sev("{}", RF), None);
    }

    #[test]
    fn multi_user_signals() {
        let cfg = serde_json::json!({"channels": {
            "irc": {"groupPolicy": "allowlist", "groups": {"#a": {}}, "allowFrom": [" * "]},
            "telegram": {"accounts": {"x": {"dm": {"policy": "open", "allowFrom": ["*"]}, "groupAllowFrom": ["*"]}}},
            "signal": {"groupPolicy": "allowlist", "groups": {}},
        }});
        assert_eq!(
            super::multi_user_signals(&cfg),
            [
                "channels.irc.groupPolicy is \"allowlist\" with groups listed",
                "channels.irc.allowFrom contains \"*\"",
                "channels.telegram.accounts.x.groupAllowFrom contains \"*\"",
                "channels.telegram.accounts.x.dm.policy is \"open\"",
                "channels.telegram.accounts.x.dm.allowFrom contains \"*\"",
            ]
        );
        assert_eq!(
            sev(r#"{channels: {irc: {dmPolicy: "open"}}}"#, MU),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(
                r#"{channels: {irc: {dmPolicy: "pairing", allowFrom: ["a"]}}}"#,
                MU
            ),
            None
        );
        assert_eq!(
            sev(
                r#"{channels: {irc: {groupPolicy: "allowlist", groups: {}}}}"#,
                MU
            ),
            None
        );
        // Schema default: an unset groupPolicy is `allowlist` for telegram (root and accounts), not for matrix,
        // and for whatsapp only at the root.
        assert_eq!(
            sev(r#"{channels: {telegram: {groups: {"-1": {}}}}}"#, MU),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(
                r#"{channels: {telegram: {accounts: {a: {groups: {"-1": {}}}}}}}"#,
                MU
            ),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(r#"{channels: {matrix: {groups: {"r": {}}}}}"#, MU),
            None
        );
        assert_eq!(
            sev(
                r#"{channels: {whatsapp: {accounts: {a: {groups: {"g": {}}}}}}}"#,
                MU
            ),
            None
        );
        assert_eq!(
            sev(r#"{channels: {whatsapp: {groups: {"g": {}}}}}"#, MU),
            Some(Severity::Warn)
        );
    }
}
