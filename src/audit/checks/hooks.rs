//! Webhooks hardening (`hooks.*` when `hooks.enabled` is true) and hook install records.
//!
//! The hardening rows read the resolved config. The hooks token is a secret: it is measured and compared only
//! through [`Str`], so a redacted snapshot gives the same findings as the raw host. Install records come from the
//! config (`hooks.internal.installs`, 2026.5.20) or, on hosts with a state DB, from its `hook_installs` facts.

use serde_json::{Map, Value};

use crate::audit::checks::gateway::Gateway;
use crate::audit::checks::plugins::{is_pinned_spec, recorded_version};
use crate::audit::context::Ctx;
use crate::audit::finding::{bullet_list, Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::paths::{config_npm_hook_installs, hook_package_json};
use crate::config::secret::{js_trim, Str};

const HOOKS: Family = Family(Area::Hooks);

pub const CHECKS: &[CheckDef] = &[
    HOOKS.check("hooks.token_too_short", "warn",
        "Webhooks are on (`hooks.enabled: true`) and `hooks.token`, trimmed, is shorter than 24 characters. Whoever holds the hooks token can trigger agent runs over HTTP, and a short token can be guessed. Set `hooks.token` to at least 32 random characters, e.g. the output of `openssl rand -hex 32`."),
    HOOKS.check("hooks.token_reuse_gateway_token", "critical",
        "Webhooks are on and `hooks.token` equals the gateway token (`gateway.auth.token` when auth mode is `token`, else OPENCLAW_GATEWAY_TOKEN). Hook senders (third-party services, scripts) then hold full gateway credentials, and leaking one leaks the other. Give `hooks.token` its own random value (`openssl rand -hex 32`). Gateway passwords are not compared."),
    HOOKS.check("hooks.path_root", "critical",
        "Webhooks are on and `hooks.path` is `/`: the hook endpoint sits at the root of the gateway's HTTP server and shadows every other route. Set `hooks.path` to a dedicated prefix such as `/hooks`."),
    HOOKS.check("hooks.default_session_key_unset", "warn",
        "Webhooks are on and `hooks.defaultSessionKey` is empty or unset, so each hook-triggered run without an explicit session key lands in a fresh, generated session that is hard to audit and contain. Set `hooks.defaultSessionKey`, e.g. `\"hook:ingress\"`."),
    HOOKS.check("hooks.allowed_agent_ids_unrestricted", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)",
        "Webhooks are on and `hooks.allowedAgentIds` is unset (not a list) or contains `\"*\"`, so any holder of the hooks token can route a run to any configured agent, including ones with powerful tools. List the agents hooks may use in `hooks.allowedAgentIds`, or set it to `[]` to forbid explicit agent routing."),
    HOOKS.check("hooks.request_session_key_enabled", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)",
        "Webhooks are on and `hooks.allowRequestSessionKey` is true: callers of `/hooks/agent` choose the session their message goes to, so a hook token holder can write into any session, including the operator's main one. Set `hooks.allowRequestSessionKey` to false, or restrict it with `hooks.allowedSessionKeyPrefixes`."),
    HOOKS.check("hooks.request_session_key_prefixes_missing", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)",
        "`hooks.allowRequestSessionKey` is true and `hooks.allowedSessionKeyPrefixes` has no non-blank entry, so request payloads can name session keys of any shape. Set `hooks.allowedSessionKeyPrefixes`, e.g. `[\"hook:\"]`, or turn request session keys off."),
    HOOKS.check("hooks.installs_unpinned_npm_specs", "warn",
        "A hook installed from npm (an install record in `hooks.internal.installs` with `source: \"npm\"`) was installed from a spec without an exact version (`@scope/pkg`, `pkg@latest`, `pkg@^1`), so a reinstall or update can pull code nobody reviewed. Reinstall the hook from an exact version, e.g. `@scope/pkg@1.2.3`. Checked whether or not webhooks are enabled."),
    HOOKS.check("hooks.installs_missing_integrity", "warn",
        "An npm hook install record has no `integrity` hash, so the installed package cannot be checked against what the registry served. Reinstall or update the hook (`openclaw hooks update --all`) so the record gets its integrity."),
    HOOKS.check("hooks.installs_version_drift", "warn",
        "An npm hook install record's version (`resolvedVersion`, else `version`) differs from the `version` in the installed package's `package.json` (at `installPath`, else `<stateDir>/hooks/<id>`): the code on disk is not what was recorded at install time. Run `openclaw hooks update --all` or reinstall the hook, and find out who changed the package."),
];

/// A non-blank string setting, trimmed (non-strings count as unset).
fn trimmed<'a>(ctx: &'a Ctx, pointer: &str) -> Option<&'a str> {
    ctx.get_str(pointer).map(js_trim).filter(|s| !s.is_empty())
}

/// Position 8: the webhook hardening rows, in the reference's order.
pub fn hardening(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if !ctx.is_true("/hooks/enabled") {
        return;
    }
    let token = ctx
        .get_str("/hooks/token")
        .map(Str::of)
        .filter(|t| !t.is_blank());
    let exposed = gw.remotely_exposed();
    let exposure = if !gw.loopback() {
        format!(
            "The gateway is reachable from the network (gateway.bind \"{}\"), which makes this critical",
            gw.bind
        )
    } else if exposed {
        format!(
            "Tailscale {0} publishes the gateway (gateway.tailscale.mode \"{0}\"), which makes this critical",
            gw.tailscale
        )
    } else {
        "The gateway listens on loopback only".to_string()
    };

    if let Some(t) = token {
        let len = t.trim_len();
        if len < 24 {
            out.push(
                Finding::new(
                    "hooks.token_too_short",
                    Severity::Warn,
                    "Webhook token is short",
                    format!("hooks.token has {len} characters; fewer than 24 can be guessed by anyone who can reach the hook endpoint."),
                )
                .fix("Set hooks.token to 32+ random characters (openssl rand -hex 32) and update the services that call the hooks.")
                .about("hooks.token"),
            );
        }
    }

    // The gateway token the reference compares with: the resolved token in token mode, else the env token.
    let gateway_token = if gw.mode == "token" {
        gw.token
    } else {
        ctx.env_value("OPENCLAW_GATEWAY_TOKEN")
    };
    if let (Some(t), Some(g)) = (token, gateway_token) {
        if t.trimmed_eq(&g) {
            out.push(
                Finding::new(
                    "hooks.token_reuse_gateway_token",
                    Severity::Critical,
                    "Webhook token is the gateway token",
                    "hooks.token has the same value as the gateway token: anyone who can send hooks also holds full gateway credentials.",
                )
                .fix("Give hooks.token its own random value (openssl rand -hex 32), distinct from gateway.auth.token / OPENCLAW_GATEWAY_TOKEN.")
                .about("hooks.token"),
            );
        }
    }

    if trimmed(ctx, "/hooks/path") == Some("/") {
        out.push(
            Finding::new(
                "hooks.path_root",
                Severity::Critical,
                "Webhooks are mounted at the root path",
                "hooks.path is \"/\": the hook endpoint shadows every other HTTP route of the gateway.",
            )
            .fix("Set hooks.path to a dedicated prefix, e.g. \"/hooks\".")
            .about("hooks.path"),
        );
    }

    if trimmed(ctx, "/hooks/defaultSessionKey").is_none() {
        out.push(
            Finding::new(
                "hooks.default_session_key_unset",
                Severity::Warn,
                "Webhook runs have no default session",
                "hooks.defaultSessionKey is empty or unset: hook-triggered runs without a session key each get a generated session.",
            )
            .fix("Set hooks.defaultSessionKey, e.g. \"hook:ingress\".")
            .about("hooks.defaultSessionKey"),
        );
    }

    let agent_ids_unrestricted = match ctx.get("/hooks/allowedAgentIds") {
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .any(|id| js_trim(id) == "*"),
        _ => true,
    };
    if agent_ids_unrestricted {
        out.push(
            Finding::new(
                "hooks.allowed_agent_ids_unrestricted",
                Severity::warn_or_critical(exposed),
                "Webhooks may route to any agent",
                format!("hooks.allowedAgentIds is unset or contains \"*\": a hooks token holder can send work to any configured agent. {exposure}."),
            )
            .fix("Set hooks.allowedAgentIds to the agents hooks may use (e.g. [\"hooks\"]), or [] to forbid explicit agent routing.")
            .about("hooks.allowedAgentIds"),
        );
    }

    if ctx.is_true("/hooks/allowRequestSessionKey") {
        out.push(
            Finding::new(
                "hooks.request_session_key_enabled",
                Severity::warn_or_critical(exposed),
                "Webhook callers choose the session",
                format!("hooks.allowRequestSessionKey is true: /hooks/agent callers pick the session key their message is written to. {exposure}."),
            )
            .fix("Set hooks.allowRequestSessionKey to false, or limit it with hooks.allowedSessionKeyPrefixes (e.g. [\"hook:\"]).")
            .about("hooks.allowRequestSessionKey"),
        );
        let prefixes = match ctx.get("/hooks/allowedSessionKeyPrefixes") {
            Some(Value::Array(p)) => p
                .iter()
                .filter_map(Value::as_str)
                .filter(|p| !js_trim(p).is_empty())
                .count(),
            _ => 0,
        };
        if prefixes == 0 {
            out.push(
                Finding::new(
                    "hooks.request_session_key_prefixes_missing",
                    Severity::warn_or_critical(exposed),
                    "Request session keys are not limited by prefix",
                    format!("hooks.allowRequestSessionKey is true and hooks.allowedSessionKeyPrefixes is unset or empty: payloads can name any session key. {exposure}."),
                )
                .fix("Set hooks.allowedSessionKeyPrefixes, e.g. [\"hook:\"], or set hooks.allowRequestSessionKey to false.")
                .about("hooks.allowedSessionKeyPrefixes"),
            );
        }
    }
}

/// One npm hook install record, as the checks read it.
#[derive(Debug)]
struct NpmRecord {
    id: String,
    /// `spec` when it is a string.
    spec: Option<String>,
    /// `integrity` is a non-blank string.
    has_integrity: bool,
    /// `resolvedVersion ?? version`, when a non-empty string.
    recorded_version: Option<String>,
    install_path: Option<String>,
}

fn string_field(r: &Map<String, Value>, key: &str) -> Option<String> {
    r.get(key).and_then(Value::as_str).map(String::from)
}

/// The npm hook install records: the state DB's when the host has one, else the config's
/// `hooks.internal.installs`, in record order.
fn npm_records(ctx: &Ctx) -> Vec<NpmRecord> {
    if let Some(db) = ctx.state_db() {
        return db
            .hook_installs
            .iter()
            .filter(|r| r.source.as_deref() == Some("npm"))
            .map(|r| NpmRecord {
                id: r.id.clone(),
                spec: r.spec.clone(),
                has_integrity: r
                    .integrity
                    .as_deref()
                    .is_some_and(|i| !js_trim(i).is_empty()),
                recorded_version: r
                    .resolved_version
                    .clone()
                    .or_else(|| r.version.clone())
                    .filter(|v| !v.is_empty()),
                install_path: r.install_path.clone(),
            })
            .collect();
    }
    config_npm_hook_installs(&ctx.cfg)
        .map(|(id, r)| NpmRecord {
            id: id.clone(),
            spec: string_field(r, "spec"),
            has_integrity: r
                .get("integrity")
                .and_then(Value::as_str)
                .is_some_and(|i| !js_trim(i).is_empty()),
            recorded_version: recorded_version(r)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(String::from),
            install_path: string_field(r, "installPath"),
        })
        .collect()
}

/// The `version` of the installed package, when OpenClaw could read its `package.json` (capture stores the
/// content only then) and it is a JSON object with a string `version`.
fn installed_version(ctx: &Ctx, rec: &NpmRecord) -> Option<String> {
    let host = ctx.host();
    let path = hook_package_json(
        rec.install_path.as_deref(),
        &host.state_dir,
        &rec.id,
        &host.cwd,
    );
    let blob = ctx.file(&path)?.blob.as_deref()?;
    let text = ctx.snap.blob_text(blob).ok()?;
    // OpenClaw parses it with JSON.parse: JSON5 extras make it unreadable.
    let doc: Value = serde_json::from_str(text).ok()?;
    doc.as_object()?.get("version")?.as_str().map(String::from)
}

/// Position 26 (after the plugin install rows): hook install records.
pub fn installs(ctx: &Ctx, out: &mut Vec<Finding>) {
    let records = npm_records(ctx);
    if records.is_empty() {
        return;
    }
    let unpinned: Vec<String> = records
        .iter()
        .filter_map(|r| {
            let spec = r.spec.as_deref()?;
            (!is_pinned_spec(spec)).then(|| format!("{} ({spec})", r.id))
        })
        .collect();
    if !unpinned.is_empty() {
        out.push(
            Finding::new(
                "hooks.installs_unpinned_npm_specs",
                Severity::Warn,
                "Hooks installed from npm without an exact version",
                format!(
                    "These npm hook install records (hooks.internal.installs) name no exact version, so an update can pull unreviewed code:\n{}",
                    bullet_list(&unpinned)
                ),
            )
            .fix("Reinstall each hook from an exact version, e.g. openclaw hooks install @scope/pkg@1.2.3.")
            .about("hooks.internal.installs"),
        );
    }
    let missing: Vec<String> = records
        .iter()
        .filter(|r| !r.has_integrity)
        .map(|r| r.id.clone())
        .collect();
    if !missing.is_empty() {
        out.push(
            Finding::new(
                "hooks.installs_missing_integrity",
                Severity::Warn,
                "Hook install records have no integrity hash",
                format!(
                    "These npm hook install records (hooks.internal.installs) have no integrity, so the installed code cannot be verified:\n{}",
                    bullet_list(&missing)
                ),
            )
            .fix("Run openclaw hooks update --all (or reinstall the hooks) to record their integrity hashes.")
            .about("hooks.internal.installs"),
        );
    }
    let drift: Vec<String> = records
        .iter()
        .filter_map(|r| {
            let recorded = r.recorded_version.as_deref()?;
            let installed = installed_version(ctx, r)?;
            (installed != recorded).then(|| {
                format!(
                    "{}: recorded {recorded}, package.json says {installed}",
                    r.id
                )
            })
        })
        .collect();
    if !drift.is_empty() {
        out.push(
            Finding::new(
                "hooks.installs_version_drift",
                Severity::Warn,
                "Installed hook packages differ from their install records",
                format!(
                    "The package.json version of these installed hooks is not the version recorded at install:\n{}",
                    bullet_list(&drift)
                ),
            )
            .fix("Run openclaw hooks update --all (or reinstall the hooks), and check who changed the installed packages.")
            .about("hooks.internal.installs"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    fn find(h: &Host, id: &str) -> Option<Finding> {
        h.findings().into_iter().find(|f| f.check_id == id)
    }

    fn sev(h: &Host, id: &str) -> Option<Severity> {
        find(h, id).map(|f| f.severity)
    }

    fn hooks_ids(h: &Host) -> Vec<String> {
        h.ids()
            .into_iter()
            .filter(|i| i.starts_with("hooks."))
            .collect()
    }

    const HARDENED: &str = r#"enabled: true, token: "hooks-token-0123456789abcdef", defaultSessionKey: "hook:ingress", allowedAgentIds: ["hooks"]"#;

    fn hooks(extra: &str) -> Host {
        Host::new(&format!("{{hooks: {{{HARDENED}{extra}}}}}"))
    }

    #[test]
    fn disabled_hooks_are_not_checked() {
        let h = Host::new(r#"{hooks: {token: "x", path: "/", allowRequestSessionKey: true}}"#);
        assert!(hooks_ids(&h).is_empty());
        let h = Host::new(r#"{hooks: {enabled: "true", token: "x"}}"#);
        assert!(hooks_ids(&h).is_empty());
    }

    #[test]
    fn hardened_hooks_give_nothing() {
        assert!(hooks_ids(&hooks("")).is_empty());
    }

    #[test]
    fn token_length_boundary() {
        let t23 = format!(
            r#"{{hooks: {{enabled: true, token: " {} ", defaultSessionKey: "k", allowedAgentIds: []}}}}"#,
            "a".repeat(23)
        );
        let t24 = t23.replace(&"a".repeat(23), &"a".repeat(24));
        assert_eq!(hooks_ids(&Host::new(&t23)), ["hooks.token_too_short"]);
        assert!(hooks_ids(&Host::new(&t24)).is_empty());
        // A blank token is no token.
        let blank = r#"{hooks: {enabled: true, token: "   ", defaultSessionKey: "k", allowedAgentIds: []}}"#;
        assert!(hooks_ids(&Host::new(blank)).is_empty());
    }

    #[test]
    fn token_reuse_of_config_and_env_gateway_tokens() {
        let tok = "shared-token-0123456789abcdef";
        let cfg = format!(
            r#"{{gateway: {{auth: {{token: "{tok}"}}}}, hooks: {{enabled: true, token: " {tok} ", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
        );
        assert_eq!(
            sev(&Host::new(&cfg), "hooks.token_reuse_gateway_token"),
            Some(Severity::Critical)
        );
        // From the environment (.env) when the config has no token.
        let cfg = format!(
            r#"{{hooks: {{enabled: true, token: "{tok}", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
        );
        let h = Host::new(&cfg).dotenv("OPENCLAW_GATEWAY_TOKEN", tok);
        assert!(find(&h, "hooks.token_reuse_gateway_token").is_some());
        // The config token wins over the env token: env equal, config different → no finding.
        let cfg2 = format!(
            r#"{{gateway: {{auth: {{token: "other-token-0123456789abcdef"}}}}, hooks: {{enabled: true, token: "{tok}", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
        );
        let h = Host::new(&cfg2).env("OPENCLAW_GATEWAY_TOKEN", tok);
        assert!(find(&h, "hooks.token_reuse_gateway_token").is_none());
        // Password mode: the password is never compared, the env token still is.
        let pw = format!(
            r#"{{gateway: {{auth: {{mode: "password", password: "{tok}"}}}}, hooks: {{enabled: true, token: "{tok}", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
        );
        assert!(find(&Host::new(&pw), "hooks.token_reuse_gateway_token").is_none());
        let pw_cfg_token = format!(
            r#"{{gateway: {{auth: {{mode: "password", password: "p-0123456789abcdefghijkl", token: "{tok}"}}}}, hooks: {{enabled: true, token: "{tok}", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
        );
        assert!(find(&Host::new(&pw_cfg_token), "hooks.token_reuse_gateway_token").is_none());
        let h = Host::new(&pw).env("OPENCLAW_GATEWAY_TOKEN", tok);
        assert!(find(&h, "hooks.token_reuse_gateway_token").is_some());
    }

    #[test]
    fn token_reuse_through_redaction_markers() {
        use crate::config::secret::Marker;
        let a = Marker::for_value("shared-token-0123456789abcdef", 1).to_string();
        let b = Marker::for_value("other-token-0123456789abcdefx", 2).to_string();
        let cfg = |h: &str| {
            format!(
                r#"{{gateway: {{auth: {{token: "{a}"}}}}, hooks: {{enabled: true, token: "{h}", defaultSessionKey: "k", allowedAgentIds: []}}}}"#
            )
        };
        assert!(find(&Host::new(&cfg(&a)), "hooks.token_reuse_gateway_token").is_some());
        assert!(find(&Host::new(&cfg(&b)), "hooks.token_reuse_gateway_token").is_none());
        let short = Marker::for_value("short-secret", 3).to_string();
        let f = find(&Host::new(&cfg(&short)), "hooks.token_too_short").unwrap();
        assert!(f.detail.contains("12 characters"));
    }

    #[test]
    fn path_root_and_session_key() {
        assert_eq!(
            sev(&hooks(r#", path: " / ""#), "hooks.path_root"),
            Some(Severity::Critical)
        );
        assert!(sev(&hooks(r#", path: "/hooks""#), "hooks.path_root").is_none());
        let h = Host::new(
            r#"{hooks: {enabled: true, token: "hooks-token-0123456789abcdef", defaultSessionKey: "  ", allowedAgentIds: []}}"#,
        );
        assert_eq!(hooks_ids(&h), ["hooks.default_session_key_unset"]);
    }

    #[test]
    fn agent_ids_wildcard_and_exposure() {
        let base =
            r#"enabled: true, token: "hooks-token-0123456789abcdef", defaultSessionKey: "k""#;
        let unset = Host::new(&format!("{{hooks: {{{base}}}}}"));
        assert_eq!(
            sev(&unset, "hooks.allowed_agent_ids_unrestricted"),
            Some(Severity::Warn)
        );
        let star = Host::new(&format!(
            r#"{{hooks: {{{base}, allowedAgentIds: ["main", " * "]}}}}"#
        ));
        assert_eq!(
            sev(&star, "hooks.allowed_agent_ids_unrestricted"),
            Some(Severity::Warn)
        );
        let empty = Host::new(&format!(r#"{{hooks: {{{base}, allowedAgentIds: []}}}}"#));
        assert!(sev(&empty, "hooks.allowed_agent_ids_unrestricted").is_none());
        for gw in [
            r#"bind: "lan""#,
            r#"bind: "tailnet""#,
            r#"tailscale: {mode: "serve"}"#,
            r#"tailscale: {mode: "funnel"}"#,
        ] {
            let h = Host::new(&format!("{{gateway: {{{gw}}}, hooks: {{{base}}}}}"));
            assert_eq!(
                sev(&h, "hooks.allowed_agent_ids_unrestricted"),
                Some(Severity::Critical),
                "{gw}"
            );
        }
        let off = Host::new(&format!(
            r#"{{gateway: {{tailscale: {{mode: "off"}}}}, hooks: {{{base}}}}}"#
        ));
        assert_eq!(
            sev(&off, "hooks.allowed_agent_ids_unrestricted"),
            Some(Severity::Warn)
        );
    }

    #[test]
    fn request_session_key_rows() {
        let h = hooks(", allowRequestSessionKey: true");
        assert_eq!(
            hooks_ids(&h),
            [
                "hooks.request_session_key_enabled",
                "hooks.request_session_key_prefixes_missing"
            ]
        );
        assert_eq!(
            sev(&h, "hooks.request_session_key_enabled"),
            Some(Severity::Warn)
        );
        // Prefixes do not downgrade the first row; blank prefixes do not count.
        let h = hooks(r#", allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"]"#);
        assert_eq!(hooks_ids(&h), ["hooks.request_session_key_enabled"]);
        let h = hooks(r#", allowRequestSessionKey: true, allowedSessionKeyPrefixes: [" "]"#);
        assert_eq!(hooks_ids(&h).len(), 2);
        let lan = Host::new(&format!(
            r#"{{gateway: {{bind: "lan"}}, hooks: {{{HARDENED}, allowRequestSessionKey: true}}}}"#
        ));
        assert_eq!(
            sev(&lan, "hooks.request_session_key_enabled"),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(&lan, "hooks.request_session_key_prefixes_missing"),
            Some(Severity::Critical)
        );
        assert!(hooks_ids(&hooks(", allowRequestSessionKey: \"true\"")).is_empty());
    }

    const INSTALLS: &str = r#"{hooks: {internal: {installs: {
        pinned: {source: "npm", spec: "@acme/pinned@1.2.3", integrity: "sha512-abc", version: "1.2.3"},
        loose: {source: "npm", spec: "@acme/loose", integrity: "  ", version: "2.0.0"},
        local: {source: "path", spec: "whatever", sourcePath: "/x"}
    }}}}"#;

    #[test]
    fn install_records_unpinned_and_missing_integrity() {
        let h = Host::new(INSTALLS);
        assert_eq!(
            hooks_ids(&h),
            [
                "hooks.installs_unpinned_npm_specs",
                "hooks.installs_missing_integrity"
            ]
        );
        let f = find(&h, "hooks.installs_unpinned_npm_specs").unwrap();
        assert!(f.detail.contains("loose (@acme/loose)") && !f.detail.contains("pinned ("));
        let f = find(&h, "hooks.installs_missing_integrity").unwrap();
        assert!(f.detail.contains("- loose") && !f.detail.contains("local"));
        // No npm record: nothing. Hooks need not be enabled for these rows.
        let h = Host::new(r#"{hooks: {internal: {installs: {a: {source: "path"}}}}}"#);
        assert!(hooks_ids(&h).is_empty());
    }

    #[test]
    fn install_record_order_is_after_plugins_and_channels_come_later() {
        let h = Host::new(INSTALLS);
        let ids = h.ids();
        let pos = ids
            .iter()
            .position(|i| i == "hooks.installs_unpinned_npm_specs")
            .unwrap();
        assert!(ids[pos + 1] == "hooks.installs_missing_integrity");
    }

    #[test]
    fn version_drift_reads_the_installed_package_json() {
        let cfg = r#"{hooks: {internal: {installs: {
            a: {source: "npm", spec: "a@1.0.0", integrity: "sha512-x", version: "1.0.0"},
            b: {source: "npm", spec: "b@1.0.0", integrity: "sha512-x", version: "1.0.0", resolvedVersion: "1.0.1", installPath: "custom/b"},
            c: {source: "npm", spec: "c@1.0.0", integrity: "sha512-x", version: "1.0.0"},
            d: {source: "npm", spec: "d@1.0.0", integrity: "sha512-x"},
            e: {source: "npm", spec: "e@1.0.0", integrity: "sha512-x", version: "3.0.0"}
        }}}}"#;
        let h = Host::new(cfg)
            .json_file(
                "~/.openclaw/hooks/a/package.json",
                r#"{"name": "a", "version": "1.0.0"}"#,
            )
            // installPath resolves against the working directory (the home in tests); resolvedVersion wins.
            .json_file("~/custom/b/package.json", r#"{"version": "1.0.0"}"#)
            .json_file(
                "~/.openclaw/hooks/c/package.json",
                r#"{"version": "2.0.0"}"#,
            )
            .json_file(
                "~/.openclaw/hooks/d/package.json",
                r#"{"version": "9.9.9"}"#,
            )
            // JSON5 is not JSON: the reference cannot read it.
            .json_file("~/.openclaw/hooks/e/package.json", "{version: '4.0.0'}");
        let f = find(&h, "hooks.installs_version_drift").unwrap();
        assert_eq!(f.severity, Severity::Warn);
        assert!(
            f.detail
                .contains("- b: recorded 1.0.1, package.json says 1.0.0"),
            "{}",
            f.detail
        );
        assert!(f
            .detail
            .contains("- c: recorded 1.0.0, package.json says 2.0.0"));
        assert!(
            !f.detail.contains("- a") && !f.detail.contains("- d") && !f.detail.contains("- e")
        );
        // Just miss: every package matches.
        let h = Host::new(cfg)
            .json_file(
                "~/.openclaw/hooks/a/package.json",
                r#"{"version": "1.0.0"}"#,
            )
            .json_file("~/custom/b/package.json", r#"{"version": "1.0.1"}"#);
        assert!(find(&h, "hooks.installs_version_drift").is_none());
    }

    #[test]
    fn state_db_records_replace_the_config() {
        use crate::capture::sqlite::{InstallRecord, StateFacts};
        let db = StateFacts {
            hook_installs: vec![InstallRecord {
                id: "from-db".into(),
                source: Some("npm".into()),
                spec: Some("from-db".into()),
                integrity: Some("sha512-x".into()),
                version: Some("1.0.0".into()),
                install_path: Some("/srv/hooks/from-db".into()),
                ..InstallRecord::default()
            }],
            ..StateFacts::default()
        };
        let h = Host::new(INSTALLS)
            .state_db(db)
            .json_file("/srv/hooks/from-db/package.json", r#"{"version": "1.1.0"}"#);
        assert_eq!(
            hooks_ids(&h),
            [
                "hooks.installs_unpinned_npm_specs",
                "hooks.installs_version_drift"
            ]
        );
        let f = find(&h, "hooks.installs_unpinned_npm_specs").unwrap();
        assert!(f.detail.contains("from-db (from-db)") && !f.detail.contains("loose"));
    }
}
