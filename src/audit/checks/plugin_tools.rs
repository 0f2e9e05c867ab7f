//! Plugin tools reachable under a permissive tool policy (catalogue §6.9).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::policy::{self, field};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::js_trim;

pub const CHECKS: &[CheckDef] = &[CheckDef::new(
    "plugins.tools_reachable_permissive_policy",
    Area::Plugins,
    "warn",
    false,
    "Extension plugins are installed under `<stateDir>/extensions` and enabled (not denied, not left out of a non-empty `plugins.allow`, not `plugins.entries.<id>.enabled: false`), and some context (the defaults or an `agents.list` entry) lets any tool through: no restrictive tool profile and no allow list, or an allow list naming `group:plugins` or a plugin id. Whatever tools those plugins register are then available to the agent. Use the `minimal` or `coding` profile, or explicit `tools.allow` lists that leave plugin tools out, for agents that handle untrusted input.",
)];

/// A tool name no policy names explicitly: a policy lets it through only when it allows every tool.
const PROBE_TOOL: &str = "__openclaw_plugin_probe__";

/// Plugin id normalization of `plugins.allow` / `deny` / `entries`: a few built-in aliases, else the trimmed id.
fn normalize_plugin_id(id: &str) -> String {
    let t = js_trim(id);
    match t.to_lowercase().as_str() {
        "openai-codex" | "openai" => "openai".into(),
        "google-gemini-cli" | "google" => "google".into(),
        "minimax-portal" | "minimax-portal-auth" | "minimax" => "minimax".into(),
        _ => t.to_string(),
    }
}

fn id_set(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| js_trim(&normalize_plugin_id(s)).to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Installed extension dirs that are enabled, as lower-cased ids.
pub fn enabled_extension_ids(cfg: &Value, dirs: &[&str]) -> Vec<String> {
    let plugins = cfg.get("plugins");
    if field(plugins, "enabled") == Some(&Value::Bool(false)) {
        return vec![];
    }
    let allow = id_set(field(plugins, "allow"));
    let deny = id_set(field(plugins, "deny"));
    // `plugins.entries`: keys normalized, later keys of the same id win; only a boolean `enabled` counts.
    let mut merged: Vec<(String, Option<bool>)> = Vec::new();
    for (key, value) in field(plugins, "entries")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let k = normalize_plugin_id(key);
        if k.is_empty() {
            continue;
        }
        let own = value
            .as_object()
            .map(|o| o.get("enabled").and_then(Value::as_bool));
        match merged.iter_mut().find(|(x, _)| *x == k) {
            Some(slot) => {
                slot.1 = match own {
                    None => None, // a non-object entry resets it
                    Some(e) => e.or(slot.1),
                }
            }
            None => merged.push((k, own.flatten())),
        }
    }
    let mut by_lower: Vec<(String, Option<bool>)> = Vec::new();
    for (k, e) in merged {
        let l = js_trim(&k).to_lowercase();
        match by_lower.iter_mut().find(|(x, _)| *x == l) {
            Some(slot) => slot.1 = e,
            None => by_lower.push((l, e)),
        }
    }
    dirs.iter()
        .map(|d| js_trim(d).to_lowercase())
        .filter(|id| !id.is_empty())
        .filter(|id| !deny.contains(id))
        .filter(|id| allow.is_empty() || allow.contains(id))
        .filter(|id| !by_lower.iter().any(|(k, e)| k == id && *e == Some(false)))
        .collect()
}

/// `allow` + `alsoAllow` entries of a tools object (or a byProvider entry): trimmed, lower-case, non-empty.
fn allow_entries(v: Option<&Value>) -> Vec<String> {
    ["allow", "alsoAllow"]
        .iter()
        .filter_map(|k| field(v, k)?.as_array())
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| js_trim(s).to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn names_plugins(entries: &[String], enabled: &[String]) -> bool {
    entries
        .iter()
        .any(|e| e == "group:plugins" || enabled.contains(e))
}

fn provider_names_plugins(by_provider: Option<&Value>, enabled: &[String]) -> bool {
    by_provider.and_then(Value::as_object).is_some_and(|m| {
        m.values()
            .any(|p| names_plugins(&allow_entries(Some(p)), enabled))
    })
}

/// Position 26b.
pub fn tools_reachable(ctx: &Ctx, out: &mut Vec<Finding>) {
    let dirs = ctx.installed_plugin_dirs();
    if dirs.is_empty() {
        return;
    }
    let cfg = &ctx.cfg;
    let enabled = enabled_extension_ids(cfg, &dirs);
    if enabled.is_empty() {
        return;
    }
    let global = cfg.get("tools");
    let mut contexts: Vec<(String, Option<&str>, Option<&Value>)> =
        vec![("default".into(), None, None)];
    for (id, e) in policy::agents_with_ids(cfg) {
        contexts.push((format!("agents.list.{id}"), Some(id), e.get("tools")));
    }
    let mut permissive = Vec::new();
    for (label, id, tools) in contexts {
        let profile = field(tools, "profile").or_else(|| field(global, "profile"));
        let restrictive = policy::profile_policy(profile).is_some();
        let mode = policy::sandbox_for(cfg, id).mode;
        let stack = policy::stack(cfg, tools, id, &mode, None);
        let broad = policy::allowed(PROBE_TOOL, &stack);
        let explicit = !restrictive
            && (names_plugins(&allow_entries(global), &enabled)
                || provider_names_plugins(field(global, "byProvider"), &enabled)
                || names_plugins(&allow_entries(tools), &enabled)
                || provider_names_plugins(field(tools, "byProvider"), &enabled));
        if broad || explicit {
            permissive.push(label);
        }
    }
    if permissive.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "plugins.tools_reachable_permissive_policy",
            Severity::Warn,
            "Extension plugin tools are reachable",
            format!(
                "Enabled extension plugins: {}.\nContexts whose tool policy lets plugin tools through:{}",
                enabled.join(", "),
                permissive.iter().map(|p| format!("\n- {p}")).collect::<String>()
            ),
        )
        .fix("Set tools.profile to \"minimal\" or \"coding\", or use explicit tools.allow lists without group:plugins or plugin ids, for agents that handle untrusted input.")
        .about("plugins.tools"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    const ID: &str = "plugins.tools_reachable_permissive_policy";

    fn host(cfg: &str, dirs: &[&str]) -> Host {
        let mut h = Host::new(cfg).dir("~/.openclaw/extensions", 0o700);
        for d in dirs {
            h = h.dir(&format!("~/.openclaw/extensions/{d}"), 0o700);
        }
        h
    }

    fn fires(cfg: &str, dirs: &[&str]) -> bool {
        host(cfg, dirs).ids().iter().any(|i| i == ID)
    }

    #[test]
    fn needs_an_enabled_installed_plugin() {
        assert!(fires("{}", &["demo"]));
        assert!(!fires("{}", &[]));
        assert!(!fires(r#"{plugins: {enabled: false}}"#, &["demo"]));
        assert!(!fires(r#"{plugins: {deny: [" DEMO "]}}"#, &["demo"]));
        assert!(!fires(r#"{plugins: {allow: ["other"]}}"#, &["demo"]));
        assert!(fires(r#"{plugins: {allow: ["Demo"]}}"#, &["demo"]));
        assert!(!fires(
            r#"{plugins: {entries: {demo: {enabled: false}}}}"#,
            &["demo"]
        ));
        assert!(fires(
            r#"{plugins: {entries: {demo: {enabled: "false"}}}}"#,
            &["demo"]
        ));
        // Ignored dir names do not count.
        assert!(!fires(
            "{}",
            &["node_modules", ".hidden", "x.bak", "y.disabled"]
        ));
        // Built-in aliases: an allow entry `openai-codex` means `openai`.
        assert!(!fires(
            r#"{plugins: {allow: ["openai-codex"]}}"#,
            &["openai-codex"]
        ));
        assert!(fires(
            r#"{plugins: {allow: ["openai-codex"]}}"#,
            &["openai"]
        ));
    }

    #[test]
    fn restrictive_profiles_and_allow_lists() {
        assert!(!fires(r#"{tools: {profile: "coding"}}"#, &["demo"]));
        assert!(!fires(r#"{tools: {profile: "minimal"}}"#, &["demo"]));
        // `full` is a profile policy, but it allows everything.
        assert!(fires(r#"{tools: {profile: "full"}}"#, &["demo"]));
        assert!(!fires(r#"{tools: {allow: ["read", "exec"]}}"#, &["demo"]));
        assert!(fires(
            r#"{tools: {allow: ["read", "group:plugins"]}}"#,
            &["demo"]
        ));
        assert!(fires(r#"{tools: {allow: ["read", "DEMO"]}}"#, &["demo"]));
        assert!(fires(
            r#"{tools: {allow: ["read"], byProvider: {ollama: {allow: ["demo"]}}}}"#,
            &["demo"]
        ));
        // alsoAllow alone means everything.
        assert!(fires(r#"{tools: {alsoAllow: ["read"]}}"#, &["demo"]));
        // A restrictive profile wins over a plugin allow entry.
        assert!(!fires(
            r#"{tools: {profile: "coding", alsoAllow: ["demo"]}}"#,
            &["demo"]
        ));
        // Denying every tool leaves nothing reachable.
        assert!(!fires(r#"{tools: {deny: ["*"]}}"#, &["demo"]));
        // A permissive agent is enough.
        assert!(fires(
            r#"{tools: {profile: "coding"}, agents: {list: [{id: "a", tools: {profile: "full"}}]}}"#,
            &["demo"]
        ));
        // Sandbox all adds the sandbox allow list, which excludes the probe.
        assert!(!fires(
            r#"{agents: {defaults: {sandbox: {mode: "all"}}}}"#,
            &["demo"]
        ));
    }

    #[test]
    fn entries_merge_by_normalized_id() {
        let cfg =
            serde_json::json!({"plugins": {"entries": {"Demo": {"enabled": false}, "demo": {}}}});
        // Distinct keys, one lower-cased id: the later entry (no boolean) replaces the disabled one.
        assert_eq!(enabled_extension_ids(&cfg, &["demo"]), ["demo"]);
        let cfg =
            serde_json::json!({"plugins": {"entries": {"demo": {"enabled": false}, " demo ": {}}}});
        // Same normalized key: merged, the missing boolean keeps `false`.
        assert!(enabled_extension_ids(&cfg, &["demo"]).is_empty());
        let cfg = serde_json::json!({"plugins": {"entries": {"demo": {"enabled": false}, "DEMO": {"enabled": true}}}});
        assert_eq!(enabled_extension_ids(&cfg, &["demo"]), ["demo"]);
    }
}
