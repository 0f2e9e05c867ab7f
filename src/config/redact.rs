//! Redaction: which strings are secrets, and rewriting texts so none survives.
//!
//! A [`Redactor`] is fed every secret-bearing source of one capture in a fixed order (process env by name, `.env`
//! by name, config, includes in discovery order, other files by path), so equivalence classes are numbered the
//! same way for the same host. Texts are rewritten by byte span: comments, key order and layout survive, only the
//! secret literals change.

use std::collections::HashMap;

use super::json5::{self, Node, Value};
use super::secret::{is_placeholder, js_trim, looks_like_marker, Marker};
use crate::config::env::contains_env_reference;

#[derive(Debug, Default)]
pub struct Redactor {
    enabled: bool,
    classes: HashMap<String, u64>,
    /// Number of values replaced.
    pub replaced: u64,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor {
            enabled: true,
            ..Redactor::default()
        }
    }

    /// A redactor that keeps every value: only for in-memory captures in tests (`audit(raw)`), never written.
    pub fn disabled() -> Redactor {
        Redactor::default()
    }

    pub fn classes(&self) -> u64 {
        self.classes.len() as u64
    }

    /// The form a secret value takes in the snapshot. Placeholders and `${VAR}` references are kept.
    pub fn secret(&mut self, value: &str) -> String {
        if !self.enabled || is_placeholder(value) || contains_env_reference(value) {
            return value.to_string();
        }
        let next = self.classes.len() as u64 + 1;
        let class = *self
            .classes
            .entry(js_trim(value).to_string())
            .or_insert(next);
        self.replaced += 1;
        Marker::for_value(value, class).to_string()
    }

    /// Redact a JSON5 text: every secret string literal is replaced by the quoted marker, everything else kept
    /// byte for byte. Returns the text unchanged when it does not parse (the caller records the parse error; an
    /// unparseable file is stored only as metadata, never as content).
    pub fn redact_json5(&mut self, text: &str) -> Option<String> {
        let root = json5::parse(text).ok()?;
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        self.collect(&root, &mut Vec::new(), &mut edits);
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for (start, end, replacement) in edits {
            out.push_str(&text[pos..start]);
            out.push_str(&replacement);
            pos = end;
        }
        out.push_str(&text[pos..]);
        Some(out)
    }

    fn collect(
        &mut self,
        node: &Node,
        keys: &mut Vec<String>,
        edits: &mut Vec<(usize, usize, String)>,
    ) {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    keys.push(m.key.clone());
                    self.collect(&m.value, keys, edits);
                    keys.pop();
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.collect(item, keys, edits);
                }
            }
            Value::String(s) => {
                if let Some(replacement) = self.redact_string(keys, s) {
                    edits.push((
                        node.span.start,
                        node.span.end,
                        json5::quote_string(&replacement),
                    ));
                }
            }
            _ => {}
        }
    }

    /// The replacement for a string at `keys`, or `None` to keep it.
    pub fn redact_string(&mut self, keys: &[String], s: &str) -> Option<String> {
        if !self.enabled {
            return None;
        }
        if is_secret_path(keys) || looks_like_secret_value(s) || looks_like_marker(s) {
            let r = self.secret(s);
            return (r != s).then_some(r);
        }
        redact_url_password(s, self)
    }
}

/// Environment variables a config text references (`${VAR}`), split by where: `(in secret positions, elsewhere)`.
/// A reference under a secret key (or an `env`/`headers` object) makes the variable's value a secret.
pub fn env_reference_positions(
    text: &str,
) -> (
    std::collections::BTreeSet<String>,
    std::collections::BTreeSet<String>,
) {
    fn walk(
        node: &Node,
        keys: &mut Vec<String>,
        out: &mut (
            std::collections::BTreeSet<String>,
            std::collections::BTreeSet<String>,
        ),
    ) {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    keys.push(m.key.clone());
                    walk(&m.value, keys, out);
                    keys.pop();
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, keys, out)),
            Value::String(s) => {
                let secret = is_secret_path(keys);
                for name in crate::config::env::env_references(s) {
                    if secret {
                        out.0.insert(name);
                    } else {
                        out.1.insert(name);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Default::default();
    if let Ok(root) = json5::parse(text) {
        walk(&root, &mut Vec::new(), &mut out);
    }
    out
}

/// May the value of a variable that the config references only in non-secret positions be kept as it is? Only
/// short words and numbers (`lan`, `full`, `18789`) and paths: never a credential shape, never anything long
/// enough to be a token.
pub fn plain_env_value(value: &str) -> bool {
    let t = js_trim(value);
    if looks_like_secret_value(t) || t.contains("://") {
        return false;
    }
    let is_path = t.starts_with('/') || t.starts_with("~/") || t.starts_with("./");
    let simple = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._:-/~+@,".contains(c));
    simple && (t.len() <= 16 || (is_path && t.len() <= 4096))
}

/// Keys (normalized: lower-case, `_` and `-` removed) whose string values are secrets.
const SECRET_KEY_PARTS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "secret",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
    "cookie",
    "authorization",
    "passphrase",
    "signingkey",
    "encryptkey",
    "encryptionkey",
];

/// Key endings that name a reference to a secret, not the secret (a file path, an env var name, a policy).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "file", "path", "dir", "env", "ref", "id", "mode", "policy", "source", "provider", "tokens",
    "limit", "header", "enabled", "url", "command",
];

fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Is a string at this key path a secret? Any value under an `env` or `headers` object is; otherwise the last key
/// decides.
pub fn is_secret_path(keys: &[String]) -> bool {
    let Some(last) = keys.last() else {
        return false;
    };
    if keys[..keys.len() - 1]
        .iter()
        .any(|k| matches!(normalize_key(k).as_str(), "env" | "headers"))
    {
        return true;
    }
    is_secret_key(last)
}

pub fn is_secret_key(key: &str) -> bool {
    let k = normalize_key(key);
    if k == "key" {
        return true;
    }
    if NOT_SECRET_SUFFIXES.iter().any(|s| k.ends_with(s)) {
        return false;
    }
    SECRET_KEY_PARTS.iter().any(|p| k.contains(p))
}

/// Well-known credential shapes, redacted wherever they appear.
pub fn looks_like_secret_value(s: &str) -> bool {
    let t = js_trim(s);
    const PREFIXES: &[&str] = &[
        "sk-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xapp-",
        "AKIA",
        "ASIA",
        "AIza",
        "ya29.",
        "hf_",
        "gsk_",
        "pplx-",
        "BSA",
    ];
    if t.len() >= 16
        && PREFIXES.iter().any(|p| t.starts_with(p))
        && !t.contains(char::is_whitespace)
    {
        return true;
    }
    // JWTs and Telegram bot tokens (digits ':' 35 url-safe characters).
    if t.starts_with("eyJ") && t.matches('.').count() == 2 && t.len() > 30 {
        return true;
    }
    if let Some((id, rest)) = t.split_once(':') {
        if (6..=12).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_digit())
            && rest.len() >= 30
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return true;
        }
    }
    false
}

/// `scheme://user:password@host…`: only the password part is replaced, so the URL keeps its shape.
fn redact_url_password(s: &str, r: &mut Redactor) -> Option<String> {
    let scheme_end = s.find("://")?;
    let rest = &s[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let colon = userinfo.find(':')?;
    let password = &userinfo[colon + 1..];
    if password.is_empty() || contains_env_reference(password) {
        return None;
    }
    let marker = r.secret(password);
    let start = scheme_end + 3 + colon + 1;
    Some(format!(
        "{}{}{}",
        &s[..start],
        marker,
        &s[start + password.len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for k in [
            "token",
            "botToken",
            "apiKey",
            "api_key",
            "password",
            "clientSecret",
            "key",
            "OPENAI_API_KEY",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "tokenFile",
            "passwordFile",
            "maxTokens",
            "defaultSessionKey",
            "dmPolicy",
            "keyRef",
            "mode",
            "userHeader",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn env_and_headers_values_are_secret() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_secret_path(&p(&["env", "vars", "ANYTHING"])));
        assert!(is_secret_path(&p(&[
            "models",
            "providers",
            "x",
            "headers",
            "X-Custom"
        ])));
        assert!(!is_secret_path(&p(&["gateway", "bind"])));
    }

    #[test]
    fn url_password_is_replaced_in_place() {
        let mut r = Redactor::new();
        let out = r
            .redact_string(&["url".into()], "https://bob:hunter22@example.com/x")
            .unwrap();
        assert!(
            out.starts_with("https://bob:<<clawprint:secret c=1 len=8 trim=8>>@example.com/x"),
            "{out}"
        );
        assert!(!out.contains("hunter22"));
    }

    #[test]
    fn equal_secrets_share_a_class_and_placeholders_stay() {
        let mut r = Redactor::new();
        let a = r.secret("abc");
        let b = r.secret(" abc ");
        let c = r.secret("xyz");
        assert_eq!(
            Marker::parse(&a).unwrap().class,
            Marker::parse(&b).unwrap().class
        );
        assert_ne!(
            Marker::parse(&a).unwrap().class,
            Marker::parse(&c).unwrap().class
        );
        assert_eq!(r.secret(""), "");
        assert_eq!(r.secret("${GATEWAY_TOKEN}"), "${GATEWAY_TOKEN}");
    }

    #[test]
    fn json5_text_keeps_comments_and_layout() {
        let text = "{\n  // the gateway\n  gateway: { auth: { token: 'sekrit-value-123', mode: 'token' } },\n}\n";
        let mut r = Redactor::new();
        let out = r.redact_json5(text).unwrap();
        assert!(!out.contains("sekrit"));
        assert!(out.contains("// the gateway"));
        assert!(out.contains("mode: 'token'"));
        assert!(
            out.contains("\"<<clawprint:secret c=1 len=16 trim=16>>\""),
            "{out}"
        );
    }

    #[test]
    fn env_values_stay_plain_only_as_short_settings_or_paths() {
        let (secret, plain) = env_reference_positions(
            r#"{gateway: {bind: "${B}", auth: {token: "${T}"}}, env: {X: "${E}"}, a: "${B2}-${T}"}"#,
        );
        assert_eq!(secret.into_iter().collect::<Vec<_>>(), ["E", "T"]);
        assert_eq!(plain.into_iter().collect::<Vec<_>>(), ["B", "B2", "T"]);
        assert!(
            plain_env_value("loopback") && plain_env_value("18789") && plain_env_value("/srv/x/y")
        );
        assert!(!plain_env_value("0123456789abcdef0123")); // long enough to be a token
        assert!(!plain_env_value(&format!("ghp_{}", "a".repeat(36)))); // credential shape
        assert!(!plain_env_value("https://u:p@h/")); // URLs may carry credentials
        assert!(!plain_env_value("two words"));
    }
}
