//! iMessage: accounts as its plugin lists and resolves them.
//!
//! - Accounts: the keys of `accounts` as written, plus an implicit `default` when the channel sets `cliPath`
//!   or `dbPath`.
//! - Merge: `{...channel minus accounts, ...account}`; the account entry is found by exact key, else by
//!   lower-cased key.
//! - Configured: almost any setting counts, including `dmPolicy` / `groupPolicy`, which the schema defaults
//!   always supply, so an iMessage account is configured as soon as `channels.imessage` exists.

use serde_json::{Map, Value};

use super::{has_value, non_blank, source_section, written_account_ids, AccountList};
use crate::audit::context::Ctx;
use crate::config::paths::truthy;

pub(super) fn accounts(ctx: &Ctx) -> AccountList {
    let sec = source_section(ctx, "imessage");
    let implicit = ["cliPath", "dbPath"]
        .iter()
        .any(|k| has_value(sec.and_then(|s| s.get(*k))));
    AccountList::new(sec, written_account_ids(sec), implicit)
}

/// Whether the merged account config counts as configured.
pub(super) fn configured(config: &Map<String, Value>) -> bool {
    let get = |k: &str| config.get(k);
    let non_empty_list = |k: &str| {
        get(k)
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    };
    non_blank(get("cliPath"))
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
            .is_some_and(|g| !g.is_empty())
}
