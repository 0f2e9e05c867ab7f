//! IRC: accounts as its plugin lists and resolves them, and its warnings (open channels, TLS, NickServ).
//!
//! - Accounts: the normalized keys of `accounts`, plus an implicit `default` when the channel (or, for the
//!   default account, `IRC_HOST` / `IRC_NICK`) gives both a host and a nick.
//! - Merge: `{...channel minus accounts/defaultAccount, ...account}` with `nickserv` merged one level deep; the
//!   account entry is found by normalized id.
//! - Configured: a host and a nick (config, or `IRC_HOST` / `IRC_NICK` for the default account).
//! - TLS: `tls` when it is a boolean, else `IRC_TLS` for the default account, else on.
//! - The plugin throws while resolving an account whose `password` (unless `IRC_PASSWORD` or a `passwordFile`
//!   supplies one first) or `nickserv.password` is an unresolved SecretRef; the audit reports that as
//!   `account.read_only_resolution` and skips the account.

use serde_json::Value;

use super::{
    account_enabled, account_entry, locate, merge, non_blank, normalized_account_entry_key,
    normalized_account_ids, secret_ref, source_section, Account, AccountList, Channel, Unresolved,
    Warning,
};
use crate::audit::context::Ctx;
use crate::config::secret::js_trim;

/// `normalizeIrcAllowEntry`: lower-cased, trimmed, `irc:` then `user:` prefixes dropped.
pub(super) fn normalize_allow_entry(raw: &str) -> String {
    let mut v = js_trim(raw).to_lowercase();
    if let Some(rest) = v.strip_prefix("irc:") {
        v = rest.to_string();
    }
    if let Some(rest) = v.strip_prefix("user:") {
        v = rest.to_string();
    }
    js_trim(&v).to_string()
}

fn env_plain<'a>(ctx: &'a Ctx, name: &str) -> Option<&'a str> {
    ctx.env
        .get(name)
        .map(|v| js_trim(v))
        .filter(|v| !v.is_empty())
}

fn trimmed_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
        .map(js_trim)
        .filter(|s| !s.is_empty())
}

pub(super) fn accounts(ctx: &Ctx) -> AccountList {
    let sec = source_section(ctx, "irc");
    let host = trimmed_str(sec.and_then(|s| s.get("host"))).is_some()
        || ctx.env_value("IRC_HOST").is_some();
    let nick = trimmed_str(sec.and_then(|s| s.get("nick"))).is_some()
        || ctx.env_value("IRC_NICK").is_some();
    AccountList::new(sec, normalized_account_ids(sec), host && nick)
}

pub(super) fn resolve(ctx: &Ctx, listed: &str) -> Result<Account, Unresolved> {
    let (id, sec, entry_key) = locate(ctx, Channel::Irc, listed, normalized_account_entry_key);
    let entry = account_entry(sec.as_ref(), entry_key.as_deref());
    let mut config = merge(
        sec.as_ref(),
        entry,
        &["accounts", "defaultAccount"],
        &["nickserv"],
    );
    let is_default = id == "default";
    let enabled = account_enabled(sec.as_ref(), &config);
    let tls = match config.get("tls") {
        Some(Value::Bool(b)) => *b,
        _ => match ctx
            .env
            .get("IRC_TLS")
            .filter(|v| is_default && !v.is_empty())
        {
            Some(v) => matches!(
                js_trim(v).to_lowercase().as_str(),
                "true" | "1" | "yes" | "on"
            ),
            None => true,
        },
    };
    config.insert("tls".into(), Value::Bool(tls));
    let from_env = |name: &str| {
        if is_default {
            env_plain(ctx, name)
        } else {
            None
        }
    };
    let host = trimmed_str(config.get("host")).or_else(|| from_env("IRC_HOST"));
    let nick = trimmed_str(config.get("nick")).or_else(|| from_env("IRC_NICK"));
    let configured = host.is_some() && nick.is_some();

    let path = |key: &str| match &entry_key {
        Some(k)
            if entry
                .and_then(Value::as_object)
                .is_some_and(|e| e.contains_key(key.split('.').next().unwrap_or(key))) =>
        {
            format!("channels.irc.accounts.{k}.{key}")
        }
        _ => format!("channels.irc.{key}"),
    };
    // Server password: IRC_PASSWORD (default account), then passwordFile, then the config value.
    let password_first = (is_default && ctx.env_value("IRC_PASSWORD").is_some())
        || non_blank(config.get("passwordFile"));
    if !password_first {
        if let Some(reference) = secret_ref(config.get("password")) {
            return Err(Unresolved {
                path: path("password"),
                reference,
            });
        }
    }
    // NickServ password: the config value first (an unresolved SecretRef throws), then IRC_NICKSERV_PASSWORD
    // (default account), then `passwordFile`.
    let nickserv = config.get("nickserv").and_then(Value::as_object);
    let ns_password = nickserv.and_then(|n| n.get("password"));
    if let Some(reference) = secret_ref(ns_password) {
        return Err(Unresolved {
            path: path("nickserv.password"),
            reference,
        });
    }
    let nickserv_password = non_blank(ns_password)
        || (is_default && ctx.env_value("IRC_NICKSERV_PASSWORD").is_some())
        || trimmed_str(nickserv.and_then(|n| n.get("passwordFile")))
            .is_some_and(|f| secret_file_readable(ctx, f));
    Ok(Account {
        id: listed.to_string(),
        enabled,
        configured,
        config,
        entry_key,
        nickserv_password,
    })
}

/// Whether a secret file would yield a value. Files outside the captured tree are assumed readable (clawprint
/// never reads secret files); captured ones must be non-empty regular files, neither symlinks nor hard-linked.
fn secret_file_readable(ctx: &Ctx, path: &str) -> bool {
    let home = ctx.host().home.trim_end_matches('/');
    let full = if path == "~" {
        home.to_string()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else {
        path.to_string()
    };
    match ctx.file(&full) {
        None => true,
        Some(e) => {
            e.kind == crate::snapshot::FileKind::File && e.size > 0 && e.nlink.unwrap_or(1) <= 1
        }
    }
}

pub(super) fn warnings(ctx: &Ctx, acct: &Account) -> Vec<Warning> {
    let mut out = Vec::new();
    let id = acct.id.as_str();
    if super::group_policy(ctx, Channel::Irc, acct) == "open" {
        let path = acct.key_path(ctx, Channel::Irc, "groupPolicy");
        out.push(Warning::new(
            "IRC account \"@ACCOUNT@\": groupPolicy=\"open\" (@PATH@), so the bot answers in every channel \
             it joins, to every sender who mentions it.",
            id,
            &path,
            path.clone(),
            format!("Set {path} to \"allowlist\" and list the permitted channels in channels.irc.groups."),
        ));
    }
    if acct.get("tls") == Some(&Value::Bool(false)) {
        let path = acct.key_path(ctx, Channel::Irc, "tls");
        out.push(Warning::new(
            "IRC account \"@ACCOUNT@\": TLS is disabled (@PATH@=false), so messages and the server and \
             NickServ passwords travel in plaintext.",
            id,
            &path,
            path.clone(),
            format!("Set {path} to true (or remove it) and use the server's TLS port."),
        ));
    }
    let register =
        crate::config::paths::truthy(acct.get("nickserv").and_then(|n| n.get("register")));
    if register {
        let path = acct.key_path(ctx, Channel::Irc, "nickserv");
        out.push(Warning::new(
            "IRC account \"@ACCOUNT@\": NickServ registration is on (@PATH@.register=true): the bot sends \
             REGISTER each time it connects.",
            id,
            &path,
            format!("{path}.register"),
            format!("Set {path}.register to false once the nick is registered."),
        ));
        if !acct.nickserv_password {
            out.push(Warning::new(
                "IRC account \"@ACCOUNT@\": NickServ registration is on but no NickServ password resolves \
                 (@PATH@.password, @PATH@.passwordFile or IRC_NICKSERV_PASSWORD).",
                id,
                &path,
                format!("{path}.password"),
                format!(
                    "Set {path}.password (or {path}.passwordFile, or IRC_NICKSERV_PASSWORD for the default \
                     account)."
                ),
            ));
        }
    }
    out
}
