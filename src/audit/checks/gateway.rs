//! Gateway exposure and authentication: who can reach the gateway and whether they must authenticate.

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::env::contains_env_reference;
use crate::config::secret::Str;

const fn def(
    id: &'static str,
    severity: &'static str,
    fixable: bool,
    doc: &'static str,
) -> CheckDef {
    CheckDef::new(id, Area::Gateway, severity, fixable, doc)
}

pub const CHECKS: &[CheckDef] = &[
    def("gateway.bind_no_auth", "critical", false,
        "The gateway listens on a non-loopback address (`gateway.bind` is not `loopback`) and no shared secret (token or password) can authenticate clients, so anyone who reaches the port can drive the agent. Set `gateway.auth.token` (or OPENCLAW_GATEWAY_TOKEN) to a long random value, or bind to loopback."),
    def("gateway.trusted_proxies_missing", "warn", false,
        "The gateway binds to loopback with the Control UI on and `gateway.trustedProxies` empty. If a reverse proxy forwards to it, every request appears to come from 127.0.0.1 and client addresses cannot be told apart. List the proxy addresses in `gateway.trustedProxies`, or keep the Control UI local-only."),
    def("gateway.loopback_no_auth", "critical", false,
        "The gateway binds to loopback with the Control UI on but has no shared secret and no Tailscale identity auth. Any local process, a browser page through DNS rebinding, or a proxy in front can use it. Set `gateway.auth.token`; note that `auth.mode` `none` and `trusted-proxy` also count as unauthenticated here."),
    def("gateway.http.no_auth", "warn; critical when remotely exposed (bind not loopback, or Tailscale serve/funnel)", false,
        "`gateway.auth.mode` is `none`: the HTTP endpoints (`/tools/invoke`, and the OpenAI-compatible and admin endpoints when enabled) accept unauthenticated calls. Use `token` auth."),
    def("gateway.token_too_short", "warn", false,
        "The gateway token (from `gateway.auth.token` or OPENCLAW_GATEWAY_TOKEN) is shorter than 24 characters and may be guessed. Use at least 32 random characters, e.g. `openssl rand -hex 32`."),
    def("gateway.auth_no_rate_limit", "warn", false,
        "The gateway is reachable beyond loopback and `gateway.auth.rateLimit` is not set, so failed authentication attempts are not throttled and a token can be brute-forced. Configure `gateway.auth.rateLimit`."),
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
fn resolved_secret(v: Option<&Value>) -> Option<Str<'_>> {
    let s = Str::of(v?.as_str()?);
    if s.is_blank() {
        return None;
    }
    if let Str::Plain(p) = s {
        if contains_env_reference(p) {
            return None;
        }
    }
    Some(s)
}

/// Configured in the source config: a non-blank string (template or not) or a SecretRef-like object.
fn configured(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !Str::of(s).is_blank(),
        Some(Value::Object(_)) => true,
        _ => false,
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
    let token = resolved_secret(ctx.get("/gateway/auth/token")).or(env_token);
    let password = resolved_secret(ctx.get("/gateway/auth/password")).or(env_password);
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
    let src = &ctx.source;
    let token_can_win = token.is_some()
        || env_token.is_some()
        || configured(src.pointer("/gateway/auth/token"))
        || configured(src.pointer("/gateway/remote/token"));
    let em = explicit_mode.as_deref();
    let password_can_win = em == Some("password")
        || (!matches!(em, Some("token" | "none" | "trusted-proxy")) && !token_can_win);
    let password_configured = password.is_some()
        || (password_can_win
            && (env_password.is_some() || configured(src.pointer("/gateway/auth/password"))));
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
    bind_no_auth(ctx, gw, out);
    trusted_proxies_missing(ctx, gw, out);
    loopback_no_auth(ctx, gw, out);
    crate::audit::checks::flags::collect(ctx, out);
    token_too_short(ctx, gw, out);
    auth_no_rate_limit(ctx, gw, out);
}

/// Positions 9–10: the HTTP endpoints.
pub fn http(ctx: &Ctx, gw: &Gateway, out: &mut Vec<Finding>) {
    http_no_auth(ctx, gw, out);
}

/// Positions 13–14: node commands.
pub fn nodes(_ctx: &Ctx, _gw: &Gateway, _out: &mut Vec<Finding>) {}

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

#[cfg(test)]
mod tests {
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
}
