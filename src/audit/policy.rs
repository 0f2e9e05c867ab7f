//! Tool policies as OpenClaw 2026.5.20 evaluates them (catalogue §10.5), and the per-agent resolutions that several
//! check families share: sandbox mode and workspace access, exec host and security scopes, model refs for
//! `tools.byProvider`.
//!
//! A tool is available in a context only when every policy of its stack allows it. The stack is, in order: the
//! tool profile (`agents.list[].tools.profile ?? tools.profile`), the global `tools.{allow,alsoAllow,deny}`, the
//! agent's `tools.{allow,alsoAllow,deny}`, optionally the `tools.byProvider` entries for the model (global, then
//! agent), and the sandbox tool policy when the context's sandbox mode is `all`. Within one policy a matching deny
//! entry wins, an empty allow list allows everything, and `apply_patch` is allowed wherever `write` is.
//!
//! Everything here is a pure function of the resolved config (`Ctx::cfg`).

use serde_json::Value;

use crate::config::paths::normalize_agent_id;
use crate::config::secret::js_trim;

// ---------------------------------------------------------------------------------------------------------------
// Tables (tool catalogue of 2026.5.20)

/// `group:<section>` and `group:openclaw` expansions.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "group:openclaw",
        &[
            "code_execution",
            "web_search",
            "web_fetch",
            "x_search",
            "memory_search",
            "memory_get",
            "sessions_list",
            "sessions_history",
            "sessions_send",
            "sessions_spawn",
            "sessions_yield",
            "subagents",
            "session_status",
            "browser",
            "message",
            "heartbeat_respond",
            "cron",
            "gateway",
            "nodes",
            "agents_list",
            "update_plan",
            "image",
            "image_generate",
            "music_generate",
            "video_generate",
            "tts",
        ],
    ),
    ("group:fs", &["read", "write", "edit", "apply_patch"]),
    ("group:runtime", &["exec", "process", "code_execution"]),
    ("group:web", &["web_search", "web_fetch", "x_search"]),
    ("group:memory", &["memory_search", "memory_get"]),
    (
        "group:sessions",
        &[
            "sessions_list",
            "sessions_history",
            "sessions_send",
            "sessions_spawn",
            "sessions_yield",
            "subagents",
            "session_status",
        ],
    ),
    ("group:ui", &["browser", "canvas"]),
    ("group:messaging", &["message"]),
    (
        "group:automation",
        &["heartbeat_respond", "cron", "gateway"],
    ),
    ("group:nodes", &["nodes"]),
    ("group:agents", &["agents_list", "update_plan"]),
    (
        "group:media",
        &[
            "image",
            "image_generate",
            "music_generate",
            "video_generate",
            "tts",
        ],
    ),
];

const PROFILE_MINIMAL: &[&str] = &["session_status"];
const PROFILE_CODING: &[&str] = &[
    "read",
    "write",
    "edit",
    "apply_patch",
    "exec",
    "process",
    "code_execution",
    "web_search",
    "web_fetch",
    "x_search",
    "memory_search",
    "memory_get",
    "sessions_list",
    "sessions_history",
    "sessions_send",
    "sessions_spawn",
    "sessions_yield",
    "subagents",
    "session_status",
    "cron",
    "update_plan",
    "image",
    "image_generate",
    "music_generate",
    "video_generate",
    "bundle-mcp",
];
const PROFILE_MESSAGING: &[&str] = &[
    "sessions_list",
    "sessions_history",
    "sessions_send",
    "session_status",
    "message",
    "bundle-mcp",
];
const PROFILE_FULL: &[&str] = &["*"];

/// The sandbox tool policy's allow list when none is configured.
pub const SANDBOX_DEFAULT_ALLOW: &[&str] = &[
    "exec",
    "process",
    "read",
    "write",
    "edit",
    "apply_patch",
    "image",
    "sessions_list",
    "sessions_history",
    "sessions_send",
    "sessions_spawn",
    "sessions_yield",
    "subagents",
    "session_status",
];

/// The sandbox tool policy's deny list when none is configured: control-plane tools plus every bundled channel id.
pub const SANDBOX_DEFAULT_DENY: &[&str] = &[
    "browser",
    "canvas",
    "nodes",
    "cron",
    "gateway",
    "feishu",
    "wecom",
    "googlechat",
    "nostr",
    "msteams",
    "mattermost",
    "nextcloud-talk",
    "matrix",
    "line",
    "openclaw-weixin",
    "zalo",
    "clickclack",
    "yuanbao",
    "zalouser",
    "synology-chat",
    "tlon",
    "discord",
    "imessage",
    "irc",
    "qqbot",
    "signal",
    "slack",
    "telegram",
    "twitch",
    "whatsapp",
];

/// The tools of a `group:<name>` entry (names as written in the catalogue), if it is one.
pub fn group(name: &str) -> Option<&'static [&'static str]> {
    GROUPS.iter().find(|(g, _)| *g == name).map(|(_, t)| *t)
}

// ---------------------------------------------------------------------------------------------------------------
// Small JavaScript-semantics helpers on config values

/// `v ?? fallback`-style presence: a value that is there and not `null`.
pub fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// `obj?.key` that skips `null` (what a following `??` would do).
pub fn field<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    present(present(v)?.get(key))
}

/// JavaScript truthiness.
fn truthy(v: Option<&Value>) -> bool {
    crate::config::paths::truthy(v)
}

/// A value as text for comparisons with string literals: strings as they are, anything else as JSON (which never
/// equals a keyword such as `"all"`).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Tool name normalization: trimmed, lower-case, `bash` → `exec`, `apply-patch` → `apply_patch`. Non-strings
/// become the empty name (ignored).
pub fn normalize_tool_name(name: &str) -> String {
    let n = js_trim(name).to_lowercase();
    match n.as_str() {
        "bash" => "exec".into(),
        "apply-patch" => "apply_patch".into(),
        _ => n,
    }
}

/// Normalized names with `group:*` entries expanded, empty names dropped, de-duplicated in first-seen order.
pub fn expand_groups<S: AsRef<str>>(list: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    for raw in list {
        let n = normalize_tool_name(raw.as_ref());
        if n.is_empty() {
            continue;
        }
        match group(&n) {
            Some(tools) => tools.iter().for_each(|t| push(t)),
            None => push(&n),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Globs

#[derive(Clone, Debug, PartialEq, Eq)]
enum Glob {
    All,
    Exact(String),
    /// The literal pieces between `*` wildcards.
    Wild(Vec<String>),
}

fn compile(list: &[String]) -> Vec<Glob> {
    list.iter()
        .filter_map(|raw| {
            let n = normalize_tool_name(raw);
            if n.is_empty() {
                None
            } else if n == "*" {
                Some(Glob::All)
            } else if n.contains('*') {
                Some(Glob::Wild(n.split('*').map(String::from).collect()))
            } else {
                Some(Glob::Exact(n))
            }
        })
        .collect()
}

fn wild_match(parts: &[String], s: &str) -> bool {
    // parts.len() >= 2: prefix, middles, suffix.
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if s.len() < first.len() + last.len() || !s.starts_with(first.as_str()) {
        return false;
    }
    let mut rest = &s[first.len()..];
    if !rest.ends_with(last.as_str()) {
        return false;
    }
    rest = &rest[..rest.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid.as_str()) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn matches_any(name: &str, globs: &[Glob]) -> bool {
    globs.iter().any(|g| match g {
        Glob::All => true,
        Glob::Exact(e) => e == name,
        Glob::Wild(parts) => wild_match(parts, name),
    })
}

/// Does a tool-name glob list (groups expanded, `*` wildcards) match `name`?
pub fn list_matches<S: AsRef<str>>(list: &[S], name: &str) -> bool {
    matches_any(&normalize_tool_name(name), &compile(&expand_groups(list)))
}

// ---------------------------------------------------------------------------------------------------------------
// Policies

/// One allow/deny policy. `None` lists are absent; an empty or absent allow list allows every tool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolPolicy {
    pub allow: Option<Vec<String>>,
    pub deny: Option<Vec<String>>,
    /// The allow list was made from `alsoAllow` alone (`["*", …alsoAllow]`).
    pub implicit_allow_all: bool,
}

impl ToolPolicy {
    pub fn allows(&self, tool: &str) -> bool {
        let name = normalize_tool_name(tool);
        let deny = compile(&expand_groups(self.deny.as_deref().unwrap_or_default()));
        if matches_any(&name, &deny) {
            return false;
        }
        let allow = compile(&expand_groups(self.allow.as_deref().unwrap_or_default()));
        allow.is_empty()
            || matches_any(&name, &allow)
            || (name == "apply_patch" && matches_any("write", &allow))
    }
}

/// Every policy of the stack allows `tool`.
pub fn allowed(tool: &str, policies: &[ToolPolicy]) -> bool {
    policies.iter().all(|p| p.allows(tool))
}

/// String entries of an array (other entries count as empty names, which every list ignores).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|e| e.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The policy of a tool profile name (`minimal`, `coding`, `messaging`, `full`); any other value has none.
pub fn profile_policy(profile: Option<&Value>) -> Option<ToolPolicy> {
    let list = match profile?.as_str()? {
        "minimal" => PROFILE_MINIMAL,
        "coding" => PROFILE_CODING,
        "messaging" => PROFILE_MESSAGING,
        "full" => PROFILE_FULL,
        _ => return None,
    };
    Some(ToolPolicy {
        allow: Some(list.iter().map(|s| s.to_string()).collect()),
        deny: None,
        implicit_allow_all: false,
    })
}

/// The allow/alsoAllow/deny policy of a `tools` object (global or an agent's); `None` when it sets no list.
/// `alsoAllow` extends a non-empty `allow`; with no (or an empty) `allow` it means "everything plus these".
pub fn pick_policy(tools: Option<&Value>) -> Option<ToolPolicy> {
    let tools = present(tools)?;
    let allow = tools.get("allow").filter(|v| v.is_array());
    let also = tools
        .get("alsoAllow")
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()));
    let deny = tools.get("deny").filter(|v| v.is_array());
    let also_list = also.map(strings);
    let implicit = allow.is_none()
        && also_list
            .as_ref()
            .is_some_and(|a| !a.iter().any(|e| js_trim(e) == "*"));
    let union = |base: Option<Vec<String>>| -> Option<Vec<String>> {
        let Some(extra) = also_list.clone() else {
            return base;
        };
        match base {
            Some(b) if !b.is_empty() => Some(dedup([b, extra].concat())),
            _ => Some(dedup([vec!["*".to_string()], extra].concat())),
        }
    };
    let allow = match allow {
        Some(a) => union(Some(strings(a))),
        None if also_list.is_some() => union(None),
        None => None,
    };
    let deny = deny.map(strings);
    if allow.is_none() && deny.is_none() {
        return None;
    }
    Some(ToolPolicy {
        allow,
        deny,
        implicit_allow_all: implicit,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Providers and model refs (for `tools.byProvider`)

/// OpenClaw's provider id normalization: lower-case plus a few aliases.
pub fn normalize_provider_id(provider: &str) -> String {
    let n = js_trim(provider).to_lowercase();
    match n.as_str() {
        "modelstudio" | "qwencloud" => "qwen".into(),
        "z.ai" | "z-ai" => "zai".into(),
        "opencode-zen" => "opencode".into(),
        "opencode-go-auth" => "opencode-go".into(),
        "anthropic-cli" => "claude-cli".into(),
        "kimi" | "kimi-code" | "kimi-coding" => "kimi".into(),
        "moonshotai" | "moonshot-ai" => "moonshot".into(),
        "bedrock" | "aws-bedrock" => "amazon-bedrock".into(),
        "bytedance" | "doubao" => "volcengine".into(),
        _ => n,
    }
}

/// A `tools.byProvider` key: `provider` or `provider/model`, provider normalized, lower-case.
pub fn normalize_provider_key(key: &str) -> String {
    let n = js_trim(key).to_lowercase();
    match n.find('/') {
        Some(i) if i > 0 => {
            let provider = normalize_provider_id(&n[..i]);
            let model = &n[i + 1..];
            if model.is_empty() {
                provider
            } else {
                format!("{provider}/{model}")
            }
        }
        _ => normalize_provider_id(&n),
    }
}

fn policy_of_value(v: &Value) -> ToolPolicy {
    ToolPolicy {
        allow: v.get("allow").filter(|a| a.is_array()).map(strings),
        deny: v.get("deny").filter(|a| a.is_array()).map(strings),
        implicit_allow_all: false,
    }
}

/// The `byProvider` entry for a model: the key `provider/model` first, then `provider` (keys normalized; among
/// keys that normalize alike, the first one already in normalized form wins, else the first one).
pub fn provider_policy(
    by_provider: Option<&Value>,
    provider: Option<&str>,
    model: Option<&str>,
) -> Option<ToolPolicy> {
    let provider = js_trim(provider?);
    let map = present(by_provider)?.as_object()?;
    if provider.is_empty() || map.is_empty() {
        return None;
    }
    let mut lookup: Vec<(String, bool, &Value)> = Vec::new();
    for (key, value) in map {
        let normalized = normalize_provider_key(key);
        if normalized.is_empty() {
            continue;
        }
        let canonical = js_trim(key).to_lowercase() == normalized;
        match lookup.iter_mut().find(|(k, _, _)| *k == normalized) {
            None => lookup.push((normalized, canonical, value)),
            Some(slot) if canonical && !slot.1 => *slot = (normalized, canonical, value),
            Some(_) => {}
        }
    }
    let p = normalize_provider_key(provider);
    let model = model.map(|m| js_trim(m).to_lowercase()).unwrap_or_default();
    let mut candidates = Vec::new();
    if !model.is_empty() {
        candidates.push(format!("{p}/{model}"));
    }
    candidates.push(p);
    candidates.iter().find_map(|c| {
        lookup
            .iter()
            .find(|(k, _, v)| k == c && truthy(Some(v)))
            .map(|(_, _, v)| policy_of_value(v))
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Agents and sandbox

/// `agents.list` entries that are objects.
pub fn agent_entries(cfg: &Value) -> Vec<&Value> {
    cfg.pointer("/agents/list")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter(|e| e.is_object()).collect())
        .unwrap_or_default()
}

/// `agents.list` entries with a string `id`, in list order: `(raw id, entry)`.
pub fn agents_with_ids(cfg: &Value) -> Vec<(&str, &Value)> {
    agent_entries(cfg)
        .into_iter()
        .filter_map(|e| Some((e.get("id")?.as_str()?, e)))
        .collect()
}

/// The agent config OpenClaw resolves for an id: the first `agents.list` entry whose normalized id equals the
/// normalized `id` (entries without an id count as `main`).
pub fn agent_entry<'a>(cfg: &'a Value, id: &str) -> Option<&'a Value> {
    let want = normalize_agent_id(id);
    agent_entries(cfg)
        .into_iter()
        .find(|e| normalize_agent_id(e.get("id").and_then(Value::as_str).unwrap_or("")) == want)
}

/// The sandbox settings of a context (`agent_id` `None` or empty: the defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sandbox {
    /// `agents.list[id].sandbox.mode ?? agents.defaults.sandbox.mode ?? "off"`.
    pub mode: String,
    /// `… .sandbox.workspaceAccess ?? … ?? "none"`.
    pub workspace_access: String,
}

impl Sandbox {
    pub fn is_all(&self) -> bool {
        self.mode == "all"
    }
    pub fn is_off(&self) -> bool {
        self.mode == "off"
    }
}

fn agent_sandbox<'a>(cfg: &'a Value, agent_id: Option<&str>) -> Option<&'a Value> {
    let id = agent_id.filter(|id| !id.is_empty())?;
    let sb = agent_entry(cfg, id)?.get("sandbox");
    truthy(sb).then_some(sb?)
}

pub fn sandbox_for(cfg: &Value, agent_id: Option<&str>) -> Sandbox {
    let defaults = cfg.pointer("/agents/defaults/sandbox");
    let own = agent_sandbox(cfg, agent_id);
    let pick = |key: &str, fallback: &str| {
        field(own, key)
            .or_else(|| field(defaults, key))
            .map(text)
            .unwrap_or_else(|| fallback.to_string())
    };
    Sandbox {
        mode: pick("mode", "off"),
        workspace_access: pick("workspaceAccess", "none"),
    }
}

/// The tool policy a sandbox applies (used in the stack when the mode is `all`): the agent's
/// `tools.sandbox.tools.{allow,alsoAllow,deny}` lists, else the global ones, else the defaults
/// ([`SANDBOX_DEFAULT_ALLOW`], [`SANDBOX_DEFAULT_DENY`] minus tools the configured allow lists name); `image` is
/// added to a non-empty allow list unless a list names it already.
pub fn sandbox_tool_policy(cfg: &Value, agent_id: Option<&str>) -> ToolPolicy {
    let own = agent_id
        .filter(|id| !id.is_empty())
        .and_then(|id| agent_entry(cfg, id))
        .and_then(|e| e.pointer("/tools/sandbox/tools"));
    let global = cfg.pointer("/tools/sandbox/tools");
    let list = |key: &str| -> Option<Vec<String>> {
        own.and_then(|p| p.get(key))
            .filter(|v| v.is_array())
            .or_else(|| global.and_then(|p| p.get(key)).filter(|v| v.is_array()))
            .map(strings)
    };
    let (allow, also, deny) = (list("allow"), list("alsoAllow"), list("deny"));
    let explicit = dedup(
        [
            allow.clone().unwrap_or_default(),
            also.clone().unwrap_or_default(),
        ]
        .concat(),
    );
    let defaults = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let merged_allow = match (&allow, &also) {
        (Some(a), _) if a.is_empty() => vec![],
        (Some(a), Some(x)) if !x.is_empty() => dedup([a.clone(), x.clone()].concat()),
        (Some(a), _) => a.clone(),
        (None, Some(x)) if !x.is_empty() => {
            dedup([defaults(SANDBOX_DEFAULT_ALLOW), x.clone()].concat())
        }
        (None, _) => defaults(SANDBOX_DEFAULT_ALLOW),
    };
    let merged_deny = match deny {
        Some(d) => d,
        None => {
            let allow_globs = compile(&expand_groups(&explicit));
            defaults(SANDBOX_DEFAULT_DENY)
                .into_iter()
                .filter(|t| {
                    allow_globs.is_empty() || !matches_any(&normalize_tool_name(t), &allow_globs)
                })
                .collect()
        }
    };
    let deny = expand_groups(&merged_deny);
    let mut allow = expand_groups(&merged_allow);
    if !allow.is_empty()
        && !deny.iter().any(|d| d == "image")
        && !allow.iter().any(|a| a == "image")
    {
        allow.push("image".into());
    }
    ToolPolicy {
        allow: Some(allow),
        deny: Some(deny),
        implicit_allow_all: false,
    }
}

/// A model as `tools.byProvider` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRef {
    pub provider: String,
    pub model: String,
}

/// The policy stack of one context.
///
/// * `agent_tools`: the context's own `agents.list[].tools` (None for the defaults context);
/// * `agent_id`: the id used for the sandbox tool policy lookup;
/// * `sandbox_mode`: the context's resolved sandbox mode (the sandbox policy joins the stack when it is `all`);
/// * `model`: adds the `tools.byProvider` entries (global, then the agent's) for that model.
pub fn stack(
    cfg: &Value,
    agent_tools: Option<&Value>,
    agent_id: Option<&str>,
    sandbox_mode: &str,
    model: Option<&ModelRef>,
) -> Vec<ToolPolicy> {
    let mut out = Vec::new();
    let profile = field(agent_tools, "profile").or_else(|| field(cfg.get("tools"), "profile"));
    out.extend(profile_policy(profile));
    out.extend(pick_policy(cfg.get("tools")));
    out.extend(pick_policy(agent_tools));
    if let Some(m) = model {
        let p = Some(m.provider.as_str());
        let id = Some(m.model.as_str());
        out.extend(provider_policy(cfg.pointer("/tools/byProvider"), p, id));
        out.extend(provider_policy(field(agent_tools, "byProvider"), p, id));
    }
    if sandbox_mode == "all" {
        out.push(sandbox_tool_policy(cfg, agent_id));
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Exec

/// `tools.exec.host` of an agent, else the global one, else `auto`.
pub fn exec_host(cfg: &Value, agent_tools: Option<&Value>) -> String {
    field(field(agent_tools, "exec"), "host")
        .or_else(|| cfg.pointer("/tools/exec/host").filter(|v| !v.is_null()))
        .map(text)
        .unwrap_or_else(|| "auto".into())
}

/// One exec trust scope: the global one (id `main`) and one per `agents.list` entry with a string id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecScope {
    pub id: String,
    /// `tools.exec.security` of the agent, else global, else `deny`.
    pub security: String,
    pub host: String,
}

/// The exec scopes keyed by raw id: the global scope `main` first, then each agent in list order; a later scope
/// with an id already present replaces it in place (an agent `main` replaces the global scope).
pub fn exec_scopes(cfg: &Value) -> Vec<ExecScope> {
    let global_security = cfg
        .pointer("/tools/exec/security")
        .filter(|v| !v.is_null())
        .map(text)
        .unwrap_or_else(|| "deny".into());
    let mut out = vec![ExecScope {
        id: "main".into(),
        security: global_security.clone(),
        host: exec_host(cfg, None),
    }];
    for (id, entry) in agents_with_ids(cfg) {
        let tools = entry.get("tools");
        let scope = ExecScope {
            id: id.to_string(),
            security: field(field(tools, "exec"), "security")
                .map(text)
                .unwrap_or_else(|| global_security.clone()),
            host: exec_host(cfg, tools),
        };
        match out.iter_mut().find(|s| s.id == id) {
            Some(slot) => *slot = scope,
            None => out.push(scope),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pol(allow: Option<&[&str]>, deny: Option<&[&str]>) -> ToolPolicy {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        ToolPolicy {
            allow: allow.map(v),
            deny: deny.map(v),
            implicit_allow_all: false,
        }
    }

    #[test]
    fn names_are_normalized_and_aliased() {
        assert_eq!(normalize_tool_name(" Bash "), "exec");
        assert_eq!(normalize_tool_name("APPLY-PATCH"), "apply_patch");
        assert_eq!(normalize_tool_name("Read"), "read");
        assert_eq!(
            expand_groups(&["group:fs", "READ", "", "bash"]),
            ["read", "write", "edit", "apply_patch", "exec"]
        );
        assert_eq!(group("group:openclaw").unwrap().len(), 26);
    }

    #[test]
    fn deny_wins_and_empty_allow_allows_all() {
        let p = pol(Some(&[]), Some(&["exec"]));
        assert!(!p.allows("exec"));
        assert!(!p.allows("BASH"));
        assert!(p.allows("read"));
        let p = pol(Some(&["read"]), None);
        assert!(p.allows("read"));
        assert!(!p.allows("write"));
        assert!(pol(None, None).allows("anything"));
    }

    #[test]
    fn globs_and_groups() {
        let p = pol(Some(&["web_*", "group:runtime"]), Some(&["*fetch"]));
        assert!(p.allows("web_search"));
        assert!(!p.allows("web_fetch"));
        assert!(p.allows("process"));
        assert!(!p.allows("read"));
        assert!(pol(Some(&["*"]), None).allows("__openclaw_plugin_probe__"));
        assert!(!pol(Some(&["group:*"]), None).allows("read"));
        assert!(pol(Some(&["s*s*s"]), None).allows("sessions"));
        assert!(!pol(Some(&["s*s*s"]), None).allows("ss"));
        // Regex metacharacters are literal.
        assert!(!pol(Some(&["re.d"]), None).allows("read"));
    }

    #[test]
    fn apply_patch_follows_write() {
        assert!(pol(Some(&["write"]), None).allows("apply_patch"));
        assert!(pol(Some(&["wr*"]), None).allows("apply_patch"));
        assert!(!pol(Some(&["write"]), Some(&["apply_patch"])).allows("apply_patch"));
        assert!(!pol(Some(&["edit"]), None).allows("apply_patch"));
    }

    #[test]
    fn profiles() {
        assert!(profile_policy(Some(&json!("minimal")))
            .unwrap()
            .allows("session_status"));
        assert!(!profile_policy(Some(&json!("minimal")))
            .unwrap()
            .allows("read"));
        let coding = profile_policy(Some(&json!("coding"))).unwrap();
        assert!(coding.allows("exec") && coding.allows("web_search") && !coding.allows("browser"));
        let messaging = profile_policy(Some(&json!("messaging"))).unwrap();
        assert!(messaging.allows("message") && !messaging.allows("exec"));
        assert!(profile_policy(Some(&json!("full")))
            .unwrap()
            .allows("browser"));
        assert_eq!(profile_policy(Some(&json!("Full"))), None);
        assert_eq!(profile_policy(Some(&json!(""))), None);
        assert_eq!(profile_policy(None), None);
    }

    #[test]
    fn also_allow_semantics() {
        // alsoAllow alone: everything plus these.
        let p = pick_policy(Some(&json!({"alsoAllow": ["x"]}))).unwrap();
        assert_eq!(p.allow.as_deref().unwrap(), ["*", "x"]);
        assert!(p.implicit_allow_all);
        assert!(p.allows("exec"));
        // alsoAllow with "*" is not implicit.
        assert!(
            !pick_policy(Some(&json!({"alsoAllow": [" * "]})))
                .unwrap()
                .implicit_allow_all
        );
        // allow + alsoAllow: union.
        let p = pick_policy(Some(
            &json!({"allow": ["read"], "alsoAllow": ["exec", "read"]}),
        ))
        .unwrap();
        assert_eq!(p.allow.as_deref().unwrap(), ["read", "exec"]);
        assert!(!p.allows("write"));
        // Empty allow + alsoAllow: everything plus these.
        let p = pick_policy(Some(&json!({"allow": [], "alsoAllow": ["x"]}))).unwrap();
        assert_eq!(p.allow.as_deref().unwrap(), ["*", "x"]);
        // Empty alsoAllow adds nothing; no lists: no policy.
        assert_eq!(pick_policy(Some(&json!({"alsoAllow": []}))), None);
        assert_eq!(pick_policy(Some(&json!({"profile": "coding"}))), None);
        assert_eq!(pick_policy(None), None);
        let p = pick_policy(Some(&json!({"deny": ["exec"]}))).unwrap();
        assert!(p.allow.is_none() && !p.allows("exec") && p.allows("read"));
    }

    #[test]
    fn provider_keys_and_lookup() {
        assert_eq!(
            normalize_provider_key(" Bedrock/Claude-X "),
            "amazon-bedrock/claude-x"
        );
        assert_eq!(normalize_provider_key("z.ai"), "zai");
        assert_eq!(normalize_provider_key("/x"), "/x");
        assert_eq!(normalize_provider_key("ollama/"), "ollama");
        let bp = json!({
            "ollama": {"deny": ["browser"]},
            "ollama/llama3:8b": {"deny": ["group:web"]},
            "AWS-Bedrock": {"deny": ["exec"]},
            "bedrock": {"deny": ["read"]},
        });
        let p = provider_policy(Some(&bp), Some("ollama"), Some("LLAMA3:8B")).unwrap();
        assert!(!p.allows("web_fetch") && p.allows("browser"));
        let p = provider_policy(Some(&bp), Some("ollama"), Some("qwen")).unwrap();
        assert!(!p.allows("browser"));
        // Two keys normalize to amazon-bedrock; neither is canonical, so the first wins.
        let p = provider_policy(Some(&bp), Some("amazon-bedrock"), Some("m")).unwrap();
        assert!(!p.allows("exec") && p.allows("read"));
        let canon =
            json!({"AWS-Bedrock": {"deny": ["exec"]}, "amazon-bedrock": {"deny": ["read"]}});
        let p = provider_policy(Some(&canon), Some("bedrock"), None).unwrap();
        assert!(p.allows("exec") && !p.allows("read"));
        assert_eq!(
            provider_policy(Some(&bp), Some("openai"), Some("gpt")),
            None
        );
        assert_eq!(provider_policy(Some(&bp), Some(" "), Some("gpt")), None);
        assert_eq!(provider_policy(None, Some("ollama"), None), None);
        // alsoAllow and profile inside a byProvider entry are not read.
        let odd = json!({"x": {"alsoAllow": ["exec"], "profile": "minimal"}});
        assert!(provider_policy(Some(&odd), Some("x"), None)
            .unwrap()
            .allows("browser"));
    }

    #[test]
    fn sandbox_resolution() {
        let cfg = json!({
            "agents": {
                "defaults": {"sandbox": {"mode": "all", "workspaceAccess": "ro"}},
                "list": [
                    {"id": "Ops", "sandbox": {"mode": "off"}},
                    {"id": "ops", "sandbox": {"mode": "non-main"}},
                    {"id": "w", "sandbox": {"workspaceAccess": "rw"}},
                    {"id": "n", "sandbox": {"mode": null}},
                ]
            }
        });
        assert_eq!(sandbox_for(&cfg, None).mode, "all");
        assert_eq!(sandbox_for(&cfg, Some("")).mode, "all");
        // The first entry whose normalized id matches wins.
        assert_eq!(sandbox_for(&cfg, Some("ops")).mode, "off");
        assert_eq!(sandbox_for(&cfg, Some("OPS")).mode, "off");
        let w = sandbox_for(&cfg, Some("w"));
        assert_eq!(
            (w.mode.as_str(), w.workspace_access.as_str()),
            ("all", "rw")
        );
        assert_eq!(sandbox_for(&cfg, Some("n")).mode, "all");
        assert_eq!(sandbox_for(&cfg, Some("unknown")).workspace_access, "ro");
        let empty = json!({});
        let s = sandbox_for(&empty, Some("main"));
        assert!(s.is_off() && s.workspace_access == "none");
    }

    #[test]
    fn sandbox_tool_policy_defaults_and_overrides() {
        let d = sandbox_tool_policy(&json!({}), None);
        assert!(d.allows("exec") && d.allows("image") && !d.allows("browser"));
        assert!(!d.allows("telegram") && !d.allows("web_search"));
        // Re-allowing a default-denied tool removes it from the default deny list.
        let cfg = json!({"tools": {"sandbox": {"tools": {"alsoAllow": ["browser"]}}}});
        let p = sandbox_tool_policy(&cfg, None);
        assert!(p.allows("browser") && p.allows("exec"));
        // An explicit allow replaces the defaults; image is added.
        let cfg = json!({"tools": {"sandbox": {"tools": {"allow": ["web_search"]}}}});
        let p = sandbox_tool_policy(&cfg, None);
        assert!(p.allows("web_search") && p.allows("image") && !p.allows("exec"));
        assert_eq!(p.allow.as_deref().unwrap(), ["web_search", "image"]);
        // image not added when denied.
        let cfg = json!({"tools": {"sandbox": {"tools": {"allow": ["read"], "deny": ["image"]}}}});
        assert_eq!(sandbox_tool_policy(&cfg, None).allow.unwrap(), ["read"]);
        // Empty allow: everything not denied.
        let cfg = json!({"tools": {"sandbox": {"tools": {"allow": []}}}});
        let p = sandbox_tool_policy(&cfg, None);
        assert!(p.allows("web_fetch") && !p.allows("browser"));
        // The agent's lists win over global ones, looked up by normalized id.
        let cfg = json!({
            "tools": {"sandbox": {"tools": {"deny": ["exec"]}}},
            "agents": {"list": [{"id": "A", "tools": {"sandbox": {"tools": {"deny": []}}}}]}
        });
        assert!(!sandbox_tool_policy(&cfg, None).allows("exec"));
        let p = sandbox_tool_policy(&cfg, Some("a"));
        assert!(p.allows("exec") && !p.allows("browser") && !p.allows("web_search"));
        // A glob re-allow filters matching default denies.
        let cfg = json!({"tools": {"sandbox": {"tools": {"alsoAllow": ["group:ui", "tele*"]}}}});
        let p = sandbox_tool_policy(&cfg, None);
        assert!(p.allows("canvas") && p.allows("telegram") && !p.allows("slack"));
    }

    #[test]
    fn stack_order_and_byprovider() {
        let cfg = json!({
            "tools": {"profile": "coding", "deny": ["process"], "byProvider": {"ollama": {"deny": ["web_fetch"]}}},
            "agents": {"list": [{"id": "a", "tools": {"profile": "full", "byProvider": {"ollama/m": {"deny": ["browser"]}}}}]}
        });
        let agent = cfg.pointer("/agents/list/0/tools");
        let m = ModelRef {
            provider: "ollama".into(),
            model: "m".into(),
        };
        let s = stack(&cfg, agent, Some("a"), "off", Some(&m));
        assert_eq!(s.len(), 4);
        assert!(allowed(
            "browser",
            &stack(&cfg, agent, Some("a"), "off", None)
        ));
        assert!(!allowed("browser", &s));
        assert!(!allowed("web_fetch", &s));
        assert!(!allowed("process", &s));
        // The defaults context: coding profile.
        let s = stack(&cfg, None, None, "all", None);
        assert!(allowed("exec", &s) && !allowed("browser", &s) && !allowed("web_search", &s));
    }

    #[test]
    fn exec_scopes_keyed_by_raw_id() {
        let cfg = json!({
            "tools": {"exec": {"security": "allowlist", "host": "gateway"}},
            "agents": {"list": [
                {"id": "ops", "tools": {"exec": {"security": "full"}}},
                {"id": "main", "tools": {"exec": {"host": "node"}}},
                {"id": 5},
                {"id": "Ops"},
                {"id": "ops", "tools": {"exec": {"security": "deny"}}}
            ]}
        });
        let s = exec_scopes(&cfg);
        let view: Vec<_> = s
            .iter()
            .map(|s| (s.id.as_str(), s.security.as_str(), s.host.as_str()))
            .collect();
        assert_eq!(
            view,
            [
                ("main", "allowlist", "node"),
                ("ops", "deny", "gateway"),
                ("Ops", "allowlist", "gateway")
            ]
        );
        assert_eq!(exec_scopes(&json!({}))[0].security, "deny");
        assert_eq!(exec_scopes(&json!({}))[0].host, "auto");
    }
}
