//! Tool policy: elevated tools open to everyone, and the minimal profile overridden per agent.

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{bullet_list, Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::js_trim;
use crate::config::secret_ref::js_key_order;

pub const CHECKS: &[CheckDef] = &[
    CheckDef::new(
        "tools.elevated.allowFrom.<provider>.wildcard",
        Area::Tools,
        "critical",
        false,
        "`tools.elevated.allowFrom.<provider>` contains `*` while elevated mode is on (`tools.elevated.enabled` is not \
         false): every sender on that channel may switch the agent to elevated (host) execution. List the sender ids \
         that may use elevated mode instead of `*`, or set `tools.elevated.enabled: false`.",
    ),
    CheckDef::new(
        "tools.elevated.allowFrom.<provider>.large",
        Area::Tools,
        "warn",
        false,
        "`tools.elevated.allowFrom.<provider>` lists more than 25 senders (after trimming and dropping empty entries) \
         while elevated mode is on. Every one of them can run elevated commands; a list that long is hard to review. \
         Keep elevated access to the few operators who need it.",
    ),
    CheckDef::new(
        "tools.profile_minimal_overridden",
        Area::Tools,
        "warn",
        false,
        "`tools.profile` is `minimal` globally, but some `agents.list` entries set their own `tools.profile` to \
         something broader, and the agent's profile wins. Those agents get more tools than the global setting \
         suggests. Set their `tools.profile` to `minimal` or remove the override.",
    ),
];

/// `String(v).trim()` for list entries, empties dropped.
fn stringified(list: &Value) -> Vec<String> {
    fn js_string(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "null".into(),
            Value::Array(a) => a.iter().map(js_string).collect::<Vec<_>>().join(","),
            Value::Object(_) => "[object Object]".into(),
            other => other.to_string(),
        }
    }
    match list {
        Value::Array(a) => a
            .iter()
            .map(|v| js_trim(&js_string(v)).to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// Position 6: `tools.elevated.allowFrom`, per provider in key order.
pub fn elevated(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.is_false("/tools/elevated/enabled") {
        return;
    }
    let Some(Value::Object(allow)) = ctx.get("/tools/elevated/allowFrom") else {
        return;
    };
    for provider in js_key_order(allow) {
        let entries = stringified(&allow[provider]);
        let key = format!("tools.elevated.allowFrom.{provider}");
        if entries.iter().any(|e| e == "*") {
            out.push(
                Finding::new(
                    format!("{key}.wildcard"),
                    Severity::Critical,
                    "Anyone on a channel may use elevated mode",
                    format!("{key} contains \"*\": every sender on {provider} is approved for elevated (host) execution."),
                )
                .fix(format!("Replace \"*\" in {key} with the sender ids allowed to use elevated mode, or set tools.elevated.enabled to false."))
                .about(key),
            );
        } else if entries.len() > 25 {
            out.push(
                Finding::new(
                    format!("{key}.large"),
                    Severity::Warn,
                    "Elevated-mode allowlist is long",
                    format!("{key} has {} entries (more than 25) approved for elevated (host) execution.", entries.len()),
                )
                .fix(format!("Trim {key} to the few operators who need elevated mode."))
                .about(key),
            );
        }
    }
}

/// Position 15.
pub fn profile_minimal_overridden(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.get_str("/tools/profile") != Some("minimal") {
        return;
    }
    let overrides: Vec<String> = ctx
        .get("/agents/list")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|e| {
                    let id = e.get("id")?.as_str()?;
                    let p = e.get("tools")?.get("profile")?;
                    let shown = match p {
                        Value::String(s) if !s.is_empty() && s != "minimal" => s.clone(),
                        Value::Bool(true) => "true".into(),
                        Value::Number(n) if n.as_f64() != Some(0.0) => n.to_string(),
                        Value::Array(_) | Value::Object(_) => p.to_string(),
                        _ => return None,
                    };
                    Some(format!("agents.list.{id}.tools.profile = {shown}"))
                })
                .collect()
        })
        .unwrap_or_default();
    if overrides.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "tools.profile_minimal_overridden",
            Severity::Warn,
            "Agents override the global minimal tool profile",
            format!(
                "tools.profile is \"minimal\", but these agents use their own, broader profile:\n{}",
                bullet_list(&overrides)
            ),
        )
        .fix("Set tools.profile to \"minimal\" on those agents (or remove their tools.profile) to enforce the minimal profile everywhere.")
        .about("tools.profile"),
    );
}

#[cfg(test)]
mod tests {
    use crate::audit::finding::Severity;
    use crate::audit::testkit::Host;

    fn list(n: usize) -> String {
        (0..n)
            .map(|i| format!("\"user{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn wildcard_is_critical_and_uses_the_raw_provider_key() {
        let f = Host::new(
            r#"{tools: {elevated: {allowFrom: {"Tele Gram": [" * "], signal: ["+1555"]}}}}"#,
        )
        .findings();
        let w: Vec<_> = f
            .iter()
            .filter(|f| f.check_id.starts_with("tools.elevated"))
            .collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].check_id, "tools.elevated.allowFrom.Tele Gram.wildcard");
        assert_eq!(w[0].severity, Severity::Critical);
    }

    #[test]
    fn large_boundary_is_26() {
        let at = |n: usize| {
            Host::new(&format!(
                r#"{{tools: {{elevated: {{allowFrom: {{telegram: [{}, "", "  "]}}}}}}}}"#,
                list(n)
            ))
            .ids()
        };
        assert!(at(26).contains(&"tools.elevated.allowFrom.telegram.large".into()));
        assert!(!at(25).contains(&"tools.elevated.allowFrom.telegram.large".into()));
    }

    #[test]
    fn disabled_elevated_gives_nothing() {
        let ids =
            Host::new(r#"{tools: {elevated: {enabled: false, allowFrom: {telegram: ["*"]}}}}"#)
                .ids();
        assert!(!ids.iter().any(|i| i.starts_with("tools.elevated")));
    }

    #[test]
    fn minimal_profile_overridden() {
        let ids = |cfg: &str| Host::new(cfg).ids();
        let id = "tools.profile_minimal_overridden".to_string();
        assert!(ids(r#"{tools: {profile: "minimal"}, agents: {list: [{id: "a", tools: {profile: "coding"}}]}}"#).contains(&id));
        assert!(!ids(r#"{tools: {profile: "minimal"}, agents: {list: [{id: "a", tools: {profile: "minimal"}}]}}"#).contains(&id));
        assert!(!ids(
            r#"{tools: {profile: "coding"}, agents: {list: [{id: "a", tools: {profile: "full"}}]}}"#
        )
        .contains(&id));
        assert!(!ids(
            r#"{tools: {profile: "minimal"}, agents: {list: [{tools: {profile: "full"}}]}}"#
        )
        .contains(&id));
    }
}
