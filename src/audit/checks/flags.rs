//! `config.insecure_or_dangerous_flags`: one finding per enabled break-glass flag (catalogue §10.2).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret_ref::js_key_order;

pub const CHECKS: &[CheckDef] = &[CheckDef::new(
    "config.insecure_or_dangerous_flags",
    Area::Config,
    "warn (one finding per enabled flag)",
    false,
    "A break-glass setting is on: `gateway.controlUi.allowInsecureAuth`, `dangerouslyAllowHostHeaderOriginFallback` or \
     `dangerouslyDisableDeviceAuth`; `hooks.gmail.allowUnsafeExternalContent` or a hook mapping's \
     `allowUnsafeExternalContent`; `tools.exec.applyPatch.workspaceOnly: false`; configured \
     `security.audit.suppressions`; `hooks.allowRequestSessionKey`; `browser.ssrfPolicy.dangerouslyAllowPrivateNetwork`; \
     `tools.fs.workspaceOnly: false`; a sandbox docker `dangerouslyAllow…` switch (defaults or per agent); or a flag an \
     installed plugin's manifest declares dangerous (`configContracts.dangerousFlags`) set in its \
     `plugins.entries.<id>.config`. Each weakens a default protection; turn it off once the debugging or migration it \
     was enabled for is over, and keep such hosts on trusted networks meanwhile.",
)];

const DOCKER_FLAGS: &[&str] = &[
    "dangerouslyAllowReservedContainerTargets",
    "dangerouslyAllowExternalBindSources",
    "dangerouslyAllowContainerNamespaceJoin",
];

/// The enabled flags, rendered as the reference names them (`<key>=<value>`), in its order.
pub fn enabled_flags(ctx: &Ctx) -> Vec<String> {
    let mut out = Vec::new();
    let mut flag = |on: bool, name: &str| {
        if on {
            out.push(name.to_string());
        }
    };
    flag(
        ctx.is_true("/gateway/controlUi/allowInsecureAuth"),
        "gateway.controlUi.allowInsecureAuth=true",
    );
    flag(
        ctx.is_true("/gateway/controlUi/dangerouslyAllowHostHeaderOriginFallback"),
        "gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true",
    );
    flag(
        ctx.is_true("/gateway/controlUi/dangerouslyDisableDeviceAuth"),
        "gateway.controlUi.dangerouslyDisableDeviceAuth=true",
    );
    flag(
        ctx.is_true("/hooks/gmail/allowUnsafeExternalContent"),
        "hooks.gmail.allowUnsafeExternalContent=true",
    );
    if let Some(mappings) = ctx.get("/hooks/mappings").and_then(Value::as_array) {
        for (i, m) in mappings.iter().enumerate() {
            if m.get("allowUnsafeExternalContent") == Some(&Value::Bool(true)) {
                out.push(format!(
                    "hooks.mappings[{i}].allowUnsafeExternalContent=true"
                ));
            }
        }
    }
    if ctx.is_false("/tools/exec/applyPatch/workspaceOnly") {
        out.push("tools.exec.applyPatch.workspaceOnly=false".into());
    }
    let suppressions = match ctx.get("/security/audit/suppressions") {
        Some(Value::Array(a)) => a.len(),
        Some(Value::String(s)) => s.encode_utf16().count(),
        _ => 0,
    };
    if suppressions > 0 {
        out.push(format!(
            "security.audit.suppressions configured ({suppressions})"
        ));
    }
    if ctx.is_true("/hooks/allowRequestSessionKey") {
        out.push("hooks.allowRequestSessionKey=true".into());
    }
    if ctx.is_true("/browser/ssrfPolicy/dangerouslyAllowPrivateNetwork") {
        out.push("browser.ssrfPolicy.dangerouslyAllowPrivateNetwork=true".into());
    }
    if ctx.is_false("/tools/fs/workspaceOnly") {
        out.push("tools.fs.workspaceOnly=false".into());
    }
    let mut docker = |d: Option<&Value>, prefix: &str| {
        if let Some(Value::Object(d)) = d {
            for k in DOCKER_FLAGS {
                if d.get(*k) == Some(&Value::Bool(true)) {
                    out.push(format!("{prefix}.{k}=true"));
                }
            }
        }
    };
    docker(
        ctx.get("/agents/defaults/sandbox/docker"),
        "agents.defaults.sandbox.docker",
    );
    if let Some(list) = ctx.get("/agents/list").and_then(Value::as_array) {
        for (i, agent) in list.iter().enumerate() {
            let seg = match agent.get("id").and_then(Value::as_str) {
                Some(id) if !id.is_empty() => format!(
                    "agents.list[id={}]",
                    serde_json::to_string(id).unwrap_or_default()
                ),
                _ => format!("agents.list[{i}]"),
            };
            docker(
                agent.get("sandbox").and_then(|s| s.get("docker")),
                &format!("{seg}.sandbox.docker"),
            );
        }
    }
    out.extend(plugin_flags(ctx));
    out
}

/// Flags that installed plugins declare dangerous in their manifest (`openclaw.plugin.json`:
/// `configContracts.dangerousFlags: [{path, equals}]`), for plugins listed in `plugins.entries` whose `config` holds
/// the declared value. Only plugins under `<stateDir>/extensions` whose manifest content the snapshot holds can be
/// judged; no bundled 2026.5.20 plugin declares any.
fn plugin_flags(ctx: &Ctx) -> Vec<String> {
    let Some(Value::Object(entries)) = ctx.get("/plugins/entries") else {
        return Vec::new();
    };
    let dir = format!("{}/extensions", ctx.host().state_dir);
    let mut out: Vec<String> = Vec::new();
    for name in ctx.installed_plugin_dirs() {
        let Some(manifest) = ctx.json_file(&format!("{dir}/{name}/openclaw.plugin.json")) else {
            continue;
        };
        let Some(id) = manifest.get("id").and_then(Value::as_str) else {
            continue;
        };
        if !entries.contains_key(id) {
            continue;
        }
        let Some(flags) = manifest
            .pointer("/configContracts/dangerousFlags")
            .and_then(Value::as_array)
        else {
            continue;
        };
        let Some(config @ Value::Object(_)) = entries[id].get("config") else {
            continue;
        };
        for f in flags {
            let (Some(path), Some(equals)) =
                (f.get("path").and_then(Value::as_str), f.get("equals"))
            else {
                continue;
            };
            for (p, v) in contract_matches(config, path) {
                if v != equals {
                    continue;
                }
                let rendered = format!("plugins.entries.{id}.config.{p}={}", render(equals));
                if !out.contains(&rendered) {
                    out.push(rendered);
                }
            }
        }
    }
    out
}

/// `String(value)` for the JSON values a flag can compare with.
fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Array(a) => a.iter().map(render).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
        other => other.to_string(),
    }
}

/// `collectPluginConfigContractMatches`: dotted pattern with `*` over object keys and array items.
fn contract_matches<'a>(root: &'a Value, pattern: &str) -> Vec<(String, &'a Value)> {
    let segs: Vec<&str> = pattern
        .split('.')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if segs.is_empty() {
        return Vec::new();
    }
    let mut states: Vec<(Vec<String>, &Value)> = vec![(Vec::new(), root)];
    for seg in segs {
        let mut next = Vec::new();
        for (path, v) in states {
            match (seg, v) {
                ("*", Value::Array(a)) => {
                    for (i, item) in a.iter().enumerate() {
                        next.push((push(&path, &i.to_string()), item));
                    }
                }
                ("*", Value::Object(m)) => {
                    for k in js_key_order(m) {
                        next.push((push(&path, k), &m[k]));
                    }
                }
                (_, Value::Array(a)) => {
                    let canonical = seg == "0"
                        || (!seg.starts_with('0') && seg.bytes().all(|b| b.is_ascii_digit()));
                    if let Some(i) = seg
                        .parse::<usize>()
                        .ok()
                        .filter(|i| canonical && *i < a.len())
                    {
                        next.push((push(&path, seg), &a[i]));
                    }
                }
                (_, Value::Object(m)) => {
                    if let Some(item) = m.get(seg) {
                        next.push((push(&path, seg), item));
                    }
                }
                _ => {}
            }
        }
        states = next;
        if states.is_empty() {
            break;
        }
    }
    states
        .into_iter()
        .map(|(segments, v)| {
            let mut p = String::new();
            for s in segments {
                if p.is_empty() {
                    p = s;
                } else if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
                    p = format!("{p}[{s}]");
                } else {
                    p = format!("{p}.{s}");
                }
            }
            (p, v)
        })
        .collect()
}

fn push(path: &[String], seg: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(seg.to_string());
    p
}

/// Called by the gateway collector at its place in the row order.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    for flag in enabled_flags(ctx) {
        let key = flag.split(['=', ' ']).next().unwrap_or(&flag).to_string();
        out.push(
            Finding::new(
                "config.insecure_or_dangerous_flags",
                Severity::Warn,
                "Break-glass config flag is on",
                format!("Enabled: {flag}. It switches off a default protection."),
            )
            .fix(format!(
                "Turn {key} back off once the debugging it was enabled for is done; until then keep the gateway on a trusted, local-only network."
            ))
            .about(key),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::testkit::Host;

    fn flags(cfg: &str) -> Vec<String> {
        Host::new(cfg)
            .findings()
            .into_iter()
            .filter(|f| f.check_id == "config.insecure_or_dangerous_flags")
            .map(|f| f.detail)
            .collect()
    }

    #[test]
    fn one_finding_per_flag_in_reference_order() {
        let d = flags(
            r#"{
            agents: {defaults: {sandbox: {docker: {dangerouslyAllowExternalBindSources: true}}},
                     list: [{id: "ops", sandbox: {docker: {dangerouslyAllowContainerNamespaceJoin: true,
                                                            dangerouslyAllowReservedContainerTargets: true}}},
                            {sandbox: {docker: {dangerouslyAllowExternalBindSources: true}}}]},
            tools: {fs: {workspaceOnly: false}, exec: {applyPatch: {workspaceOnly: false}}},
            browser: {ssrfPolicy: {dangerouslyAllowPrivateNetwork: true}},
            hooks: {allowRequestSessionKey: true, gmail: {allowUnsafeExternalContent: true},
                    mappings: [{}, {allowUnsafeExternalContent: true}]},
            security: {audit: {suppressions: [{checkId: "x"}, {checkId: "y"}]}},
            gateway: {controlUi: {dangerouslyDisableDeviceAuth: true, allowInsecureAuth: true}}
        }"#,
        );
        let names: Vec<&str> = d
            .iter()
            .map(|d| {
                d.trim_start_matches("Enabled: ")
                    .split(". It")
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            names,
            [
                "gateway.controlUi.allowInsecureAuth=true",
                "gateway.controlUi.dangerouslyDisableDeviceAuth=true",
                "hooks.gmail.allowUnsafeExternalContent=true",
                "hooks.mappings[1].allowUnsafeExternalContent=true",
                "tools.exec.applyPatch.workspaceOnly=false",
                "security.audit.suppressions configured (2)",
                "hooks.allowRequestSessionKey=true",
                "browser.ssrfPolicy.dangerouslyAllowPrivateNetwork=true",
                "tools.fs.workspaceOnly=false",
                "agents.defaults.sandbox.docker.dangerouslyAllowExternalBindSources=true",
                "agents.list[id=\"ops\"].sandbox.docker.dangerouslyAllowReservedContainerTargets=true",
                "agents.list[id=\"ops\"].sandbox.docker.dangerouslyAllowContainerNamespaceJoin=true",
                "agents.list[1].sandbox.docker.dangerouslyAllowExternalBindSources=true",
            ]
        );
    }

    #[test]
    fn defaults_and_safe_values_give_nothing() {
        assert!(flags(
            r#"{tools: {fs: {workspaceOnly: true}, exec: {applyPatch: {workspaceOnly: true}}},
               security: {audit: {suppressions: []}}, hooks: {allowRequestSessionKey: false}}"#
        )
        .is_empty());
    }

    #[test]
    fn contract_paths_render_like_the_reference() {
        let cfg = serde_json::json!({"a": {"list": [{"on": true}, {"on": false}]}, "b": true});
        let m = super::contract_matches(&cfg, "a.list.*.on");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0, "a.list[0].on");
        assert_eq!(super::contract_matches(&cfg, "b")[0].0, "b");
    }
}
