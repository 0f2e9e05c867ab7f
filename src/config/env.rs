//! Environment: `${VAR}` substitution as OpenClaw's config loader does it, and `.env` parsing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::secret::{js_len, js_trim, Marker};

/// Environment variables whose value makes a bundled web-search provider count as configured (providers of the
/// bundled plugins exa, firecrawl, google, minimax, moonshot, ollama, perplexity, tavily and xai). The audit
/// (`models.small_params`) reads whether one is set; capture records them as secrets.
pub const SEARCH_PROVIDER_ENV: &[&str] = &[
    "EXA_API_KEY",
    "FIRECRAWL_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "MINIMAX_CODE_PLAN_KEY",
    "MINIMAX_CODING_API_KEY",
    "MINIMAX_API_KEY",
    "MINIMAX_OAUTH_TOKEN",
    "MOONSHOT_API_KEY",
    "KIMI_API_KEY",
    "OLLAMA_API_KEY",
    "PERPLEXITY_API_KEY",
    "OPENROUTER_API_KEY",
    "TAVILY_API_KEY",
    "XAI_API_KEY",
];

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

enum Token<'a> {
    Escaped(&'a str),
    Substitution(&'a str),
}

/// `$${NAME}` (escaped) or `${NAME}` at byte `i`, with the byte index of its closing brace.
fn token_at(s: &str, i: usize) -> Option<(Token<'_>, usize)> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'$') {
        return None;
    }
    let (start, escaped) = match (b.get(i + 1), b.get(i + 2)) {
        (Some(b'$'), Some(b'{')) => (i + 3, true),
        (Some(b'{'), _) => (i + 2, false),
        _ => return None,
    };
    let end = start + s[start..].find('}')?;
    let name = &s[start..end];
    if !is_env_name(name) {
        return None;
    }
    Some((
        if escaped {
            Token::Escaped(name)
        } else {
            Token::Substitution(name)
        },
        end,
    ))
}

/// Does the string reference an environment variable (`${NAME}`, not the escaped `$${NAME}`)?
pub fn contains_env_reference(s: &str) -> bool {
    let mut i = 0;
    while let Some(off) = s[i..].find('$') {
        let at = i + off;
        match token_at(s, at) {
            Some((Token::Escaped(_), end)) => i = end + 1,
            Some((Token::Substitution(_), _)) => return true,
            None => i = at + 1,
        }
    }
    false
}

/// Every variable name a string references.
pub fn env_references(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = s[i..].find('$') {
        let at = i + off;
        match token_at(s, at) {
            Some((Token::Escaped(_), end)) => i = end + 1,
            Some((Token::Substitution(name), end)) => {
                out.push(name.to_string());
                i = end + 1;
            }
            None => i = at + 1,
        }
    }
    out
}

/// A string split into its `${NAME}` references (`true`, as written) and the literal runs around them (`false`,
/// as the loader leaves them: `$${NAME}` becomes `${NAME}`).
pub fn split_references(s: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < s.len() {
        match token_at(s, i) {
            Some((Token::Escaped(name), end)) => {
                literal.push_str(&format!("${{{name}}}"));
                i = end + 1;
            }
            Some((Token::Substitution(_), end)) => {
                if !literal.is_empty() {
                    out.push((false, std::mem::take(&mut literal)));
                }
                out.push((true, s[i..=end].to_string()));
                i = end + 1;
            }
            None => {
                let c = s[i..].chars().next().expect("in bounds");
                literal.push(c);
                i += c.len_utf8();
            }
        }
    }
    if !literal.is_empty() {
        out.push((false, literal));
    }
    out
}

/// Is `s` secret text spliced with references as redaction writes it (`<<marker>>${NAME}`: markers, references
/// and blanks only, at least one marker)? Its markers then count like substituted secrets.
fn is_spliced_secret(s: &str) -> bool {
    let mut rest = s;
    let mut markers = 0;
    while !rest.is_empty() {
        if rest.starts_with(super::secret::PREFIX) {
            let Some(end) = rest.find(">>") else {
                return false;
            };
            if Marker::parse(&rest[..end + 2]).is_none() {
                return false;
            }
            markers += 1;
            rest = &rest[end + 2..];
        } else if let Some((Token::Substitution(_), end)) = token_at(rest, 0) {
            rest = &rest[end + 1..];
        } else {
            let c = rest.chars().next().expect("not empty");
            if !super::secret::is_js_whitespace(c) {
                return false;
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    markers > 0
}

/// Substitute `${NAME}` in one string. Missing or empty variables leave the reference as it is (OpenClaw's
/// audit loads the config with `onMissing` set, so it warns instead of failing). When a substituted value is a
/// secret marker, the result is a marker too: the whole string stands for a secret. So it is for the markers of
/// secret text written around references (`"<<marker>>${SUFFIX}"`, see [`is_spliced_secret`]).
pub fn substitute(s: &str, env: &BTreeMap<String, String>) -> String {
    if !s.contains('$') {
        return s.to_string();
    }
    let spliced = is_spliced_secret(s);
    let mut out = String::new();
    let mut secret: Option<Marker> = None;
    // `out` with a SHAPE_SECRET char where each marker stands, and the markers in order (for the env bits).
    let mut shape = String::new();
    let mut markers: Vec<Marker> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().expect("in bounds");
        if spliced && s[i..].starts_with(super::secret::PREFIX) {
            let end = i + s[i..].find(">>").expect("checked") + 2;
            let m = Marker::parse(&s[i..end]).expect("checked");
            secret = Some(join(secret, m));
            markers.push(m);
            shape.push(SHAPE_SECRET);
            i = end;
            continue;
        }
        if c == '$' {
            match token_at(s, i) {
                Some((Token::Escaped(name), end)) => {
                    let text = format!("${{{name}}}");
                    out.push_str(&text);
                    shape.push_str(&text);
                    i = end + 1;
                    continue;
                }
                Some((Token::Substitution(name), end)) => {
                    let text = match env.get(name).filter(|v| !v.is_empty()) {
                        Some(v) => match Marker::parse(v) {
                            Some(m) => {
                                secret = Some(join(secret, m));
                                markers.push(m);
                                shape.push(SHAPE_SECRET);
                                ""
                            }
                            None => v.as_str(),
                        },
                        None => &s[i..=end],
                    };
                    out.push_str(text);
                    shape.push_str(text);
                    i = end + 1;
                    continue;
                }
                None => {}
            }
        }
        out.push(c);
        shape.push(c);
        i += c.len_utf8();
    }
    match secret {
        None => out,
        Some(m) if out.is_empty() && markers.len() == 1 => m.to_string(),
        Some(m) => {
            // A secret embedded in text: a marker whose length covers both, in a class of its own.
            let (class, trim) = if out.is_empty() {
                (m.class, m.trim)
            } else {
                (
                    (u64::MAX / 2).wrapping_add(m.class),
                    m.trim + js_len(js_trim(&out)),
                )
            };
            Marker {
                class,
                len: m.len + js_len(&out),
                trim,
                env: joined_env_bits(&shape, &markers),
            }
            .to_string()
        }
    }
}

/// Secrets joined in a string: the class is kept only when the marker is the whole value; joined ones get a class
/// from the classes of all their parts (`a${X}` and `a${Y}` differ as the raw values do).
fn join(prev: Option<Marker>, m: Marker) -> Marker {
    match prev {
        None => m,
        Some(prev) => Marker {
            class: u64::MAX - prev.class.wrapping_mul(1_000_003).wrapping_add(m.class),
            len: prev.len + m.len,
            trim: prev.trim + m.len,
            env: 0,
        },
    }
}

/// Stands for a substituted secret in the shape of a string (a char no config text has).
const SHAPE_SECRET: char = '\u{1}';

/// The [`Marker::env`] bits of text with secrets spliced in (`shape` as built by [`substitute`]): what
/// [`super::secret::env_bits`] gives for the raw joined value, from the text and each secret's own bits.
fn joined_env_bits(shape: &str, markers: &[Marker]) -> u8 {
    use super::secret::{ENV_CLOSE, ENV_OPEN, ENV_REF};
    let text: String = shape.chars().filter(|c| *c != SHAPE_SECRET).collect();
    if !text.contains("${") && markers.iter().all(|m| m.env == 0) {
        return 0;
    }
    let t = js_trim(shape);
    let mut bits = 0;
    if contains_env_reference(&text) || markers.iter().any(|m| m.env & ENV_REF != 0) {
        bits |= ENV_REF;
    }
    let open = match (t.starts_with(SHAPE_SECRET), markers.first()) {
        (true, Some(m)) => m.env & ENV_OPEN != 0,
        _ => t.starts_with("${"),
    };
    let close = match (t.ends_with(SHAPE_SECRET), markers.last()) {
        (true, Some(m)) => m.env & ENV_CLOSE != 0,
        _ => t.ends_with('}'),
    };
    if open {
        bits |= ENV_OPEN;
    }
    if close {
        bits |= ENV_CLOSE;
    }
    bits
}

/// Substitute every string of a JSON tree.
pub fn substitute_tree(v: &Value, env: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) => Value::String(substitute(s, env)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| substitute_tree(i, env)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute_tree(v, env)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Variables from the config's own `env` block (`env.vars.*` and string keys of `env` other than `shellEnv` and
/// `vars`), which OpenClaw adds to its environment when not already set.
pub fn config_env_vars(cfg: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(env) = cfg.get("env").and_then(Value::as_object) else {
        return out;
    };
    if let Some(vars) = env.get("vars").and_then(Value::as_object) {
        for (k, v) in vars {
            if let Some(s) = v.as_str().filter(|s| !js_trim(s).is_empty()) {
                out.push((k.trim().to_string(), s.to_string()));
            }
        }
    }
    for (k, v) in env {
        if k == "shellEnv" || k == "vars" {
            continue;
        }
        if let Some(s) = v.as_str().filter(|s| !js_trim(s).is_empty()) {
            out.push((k.trim().to_string(), s.to_string()));
        }
    }
    out
}

/// Parse a `.env` file the way the `dotenv` package does (KEY=VALUE lines, `export`, quotes, comments).
/// Returns variables in file order; later duplicates win when collected into a map.
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let text = text.replace("\r\n", "\n");
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..]
            .find('\n')
            .map(|n| pos + n)
            .unwrap_or(text.len());
        let line = &text[pos..line_end];
        let mut next = line_end + 1;
        let body = line.trim_start();
        let body = body
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(body);
        if let Some(sep) = body.find('=') {
            let key = body[..sep].trim();
            let valid = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if valid {
                let value_part = body[sep + 1..].trim_start();
                // Byte offset of value_part inside `text`.
                // value_part is a suffix of the line, so its offset in `text` follows from its length.
                let value_at = line_end - value_part.len();
                let quote = value_part
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '"' | '\'' | '`'));
                let value = match quote {
                    Some(q) => match text[value_at + 1..].find(q) {
                        Some(close) => {
                            let raw = &text[value_at + 1..value_at + 1 + close];
                            let after = value_at + 1 + close + 1;
                            next = text[after..]
                                .find('\n')
                                .map(|n| after + n + 1)
                                .unwrap_or(text.len());
                            if q == '"' {
                                raw.replace("\\n", "\n").replace("\\r", "\r")
                            } else {
                                raw.to_string()
                            }
                        }
                        None => value_part.trim().to_string(),
                    },
                    None => value_part
                        .split(" #")
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                };
                out.push((key.to_string(), value));
            }
        }
        pos = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn substitution_follows_the_loader() {
        let e = env(&[("A", "x"), ("EMPTY", "")]);
        assert_eq!(substitute("${A}-${A}", &e), "x-x");
        assert_eq!(substitute("${MISSING}", &e), "${MISSING}");
        assert_eq!(substitute("${EMPTY}", &e), "${EMPTY}");
        assert_eq!(substitute("$${A}", &e), "${A}");
        assert_eq!(substitute("${lower}", &e), "${lower}");
        assert!(contains_env_reference("a ${B} c"));
        assert!(!contains_env_reference("a $${B} c"));
        assert!(!contains_env_reference("${b}"));
    }

    #[test]
    fn substituted_secret_stays_a_marker() {
        let m = Marker {
            class: 3,
            len: 30,
            trim: 30,
            env: 0,
        }
        .to_string();
        let e = env(&[("TOKEN", &m)]);
        assert_eq!(substitute("${TOKEN}", &e), m);
        let mixed = Marker::parse(&substitute("Bearer ${TOKEN}", &e)).unwrap();
        assert_eq!(mixed.len, 37);
        assert_ne!(mixed.class, 3);
    }

    #[test]
    fn substituted_secrets_keep_what_the_template_tests_see() {
        use crate::config::secret::{Marker, Str};
        let m = |raw: &str, class| Marker::for_value(raw, class).to_string();
        let e = env(&[
            ("A", &m("x${S}y", 1)),
            ("B", &m("${open", 2)),
            ("C", &m("plain", 3)),
        ]);
        for (tpl, raw_joined) in [
            ("${A}", "x${S}y"),
            ("pre ${A}", "pre x${S}y"),
            ("${B}}", "${open}"),
            ("${B}-${C}", "${open-plain"),
            ("${C}${MISSING}", "plain${MISSING}"),
            ("${C}-${C}", "plain-plain"),
        ] {
            let out = substitute(tpl, &e);
            let (got, want) = (Str::of(&out), Str::of(raw_joined));
            assert!(got.is_secret(), "{tpl}");
            assert_eq!(
                (got.contains_env_reference(), got.looks_like_env_template()),
                (
                    want.contains_env_reference(),
                    want.looks_like_env_template()
                ),
                "{tpl} -> {out}"
            );
        }
    }

    #[test]
    fn dotenv_lines() {
        let vars = parse_dotenv(
            "# comment\nexport A=1\nB = two # note\nC=\"multi\nline\"\nD='x#y'\n  E=e\nbad line\n",
        );
        assert_eq!(
            vars,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two".into()),
                ("C".into(), "multi\nline".into()),
                ("D".into(), "x#y".into()),
                ("E".into(), "e".into()),
            ]
        );
    }
}
