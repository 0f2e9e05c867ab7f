//! Models: legacy and weak-tier models, and small models with web tools (catalogue §6.8).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::policy::{self, normalize_provider_id, ModelRef};
use crate::audit::registry::{Area, CheckDef};
use crate::config::env::SEARCH_PROVIDER_ENV;
use crate::config::secret::{js_trim, Str};

pub const CHECKS: &[CheckDef] = &[
    CheckDef::new("models.legacy", Area::Models, "warn", false,
        "A configured model (`agents.defaults.model`, `agents.defaults.imageModel`, `agents.list[].model`, primary or fallback, aliases resolved) is a legacy generation: GPT-3.5, Claude 2 / Claude Instant, or the GPT-4 0314/0613 snapshots. Such models follow injected instructions more readily. Switch to a current model for any agent that can use tools."),
    CheckDef::new("models.weak_tier", Area::Models, "warn", false,
        "A configured model is below the recommended tier: a Haiku model, a GPT model older than GPT-5, or a Claude model older than 4.5. Smaller and older models are more easily steered by prompt injection. Use a current top-tier model for agents with tools or untrusted inboxes."),
    CheckDef::new("models.small_params", Area::Models, "info; critical when a small model can use web_search, web_fetch or browser", false,
        "A text model whose name shows at most 300B parameters (e.g. `llama3:8b`) is configured. It is critical when such a model can reach uncontrolled input: web search (enabled, or a search credential configured), web fetch or the browser, allowed by that model's tool policies (profile, allow/deny, `tools.byProvider`, sandbox). Deny `group:web` and `browser` for these models with `tools.byProvider[\"provider/model\"].deny`, and run them with `sandbox.mode: \"all\"`."),
];

/// Positions 17–18.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    let refs = model_refs(&ctx.cfg);
    hygiene(&refs, out);
    small_params(ctx, &refs, out);
}

// ---------------------------------------------------------------------------------------------------------------
// Model refs

/// Model-id normalization the bundled provider plugins declare.
struct ManifestRule {
    providers: &'static [&'static str],
    strip_prefixes: &'static [&'static str],
    aliases: &'static [(&'static str, &'static str)],
    /// `(model prefix, provider prefix)`: a bare id starting with the model prefix gets the provider prefix.
    prefix_after_alias: &'static [(&'static str, &'static str)],
    prefix_when_bare: Option<&'static str>,
}

const GEMINI_ALIASES: &[(&str, &str)] = &[
    ("gemini-3-pro", "gemini-3.1-pro-preview"),
    ("gemini-3-pro-preview", "gemini-3.1-pro-preview"),
    ("gemini-3-flash", "gemini-3-flash-preview"),
    ("gemini-3.1-pro", "gemini-3.1-pro-preview"),
    ("gemini-3.1-flash-lite", "gemini-3.1-flash-lite-preview"),
    ("gemini-3.1-flash", "gemini-3-flash-preview"),
    ("gemini-3.1-flash-preview", "gemini-3-flash-preview"),
];
const CLAUDE_ALIASES: &[(&str, &str)] = &[
    ("opus-4.6", "claude-opus-4-6"),
    ("opus-4.5", "claude-opus-4-5"),
    ("sonnet-4.6", "claude-sonnet-4-6"),
    ("sonnet-4.5", "claude-sonnet-4-5"),
];

const MANIFEST_RULES: &[ManifestRule] = &[
    ManifestRule {
        providers: &["xai"],
        strip_prefixes: &[],
        aliases: &[
            ("grok-4-fast-reasoning", "grok-4-fast"),
            ("grok-4-1-fast-reasoning", "grok-4-1-fast"),
            (
                "grok-4.20-experimental-beta-0304-reasoning",
                "grok-4.20-beta-latest-reasoning",
            ),
            (
                "grok-4.20-experimental-beta-0304-non-reasoning",
                "grok-4.20-beta-latest-non-reasoning",
            ),
            ("grok-4.20-reasoning", "grok-4.20-beta-latest-reasoning"),
            (
                "grok-4.20-non-reasoning",
                "grok-4.20-beta-latest-non-reasoning",
            ),
        ],
        prefix_after_alias: &[],
        prefix_when_bare: None,
    },
    ManifestRule {
        providers: &["google", "google-gemini-cli", "google-vertex"],
        strip_prefixes: &[],
        aliases: GEMINI_ALIASES,
        prefix_after_alias: &[],
        prefix_when_bare: None,
    },
    ManifestRule {
        providers: &["huggingface"],
        strip_prefixes: &["huggingface/"],
        aliases: &[],
        prefix_after_alias: &[],
        prefix_when_bare: None,
    },
    ManifestRule {
        providers: &["vercel-ai-gateway"],
        strip_prefixes: &[],
        aliases: CLAUDE_ALIASES,
        prefix_after_alias: &[("claude-", "anthropic")],
        prefix_when_bare: None,
    },
    ManifestRule {
        providers: &["anthropic"],
        strip_prefixes: &[],
        aliases: CLAUDE_ALIASES,
        prefix_after_alias: &[],
        prefix_when_bare: None,
    },
    ManifestRule {
        providers: &["nvidia"],
        strip_prefixes: &[],
        aliases: &[],
        prefix_after_alias: &[],
        prefix_when_bare: Some("nvidia"),
    },
    ManifestRule {
        providers: &["openrouter"],
        strip_prefixes: &[],
        aliases: &[],
        prefix_after_alias: &[],
        prefix_when_bare: Some("openrouter"),
    },
];

fn prefixed(prefix: &str, model: &str) -> String {
    format!(
        "{}/{}",
        prefix.trim_end_matches('/'),
        model.trim_start_matches('/')
    )
}

fn manifest_normalize(provider: &str, model: &str) -> Option<String> {
    let p = js_trim(provider).to_lowercase();
    let rule = MANIFEST_RULES
        .iter()
        .find(|r| r.providers.contains(&p.as_str()))?;
    let mut id = js_trim(model).to_string();
    if id.is_empty() {
        return Some(id);
    }
    for prefix in rule.strip_prefixes {
        if id.to_lowercase().starts_with(&prefix.to_lowercase()) {
            id = id[prefix.len()..].to_string();
            break;
        }
    }
    let lower = id.to_lowercase();
    if let Some((_, to)) = rule.aliases.iter().find(|(from, _)| *from == lower) {
        id = to.to_string();
    }
    if !id.contains('/') {
        let lower = id.to_lowercase();
        for (model_prefix, prefix) in rule.prefix_after_alias {
            if lower.starts_with(&model_prefix.to_lowercase()) {
                return Some(prefixed(prefix, &id));
            }
        }
        if let Some(prefix) = rule.prefix_when_bare {
            return Some(prefixed(prefix, &id));
        }
    }
    Some(id)
}

fn google_preview(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("google/") {
        let n = google_preview(rest);
        return if n == rest {
            id.to_string()
        } else {
            format!("google/{n}")
        };
    }
    match id {
        "gemini-3-pro" | "gemini-3-pro-preview" | "gemini-3.1-pro" => {
            "gemini-3.1-pro-preview".into()
        }
        "gemini-3-flash" | "gemini-3.1-flash" | "gemini-3.1-flash-preview" => {
            "gemini-3-flash-preview".into()
        }
        "gemini-3.1-flash-lite" => "gemini-3.1-flash-lite-preview".into(),
        _ => id.to_string(),
    }
}

/// A model id normalized for its provider (bundled manifest rules, then Google preview ids).
fn normalize_model_id(provider: &str, model: &str) -> String {
    let p = normalize_provider_id(provider);
    let m = manifest_normalize(&p, model).unwrap_or_else(|| model.to_string());
    if matches!(p.as_str(), "google" | "google-gemini-cli" | "google-vertex") {
        google_preview(&m)
    } else {
        m
    }
}

fn normalize_ref(provider: &str, model: &str) -> ModelRef {
    let p = normalize_provider_id(provider);
    ModelRef {
        model: normalize_model_id(&p, js_trim(model)),
        provider: p,
    }
}

/// `provider/model` with a default provider (`openai` for these checks).
pub fn parse_model_ref(raw: &str, default_provider: &str) -> Option<ModelRef> {
    let t = js_trim(raw);
    if t.is_empty() {
        return None;
    }
    if t.to_lowercase() == "openrouter:auto" {
        return Some(normalize_ref("openrouter", "auto"));
    }
    match t.find('/') {
        None => Some(normalize_ref(default_provider, t)),
        Some(i) => {
            let (p, m) = (js_trim(&t[..i]), js_trim(&t[i + 1..]));
            (!p.is_empty() && !m.is_empty()).then(|| normalize_ref(p, m))
        }
    }
}

/// `provider/model`, without doubling a provider prefix the model id already carries.
pub fn model_key(r: &ModelRef) -> String {
    let (p, m) = (js_trim(&r.provider), js_trim(&r.model));
    if p.is_empty() {
        m.to_string()
    } else if m.is_empty() {
        p.to_string()
    } else if m
        .to_lowercase()
        .starts_with(&format!("{}/", p.to_lowercase()))
    {
        m.to_string()
    } else {
        format!("{p}/{m}")
    }
}

/// A configured provider (`models.providers.<key>`) whose `api` belongs to another provider keeps its own name.
fn exact_configured_provider_ref(cfg: &Value, raw: &str) -> Option<ModelRef> {
    let i = raw.find('/').filter(|&i| i > 0)?;
    let providers = cfg.pointer("/models/providers")?.as_object()?;
    let (p, m) = (js_trim(&raw[..i]), js_trim(&raw[i + 1..]));
    if p.is_empty() || m.is_empty() {
        return None;
    }
    let (key, conf) = providers
        .iter()
        .find(|(k, _)| js_trim(k).to_lowercase() == p.to_lowercase())?;
    let api_owner = conf
        .get("api")
        .and_then(Value::as_str)
        .map(normalize_provider_id)
        .unwrap_or_default();
    if api_owner.is_empty() || api_owner == normalize_provider_id(key) {
        return None;
    }
    let provider = js_trim(key).to_lowercase();
    let model = normalize_model_id(&provider, &normalize_model_id(&provider, m));
    let model = match model.find('/') {
        _ if model.starts_with("google/") => format!("google/{}", google_preview(&model[7..])),
        Some(s) if s > 0 && s < model.len() - 1 && model[s + 1..].starts_with("google/") => {
            format!("{}{}", &model[..s + 1], google_preview(&model[s + 1..]))
        }
        _ => model,
    };
    Some(ModelRef { provider, model })
}

/// `openrouter:free`: the first configured concrete `openrouter/…:free` model.
fn openrouter_free(cfg: &Value) -> Option<ModelRef> {
    let models = cfg
        .pointer("/agents/defaults/models")
        .and_then(Value::as_object);
    for key in models.into_iter().flat_map(|m| m.keys()) {
        if !key.contains('/') {
            continue;
        }
        if let Some(r) = parse_model_ref(key, "openai") {
            if r.provider == "openrouter" && r.model.contains('/') && r.model.ends_with(":free") {
                return Some(r);
            }
        }
    }
    let providers = cfg
        .pointer("/models/providers")
        .and_then(Value::as_object)?;
    let (_, conf) = providers
        .iter()
        .find(|(k, _)| normalize_provider_id(k) == "openrouter")?;
    conf.get("models")?.as_array()?.iter().find_map(|e| {
        let id = js_trim(e.get("id")?.as_str()?);
        (id.contains('/') && id.ends_with(":free")).then(|| normalize_ref("openrouter", id))
    })
}

fn parse_with_compat(cfg: &Value, raw: &str) -> Option<ModelRef> {
    match js_trim(raw).to_lowercase().as_str() {
        "openrouter:auto" => return Some(normalize_ref("openrouter", "auto")),
        "openrouter:free" => {
            if let Some(r) = openrouter_free(cfg) {
                return Some(r);
            }
        }
        _ => {}
    }
    exact_configured_provider_ref(cfg, raw).or_else(|| parse_model_ref(raw, "openai"))
}

/// `^(?:i?q\d+(?:_[a-z0-9]+)*|\d+bit)(?:@|$)`, case-insensitive: a quantization tag, not an auth profile.
fn looks_like_quant_tag(s: &str) -> bool {
    let b = s.to_ascii_lowercase().into_bytes();
    let end_ok = |i: usize| i == b.len() || b[i] == b'@';
    let digits = |mut i: usize| {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > start).then_some(i)
    };
    // i?q\d+(_[a-z0-9]+)*
    let mut i = usize::from(b.first() == Some(&b'i'));
    if b.get(i) == Some(&b'q') {
        if let Some(mut j) = digits(i + 1) {
            while j < b.len() && b[j] == b'_' {
                let start = j + 1;
                let mut k = start;
                while k < b.len() && (b[k].is_ascii_lowercase() || b[k].is_ascii_digit()) {
                    k += 1;
                }
                if k == start {
                    break;
                }
                j = k;
            }
            if end_ok(j) {
                return true;
            }
        }
    }
    i = 0;
    if let Some(j) = digits(i) {
        if b[j..].starts_with(b"bit") && end_ok(j + 3) {
            return true;
        }
    }
    false
}

/// The model part of `model@profile` (dates `@20250101` and quantization tags `@q4_k_m` are part of the model).
pub fn strip_auth_profile(raw: &str) -> &str {
    let t = js_trim(raw);
    if t.is_empty() {
        return t;
    }
    let from = t.rfind('/').map_or(0, |i| i + 1);
    let Some(mut at) = t[from..].find('@').map(|i| i + from) else {
        return t;
    };
    if at == 0 {
        return t;
    }
    let suffix = |at: usize| &t[at + 1..];
    let s = suffix(at).as_bytes();
    if s.len() >= 8 && s[..8].iter().all(u8::is_ascii_digit) && (s.len() == 8 || s[8] == b'@') {
        match t.get(at + 9..).and_then(|r| r.find('@')) {
            Some(i) => at = at + 9 + i,
            None => return t,
        }
    }
    if looks_like_quant_tag(suffix(at)) {
        match t[at + 1..].find('@') {
            Some(i) => at = at + 1 + i,
            None => return t,
        }
    }
    let (model, profile) = (js_trim(&t[..at]), js_trim(&t[at + 1..]));
    if model.is_empty() || profile.is_empty() {
        t
    } else {
        model
    }
}

/// One configured model: its resolved id (`provider/model`) and where it is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelEntry {
    pub id: String,
    pub source: String,
}

/// `agents.defaults.models.<key>.alias` (lower-cased) → the key's model ref; later keys win.
fn alias_index(cfg: &Value) -> Vec<(String, ModelRef)> {
    let mut out: Vec<(String, ModelRef)> = Vec::new();
    let Some(models) = cfg
        .pointer("/agents/defaults/models")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (key, entry) in models {
        let k = js_trim(key);
        if let Some(p) = k.strip_suffix("/*") {
            if !normalize_provider_id(p).is_empty() {
                continue;
            }
        }
        let Some(r) = parse_with_compat(cfg, key) else {
            continue;
        };
        let Some(alias) = entry
            .get("alias")
            .and_then(Value::as_str)
            .map(js_trim)
            .filter(|a| !a.is_empty())
        else {
            continue;
        };
        let lower = alias.to_lowercase();
        out.retain(|(a, _)| *a != lower);
        out.push((lower, r));
    }
    out
}

fn resolve_id(cfg: &Value, raw: &str, aliases: &[(String, ModelRef)]) -> String {
    let model = strip_auth_profile(raw);
    if model.is_empty() {
        return raw.to_string();
    }
    let lower = model.to_lowercase();
    let r = aliases
        .iter()
        .find(|(a, _)| *a == lower)
        .map(|(_, r)| r.clone())
        .or_else(|| parse_with_compat(cfg, model));
    r.map(|r| model_key(&r)).unwrap_or_else(|| raw.to_string())
}

fn primary(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o.get("primary")?.as_str(),
        _ => None,
    }
    .map(js_trim)
    .filter(|s| !s.is_empty())
}

fn fallbacks(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Object(o)) => o
            .get("fallbacks")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// Every configured model ref, resolved, in the reference's order.
pub fn model_refs(cfg: &Value) -> Vec<ModelEntry> {
    let aliases = alias_index(cfg);
    let mut out = Vec::new();
    let mut add = |raw: Option<&Value>, source: String| {
        let Some(raw) = raw
            .and_then(Value::as_str)
            .map(js_trim)
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        out.push(ModelEntry {
            id: resolve_id(cfg, raw, &aliases),
            source,
        });
    };
    for key in ["model", "imageModel"] {
        let v = cfg.pointer(&format!("/agents/defaults/{key}"));
        add(
            primary(v).map(|s| Value::String(s.into())).as_ref(),
            format!("agents.defaults.{key}.primary"),
        );
        for f in fallbacks(v) {
            add(Some(f), format!("agents.defaults.{key}.fallbacks"));
        }
    }
    for e in policy::agent_entries(cfg) {
        let id = e.get("id").and_then(Value::as_str).unwrap_or("");
        match e.get("model") {
            Some(m @ Value::String(_)) => add(Some(m), format!("agents.list.{id}.model")),
            Some(m @ (Value::Object(_) | Value::Array(_))) => {
                add(m.get("primary"), format!("agents.list.{id}.model.primary"));
                for f in m
                    .get("fallbacks")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    add(Some(f), format!("agents.list.{id}.model.fallbacks"));
                }
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Name tests (the reference's regular expressions, case-insensitive, `\b` = ASCII word boundary)

fn word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
}

/// Start positions of `lit` in `s` that sit on a word boundary (the literal starts with a word character).
fn starts(s: &[char], lit: &str) -> Vec<usize> {
    let l: Vec<char> = lit.chars().collect();
    (0..s.len().saturating_sub(l.len() - 1))
        .filter(|&i| s[i..].starts_with(&l) && (i == 0 || !word(s.get(i - 1))))
        .collect()
}

fn lower_chars(s: &str) -> Vec<char> {
    s.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// `\b<lit>\b`
fn has_word(s: &[char], lit: &str) -> bool {
    let n = lit.chars().count();
    starts(s, lit).into_iter().any(|i| !word(s.get(i + n)))
}

fn is_legacy(id: &str) -> bool {
    let s = lower_chars(id);
    [
        "gpt-3.5",
        "claude-instant",
        "claude-2",
        "gpt-4-0314",
        "gpt-4-0613",
    ]
    .iter()
    .any(|l| has_word(&s, l))
}

fn is_haiku(id: &str) -> bool {
    has_word(&lower_chars(id), "haiku")
}

fn is_gpt(id: &str) -> bool {
    !starts(&lower_chars(id), "gpt-").is_empty()
}

/// `\bgpt-5(?:\b|[.-])`
fn is_gpt5_or_higher(id: &str) -> bool {
    has_word(&lower_chars(id), "gpt-5")
}

fn is_claude(id: &str) -> bool {
    !starts(&lower_chars(id), "claude-").is_empty()
}

/// One or two digits (`[5-9]` or `[1-9]\d`) at `i` followed by a word boundary.
fn minor_at_least_5(s: &[char], i: usize) -> bool {
    let d = |k: usize| s.get(k).copied().filter(char::is_ascii_digit);
    let one = d(i).is_some_and(|c| c >= '5') && !word(s.get(i + 1));
    let two = d(i).is_some_and(|c| c >= '1') && d(i + 1).is_some() && !word(s.get(i + 2));
    one || two
}

/// `\bclaude-[^\s/]*?(?:-4-?(?:[5-9]|[1-9]\d)\b|4\.(?:[5-9]|[1-9]\d)\b|-[5-9](?:\b|[.-]))`
fn is_claude_45_or_higher(id: &str) -> bool {
    let s = lower_chars(id);
    let at = |i: usize, c: char| s.get(i) == Some(&c);
    starts(&s, "claude-").into_iter().any(|p| {
        let mut q = p + 7;
        loop {
            let a = at(q, '-')
                && at(q + 1, '4')
                && ((at(q + 2, '-') && minor_at_least_5(&s, q + 3)) || minor_at_least_5(&s, q + 2));
            let b = at(q, '4') && at(q + 1, '.') && minor_at_least_5(&s, q + 2);
            let c = at(q, '-')
                && s.get(q + 1).is_some_and(|c| ('5'..='9').contains(c))
                && !word(s.get(q + 2));
            if a || b || c {
                return true;
            }
            match s.get(q) {
                Some(c) if !c.is_whitespace() && *c != '/' => q += 1,
                _ => return false,
            }
        }
    })
}

/// The largest parameter count in billions a model id shows (`8b`, `70B`, `1.5b`, `x7b`), if any.
pub fn param_billions(id: &str) -> Option<f64> {
    let s: Vec<char> = id.to_lowercase().chars().collect();
    let alnum = |k: usize| {
        s.get(k)
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let digit = |k: usize| s.get(k).is_some_and(char::is_ascii_digit);
    // Match attempt at `start` with the leading alternative consumed up to `pos`; returns (value, end).
    let attempt = |pos: usize| -> Option<(f64, usize)> {
        let mut k = pos;
        if s.get(k).is_some_and(|c| c.is_ascii_lowercase()) {
            k += 1;
        }
        let num_start = k;
        while digit(k) {
            k += 1;
        }
        if k == num_start {
            return None;
        }
        if s.get(k) == Some(&'.') && digit(k + 1) {
            k += 1;
            while digit(k) {
                k += 1;
            }
        }
        let num: String = s[num_start..k].iter().collect();
        if s.get(k) != Some(&'b') {
            return None;
        }
        k += 1;
        let end = if k == s.len() {
            k
        } else if !alnum(k) {
            k + 1
        } else {
            return None;
        };
        Some((num.parse().ok()?, end))
    };
    let mut best: Option<f64> = None;
    let mut i = 0;
    while i < s.len() {
        let hit = (if i == 0 { attempt(0) } else { None })
            .or_else(|| (!alnum(i)).then(|| attempt(i + 1)).flatten());
        match hit {
            Some((v, end)) => {
                if v.is_finite() && v > 0.0 && best.is_none_or(|b| v > b) {
                    best = Some(v);
                }
                i = end;
            }
            None => i += 1,
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

fn hygiene(refs: &[ModelEntry], out: &mut Vec<Finding>) {
    let legacy: Vec<String> = refs
        .iter()
        .filter(|m| is_legacy(&m.id))
        .map(|m| format!("{} at {}", m.id, m.source))
        .collect();
    let mut weak: Vec<(String, String, Vec<&str>)> = Vec::new();
    for m in refs {
        let mut reasons = Vec::new();
        if is_haiku(&m.id) {
            reasons.push("Haiku tier");
        }
        if is_gpt(&m.id) && !is_gpt5_or_higher(&m.id) {
            reasons.push("older than GPT-5");
        }
        if is_claude(&m.id) && !is_claude_45_or_higher(&m.id) {
            reasons.push("older than Claude 4.5");
        }
        if reasons.is_empty() {
            continue;
        }
        match weak
            .iter_mut()
            .find(|(id, src, _)| *id == m.id && *src == m.source)
        {
            Some(w) => {
                for r in reasons {
                    if !w.2.contains(&r) {
                        w.2.push(r);
                    }
                }
            }
            None => weak.push((m.id.clone(), m.source.clone(), reasons)),
        }
    }
    let list = |lines: &[String]| -> String {
        let mut s: String = lines.iter().take(12).map(|l| format!("\n- {l}")).collect();
        if lines.len() > 12 {
            s.push_str(&format!("\n- and {} more", lines.len() - 12));
        }
        s
    };
    if !legacy.is_empty() {
        out.push(
            Finding::new(
                "models.legacy",
                Severity::Warn,
                "Legacy models are configured",
                format!(
                    "These models are from older generations that resist prompt injection and tool misuse poorly:{}",
                    list(&legacy)
                ),
            )
            .fix("Replace them in agents.defaults.model / imageModel and agents.list[].model with current models.")
            .about("agents.defaults.model"),
        );
    }
    if !weak.is_empty() {
        let lines: Vec<String> = weak
            .iter()
            .map(|(id, src, r)| format!("{id} ({}) at {src}", r.join(", ")))
            .collect();
        out.push(
            Finding::new(
                "models.weak_tier",
                Severity::Warn,
                "Models below the recommended tier are configured",
                format!(
                    "Smaller or older models are steered more easily by injected instructions:{}",
                    list(&lines)
                ),
            )
            .fix("Use a current top-tier model (GPT-5 or later, Claude 4.5 or later, no Haiku) for agents with tools or untrusted inboxes.")
            .about("agents.defaults.model"),
        );
    }
}

/// A config value that counts as a configured credential: a non-blank string or any other non-null value.
fn configured(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !Str::of(s).is_blank(),
        _ => true,
    }
}

/// Some key other than `enabled` holds a configured value.
fn search_candidate(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(m)) => m.iter().any(|(k, v)| k != "enabled" && configured(v)),
        Some(Value::Array(a)) => a.iter().any(configured),
        _ => false,
    }
}

/// `tools.web.search.enabled`, else whether a search credential is configured (config or provider env var).
pub fn web_search_enabled(ctx: &Ctx) -> bool {
    if let Some(Value::Bool(b)) = ctx.get("/tools/web/search/enabled") {
        return *b;
    }
    if search_candidate(ctx.get("/tools/web/search")) {
        return true;
    }
    let plugin_candidate = match ctx.get("/plugins/entries") {
        Some(Value::Object(m)) => m.values().collect::<Vec<_>>(),
        Some(Value::Array(a)) => a.iter().collect(),
        _ => vec![],
    }
    .into_iter()
    .any(|e| {
        e.get("config")
            .filter(|c| c.is_object() || c.is_array())
            .is_some_and(|c| search_candidate(c.get("webSearch")))
    });
    plugin_candidate
        || SEARCH_PROVIDER_ENV
            .iter()
            .any(|k| ctx.env_value(k).is_some())
}

/// `agents.list.<id>.` at the start of a source: the agent id (up to the next dot).
fn source_agent(source: &str) -> Option<&str> {
    let rest = source.strip_prefix("agents.list.")?;
    let end = rest.find('.')?;
    Some(&rest[..end])
}

fn fmt_billions(v: f64) -> String {
    format!("{v}")
}

fn small_params(ctx: &Ctx, refs: &[ModelEntry], out: &mut Vec<Finding>) {
    let cfg = &ctx.cfg;
    let small: Vec<(&ModelEntry, f64)> = refs
        .iter()
        .filter(|m| !m.source.contains("imageModel"))
        .filter_map(|m| {
            param_billions(&m.id)
                .filter(|b| *b <= 300.0)
                .map(|b| (m, b))
        })
        .collect();
    if small.is_empty() {
        return;
    }
    let search = web_search_enabled(ctx);
    let fetch = !ctx.is_false("/tools/web/fetch/enabled");
    let browser = !ctx.is_false("/browser/enabled");
    let mut unsafe_any = false;
    let mut exposed_all: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    for (m, b) in small {
        let agent = source_agent(&m.source);
        let mode = policy::sandbox_for(cfg, agent).mode;
        let tools = agent.filter(|a| !a.is_empty()).and_then(|a| {
            cfg.pointer("/agents/list")?
                .as_array()?
                .iter()
                .find(|e| e.get("id").and_then(Value::as_str) == Some(a))?
                .get("tools")
        });
        let model = parse_model_ref(&m.id, "openai");
        let stack = policy::stack(cfg, tools, agent, &mode, model.as_ref());
        let exposed: Vec<&str> = [
            ("web_search", search),
            ("web_fetch", fetch),
            ("browser", browser),
        ]
        .into_iter()
        .filter(|(t, on)| *on && policy::allowed(t, &stack))
        .map(|(t, _)| t)
        .collect();
        for t in &exposed {
            if !exposed_all.contains(t) {
                exposed_all.push(t);
            }
        }
        unsafe_any |= !exposed.is_empty();
        lines.push(format!(
            "- {} ({}B) at {}: {}; sandbox {}; web tools {}",
            m.id,
            fmt_billions(b),
            m.source,
            if exposed.is_empty() { "ok" } else { "unsafe" },
            mode,
            if exposed.is_empty() {
                "none".to_string()
            } else {
                exposed.join(", ")
            }
        ));
    }
    let summary = if exposed_all.is_empty() {
        "None of them can reach web or browser tools.".to_string()
    } else {
        format!(
            "Tools that feed them uncontrolled input: {}.",
            exposed_all.join(", ")
        )
    };
    out.push(
        Finding::new(
            "models.small_params",
            if unsafe_any { Severity::Critical } else { Severity::Info },
            "Small models are configured",
            format!(
                "Models with at most 300B parameters resist untrusted input poorly:\n{}\n{summary}",
                lines.join("\n")
            ),
        )
        .fix("Deny web tools for each small model with tools.byProvider[\"provider/model\"].deny = [\"group:web\", \"browser\"] (or disable them globally), and set agents.defaults.sandbox.mode to \"all\".")
        .about("agents.defaults.model"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    fn ids_of(cfg: &str) -> Vec<String> {
        model_refs(&json5(cfg)).into_iter().map(|m| m.id).collect()
    }

    fn json5(s: &str) -> Value {
        crate::config::json5::parse(s).unwrap().to_json()
    }

    fn sev(h: &Host, id: &str) -> Option<Severity> {
        h.findings()
            .into_iter()
            .find(|f| f.check_id == id)
            .map(|f| f.severity)
    }

    #[test]
    fn refs_are_resolved_like_the_reference() {
        // Expected ids were taken from the 2026.5.20 reference on the same configs.
        assert_eq!(
            ids_of(
                r#"{agents: {defaults: {model: {primary: " gpt-4o-1b ", fallbacks: ["Anthropic/sonnet-4.5", 5, "bedrock/x-1b", "Anthropic/opus-4.6"]}}}}"#
            ),
            [
                "openai/gpt-4o-1b",
                "anthropic/claude-sonnet-4-5",
                "amazon-bedrock/x-1b",
                "anthropic/claude-opus-4-6"
            ]
        );
        // Aliases (case-insensitive), auth profiles, dates and quantization tags, openrouter prefixes.
        assert_eq!(
            ids_of(
                r#"{agents: {defaults: {models: {"ollama/llama3:8b": {alias: "Small"}}, model: "small@work"}, list: [{id: "a", model: "openrouter/meta/llama-1b"}, {id: "b", model: {primary: "SMALL", fallbacks: ["x-1b@20250101", "y-1b@q4_k_m@prof", "z-2b@prof"]}}]}}"#
            ),
            [
                "ollama/llama3:8b",
                "openrouter/meta/llama-1b",
                "ollama/llama3:8b",
                "openai/x-1b@20250101",
                "openai/y-1b@q4_k_m",
                "openai/z-2b"
            ]
        );
        assert_eq!(
            ids_of(
                r#"{agents: {defaults: {model: {primary: "huggingface/huggingface/qwen-1b", fallbacks: ["openrouter:auto", "google/gemini-3-pro-1b", "z.ai/glm-1b", "/x-1b", "x-1b/"]}}}}"#
            ),
            [
                "huggingface/qwen-1b",
                "openrouter/auto",
                "google/gemini-3-pro-1b",
                "zai/glm-1b",
                "/x-1b",
                "x-1b/"
            ]
        );
        assert_eq!(
            ids_of(r#"{agents: {defaults: {model: "vercel-ai-gateway/opus-4.6"}}}"#),
            ["vercel-ai-gateway/anthropic/claude-opus-4-6"]
        );
        assert_eq!(
            ids_of(r#"{agents: {defaults: {model: "nvidia/nemotron-1b"}}}"#),
            ["nvidia/nemotron-1b"]
        );
        assert_eq!(
            ids_of(r#"{agents: {defaults: {imageModel: "google/gemini-3-pro"}}}"#),
            ["google/gemini-3.1-pro-preview"]
        );
        // A provider whose api belongs to another provider keeps its own (lower-cased) name.
        assert_eq!(
            ids_of(
                r#"{models: {providers: {Bedrock: {api: "openai-completions"}}}, agents: {defaults: {model: "bedrock/m-1b"}}}"#
            ),
            ["bedrock/m-1b"]
        );
    }

    #[test]
    fn auth_profile_split() {
        assert_eq!(strip_auth_profile("a/b@work"), "a/b");
        assert_eq!(strip_auth_profile("a/b@20250101"), "a/b@20250101");
        assert_eq!(strip_auth_profile("a/b@20250101@p"), "a/b@20250101");
        assert_eq!(strip_auth_profile("a/b@q4_k_m"), "a/b@q4_k_m");
        assert_eq!(strip_auth_profile("a/b@IQ4_XS@p"), "a/b@IQ4_XS");
        assert_eq!(strip_auth_profile("a/b@8bit"), "a/b@8bit");
        assert_eq!(strip_auth_profile("@x"), "@x");
        assert_eq!(strip_auth_profile("a@"), "a@");
    }

    #[test]
    fn name_tests() {
        assert!(is_legacy("openai/gpt-3.5-turbo"));
        assert!(!is_legacy("openai/gpt-3.50"));
        assert!(is_legacy("anthropic/claude-instant-1"));
        assert!(is_legacy("anthropic/claude-2.1"));
        assert!(!is_legacy("anthropic/claude-20"));
        assert!(is_legacy("openai/GPT-4-0613"));
        assert!(is_haiku("anthropic/claude-3-haiku"));
        assert!(!is_haiku("x/haikus"));
        assert!(is_gpt("openai/gpt-4o") && !is_gpt5_or_higher("openai/gpt-4o"));
        assert!(is_gpt5_or_higher("openai/gpt-5") && is_gpt5_or_higher("openai/gpt-5.1-mini"));
        assert!(!is_gpt5_or_higher("openai/gpt-50"));
        assert!(!is_gpt("openai/chatgpt-4o"));
        // Checked against the reference's regular expression.
        for id in [
            "anthropic/claude-sonnet-4-5",
            "anthropic/claude-opus-4-6",
            "a/claude-sonnet-45",
            "a/claude-opus-4.5",
            "a/claude-x-7.1",
            "anthropic/claude-3-5-sonnet",
            "a/claude-x-4-10",
            "a/claude-4.5",
        ] {
            assert!(is_claude_45_or_higher(id), "{id}");
        }
        for id in [
            "a/claude-4-10",
            "a/claude-5",
            "anthropic/claude-sonnet-4",
            "a/claude-opus-4-1",
            "a/claude-4-5x",
            "a/claude-x/4-5",
            "a/claude-3-opus",
        ] {
            assert!(!is_claude_45_or_higher(id), "{id}");
        }
    }

    #[test]
    fn parameter_counts() {
        assert_eq!(param_billions("ollama/llama3:8b"), Some(8.0));
        assert_eq!(param_billions("x/qwen2.5-1.5B"), Some(1.5));
        assert_eq!(param_billions("x/mixtral-8x7b"), None);
        assert_eq!(param_billions("x/a7b"), Some(7.0));
        assert_eq!(param_billions("x/-a7b"), Some(7.0));
        assert_eq!(param_billions("x/m-300b"), Some(300.0));
        assert_eq!(param_billions("x/m-70b-400b"), Some(70.0)); // "-" consumed by the first match
        assert_eq!(param_billions("x/m-70b--400b"), Some(400.0));
        assert_eq!(param_billions("x/m-70bx"), None);
        assert_eq!(param_billions("x/m-0b"), None);
        assert_eq!(param_billions("8b"), Some(8.0));
        assert_eq!(param_billions("openai/gpt-4o"), None);
    }

    #[test]
    fn legacy_and_weak_findings() {
        let h = Host::new(r#"{agents: {defaults: {model: "gpt-3.5-turbo"}}}"#);
        assert_eq!(sev(&h, "models.legacy"), Some(Severity::Warn));
        assert_eq!(sev(&h, "models.weak_tier"), Some(Severity::Warn));
        let h = Host::new(
            r#"{agents: {defaults: {model: "anthropic/claude-opus-4-5", imageModel: "openai/gpt-5"}}}"#,
        );
        assert_eq!(sev(&h, "models.legacy"), None);
        assert_eq!(sev(&h, "models.weak_tier"), None);
        // An alias resolves to the key before testing.
        let h = Host::new(
            r#"{agents: {defaults: {models: {"anthropic/claude-3-haiku": {alias: "fast"}}, model: "fast"}}}"#,
        );
        assert_eq!(sev(&h, "models.weak_tier"), Some(Severity::Warn));
    }

    #[test]
    fn small_params_boundary_and_severity() {
        let id = "models.small_params";
        let base = r#"tools: {web: {fetch: {enabled: false}}}, browser: {enabled: false}"#;
        let h = Host::new(&format!(
            r#"{{agents: {{defaults: {{model: "ollama/m-300b"}}}}, {base}}}"#
        ));
        assert_eq!(sev(&h, id), Some(Severity::Info));
        let h = Host::new(&format!(
            r#"{{agents: {{defaults: {{model: "ollama/m-301b"}}}}, {base}}}"#
        ));
        assert_eq!(sev(&h, id), None);
        // Image models do not count.
        let h = Host::new(r#"{agents: {defaults: {imageModel: "ollama/llava:7b"}}}"#);
        assert_eq!(sev(&h, id), None);
        // web_fetch and browser default on: critical.
        let h = Host::new(r#"{agents: {defaults: {model: "ollama/llama3:8b"}}}"#);
        assert_eq!(sev(&h, id), Some(Severity::Critical));
        // A byProvider deny of the web tools makes it safe.
        let h = Host::new(
            r#"{agents: {defaults: {model: "ollama/llama3:8b"}}, tools: {byProvider: {"ollama/llama3:8b": {deny: ["group:web", "browser"]}}}}"#,
        );
        assert_eq!(sev(&h, id), Some(Severity::Info));
        // web_search through a provider env var or a config key.
        let h = Host::new(&format!(
            r#"{{agents: {{defaults: {{model: "ollama/llama3:8b"}}}}, {base}}}"#
        ))
        .dotenv("OLLAMA_API_KEY", "test-key");
        assert_eq!(sev(&h, id), Some(Severity::Critical));
        let h = Host::new(&format!(
            r#"{{agents: {{defaults: {{model: "ollama/llama3:8b"}}}}, {base}}}"#
        ))
        .dotenv("BRAVE_API_KEY", "test-key");
        assert_eq!(sev(&h, id), Some(Severity::Info));
        let h = Host::new(
            r#"{agents: {defaults: {model: "ollama/llama3:8b"}}, tools: {web: {fetch: {enabled: false}, search: {provider: "brave"}}}, browser: {enabled: false}}"#,
        );
        assert_eq!(sev(&h, id), Some(Severity::Critical));
        let h = Host::new(
            r#"{agents: {defaults: {model: "ollama/llama3:8b"}}, tools: {web: {fetch: {enabled: false}, search: {enabled: false, apiKey: "k"}}}, browser: {enabled: false}}"#,
        );
        assert_eq!(sev(&h, id), Some(Severity::Info));
        // Per agent: its own sandbox (mode all) denies the web tools by default.
        let h = Host::new(
            r#"{agents: {list: [{id: "s", model: "ollama/llama3:8b", sandbox: {mode: "all"}}]}}"#,
        );
        assert_eq!(sev(&h, id), Some(Severity::Info));
    }
}
