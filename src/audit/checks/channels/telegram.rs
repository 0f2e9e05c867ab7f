//! Telegram: accounts as its setup plugin lists and inspects them, its group warning, and its own findings.
//!
//! - Accounts: the keys of `accounts` (normalized), accounts named by `bindings[].match.accountId` for channel
//!   `telegram`, and an implicit `default` when the channel has a `botToken` / `tokenFile` or
//!   `TELEGRAM_BOT_TOKEN` is set. The default account: the one bound to the default agent, else a listed
//!   `defaultAccount`, else `default` when listed, else the first.
//! - Merge: `{...channel minus accounts/defaultAccount/groups, ...account}`; `groups` come from the account
//!   (with more than one account, only from the account); `allowFrom` is the account's, except that an account
//!   `"*"` does not widen a restrictive channel list.
//! - Configured: a token source exists (account or channel `tokenFile`, `botToken` as a non-blank string or a
//!   SecretRef, or `TELEGRAM_BOT_TOKEN` for the default account). A token that is configured but unavailable
//!   still counts, as in the reference's read-only inspection.

use serde_json::{Map, Value};

use super::{
    account_enabled, account_entry, account_entry_key, combine_ids, configured_default, has_value,
    identity, listed_default, locate, non_blank, normalize_account_id, normalized_account_ids,
    open_group_warning, pairing_store, secret_ref, shown, source_section, Account, AccountList,
    Channel, Collector, Warning, ACCOUNTS,
};
use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::config::paths::{dash_runs, default_agent_id};
use crate::config::secret::js_trim;

/// Strip a `telegram:` / `tg:` prefix (case-insensitive).
pub(super) fn strip_prefix(raw: &str) -> &str {
    for p in ["telegram:", "tg:"] {
        if raw.len() >= p.len()
            && raw.is_char_boundary(p.len())
            && raw[..p.len()].eq_ignore_ascii_case(p)
        {
            return &raw[p.len()..];
        }
    }
    raw
}

/// `normalizeTelegramAllowFromEntry`: strings and numbers, trimmed, prefix stripped, trimmed again.
fn normalize_entry(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    js_trim(strip_prefix(js_trim(&s))).to_string()
}

fn is_numeric_sender(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Accounts bound to Telegram by `bindings`: `(agent id, account id)`.
fn bindings(src: &Value) -> Vec<(String, String)> {
    let Some(list) = src.get("bindings").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|b| {
            let m = b.get("match")?;
            let channel = m.get("channel")?.as_str()?;
            if js_trim(channel).to_lowercase() != "telegram" {
                return None;
            }
            let acct = m.get("accountId").and_then(Value::as_str).unwrap_or("");
            if js_trim(acct).is_empty() || js_trim(acct) == "*" {
                return None;
            }
            let agent = b.get("agentId").and_then(Value::as_str).unwrap_or("");
            Some((normalize_agent(agent), normalize_account_id(acct)))
        })
        .collect()
}

/// The Telegram plugin's own agent-id normalization (no length cap).
fn normalize_agent(raw: &str) -> String {
    let t = dash_runs(&js_trim(raw).to_lowercase());
    if t.is_empty() {
        "main".into()
    } else {
        t
    }
}

pub(super) fn accounts(ctx: &Ctx) -> AccountList {
    let src = &ctx.source;
    let sec = source_section(ctx, "telegram");
    let configured = normalized_account_ids(sec);
    let bound = bindings(src);
    let mut bound_ids: Vec<String> = Vec::new();
    for (_, a) in &bound {
        if !bound_ids.contains(a) {
            bound_ids.push(a.clone());
        }
    }
    bound_ids.sort_by(|a, b| super::locale_cmp(a, b));
    let implicit = sec.is_some_and(|s| {
        has_value(s.get("botToken"))
            || has_value(s.get("tokenFile"))
            || ctx.env_value("TELEGRAM_BOT_TOKEN").is_some()
    });
    let ids = combine_ids(configured, bound_ids, implicit);
    let default_agent = default_agent_id(src);
    let default = match bound.iter().find(|(agent, _)| *agent == default_agent) {
        Some((_, a)) => a.clone(),
        None => listed_default(&ids, configured_default(sec)),
    };
    AccountList { default, ids }
}

/// `resolveMergedAllowFrom`.
fn merged_allow_from(base: Option<&Value>, account: Option<&Value>) -> Option<Value> {
    let entries = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .map(|e| js_trim(&super::js_string(e)).to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let restrictive = entries(base).iter().any(|e| !e.is_empty() && e != "*");
    let account_wildcard = entries(account).iter().any(|e| e == "*");
    if base.is_some_and(Value::is_array)
        && restrictive
        && account.is_some_and(Value::is_array)
        && account_wildcard
    {
        let kept: Vec<Value> = account
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter(|e| js_trim(&super::js_string(e)) != "*")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        return if kept.is_empty() {
            base.cloned()
        } else {
            Some(Value::Array(kept))
        };
    }
    match account {
        Some(v) if !v.is_null() => Some(v.clone()),
        _ => base.cloned(),
    }
}

fn non_empty_object(v: Option<&Value>) -> bool {
    v.and_then(Value::as_object).is_some_and(|o| !o.is_empty())
}

/// A token value the read-only inspection accepts as configured: a non-blank string or a SecretRef.
fn token_value(v: Option<&Value>) -> bool {
    non_blank(v) || secret_ref(v).is_some()
}

pub(super) fn resolve(ctx: &Ctx, listed: &str) -> Account {
    let (id, sec, entry_key) = locate(ctx, Channel::Telegram, listed, account_entry_key);
    let accounts = sec.as_ref().and_then(|s| s.get("accounts"));
    let entry_obj = account_entry(sec.as_ref(), entry_key.as_deref()).and_then(Value::as_object);
    let base: Map<String, Value> = sec
        .as_ref()
        .map(|s| {
            s.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "accounts" | "defaultAccount" | "groups"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let multi = accounts
        .and_then(Value::as_object)
        .is_some_and(|a| a.len() > 1);
    let account_groups = entry_obj.and_then(|a| a.get("groups"));
    let groups = if multi || non_empty_object(account_groups) {
        account_groups.cloned()
    } else {
        sec.as_ref().and_then(|s| s.get("groups")).cloned()
    };
    let allow_from = merged_allow_from(
        base.get("allowFrom"),
        entry_obj.and_then(|a| a.get("allowFrom")),
    );
    let mut config = base.clone();
    if let Some(a) = entry_obj {
        config.extend(a.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    config.remove("allowFrom");
    config.remove("groups");
    if let Some(a) = allow_from {
        config.insert("allowFrom".into(), a);
    }
    if let Some(g) = groups {
        config.insert("groups".into(), g);
    }
    let enabled = account_enabled(sec.as_ref(), &config);
    let root = sec.as_ref();
    // A SecretRef that did not resolve is dropped from `cfg`, but the channel still counts as configured
    // ("configured but unavailable"): look at the config before ref resolution too.
    let unresolved = ctx
        .source_config
        .pointer("/channels/telegram")
        .and_then(Value::as_object);
    let unresolved_entry = entry_key.as_deref().and_then(|k| {
        unresolved
            .and_then(|s| s.get("accounts"))
            .and_then(|a| a.get(k))
            .and_then(Value::as_object)
    });
    let has_token = |m: Option<&Map<String, Value>>| {
        m.is_some_and(|a| non_blank(a.get("tokenFile")) || token_value(a.get("botToken")))
    };
    let configured = has_token(entry_obj)
        || has_token(root)
        || has_token(unresolved_entry)
        || has_token(unresolved)
        || (id == "default" && ctx.env_value("TELEGRAM_BOT_TOKEN").is_some());
    Account {
        id: listed.to_string(),
        enabled,
        configured,
        config,
        entry_key,
        nickserv_password: false,
    }
}

pub(super) fn warnings(ctx: &Ctx, acct: &Account) -> Vec<Warning> {
    let route = non_empty_object(acct.get("groups"));
    open_group_warning(ctx, Channel::Telegram, acct, Some(route))
}

/// The reference's `collectTelegramSecurityAuditFindings`.
pub(super) fn plugin_findings(ctx: &Ctx, col: &mut Collector, acct: &Account) {
    let subject = format!("telegram:{}", acct.id);
    // Insertion-ordered set of invalid (non-numeric) entries.
    let mut invalid: Vec<String> = Vec::new();
    let list = |v: Option<&Value>| -> Vec<Value> {
        v.and_then(Value::as_array).cloned().unwrap_or_default()
    };
    collect_invalid(
        &mut list(acct.get("allowFrom")).iter().map(normalize_entry),
        &mut invalid,
    );
    if ctx.is_false("/commands/text") {
        invalid_row(col, acct, &subject, &invalid);
        return;
    }
    // Unlike the warning, this reads `channels.defaults.groupPolicy` even without a `channels.telegram` section.
    let group_policy = acct
        .get_str("groupPolicy")
        .or_else(|| ctx.get_str("/channels/defaults/groupPolicy"))
        .unwrap_or("allowlist");
    let groups = acct.get("groups").and_then(Value::as_object);
    let groups_configured = groups.is_some_and(|g| !g.is_empty());
    if !(group_policy == "open" || (group_policy == "allowlist" && groups_configured)) {
        invalid_row(col, acct, &subject, &invalid);
        return;
    }
    let store = pairing_store(ctx, "telegram", &acct.id);
    collect_invalid(
        &mut store
            .iter()
            .map(|s| normalize_entry(&Value::String(s.clone()))),
        &mut invalid,
    );
    let group_allow = list(acct.get("groupAllowFrom"));
    let group_wildcard = group_allow
        .iter()
        .any(|v| js_trim(&super::js_string(v)) == "*");
    collect_invalid(&mut group_allow.iter().map(normalize_entry), &mut invalid);
    let mut group_override = false;
    for g in groups.into_iter().flat_map(|g| g.values()) {
        let Some(g) = g.as_object() else { continue };
        let allow = list(g.get("allowFrom"));
        if !allow.is_empty() {
            group_override = true;
            collect_invalid(&mut allow.iter().map(normalize_entry), &mut invalid);
        }
        let Some(topics) = g.get("topics").and_then(Value::as_object) else {
            continue;
        };
        for t in topics.values() {
            let Some(t) = t.as_object() else { continue };
            let allow = list(t.get("allowFrom"));
            if !allow.is_empty() {
                group_override = true;
            }
            collect_invalid(&mut allow.iter().map(normalize_entry), &mut invalid);
        }
    }
    let any_sender_allowlist = !store.is_empty() || !group_allow.is_empty() || group_override;
    invalid_row(col, acct, &subject, &invalid);
    let policy_path = acct.key_path(ctx, Channel::Telegram, "groupPolicy");
    let allow_path = acct.key_path(ctx, Channel::Telegram, "groupAllowFrom");
    if group_wildcard {
        col.push(
            Finding::new(
                "channels.telegram.groups.allowFrom.wildcard",
                Severity::Critical,
                "Telegram group sender allowlist is \"*\"",
                format!(
                    "Group access is on for {ACCOUNTS} ({policy_path}) and {allow_path} contains \"*\": every \
                     member of an allowed group can run slash commands and control directives."
                ),
            )
            .fix(format!(
                "Replace \"*\" in {allow_path} with the numeric Telegram user ids allowed to command the bot."
            ))
            .about(allow_path),
            "",
            &acct.id,
        );
        return;
    }
    if !any_sender_allowlist {
        let skills = skills_enabled(ctx, acct);
        col.push(
            Finding::new(
                "channels.telegram.groups.allowFrom.missing",
                Severity::Critical,
                "Telegram group commands have no sender allowlist",
                format!(
                    "Group access is on for {ACCOUNTS} ({policy_path}) but no group sender allowlist exists \
                     ({allow_path}, per-group and per-topic allowFrom and the pairing store are all empty), so \
                     any member of an allowed group can run slash commands{}.",
                    if skills { ", skill commands included" } else { "" }
                ),
            )
            .fix(format!(
                "Approve your own account through pairing (`openclaw pairing list telegram`), or list numeric \
                 user ids in {allow_path} or in groups.<id>.allowFrom."
            ))
            .about(subject),
            if skills { "skills" } else { "" },
            &acct.id,
        );
    }
}

/// `resolveNativeSkillsEnabled` with no loaded plugin: explicit `true` / `false` (account, else global) wins,
/// anything else is off.
fn skills_enabled(ctx: &Ctx, acct: &Account) -> bool {
    let provider = acct.get("commands").and_then(|c| c.get("nativeSkills"));
    let setting = match provider {
        None => ctx.get("/commands/nativeSkills"),
        p => p,
    };
    setting == Some(&Value::Bool(true))
}

fn invalid_row(col: &mut Collector, acct: &Account, subject: &str, invalid: &[String]) {
    if invalid.is_empty() {
        return;
    }
    let examples: Vec<String> = invalid.iter().take(5).map(|e| shown(e)).collect();
    let more = invalid.len().saturating_sub(examples.len());
    let more_text = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let key = format!(
        "{}\n{more}",
        invalid
            .iter()
            .take(5)
            .map(|e| identity(e))
            .collect::<Vec<_>>()
            .join("\n")
    );
    col.push(
        Finding::new(
            "channels.telegram.allowFrom.invalid_entries",
            Severity::Warn,
            "Telegram allowlists contain non-numeric entries",
            format!(
                "Telegram matches senders by numeric user id, but the allowlists of {ACCOUNTS} contain {}{more_text}; \
                 such entries never match anyone.",
                examples.join(", ")
            ),
        )
        .fix(
            "Replace @usernames and other non-numeric entries with numeric Telegram user ids (group chat ids \
             belong under channels.telegram.groups), then run the audit again.",
        )
        .about(subject.to_string()),
        key,
        &acct.id,
    );
}

/// Add the non-numeric entries (not blank, not `"*"`) to the insertion-ordered set `invalid`.
fn collect_invalid(values: &mut dyn Iterator<Item = String>, invalid: &mut Vec<String>) {
    for n in values {
        if n.is_empty() || n == "*" || is_numeric_sender(&n) {
            continue;
        }
        if !invalid.iter().any(|i| identity(i) == identity(&n)) {
            invalid.push(n);
        }
    }
}
