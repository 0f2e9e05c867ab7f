//! Surgical JSON5 edits and key ownership across `$include` files.
//!
//! An edit changes only the bytes of one value literal (or inserts one member before an existing one): comments,
//! key order, quoting and layout of everything else stay byte for byte. Which file to edit is decided by
//! [`owner`], which follows the config loader's merge rules (a key written next to `$include` wins over the
//! included content; of several included files the last one wins), so the edit lands where the effective value
//! is written.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::json5::{self, Node};
use crate::config::load::{self, MAX_INCLUDE_DEPTH};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the file does not parse as JSON5 ({0})")]
    Parse(String),
    #[error("key {0} not found in the file")]
    NotFound(String),
    #[error("{0} is not an object in the file")]
    NotObject(String),
    #[error("key {key} holds {found}, expected {expected}")]
    Unexpected {
        key: String,
        expected: String,
        found: String,
    },
}

/// Parsed config files by normalized path: the main config and its includes.
#[derive(Default)]
pub struct Files {
    pub nodes: BTreeMap<String, Node>,
}

impl Files {
    pub fn insert(&mut self, path: &str, text: &str) {
        if let Ok(node) = json5::parse(text) {
            self.nodes.insert(path.to_string(), node);
        }
    }

    pub fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// How many `$include` values, over every file, name each resolved path.
    pub fn include_sites(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (file, node) in &self.nodes {
            let mut raw = Vec::new();
            collect_includes(node, &mut raw);
            for r in raw {
                *out.entry(load::resolve(&load::dirname(file), &r))
                    .or_insert(0) += 1;
            }
        }
        out
    }
}

fn collect_includes(node: &Node, out: &mut Vec<String>) {
    if let Some(items) = node.as_array() {
        items.iter().for_each(|i| collect_includes(i, out));
    }
    if let Some(members) = node.as_object() {
        for m in members {
            if m.key == "$include" {
                out.extend(include_list(&m.value));
            }
            collect_includes(&m.value, out);
        }
    }
}

fn include_list(v: &Node) -> Vec<String> {
    if let Some(s) = v.as_str() {
        return vec![s.to_string()];
    }
    v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Where a config key is written: the file and the key path inside that file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub file: String,
    pub local: Vec<String>,
}

/// The file that owns `key` (config key path from the root) when loading `root_file`, following `$include` the
/// way the loader merges: a key next to `$include` wins; otherwise the included files are searched, the last
/// one first. `None` when no file writes the key.
pub fn owner(files: &Files, root_file: &str, key: &[String]) -> Option<Owner> {
    let node = files.node(root_file)?;
    owner_in(files, root_file, node, Vec::new(), key, 0)
}

fn owner_in(
    files: &Files,
    file: &str,
    node: &Node,
    prefix: Vec<String>,
    key: &[String],
    depth: usize,
) -> Option<Owner> {
    let Some((first, rest)) = key.split_first() else {
        return Some(Owner {
            file: file.to_string(),
            local: prefix,
        });
    };
    node.as_object()?;
    let mut here = prefix.clone();
    here.push(first.clone());
    if let Some(v) = node.get(first) {
        if rest.is_empty() {
            return Some(Owner {
                file: file.to_string(),
                local: here,
            });
        }
        if v.as_object().is_some() {
            if let Some(o) = owner_in(files, file, v, here, rest, depth) {
                return Some(o);
            }
        } else {
            // A scalar or array written next to `$include` replaces whatever the include holds.
            return None;
        }
    }
    if depth >= MAX_INCLUDE_DEPTH {
        return None;
    }
    let includes = node.get("$include").map(include_list).unwrap_or_default();
    for inc in includes.iter().rev() {
        let path = load::resolve(&load::dirname(file), inc);
        let Some(n) = files.node(&path) else { continue };
        if let Some(o) = owner_in(files, &path, n, Vec::new(), key, depth + 1) {
            return Some(o);
        }
    }
    None
}

/// The node at `local` (object keys; with duplicate keys the last one, which is the one that counts).
pub fn locate<'a>(root: &'a Node, local: &[String]) -> Option<&'a Node> {
    local.iter().try_fold(root, |n, k| n.get(k))
}

/// The literal for `value`, in the quoting style of `old` (the literal it replaces or sits next to): strings
/// keep single quotes when the old literal used them and the new text needs no escaping.
pub fn literal(value: &Value, old: Option<&str>) -> String {
    let single = old.is_some_and(|o| o.starts_with('\''));
    match value {
        Value::String(s) => {
            let plain = !s.chars().any(|c| c == '\'' || c == '\\' || c.is_control());
            if single && plain {
                format!("'{s}'")
            } else {
                json5::quote_string(s)
            }
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(|i| literal(i, old)).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn dotted(local: &[String]) -> String {
    local.join(".")
}

/// Replace the value at `local` by `value`. `expect` (when given) must equal the current value, else nothing
/// is changed. Returns the new text; only the old literal's bytes differ.
pub fn replace_value(
    text: &str,
    local: &[String],
    expect: Option<&Value>,
    value: &Value,
) -> Result<String, EditError> {
    let root = json5::parse(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let node = locate(&root, local).ok_or_else(|| EditError::NotFound(dotted(local)))?;
    if let Some(exp) = expect {
        let found = node.to_json();
        if &found != exp {
            return Err(EditError::Unexpected {
                key: dotted(local),
                expected: exp.to_string(),
                found: found.to_string(),
            });
        }
    }
    let old = &text[node.span.start..node.span.end];
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..node.span.start]);
    out.push_str(&literal(value, Some(old)));
    out.push_str(&text[node.span.end..]);
    Ok(out)
}

/// Insert the member `key: value` into the object at `object`, right before its member `before` (or before its
/// first member, or into an empty object), on its own line with the same indentation when that member starts a
/// line. The key is quoted like the neighbouring key.
pub fn insert_member(
    text: &str,
    object: &[String],
    key: &str,
    before: Option<&str>,
    value: &Value,
) -> Result<String, EditError> {
    let root = json5::parse(text).map_err(|e| EditError::Parse(e.to_string()))?;
    let node = locate(&root, object).ok_or_else(|| EditError::NotFound(dotted(object)))?;
    let members = node
        .as_object()
        .ok_or_else(|| EditError::NotObject(dotted(object)))?;
    if members.iter().any(|m| m.key == key) {
        let mut local = object.to_vec();
        local.push(key.to_string());
        return Err(EditError::Unexpected {
            key: dotted(&local),
            expected: "no such key".into(),
            found: "a value".into(),
        });
    }
    let anchor = before
        .and_then(|b| members.iter().rev().find(|m| m.key == b))
        .or(members.first());
    let Some(anchor) = anchor else {
        // Empty object: `{` + member + whatever was between the braces.
        let at = node.span.start + 1;
        let member = format!("{}: {}", json5::quote_string(key), literal(value, None));
        return Ok(format!("{}{member}{}", &text[..at], &text[at..]));
    };
    let key_text = &text[anchor.key_span.start..anchor.key_span.end];
    let quoted_key = if key_text.starts_with('"') {
        json5::quote_string(key)
    } else if key_text.starts_with('\'') {
        format!("'{key}'")
    } else {
        key.to_string()
    };
    let value_text = &text[anchor.value.span.start..anchor.value.span.end];
    let member = format!("{quoted_key}: {}", literal(value, Some(value_text)));
    let at = anchor.key_span.start;
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let indent = &text[line_start..at];
    let separator = if indent.chars().all(|c| c == ' ' || c == '\t') && line_start > 0 {
        format!(",\n{indent}")
    } else {
        ", ".to_string()
    };
    Ok(format!("{}{member}{separator}{}", &text[..at], &text[at..]))
}

/// The changed lines of an edit, for review: the first changed line number (1-based) and the lines before and
/// after. Lines outside the edit are the same in both texts by construction.
pub fn changed_lines(old: &str, new: &str) -> (usize, Vec<String>, Vec<String>) {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    let before = a[prefix..a.len() - suffix]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let after = b[prefix..b.len() - suffix]
        .iter()
        .map(|s| s.to_string())
        .collect();
    (prefix + 1, before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    const CONFIG: &str = r#"// my gateway
{
  /* logging */ logging: { redactSensitive: 'off', },
  channels: {
    telegram: {
      groupPolicy: "open", // TODO tighten
      botToken: "<<clawprint:secret c=1 len=40 trim=40>>",
    },
  },
  logging: { redactSensitive: "off" },
}
"#;

    #[test]
    fn replace_changes_only_the_value_bytes() {
        let out = replace_value(
            CONFIG,
            &keys(&["channels", "telegram", "groupPolicy"]),
            Some(&json!("open")),
            &json!("allowlist"),
        )
        .unwrap();
        let at = CONFIG.find("\"open\"").unwrap();
        assert_eq!(&out[..at], &CONFIG[..at]);
        assert_eq!(&out[at..at + 11], "\"allowlist\"");
        assert_eq!(&out[at + 11..], &CONFIG[at + 6..]);
    }

    #[test]
    fn duplicate_keys_edit_the_last_one_and_single_quotes_survive() {
        let out = replace_value(
            CONFIG,
            &keys(&["logging", "redactSensitive"]),
            Some(&json!("off")),
            &json!("tools"),
        )
        .unwrap();
        assert!(out.contains("redactSensitive: 'off', }"), "{out}");
        assert!(out.contains("logging: { redactSensitive: \"tools\" }"));
        let first = "{ a: 'x', b: 1 }";
        assert_eq!(
            replace_value(first, &keys(&["a"]), None, &json!("y")).unwrap(),
            "{ a: 'y', b: 1 }"
        );
    }

    #[test]
    fn unexpected_value_changes_nothing() {
        let err = replace_value(
            CONFIG,
            &keys(&["channels", "telegram", "groupPolicy"]),
            Some(&json!("disabled")),
            &json!("allowlist"),
        )
        .unwrap_err();
        assert!(matches!(err, EditError::Unexpected { .. }), "{err}");
        assert!(matches!(
            replace_value(CONFIG, &keys(&["nope", "x"]), None, &json!(1)),
            Err(EditError::NotFound(_))
        ));
    }

    #[test]
    fn insert_member_keeps_layout() {
        let text = "{\n  whatsapp: {\n    // who\n    groupPolicy: \"open\",\n  },\n}\n";
        let out = insert_member(
            text,
            &keys(&["whatsapp"]),
            "groupAllowFrom",
            Some("groupPolicy"),
            &json!(["+15550001111", "+15550002222"]),
        )
        .unwrap();
        assert_eq!(
            out,
            "{\n  whatsapp: {\n    // who\n    groupAllowFrom: [\"+15550001111\", \"+15550002222\"],\n    groupPolicy: \"open\",\n  },\n}\n"
        );
        let inline = r#"{"w": {"groupPolicy": "open"}}"#;
        assert_eq!(
            insert_member(
                inline,
                &keys(&["w"]),
                "g",
                Some("groupPolicy"),
                &json!(["a"])
            )
            .unwrap(),
            r#"{"w": {"g": ["a"], "groupPolicy": "open"}}"#
        );
        assert_eq!(
            insert_member("{ w: {} }", &keys(&["w"]), "g", None, &json!([])).unwrap(),
            "{ w: {\"g\": []} }"
        );
        json5::parse(&out).unwrap();
    }

    #[test]
    fn owner_follows_includes_like_the_loader() {
        let mut files = Files::default();
        files.insert(
            "/c/openclaw.json",
            r#"{ $include: ["./a.json5", "./b.json5"], logging: { redactSensitive: "off" },
                 channels: { $include: "./ch.json5", discord: { groupPolicy: "open" } } }"#,
        );
        files.insert(
            "/c/a.json5",
            "{ logging: { redactSensitive: 'tools', file: 'x' }, gateway: { bind: 'lan' } }",
        );
        files.insert("/c/b.json5", "{ gateway: { bind: 'loopback' } }");
        files.insert(
            "/c/ch.json5",
            "{ telegram: { groupPolicy: 'open' }, discord: { groupPolicy: 'allowlist' } }",
        );
        let o = |k: &[&str]| owner(&files, "/c/openclaw.json", &keys(k));
        assert_eq!(
            o(&["logging", "redactSensitive"]).unwrap().file,
            "/c/openclaw.json"
        );
        assert_eq!(o(&["logging", "file"]).unwrap().file, "/c/a.json5");
        assert_eq!(o(&["gateway", "bind"]).unwrap().file, "/c/b.json5");
        assert_eq!(
            o(&["channels", "telegram", "groupPolicy"]).unwrap(),
            Owner {
                file: "/c/ch.json5".into(),
                local: keys(&["telegram", "groupPolicy"])
            }
        );
        assert_eq!(
            o(&["channels", "discord", "groupPolicy"]).unwrap().file,
            "/c/openclaw.json"
        );
        assert_eq!(o(&["channels", "slack", "groupPolicy"]), None);
        assert_eq!(files.include_sites()["/c/ch.json5"], 1);
    }

    #[test]
    fn changed_lines_of_an_edit() {
        let (line, before, after) = changed_lines("a\nb: 1\nc\n", "a\nb: 2\nc\n");
        assert_eq!(
            (line, before, after),
            (2, vec!["b: 1".into()], vec!["b: 2".into()])
        );
    }
}
