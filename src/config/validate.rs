//! When OpenClaw 2026.5.20 refuses a config: its schema validation, re-done offline.
//!
//! The reference loads the config (JSON5, `$include` resolved, `${VAR}` substituted) and validates it before any
//! command runs; `security audit` then prints no report, exits 1 and lists `path: problem` lines on stderr. This
//! module answers the same question for a loaded config so clawprint can say "OpenClaw would refuse this config"
//! while still auditing it. Stages, in the reference's order (each later stage runs only when the earlier ones
//! found nothing, as in `validateConfigObjectWithPlugins`):
//!
//! 1. **Core schema** (the reference's Zod schema), checked against the embedded JSON schema that
//!    `openclaw config schema` prints (`data/config-schema-2026.5.20.json.zst`, made by `scripts/schema.sh`),
//!    with Zod's reporting rules: an unknown key is one problem at the object that holds it, reported after its
//!    children; a union that no branch accepts is one problem at the union; fields with a default are not
//!    required. Channel sections and plugin configs are skipped here (Zod lets them through). Then the rules
//!    the JSON schema cannot express (Zod refinements, [`refine`]), e.g. sandbox binds and network modes.
//!    SecretRef objects on the few credentials that must stay plain strings are reported first.
//! 2. **Whole-config rules**: duplicate `agentDir`, agent avatars outside the workspace, Tailscale serve/funnel
//!    with a bind that is not loopback.
//! 3. **Plugin stage**: unknown channel ids, each channel section against its channel schema (ajv rules: every
//!    problem, one per unknown key), heartbeat targets, the web-search provider, withdrawn model refs, and with
//!    an explicit `plugins` section: missing `plugins.load.paths`, an unknown memory slot plugin and plugin
//!    configs against their schemas.
//!
//! JSON-schema keywords the embedded file uses (all implemented): `type` (a name or a list), `properties`,
//! `required`, `additionalProperties` (bool or schema), `propertyNames`, `items` (schema or tuple list),
//! `minItems`, `maxItems`, `enum`, `const`, `anyOf`, `oneOf` (always discriminated by a `const` property),
//! `minLength`, `maxLength`, `pattern` (eight distinct patterns, matched by hand: [`pattern_matches`]), `format`
//! (`uri` only), `minimum`, `maximum`, `exclusiveMinimum`, `default`, `$ref` / `$defs` (local refs inside a
//! plugin schema), `$schema` (ignored). A test checks that the file uses nothing else.
//!
//! Secrets in a snapshot are redaction markers: lengths are measured through [`Str`]; a marker is never tested
//! against a pattern, format or enum (it is taken to match).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::load;
use super::paths;
use super::secret::{js_len, js_trim, Str};

/// Capture diagnostic code for a `plugins.load.paths` entry that does not exist on the host.
pub const MISSING_LOAD_PATH: &str = "plugins.load_path.missing";

/// The release whose schema is embedded.
pub const SCHEMA_RELEASE: &str = "2026.5.20";

static SCHEMA_ZST: &[u8] = include_bytes!("../../data/config-schema-2026.5.20.json.zst");
static SUPPRESSED_MODELS: &str = include_str!("../../data/suppressed-models-2026.5.20.txt");

/// The embedded JSON schema of OpenClaw 2026.5.20 (decoded once, on first use).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let bytes = zstd::decode_all(SCHEMA_ZST).expect("embedded schema decompresses");
        serde_json::from_slice(&bytes).expect("embedded schema is JSON")
    })
}

/// One reason OpenClaw would refuse the config: a dotted config path (`<root>` for the whole config) and what is
/// wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Facts from outside the config that the reference's validation consults.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// HOME (`~` in paths) and the working directory (relative paths).
    pub home: String,
    pub cwd: String,
    pub state_dir: String,
    /// `plugins.load.paths` entries (resolved) that capture found missing on the host.
    pub missing_paths: BTreeSet<String>,
    /// Ids of plugins installed outside the package (they add known plugin and channel ids).
    pub installed_plugins: BTreeSet<String>,
}

/// Every problem OpenClaw 2026.5.20 would report for this loaded config (includes resolved, `${VAR}`
/// substituted), in its order. Empty: it would load the config.
pub fn validate(cfg: &Value, facts: &Facts) -> Vec<Problem> {
    let stripped = strip_before_validation(cfg);
    let cfg = &stripped;
    let policy = secret_ref_policy(cfg);
    let mut core = Walker::new();
    core.zod(schema(), cfg, &mut Vec::new());
    if !core.out.is_empty() {
        return [policy, core.out].concat();
    }
    if !policy.is_empty() {
        let mut out = policy;
        if let Some(channels) = cfg.get("channels").and_then(Value::as_object) {
            for (key, value) in channels {
                out.extend(channel_problems(key.trim(), value));
            }
        }
        return out;
    }
    for stage in [duplicate_agent_dirs, avatars, tailscale_bind] {
        let found = stage(cfg, facts);
        if !found.is_empty() {
            return found;
        }
    }
    plugin_stage(cfg, facts)
}

/// What the reference removes before validating: `plugins.installs` (migrated to the plugin index; `plugins`
/// goes too when nothing else is left in it) and the deprecated `commands.modelsWrite`.
fn strip_before_validation(cfg: &Value) -> Value {
    let mut cfg = cfg.clone();
    if let Some(root) = cfg.as_object_mut() {
        if let Some(plugins) = root.get_mut("plugins").and_then(Value::as_object_mut) {
            if plugins.remove("installs").is_some() && plugins.is_empty() {
                root.remove("plugins");
            }
        }
        if let Some(commands) = root.get_mut("commands").and_then(Value::as_object_mut) {
            commands.remove("modelsWrite");
        }
    }
    cfg
}

fn problem(path: &[String], message: impl Into<String>) -> Problem {
    Problem {
        path: format_path(path),
        message: message.into(),
    }
}

/// The reference's dotted path: segments joined with `.`, `<root>` when empty.
pub fn format_path(path: &[String]) -> String {
    if path.is_empty() {
        "<root>".into()
    } else {
        path.join(".")
    }
}

fn join(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

/// Does a path match a pattern of segments (`*` matches any one segment)?
fn path_is(path: &[String], pattern: &[&str]) -> bool {
    path.len() == pattern.len() && path.iter().zip(pattern).all(|(a, b)| *b == "*" || a == b)
}

// ---------------------------------------------------------------------------------------------------------
// The JSON-schema walker.

/// Walks a value against a schema under one of two reporting rules: [`Walker::zod`] (the reference's core
/// schema: one problem per unknown-key set, per failed union; refinements) or [`Walker::ajv`] (channel and
/// plugin schemas, ajv with `allErrors`: every failing keyword, branch problems kept).
struct Walker<'s> {
    out: Vec<Problem>,
    /// Document root for `$ref` (a plugin schema has its own `$defs`).
    doc: Option<&'s Value>,
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn type_matches(name: &str, v: &Value) -> bool {
    match name {
        "integer" => is_integer(v),
        "number" => v.is_number(),
        other => json_type(v) == other,
    }
}

fn type_ok(s: &Map<String, Value>, v: &Value) -> Result<(), String> {
    let Some(t) = s.get("type") else {
        return Ok(());
    };
    let names: Vec<&str> = match t {
        Value::String(n) => vec![n.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return Ok(()),
    };
    if names.iter().any(|n| type_matches(n, v)) {
        Ok(())
    } else {
        Err(format!(
            "expected {}, found {}",
            names.join(" or "),
            describe(v)
        ))
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if Str::of(s).is_secret() => "a string".into(),
        Value::String(s) if s.chars().count() <= 40 => {
            format!("the string {}", Value::String(s.clone()))
        }
        Value::String(_) => "a string".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        Value::Null => "null".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Constant values a schema allows, when it is a set of constants (`enum`, `const`, or a union of them).
fn allowed_values(s: &Value) -> Option<Vec<Value>> {
    let s = s.as_object()?;
    if let Some(c) = s.get("const") {
        return Some(vec![c.clone()]);
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        return Some(e.clone());
    }
    let branches = s.get("anyOf").or_else(|| s.get("oneOf"))?.as_array()?;
    let mut out = Vec::new();
    for b in branches {
        out.extend(allowed_values(b)?);
    }
    Some(out)
}

fn one_of_text(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().take(12).map(Value::to_string).collect();
    let more = values.len().saturating_sub(12);
    if more > 0 {
        format!("{}, … ({more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The property of a `oneOf` that every branch fixes with a `const` (Zod's discriminated unions).
fn discriminator(branches: &[Value]) -> Option<&str> {
    let first = branches.first()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, p)| p.get("const").is_some())
        .map(|(k, _)| k.as_str())
        .find(|k| {
            branches.iter().all(|b| {
                b.pointer(&format!(
                    "/properties/{}/const",
                    k.replace('~', "~0").replace('/', "~1")
                ))
                .is_some()
            })
        })
}

/// JavaScript-style equality of JSON values (numbers by value).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn is_marker(v: &Value) -> bool {
    v.as_str().is_some_and(|s| Str::of(s).is_secret())
}

/// The string checks shared by both modes: `minLength`, `maxLength`, `pattern`, `format`, in ajv's order.
fn string_problems(s: &Map<String, Value>, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let st = Str::of(text);
    let len = match st {
        Str::Plain(t) => js_len(t),
        Str::Secret(m) => m.len,
    };
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            out.push(format!("longer than {max} characters"));
        }
    }
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        if len < min {
            out.push(if min == 1 {
                "must not be empty".to_string()
            } else {
                format!("shorter than {min} characters")
            });
        }
    }
    if st.is_secret() {
        return out;
    }
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        if pattern_matches(p, text) == Some(false) {
            out.push(format!("does not match the pattern {p}"));
        }
    }
    if s.get("format").and_then(Value::as_str) == Some("uri") && !is_uri(text) {
        out.push("is not a URL".into());
    }
    out
}

fn number_problems(s: &Map<String, Value>, v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(x) = v.as_f64() else {
        return out;
    };
    if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
        if x > max {
            out.push(format!("greater than {max}"));
        }
    }
    if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
        if x < min {
            out.push(format!("less than {min}"));
        }
    }
    if let Some(min) = s.get("exclusiveMinimum").and_then(Value::as_f64) {
        if x <= min {
            out.push(format!("must be greater than {min}"));
        }
    }
    out
}

fn array_problems(s: &Map<String, Value>, items: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
        if items.len() as u64 > max {
            out.push(format!("more than {max} items"));
        }
    }
    if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
        if (items.len() as u64) < min {
            out.push(format!("fewer than {min} items"));
        }
    }
    out
}

fn value_problem(s: &Map<String, Value>, v: &Value) -> Option<String> {
    if is_marker(v) {
        return None;
    }
    if let Some(c) = s.get("const") {
        if !json_eq(c, v) {
            return Some(format!("must be {c}"));
        }
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        if !e.iter().any(|a| json_eq(a, v)) {
            return Some(format!("must be one of {}", one_of_text(e)));
        }
    }
    None
}

/// A required property whose schema has a default is filled in by the reference (Zod's output schema lists
/// such fields as required; ajv's `useDefaults` fills them before checking).
fn truly_required(s: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let props = s.get("properties").and_then(Value::as_object);
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(move |k| {
            props
                .and_then(|p| p.get(*k))
                .is_none_or(|p| p.get("default").is_none())
        })
}

/// Keys the reference accepts but hides from its public schema (`LEGACY_HIDDEN_PUBLIC_PATHS`).
fn hidden_legacy_key(path: &[String], key: &str) -> bool {
    (path.is_empty() && key == "canvasHost")
        || (path_is(path, &["hooks", "internal"]) && key == "handlers")
}

/// The Zod schema of `channels` (the public schema replaces it with the channel schemas, which the reference
/// only checks in its plugin stage): `defaults` and `modelByChannel` are checked, other keys pass.
fn channels_core_schema() -> &'static Value {
    static S: OnceLock<Value> = OnceLock::new();
    S.get_or_init(|| {
        let flag = json!({"type": "boolean"});
        json!({
            "type": "object",
            "properties": {
                "defaults": {
                    "type": "object",
                    "properties": {
                        "groupPolicy": {"type": "string", "enum": ["open", "disabled", "allowlist"]},
                        "contextVisibility": {"type": "string", "enum": ["all", "allowlist", "allowlist_quote"]},
                        "heartbeat": {
                            "type": "object",
                            "properties": {"showOk": flag, "showAlerts": flag, "useIndicator": flag},
                            "additionalProperties": false
                        },
                        "botLoopProtection": {
                            "type": "object",
                            "properties": {
                                "enabled": flag,
                                "maxEventsPerWindow": {"type": "integer", "exclusiveMinimum": 0},
                                "windowSeconds": {"type": "integer", "exclusiveMinimum": 0},
                                "cooldownSeconds": {"type": "integer", "exclusiveMinimum": 0}
                            },
                            "additionalProperties": false
                        }
                    },
                    "additionalProperties": false
                },
                "modelByChannel": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            },
            "additionalProperties": {}
        })
    })
}

/// One mode's walk: [`Walker::zod`] or [`Walker::ajv`].
type Walk<'s> = fn(&mut Walker<'s>, &'s Value, &Value, &mut Vec<String>);

impl<'s> Walker<'s> {
    fn new() -> Walker<'s> {
        Walker {
            out: Vec::new(),
            doc: None,
        }
    }

    fn push(&mut self, path: &[String], message: impl Into<String>) {
        self.out.push(problem(path, message));
    }

    fn resolve(&self, s: &'s Value) -> &'s Value {
        let mut cur = s;
        for _ in 0..16 {
            let Some(r) = cur.get("$ref").and_then(Value::as_str) else {
                return cur;
            };
            let Some(target) = r.strip_prefix('#').and_then(|p| self.doc?.pointer(p)) else {
                return cur;
            };
            cur = target;
        }
        cur
    }

    /// Walk `v` at `path` + `key` with `walk` (Zod's or ajv's rules).
    fn descend(
        &mut self,
        walk: Walk<'s>,
        key: String,
        s: &'s Value,
        v: &Value,
        path: &mut Vec<String>,
    ) {
        path.push(key);
        walk(self, s, v, path);
        path.pop();
    }

    /// The keyword checks of strings, numbers and arrays (both modes), in ajv's order.
    fn typed_problems(&mut self, obj: &Map<String, Value>, v: &Value, path: &[String]) {
        let problems = match v {
            Value::String(text) => string_problems(obj, text),
            Value::Number(_) => number_problems(obj, v),
            Value::Array(items) => array_problems(obj, items),
            _ => Vec::new(),
        };
        for msg in problems {
            self.push(path, msg);
        }
    }

    /// An array's items walked with `walk`: by position against a tuple `items`, else each against `items`.
    fn items(
        &mut self,
        walk: Walk<'s>,
        obj: &'s Map<String, Value>,
        items: &[Value],
        path: &mut Vec<String>,
    ) {
        match obj.get("items") {
            Some(Value::Array(tuple)) => {
                for (i, (item, sub)) in items.iter().zip(tuple).enumerate() {
                    self.descend(walk, i.to_string(), sub, item, path);
                }
            }
            Some(sub) => {
                for (i, item) in items.iter().enumerate() {
                    self.descend(walk, i.to_string(), sub, item, path);
                }
            }
            None => {}
        }
    }

    // --- Zod rules -------------------------------------------------------------------------------------

    fn zod(&mut self, s: &'s Value, v: &Value, path: &mut Vec<String>) {
        let s = match path.as_slice() {
            [c] if c == "channels" => channels_core_schema(),
            _ => s,
        };
        let Some(obj) = s.as_object() else {
            if s == &Value::Bool(false) {
                self.push(path, "not allowed here");
            }
            return;
        };
        if let Some(Value::Array(branches)) = obj.get("anyOf") {
            let ok = branches.iter().any(|b| {
                let mut w = Walker::new();
                w.zod(b, v, &mut path.clone());
                w.out.is_empty()
            });
            if !ok {
                let msg = match allowed_values(s) {
                    Some(vals) if !is_marker(v) => format!("must be one of {}", one_of_text(&vals)),
                    _ => format!("{} matches none of the allowed forms", describe(v)),
                };
                self.push(path, msg);
            }
            return;
        }
        if let Some(Value::Array(branches)) = obj.get("oneOf") {
            let Some(map) = v.as_object() else {
                self.push(path, format!("expected object, found {}", describe(v)));
                return;
            };
            let key = discriminator(branches).unwrap_or("type");
            let chosen = map.get(key).and_then(|d| {
                branches.iter().find(|b| {
                    b.get("properties")
                        .and_then(|p| p.get(key))
                        .and_then(|p| p.get("const"))
                        .is_some_and(|c| json_eq(c, d))
                })
            });
            match chosen {
                Some(b) => self.zod(b, v, path),
                None => {
                    let vals: Vec<Value> = branches
                        .iter()
                        .filter_map(|b| b.pointer(&format!("/properties/{key}/const")).cloned())
                        .collect();
                    self.push(
                        &join(path, key),
                        format!("must be one of {}", one_of_text(&vals)),
                    );
                }
            }
            return;
        }
        if let Err(msg) = type_ok(obj, v) {
            self.push(path, msg);
            return;
        }
        if let Some(msg) = value_problem(obj, v) {
            self.push(path, msg);
            return;
        }
        self.typed_problems(obj, v, path);
        match v {
            Value::Array(items) => {
                let before = self.out.len();
                self.items(Walker::zod, obj, items, path);
                if self.out.len() == before {
                    refine(path, v, &mut self.out);
                }
            }
            Value::Object(map) => {
                let before = self.out.len();
                self.zod_object(obj, map, path);
                if self.out.len() == before {
                    refine(path, v, &mut self.out);
                }
            }
            _ => {}
        }
    }

    fn zod_object(
        &mut self,
        s: &'s Map<String, Value>,
        map: &Map<String, Value>,
        path: &mut Vec<String>,
    ) {
        let empty = empty_map();
        // A plugin's entry is checked against the generic entry schema here; its config is the plugin stage's.
        let generic_entries = path_is(path, &["plugins", "entries"]);
        let props = if generic_entries {
            empty
        } else {
            s.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(empty)
        };
        let required: BTreeSet<&str> = if generic_entries {
            BTreeSet::new()
        } else {
            truly_required(s).collect()
        };
        for (key, sub) in props {
            match map.get(key) {
                Some(child) => {
                    self.descend(Walker::zod, key.clone(), sub, child, path);
                }
                None if required.contains(key.as_str()) => {
                    self.push(&join(path, key), "required setting is missing");
                }
                None => {}
            }
        }
        let extra = s.get("additionalProperties");
        let mut unknown = Vec::new();
        for (key, child) in map {
            if props.contains_key(key) || hidden_legacy_key(path, key) {
                continue;
            }
            if let Some(names) = s.get("propertyNames") {
                let mut w = Walker::new();
                w.zod(names, &Value::String(key.clone()), &mut Vec::new());
                if let Some(p) = w.out.first() {
                    self.push(&join(path, key), format!("key is invalid: {}", p.message));
                    continue;
                }
            }
            match extra {
                Some(Value::Bool(false)) => unknown.push(key.as_str()),
                Some(sub @ Value::Object(_)) => {
                    self.descend(Walker::zod, key.clone(), sub, child, path);
                }
                _ => {}
            }
        }
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(|k| format!("`{k}`")).collect();
            let noun = if unknown.len() == 1 { "key" } else { "keys" };
            self.push(
                path,
                format!(
                    "unknown {noun} {} (not in the {SCHEMA_RELEASE} schema)",
                    list.join(", ")
                ),
            );
        }
    }

    // --- ajv rules -------------------------------------------------------------------------------------

    fn ajv(&mut self, s: &'s Value, v: &Value, path: &mut Vec<String>) {
        let s = self.resolve(s);
        let Some(obj) = s.as_object() else {
            if s == &Value::Bool(false) {
                self.push(path, "not allowed here");
            }
            return;
        };
        if let Err(msg) = type_ok(obj, v) {
            self.push(path, msg);
            return;
        }
        // Keywords without a type first (ajv's rule order), then the string, array and object groups.
        if let Some(msg) = value_problem(obj, v) {
            self.push(path, msg);
        }
        for (kw, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            let Some(Value::Array(branches)) = obj.get(kw) else {
                continue;
            };
            let mut collected = Vec::new();
            let mut passing = 0;
            for b in branches {
                let mut w = Walker {
                    out: Vec::new(),
                    doc: self.doc,
                };
                w.ajv(b, v, &mut path.clone());
                if w.out.is_empty() {
                    passing += 1;
                } else {
                    collected.extend(w.out);
                }
            }
            if passing == 0 {
                self.out.extend(collected);
                self.push(
                    path,
                    format!("{} matches none of the allowed forms", describe(v)),
                );
            } else if exactly_one && passing > 1 {
                self.push(path, "matches more than one of the allowed forms");
            }
        }
        self.typed_problems(obj, v, path);
        match v {
            Value::Array(items) => self.items(Walker::ajv, obj, items, path),
            Value::Object(map) => self.ajv_object(obj, map, path),
            _ => {}
        }
    }

    fn ajv_object(
        &mut self,
        s: &'s Map<String, Value>,
        map: &Map<String, Value>,
        path: &mut Vec<String>,
    ) {
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(empty_map());
        for key in truly_required(s) {
            if !map.contains_key(key) {
                self.push(&join(path, key), "required setting is missing");
            }
        }
        if let Some(names) = s.get("propertyNames") {
            for key in map.keys() {
                let mut w = Walker::new();
                w.ajv(names, &Value::String(key.clone()), &mut Vec::new());
                if !w.out.is_empty() {
                    self.push(path, format!("key `{key}` is invalid"));
                }
            }
        }
        match s.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                for key in map.keys().filter(|k| !props.contains_key(*k)) {
                    self.push(path, format!("unknown key `{key}`"));
                }
            }
            Some(sub @ Value::Object(_)) => {
                for (key, child) in map.iter().filter(|(k, _)| !props.contains_key(*k)) {
                    self.descend(Walker::ajv, key.clone(), sub, child, path);
                }
            }
            _ => {}
        }
        for (key, sub) in props {
            if let Some(child) = map.get(key) {
                self.descend(Walker::ajv, key.clone(), sub, child, path);
            }
        }
    }
}

/// Matches one of the regular expressions the embedded schema uses; `None` for any other pattern (taken to
/// match; a test keeps the list complete).
pub fn pattern_matches(pattern: &str, s: &str) -> Option<bool> {
    fn run(s: &str, first: fn(char) -> bool, rest: fn(char) -> bool, max_rest: usize) -> bool {
        let mut chars = s.chars();
        chars.next().is_some_and(first) && {
            let tail: Vec<char> = chars.collect();
            tail.len() <= max_rest && tail.into_iter().all(rest)
        }
    }
    Some(match pattern {
        "^[a-z][a-z0-9_-]{0,63}$" => run(s, |c| c.is_ascii_lowercase(), lower_id_fn, 63),
        "^[A-Z][A-Z0-9_]{0,127}$" => run(
            s,
            |c| c.is_ascii_uppercase(),
            |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_',
            127,
        ),
        "^#?[0-9a-fA-F]{6}$" => {
            let hex = s.strip_prefix('#').unwrap_or(s);
            hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        "^\\d+$" => !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
        "^https:\\/\\/.*" => s.starts_with("https://"),
        "^[a-z0-9-]+$" => {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }
        "^[a-z0-9][a-z0-9_-]{0,63}$" => run(
            s,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
            lower_id_fn,
            63,
        ),
        "^(?!\\*$)(?![Gg][Rr][Oo][Uu][Pp]:).+" => {
            s != "*"
                && !s.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("group:"))
                && s.chars()
                    .next()
                    .is_some_and(|c| !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
        }
        _ => return None,
    })
}

fn lower_id_fn(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}

/// `URL.canParse` for the values configs hold: a scheme, and for the web schemes a host.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp"];
    if special.contains(&scheme.to_ascii_lowercase().as_str()) {
        let host = rest.trim_start_matches(['/', '\\']);
        let host = host.split(['/', '?', '#', '\\']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("");
        return !host.is_empty() && !host.starts_with(':') && !host.contains(' ');
    }
    true
}

// ---------------------------------------------------------------------------------------------------------
// Zod refinements (rules the JSON schema cannot express), run where Zod runs them: when the object they sit on
// had no problem of its own.

/// Docker network mode the reference blocks: `host`, or `container:…` without the break-glass flag.
fn blocked_network(network: Option<&Value>, allow_join: bool) -> Option<&'static str> {
    let n = js_trim(network?.as_str()?).to_lowercase();
    if n == "host" {
        Some("host")
    } else if n.starts_with("container:") && !allow_join {
        Some("container")
    } else {
        None
    }
}

fn bind_problems(path: &[String], binds: Option<&Value>, out: &mut Vec<Problem>) {
    let Some(binds) = binds.and_then(Value::as_array) else {
        return;
    };
    for (i, b) in binds.iter().enumerate() {
        let at = join(&join(path, "binds"), &i.to_string());
        let bind = b.as_str().map(js_trim).unwrap_or("");
        if bind.is_empty() {
            out.push(problem(&at, "sandbox bind mount is empty"));
            continue;
        }
        let source = host_part(bind).trim();
        if !host_path_absolute(source) {
            out.push(problem(
                &at,
                format!("sandbox bind mount source `{source}` is not an absolute host path"),
            ));
        }
    }
}

/// The host side of a `host:container[:options]` bind (a Windows drive letter is not a separator).
fn host_part(bind: &str) -> &str {
    let b = bind.as_bytes();
    let start = if b.len() >= 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && matches!(b[2], b'/' | b'\\')
    {
        2
    } else {
        0
    };
    match bind[start..].find(':') {
        Some(i) => &bind[..start + i],
        None => bind,
    }
}

fn host_path_absolute(p: &str) -> bool {
    let p = p.trim();
    let p = p
        .strip_prefix("\\\\?\\")
        .or_else(|| p.strip_prefix("\\\\.\\"))
        .unwrap_or(p);
    let b = p.as_bytes();
    p.starts_with('/')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'/' | b'\\'))
}

const LEGACY_WEB_SEARCH_KEYS: &[&str] = &[
    "brave",
    "duckduckgo",
    "exa",
    "firecrawl",
    "gemini",
    "grok",
    "kimi",
    "minimax",
    "ollama",
    "perplexity",
    "searxng",
    "tavily",
];

fn refine(path: &[String], v: &Value, out: &mut Vec<Problem>) {
    let Some(map) = v.as_object() else {
        return;
    };
    let sandbox_roots: [&[&str]; 2] = [
        &["agents", "defaults", "sandbox"],
        &["agents", "list", "*", "sandbox"],
    ];
    for root in sandbox_roots {
        let docker: Vec<&str> = root.iter().copied().chain(["docker"]).collect();
        let browser: Vec<&str> = root.iter().copied().chain(["browser"]).collect();
        if path_is(path, &docker) {
            bind_problems(path, map.get("binds"), out);
            let allow =
                map.get("dangerouslyAllowContainerNamespaceJoin") == Some(&Value::Bool(true));
            match blocked_network(map.get("network"), allow) {
                Some("host") => out.push(problem(
                    &join(path, "network"),
                    "sandbox network mode \"host\" is blocked (use \"bridge\" or \"none\")",
                )),
                Some(_) => out.push(problem(
                    &join(path, "network"),
                    "sandbox network mode \"container:…\" is blocked unless dangerouslyAllowContainerNamespaceJoin is true",
                )),
                None => {}
            }
            for key in ["seccompProfile", "apparmorProfile"] {
                if map
                    .get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|p| js_trim(p).eq_ignore_ascii_case("unconfined"))
                {
                    out.push(problem(
                        &join(path, key),
                        format!("{key} \"unconfined\" is blocked"),
                    ));
                }
            }
        }
        if path_is(path, &browser) {
            bind_problems(path, map.get("binds"), out);
            if map
                .get("network")
                .and_then(Value::as_str)
                .is_some_and(|n| js_trim(n).eq_ignore_ascii_case("host"))
            {
                out.push(problem(
                    &join(path, "network"),
                    "sandbox browser network mode \"host\" is blocked",
                ));
            }
        }
        if path_is(path, root) {
            let allow = v.pointer("/docker/dangerouslyAllowContainerNamespaceJoin")
                == Some(&Value::Bool(true));
            if blocked_network(v.pointer("/browser/network"), allow) == Some("container") {
                out.push(problem(
                    &join(&join(path, "browser"), "network"),
                    "sandbox browser network mode \"container:…\" is blocked unless docker.dangerouslyAllowContainerNamespaceJoin is true",
                ));
            }
        }
    }
    if path_is(path, &["tools", "web", "search"]) {
        for (key, entry) in map {
            if LEGACY_WEB_SEARCH_KEYS.contains(&key.as_str()) && entry.is_object() {
                out.push(problem(
                    &join(path, key),
                    format!("provider settings moved: use plugins.entries.<plugin>.config.webSearch instead of tools.web.search.{key}"),
                ));
            }
        }
    }
    let policy_scopes: [&[&str]; 10] = [
        &["tools"],
        &["agents", "list", "*", "tools"],
        &["tools", "subagents", "tools"],
        &["tools", "sandbox", "tools"],
        &["agents", "list", "*", "tools", "sandbox", "tools"],
        &["tools", "byProvider", "*"],
        &["agents", "list", "*", "tools", "byProvider", "*"],
        &["tools", "toolsBySender", "*"],
        &["agents", "list", "*", "tools", "toolsBySender", "*"],
        &["agents", "defaults", "tools"],
    ];
    if policy_scopes.iter().any(|p| path_is(path, p)) {
        let non_empty = |k: &str| {
            map.get(k)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
        };
        if non_empty("allow") && non_empty("alsoAllow") {
            out.push(problem(
                path,
                "allow and alsoAllow cannot both be set in the same scope",
            ));
        }
    }
    if path_is(path, &["tools", "loopDetection"]) {
        let n = |k: &str| map.get(k).and_then(Value::as_f64);
        if let (Some(w), Some(c)) = (n("warningThreshold"), n("criticalThreshold")) {
            if w >= c {
                out.push(problem(
                    &join(path, "criticalThreshold"),
                    "must be above warningThreshold",
                ));
            }
        }
        if let (Some(c), Some(g)) = (n("criticalThreshold"), n("globalCircuitBreakerThreshold")) {
            if c >= g {
                out.push(problem(
                    &join(path, "globalCircuitBreakerThreshold"),
                    "must be above criticalThreshold",
                ));
            }
        }
    }
    if path.is_empty() {
        let ids: Vec<&Value> = map
            .get("agents")
            .and_then(|a| a.get("list"))
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(|e| e.get("id")).collect())
            .unwrap_or_default();
        if let (false, Some(broadcast)) = (
            ids.is_empty(),
            map.get("broadcast").and_then(Value::as_object),
        ) {
            for (peer, targets) in broadcast.iter().filter(|(k, _)| k.as_str() != "strategy") {
                for (i, id) in targets.as_array().into_iter().flatten().enumerate() {
                    if !ids.contains(&id) {
                        out.push(problem(
                            &["broadcast".to_string(), peer.clone(), i.to_string()],
                            format!("agent id {id} is not in agents.list"),
                        ));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Stage 1 extra: SecretRef objects where a plain string is required (reported before schema problems).

const PLAIN_STRING_CREDENTIALS: &[&str] = &[
    "commands.ownerDisplaySecret",
    "hooks.token",
    "hooks.gmail.pushToken",
    "hooks.mappings[].sessionKey",
    "channels.discord.threadBindings.webhookToken",
    "channels.discord.accounts.*.threadBindings.webhookToken",
    "channels.whatsapp.creds.json",
    "channels.whatsapp.accounts.*.creds.json",
];

fn is_secret_ref_object(v: &Value) -> bool {
    let Some(m) = v.as_object() else {
        return false;
    };
    matches!(
        m.get("source").and_then(Value::as_str),
        Some("env" | "file" | "exec")
    ) && m
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| !js_trim(id).is_empty())
}

fn collect_pattern(v: &Value, tokens: &[&str], path: &mut Vec<String>, out: &mut Vec<Problem>) {
    let Some((first, rest)) = tokens.split_first() else {
        if is_secret_ref_object(v) {
            let at = format_path(path);
            out.push(Problem {
                message: format!(
                    "{at} must be a plain string (or a ${{VAR}} template), not a SecretRef object"
                ),
                path: at,
            });
        }
        return;
    };
    if *first == "*" {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    path.push(k.clone());
                    collect_pattern(child, rest, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(i.to_string());
                    collect_pattern(child, rest, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    } else if let Some(key) = first.strip_suffix("[]") {
        if let Some(items) = v.get(key).and_then(Value::as_array) {
            for (i, child) in items.iter().enumerate() {
                path.push(key.to_string());
                path.push(i.to_string());
                collect_pattern(child, rest, path, out);
                path.truncate(path.len() - 2);
            }
        }
    } else if let Some(child) = v.as_object().and_then(|m| m.get(*first)) {
        path.push(first.to_string());
        collect_pattern(child, rest, path, out);
        path.pop();
    }
}

fn secret_ref_policy(cfg: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    for p in PLAIN_STRING_CREDENTIALS {
        let tokens: Vec<&str> = p.split('.').collect();
        collect_pattern(cfg, &tokens, &mut Vec::new(), &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Stage 2: whole-config rules.

/// `resolveUserPath`: trimmed, `~` expanded, made absolute against the working directory.
fn user_path(raw: &str, facts: &Facts) -> String {
    let p = js_trim(raw);
    let expanded = if p == "~" {
        facts.home.clone()
    } else if let Some(rest) = p.strip_prefix("~/") {
        format!("{}/{rest}", facts.home)
    } else {
        p.to_string()
    };
    // Node's `path.resolve` drops a trailing separator.
    let resolved = load::resolve(&facts.cwd, &expanded);
    match resolved.trim_end_matches('/') {
        "" => "/".to_string(),
        r => r.to_string(),
    }
}

fn agent_list(cfg: &Value) -> Vec<&Value> {
    cfg.pointer("/agents/list")
        .and_then(Value::as_array)
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

fn duplicate_agent_dirs(cfg: &Value, facts: &Facts) -> Vec<Problem> {
    let list = agent_list(cfg);
    let mut ids: Vec<String> = vec![paths::normalize_agent_id(&paths::default_agent_id(cfg))];
    let mut add = |id: String| {
        if !ids.contains(&id) {
            ids.push(id);
        }
    };
    for e in &list {
        if let Some(id) = e
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            add(paths::normalize_agent_id(id));
        }
    }
    for b in cfg
        .get("bindings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = b
            .get("agentId")
            .and_then(Value::as_str)
            .filter(|s| !js_trim(s).is_empty())
        {
            add(paths::normalize_agent_id(id));
        }
    }
    let mut dirs: Vec<(String, Vec<String>)> = Vec::new();
    for id in ids {
        let own = list
            .iter()
            .find(|e| {
                e.get("id")
                    .and_then(Value::as_str)
                    .map(paths::normalize_agent_id)
                    == Some(id.clone())
            })
            .and_then(|e| e.get("agentDir"))
            .and_then(Value::as_str)
            .map(js_trim)
            .filter(|d| !d.is_empty());
        let dir = match own {
            Some(d) => user_path(d, facts),
            None => format!("{}/agents/{id}/agent", facts.state_dir),
        };
        match dirs.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, owners)) => owners.push(id),
            None => dirs.push((dir, vec![id])),
        }
    }
    dirs.into_iter()
        .filter(|(_, owners)| owners.len() > 1)
        .take(1)
        .map(|(dir, owners)| Problem {
            path: "agents.list".into(),
            message: format!(
                "agents {} share the agentDir {dir}; each agent needs its own",
                owners.join(", ")
            ),
        })
        .collect()
}

fn workspace_dir(cfg: &Value, entry: &Value, facts: &Facts) -> String {
    let default_id = paths::normalize_agent_id(&paths::default_agent_id(cfg));
    let id = entry
        .get("id")
        .and_then(Value::as_str)
        .map(paths::normalize_agent_id)
        .unwrap_or_else(|| default_id.clone());
    if let Some(ws) = entry
        .get("workspace")
        .and_then(Value::as_str)
        .filter(|s| !js_trim(s).is_empty())
    {
        return user_path(ws, facts);
    }
    let defaults = cfg
        .pointer("/agents/defaults/workspace")
        .and_then(Value::as_str)
        .filter(|s| !js_trim(s).is_empty());
    if id == default_id {
        return match defaults {
            Some(d) => user_path(d, facts),
            None => format!("{}/.openclaw/workspace", facts.home),
        };
    }
    match defaults {
        Some(d) => format!("{}/{id}", user_path(d, facts)),
        None => format!("{}/workspace-{id}", facts.state_dir),
    }
}

fn avatars(cfg: &Value, facts: &Facts) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, e) in agent_list(cfg).into_iter().enumerate() {
        let Some(raw) = e.pointer("/identity/avatar").and_then(Value::as_str) else {
            continue;
        };
        let avatar = js_trim(raw);
        let lower = avatar.to_ascii_lowercase();
        if avatar.is_empty()
            || lower.starts_with("data:")
            || lower.starts_with("http://")
            || lower.starts_with("https://")
        {
            continue;
        }
        let at = format!("agents.list.{i}.identity.avatar");
        let has_scheme = avatar.split_once(':').is_some_and(|(s, _)| {
            s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        });
        if avatar.starts_with('~') || has_scheme {
            out.push(Problem {
                path: at,
                message: "must be a path inside the agent workspace, an http(s) URL or a data: URI"
                    .into(),
            });
            continue;
        }
        let ws = workspace_dir(cfg, e, facts);
        if !load::is_inside(&ws, &load::resolve(&ws, avatar)) {
            out.push(Problem {
                path: at,
                message: format!("points outside the agent workspace {ws}"),
            });
        }
    }
    out
}

fn tailscale_bind(cfg: &Value, _facts: &Facts) -> Vec<Problem> {
    let mode = cfg
        .pointer("/gateway/tailscale/mode")
        .and_then(Value::as_str)
        .unwrap_or("off");
    if mode != "serve" && mode != "funnel" {
        return Vec::new();
    }
    let bind = cfg
        .pointer("/gateway/bind")
        .and_then(Value::as_str)
        .unwrap_or("loopback");
    if bind == "loopback" {
        return Vec::new();
    }
    let host = cfg
        .pointer("/gateway/customBindHost")
        .and_then(Value::as_str);
    if bind == "custom" && host.is_some_and(is_loopback_ipv4) {
        return Vec::new();
    }
    vec![Problem {
        path: "gateway.bind".into(),
        message: format!(
            "gateway.tailscale.mode \"{mode}\" needs a loopback bind (gateway.bind \"loopback\", or \"custom\" with customBindHost \"127.0.0.1\")"
        ),
    }]
}

/// A canonical dotted-decimal IPv4 address in 127.0.0.0/8.
fn is_loopback_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
        && parts[0] == "127"
}

// ---------------------------------------------------------------------------------------------------------
// Stage 3: plugins and channels.

/// Channel ids 2026.5.20 knows (bundled channel plugins and its channel catalog), besides `defaults` and
/// `modelByChannel`.
pub const CHANNEL_IDS: &[&str] = &[
    "telegram",
    "signal",
    "imessage",
    "irc",
    "mattermost",
    "clickclack",
    "discord",
    "feishu",
    "googlechat",
    "line",
    "matrix",
    "msteams",
    "nextcloud-talk",
    "nostr",
    "openclaw-weixin",
    "qqbot",
    "slack",
    "synology-chat",
    "tlon",
    "twitch",
    "wecom",
    "whatsapp",
    "yuanbao",
    "zalo",
    "zalouser",
];

/// Channel aliases the heartbeat target accepts besides the ids.
const CHANNEL_ALIASES: &[&str] = &[
    "lark",
    "gchat",
    "google-chat",
    "teams",
    "nc-talk",
    "nc",
    "weixin",
    "wechat",
    "微信",
    "twitch-chat",
    "qywx",
    "wework",
    "enterprise-wechat",
    "yb",
    "tencent-yuanbao",
    "元宝",
    "zl",
    "zlu",
    "imsg",
    "internet-relay-chat",
];

/// Web-search providers of the bundled plugins, and the installable ones (provider, plugin).
const WEB_SEARCH_PROVIDERS: &[&str] = &[
    "duckduckgo",
    "exa",
    "firecrawl",
    "gemini",
    "minimax",
    "kimi",
    "ollama",
    "perplexity",
    "searxng",
    "tavily",
    "grok",
];
const INSTALLABLE_WEB_SEARCH: &[(&str, &str)] = &[("brave", "brave")];

fn bundled_plugin_ids() -> Vec<&'static str> {
    schema()
        .pointer("/properties/plugins/properties/entries/properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn channel_problems(id: &str, value: &Value) -> Vec<Problem> {
    let Some(s) = schema().pointer(&format!("/properties/channels/properties/{id}")) else {
        return Vec::new();
    };
    let mut w = Walker::new();
    w.doc = Some(s);
    let mut path = vec!["channels".to_string(), id.to_string()];
    w.ajv(s, value, &mut path);
    w.out
}

fn plugin_evidence(cfg: &Value, ids: &[&str], facts: &Facts) -> bool {
    let norm = |s: &str| js_trim(s).to_lowercase();
    let wanted: Vec<String> = ids
        .iter()
        .map(|i| norm(i))
        .filter(|i| !i.is_empty())
        .collect();
    let hit = |s: &str| wanted.contains(&norm(s));
    let plugins = cfg.get("plugins");
    plugins
        .and_then(|p| p.get("allow"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().filter_map(Value::as_str).any(hit))
        || plugins
            .and_then(|p| p.get("entries"))
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().any(|k| hit(k)))
        || facts.installed_plugins.iter().any(|p| hit(p))
}

struct PluginStage<'a> {
    cfg: &'a Value,
    facts: &'a Facts,
    out: Vec<Problem>,
    registry_loaded: bool,
}

impl PluginStage<'_> {
    /// The reference loads its plugin registry lazily; loading it reports `plugins.load.paths` entries that do
    /// not exist, at that point of the list.
    fn load_registry(&mut self) {
        if std::mem::replace(&mut self.registry_loaded, true) {
            return;
        }
        let paths = self
            .cfg
            .pointer("/plugins/load/paths")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for raw in paths.iter().filter_map(Value::as_str) {
            if js_trim(raw).is_empty() {
                continue;
            }
            let resolved = user_path(raw, self.facts);
            if self.facts.missing_paths.contains(&resolved) {
                self.out.push(Problem {
                    path: "plugins.load.paths".into(),
                    message: format!("plugin path does not exist: {resolved}"),
                });
            }
        }
    }
}

fn plugin_stage(cfg: &Value, facts: &Facts) -> Vec<Problem> {
    let mut st = PluginStage {
        cfg,
        facts,
        out: Vec::new(),
        registry_loaded: false,
    };
    let installed: Vec<&str> = facts.installed_plugins.iter().map(String::as_str).collect();
    if let Some(channels) = cfg.get("channels").and_then(Value::as_object) {
        for (key, value) in channels {
            let id = js_trim(key);
            if id.is_empty() {
                continue;
            }
            st.load_registry();
            let known = id == "defaults"
                || id == "modelByChannel"
                || CHANNEL_IDS.contains(&id)
                || installed.contains(&id);
            if !known {
                if !plugin_evidence(cfg, &[id], facts) {
                    st.out.push(Problem {
                        path: format!("channels.{id}"),
                        message: format!("unknown channel id `{id}` (no bundled or installed plugin provides it)"),
                    });
                }
                continue;
            }
            let found = channel_problems(id, value);
            st.out.extend(found);
        }
    }
    let mut targets: Vec<(String, &Value)> = Vec::new();
    if let Some(t) = cfg.pointer("/agents/defaults/heartbeat/target") {
        targets.push(("agents.defaults.heartbeat.target".into(), t));
    }
    for (i, e) in agent_list(cfg).into_iter().enumerate() {
        if let Some(t) = e.pointer("/heartbeat/target") {
            targets.push((format!("agents.list.{i}.heartbeat.target"), t));
        }
    }
    for (path, t) in targets {
        let Some(raw) = t.as_str() else {
            continue;
        };
        let lower = js_trim(raw).to_lowercase();
        if lower.is_empty() {
            st.out.push(Problem {
                path,
                message: "heartbeat target must not be empty".into(),
            });
            continue;
        }
        if ["last", "none"].contains(&lower.as_str())
            || CHANNEL_IDS.contains(&lower.as_str())
            || CHANNEL_ALIASES.contains(&lower.as_str())
        {
            continue;
        }
        st.load_registry();
        if !installed.contains(&lower.as_str()) {
            st.out.push(Problem {
                path,
                message: format!("heartbeat target `{raw}` is not a known channel"),
            });
        }
    }
    if let Some(raw) = cfg
        .pointer("/tools/web/search/provider")
        .and_then(Value::as_str)
    {
        let provider = js_trim(raw);
        let path = "tools.web.search.provider".to_string();
        if provider.is_empty() {
            st.out.push(Problem {
                path,
                message: "web search provider must not be empty".into(),
            });
        } else {
            st.load_registry();
            if WEB_SEARCH_PROVIDERS.contains(&provider) {
            } else if let Some((_, plugin)) =
                INSTALLABLE_WEB_SEARCH.iter().find(|(p, _)| *p == provider)
            {
                if !plugin_evidence(cfg, &[provider, plugin], facts) {
                    st.out.push(Problem {
                        path,
                        message: format!("web search provider `{provider}` needs the `{plugin}` plugin, which is not installed or enabled"),
                    });
                }
            } else if !plugin_evidence(cfg, &[provider], facts)
                || bundled_plugin_ids().contains(&provider)
            {
                st.out.push(Problem {
                    path,
                    message: format!("unknown web search provider `{provider}`"),
                });
            }
        }
    }
    let refs = model_refs(cfg);
    if !refs.is_empty() {
        st.load_registry();
        let suppressed: Vec<&str> = SUPPRESSED_MODELS
            .lines()
            .filter(|l| !l.is_empty())
            .collect();
        let mut seen = BTreeSet::new();
        for (path, value) in refs {
            let Some((provider, model)) = value.split_once('/') else {
                continue;
            };
            let key = format!(
                "{}/{}",
                js_trim(provider).to_lowercase(),
                js_trim(model).to_lowercase()
            );
            if provider.is_empty() || model.is_empty() || !suppressed.contains(&key.as_str()) {
                continue;
            }
            if seen.insert(format!("{path}\0{key}")) {
                st.out.push(Problem {
                    path,
                    message: format!("model `{key}` has been withdrawn (OpenClaw {SCHEMA_RELEASE} no longer offers it)"),
                });
            }
        }
    }
    if cfg.get("plugins").is_none() {
        return st.out;
    }
    st.load_registry();
    let bundled = bundled_plugin_ids();
    let known = |id: &str| bundled.contains(&id) || installed.contains(&id);
    if let Some(slots) = cfg.pointer("/plugins/slots").and_then(Value::as_object) {
        if let Some(memory) = slots.get("memory").and_then(Value::as_str) {
            let slot = js_trim(memory);
            if !slot.is_empty()
                && !slot.eq_ignore_ascii_case("none")
                && !known(slot)
                && slot != "memory-lancedb"
            {
                st.out.push(Problem {
                    path: "plugins.slots.memory".into(),
                    message: format!("memory slot plugin `{slot}` is not installed"),
                });
            }
        }
    }
    if let Some(entries) = cfg.pointer("/plugins/entries").and_then(Value::as_object) {
        for id in &bundled {
            let Some(entry) = entries.get(*id) else {
                continue;
            };
            let config = entry.get("config");
            let has_config = config.is_some_and(|c| !c.is_null());
            if !has_config && entry.get("enabled") != Some(&Value::Bool(true)) {
                continue;
            }
            let Some(s) = schema().pointer(&format!(
                "/properties/plugins/properties/entries/properties/{id}/properties/config"
            )) else {
                continue;
            };
            let empty = json!({});
            let mut w = Walker::new();
            w.doc = Some(s);
            let mut path = vec![
                "plugins".into(),
                "entries".into(),
                id.to_string(),
                "config".into(),
            ];
            w.ajv(
                s,
                config.filter(|c| !c.is_null()).unwrap_or(&empty),
                &mut path,
            );
            st.out.extend(w.out);
        }
    }
    st.out
}

/// `collectConfiguredModelRefs`: every model ref the config names, with its path.
fn model_refs(cfg: &Value) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    let mut push = |path: String, v: Option<&Value>| {
        if let Some(s) = v
            .and_then(Value::as_str)
            .map(js_trim)
            .filter(|s| !s.is_empty())
        {
            refs.push((path, s.to_string()));
        }
    };
    let agent = |path: &str, a: &Value, push: &mut dyn FnMut(String, Option<&Value>)| {
        if !a.is_object() {
            return;
        }
        let model_config =
            |p: String, v: Option<&Value>, push: &mut dyn FnMut(String, Option<&Value>)| match v {
                Some(Value::String(_)) => push(p, v),
                Some(Value::Object(m)) => {
                    push(format!("{p}.primary"), m.get("primary"));
                    for (i, f) in m
                        .get("fallbacks")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        push(format!("{p}.fallbacks.{i}"), Some(f));
                    }
                }
                _ => {}
            };
        for key in [
            "model",
            "imageModel",
            "imageGenerationModel",
            "videoGenerationModel",
            "musicGenerationModel",
            "pdfModel",
        ] {
            model_config(format!("{path}.{key}"), a.get(key), push);
        }
        push(
            format!("{path}.heartbeat.model"),
            a.pointer("/heartbeat/model"),
        );
        model_config(
            format!("{path}.subagents.model"),
            a.pointer("/subagents/model"),
            push,
        );
        if a.get("compaction").is_some_and(Value::is_object) {
            push(
                format!("{path}.compaction.model"),
                a.pointer("/compaction/model"),
            );
            push(
                format!("{path}.compaction.memoryFlush.model"),
                a.pointer("/compaction/memoryFlush/model"),
            );
        }
        if let Some(models) = a.get("models").and_then(Value::as_object) {
            for k in models.keys() {
                push(
                    format!("{path}.models.{k}"),
                    Some(&Value::String(k.clone())),
                );
            }
        }
    };
    if let Some(d) = cfg.pointer("/agents/defaults") {
        agent("agents.defaults", d, &mut push);
    }
    for (i, e) in agent_list(cfg).into_iter().enumerate() {
        agent(&format!("agents.list.{i}"), e, &mut push);
    }
    if let Some(by) = cfg
        .pointer("/channels/modelByChannel")
        .and_then(Value::as_object)
    {
        for (ch, targets) in by {
            for (t, m) in targets.as_object().into_iter().flatten() {
                push(format!("channels.modelByChannel.{ch}.{t}"), Some(m));
            }
        }
    }
    for (i, m) in cfg
        .pointer("/hooks/mappings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        push(format!("hooks.mappings.{i}.model"), m.get("model"));
    }
    push(
        "hooks.gmail.model".into(),
        cfg.pointer("/hooks/gmail/model"),
    );
    push(
        "messages.tts.summaryModel".into(),
        cfg.pointer("/messages/tts/summaryModel"),
    );
    push(
        "channels.discord.voice.model".into(),
        cfg.pointer("/channels/discord/voice/model"),
    );
    refs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts() -> Facts {
        Facts {
            home: "/home/user".into(),
            cwd: "/home/user".into(),
            state_dir: "/home/user/.openclaw".into(),
            ..Facts::default()
        }
    }

    fn paths(cfg: Value) -> Vec<String> {
        validate(&cfg, &facts())
            .into_iter()
            .map(|p| p.path)
            .collect()
    }

    /// Every keyword of the embedded schema (outside `properties` names and data values) is one this module
    /// implements; every `pattern` is one [`pattern_matches`] knows.
    #[test]
    fn embedded_schema_uses_only_implemented_keywords() {
        const KNOWN: &[&str] = &[
            "type",
            "properties",
            "required",
            "additionalProperties",
            "propertyNames",
            "items",
            "minItems",
            "maxItems",
            "enum",
            "const",
            "anyOf",
            "oneOf",
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "default",
            "$ref",
            "$defs",
            "$schema",
        ];
        fn walk(v: &Value, bad: &mut BTreeSet<String>) {
            match v {
                Value::Object(m) => {
                    for (k, sub) in m {
                        if !KNOWN.contains(&k.as_str()) {
                            bad.insert(k.clone());
                        }
                        match k.as_str() {
                            "properties" | "$defs" => sub
                                .as_object()
                                .into_iter()
                                .flatten()
                                .for_each(|(_, s)| walk(s, bad)),
                            "pattern" => {
                                let p = sub.as_str().unwrap_or_default();
                                if pattern_matches(p, "x").is_none() {
                                    bad.insert(format!("pattern {p}"));
                                }
                            }
                            "format" if sub != "uri" => {
                                bad.insert(format!("format {sub}"));
                            }
                            "enum" | "const" | "required" | "default" | "$schema" | "$ref"
                            | "type" | "format" => {}
                            _ => walk(sub, bad),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, bad)),
                _ => {}
            }
        }
        let mut bad = BTreeSet::new();
        walk(schema(), &mut bad);
        assert!(bad.is_empty(), "unimplemented schema features: {bad:?}");
    }

    #[test]
    fn patterns_behave_like_the_javascript_regexes() {
        let m = |p: &str, s: &str| pattern_matches(p, s).unwrap();
        assert!(m("^[a-z][a-z0-9_-]{0,63}$", "default"));
        assert!(!m("^[a-z][a-z0-9_-]{0,63}$", "Default"));
        assert!(m(
            "^[a-z][a-z0-9_-]{0,63}$",
            &format!("a{}", "b".repeat(63))
        ));
        assert!(!m(
            "^[a-z][a-z0-9_-]{0,63}$",
            &format!("a{}", "b".repeat(64))
        ));
        assert!(m("^[A-Z][A-Z0-9_]{0,127}$", "OPENAI_API_KEY"));
        assert!(!m("^[A-Z][A-Z0-9_]{0,127}$", "1KEY"));
        assert!(m("^#?[0-9a-fA-F]{6}$", "#FF4500") && m("^#?[0-9a-fA-F]{6}$", "ff4500"));
        assert!(!m("^#?[0-9a-fA-F]{6}$", "orange"));
        assert!(m("^\\d+$", "123") && !m("^\\d+$", "12a") && !m("^\\d+$", ""));
        assert!(m("^https:\\/\\/.*", "https://x") && !m("^https:\\/\\/.*", "http://x"));
        let p = "^(?!\\*$)(?![Gg][Rr][Oo][Uu][Pp]:).+";
        assert!(m(p, "alice") && m(p, "**") && !m(p, "*") && !m(p, "Group:ops") && !m(p, ""));
        assert_eq!(pattern_matches("^other$", "x"), None);
    }

    #[test]
    fn uri_format_needs_a_host_for_web_schemes() {
        assert!(
            is_uri("https://open.feishu.cn")
                && is_uri("mailto:a@b")
                && is_uri("http://10.0.0.1:8080/x")
        );
        assert!(!is_uri("feishu.cn") && !is_uri("https://") && !is_uri("1http://x"));
    }

    #[test]
    fn empty_and_minimal_configs_are_accepted() {
        assert!(paths(json!({})).is_empty());
        assert!(paths(json!({"gateway": {"bind": "lan", "auth": {"mode": "none"}}, "hooks": {"enabled": true}})).is_empty());
        // Fields with a default are not required (the schema lists `commands` as required at the root).
        assert!(paths(json!({"commands": {}})).is_empty());
    }

    #[test]
    fn unknown_keys_are_one_problem_at_their_object_after_its_children() {
        let p = validate(
            &json!({"gateway": {"bind": "everywhere", "host": "0.0.0.0", "dmPolicy": "x"}, "mcpServers": {}}),
            &facts(),
        );
        let got: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(got, ["gateway.bind", "gateway", "<root>"]);
        assert!(
            p[1].message.contains("`host`, `dmPolicy`"),
            "{}",
            p[1].message
        );
        // Hidden legacy keys are accepted.
        assert!(
            paths(json!({"canvasHost": {}, "hooks": {"internal": {"handlers": []}}})).is_empty()
        );
    }

    #[test]
    fn unions_fail_at_the_union_and_discriminated_unions_inside_the_branch() {
        assert_eq!(
            paths(json!({"agents": {"defaults": {"model": {"primary": "a/b", "extra": 1}}}})),
            ["agents.defaults.model"]
        );
        assert!(paths(json!({"agents": {"defaults": {"model": {"primary": "a/b"}}}})).is_empty());
        let p = validate(&json!({"gateway": {"bind": "0.0.0.0"}}), &facts());
        assert_eq!(p[0].path, "gateway.bind");
        assert!(p[0].message.contains("\"loopback\""), "{}", p[0].message);
        // A SecretRef (discriminated by `source`): a bad id is reported inside the chosen branch, an unknown
        // source at the discriminator.
        let env_ref = |id: &str| json!({"models": {"providers": {"x": {"baseUrl": "https://x.test", "models": [], "apiKey": {"source": "env", "provider": "default", "id": id}}}}});
        assert!(paths(env_ref("OPENAI_KEY")).is_empty());
        assert_eq!(paths(env_ref("lower")), ["models.providers.x.apiKey"]);
    }

    #[test]
    fn numbers_integers_and_lengths() {
        assert_eq!(
            paths(json!({"gateway": {"port": "18789"}})),
            ["gateway.port"]
        );
        assert_eq!(paths(json!({"gateway": {"port": 1.5}})), ["gateway.port"]);
        assert!(paths(json!({"gateway": {"port": 18789}})).is_empty());
        assert_eq!(
            paths(json!({"gateway": {"auth": {"mode": "trusted-proxy", "trustedProxy": {}}}})),
            ["gateway.auth.trustedProxy.userHeader"]
        );
        assert_eq!(
            paths(
                json!({"gateway": {"auth": {"mode": "trusted-proxy", "trustedProxy": {"userHeader": ""}}}})
            ),
            ["gateway.auth.trustedProxy.userHeader"]
        );
        // A redacted secret is measured by its marker's length and never pattern-tested.
        let marker = crate::config::secret::Marker {
            class: 1,
            len: 0,
            trim: 0,
            env: 0,
        }
        .to_string();
        assert_eq!(
            paths(json!({"security": {"audit": {"suppressions": [{"checkId": marker}]}}})),
            ["security.audit.suppressions.0.checkId"]
        );
    }

    #[test]
    fn sandbox_rules_and_their_boundaries() {
        let docker = |d: Value| json!({"agents": {"defaults": {"sandbox": {"docker": d}}}});
        let at = "agents.defaults.sandbox.docker";
        assert_eq!(
            paths(docker(json!({"binds": ["data:/data"]}))),
            [format!("{at}.binds.0")]
        );
        assert_eq!(
            paths(docker(json!({"binds": ["/ok:/data", " "]}))),
            [format!("{at}.binds.1")]
        );
        assert!(paths(docker(json!({"binds": ["/srv:/data:ro", "C:\\x:/y"]}))).is_empty());
        assert_eq!(
            paths(docker(json!({"network": " HOST "}))),
            [format!("{at}.network")]
        );
        assert_eq!(
            paths(docker(json!({"network": "container:db"}))),
            [format!("{at}.network")]
        );
        assert!(paths(docker(
            json!({"network": "container:db", "dangerouslyAllowContainerNamespaceJoin": true})
        ))
        .is_empty());
        assert!(paths(docker(json!({"network": "bridge"}))).is_empty());
        assert_eq!(
            paths(docker(
                json!({"seccompProfile": "Unconfined", "apparmorProfile": "unconfined"})
            )),
            [
                format!("{at}.seccompProfile"),
                format!("{at}.apparmorProfile")
            ]
        );
        assert!(paths(docker(json!({"seccompProfile": "/etc/seccomp.json"}))).is_empty());
        // Refinements do not run on an object with problems of its own (Zod skips them).
        assert_eq!(paths(docker(json!({"network": "host", "bogus": 1}))), [at]);
        let agent = json!({"agents": {"list": [{"id": "ops", "sandbox": {"browser": {"network": "host"}, "docker": {"network": "host"}}}]}});
        assert_eq!(
            paths(agent),
            [
                "agents.list.0.sandbox.docker.network",
                "agents.list.0.sandbox.browser.network"
            ]
        );
        let join =
            json!({"agents": {"defaults": {"sandbox": {"browser": {"network": "container:x"}}}}});
        assert_eq!(paths(join), ["agents.defaults.sandbox.browser.network"]);
    }

    #[test]
    fn tailscale_needs_a_loopback_bind() {
        let gw = |g: Value| json!({"gateway": g});
        assert_eq!(
            paths(gw(json!({"bind": "lan", "tailscale": {"mode": "serve"}}))),
            ["gateway.bind"]
        );
        assert_eq!(
            paths(gw(
                json!({"bind": "custom", "customBindHost": "10.0.0.5", "tailscale": {"mode": "funnel"}})
            )),
            ["gateway.bind"]
        );
        assert!(paths(gw(json!({"bind": "custom", "customBindHost": "127.0.0.1", "tailscale": {"mode": "funnel"}}))).is_empty());
        assert!(paths(gw(json!({"bind": "lan", "tailscale": {"mode": "off"}}))).is_empty());
        assert!(
            !is_loopback_ipv4("127.000.0.1")
                && is_loopback_ipv4("127.1.2.3")
                && !is_loopback_ipv4("10.0.0.1")
        );
    }

    #[test]
    fn suppressions_need_a_check_id() {
        let s = |e: Value| json!({"security": {"audit": {"suppressions": [e]}}});
        assert_eq!(
            paths(s(json!({"checkId": ""}))),
            ["security.audit.suppressions.0.checkId"]
        );
        assert_eq!(
            paths(s(json!({"titleIncludes": "x"}))),
            ["security.audit.suppressions.0.checkId"]
        );
        assert!(paths(s(json!({"checkId": "gateway.bind_no_auth"}))).is_empty());
    }

    #[test]
    fn secret_refs_on_plain_string_credentials_come_first() {
        let p = paths(
            json!({"hooks": {"token": {"source": "env", "provider": "default", "id": "T"}}, "gateway": {"port": "x"}}),
        );
        assert_eq!(p, ["hooks.token", "hooks.token", "gateway.port"]);
        let mapping =
            paths(json!({"hooks": {"mappings": [{"sessionKey": {"source": "env", "id": "K"}}]}}));
        assert_eq!(mapping[0], "hooks.mappings.0.sessionKey");
    }

    #[test]
    fn channels_unknown_ids_schemas_and_plugin_evidence() {
        assert_eq!(paths(json!({"channels": {"foo": {}}})), ["channels.foo"]);
        assert_eq!(
            paths(json!({"channels": {"qa-channel": {}}})),
            ["channels.qa-channel"]
        );
        assert!(paths(
            json!({"channels": {"wecom": {"any": 1}, "defaults": {"groupPolicy": "open"}}})
        )
        .is_empty());
        assert_eq!(
            paths(json!({"channels": {"defaults": {"bogus": 1}}})),
            ["channels.defaults"]
        );
        // Evidence of a plugin for the channel makes it a warning only.
        assert!(paths(
            json!({"channels": {"rocketchat": {}}, "plugins": {"allow": ["rocketchat"]}})
        )
        .is_empty());
        let mut f = facts();
        f.installed_plugins.insert("rocketchat".into());
        assert!(validate(&json!({"channels": {"rocketchat": {}}}), &f).is_empty());
        // ajv rules inside a channel: one problem per unknown key, at the object.
        let p = paths(json!({"channels": {"telegram": {"accounts": {"ops": {"a": 1, "b": 2}}}}}));
        assert_eq!(
            p,
            [
                "channels.telegram.accounts.ops",
                "channels.telegram.accounts.ops"
            ]
        );
        assert_eq!(
            paths(json!({"channels": {"telegram": {"streaming": "partial"}}})),
            ["channels.telegram.streaming"]
        );
    }

    #[test]
    fn plugin_stage_rules() {
        let mut f = facts();
        f.missing_paths.insert("/home/user/plugins/gone".into());
        let cfg = json!({"plugins": {"load": {"paths": ["~/plugins/gone", "/opt/present"]}}});
        let p = validate(&cfg, &f);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "plugins.load.paths");
        assert!(p[0].message.contains("/home/user/plugins/gone"));
        assert_eq!(
            paths(json!({"plugins": {"slots": {"memory": "nope"}}})),
            ["plugins.slots.memory"]
        );
        assert!(paths(json!({"plugins": {"slots": {"memory": "None"}}})).is_empty());
        assert!(paths(json!({"plugins": {"slots": {"memory": "memory-core"}}})).is_empty());
        assert_eq!(
            paths(json!({"plugins": {"entries": {"webhooks": {"config": {"bogus": true}}}}})),
            ["plugins.entries.webhooks.config"]
        );
        // `plugins.installs` is migrated away before validation.
        assert!(paths(json!({"plugins": {"installs": {"x": {"source": "npm"}}}})).is_empty());
        assert_eq!(
            paths(json!({"agents": {"defaults": {"model": {"primary": "google/gemini-1.5-pro"}}}})),
            ["agents.defaults.model.primary"]
        );
        assert_eq!(
            paths(json!({"tools": {"web": {"search": {"provider": "brave"}}}})),
            ["tools.web.search.provider"]
        );
        assert!(paths(json!({"tools": {"web": {"search": {"provider": "brave"}}}, "plugins": {"entries": {"brave": {}}}})).is_empty());
        assert!(paths(json!({"tools": {"web": {"search": {"provider": "tavily"}}}})).is_empty());
        assert_eq!(
            paths(json!({"agents": {"defaults": {"heartbeat": {"target": "pager"}}}})),
            ["agents.defaults.heartbeat.target"]
        );
        assert!(
            paths(json!({"agents": {"defaults": {"heartbeat": {"target": "lark"}}}})).is_empty()
        );
    }

    #[test]
    fn whole_config_rules() {
        let dup = json!({"agents": {"list": [{"id": "a", "agentDir": "~/x"}, {"id": "b", "agentDir": "/home/user/x/"}]}});
        assert_eq!(paths(dup), ["agents.list"]);
        assert!(paths(json!({"agents": {"list": [{"id": "a"}, {"id": "b"}]}})).is_empty());
        let avatar =
            |a: &str| json!({"agents": {"list": [{"id": "main", "identity": {"avatar": a}}]}});
        assert_eq!(paths(avatar("../x.png")), ["agents.list.0.identity.avatar"]);
        assert_eq!(paths(avatar("~/x.png")), ["agents.list.0.identity.avatar"]);
        assert!(paths(avatar("img/x.png")).is_empty());
        assert!(paths(avatar("https://x.test/a.png")).is_empty());
        assert_eq!(
            paths(json!({"agents": {"list": [{"id": "main"}]}, "broadcast": {"p": ["ops"]}})),
            ["broadcast.p.0"]
        );
        assert_eq!(
            paths(json!({"tools": {"allow": ["a"], "alsoAllow": ["b"]}})),
            ["tools"]
        );
        assert!(paths(json!({"tools": {"allow": [], "alsoAllow": ["b"]}})).is_empty());
        assert_eq!(
            paths(json!({"tools": {"web": {"search": {"gemini": {"apiKey": "x"}}}}})),
            ["tools.web.search.gemini"]
        );
    }

    #[test]
    fn later_stages_wait_for_the_schema() {
        // A schema problem hides the Tailscale and channel problems, as in the reference.
        let cfg = json!({"gateway": {"bind": "lan", "tailscale": {"mode": "serve"}, "port": "x"}, "channels": {"foo": {}}});
        assert_eq!(paths(cfg), ["gateway.port"]);
    }
}
