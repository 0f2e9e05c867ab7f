//! Channel security (position 28): DM and group policies per account of the bundled channel plugins, their
//! numbered warnings, and Telegram's own sender-allowlist findings.
//!
//! How the reference (2026.5.20) runs it, and so how this module does:
//!
//! - Only the bundled channels with a security adapter are audited, in plugin-id order: `imessage`, `irc`,
//!   `signal`, `telegram` (one file each here). A channel is in scope when `channels.<id>` is an object without
//!   `enabled: false` and the plugin policy does not block it (`plugins.enabled: false`, `plugins.deny`,
//!   `plugins.entries.<id>.enabled: false`). Environment variables alone (`TELEGRAM_BOT_TOKEN`, `IRC_HOST`, …)
//!   bring a channel into scope only when `plugins.entries.<id>.enabled` is `true`.
//! - Accounts: `[default account, ...listed accounts]` without repeats; each is resolved the way the channel's
//!   setup plugin resolves it and skipped unless enabled and configured. The config seen by the checks has the
//!   schema defaults of the channel applied at the channel level *and* in every `accounts.<id>` object
//!   (`dmPolicy: "pairing"`, `groupPolicy: "allowlist"`), which is why a channel-level policy never reaches a named
//!   account.
//! - Per account, in this order: `account.read_only_resolution` (only before the enabled/configured gate),
//!   `allowFrom.dangerous_name_matching_enabled`, `dm.open`, `dm.open_invalid`, `dm.disabled`,
//!   `dm.scope_main_multiuser`, the numbered `warning.<n>` rows, then (Telegram) the plugin findings.
//! - `<n>` is the number of channel findings pushed so far in the whole collector, plus one.
//! - At the end exact duplicates are dropped. The reference compares checkId, severity, title, detail and
//!   remediation; our texts differ from the reference's, so every finding carries the *reference's* identity
//!   (what its texts depend on: the policy path for `dm.open`, nothing for `dm.scope_main_multiuser`, …) and we
//!   collapse on that. A collapsed finding names every account it stands for.
//!
//! Warning severities: the reference derives them from the warning text ([`classify`]). Our warning texts are our
//! own, written so that the same classifier gives them the severity the reference's text gets: open group
//! policies contain `groupPolicy="open"` (critical), the TLS warning says "disabled" (info), the NickServ ones
//! contain none of the trigger words (warn). A unit test checks every text we emit against its expected
//! severity.

mod imessage;
mod irc;
mod signal;
mod store;
mod telegram;

use store::pairing_store;
#[cfg(test)]
use store::safe_key;

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::paths::dash_runs;
use crate::config::redact::looks_like_secret_value;
use crate::config::secret::{js_trim, looks_like_marker, Str};

const CHANNEL: Family = Family(Area::Channels);

pub const CHECKS: &[CheckDef] = &[
    CHANNEL.check("channels.<id>.account.read_only_resolution", "warn",
        "A channel account could not be resolved from the config alone, so the channel audit skipped it and its DM and group policies were not checked. Among the bundled channels this happens only for IRC, when `password` or `nickserv.password` is a SecretRef that did not resolve (OpenClaw's schema accepts only strings there, so OpenClaw itself refuses such a config before auditing). Make the secret resolvable where the audit runs, or use a plain string or `passwordFile`."),
    CHANNEL.check("channels.<id>.allowFrom.dangerous_name_matching_enabled", "info",
        "`dangerouslyAllowNameMatching: true` on a channel or account makes sender allowlists match mutable display names, nicks or e-mail addresses again, which anyone can change to impersonate an allowed sender. Use stable sender ids in `allowFrom` and remove the flag."),
    CHANNEL.check("channels.<id>.dm.open", "critical",
        "The account's DM policy (`channels.<id>.dmPolicy` or `channels.<id>.accounts.<account>.dmPolicy`) is `open`: anyone who finds the bot can message it and drive the agent. Use `pairing` (approve each sender) or `allowlist` with explicit sender ids."),
    CHANNEL.check("channels.<id>.dm.open_invalid", "warn",
        "The DM policy is `open` but the matching `allowFrom` list has no `\"*\"` entry. OpenClaw expects an open policy to be spelled out with `\"*\"`; the mismatch usually means the policy was opened by mistake. Add `\"*\"` if open DMs are intended, otherwise go back to `pairing` or `allowlist`."),
    CHANNEL.check("channels.<id>.dm.disabled", "info",
        "The DM policy is `disabled`: the account ignores direct messages. Informational; nothing to do if intended."),
    CHANNEL.check("channels.<id>.dm.scope_main_multiuser", "warn",
        "More than one person can DM the account (`allowFrom` contains `\"*\"`, or more than one distinct sender across `allowFrom` and, with the `pairing` policy, the pairing store) while `session.dmScope` is `main`, so all of them share one conversation and can read each other's context. Set `session.dmScope` to `per-channel-peer` (or `per-account-channel-peer`)."),
    CHANNEL.check("channels.<id>.warning.<n>", "by message: critical for an open group policy, info for IRC with TLS disabled, warn otherwise",
        "A security warning of the channel plugin: open group policies (any group member, or any group, can trigger the bot), IRC without TLS, IRC NickServ registration left on or without a password. `<n>` counts the channel findings emitted before it. Restrict `groupPolicy` to `allowlist` with explicit groups and senders, enable TLS, and turn registration off once done."),
    CHANNEL.check("channels.telegram.allowFrom.invalid_entries", "warn",
        "A Telegram sender allowlist (`allowFrom`, and when group access is on also `groupAllowFrom`, per-group and per-topic `allowFrom` and the pairing store) has entries that are not numeric Telegram user ids (e.g. `@username`). Telegram authorizes senders by numeric id, so these entries never match. Replace them with numeric user ids."),
    CHANNEL.check("channels.telegram.groups.allowFrom.wildcard", "critical",
        "Telegram group access is on (`groupPolicy` `open`, or `allowlist` with groups configured) and `groupAllowFrom` contains `\"*\"`: every member of an allowed group can run commands and control directives. List numeric user ids instead."),
    CHANNEL.check("channels.telegram.groups.allowFrom.missing", "critical",
        "Telegram group access is on but no group sender allowlist exists (no `groupAllowFrom`, no per-group or per-topic `allowFrom`, nothing in the pairing store), so any member of an allowed group can invoke commands. Approve yourself through pairing or set `channels.telegram.groupAllowFrom`."),
];

/// The audited channel plugins, in the reference's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    IMessage,
    Irc,
    Signal,
    Telegram,
}

const CHANNELS: [Channel; 4] = [
    Channel::IMessage,
    Channel::Irc,
    Channel::Signal,
    Channel::Telegram,
];

impl Channel {
    fn id(self) -> &'static str {
        match self {
            Channel::IMessage => "imessage",
            Channel::Irc => "irc",
            Channel::Signal => "signal",
            Channel::Telegram => "telegram",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Channel::IMessage => "iMessage",
            Channel::Irc => "IRC",
            Channel::Signal => "Signal",
            Channel::Telegram => "Telegram",
        }
    }

    /// `[default, ...listed]` account ids, from the source config.
    fn accounts(self, ctx: &Ctx) -> AccountList {
        match self {
            Channel::IMessage => imessage::accounts(ctx),
            Channel::Irc => irc::accounts(ctx),
            Channel::Signal => signal::accounts(ctx),
            Channel::Telegram => telegram::accounts(ctx),
        }
    }

    fn resolve(self, ctx: &Ctx, id: &str) -> Result<Account, Unresolved> {
        match self {
            Channel::IMessage => Ok(resolve_merged(ctx, self, id, imessage::configured)),
            Channel::Irc => irc::resolve(ctx, id),
            Channel::Signal => Ok(resolve_merged(ctx, self, id, signal::configured)),
            Channel::Telegram => Ok(telegram::resolve(ctx, id)),
        }
    }

    /// The DM adapter's entry normalization (applied after trimming; the result is trimmed again).
    fn normalize_dm_entry(self, raw: &str) -> String {
        match self {
            Channel::IMessage => raw.to_string(),
            Channel::Irc => irc::normalize_allow_entry(raw),
            Channel::Signal => signal::normalize_dm_entry(raw),
            Channel::Telegram => telegram::strip_prefix(raw).to_string(),
        }
    }

    fn warnings(self, ctx: &Ctx, acct: &Account) -> Vec<Warning> {
        match self {
            Channel::IMessage | Channel::Signal => open_group_warning(ctx, self, acct, None),
            Channel::Irc => irc::warnings(ctx, acct),
            Channel::Telegram => telegram::warnings(ctx, acct),
        }
    }
}

/// Listed accounts of a channel.
struct AccountList {
    default: String,
    ids: Vec<String>,
}

impl AccountList {
    /// The listing of the channels without bindings: the configured ids plus an implicit `default`
    /// ([`combine_ids`]), and the section's `defaultAccount` when listed ([`listed_default`]).
    fn new(
        sec: Option<&Map<String, Value>>,
        configured: Vec<String>,
        implicit_default: bool,
    ) -> AccountList {
        let ids = combine_ids(configured, Vec::new(), implicit_default);
        let default = listed_default(&ids, configured_default(sec));
        AccountList { default, ids }
    }

    /// `[default, ...ids]`, first occurrence kept.
    fn ordered(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        std::iter::once(&self.default)
            .chain(&self.ids)
            .filter(|id| seen.insert(id.as_str()))
            .cloned()
            .collect()
    }
}

/// One resolved account.
struct Account {
    /// The id as listed (the reference passes it unchanged to the policy resolver and the pairing store).
    id: String,
    enabled: bool,
    configured: bool,
    /// Channel config merged with the account's entry, schema defaults applied.
    config: Map<String, Value>,
    /// The key of the account's entry under `accounts`, when the channel's lookup found one.
    entry_key: Option<String>,
    /// IRC only: whether a NickServ password resolves.
    nickserv_password: bool,
}

impl Account {
    fn get(&self, key: &str) -> Option<&Value> {
        self.config.get(key)
    }

    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// Dotted config path of a key as the account sees it: the account entry's when it sets the key, else the
    /// channel's.
    fn key_path(&self, ctx: &Ctx, ch: Channel, key: &str) -> String {
        let sec = section(ctx, ch.id());
        if let (Some(entry), Some(sec)) = (&self.entry_key, &sec) {
            let sets = sec
                .get("accounts")
                .and_then(|a| a.get(entry))
                .and_then(Value::as_object)
                .is_some_and(|a| a.contains_key(key));
            if sets {
                return format!("channels.{}.accounts.{entry}.{key}", ch.id());
            }
        }
        format!("channels.{}.{key}", ch.id())
    }
}

/// Why an account could not be resolved (the reference's plugin threw).
struct Unresolved {
    /// Dotted config path of the unresolved value.
    path: String,
    /// `source:provider:id` of the SecretRef.
    reference: String,
}

/// A plugin warning: our text, its severity, a subject and a remediation.
struct Warning {
    text: String,
    severity: Severity,
    subject: String,
    fix: String,
}

/// Placeholders of warning templates for the values a user controls (account ids, config paths that hold them),
/// so that the severity comes from our fixed wording only.
const ACCOUNT_VAR: &str = "@ACCOUNT@";
const PATH_VAR: &str = "@PATH@";

impl Warning {
    /// `template` is classified as it stands ([`classify`]), then `@ACCOUNT@` and `@PATH@` are filled in.
    fn new(template: &str, account: &str, path: &str, subject: String, fix: String) -> Warning {
        Warning {
            text: template
                .replace(ACCOUNT_VAR, account)
                .replace(PATH_VAR, path),
            severity: classify(template),
            subject,
            fix,
        }
    }
}

/// The reference's warning severity, from the message text.
pub fn classify(message: &str) -> Severity {
    let s = message.to_lowercase();
    if s.contains("dms: open")
        || s.contains("grouppolicy=\"open\"")
        || s.contains("dmpolicy=\"open\"")
    {
        return Severity::Critical;
    }
    if s.contains("allows any") || s.contains("anyone can dm") || s.contains("public") {
        return Severity::Critical;
    }
    if s.contains("locked") || s.contains("disabled") {
        return Severity::Info;
    }
    Severity::Warn
}

/// Placeholder in details for the accounts a (possibly collapsed) finding stands for.
const ACCOUNTS: &str = "\u{1}accounts\u{1}";

struct Pending {
    finding: Finding,
    /// What the reference's texts depend on besides the checkId and severity.
    key: String,
    accounts: Vec<String>,
}

/// Findings of the channel collector before de-duplication.
#[derive(Default)]
struct Collector {
    items: Vec<Pending>,
}

impl Collector {
    /// The `<n>` of the next warning: findings pushed so far (duplicates included) plus one.
    fn next_number(&self) -> usize {
        self.items.len() + 1
    }

    fn push(&mut self, finding: Finding, key: impl Into<String>, account: &str) {
        self.items.push(Pending {
            finding,
            key: key.into(),
            accounts: vec![account.to_string()],
        });
    }

    /// Drop the findings the reference drops as exact duplicates; the kept one names every account.
    fn finish(self) -> Vec<Finding> {
        let mut kept: Vec<Pending> = Vec::new();
        for p in self.items {
            match kept.iter_mut().find(|k| {
                k.finding.check_id == p.finding.check_id
                    && k.finding.severity == p.finding.severity
                    && k.key == p.key
            }) {
                Some(k) => {
                    for a in p.accounts {
                        if !k.accounts.contains(&a) {
                            k.accounts.push(a);
                        }
                    }
                }
                None => kept.push(p),
            }
        }
        kept.into_iter()
            .map(|p| {
                let mut f = p.finding;
                let names = account_names(&p.accounts);
                f.detail = f.detail.replace(ACCOUNTS, &names);
                if let Some(r) = f.remediation.take() {
                    f.remediation = Some(r.replace(ACCOUNTS, &names));
                }
                f
            })
            .collect()
    }
}

fn account_names(accounts: &[String]) -> String {
    let quoted: Vec<String> = accounts.iter().map(|a| format!("\"{a}\"")).collect();
    match quoted.len() {
        1 => format!("account {}", quoted[0]),
        _ => format!("accounts {}", quoted.join(", ")),
    }
}

/// Position 28.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut col = Collector::default();
    for ch in CHANNELS {
        if !in_scope(ctx, ch) {
            continue;
        }
        let list = ch.accounts(ctx);
        let ordered = list.ordered();
        for id in &ordered {
            let acct = match ch.resolve(ctx, id) {
                Ok(a) => a,
                Err(u) => {
                    unresolved_row(&mut col, ch, id, &u);
                    continue;
                }
            };
            if !acct.enabled || !acct.configured {
                continue;
            }
            name_matching_row(ctx, &mut col, ch, &acct, &ordered);
            dm_rows(ctx, &mut col, ch, &acct);
            for w in ch.warnings(ctx, &acct) {
                let n = col.next_number();
                col.push(
                    Finding::new(
                        format!("channels.{}.warning.{n}", ch.id()),
                        w.severity,
                        format!("{} security warning", ch.label()),
                        w.text,
                    )
                    .fix(w.fix)
                    .about(w.subject),
                    format!("warning {n}"),
                    &acct.id,
                );
            }
            if ch == Channel::Telegram {
                telegram::plugin_findings(ctx, &mut col, &acct);
            }
        }
    }
    out.extend(col.finish());
}

// ---------------------------------------------------------------------------------------------
// Scope

/// Is the channel's plugin loaded for the audit (catalogue §7.1)?
fn in_scope(ctx: &Ctx, ch: Channel) -> bool {
    let id = ch.id();
    let plugins = ctx.cfg.get("plugins");
    let plugin = |k: &str| plugins.and_then(|p| p.get(k));
    if plugin("enabled") == Some(&Value::Bool(false)) {
        return false;
    }
    let listed = |k: &str| {
        plugin(k)
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|e| e.as_str().map(js_trim) == Some(id)))
    };
    if listed("deny") {
        return false;
    }
    let entry_enabled = plugin("entries")
        .and_then(|e| e.get(id))
        .and_then(|e| e.get("enabled"));
    if entry_enabled == Some(&Value::Bool(false)) {
        return false;
    }
    match ctx.cfg.get("channels").and_then(|c| c.get(id)) {
        Some(Value::Object(o)) => o.get("enabled") != Some(&Value::Bool(false)),
        Some(_) => false,
        None => {
            // Only an environment signal (e.g. TELEGRAM_BOT_TOKEN): the bundled plugin must be enabled
            // explicitly, and a plugin allowlist must name it.
            let prefix = format!("{}_", id.to_uppercase());
            let env_signal = ctx
                .env
                .iter()
                .any(|(k, v)| k.starts_with(&prefix) && !Str::of(v).is_blank());
            let allow_ok = plugin("allow")
                .and_then(Value::as_array)
                .is_none_or(|l| l.is_empty() || listed("allow"));
            env_signal && entry_enabled == Some(&Value::Bool(true)) && allow_ok
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Config helpers shared by the channel files

/// `channels.<id>` of the resolved config with the channel schema's defaults applied at the channel level and in
/// every account object.
fn section(ctx: &Ctx, id: &str) -> Option<Map<String, Value>> {
    let mut m = ctx.cfg.get("channels")?.get(id)?.as_object()?.clone();
    apply_defaults(&mut m);
    if let Some(Value::Object(accounts)) = m.get_mut("accounts") {
        for a in accounts.values_mut() {
            if let Value::Object(a) = a {
                apply_defaults(a);
            }
        }
    }
    Some(m)
}

fn apply_defaults(m: &mut Map<String, Value>) {
    m.entry("dmPolicy").or_insert_with(|| "pairing".into());
    m.entry("groupPolicy").or_insert_with(|| "allowlist".into());
}

/// `channels.<id>` of the source config (account listing reads it).
fn source_section<'a>(ctx: &'a Ctx, id: &str) -> Option<&'a Map<String, Value>> {
    ctx.source.get("channels")?.get(id)?.as_object()
}

/// `{...channel minus omitted keys, ...account}`, with the listed nested objects merged one level deep.
fn merge(
    channel: Option<&Map<String, Value>>,
    account: Option<&Value>,
    omit: &[&str],
    nested: &[&str],
) -> Map<String, Value> {
    let mut merged: Map<String, Value> = channel
        .map(|c| {
            c.iter()
                .filter(|(k, _)| !omit.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(a)) = account {
        for (k, v) in a {
            let base = merged.get(k).and_then(Value::as_object);
            let merged_value = match (nested.contains(&k.as_str()), base, v.as_object()) {
                (true, Some(b), Some(o)) => {
                    let mut n = b.clone();
                    n.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Value::Object(n)
                }
                _ => v.clone(),
            };
            merged.insert(k.clone(), merged_value);
        }
    }
    merged
}

/// The keys of the section's `accounts` object as written (empty keys skipped).
fn written_account_ids(sec: Option<&Map<String, Value>>) -> Vec<String> {
    match sec.and_then(|s| s.get("accounts")) {
        Some(Value::Object(a)) => a.keys().filter(|k| !k.is_empty()).cloned().collect(),
        _ => Vec::new(),
    }
}

/// The keys of the section's `accounts` object, normalized ([`normalize_account_id`]), first occurrence kept
/// (empty keys skipped).
fn normalized_account_ids(sec: Option<&Map<String, Value>>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for k in written_account_ids(sec) {
        let id = normalize_account_id(&k);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// A listed account in its channel's config: the normalized id, the channel section (schema defaults applied,
/// [`section`]) and the key of the account's entry under `accounts`, as the channel's lookup `find` finds it.
fn locate(
    ctx: &Ctx,
    ch: Channel,
    listed: &str,
    find: fn(Option<&Value>, &str) -> Option<String>,
) -> (String, Option<Map<String, Value>>, Option<String>) {
    let id = normalize_account_id(listed);
    let sec = section(ctx, ch.id());
    let entry_key = find(sec.as_ref().and_then(|s| s.get("accounts")), &id);
    (id, sec, entry_key)
}

/// `accounts.<key>` of a channel section.
fn account_entry<'a>(sec: Option<&'a Map<String, Value>>, key: Option<&str>) -> Option<&'a Value> {
    sec?.get("accounts")?.get(key?)
}

/// Neither the channel section nor the account's merged config says `enabled: false`.
fn account_enabled(sec: Option<&Map<String, Value>>, config: &Map<String, Value>) -> bool {
    let off = |m: &Map<String, Value>| m.get("enabled") == Some(&Value::Bool(false));
    !sec.is_some_and(off) && !off(config)
}

/// The account resolution of the channels whose account config is `{...channel minus accounts, ...entry}`,
/// the entry found by [`account_entry_key`] (iMessage, Signal); `configured` decides from that config.
fn resolve_merged(
    ctx: &Ctx,
    ch: Channel,
    listed: &str,
    configured: fn(&Map<String, Value>) -> bool,
) -> Account {
    let (_, sec, entry_key) = locate(ctx, ch, listed, account_entry_key);
    let entry = account_entry(sec.as_ref(), entry_key.as_deref());
    let config = merge(sec.as_ref(), entry, &["accounts"], &[]);
    Account {
        id: listed.to_string(),
        enabled: account_enabled(sec.as_ref(), &config),
        configured: configured(&config),
        config,
        entry_key,
        nickserv_password: false,
    }
}

/// `resolveAccountEntry`: the exact key, else the first key equal after trimming and lower-casing.
fn account_entry_key(accounts: Option<&Value>, id: &str) -> Option<String> {
    let accounts = accounts?.as_object()?;
    if accounts.contains_key(id) {
        return Some(id.to_string());
    }
    let want = lower_trim(id);
    accounts.keys().find(|k| lower_trim(k) == want).cloned()
}

/// `resolveNormalizedAccountEntry`: the exact key, else the first key with the same normalized account id.
fn normalized_account_entry_key(accounts: Option<&Value>, id: &str) -> Option<String> {
    let accounts = accounts?.as_object()?;
    if accounts.contains_key(id) {
        return Some(id.to_string());
    }
    let want = normalize_account_id(id);
    accounts
        .keys()
        .find(|k| normalize_account_id(k) == want)
        .cloned()
}

fn lower_trim(s: &str) -> String {
    js_trim(s).to_lowercase()
}

const BLOCKED_KEYS: [&str; 3] = ["__proto__", "prototype", "constructor"];

/// `normalizeAccountId`: trimmed; empty → `default`; a valid id is lower-cased; otherwise runs of characters
/// outside `[a-z0-9_-]` become `-`, edge dashes go, at most 64 characters; empty or a blocked key → `default`.
fn normalize_account_id(raw: &str) -> String {
    normalize_optional_account_id(raw).unwrap_or_else(|| "default".into())
}

/// `normalizeOptionalAccountId`: like [`normalize_account_id`] but `None` instead of `default`.
fn normalize_optional_account_id(raw: &str) -> Option<String> {
    let t = js_trim(raw);
    if t.is_empty() {
        return None;
    }
    let lower = t.to_lowercase();
    let valid = t.len() <= 64
        && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let canonical = if valid {
        lower
    } else {
        dash_runs(&lower).chars().take(64).collect()
    };
    (!canonical.is_empty() && !BLOCKED_KEYS.contains(&canonical.as_str())).then_some(canonical)
}

/// A "configured" account value: a non-blank string, or anything else that is not null.
fn has_value(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !Str::of(s).is_blank(),
        Some(_) => true,
    }
}

/// A non-blank string (`normalizeOptionalString`).
fn non_blank(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| !Str::of(s).is_blank())
}

/// A SecretRef object as `coerceSecretRef` accepts it (`{source, provider, id}`, or the legacy `{source, id}`).
fn secret_ref(v: Option<&Value>) -> Option<String> {
    let o = v?.as_object()?;
    let source = o.get("source")?.as_str()?;
    if !matches!(source, "env" | "file" | "exec") {
        return None;
    }
    let id = o.get("id")?.as_str().filter(|s| !js_trim(s).is_empty())?;
    match o.get("provider") {
        None if o.len() <= 3 => Some(format!("{source}:default:{id}")),
        Some(Value::String(p)) if o.len() == 3 && !js_trim(p).is_empty() => {
            Some(format!("{source}:{p}:{id}"))
        }
        _ => None,
    }
}

/// `listCombinedAccountIds`: configured, additional and implicit ids without repeats, `default` when none,
/// sorted the way `localeCompare` sorts them.
fn combine_ids(
    configured: Vec<String>,
    additional: Vec<String>,
    implicit_default: bool,
) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in configured.into_iter().chain(additional) {
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if implicit_default && !ids.iter().any(|i| i == "default") {
        ids.push("default".into());
    }
    if ids.is_empty() {
        return vec!["default".into()];
    }
    ids.sort_by(|a, b| locale_cmp(a, b));
    ids
}

/// `resolveListedDefaultAccountId`: the configured default when listed, else `default` when listed, else the
/// first id.
fn listed_default(ids: &[String], configured_default: Option<String>) -> String {
    if let Some(p) = configured_default {
        if ids.iter().any(|id| normalize_account_id(id) == p) {
            return p;
        }
    }
    if ids.iter().any(|i| i == "default") {
        return "default".into();
    }
    ids.first().cloned().unwrap_or_else(|| "default".into())
}

/// `channels.<id>.defaultAccount`, normalized.
fn configured_default(sec: Option<&Map<String, Value>>) -> Option<String> {
    normalize_optional_account_id(sec?.get("defaultAccount")?.as_str()?)
}

/// An approximation of ICU's root collation, which `localeCompare` uses: punctuation before digits before
/// letters, letters compared case-insensitively first, lower case before upper case on a tie.
fn locale_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn primary(c: char) -> (u8, String) {
        if c.is_alphabetic() {
            (2, c.to_lowercase().collect())
        } else if c.is_numeric() {
            (1, c.to_string())
        } else {
            (0, c.to_string())
        }
    }
    let pa: Vec<_> = a.chars().map(primary).collect();
    let pb: Vec<_> = b.chars().map(primary).collect();
    pa.cmp(&pb).then_with(|| {
        let ta: Vec<bool> = a.chars().map(char::is_uppercase).collect();
        let tb: Vec<bool> = b.chars().map(char::is_uppercase).collect();
        ta.cmp(&tb)
    })
}

/// JavaScript `String(value)` for the scalar values allowlists hold.
fn js_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// `normalizeStringEntries`: `String(entry)` trimmed, blanks dropped.
fn string_entries(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|e| js_trim(&js_string(e)).to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Identity of an allowlist entry for counting distinct principals: the text, or a redacted secret's class.
fn identity(entry: &str) -> String {
    match Str::of(entry) {
        Str::Secret(m) => format!("\u{0}secret:{}", m.class),
        Str::Plain(s) => s.to_string(),
    }
}

/// An entry a capture redacts (a secret-looking value, a URL with a password) or has redacted: the checks treat
/// it as an opaque value, so the audit of a redacted snapshot equals that of the raw host.
fn opaque(entry: &str) -> bool {
    let t = js_trim(entry);
    Str::of(t).is_secret()
        || looks_like_secret_value(t)
        || looks_like_marker(t)
        || t.contains("<<clawprint:secret ")
        || t.find("://").is_some_and(|i| t[i..].contains('@'))
}

/// The key of an allowlist entry among a DM account's principals: opaque entries as they are, the others
/// through the channel's normalization.
fn principal(ch: Channel, entry: &str) -> String {
    if opaque(entry) {
        identity(js_trim(entry))
    } else {
        identity(js_trim(&ch.normalize_dm_entry(entry)))
    }
}

/// How an entry is shown in a finding (values a capture redacts never appear).
fn shown(entry: &str) -> String {
    if opaque(entry) {
        "(redacted value)".into()
    } else {
        entry.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Generic rows

fn unresolved_row(col: &mut Collector, ch: Channel, id: &str, u: &Unresolved) {
    col.push(
        Finding::new(
            format!("channels.{}.account.read_only_resolution", ch.id()),
            Severity::Warn,
            format!("{} account \"{id}\" skipped: a secret did not resolve", ch.label()),
            format!(
                "{} is the SecretRef {} and it did not resolve, so {} of channels.{} could not be \
                 resolved and its DM and group policies were not audited.",
                u.path,
                u.reference,
                ACCOUNTS,
                ch.id()
            ),
        )
        .fix(format!(
            "Make {} resolvable where the audit runs (set the variable or create the file), or set {} to a \
             plain string.",
            u.reference, u.path
        ))
        .about(format!("{}:{id}", ch.id())),
        format!("{id}\n{}", u.path),
        id,
    );
}

fn name_matching_row(
    ctx: &Ctx,
    col: &mut Collector,
    ch: Channel,
    acct: &Account,
    ordered: &[String],
) {
    if acct.get("dangerouslyAllowNameMatching") != Some(&Value::Bool(true)) {
        return;
    }
    let explicit = source_section(ctx, ch.id())
        .and_then(|s| s.get("accounts"))
        .and_then(Value::as_object)
        .is_some_and(|a| a.contains_key(&acct.id));
    // The reference's title names the account when there are several or the account has its own entry.
    let note = if ordered.len() > 1 || explicit {
        acct.id.clone()
    } else {
        String::new()
    };
    let path = acct.key_path(ctx, ch, "dangerouslyAllowNameMatching");
    let title = if note.is_empty() {
        format!("{} allowlists match mutable names", ch.label())
    } else {
        format!(
            "{} allowlists match mutable names (account \"{note}\")",
            ch.label()
        )
    };
    col.push(
        Finding::new(
            format!("channels.{}.allowFrom.dangerous_name_matching_enabled", ch.id()),
            Severity::Info,
            title,
            format!(
                "{path}=true for {ACCOUNTS}: sender allowlists also match nicks, display names and e-mail \
                 addresses, which their owners can change, so anyone can take the name of an allowed sender."
            ),
        )
        .fix(format!(
            "Put stable sender ids in the allowlists, then remove {path} (or set it to false)."
        ))
        .about(path.clone()),
        note,
        &acct.id,
    );
}

/// `buildAccountScopedDmSecurityPolicy`: the config path prefix holding the account's DM settings.
fn dm_base_path(ctx: &Ctx, ch: Channel, account: &str) -> String {
    let sec = section(ctx, ch.id());
    let has = |o: Option<&Map<String, Value>>| {
        o.is_some_and(|o| o.contains_key("dmPolicy") || o.contains_key("allowFrom"))
    };
    let entry = sec
        .as_ref()
        .and_then(|s| s.get("accounts"))
        .and_then(|a| a.get(account))
        .and_then(Value::as_object);
    let account_path = format!("channels.{}.accounts.{account}.", ch.id());
    let root_path = format!("channels.{}.", ch.id());
    if has(entry) {
        account_path
    } else if has(sec.as_ref()) {
        root_path
    } else if entry.is_some() {
        account_path
    } else {
        root_path
    }
}

fn dm_rows(ctx: &Ctx, col: &mut Collector, ch: Channel, acct: &Account) {
    let policy = acct.get_str("dmPolicy").unwrap_or("pairing");
    let allow = string_entries(acct.get("allowFrom"));
    let base = dm_base_path(ctx, ch, &acct.id);
    let policy_path = format!("{base}dmPolicy");
    let allow_path = format!("{base}allowFrom");
    let has_wildcard = allow.iter().any(|e| e == "*");
    let store = if matches!(policy, "allowlist" | "open") {
        Vec::new()
    } else {
        pairing_store(ctx, ch.id(), &acct.id)
    };
    let principals: BTreeSet<String> = allow
        .iter()
        .filter(|e| *e != "*")
        .chain(&store)
        .map(|e| principal(ch, e))
        .filter(|e| !e.is_empty())
        .collect();
    let multi_user = has_wildcard || principals.len() > 1;
    let label = ch.label();
    let subject = format!("{}:{}", ch.id(), acct.id);

    if policy == "open" {
        col.push(
            Finding::new(
                format!("channels.{}.dm.open", ch.id()),
                Severity::Critical,
                format!("{label} DMs are open to anyone"),
                format!(
                    "{policy_path} is \"open\" ({ACCOUNTS}): anyone who finds the bot can message it and \
                     drive the agent."
                ),
            )
            .fix(format!(
                "Set {policy_path} to \"pairing\" (approve each sender) or \"allowlist\" with sender ids in \
                 {allow_path}; if open DMs are really intended, add \"*\" to {allow_path}."
            ))
            .about(policy_path.clone()),
            format!("{policy_path}\n{allow_path}"),
            &acct.id,
        );
        if !has_wildcard {
            col.push(
                Finding::new(
                    format!("channels.{}.dm.open_invalid", ch.id()),
                    Severity::Warn,
                    format!("{label} DM policy is open but allowFrom lacks \"*\""),
                    format!(
                        "{policy_path} is \"open\" but {allow_path} has no \"*\" entry ({ACCOUNTS}); an open \
                         policy is expected to be spelled out with \"*\", so this looks unintended."
                    ),
                )
                .fix(format!(
                    "Add \"*\" to {allow_path} if open DMs are intended; otherwise set {policy_path} to \
                     \"pairing\" or \"allowlist\"."
                ))
                .about(allow_path.clone()),
                allow_path.clone(),
                &acct.id,
            );
        }
    }
    if policy == "disabled" {
        col.push(
            Finding::new(
                format!("channels.{}.dm.disabled", ch.id()),
                Severity::Info,
                format!("{label} DMs are turned off"),
                format!("{policy_path} is \"disabled\" ({ACCOUNTS}): direct messages to the bot are ignored."),
            )
            .about(policy_path.clone()),
            policy_path,
            &acct.id,
        );
        return;
    }
    let dm_scope = match ctx.get("/session/dmScope") {
        None | Some(Value::Null) => Some("main"),
        Some(v) => v.as_str(),
    };
    if dm_scope == Some("main") && multi_user {
        col.push(
            Finding::new(
                format!("channels.{}.dm.scope_main_multiuser", ch.id()),
                Severity::Warn,
                format!("{label} DMs from different people share one session"),
                format!(
                    "session.dmScope is \"main\" and more than one person can DM {ACCOUNTS} of channels.{} \
                     (\"*\" in allowFrom, or several distinct senders across allowFrom and the pairing store): \
                     their conversations land in the same main session, so one sender can see context from \
                     another's.",
                    ch.id()
                ),
            )
            .fix(
                "Run `openclaw config set session.dmScope \"per-channel-peer\"` (or \
                 \"per-account-channel-peer\" when a channel has several accounts) to give each sender its own \
                 session.",
            )
            .about(subject),
            "",
            &acct.id,
        );
    }
}

/// The effective group policy of an allowlist-first channel: the account's, else (when the channel section
/// exists) `channels.defaults.groupPolicy`, else `allowlist`.
fn group_policy<'a>(ctx: &'a Ctx, ch: Channel, acct: &'a Account) -> &'a str {
    if let Some(p) = acct.get_str("groupPolicy") {
        return p;
    }
    let present = ctx
        .cfg
        .get("channels")
        .is_some_and(|c| c.get(ch.id()).is_some());
    if present {
        if let Some(d) = ctx.get_str("/channels/defaults/groupPolicy") {
            return d;
        }
    }
    "allowlist"
}

/// Signal and iMessage (and Telegram with groups listed): an open group policy lets any member trigger the
/// bot. `route` is Telegram's wording when groups are listed or not.
fn open_group_warning(ctx: &Ctx, ch: Channel, acct: &Account, route: Option<bool>) -> Vec<Warning> {
    if group_policy(ctx, ch, acct) != "open" {
        return Vec::new();
    }
    let path = acct.key_path(ctx, ch, "groupPolicy");
    let id = ch.id();
    let who = match route {
        Some(false) => format!(
            "no channels.{id}.groups allowlist exists, so any group that adds the bot can trigger it (by \
             mentioning it)"
        ),
        Some(true) => {
            "any member of the listed groups can trigger the bot (by mentioning it)".to_string()
        }
        None => "any member of any group the bot is in can trigger it, with no mention needed".to_string(),
    };
    let template = format!(
        "{} account \"{ACCOUNT_VAR}\": groupPolicy=\"open\" ({PATH_VAR}), so {who}.",
        ch.label()
    );
    let fix = format!(
        "Set {path} to \"allowlist\" and list the permitted senders in channels.{id}.groupAllowFrom{}.",
        if route.is_some() {
            format!(" and the permitted groups in channels.{id}.groups")
        } else {
            String::new()
        }
    );
    vec![Warning::new(&template, &acct.id, &path, path.clone(), fix)]
}

#[cfg(test)]
mod tests;
