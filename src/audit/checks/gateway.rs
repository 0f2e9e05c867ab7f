//! Gateway exposure and authentication: who can reach the gateway and whether they must authenticate.

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::secret::{js_trim, Str};
use crate::config::secret_ref;

const GATEWAY: Family = Family(Area::Gateway);

pub const CHECKS: &[CheckDef] = &[
    GATEWAY.check("gateway.tools_invoke_http.dangerous_allow", "warn; critical when bind is not loopback or Tailscale funnel is on",
        "`gateway.tools.allow` re-enables, for the HTTP `/tools/invoke` endpoint, tools that OpenClaw denies there by default (exec, spawn, shell, fs_write, fs_delete, fs_move, apply_patch, sessions_spawn, sessions_send, cron, gateway, nodes). Anyone holding the gateway token can then run commands or control sessions over plain HTTP. Remove those names from `gateway.tools.allow`; if they must stay, keep the gateway on loopback and treat its token as an admin credential."),
    GATEWAY.check("gateway.bind_no_auth", "critical",
        "The gateway listens on a non-loopback address (`gateway.bind` is not `loopback`) and no shared secret (token or password) can authenticate clients, so anyone who reaches the port can drive the agent. Set `gateway.auth.token` (or OPENCLAW_GATEWAY_TOKEN) to a long random value, or bind to loopback."),
    GATEWAY.check("gateway.env_token_overrides_config", "warn",
        "OPENCLAW_GATEWAY_TOKEN is set in the environment (or `<stateDir>/.env`) while `gateway.auth.token` holds a different value or a SecretRef. Local CLI clients prefer the environment token and the gateway service prefers the config token, so commands can fail to authenticate and two secrets are in use. Keep one source: remove the variable, or set `gateway.auth.token` to `${OPENCLAW_GATEWAY_TOKEN}`."),
    GATEWAY.check("gateway.trusted_proxies_missing", "warn",
        "The gateway binds to loopback with the Control UI on and `gateway.trustedProxies` empty. If a reverse proxy forwards to it, every request appears to come from 127.0.0.1 and client addresses cannot be told apart. List the proxy addresses in `gateway.trustedProxies`, or keep the Control UI local-only."),
    GATEWAY.check("gateway.loopback_no_auth", "critical",
        "The gateway binds to loopback with the Control UI on but has no shared secret and no Tailscale identity auth. Any local process, a browser page through DNS rebinding, or a proxy in front can use it. Set `gateway.auth.token`; note that `auth.mode` `none` and `trusted-proxy` also count as unauthenticated here."),
    GATEWAY.check("gateway.control_ui.allowed_origins_required", "critical",
        "The Control UI is served on a non-loopback bind and `gateway.controlUi.allowedOrigins` is empty (and the Host-header fallback is off), so browser origins cannot be checked strictly. List the exact origins that may use the Control UI in `gateway.controlUi.allowedOrigins` (e.g. `https://control.example.com`)."),
    GATEWAY.check("gateway.control_ui.allowed_origins_wildcard", "warn; critical when bind is not loopback",
        "`gateway.controlUi.allowedOrigins` contains `*`: any web page may talk to the Control UI and WebChat websocket, which turns origin checking off. Replace `*` with the exact origins you use."),
    GATEWAY.check("gateway.control_ui.host_header_origin_fallback", "warn; critical when bind is not loopback",
        "`gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback: true` accepts the request's own Host header as an allowed origin, which weakens the Control UI's DNS-rebinding protection. Set it to false and list the real origins in `gateway.controlUi.allowedOrigins`."),
    GATEWAY.check("gateway.real_ip_fallback_enabled", "warn; critical when bind is not loopback, or with trusted-proxy auth and a trusted proxy that is not strictly loopback",
        "`gateway.allowRealIpFallback: true` trusts the X-Real-IP header when a trusted proxy sends no X-Forwarded-For. A proxy that passes a client-supplied X-Real-IP lets clients spoof their address and pass local-client checks. Leave it false unless your proxy always overwrites X-Real-IP."),
    GATEWAY.check("discovery.mdns_full_mode", "warn; critical when bind is not loopback",
        "`discovery.mdns.mode: \"full\"` announces the CLI path and SSH port in mDNS TXT records to the whole local network, revealing user names, directory layout and management ports. Use `minimal` (the default) or `off`."),
    GATEWAY.check("gateway.tailscale_funnel", "critical",
        "`gateway.tailscale.mode: \"funnel\"` publishes the gateway on the public internet through Tailscale Funnel. Use `serve` (tailnet only) or `off`; if it must stay public, keep strong token auth and rate limiting."),
    GATEWAY.check("gateway.tailscale_serve", "info",
        "`gateway.tailscale.mode: \"serve\"` makes the gateway reachable from your tailnet (it stays bound to loopback behind Tailscale). Informational: check who is on the tailnet and that the gateway requires auth."),
    GATEWAY.check("gateway.control_ui.insecure_auth", "warn",
        "`gateway.controlUi.allowInsecureAuth: true` is a legacy toggle for using the Control UI over plain HTTP. It does not switch off device identity checks, but it signals the UI is used without a secure context. Set it to false and reach the UI over HTTPS (Tailscale Serve) or localhost."),
    GATEWAY.check("gateway.control_ui.device_auth_disabled", "critical",
        "`gateway.controlUi.dangerouslyDisableDeviceAuth: true` turns off device identity checks for the Control UI, so any browser with the token is trusted as a paired device. Set it to false; use it only for a short break-glass session."),
    GATEWAY.check("gateway.token_too_short", "warn",
        "The gateway token (from `gateway.auth.token` or OPENCLAW_GATEWAY_TOKEN) is shorter than 24 characters and may be guessed. Use at least 32 random characters, e.g. `openssl rand -hex 32`."),
    GATEWAY.check("gateway.trusted_proxy_auth", "critical",
        "`gateway.auth.mode: \"trusted-proxy\"` hands authentication to a reverse proxy: the gateway believes the user header of any request that comes from an address in `gateway.trustedProxies`. Make sure the proxy authenticates every request and strips client-sent identity headers, that `gateway.trustedProxies` lists only the proxy, and that the gateway port is not reachable directly."),
    GATEWAY.check("gateway.trusted_proxy_no_proxies", "critical",
        "Trusted-proxy auth is on but `gateway.trustedProxies` is empty, so no request can authenticate (and adding a wrong entry later trusts it blindly). Set `gateway.trustedProxies` to the reverse proxy's address(es)."),
    GATEWAY.check("gateway.trusted_proxy_no_user_header", "critical",
        "Trusted-proxy auth is on but `gateway.auth.trustedProxy.userHeader` is not set, so the gateway does not know which header names the user. Set it to the header your proxy writes (e.g. `x-forwarded-user`)."),
    GATEWAY.check("gateway.trusted_proxy_allow_loopback", "warn",
        "`gateway.auth.trustedProxy.allowLoopback: true` lets requests from loopback addresses listed in `gateway.trustedProxies` authenticate with the user header, so any local process can claim to be any user. Enable it only for a same-host proxy, and keep the gateway port private to the host."),
    GATEWAY.check("gateway.trusted_proxy_no_allowlist", "warn",
        "Trusted-proxy auth is on and `gateway.auth.trustedProxy.allowUsers` is empty: every user your proxy authenticates gets full gateway access. List the users who may use the gateway in `allowUsers`."),
    GATEWAY.check("gateway.auth_no_rate_limit", "warn",
        "The gateway is reachable beyond loopback and `gateway.auth.rateLimit` is not set, so failed authentication attempts are not throttled and a token can be brute-forced. Configure `gateway.auth.rateLimit`."),
    GATEWAY.check("gateway.http.no_auth", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)",
        "`gateway.auth.mode` is `none`: the HTTP endpoints (`/tools/invoke`, and the OpenAI-compatible and admin endpoints when enabled) accept unauthenticated calls. Use `token` auth."),
    GATEWAY.check("gateway.http.session_key_override_enabled", "info",
        "The OpenAI-compatible HTTP endpoints are on (`gateway.http.endpoints.chatCompletions.enabled` or `responses.enabled`), and they let each caller pick the session through the `x-openclaw-session-key` header. Anyone holding an API credential can read or write any session; treat those credentials as fully trusted or turn the endpoints off."),
    GATEWAY.check("gateway.nodes.deny_commands_ineffective", "warn",
        "`gateway.nodes.denyCommands` matches exact node command names only. Entries that look like patterns (`*`, `?`, regex anchors, spaces, `group:`) or that name no known command block nothing. Replace them with exact command ids such as `system.run` or `camera.snap`, and remove risky commands from `gateway.nodes.allowCommands` instead."),
    GATEWAY.check("gateway.nodes.allow_commands_dangerous", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)",
        "`gateway.nodes.allowCommands` enables high-impact device commands on paired nodes (camera.snap, camera.clip, screen.record, contacts.add, calendar.add, reminders.add, sms.send, sms.search) that are not also denied. Anyone with gateway access can then photograph, record, or send messages from the devices. Remove them from `allowCommands`, or list them in `gateway.nodes.denyCommands`."),
];

/// The gateway's exposure and auth, as the reference resolves them (§5 of the catalogue).
pub struct Gateway<'a> {
    pub bind: String,
    pub tailscale: String,
    pub control_ui: bool,
    /// Resolved auth mode: explicit, else `password` when a password resolves, else `token`.
    pub mode: String,
    pub explicit_mode: Option<String>,
    pub token: Option<Str<'a>>,
    pub password: Option<Str<'a>>,
    pub allow_tailscale: bool,
    pub has_shared_secret: bool,
    pub has_gateway_auth: bool,
}

impl Gateway<'_> {
    pub fn loopback(&self) -> bool {
        self.bind == "loopback"
    }
    /// Remote exposure for hooks, HTTP and nodes: not loopback, or Tailscale serve/funnel.
    pub fn remotely_exposed(&self) -> bool {
        !self.loopback() || matches!(self.tailscale.as_str(), "serve" | "funnel")
    }
}

/// A resolved secret string: trimmed, non-blank, not an unresolved `${VAR}`, not a SecretRef object.
fn resolved_secret<'a>(ctx: &'a Ctx, path: &str) -> Option<Str<'a>> {
    let v = ctx.get(&format!("/{}", path.replace('.', "/")));
    let s = Str::of(v?.as_str()?);
    // A SecretRef string (`$VAR`, `secretref-env:VAR`; redacted in the snapshot) that was not resolved.
    let still_ref = ctx
        .snap
        .manifest
        .secret_refs
        .iter()
        .any(|f| f.path == path && f.inline && f.value.as_deref() != v.and_then(Value::as_str));
    if s.is_blank() || still_ref {
        return None;
    }
    if s.is_blank() {
        return None;
    }
    if s.contains_env_reference() {
        return None;
    }
    Some(s)
}

/// `hasConfiguredSecretInput` on the source config: a non-blank string (template or not) or a SecretRef.
fn configured(v: Option<&Value>, defaults: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !Str::of(s).is_blank(),
        Some(other) => secret_ref::coerce(other, defaults).is_some(),
        None => false,
    }
}

pub fn resolve<'a>(ctx: &'a Ctx) -> Gateway<'a> {
    let bind = ctx
        .get_str("/gateway/bind")
        .unwrap_or("loopback")
        .to_string();
    let tailscale = ctx
        .get_str("/gateway/tailscale/mode")
        .unwrap_or("off")
        .to_string();
    let control_ui = !ctx.is_false("/gateway/controlUi/enabled");
    let env_token = ctx.env_value("OPENCLAW_GATEWAY_TOKEN");
    let env_password = ctx.env_value("OPENCLAW_GATEWAY_PASSWORD");
    let token = resolved_secret(ctx, "gateway.auth.token").or(env_token);
    let password = resolved_secret(ctx, "gateway.auth.password").or(env_password);
    let explicit_mode = ctx
        .get_str("/gateway/auth/mode")
        .filter(|m| !m.is_empty())
        .map(String::from);
    let mode = explicit_mode.clone().unwrap_or_else(|| {
        if password.is_some() {
            "password".into()
        } else {
            "token".into()
        }
    });
    let allow_tailscale = match ctx.get("/gateway/auth/allowTailscale") {
        Some(Value::Bool(b)) => *b,
        _ => tailscale == "serve" && mode != "password" && mode != "trusted-proxy",
    };
    let src = &ctx.source_config;
    let d = src.pointer("/secrets/defaults");
    let token_can_win = token.is_some()
        || env_token.is_some()
        || configured(src.pointer("/gateway/auth/token"), d)
        || configured(src.pointer("/gateway/remote/token"), d);
    let em = src.pointer("/gateway/auth/mode").and_then(Value::as_str);
    let password_can_win = em == Some("password")
        || (!matches!(em, Some("token" | "none" | "trusted-proxy")) && !token_can_win);
    let password_configured = password.is_some()
        || (password_can_win
            && (env_password.is_some() || configured(src.pointer("/gateway/auth/password"), d)));
    let has_shared_secret = match em {
        Some("token") => token_can_win,
        Some("password") => password_configured,
        Some("none" | "trusted-proxy") => false,
        _ => token_can_win || password_configured,
    };
    let has_gateway_auth = has_shared_secret || (allow_tailscale && tailscale == "serve");
    Gateway {
        bind,
        tailscale,
        control_ui,
        mode,
        explicit_mode,
        token,
        password,
        allow_tailscale,
        has_shared_secret,
        has_gateway_auth,
    }
}

fn trusted_proxies_empty(ctx: &Ctx) -> bool {
    ctx.get("/gateway/trustedProxies")
        .and_then(Value::as_array)
        .is_none_or(|a| a.is_empty())
}

/// Position 3: the gateway config collector, rows in the reference's order (catalogue §6.2).
pub fn collect(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    tools_invoke_http_dangerous_allow(ctx, gw, out);
    bind_no_auth(ctx, gw, out);
    env_token_overrides_config(ctx, out);
    trusted_proxies_missing(ctx, gw, out);
    loopback_no_auth(ctx, gw, out);
    control_ui_origins(ctx, gw, out);
    real_ip_fallback(ctx, gw, out);
    mdns_full_mode(ctx, gw, out);
    tailscale_exposure(gw, out);
    control_ui_flags(ctx, out);
    crate::audit::checks::flags::collect(ctx, out);
    token_too_short(ctx, gw, out);
    trusted_proxy(ctx, gw, out);
    auth_no_rate_limit(ctx, gw, out);
}

/// Positions 9–10: the HTTP endpoints.
pub fn http(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    http_no_auth(ctx, gw, out);
    http_session_key_override(ctx, out);
}

/// Positions 13–14: node commands.
pub fn nodes(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    nodes_deny_commands_ineffective(ctx, out);
    nodes_allow_commands_dangerous(ctx, gw, out);
}

/// The `/tools/invoke` default deny list of 2026.5.20 (catalogue §10.1).
pub const HTTP_TOOL_DENY: &[&str] = &[
    "exec",
    "spawn",
    "shell",
    "fs_write",
    "fs_delete",
    "fs_move",
    "apply_patch",
    "sessions_spawn",
    "sessions_send",
    "cron",
    "gateway",
    "nodes",
];

/// Trimmed, non-empty strings of a string array (other entries skipped).
fn trimmed_strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| js_trim(s).to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

pub fn tools_invoke_http_dangerous_allow(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    let allow: Vec<String> = trimmed_strings(ctx.get("/gateway/tools/allow"))
        .into_iter()
        .map(|s| s.to_lowercase())
        .collect();
    let hits: Vec<&str> = HTTP_TOOL_DENY
        .iter()
        .copied()
        .filter(|t| allow.iter().any(|a| a == t))
        .collect();
    if hits.is_empty() {
        return;
    }
    let exposed = !gw.loopback() || gw.tailscale == "funnel";
    out.push(
        Finding::new(
            "gateway.tools_invoke_http.dangerous_allow",
            Severity::warn_or_critical(exposed),
            "HTTP /tools/invoke may call tools that are denied there by default",
            format!(
                "gateway.tools.allow lists {}, lifting the default HTTP deny for them: a caller with the gateway token can run them through POST /tools/invoke{}.",
                hits.join(", "),
                if exposed {
                    " from the network (gateway.bind is not loopback or Tailscale funnel is on)"
                } else {
                    ""
                }
            ),
        )
        .fix(format!(
            "Remove {} from gateway.tools.allow; if they must stay, keep gateway.bind \"loopback\" and treat the gateway token as an admin credential.",
            hits.join(", ")
        ))
        .about("gateway.tools.allow"),
    );
}

/// A SecretRef on a source-config path, also when the capture redacted its string form (known from the facts).
fn source_ref(ctx: &Ctx, path: &str) -> Option<(String, String)> {
    let src = &ctx.source_config;
    let v = src.pointer(&format!("/{}", path.replace('.', "/")))?;
    if let Some(r) = secret_ref::coerce(v, src.pointer("/secrets/defaults")) {
        return Some((r.source, r.id));
    }
    ctx.snap
        .manifest
        .secret_refs
        .iter()
        .find(|f| f.path == path)
        .map(|f| (f.source.clone(), f.id.clone()))
}

pub fn env_token_overrides_config(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(env_token) = ctx.env_value("OPENCLAW_GATEWAY_TOKEN") else {
        return;
    };
    if ctx.env_plain("OPENCLAW_SERVICE_KIND") == Some("gateway") {
        return;
    }
    let src = &ctx.source_config;
    if src.pointer("/gateway/mode").and_then(Value::as_str) == Some("remote") {
        return;
    }
    if matches!(
        src.pointer("/gateway/auth/mode").and_then(Value::as_str),
        Some("password" | "none" | "trusted-proxy")
    ) {
        return;
    }
    let sref = source_ref(ctx, "gateway.auth.token");
    if let Some((source, id)) = &sref {
        if source == "env" && id == "OPENCLAW_GATEWAY_TOKEN" {
            return;
        }
    }
    let config_token = match sref {
        Some(_) => None,
        None => src
            .pointer("/gateway/auth/token")
            .and_then(Value::as_str)
            .map(Str::of)
            .filter(|t| !t.is_blank()),
    };
    let what = match (&sref, config_token) {
        (None, None) => return,
        (None, Some(t)) if t.trimmed_eq(&env_token) => return,
        (Some((source, id)), _) => format!("a SecretRef ({source}:{id})"),
        (None, Some(_)) => "a different token".to_string(),
    };
    out.push(
        Finding::new(
            "gateway.env_token_overrides_config",
            Severity::Warn,
            "OPENCLAW_GATEWAY_TOKEN and gateway.auth.token disagree",
            format!(
                "OPENCLAW_GATEWAY_TOKEN is set (process environment or {}/.env) while gateway.auth.token in {} holds {what}; local CLI clients use the environment token and the gateway service the config token, so they can fail to authenticate to each other.",
                ctx.host().state_dir,
                ctx.snap.manifest.config.path
            ),
        )
        .fix("Keep one source of truth: unset OPENCLAW_GATEWAY_TOKEN (shell, ~/.openclaw/.env, service environment), or set gateway.auth.token to \"${OPENCLAW_GATEWAY_TOKEN}\".")
        .about("gateway.auth.token"),
    );
}

pub fn control_ui_origins(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    let origins = trimmed_strings(ctx.get("/gateway/controlUi/allowedOrigins"));
    let fallback = ctx.is_true("/gateway/controlUi/dangerouslyAllowHostHeaderOriginFallback");
    if !gw.loopback() && gw.control_ui && origins.is_empty() && !fallback {
        out.push(
            Finding::new(
                "gateway.control_ui.allowed_origins_required",
                Severity::Critical,
                "Control UI on a network bind has no allowed origins",
                format!(
                    "gateway.bind is \"{}\" with the Control UI on and gateway.controlUi.allowedOrigins empty: browser origins cannot be checked against an allowlist.",
                    gw.bind
                ),
            )
            .fix("Set gateway.controlUi.allowedOrigins to the exact origins that serve the Control UI, e.g. [\"https://control.example.com\"] (or set gateway.controlUi.enabled to false).")
            .about("gateway.controlUi.allowedOrigins"),
        );
    }
    if origins.iter().any(|o| o == "*") {
        out.push(
            Finding::new(
                "gateway.control_ui.allowed_origins_wildcard",
                Severity::warn_or_critical(!gw.loopback()),
                "Control UI accepts any browser origin",
                format!(
                    "gateway.controlUi.allowedOrigins contains \"*\" (gateway.bind \"{}\"): any web page may open Control UI / WebChat connections.",
                    gw.bind
                ),
            )
            .fix("Replace \"*\" in gateway.controlUi.allowedOrigins with the exact origins you use, e.g. \"https://control.example.com\".")
            .about("gateway.controlUi.allowedOrigins"),
        );
    }
    if fallback {
        out.push(
            Finding::new(
                "gateway.control_ui.host_header_origin_fallback",
                Severity::warn_or_critical(!gw.loopback()),
                "Control UI trusts the Host header as an origin",
                format!(
                    "gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback is true (gateway.bind \"{}\"): the request's own Host header passes the origin check, weakening DNS-rebinding protection.",
                    gw.bind
                ),
            )
            .fix("Set gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback to false and list the real origins in gateway.controlUi.allowedOrigins.")
            .about("gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback"),
        );
    }
}

/// A `gateway.trustedProxies` entry that is strictly loopback: `127.0.0.1`, `::1`, `127.0.0.1/32`, `::1/128`.
pub fn strict_loopback_proxy(entry: &str) -> bool {
    let c = js_trim(entry);
    if c.is_empty() {
        return false;
    }
    if !c.contains('/') {
        return c == "127.0.0.1" || c.to_lowercase() == "::1";
    }
    let mut parts = c.split('/');
    let (ip, prefix) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if ip.is_empty() || prefix.is_empty() {
        return false;
    }
    let digits: String = {
        let p = js_trim(prefix);
        let (sign, rest) = match p.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", p.strip_prefix('+').unwrap_or(p)),
        };
        format!(
            "{sign}{}",
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        )
    };
    let Ok(prefix) = digits.parse::<i64>() else {
        return false;
    };
    let ip = js_trim(ip);
    if ip.parse::<std::net::Ipv4Addr>().is_ok() {
        ip == "127.0.0.1" && prefix == 32
    } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
        prefix == 128 && ip.to_lowercase() == "::1"
    } else {
        false
    }
}

pub fn real_ip_fallback(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if !ctx.is_true("/gateway/allowRealIpFallback") {
        return;
    }
    let proxies = ctx
        .get("/gateway/trustedProxies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let non_loopback = proxies
        .iter()
        .any(|p| !p.as_str().is_some_and(strict_loopback_proxy));
    let exposed = !gw.loopback() || (gw.mode == "trusted-proxy" && non_loopback);
    out.push(
        Finding::new(
            "gateway.real_ip_fallback_enabled",
            Severity::warn_or_critical(exposed),
            "Gateway falls back to the X-Real-IP header",
            format!(
                "gateway.allowRealIpFallback is true: when a trusted proxy sends no X-Forwarded-For, the client address is taken from X-Real-IP, which a client can forge if the proxy passes it through{}.",
                if !gw.loopback() {
                    format!(" (gateway.bind \"{}\")", gw.bind)
                } else if exposed {
                    " (trusted-proxy auth with a gateway.trustedProxies entry that is not strictly loopback)".to_string()
                } else {
                    String::new()
                }
            ),
        )
        .fix("Set gateway.allowRealIpFallback to false (the default), unless your proxy always overwrites X-Real-IP and cannot send X-Forwarded-For.")
        .about("gateway.allowRealIpFallback"),
    );
}

pub fn mdns_full_mode(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if ctx.get_str("/discovery/mdns/mode") != Some("full") {
        return;
    }
    out.push(
        Finding::new(
            "discovery.mdns_full_mode",
            Severity::warn_or_critical(!gw.loopback()),
            "mDNS announces host details to the local network",
            format!(
                "discovery.mdns.mode is \"full\" (gateway.bind \"{}\"): TXT records publish the CLI path and SSH port, revealing user names, directory layout and management ports to every device on the LAN.",
                gw.bind
            ),
        )
        .fix("Set discovery.mdns.mode to \"minimal\" (the default) or \"off\".")
        .about("discovery.mdns.mode"),
    );
}

pub fn tailscale_exposure(gw: &Gateway, out: &mut Vec<Finding>) {
    match gw.tailscale.as_str() {
        "funnel" => out.push(
            Finding::new(
                "gateway.tailscale_funnel",
                Severity::Critical,
                "Gateway is published on the internet via Tailscale Funnel",
                "gateway.tailscale.mode is \"funnel\": anyone on the internet can reach the gateway; only its auth stands in the way.",
            )
            .fix("Set gateway.tailscale.mode to \"serve\" (tailnet only) or \"off\"; if it must stay public, keep token auth with gateway.auth.rateLimit.")
            .about("gateway.tailscale.mode"),
        ),
        "serve" => out.push(
            Finding::new(
                "gateway.tailscale_serve",
                Severity::Info,
                "Gateway is shared with the tailnet via Tailscale Serve",
                "gateway.tailscale.mode is \"serve\": every device on your tailnet can reach the gateway (it stays bound to loopback behind Tailscale).",
            )
            .about("gateway.tailscale.mode"),
        ),
        _ => {}
    }
}

pub fn control_ui_flags(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.is_true("/gateway/controlUi/allowInsecureAuth") {
        out.push(
            Finding::new(
                "gateway.control_ui.insecure_auth",
                Severity::Warn,
                "Control UI insecure-auth toggle is on",
                "gateway.controlUi.allowInsecureAuth is true: the Control UI is meant to be used without a secure context (plain HTTP). Device identity checks still apply; only dangerouslyDisableDeviceAuth turns them off.",
            )
            .fix("Set gateway.controlUi.allowInsecureAuth to false and open the Control UI over HTTPS (Tailscale Serve) or on localhost.")
            .about("gateway.controlUi.allowInsecureAuth"),
        );
    }
    if ctx.is_true("/gateway/controlUi/dangerouslyDisableDeviceAuth") {
        out.push(
            Finding::new(
                "gateway.control_ui.device_auth_disabled",
                Severity::Critical,
                "Control UI device identity checks are off",
                "gateway.controlUi.dangerouslyDisableDeviceAuth is true: browsers are not checked against paired device identities before they use the Control UI.",
            )
            .fix("Set gateway.controlUi.dangerouslyDisableDeviceAuth to false (use it only for a short break-glass session).")
            .about("gateway.controlUi.dangerouslyDisableDeviceAuth"),
        );
    }
}

pub fn trusted_proxy(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if gw.mode != "trusted-proxy" {
        return;
    }
    out.push(
        Finding::new(
            "gateway.trusted_proxy_auth",
            Severity::Critical,
            "Gateway authentication is delegated to a reverse proxy",
            "gateway.auth.mode is \"trusted-proxy\": any request from an address in gateway.trustedProxies is authenticated by its user header alone.",
        )
        .fix("Make sure the proxy authenticates every request and overwrites the user header, that gateway.trustedProxies lists only the proxy, and that the gateway port is firewalled from everything else.")
        .about("gateway.auth.mode"),
    );
    let proxies_empty = match ctx.get("/gateway/trustedProxies") {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if proxies_empty {
        out.push(
            Finding::new(
                "gateway.trusted_proxy_no_proxies",
                Severity::Critical,
                "Trusted-proxy auth has no trusted proxies",
                "gateway.auth.mode is \"trusted-proxy\" and gateway.trustedProxies is empty: no request can authenticate.",
            )
            .fix("Set gateway.trustedProxies to the reverse proxy's address, e.g. [\"10.0.0.5\"].")
            .about("gateway.trustedProxies"),
        );
    }
    let tp = ctx.get("/gateway/auth/trustedProxy");
    if !crate::config::paths::truthy(tp.and_then(|t| t.get("userHeader"))) {
        out.push(
            Finding::new(
                "gateway.trusted_proxy_no_user_header",
                Severity::Critical,
                "Trusted-proxy auth has no user header",
                "gateway.auth.mode is \"trusted-proxy\" but gateway.auth.trustedProxy.userHeader is not set: the gateway cannot tell which user a request is for.",
            )
            .fix("Set gateway.auth.trustedProxy.userHeader to the header your proxy writes, e.g. \"x-forwarded-user\".")
            .about("gateway.auth.trustedProxy.userHeader"),
        );
    }
    if tp.and_then(|t| t.get("allowLoopback")) == Some(&Value::Bool(true)) {
        out.push(
            Finding::new(
                "gateway.trusted_proxy_allow_loopback",
                Severity::Warn,
                "Trusted-proxy auth accepts loopback sources",
                "gateway.auth.trustedProxy.allowLoopback is true: requests from loopback addresses in gateway.trustedProxies authenticate by user header, so any local process can claim any user.",
            )
            .fix("Set gateway.auth.trustedProxy.allowLoopback to false unless a same-host proxy is the intended trust boundary; keep the gateway port private to the host.")
            .about("gateway.auth.trustedProxy.allowLoopback"),
        );
    }
    let allow_users_empty = match tp.and_then(|t| t.get("allowUsers")) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if allow_users_empty {
        out.push(
            Finding::new(
                "gateway.trusted_proxy_no_allowlist",
                Severity::Warn,
                "Trusted-proxy auth admits every proxy-authenticated user",
                "gateway.auth.trustedProxy.allowUsers is empty: any user your proxy authenticates gets full gateway access.",
            )
            .fix("List the users who may use the gateway in gateway.auth.trustedProxy.allowUsers, e.g. [\"alice@example.com\"].")
            .about("gateway.auth.trustedProxy.allowUsers"),
        );
    }
}

pub fn bind_no_auth(_ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if !gw.loopback() && !gw.has_shared_secret && gw.mode != "trusted-proxy" {
        out.push(
            Finding::new(
                "gateway.bind_no_auth",
                Severity::Critical,
                "Gateway is reachable from the network without authentication",
                format!(
                    "gateway.bind is \"{}\" and no gateway token or password is configured (auth mode: {}); anyone who can reach the gateway port can run the agent.",
                    gw.bind, gw.mode
                ),
            )
            .fix("Set gateway.auth.token to a random value of 32+ characters (openssl rand -hex 32) or OPENCLAW_GATEWAY_TOKEN, or set gateway.bind to \"loopback\".")
            .about("gateway.bind"),
        );
    }
}

pub fn trusted_proxies_missing(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if gw.loopback() && gw.control_ui && trusted_proxies_empty(ctx) {
        out.push(
            Finding::new(
                "gateway.trusted_proxies_missing",
                Severity::Warn,
                "No trusted proxies configured for a loopback gateway",
                "gateway.bind is \"loopback\" with the Control UI on and gateway.trustedProxies empty; behind a reverse proxy every client would look local.",
            )
            .fix("If a reverse proxy forwards to the gateway, list its address in gateway.trustedProxies (e.g. [\"127.0.0.1\"]); otherwise keep the Control UI reachable only locally.")
            .about("gateway.trustedProxies"),
        );
    }
}

pub fn loopback_no_auth(_ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if gw.loopback() && gw.control_ui && !gw.has_gateway_auth {
        out.push(
            Finding::new(
                "gateway.loopback_no_auth",
                Severity::Critical,
                "Local gateway accepts unauthenticated clients",
                format!(
                    "gateway.bind is \"loopback\" with the Control UI on and no shared secret (auth mode: {}); any local process, or a web page via DNS rebinding, can drive the agent.",
                    gw.mode
                ),
            )
            .fix("Set gateway.auth.token to a random value of 32+ characters (openssl rand -hex 32), or OPENCLAW_GATEWAY_TOKEN in the service environment.")
            .about("gateway.auth"),
        );
    }
}

pub fn token_too_short(_ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if gw.mode != "token" {
        return;
    }
    if let Some(t) = gw.token {
        let len = t.trim_len();
        if len > 0 && len < 24 {
            out.push(
                Finding::new(
                    "gateway.token_too_short",
                    Severity::Warn,
                    "Gateway token is short",
                    format!("The gateway token has {len} characters; fewer than 24 can be guessed."),
                )
                .fix("Replace it with 32+ random characters: openssl rand -hex 32 (in gateway.auth.token or OPENCLAW_GATEWAY_TOKEN).")
                .about("gateway.auth.token"),
            );
        }
    }
}

pub fn auth_no_rate_limit(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    let rate_limit = crate::config::paths::truthy(ctx.get("/gateway/auth/rateLimit"));
    if !gw.loopback() && gw.mode != "trusted-proxy" && !rate_limit {
        out.push(
            Finding::new(
                "gateway.auth_no_rate_limit",
                Severity::Warn,
                "Gateway auth attempts are not rate-limited",
                format!("gateway.bind is \"{}\" and gateway.auth.rateLimit is not set; failed logins are not throttled.", gw.bind),
            )
            .fix("Set gateway.auth.rateLimit (e.g. { maxAttempts: 10, windowMs: 60000 }).")
            .about("gateway.auth.rateLimit"),
        );
    }
}

/// Unauthenticated HTTP endpoints.
pub fn http_no_auth(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    if gw.mode != "none" {
        return;
    }
    let mut endpoints = vec!["/tools/invoke"];
    if ctx.is_true("/gateway/http/endpoints/chatCompletions/enabled") {
        endpoints.push("/v1/chat/completions");
    }
    if ctx.is_true("/gateway/http/endpoints/responses/enabled") {
        endpoints.push("/v1/responses");
    }
    if ctx.is_true("/plugins/entries/admin-http-rpc/enabled") {
        endpoints.push("/api/v1/admin/rpc");
    }
    let exposed = gw.remotely_exposed();
    out.push(
        Finding::new(
            "gateway.http.no_auth",
            Severity::warn_or_critical(exposed),
            "Gateway HTTP endpoints need no authentication",
            format!(
                "gateway.auth.mode is \"none\": {} accept unauthenticated requests{}.",
                endpoints.join(", "),
                if exposed { " from the network" } else { " from local processes" }
            ),
        )
        .fix("Set gateway.auth.mode to \"token\" with a random gateway.auth.token of 32+ characters.")
        .about("gateway.auth.mode"),
    );
}

/// `gateway.http.session_key_override_enabled`.
pub fn http_session_key_override(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut endpoints = Vec::new();
    if ctx.is_true("/gateway/http/endpoints/chatCompletions/enabled") {
        endpoints.push("/v1/chat/completions");
    }
    if ctx.is_true("/gateway/http/endpoints/responses/enabled") {
        endpoints.push("/v1/responses");
    }
    if endpoints.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "gateway.http.session_key_override_enabled",
            Severity::Info,
            "HTTP API callers choose their session",
            format!(
                "{} (gateway.http.endpoints) honour the x-openclaw-session-key header, so any holder of an API credential can route requests into any session.",
                endpoints.join(" and ")
            ),
        )
        .about("gateway.http.endpoints"),
    );
}

/// Node commands that act on the device or read private data (allowed only explicitly).
pub const DANGEROUS_NODE_COMMANDS: &[&str] = &[
    "camera.snap",
    "camera.clip",
    "screen.record",
    "contacts.add",
    "calendar.add",
    "reminders.add",
    "sms.send",
    "sms.search",
];

/// Default node commands of every platform in the reference's order (catalogue §10.3), before the
/// `gateway.nodes.allowCommands` entries are inserted.
const IOS_NODE_COMMANDS: &[&str] = &[
    "camera.list",
    "location.get",
    "device.info",
    "device.status",
    "contacts.search",
    "calendar.events",
    "reminders.list",
    "photos.latest",
    "motion.activity",
    "motion.pedometer",
    "system.notify",
];
const OTHER_NODE_COMMANDS: &[&str] = &[
    "notifications.list",
    "notifications.actions",
    "device.permissions",
    "device.health",
    "callLog.search",
    "system.run",
    "system.run.prepare",
    "system.which",
    "browser.proxy",
    "screen.snapshot",
    "talk.ptt.start",
    "talk.ptt.stop",
    "talk.ptt.cancel",
    "talk.ptt.once",
];

/// The node command names the gateway knows: platform defaults, `gateway.nodes.allowCommands`, dangerous ones.
pub fn known_node_commands(ctx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |c: &str| {
        if !c.is_empty() && !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    };
    IOS_NODE_COMMANDS.iter().for_each(|c| add(c));
    for c in trimmed_strings(ctx.get("/gateway/nodes/allowCommands")) {
        add(&c);
    }
    OTHER_NODE_COMMANDS.iter().for_each(|c| add(c));
    DANGEROUS_NODE_COMMANDS.iter().for_each(|c| add(c));
    out
}

/// Exact matching only: these shapes are read as patterns by people but match nothing.
pub fn looks_like_command_pattern(v: &str) -> bool {
    v.chars().any(|c| "?*[]{}(),|".contains(c))
        || v.starts_with('/')
        || v.ends_with('/')
        || v.starts_with('^')
        || v.ends_with('$')
        || v.chars().any(char::is_whitespace)
        || v.contains("group:")
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut dp: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut prev = dp[0];
        dp[0] = i;
        for j in 1..=b.len() {
            let tmp = dp[j];
            let cost = usize::from(a[i - 1] != b[j - 1]);
            dp[j] = (dp[j] + 1).min(dp[j - 1] + 1).min(prev + cost);
            prev = tmp;
        }
    }
    dp[b.len()]
}

/// Up to three known commands close to an unknown one: same first two dot-segments, else nearest by edit distance.
pub fn suggest_node_commands(unknown: &str, known: &[String]) -> Vec<String> {
    let needle = js_trim(unknown);
    if needle.is_empty() {
        return Vec::new();
    }
    let prefix = if needle.contains('.') {
        needle.split('.').take(2).collect::<Vec<_>>().join(".")
    } else {
        needle.to_string()
    };
    let hits: Vec<String> = known
        .iter()
        .filter(|c| c.starts_with(&prefix))
        .take(3)
        .cloned()
        .collect();
    if !hits.is_empty() {
        return hits;
    }
    let mut ranked: Vec<(usize, &String)> = known
        .iter()
        .map(|c| (edit_distance(needle, c), c))
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let best = ranked.first().map(|r| r.0).unwrap_or(usize::MAX);
    let threshold = best.clamp(2, 4);
    ranked
        .into_iter()
        .filter(|r| r.0 <= threshold)
        .take(3)
        .map(|r| r.1.clone())
        .collect()
}

pub fn nodes_deny_commands_ineffective(ctx: &Ctx, out: &mut Vec<Finding>) {
    let deny = trimmed_strings(ctx.get("/gateway/nodes/denyCommands"));
    if deny.is_empty() {
        return;
    }
    let known = known_node_commands(ctx);
    let patterns: Vec<&String> = deny
        .iter()
        .filter(|d| looks_like_command_pattern(d))
        .collect();
    let unknown: Vec<&String> = deny
        .iter()
        .filter(|d| !looks_like_command_pattern(d) && !known.contains(d))
        .collect();
    if patterns.is_empty() && unknown.is_empty() {
        return;
    }
    let mut lines = Vec::new();
    if !patterns.is_empty() {
        lines.push(format!(
            "- pattern-like, never matched (exact names only): {}",
            patterns
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !unknown.is_empty() {
        let names: Vec<String> = unknown
            .iter()
            .map(|u| {
                let s = suggest_node_commands(u, &known);
                if s.is_empty() {
                    format!("\"{u}\"")
                } else {
                    format!("\"{u}\" (closest known: {})", s.join(", "))
                }
            })
            .collect();
        lines.push(format!(
            "- not a known node command (defaults or gateway.nodes.allowCommands): {}",
            names.join(", ")
        ));
    }
    out.push(
        Finding::new(
            "gateway.nodes.deny_commands_ineffective",
            Severity::Warn,
            "Some gateway.nodes.denyCommands entries block nothing",
            format!(
                "gateway.nodes.denyCommands is compared with exact node command names, not with patterns or command text:\n{}",
                lines.join("\n")
            ),
        )
        .fix("Use exact command names in gateway.nodes.denyCommands (e.g. \"system.run\", \"camera.snap\", \"sms.send\"); to restrict more broadly, drop risky commands from gateway.nodes.allowCommands and tighten tools.exec.")
        .about("gateway.nodes.denyCommands"),
    );
}

pub fn nodes_allow_commands_dangerous(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    let allow = trimmed_strings(ctx.get("/gateway/nodes/allowCommands"));
    if allow.is_empty() {
        return;
    }
    let deny = trimmed_strings(ctx.get("/gateway/nodes/denyCommands"));
    let hits: Vec<&str> = DANGEROUS_NODE_COMMANDS
        .iter()
        .copied()
        .filter(|c| allow.iter().any(|a| a == c) && !deny.iter().any(|d| d == c))
        .collect();
    if hits.is_empty() {
        return;
    }
    let exposed = gw.remotely_exposed();
    out.push(
        Finding::new(
            "gateway.nodes.allow_commands_dangerous",
            Severity::warn_or_critical(exposed),
            "High-impact node commands are enabled",
            format!(
                "gateway.nodes.allowCommands enables {} on paired nodes: whoever can use the gateway{} can take photos, record the screen, add contacts or events, or send and read SMS on those devices.",
                hits.join(", "),
                if exposed { ", which is reachable beyond loopback," } else { "" }
            ),
        )
        .fix(format!(
            "Remove {} from gateway.nodes.allowCommands (or add them to gateway.nodes.denyCommands); keep the gateway local or tailnet-only if they must stay.",
            hits.join(", ")
        ))
        .about("gateway.nodes.allowCommands"),
    );
}

#[cfg(test)]
mod tests {
    use crate::audit::finding::Severity;
    use crate::audit::testkit::Host;

    fn ids(cfg: &str) -> Vec<String> {
        Host::new(cfg).ids()
    }

    #[test]
    fn empty_config_gives_the_three_reference_findings() {
        assert_eq!(
            ids("{}"),
            [
                "summary.attack_surface",
                "gateway.trusted_proxies_missing",
                "gateway.loopback_no_auth"
            ]
        );
    }

    #[test]
    fn token_length_boundary() {
        let t23 = format!(r#"{{gateway: {{auth: {{token: "{}"}}}}}}"#, "a".repeat(23));
        let t24 = format!(r#"{{gateway: {{auth: {{token: "{}"}}}}}}"#, "a".repeat(24));
        assert!(ids(&t23).contains(&"gateway.token_too_short".into()));
        assert!(!ids(&t24).contains(&"gateway.token_too_short".into()));
        // From the environment (e.g. `.env`) too.
        let h = Host::new("{}").dotenv("OPENCLAW_GATEWAY_TOKEN", &"b".repeat(23));
        assert!(h.ids().contains(&"gateway.token_too_short".into()));
        assert!(!h.ids().contains(&"gateway.loopback_no_auth".into()));
    }

    #[test]
    fn lan_bind_without_and_with_auth() {
        let none = ids(r#"{gateway: {bind: "lan"}}"#);
        assert!(none.contains(&"gateway.bind_no_auth".into()));
        assert!(none.contains(&"gateway.auth_no_rate_limit".into()));
        let tok = ids(
            r#"{gateway: {bind: "lan", auth: {token: "0123456789abcdef0123456789", rateLimit: {maxAttempts: 5}}}}"#,
        );
        assert!(!tok
            .iter()
            .any(|i| i == "gateway.bind_no_auth" || i == "gateway.auth_no_rate_limit"));
        // custom bind to 127.0.0.1 is not loopback for the reference.
        assert!(
            ids(r#"{gateway: {bind: "custom", customBindHost: "127.0.0.1"}}"#)
                .contains(&"gateway.bind_no_auth".into())
        );
    }

    #[test]
    fn unresolved_templates_and_remote_tokens_count_as_configured() {
        assert!(
            !ids(r#"{gateway: {bind: "lan", auth: {token: "${MISSING_TOKEN}"}}}"#)
                .contains(&"gateway.bind_no_auth".into())
        );
        assert!(!ids(r#"{gateway: {remote: {token: "x"}}}"#)
            .contains(&"gateway.loopback_no_auth".into()));
    }

    #[test]
    fn auth_mode_none() {
        let local: Vec<_> = Host::new(r#"{gateway: {auth: {mode: "none"}}}"#).findings();
        let f = local
            .iter()
            .find(|f| f.check_id == "gateway.http.no_auth")
            .unwrap();
        assert_eq!(f.severity, crate::audit::finding::Severity::Warn);
        let remote = Host::new(r#"{gateway: {bind: "lan", auth: {mode: "none"}}}"#).findings();
        let f = remote
            .iter()
            .find(|f| f.check_id == "gateway.http.no_auth")
            .unwrap();
        assert_eq!(f.severity, crate::audit::finding::Severity::Critical);
        assert!(local
            .iter()
            .any(|f| f.check_id == "gateway.loopback_no_auth"));
    }

    #[test]
    fn tailscale_serve_identity_counts_as_auth_on_loopback() {
        assert!(!ids(r#"{gateway: {tailscale: {mode: "serve"}}}"#)
            .contains(&"gateway.loopback_no_auth".into()));
        assert!(ids(r#"{gateway: {controlUi: {enabled: false}}}"#).len() == 1);
    }

    const TOK: &str = r#"auth: {token: "test-token-0123456789abcdef01234"}"#;

    fn sev(h: &Host, id: &str) -> Option<Severity> {
        h.findings()
            .into_iter()
            .find(|f| f.check_id == id)
            .map(|f| f.severity)
    }

    fn gw(rest: &str) -> Host {
        Host::new(&format!(
            "{{gateway: {{{TOK}, trustedProxies: [\"127.0.0.1\"], {rest}}}}}"
        ))
    }

    #[test]
    fn dangerous_http_tools_escalate_off_loopback_and_with_funnel() {
        let id = "gateway.tools_invoke_http.dangerous_allow";
        assert_eq!(
            sev(&gw(r#"tools: {allow: [" EXEC ", "read"]}"#), id),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(
                &gw(r#"tools: {allow: ["cron"]}, tailscale: {mode: "funnel"}"#),
                id
            ),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(&gw(r#"tools: {allow: ["nodes"]}, bind: "tailnet""#), id),
            Some(Severity::Critical)
        );
        // Tailscale serve alone does not escalate; names outside the deny list never fire.
        assert_eq!(
            sev(
                &gw(r#"tools: {allow: ["gateway"]}, tailscale: {mode: "serve"}"#),
                id
            ),
            Some(Severity::Warn)
        );
        assert_eq!(sev(&gw(r#"tools: {allow: ["execute", "read"]}"#), id), None);
    }

    #[test]
    fn env_token_conflicts_with_a_different_config_token() {
        let id = "gateway.env_token_overrides_config";
        let env = "test-token-from-env-0123456789abcd";
        assert!(gw("")
            .dotenv("OPENCLAW_GATEWAY_TOKEN", env)
            .ids()
            .contains(&id.into()));
        // Same value, service kind gateway, remote mode, password mode: no finding.
        let same = Host::new(&format!(r#"{{gateway: {{auth: {{token: " {env} "}}}}}}"#))
            .dotenv("OPENCLAW_GATEWAY_TOKEN", env);
        assert!(!same.ids().contains(&id.into()));
        for h in [
            gw("")
                .dotenv("OPENCLAW_GATEWAY_TOKEN", env)
                .dotenv("OPENCLAW_SERVICE_KIND", " gateway "),
            gw(r#"mode: "remote""#).dotenv("OPENCLAW_GATEWAY_TOKEN", env),
            Host::new(r#"{gateway: {auth: {mode: "password", token: "x", password: "y"}}}"#)
                .dotenv("OPENCLAW_GATEWAY_TOKEN", env),
            Host::new("{}").dotenv("OPENCLAW_GATEWAY_TOKEN", env),
        ] {
            assert!(!h.ids().contains(&id.into()));
        }
        // A SecretRef counts as a different source unless it names OPENCLAW_GATEWAY_TOKEN itself.
        let r = |var: &str| {
            Host::new(&format!(
                r#"{{gateway: {{auth: {{token: {{source: "env", provider: "default", id: "{var}"}}}}}}}}"#
            ))
            .dotenv("OPENCLAW_GATEWAY_TOKEN", env)
            .ids()
        };
        assert!(r("OTHER_TOKEN").contains(&id.into()));
        assert!(!r("OPENCLAW_GATEWAY_TOKEN").contains(&id.into()));
    }

    #[test]
    fn control_ui_origin_rows() {
        let lan = |rest: &str| {
            Host::new(&format!(
                "{{gateway: {{bind: \"lan\", {TOK}, controlUi: {{{rest}}}}}}}"
            ))
        };
        let req = "gateway.control_ui.allowed_origins_required";
        assert_eq!(sev(&lan(""), req), Some(Severity::Critical));
        assert_eq!(
            sev(&lan(r#"allowedOrigins: ["  "]"#), req),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(&lan(r#"allowedOrigins: ["https://a.test"]"#), req),
            None
        );
        assert_eq!(sev(&lan("enabled: false"), req), None);
        let fb = "gateway.control_ui.host_header_origin_fallback";
        let h = lan("dangerouslyAllowHostHeaderOriginFallback: true");
        assert_eq!(sev(&h, req), None);
        assert_eq!(sev(&h, fb), Some(Severity::Critical));
        assert_eq!(
            sev(
                &gw("controlUi: {dangerouslyAllowHostHeaderOriginFallback: true}"),
                fb
            ),
            Some(Severity::Warn)
        );
        let wc = "gateway.control_ui.allowed_origins_wildcard";
        assert_eq!(
            sev(&lan(r#"allowedOrigins: [" * "]"#), wc),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(
                &gw(r#"controlUi: {enabled: false, allowedOrigins: ["*"]}"#),
                wc
            ),
            Some(Severity::Warn)
        );
    }

    #[test]
    fn strict_loopback_proxy_entries() {
        for e in [
            "127.0.0.1",
            " ::1 ",
            "::1/128",
            "127.0.0.1/32",
            "127.0.0.1/32/x",
            "::1/128abc",
        ] {
            assert!(super::strict_loopback_proxy(e), "{e}");
        }
        for e in [
            "127.0.0.2",
            "127.0.0.0/8",
            "localhost",
            "",
            "127.0.0.1/",
            "0:0:0:0:0:0:0:1/128",
            "::1/64",
        ] {
            assert!(!super::strict_loopback_proxy(e), "{e}");
        }
    }

    #[test]
    fn real_ip_fallback_escalation() {
        let id = "gateway.real_ip_fallback_enabled";
        assert_eq!(
            sev(&gw("allowRealIpFallback: true"), id),
            Some(Severity::Warn)
        );
        assert_eq!(sev(&gw("allowRealIpFallback: false"), id), None);
        let tp = |proxies: &str| {
            Host::new(&format!(
                r#"{{gateway: {{allowRealIpFallback: true, trustedProxies: [{proxies}],
                   auth: {{mode: "trusted-proxy", trustedProxy: {{userHeader: "x-user"}}}}}}}}"#
            ))
        };
        assert_eq!(sev(&tp(r#""127.0.0.1/32""#), id), Some(Severity::Warn));
        assert_eq!(
            sev(&tp(r#""127.0.0.1", "10.0.0.2""#), id),
            Some(Severity::Critical)
        );
        // A non-loopback proxy without trusted-proxy auth does not escalate on loopback.
        assert_eq!(
            sev(
                &Host::new(&format!(
                    r#"{{gateway: {{{TOK}, allowRealIpFallback: true, trustedProxies: ["10.0.0.2"]}}}}"#
                )),
                id
            ),
            Some(Severity::Warn)
        );
    }

    #[test]
    fn mdns_tailscale_and_control_ui_toggles() {
        let id = "discovery.mdns_full_mode";
        let h = Host::new(&format!(
            r#"{{discovery: {{mdns: {{mode: "full"}}}}, gateway: {{{TOK}}}}}"#
        ));
        assert_eq!(sev(&h, id), Some(Severity::Warn));
        let h = Host::new(&format!(
            r#"{{discovery: {{mdns: {{mode: "full"}}}}, gateway: {{bind: "auto", {TOK}}}}}"#
        ));
        assert_eq!(sev(&h, id), Some(Severity::Critical));
        assert_eq!(sev(&gw(""), id), None);
        assert_eq!(
            sev(
                &gw(r#"tailscale: {mode: "funnel"}"#),
                "gateway.tailscale_funnel"
            ),
            Some(Severity::Critical)
        );
        let serve = gw(r#"tailscale: {mode: "serve"}"#);
        assert_eq!(sev(&serve, "gateway.tailscale_serve"), Some(Severity::Info));
        assert!(serve
            .findings()
            .iter()
            .all(|f| f.check_id != "gateway.tailscale_serve" || f.remediation.is_none()));
        let ui = gw("controlUi: {allowInsecureAuth: true, dangerouslyDisableDeviceAuth: true}");
        assert_eq!(
            sev(&ui, "gateway.control_ui.insecure_auth"),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(&ui, "gateway.control_ui.device_auth_disabled"),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(
                &gw("controlUi: {allowInsecureAuth: false}"),
                "gateway.control_ui.insecure_auth"
            ),
            None
        );
    }

    #[test]
    fn trusted_proxy_rows() {
        let bare = ids(r#"{gateway: {auth: {mode: "trusted-proxy"}}}"#);
        for id in [
            "gateway.trusted_proxy_auth",
            "gateway.trusted_proxy_no_proxies",
            "gateway.trusted_proxy_no_user_header",
            "gateway.trusted_proxy_no_allowlist",
        ] {
            assert!(bare.contains(&id.into()), "{id}");
        }
        assert!(!bare.contains(&"gateway.trusted_proxy_allow_loopback".into()));
        let full = ids(
            r#"{gateway: {trustedProxies: ["10.0.0.2"], auth: {mode: "trusted-proxy",
               trustedProxy: {userHeader: "x-user", allowLoopback: true, allowUsers: ["a@x.test"]}}}}"#,
        );
        assert!(full.contains(&"gateway.trusted_proxy_auth".into()));
        assert!(full.contains(&"gateway.trusted_proxy_allow_loopback".into()));
        for id in [
            "gateway.trusted_proxy_no_proxies",
            "gateway.trusted_proxy_no_user_header",
            "gateway.trusted_proxy_no_allowlist",
        ] {
            assert!(!full.contains(&id.into()), "{id}");
        }
        assert!(
            !ids(&format!("{{gateway: {{{TOK}}}}}")).contains(&"gateway.trusted_proxy_auth".into())
        );
    }

    #[test]
    fn gateway_rows_come_out_in_reference_order() {
        let got = ids(
            r#"{discovery: {mdns: {mode: "full"}}, gateway: {bind: "lan", allowRealIpFallback: true,
                tools: {allow: ["exec"]}, controlUi: {allowInsecureAuth: true, allowedOrigins: ["*"]},
                auth: {token: "short"}}}"#,
        );
        let want = [
            "summary.attack_surface",
            "gateway.tools_invoke_http.dangerous_allow",
            "gateway.control_ui.allowed_origins_wildcard",
            "gateway.real_ip_fallback_enabled",
            "discovery.mdns_full_mode",
            "gateway.control_ui.insecure_auth",
            "config.insecure_or_dangerous_flags",
            "gateway.token_too_short",
            "gateway.auth_no_rate_limit",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn session_key_override() {
        let id = "gateway.http.session_key_override_enabled";
        assert_eq!(
            sev(&gw("http: {endpoints: {responses: {enabled: true}}}"), id),
            Some(Severity::Info)
        );
        assert_eq!(
            sev(
                &gw("http: {endpoints: {chatCompletions: {enabled: false}}}"),
                id
            ),
            None
        );
    }

    #[test]
    fn node_deny_commands() {
        let id = "gateway.nodes.deny_commands_ineffective";
        let h = gw(
            r#"nodes: {allowCommands: ["custom.ping"], denyCommands: ["system.*", "camera.snapp", "custom.ping", "group:x", "x y"]}"#,
        );
        let f = h.findings().into_iter().find(|f| f.check_id == id).unwrap();
        assert_eq!(f.severity, Severity::Warn);
        assert!(f.detail.contains("\"system.*\""));
        assert!(f
            .detail
            .contains("\"camera.snapp\" (closest known: camera.snap)"));
        assert!(!f.detail.contains("\"custom.ping\""));
        assert_eq!(
            sev(
                &gw(r#"nodes: {denyCommands: ["system.run", " sms.send "]}"#),
                id
            ),
            None
        );
        assert_eq!(sev(&gw(r#"nodes: {denyCommands: []}"#), id), None);
    }

    #[test]
    fn node_command_suggestions() {
        let known: Vec<String> = ["camera.list", "camera.snap", "system.run", "sms.send"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            super::suggest_node_commands("camera.snapp", &known),
            ["camera.snap"]
        );
        assert_eq!(
            super::suggest_node_commands("sms.sned", &known),
            ["sms.send"]
        );
        assert_eq!(
            super::suggest_node_commands("sytem.run", &known),
            ["system.run"]
        );
        assert!(super::suggest_node_commands("zzzzzzzzzzzz", &known).is_empty());
    }

    #[test]
    fn node_allow_commands_dangerous() {
        let id = "gateway.nodes.allow_commands_dangerous";
        assert_eq!(
            sev(
                &gw(r#"nodes: {allowCommands: [" camera.snap ", "location.get"]}"#),
                id
            ),
            Some(Severity::Warn)
        );
        assert_eq!(
            sev(
                &gw(r#"tailscale: {mode: "serve"}, nodes: {allowCommands: ["sms.send"]}"#),
                id
            ),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(
                &gw(r#"nodes: {allowCommands: ["sms.send"], denyCommands: ["sms.send"]}"#),
                id
            ),
            None
        );
        assert_eq!(
            sev(&gw(r#"nodes: {allowCommands: ["location.get"]}"#), id),
            None
        );
    }
}
