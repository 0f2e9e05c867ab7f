//! iMessage: accounts as its plugin lists and resolves them.
//!
//! - Accounts: the keys of `accounts` as written, plus an implicit `default` when the channel sets `cliPath`
//!   or `dbPath`.
//! - Merge: `{...channel minus accounts, ...account}`; the account entry is found by exact key, else by
//!   lower-cased key.
//! - Configured: almost any setting counts, including `dmPolicy` / `groupPolicy`, which the schema defaults
//!   always supply, so an iMessage account is configured as soon as `channels.imessage` exists.

use serde_json::Value;

use super::{
    account_entry_key, combine_ids, configured_default, has_value, listed_default, merge,
    non_blank, normalize_account_id, section, source_section, Account, AccountList,
};
use crate::audit::context::Ctx;
use crate::config::paths::truthy;

pub(super) fn accounts(ctx: &Ctx) -> AccountList {
    let sec = source_section(ctx, "imessage");
    let configured: Vec<String> = match sec.and_then(|s| s.get("accounts")) {
        Some(Value::Object(a)) => a.keys().filter(|k| !k.is_empty()).cloned().collect(),
        _ => Vec::new(),
    };
    let implicit = ["cliPath", "dbPath"]
        .iter()
        .any(|k| has_value(sec.and_then(|s| s.get(*k))));
    let ids = combine_ids(configured, Vec::new(), implicit);
    let default = listed_default(&ids, configured_default(sec));
    AccountList { default, ids }
}

pub(super) fn resolve(ctx: &Ctx, listed: &str) -> Account {
    let id = normalize_account_id(listed);
    let sec = section(ctx, "imessage");
    let accounts = sec.as_ref().and_then(|s| s.get("accounts"));
    let entry_key = account_entry_key(accounts, &id);
    let entry = entry_key
        .as_deref()
        .and_then(|k| accounts.and_then(|a| a.get(k)));
    let config = merge(sec.as_ref(), entry, &["accounts"], &[]);
    let enabled = sec
        .as_ref()
        .is_none_or(|s| s.get("enabled") != Some(&Value::Bool(false)))
        && config.get("enabled") != Some(&Value::Bool(false));
    let get = |k: &str| config.get(k);
    let non_empty_list = |k: &str| {
        get(k)
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    };
    let configured = non_blank(get("cliPath"))
        || non_blank(get("dbPath"))
        || truthy(get("service"))
        || non_blank(get("region"))
        || non_empty_list("allowFrom")
        || non_empty_list("groupAllowFrom")
        || truthy(get("dmPolicy"))
        || truthy(get("groupPolicy"))
        || get("includeAttachments").is_some_and(Value::is_boolean)
        || non_empty_list("attachmentRoots")
        || non_empty_list("remoteAttachmentRoots")
        || get("mediaMaxMb").is_some_and(Value::is_number)
        || get("textChunkLimit").is_some_and(Value::is_number)
        || get("groups")
            .and_then(Value::as_object)
            .is_some_and(|g| !g.is_empty());
    Account {
        id: listed.to_string(),
        enabled,
        configured,
        config,
        entry_key,
        nickserv_password: false,
    }
}
