//! Secrets written into the config file instead of the environment or a secret store, and the SecretRef
//! resolution OpenClaw's `security audit` runs before it audits (what lands in `cfg`, and `secretDiagnostics`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::Str;
use crate::config::secret_ref::{self, Target};
use crate::snapshot::SecretRefFact;

pub const CHECKS: &[CheckDef] = &[
    CheckDef::new(
        "config.secrets.gateway_password_in_config",
        Area::Secrets,
        "warn",
        false,
        "`gateway.auth.password` holds a password after OpenClaw resolved its SecretRefs and `${VAR}` templates, \
         so anyone who can read the config (or a copy of it: backups, support bundles) learns the gateway \
         password. A SecretRef or template that resolves counts too, as in OpenClaw 2026.5.20; only a template \
         that stays unresolved does not. Remove the key and set OPENCLAW_GATEWAY_PASSWORD in the gateway's \
         environment, or better switch to `gateway.auth.mode: \"token\"`.",
    ),
    CheckDef::new(
        "config.secrets.hooks_token_in_config",
        Area::Secrets,
        "info",
        false,
        "Webhooks are on (`hooks.enabled: true`) and `hooks.token` holds the webhook secret itself (after `${VAR}` \
         substitution), so it is only as safe as the config file's permissions and every copy of the file. Keep \
         the config at mode 600 and treat the token like an API key; rotate it if the file was ever shared.",
    ),
];

/// `${…}` after trimming (OpenClaw's `looksLikeEnvRef`).
fn looks_like_env_ref(s: &Str) -> bool {
    s.looks_like_env_template()
}

/// Position 16.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some(pw) = ctx.get_str("/gateway/auth/password").map(Str::of) {
        if !pw.is_blank() && !looks_like_env_ref(&pw) {
            out.push(
                Finding::new(
                    "config.secrets.gateway_password_in_config",
                    Severity::Warn,
                    "Gateway password is kept in the config",
                    format!(
                        "gateway.auth.password holds the gateway password itself once the config ({}) is loaded; \
                         whoever reads the file, or a backup of it, can log in to the gateway.",
                        ctx.snap.manifest.config.path
                    ),
                )
                .fix("Delete gateway.auth.password and set OPENCLAW_GATEWAY_PASSWORD in the gateway service's environment (or use gateway.auth.mode \"token\" with OPENCLAW_GATEWAY_TOKEN).")
                .about("gateway.auth.password"),
            );
        }
    }
    if ctx.is_true("/hooks/enabled") {
        if let Some(tok) = ctx.get_str("/hooks/token").map(Str::of) {
            if !tok.is_blank() && !looks_like_env_ref(&tok) {
                out.push(
                    Finding::new(
                        "config.secrets.hooks_token_in_config",
                        Severity::Info,
                        "Webhook token is kept in the config",
                        format!(
                            "hooks.enabled is true and hooks.token holds the webhook secret in {}; it is as exposed as the file.",
                            ctx.snap.manifest.config.path
                        ),
                    )
                    .about("hooks.token"),
                );
            }
        }
    }
}

// --- SecretRef resolution before the audit -------------------------------------------------------------------

/// Whether OpenClaw would resolve a ref on this surface.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Surface {
    Active,
    /// Inactive, with OpenClaw's warning text (`<path>: <reason>`).
    Inactive(String),
    /// No collector claims the path.
    Unknown,
}

fn is_record(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Object(_)))
}

/// `hasConfiguredSecretInput`: a non-blank string (a redaction marker counts) or a SecretRef.
fn configured(v: Option<&Value>, defaults: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !Str::of(s).is_blank(),
        Some(other) => secret_ref::coerce(other, defaults).is_some(),
        None => false,
    }
}

fn non_blank_str(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| !Str::of(s).is_blank())
}

fn env_set(env: &BTreeMap<String, String>, name: &str) -> bool {
    env.get(name).is_some_and(|v| !Str::of(v).is_blank())
}

/// `createGatewayCredentialPlan` restricted to what decides which gateway surfaces are active.
struct Plan<'a> {
    auth_mode: Option<&'a str>,
    env_token: bool,
    env_password: bool,
    local_token: bool,
    local_password: bool,
    remote_token: bool,
    password_can_win: bool,
    local_token_can_win: bool,
    remote_surface: Vec<&'static str>,
}

fn plan<'a>(s: &'a Value, env: &BTreeMap<String, String>) -> Plan<'a> {
    let d = s.pointer("/secrets/defaults");
    let auth_mode = s.pointer("/gateway/auth/mode").and_then(Value::as_str);
    let env_token = env_set(env, "OPENCLAW_GATEWAY_TOKEN");
    let env_password = env_set(env, "OPENCLAW_GATEWAY_PASSWORD");
    let local_token = configured(s.pointer("/gateway/auth/token"), d);
    let local_password = configured(s.pointer("/gateway/auth/password"), d);
    let remote_token = configured(s.pointer("/gateway/remote/token"), d);
    let m = auth_mode;
    let token_can_win = env_token || local_token || remote_token;
    let password_can_win = matches!(m, Some("password" | "trusted-proxy"))
        || (!matches!(m, Some("token" | "none")) && !token_can_win);
    let local_token_can_win = !matches!(m, Some("password" | "none" | "trusted-proxy"));
    let mut remote_surface = Vec::new();
    if s.pointer("/gateway/mode").and_then(Value::as_str) == Some("remote") {
        remote_surface.push("gateway.mode is \"remote\"");
    }
    if non_blank_str(s.pointer("/gateway/remote/url")) {
        remote_surface.push("gateway.remote.url is configured");
    }
    if matches!(
        s.pointer("/gateway/tailscale/mode").and_then(Value::as_str),
        Some("serve" | "funnel")
    ) {
        remote_surface.push("gateway.tailscale.mode is \"serve\" or \"funnel\"");
    }
    Plan {
        auth_mode,
        env_token,
        env_password,
        local_token,
        local_password,
        remote_token,
        password_can_win,
        local_token_can_win,
        remote_surface,
    }
}

/// `evaluateGatewayAuthSurfaceStates` for one of the four gateway paths.
fn gateway_surface(s: &Value, env: &BTreeMap<String, String>, path: &str) -> Surface {
    let p = plan(s, env);
    let m = p.auth_mode;
    let (active, reason): (bool, String) = match path {
        "gateway.auth.token" => {
            let active = p.local_token_can_win
                && !p.env_token
                && (m == Some("token") || (m.is_none() && !(p.env_password || p.local_password)));
            let reason = match m {
                Some("token") if p.env_token => "gateway token env var is configured.".into(),
                Some("token") => "gateway.auth.mode is \"token\".".into(),
                Some(x @ ("password" | "none" | "trusted-proxy")) => {
                    format!("gateway.auth.mode is \"{x}\".")
                }
                _ if p.env_token => "gateway token env var is configured.".into(),
                _ if p.env_password => "gateway password env var is configured.".into(),
                _ if p.local_password => "gateway.auth.password is configured.".into(),
                _ => "token auth can win (mode is unset and no password source is configured)."
                    .into(),
            };
            (active, reason)
        }
        "gateway.auth.password" => {
            let reason = if p.password_can_win {
                if m == Some("password") {
                    "gateway.auth.mode is \"password\".".into()
                } else {
                    "no token source can win, so password auth can win.".into()
                }
            } else if let Some(x @ ("token" | "none" | "trusted-proxy")) = m {
                format!("gateway.auth.mode is \"{x}\".")
            } else if p.env_token {
                "gateway token env var is configured.".into()
            } else if p.local_token {
                "gateway.auth.token is configured.".into()
            } else if p.remote_token {
                "gateway.remote.token is configured.".into()
            } else {
                "token auth can win.".into()
            };
            (p.password_can_win, reason)
        }
        "gateway.remote.token" => {
            let fallback = p.local_token_can_win && !p.env_token && !p.local_token;
            let reason = if !p.remote_surface.is_empty() {
                format!("remote surface is active: {}.", p.remote_surface.join("; "))
            } else if fallback {
                "local token auth can win and no env/auth token is configured.".into()
            } else if !p.local_token_can_win {
                format!(
                    "token auth cannot win with gateway.auth.mode=\"{}\".",
                    m.unwrap_or("unset")
                )
            } else if p.env_token {
                "gateway token env var is configured.".into()
            } else if p.local_token {
                "gateway.auth.token is configured.".into()
            } else {
                "remote token fallback is not active.".into()
            };
            (!p.remote_surface.is_empty() || fallback, reason)
        }
        _ => {
            let fallback = m != Some("trusted-proxy")
                && !p.env_password
                && !p.local_password
                && p.password_can_win;
            let reason = if !p.remote_surface.is_empty() {
                format!("remote surface is active: {}.", p.remote_surface.join("; "))
            } else if fallback {
                "password auth can win and no env/auth password is configured.".into()
            } else if !p.password_can_win {
                match m {
                    Some(x @ ("token" | "none" | "trusted-proxy")) => {
                        format!("password auth cannot win with gateway.auth.mode=\"{x}\".")
                    }
                    _ => "a token source can win, so password auth cannot win.".into(),
                }
            } else if p.env_password {
                "gateway password env var is configured.".into()
            } else if p.local_password {
                "gateway.auth.password is configured.".into()
            } else {
                "remote password fallback is not active.".into()
            };
            (!p.remote_surface.is_empty() || fallback, reason)
        }
    };
    if active {
        Surface::Active
    } else {
        Surface::Inactive(format!("{path}: {reason}"))
    }
}

fn enabled_flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(m)) => m.get("enabled") != Some(&Value::Bool(false)),
        _ => true,
    }
}

fn trimmed_nonempty(v: Option<&Value>) -> bool {
    non_blank_str(v)
}

/// One account of a channel surface: `(id, account, effectively enabled)`.
type Account<'a> = (&'a str, &'a serde_json::Map<String, Value>, bool);

/// `resolveChannelAccountSurface`: explicit accounts, or the channel itself as the `default` account.
fn accounts(channel: &serde_json::Map<String, Value>) -> (bool, Vec<Account<'_>>) {
    let enabled = channel.get("enabled") != Some(&Value::Bool(false));
    match channel.get("accounts") {
        Some(Value::Object(accts)) if !accts.is_empty() => (
            true,
            secret_ref::js_key_order(accts)
                .into_iter()
                .filter_map(|k| match &accts[k] {
                    Value::Object(a) => Some((
                        k.as_str(),
                        a,
                        enabled && a.get("enabled") != Some(&Value::Bool(false)),
                    )),
                    _ => None,
                })
                .collect(),
        ),
        _ => (false, vec![("default", channel, enabled)]),
    }
}

/// The channel secret contracts of the bundled plugins (irc, mattermost, telegram) for one target path.
fn channel_surface(s: &Value, t: &Target) -> Surface {
    let seg: Vec<&str> = t.segments.iter().map(String::as_str).collect();
    let Some(Value::Object(ch)) = s.get("channels").and_then(|c| c.get(seg[1])) else {
        return Surface::Unknown;
    };
    let d = s.pointer("/secrets/defaults");
    let ch_enabled = ch.get("enabled") != Some(&Value::Bool(false));
    let (explicit, accts) = accounts(ch);
    let base_active = |key: &str| {
        ch_enabled && (!explicit || accts.iter().any(|(_, a, en)| *en && !a.contains_key(key)))
    };
    let account = || -> Option<&Account> {
        if seg.get(2) != Some(&"accounts") || !explicit {
            return None;
        }
        accts.iter().find(|(id, _, _)| *id == seg[3])
    };
    let field: Vec<&str> = if seg.get(2) == Some(&"accounts") {
        seg[4..].to_vec()
    } else {
        seg[2..].to_vec()
    };
    let (active, reason) = match (seg[1], field.as_slice(), seg.get(2) == Some(&"accounts")) {
        ("telegram", ["botToken"], false) => {
            let base_file = trimmed_nonempty(ch.get("tokenFile"));
            let active = ch_enabled
                && if explicit {
                    accts.iter().any(|(_, a, en)| {
                        *en && !base_file
                            && !configured(a.get("botToken"), d)
                            && !trimmed_nonempty(a.get("tokenFile"))
                    })
                } else {
                    !base_file
                };
            (active, "no enabled Telegram surface inherits this top-level botToken (tokenFile is configured).")
        }
        ("telegram", ["botToken"], true) => {
            let Some((_, a, en)) = account() else {
                return Surface::Unknown;
            };
            (
                *en && !trimmed_nonempty(a.get("tokenFile")),
                "Telegram account is disabled or tokenFile is configured.",
            )
        }
        ("telegram", ["webhookSecret"], acct) => {
            let base_url = trimmed_nonempty(ch.get("webhookUrl"));
            let acct_url = |a: &serde_json::Map<String, Value>| {
                if a.contains_key("webhookUrl") {
                    trimmed_nonempty(a.get("webhookUrl"))
                } else {
                    base_url
                }
            };
            if acct {
                let Some((_, a, en)) = account() else {
                    return Surface::Unknown;
                };
                (
                    *en && acct_url(a),
                    "Telegram account is disabled or webhook mode is not active for this account.",
                )
            } else {
                let active = ch_enabled
                    && if explicit {
                        accts.iter().any(|(_, a, en)| {
                            *en && !a.contains_key("webhookSecret") && acct_url(a)
                        })
                    } else {
                        base_url
                    };
                (active, "no enabled Telegram webhook surface inherits this top-level webhookSecret (webhook mode is not active).")
            }
        }
        ("mattermost", ["botToken"], false) => (
            base_active("botToken"),
            "no enabled account inherits this top-level Mattermost botToken.",
        ),
        ("mattermost", ["botToken"], true) => match account() {
            Some((_, _, en)) => (*en, "Mattermost account is disabled."),
            None => return Surface::Unknown,
        },
        ("irc", ["password"], false) => (
            base_active("password"),
            "no enabled account inherits this top-level IRC password.",
        ),
        ("irc", ["password"], true) => match account() {
            Some((_, _, en)) => (*en, "IRC account is disabled."),
            None => return Surface::Unknown,
        },
        ("irc", ["nickserv", "password"], false) => (
            base_active("nickserv") && is_record(ch.get("nickserv")) && enabled_flag(ch.get("nickserv")),
            "no enabled account inherits this top-level IRC nickserv config or NickServ is disabled.",
        ),
        ("irc", ["nickserv", "password"], true) => match account() {
            Some((_, a, en)) => (
                *en && is_record(a.get("nickserv")) && enabled_flag(a.get("nickserv")),
                "IRC account is disabled or NickServ is disabled for this account.",
            ),
            None => return Surface::Unknown,
        },
        _ => return Surface::Unknown,
    };
    if active {
        Surface::Active
    } else {
        Surface::Inactive(format!("{}: {reason}", t.path))
    }
}

fn surface(s: &Value, env: &BTreeMap<String, String>, t: &Target) -> Surface {
    if t.segments[0] == "gateway" {
        gateway_surface(s, env, &t.path)
    } else {
        channel_surface(s, t)
    }
}

/// A gateway credential input as the CLI's gateway client sees it, after it resolved what it could.
#[derive(Clone, Copy, Default)]
struct Input {
    configured: bool,
    /// A usable value (trimmed, non-blank).
    value: bool,
    /// The value, when it is an unresolved `${…}` string (not usable as a credential).
    template: bool,
    /// A ref the CLI could not resolve.
    unresolved_ref: bool,
}

/// Why the CLI's call to a running gateway fails before any connection: a gateway credential it needs is a
/// SecretRef it cannot resolve (`GatewaySecretRefUnavailableError`). `None`: it would try to connect.
fn gateway_credential_error(
    s: &Value,
    refs: &BTreeMap<String, &SecretRefFact>,
    env: &BTreeMap<String, String>,
) -> Option<&'static str> {
    let d = s.pointer("/secrets/defaults");
    let input = |path: &str| -> Input {
        let v = s.pointer(&format!("/{}", path.replace('.', "/")));
        match refs.get(path) {
            Some(f) if f.status == "resolved" => Input {
                configured: true,
                value: true,
                ..Input::default()
            },
            Some(_) => Input {
                configured: true,
                unresolved_ref: true,
                ..Input::default()
            },
            None => {
                let plain = v.and_then(Value::as_str).map(Str::of);
                let value = plain.is_some_and(|p| !p.is_blank());
                Input {
                    configured: configured(v, d),
                    value,
                    template: value && plain.is_some_and(|p| p.contains_env_reference()),
                    unresolved_ref: false,
                }
            }
        }
    };
    let lt = input("gateway.auth.token");
    let lp = input("gateway.auth.password");
    let rt = input("gateway.remote.token");
    let rp = input("gateway.remote.password");
    let env_token = env_set(env, "OPENCLAW_GATEWAY_TOKEN");
    let env_password = env_set(env, "OPENCLAW_GATEWAY_PASSWORD");
    let m = s.pointer("/gateway/auth/mode").and_then(Value::as_str);
    let cred = |i: Input| i.value && !i.template;
    if s.pointer("/gateway/mode").and_then(Value::as_str) == Some("remote") {
        let token = rt.value || env_token || lt.value;
        let password = env_password || rp.value || lp.value;
        if rt.unresolved_ref && !token && !env_token && !lt.value && !password {
            return Some("gateway.remote.token");
        }
        if rp.unresolved_ref && !password && !env_password && !lp.value && !token {
            return Some("gateway.remote.password");
        }
        let local_token_can_win = !matches!(m, Some("password" | "none" | "trusted-proxy"));
        if lt.unresolved_ref
            && !token
            && !password
            && !env_token
            && !rt.value
            && local_token_can_win
        {
            return Some("gateway.auth.token");
        }
        return None;
    }
    let config_token = if lt.configured { cred(lt) } else { cred(rt) };
    let config_password = if lp.configured {
        cred(lp)
    } else if m == Some("trusted-proxy") {
        false
    } else {
        cred(rp)
    };
    let token = env_token || config_token;
    let password = env_password || config_password;
    let password_can_win = matches!(m, Some("password" | "trusted-proxy"))
        || (!matches!(m, Some("token" | "none")) && !token);
    let token_can_win = m == Some("token")
        || (!matches!(m, Some("password" | "none" | "trusted-proxy")) && !password);
    let config_first = env.get("OPENCLAW_SERVICE_KIND").map(String::as_str) == Some("gateway");
    if lt.unresolved_ref && config_first && env_token && token_can_win {
        return Some("gateway.auth.token");
    }
    if lt.unresolved_ref && !token && !env_token && token_can_win {
        return Some("gateway.auth.token");
    }
    if lp.unresolved_ref && !password && !env_password && password_can_win {
        return Some("gateway.auth.password");
    }
    None
}

/// What stands in for the running-gateway error when the CLI would have tried to connect: clawprint never
/// contacts a gateway (the reference's text names the target URL and config path of the host it ran on).
pub const OFFLINE_GATEWAY_NOTE: &str =
    "clawprint audits offline and does not ask a running gateway to resolve secrets";

/// OpenClaw's `resolveCommandSecretRefsViaGateway` for `security audit`, on a gateway that does not answer:
/// substitutes the values capture resolved into `cfg` (the reference's runtime config, `${VAR}` already
/// substituted) on the surfaces OpenClaw would resolve, removes the refs it could not resolve, and returns
/// `secretDiagnostics`.
pub fn resolve_refs(
    cfg: &mut Value,
    facts: &[SecretRefFact],
    env: &BTreeMap<String, String>,
    config_path: &str,
) -> Vec<String> {
    if facts.is_empty() {
        return Vec::new();
    }
    let source = cfg.clone();
    let by_path: BTreeMap<String, &SecretRefFact> =
        facts.iter().map(|f| (f.path.clone(), f)).collect();
    let targets: Vec<(Target, &SecretRefFact, Surface)> = secret_ref::discover(&source)
        .into_iter()
        .filter_map(|t| {
            let f = *by_path.get(&t.path)?;
            let s = surface(&source, env, &t);
            Some((t, f, s))
        })
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let mut diags: Vec<String> = Vec::new();
    let mut has_active = false;
    let mut has_unknown = false;
    for (_, _, s) in &targets {
        match s {
            Surface::Active => has_active = true,
            Surface::Inactive(w) => diags.push(w.clone()),
            Surface::Unknown => has_unknown = true,
        }
    }
    if !has_active && !has_unknown {
        return dedupe(diags);
    }
    // The gateway call fails; local resolution.
    for (t, f, s) in &targets {
        if *s != Surface::Active {
            continue;
        }
        match (f.status.as_str(), &f.value) {
            ("resolved", Some(v)) => {
                secret_ref::set_path(cfg, &t.segments, Some(Value::String(v.clone())))
            }
            _ => diags.push(format!(
                "security audit: failed to resolve {} locally ({}).",
                t.path,
                f.message.as_deref().unwrap_or("no value")
            )),
        }
    }
    let mut resolved_any = false;
    let mut unresolved_any = false;
    for (t, _, s) in &targets {
        let now = cfg.pointer(&pointer(&t.segments));
        if non_blank_str(now) {
            resolved_any = true;
        } else if matches!(s, Surface::Inactive(_)) {
            // Left as it is; OpenClaw's note about it is filtered out.
        } else {
            unresolved_any = true;
            secret_ref::set_path(cfg, &t.segments, None);
            diags.push(format!(
                "security audit: {} is unavailable in this command path; continuing with degraded read-only config.",
                t.path
            ));
        }
    }
    let error = match gateway_credential_error(&source, &by_path, env) {
        Some(path) => format!(
            "{path} is configured as a secret reference but is unavailable in this command path.\n\
             Fix: set OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD, pass explicit --token/--password,\n\
             or run a gateway command path that resolves secret references before credential selection."
        ),
        None if source.pointer("/gateway/mode").and_then(Value::as_str) == Some("remote")
            && !non_blank_str(source.pointer("/gateway/remote/url")) =>
        {
            format!(
                "gateway remote mode misconfigured: gateway.remote.url missing\nConfig: {config_path}\n\
                 Fix: set gateway.remote.url, or set gateway.mode=local."
            )
        }
        None => OFFLINE_GATEWAY_NOTE.to_string(),
    };
    let fallback = if resolved_any && !unresolved_any {
        "resolved command secrets locally."
    } else {
        "attempted local command-secret resolution."
    };
    diags.push(format!(
        "security audit: gateway secrets.resolve unavailable ({error}); {fallback}"
    ));
    dedupe(diags)
}

fn pointer(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn dedupe(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .map(|s| crate::config::secret::js_trim(&s).to_string())
        .filter(|s| !s.is_empty() && seen.insert(s.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::finding::Severity;
    use crate::audit::testkit::Host;
    use serde_json::json;

    fn fact(path: &str, status: &str, value: Option<&str>, message: Option<&str>) -> SecretRefFact {
        SecretRefFact {
            path: path.into(),
            source: "env".into(),
            provider: "default".into(),
            id: "X".into(),
            inline: false,
            status: status.into(),
            value: value.map(String::from),
            message: message.map(String::from),
        }
    }

    fn env_ref() -> Value {
        json!({"source": "env", "provider": "default", "id": "X"})
    }

    #[test]
    fn password_in_config_fires_on_the_resolved_value() {
        let f = Host::new(r#"{gateway: {auth: {password: "hunter2"}}}"#).findings();
        let p = f
            .iter()
            .find(|f| f.check_id == "config.secrets.gateway_password_in_config")
            .unwrap();
        assert_eq!(p.severity, Severity::Warn);
        // An unresolved template or a blank value does not fire; a resolved template does.
        assert!(!Host::new(r#"{gateway: {auth: {password: "${NOPE}"}}}"#)
            .ids()
            .contains(&"config.secrets.gateway_password_in_config".into()));
        assert!(!Host::new(r#"{gateway: {auth: {password: "  "}}}"#)
            .ids()
            .contains(&"config.secrets.gateway_password_in_config".into()));
        assert!(Host::new(r#"{gateway: {auth: {password: "${PW}"}}}"#)
            .dotenv("PW", "pw-value")
            .ids()
            .contains(&"config.secrets.gateway_password_in_config".into()));
    }

    #[test]
    fn hooks_token_in_config_needs_hooks_enabled() {
        let on = Host::new(r#"{hooks: {enabled: true, token: "hook-token-0123456789abcdef"}}"#)
            .findings();
        let f = on
            .iter()
            .find(|f| f.check_id == "config.secrets.hooks_token_in_config")
            .unwrap();
        assert_eq!(f.severity, Severity::Info);
        assert!(
            !Host::new(r#"{hooks: {token: "hook-token-0123456789abcdef"}}"#)
                .ids()
                .contains(&"config.secrets.hooks_token_in_config".into())
        );
        assert!(
            !Host::new(r#"{hooks: {enabled: true, token: "${HOOKS_TOKEN}"}}"#)
                .ids()
                .contains(&"config.secrets.hooks_token_in_config".into())
        );
    }

    #[test]
    fn resolved_token_ref_lands_in_cfg() {
        let mut cfg = json!({"gateway": {"auth": {"token": env_ref()}}});
        let facts = [fact("gateway.auth.token", "resolved", Some("tok"), None)];
        let d = resolve_refs(&mut cfg, &facts, &BTreeMap::new(), "/c.json");
        assert_eq!(cfg["gateway"]["auth"]["token"], "tok");
        assert_eq!(
            d,
            [format!(
                "security audit: gateway secrets.resolve unavailable ({OFFLINE_GATEWAY_NOTE}); resolved command secrets locally."
            )]
        );
    }

    #[test]
    fn unresolved_token_ref_is_scrubbed_with_the_reference_diagnostics() {
        let mut cfg = json!({"gateway": {"auth": {"token": env_ref()}}});
        let msg = "Environment variable \"X\" is missing or empty.";
        let facts = [fact("gateway.auth.token", "unresolved", None, Some(msg))];
        let d = resolve_refs(&mut cfg, &facts, &BTreeMap::new(), "/c.json");
        assert_eq!(cfg, json!({"gateway": {"auth": {}}}));
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0],
            format!("security audit: failed to resolve gateway.auth.token locally ({msg}).")
        );
        assert!(d[1].ends_with(
            "is unavailable in this command path; continuing with degraded read-only config."
        ));
        assert!(d[2].starts_with("security audit: gateway secrets.resolve unavailable (gateway.auth.token is configured as a secret reference"));
        assert!(d[2].ends_with("; attempted local command-secret resolution."));
    }

    #[test]
    fn unresolved_template_stays_and_counts_as_resolved() {
        let mut cfg = json!({"gateway": {"auth": {"token": "${MISSING}"}}});
        let msg = "Environment variable \"MISSING\" is missing or empty.";
        let mut f = fact("gateway.auth.token", "unresolved", None, Some(msg));
        f.inline = true;
        let d = resolve_refs(&mut cfg, &[f], &BTreeMap::new(), "/c.json");
        assert_eq!(cfg["gateway"]["auth"]["token"], "${MISSING}");
        assert_eq!(d.len(), 2);
        assert!(d[1].ends_with("; resolved command secrets locally."));
    }

    #[test]
    fn inactive_surface_only_warns() {
        let mut cfg =
            json!({"gateway": {"auth": {"mode": "token", "token": "t", "password": env_ref()}}});
        let facts = [fact("gateway.auth.password", "resolved", Some("pw"), None)];
        let before = cfg.clone();
        let d = resolve_refs(&mut cfg, &facts, &BTreeMap::new(), "/c.json");
        assert_eq!(cfg, before);
        assert_eq!(
            d,
            ["gateway.auth.password: gateway.auth.mode is \"token\"."]
        );
    }

    #[test]
    fn telegram_surfaces() {
        let s = json!({"channels": {"telegram": {"botToken": env_ref(), "tokenFile": "/t",
            "accounts": {"a": {"botToken": env_ref()}, "b": {"enabled": false, "botToken": env_ref()}}}}});
        let states: Vec<(String, Surface)> = secret_ref::discover(&s)
            .iter()
            .map(|t| (t.path.clone(), surface(&s, &BTreeMap::new(), t)))
            .collect();
        assert_eq!(
            states[0],
            (
                "channels.telegram.accounts.a.botToken".into(),
                Surface::Active
            )
        );
        assert!(
            matches!(&states[1].1, Surface::Inactive(m) if m.ends_with("Telegram account is disabled or tokenFile is configured."))
        );
        assert!(
            matches!(&states[2].1, Surface::Inactive(m) if m.contains("tokenFile is configured"))
        );
    }

    #[test]
    fn remote_token_surface_follows_the_credential_plan() {
        let env = BTreeMap::new();
        let s = json!({"gateway": {"remote": {"token": env_ref()}}});
        assert_eq!(
            gateway_surface(&s, &env, "gateway.remote.token"),
            Surface::Active
        );
        let s = json!({"gateway": {"auth": {"token": "t"}, "remote": {"token": env_ref()}}});
        assert_eq!(
            gateway_surface(&s, &env, "gateway.remote.token"),
            Surface::Inactive("gateway.remote.token: gateway.auth.token is configured.".into())
        );
    }
}
