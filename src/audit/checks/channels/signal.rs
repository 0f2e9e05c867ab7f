//! Signal: accounts as its plugin lists and resolves them.
//!
//! - Accounts: the keys of `accounts` as written (not normalized), plus an implicit `default` when the channel
//!   sets `account`.
//! - Merge: `{...channel minus accounts, ...account}`; the account entry is found by exact key, else by
//!   lower-cased key.
//! - Configured: any of `account`, `httpUrl`, `cliPath`, `httpHost` (non-blank), a numeric `httpPort` or a
//!   boolean `autoStart`.
//! - DM entries are compared as E.164 numbers after dropping a `signal:` prefix.

use serde_json::{Map, Value};

use super::{has_value, non_blank, source_section, written_account_ids, AccountList};
use crate::audit::context::Ctx;
use crate::config::secret::js_trim;

/// `normalizeE164` of the entry without its `signal:` prefix.
pub(super) fn normalize_dm_entry(raw: &str) -> String {
    let without = match raw.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("signal:") => &raw[7..],
        _ => raw,
    };
    normalize_e164(js_trim(without))
}

/// `normalizeE164`: drop a leading `scheme:` (letter, then letters, digits or `-`), keep digits and `+`, and
/// make sure the result starts with one `+`.
fn normalize_e164(number: &str) -> String {
    let mut rest = number;
    let mut chars = number.char_indices();
    if let Some((_, c)) = chars.next() {
        if c.is_ascii_alphabetic() {
            for (i, c) in chars {
                if c == ':' {
                    rest = &number[i + 1..];
                    break;
                }
                if !(c.is_ascii_alphanumeric() || c == '-') {
                    break;
                }
            }
        }
    }
    let digits: String = js_trim(rest)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    match digits.strip_prefix('+') {
        Some(d) => format!("+{d}"),
        None => format!("+{digits}"),
    }
}

pub(super) fn accounts(ctx: &Ctx) -> AccountList {
    let sec = source_section(ctx, "signal");
    let implicit = has_value(sec.and_then(|s| s.get("account")));
    AccountList::new(sec, written_account_ids(sec), implicit)
}

/// Whether the merged account config counts as configured.
pub(super) fn configured(config: &Map<String, Value>) -> bool {
    ["account", "httpUrl", "cliPath", "httpHost"]
        .iter()
        .any(|k| non_blank(config.get(*k)))
        || config.get("httpPort").is_some_and(Value::is_number)
        || config.get("autoStart").is_some_and(Value::is_boolean)
}
