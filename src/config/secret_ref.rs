//! SecretRefs: config values that point at a secret instead of holding it (`{source, provider, id}` objects, a
//! whole-string `${VAR}` / `$VAR` template, the legacy `secretref-env:VAR` marker), and the config paths OpenClaw
//! resolves them on before its security audit.
//!
//! Pure: capture uses it on the raw config to know what to resolve, the audit on the snapshot to know where the
//! resolved values go. Resolving (reading env values and files) is capture's job (`capture::secrets`).

use serde_json::{Map, Value};

use super::secret::js_trim;

/// Where a SecretRef's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    /// `env`, `file` or `exec`.
    pub source: String,
    /// A key of `secrets.providers` (or the default alias).
    pub provider: String,
    /// Env var name, JSON pointer (`file`), or the id passed to the exec provider.
    pub id: String,
}

impl SecretRef {
    /// `source:provider:id`, as OpenClaw labels a ref.
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.source, self.provider, self.id)
    }
}

fn valid_env_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

fn is_source(v: Option<&Value>) -> Option<&str> {
    match v?.as_str()? {
        s @ ("env" | "file" | "exec") => Some(s),
        _ => None,
    }
}

fn non_blank(v: Option<&Value>) -> Option<&str> {
    v?.as_str().filter(|s| !js_trim(s).is_empty())
}

/// The default provider alias for a source: `secrets.defaults.<source>` trimmed, else `default`.
pub fn default_provider(defaults: Option<&Value>, source: &str) -> String {
    defaults
        .and_then(|d| d.get(source))
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string()
}

/// OpenClaw's `coerceSecretRef`: the ref a config value stands for, if any. `defaults` is `secrets.defaults`.
pub fn coerce(value: &Value, defaults: Option<&Value>) -> Option<SecretRef> {
    let env_alias = || {
        let p = defaults
            .and_then(|d| d.get("env"))
            .and_then(Value::as_str)
            .unwrap_or("default");
        let p = js_trim(p);
        if p.is_empty() { "default" } else { p }.to_string()
    };
    match value {
        Value::Object(m) => {
            let source = is_source(m.get("source"))?;
            let id = non_blank(m.get("id"))?;
            if m.len() == 3 {
                if let Some(provider) = non_blank(m.get("provider")) {
                    return Some(SecretRef {
                        source: source.into(),
                        provider: provider.into(),
                        id: id.into(),
                    });
                }
            }
            // Legacy form without a provider.
            if m.contains_key("provider") {
                return None;
            }
            let provider = defaults
                .and_then(|d| d.get(source))
                .and_then(Value::as_str)
                .unwrap_or("default");
            Some(SecretRef {
                source: source.into(),
                provider: provider.into(),
                id: id.into(),
            })
        }
        Value::String(s) => {
            let t = js_trim(s);
            let marker = t
                .strip_prefix("secretref-env:")
                .or_else(|| t.strip_prefix("__env__:"));
            if let Some(id) = marker {
                return valid_env_id(id).then(|| SecretRef {
                    source: "env".into(),
                    provider: env_alias(),
                    id: id.into(),
                });
            }
            let id = t
                .strip_prefix("${")
                .and_then(|r| r.strip_suffix('}'))
                .or_else(|| t.strip_prefix('$'))?;
            valid_env_id(id).then(|| SecretRef {
                source: "env".into(),
                provider: env_alias(),
                id: id.into(),
            })
        }
        _ => None,
    }
}

/// The target patterns OpenClaw's `security audit` resolves, in its order: the four gateway credentials, then the
/// channel secret targets of the bundled channel plugins (sorted).
pub const AUDIT_TARGETS: &[&str] = &[
    "gateway.auth.token",
    "gateway.auth.password",
    "gateway.remote.token",
    "gateway.remote.password",
    "channels.irc.accounts.*.nickserv.password",
    "channels.irc.accounts.*.password",
    "channels.irc.nickserv.password",
    "channels.irc.password",
    "channels.mattermost.accounts.*.botToken",
    "channels.mattermost.botToken",
    "channels.telegram.accounts.*.botToken",
    "channels.telegram.accounts.*.webhookSecret",
    "channels.telegram.botToken",
    "channels.telegram.webhookSecret",
];

/// One concrete target path holding a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Target<'a> {
    /// Dotted path, e.g. `channels.telegram.accounts.ops.botToken`.
    pub path: String,
    pub segments: Vec<String>,
    pub value: &'a Value,
}

fn expand<'a>(
    node: &'a Value,
    tokens: &[&str],
    segments: &mut Vec<String>,
    out: &mut Vec<Target<'a>>,
) {
    let Some((tok, rest)) = tokens.split_first() else {
        out.push(Target {
            path: segments.join("."),
            segments: segments.clone(),
            value: node,
        });
        return;
    };
    let Value::Object(map) = node else {
        return;
    };
    let keys: Vec<&String> = if *tok == "*" {
        js_key_order(map)
    } else {
        map.get_key_value(*tok)
            .map(|(k, _)| k)
            .into_iter()
            .collect()
    };
    for k in keys {
        segments.push(k.clone());
        expand(&map[k], rest, segments, out);
        segments.pop();
    }
}

/// Object keys in JavaScript's enumeration order: integer-like keys ascending, then the others in insertion order.
pub fn js_key_order(map: &Map<String, Value>) -> Vec<&String> {
    let is_index = |k: &str| {
        !k.is_empty()
            && k.len() <= 10
            && k.bytes().all(|b| b.is_ascii_digit())
            && (k == "0" || !k.starts_with('0'))
            && k.parse::<u64>().is_ok_and(|n| n < u32::MAX as u64)
    };
    let mut idx: Vec<&String> = map.keys().filter(|k| is_index(k)).collect();
    idx.sort_by_key(|k| k.parse::<u64>().unwrap_or(0));
    idx.extend(map.keys().filter(|k| !is_index(k)));
    idx
}

/// Every target path of [`AUDIT_TARGETS`] present in `cfg`, in OpenClaw's discovery order (pattern order, then
/// object key order). Only paths whose value exists are returned.
pub fn discover(cfg: &Value) -> Vec<Target<'_>> {
    let mut out = Vec::new();
    for pattern in AUDIT_TARGETS {
        let tokens: Vec<&str> = pattern.split('.').collect();
        expand(cfg, &tokens, &mut Vec::new(), &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.path.clone()));
    out
}

/// Every target that holds a SecretRef (in discovery order), with the ref.
pub fn refs(cfg: &Value) -> Vec<(Target<'_>, SecretRef)> {
    let defaults = cfg.pointer("/secrets/defaults");
    discover(cfg)
        .into_iter()
        .filter_map(|t| coerce(t.value, defaults).map(|r| (t, r)))
        .collect()
}

/// Set a value at `segments` (every parent must exist as an object); `None` removes the key.
pub fn set_path(cfg: &mut Value, segments: &[String], value: Option<Value>) {
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut node = cfg;
    for s in parents {
        match node.get_mut(s) {
            Some(n) => node = n,
            None => return,
        }
    }
    if let Value::Object(m) = node {
        match value {
            Some(v) => {
                if let Some(slot) = m.get_mut(last) {
                    *slot = v;
                }
            }
            None => {
                m.shift_remove(last);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn coerces_objects_templates_and_markers() {
        let r = coerce(
            &json!({"source": "env", "provider": "default", "id": "X"}),
            None,
        )
        .unwrap();
        assert_eq!(r.key(), "env:default:X");
        // Exactly three keys, or the legacy form without a provider.
        assert!(coerce(
            &json!({"source": "env", "provider": "p", "id": "X", "extra": 1}),
            None
        )
        .is_none());
        let legacy = coerce(
            &json!({"source": "file", "id": "/a"}),
            Some(&json!({"file": "vault"})),
        );
        assert_eq!(legacy.unwrap().key(), "file:vault:/a");
        assert!(coerce(&json!({"source": "ssm", "provider": "p", "id": "X"}), None).is_none());
        assert_eq!(
            coerce(&json!(" ${GW_TOKEN} "), None).unwrap().key(),
            "env:default:GW_TOKEN"
        );
        assert_eq!(
            coerce(&json!("$GW_TOKEN"), Some(&json!({"env": "e"})))
                .unwrap()
                .key(),
            "env:e:GW_TOKEN"
        );
        assert_eq!(coerce(&json!("secretref-env:A_1"), None).unwrap().id, "A_1");
        for s in [
            "${lower}",
            "x${A}",
            "${A}x",
            "plain",
            "$",
            "secretref-env:a",
        ] {
            assert!(coerce(&json!(s), None).is_none(), "{s}");
        }
    }

    #[test]
    fn discovers_targets_in_reference_order() {
        let cfg = json!({
            "channels": {"telegram": {"accounts": {"b": {"botToken": "x"}, "2": {"botToken": "y"}},
                                      "botToken": "z"}},
            "gateway": {"remote": {"token": "r"}, "auth": {"password": "p", "token": "t"}}
        });
        let paths: Vec<String> = discover(&cfg).into_iter().map(|t| t.path).collect();
        assert_eq!(
            paths,
            [
                "gateway.auth.token",
                "gateway.auth.password",
                "gateway.remote.token",
                "channels.telegram.accounts.2.botToken",
                "channels.telegram.accounts.b.botToken",
                "channels.telegram.botToken",
            ]
        );
    }

    #[test]
    fn set_path_replaces_and_removes() {
        let mut cfg = json!({"gateway": {"auth": {"token": {"source": "env"}, "mode": "token"}}});
        let seg: Vec<String> = ["gateway", "auth", "token"].map(String::from).to_vec();
        set_path(&mut cfg, &seg, Some(json!("v")));
        assert_eq!(cfg["gateway"]["auth"]["token"], "v");
        set_path(&mut cfg, &seg, None);
        assert_eq!(cfg, json!({"gateway": {"auth": {"mode": "token"}}}));
    }
}
