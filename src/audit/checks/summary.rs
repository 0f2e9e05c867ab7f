//! The attack-surface summary: always the first finding.

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::js_trim;

pub const CHECKS: &[CheckDef] = &[CheckDef::new(
    "summary.attack_surface",
    Area::Summary,
    "info",
    false,
    "Always reported first: how many channels take group messages openly or by allowlist, whether elevated tools, webhooks, internal hooks and browser control are on. Not a problem by itself; it frames every other finding. The trust model assumes one trusted operator per gateway.",
)];

fn on(b: bool) -> &'static str {
    if b {
        "enabled"
    } else {
        "disabled"
    }
}

/// Are internal hooks on? Off when `hooks.internal.enabled === false`; on when it is `true`, or any entry is not
/// disabled, or extra load dirs, install records or legacy handlers exist.
fn internal_hooks(cfg: &Value) -> bool {
    let Some(internal) = cfg.pointer("/hooks/internal") else {
        return false;
    };
    match internal.get("enabled") {
        Some(Value::Bool(false)) => return false,
        Some(Value::Bool(true)) => return true,
        _ => {}
    }
    let entry_on = internal
        .get("entries")
        .and_then(Value::as_object)
        .is_some_and(|e| {
            e.values()
                .any(|v| v.get("enabled") != Some(&Value::Bool(false)))
        });
    let extra_dirs = internal
        .pointer("/load/extraDirs")
        .and_then(Value::as_array)
        .is_some_and(|d| {
            d.iter()
                .any(|x| x.as_str().is_some_and(|s| !js_trim(s).is_empty()))
        });
    let installs = internal
        .get("installs")
        .and_then(Value::as_object)
        .is_some_and(|i| !i.is_empty());
    let handlers = internal
        .get("handlers")
        .and_then(Value::as_array)
        .is_some_and(|h| !h.is_empty());
    entry_on || extra_dirs || installs || handlers
}

pub fn attack_surface(ctx: &Ctx, out: &mut Vec<Finding>) {
    let cfg = &ctx.cfg;
    let (mut open, mut allowlist) = (0, 0);
    if let Some(channels) = cfg.get("channels").and_then(Value::as_object) {
        for ch in channels.values().filter(|v| v.is_object()) {
            match ch.get("groupPolicy").and_then(Value::as_str) {
                Some("open") => open += 1,
                Some("allowlist") => allowlist += 1,
                _ => {}
            }
        }
    }
    let elevated = !ctx.is_false("/tools/elevated/enabled");
    let webhooks = ctx.is_true("/hooks/enabled");
    let browser = !ctx.is_false("/browser/enabled");
    let detail = [
        format!("groups: open={open}, allowlist={allowlist}"),
        format!("tools.elevated: {}", on(elevated)),
        format!("hooks.webhooks: {}", on(webhooks)),
        format!("hooks.internal: {}", on(internal_hooks(cfg))),
        format!("browser control: {}", on(browser)),
        "trust model: one trusted operator per gateway; separate gateways for users who do not trust each other".to_string(),
    ]
    .join("\n");
    out.push(
        Finding::new(
            "summary.attack_surface",
            Severity::Info,
            "Attack surface",
            detail,
        )
        .about("summary"),
    );
}
