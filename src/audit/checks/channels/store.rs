//! The pairing store: senders approved through pairing, per channel account.
//!
//! 2026.5.20 keeps them in `<credentials>/<channel>-allowFrom.json` (the default account's legacy file) and
//! `<credentials>/<channel>-<account>-allowFrom.json`, shape `{"version": 1, "allowFrom": [...]}`; the default
//! account reads both. Releases from 2026.8 (and the spec's host) keep them in the SQLite state DB, whose
//! `pairing_allowlists` facts are read instead when the snapshot has that DB.

use std::collections::HashSet;

use serde_json::Value;

use super::{identity, lower_trim};
use crate::audit::context::Ctx;
use crate::config::secret::js_trim;

/// The approved senders of a channel account: `<credentials>/<channel>-<account>-allowFrom.json` (and for the
/// default account also the legacy `<channel>-allowFrom.json`), or on hosts with the SQLite state DB its
/// `pairing_allowlists` facts. Entries trimmed, `"*"` and blanks dropped, repeats removed.
pub(super) fn pairing_store(ctx: &Ctx, channel: &str, account: &str) -> Vec<String> {
    let acct = {
        let a = lower_trim(account);
        if a.is_empty() {
            "default".to_string()
        } else {
            a
        }
    };
    let Some(channel_key) = safe_key(channel) else {
        return Vec::new();
    };
    let mut entries: Vec<String> = Vec::new();
    if let Some(db) = ctx.state_db() {
        for list in &db.pairing_allowlists {
            let same_account = match &list.account {
                None => acct == "default",
                Some(a) => lower_trim(a) == acct,
            };
            if lower_trim(&list.channel) == channel_key && same_account {
                entries.extend(store_entries(&list.entries));
            }
        }
    } else {
        let cred = ctx.host().credentials_dir.trim_end_matches('/').to_string();
        let files = if acct == "default" {
            vec![
                format!("{cred}/{channel_key}-default-allowFrom.json"),
                format!("{cred}/{channel_key}-allowFrom.json"),
            ]
        } else {
            match safe_key(&acct) {
                Some(k) => vec![format!("{cred}/{channel_key}-{k}-allowFrom.json")],
                None => return Vec::new(),
            }
        };
        for f in files {
            match store_file(ctx, &f) {
                Ok(e) => entries.extend(e),
                // An I/O error (e.g. a directory in the file's place) empties the whole read.
                Err(()) => return Vec::new(),
            }
        }
    }
    let mut seen = HashSet::new();
    entries.retain(|e| seen.insert(identity(e)));
    entries
}

/// The pairing store's file-name key: lower-cased, `\/:*?"<>|` → `_`, `..` → `_`; `None` when nothing is left.
pub(super) fn safe_key(raw: &str) -> Option<String> {
    let lower = lower_trim(raw);
    let safe: String = lower
        .chars()
        .map(|c| if "\\/:*?\"<>|".contains(c) { '_' } else { c })
        .collect::<String>()
        .replace("..", "_");
    (!safe.is_empty() && safe != "_").then_some(safe)
}

/// One pairing file: `Ok([])` when absent or unparseable (strict JSON; a non-string entry also empties the file),
/// `Err` when it cannot be read at all.
fn store_file(ctx: &Ctx, path: &str) -> Result<Vec<String>, ()> {
    let Some(entry) = ctx.file(path) else {
        return Ok(Vec::new());
    };
    let Some(perms) = ctx.perms(path) else {
        return Ok(Vec::new());
    };
    if perms.is_dir {
        return Err(());
    }
    let Some(text) = entry
        .blob
        .as_deref()
        .and_then(|h| ctx.snap.blob_text(h).ok())
    else {
        return Ok(Vec::new());
    };
    let Ok(parsed) = serde_json::from_str::<Value>(text) else {
        return Ok(Vec::new());
    };
    let Some(list) = parsed.get("allowFrom").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut raw = Vec::new();
    for e in list {
        match e.as_str() {
            Some(s) => raw.push(s.to_string()),
            None => return Ok(Vec::new()),
        }
    }
    Ok(store_entries(&raw))
}

fn store_entries(raw: &[String]) -> Vec<String> {
    raw.iter()
        .map(|s| js_trim(s).to_string())
        .filter(|s| !s.is_empty() && s != "*")
        .collect()
}
