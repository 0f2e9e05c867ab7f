//! Logging: sensitive-data redaction switched off.

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};

pub const CHECKS: &[CheckDef] = &[CheckDef::new(
    "logging.redact_off",
    Area::Logging,
    "warn",
    true,
    "`logging.redactSensitive` is `\"off\"`, so tool summaries in logs and status output are written without \
     masking secrets: tokens and keys that pass through tool calls end up in log files and anything that collects \
     them. Set it back to `\"tools\"` (the default); `fix` does this.",
)];

/// Position 5.
pub fn redact_off(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.get_str("/logging/redactSensitive") != Some("off") {
        return;
    }
    out.push(
        Finding::new(
            "logging.redact_off",
            Severity::Warn,
            "Secret redaction in logs is off",
            "logging.redactSensitive is \"off\": tool summaries are logged and shown without masking, so secrets seen by tools can leak into log files and status output.",
        )
        .fix("Set logging.redactSensitive to \"tools\" (clawprint fix / openclaw security audit --fix do this).")
        .about("logging.redactSensitive"),
    );
}

#[cfg(test)]
mod tests {
    use crate::audit::testkit::Host;

    #[test]
    fn only_the_exact_value_off_fires() {
        let ids = Host::new(r#"{logging: {redactSensitive: "off"}}"#).ids();
        assert!(ids.contains(&"logging.redact_off".into()));
        for v in ["tools", "OFF", " off"] {
            let cfg = format!(r#"{{logging: {{redactSensitive: "{v}"}}}}"#);
            assert!(
                !Host::new(&cfg).ids().contains(&"logging.redact_off".into()),
                "{v}"
            );
        }
    }

    #[test]
    fn sits_between_gateway_rows_and_elevated() {
        let ids = Host::new(
            r#"{logging: {redactSensitive: "off"}, tools: {elevated: {allowFrom: {telegram: ["*"]}}},
                gateway: {controlUi: {allowInsecureAuth: true}}}"#,
        )
        .ids();
        let pos = |id: &str| ids.iter().position(|i| i == id).unwrap();
        assert!(pos("config.insecure_or_dangerous_flags") < pos("logging.redact_off"));
        assert!(pos("logging.redact_off") < pos("tools.elevated.allowFrom.telegram.wildcard"));
    }
}
