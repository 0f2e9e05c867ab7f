//! Property tests over generated hosts: no secret byte survives into a snapshot (compressed or not), and the
//! audit of the redacted snapshot equals the audit of an unredacted in-memory capture of the same host.

mod common;

use common::contains;

use std::fs;

use clawprint::audit::audit;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct GenHost {
    bind: &'static str,
    mode: Option<&'static str>,
    gateway_token: String,
    hooks_token: Option<String>,
    reuse_token_for_hooks: bool,
    bot_token: String,
    env_var: String,
    dotenv_token: Option<String>,
    token_via_template: bool,
    /// The hooks token written as literal text around `${HOOK_SFX}` (set in `.env` to the rest: `Some(true)`,
    /// unset: `Some(false)`).
    splice_hooks: Option<bool>,
}

fn secret() -> impl Strategy<Value = String> {
    // Distinctive enough never to occur by chance in paths or JSON syntax; lengths straddle the 24 threshold.
    "[A-Za-z0-9]{10,38}".prop_map(|s| format!("Zq{s}"))
}

fn host() -> impl Strategy<Value = GenHost> {
    (
        prop_oneof![Just("loopback"), Just("lan")],
        prop_oneof![
            Just(None),
            Just(Some("token")),
            Just(Some("password")),
            Just(Some("none"))
        ],
        secret(),
        proptest::option::of(secret()),
        any::<bool>(),
        secret(),
        secret(),
        proptest::option::of(secret()),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                bind,
                mode,
                gateway_token,
                hooks_token,
                reuse,
                bot_token,
                env_var,
                dotenv_token,
                tpl,
                splice_hooks,
            )| GenHost {
                bind,
                mode,
                gateway_token,
                hooks_token,
                reuse_token_for_hooks: reuse,
                bot_token,
                env_var,
                dotenv_token,
                token_via_template: tpl,
                splice_hooks,
            },
        )
}

fn lay_out(h: &GenHost) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(".openclaw");
    fs::create_dir_all(&dir).unwrap();
    let mut auth = serde_json::Map::new();
    if let Some(m) = h.mode {
        auth.insert("mode".into(), m.into());
    }
    let key = if h.mode == Some("password") {
        "password"
    } else {
        "token"
    };
    let token_value = if h.token_via_template {
        "${OPENCLAW_GATEWAY_TOKEN}".to_string()
    } else {
        h.gateway_token.clone()
    };
    auth.insert(key.into(), token_value.into());
    let hooks_token = if h.reuse_token_for_hooks {
        Some(h.gateway_token.clone())
    } else {
        h.hooks_token.clone()
    };
    let mut cfg = serde_json::json!({
        "gateway": {"bind": h.bind, "auth": auth},
        "channels": {"telegram": {"botToken": h.bot_token}},
        "env": {"vars": {"SOME_PROVIDER_KEY": h.env_var}},
    });
    let mut hook_sfx = None;
    if let Some(t) = hooks_token {
        let t = match h.splice_hooks {
            // (A spliced value equal to a plain one is a known limit: joined markers get a class of their own.)
            Some(set) if !h.reuse_token_for_hooks => {
                let (head, tail) = t.split_at(t.len() / 2);
                hook_sfx = set.then(|| tail.to_string());
                format!("{head}${{HOOK_SFX}}")
            }
            _ => t,
        };
        cfg["hooks"] = serde_json::json!({"enabled": true, "token": t});
    }
    // JSON5 with a comment, so the redacted text keeps non-JSON syntax.
    let text = format!(
        "// generated\n{}\n",
        serde_json::to_string_pretty(&cfg).unwrap()
    );
    fs::write(dir.join("openclaw.json"), text).unwrap();
    let mut dotenv = String::new();
    if h.token_via_template {
        dotenv.push_str(&format!("OPENCLAW_GATEWAY_TOKEN={}\n", h.gateway_token));
    }
    if let Some(t) = &h.dotenv_token {
        dotenv.push_str(&format!("OPENCLAW_GATEWAY_PASSWORD={t}\n"));
    }
    if let Some(t) = hook_sfx {
        dotenv.push_str(&format!("HOOK_SFX={t}\n"));
    }
    if !dotenv.is_empty() {
        fs::write(dir.join(".env"), dotenv).unwrap();
    }
    tmp
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn no_secret_survives_and_audit_is_unchanged(h in host()) {
        let home = lay_out(&h);
        let redacted = common::capture_home(home.path(), "p", true);
        let raw = common::capture_home(home.path(), "p", false);
        let file = redacted.to_bytes().unwrap();
        let mut content = redacted.manifest_bytes();
        for b in redacted.blobs.values() {
            content.extend(b);
        }
        let mut secrets = vec![h.gateway_token.clone(), h.bot_token.clone(), h.env_var.clone()];
        secrets.extend(h.hooks_token.clone());
        // A spliced hooks token's literal half is in the config text itself.
        if let (Some(t), Some(_), false) = (&h.hooks_token, h.splice_hooks, h.reuse_token_for_hooks) {
            secrets.push(t[..t.len() / 2].to_string());
        }
        secrets.extend(h.dotenv_token.clone());
        for s in &secrets {
            prop_assert!(!contains(&content, s.as_bytes()), "secret {} in snapshot content", s);
            prop_assert!(!contains(&file, s.as_bytes()), "secret {} in snapshot file", s);
        }
        let (a, b) = (audit(&redacted), audit(&raw));
        prop_assert_eq!(a.findings, b.findings);
    }
}
