//! Checks the reference runs only with `openclaw security audit --deep`: a live gateway probe, code-safety scans
//! of installed plugins and skills, and the browser plugin's control checks (catalogue §11). They need a running
//! gateway or a scan of code that a snapshot does not carry, so clawprint lists them and does not run them yet.

use crate::audit::registry::{Area, CheckDef};

const fn deep(id: &'static str, area: Area, severity: &'static str, doc: &'static str) -> CheckDef {
    CheckDef::deep_only(id, area, severity, doc)
}

pub const CHECKS: &[CheckDef] = &[
    deep("gateway.probe_failed", Area::Gateway, "warn",
        "The reference connects to the running gateway and reports when the probe fails. A snapshot is offline, so clawprint cannot probe; run `openclaw security audit --deep` on the host for this one."),
    deep("gateway.probe_auth_secretref_unavailable", Area::Gateway, "warn",
        "The live gateway probe could not resolve the SecretRef it needs to authenticate. Needs a running gateway; not available offline."),
    deep("plugins.code_safety", Area::Plugins, "warn or critical by what the scan finds",
        "A static scan of installed plugin code for dangerous patterns (shell execution, eval, credential access). The snapshot does not carry plugin code, so clawprint does not scan it."),
    deep("plugins.code_safety.entry_path", Area::Plugins, "warn",
        "A plugin's declared entry point is missing or not a file, found by the deep code scan. Not available offline."),
    deep("plugins.code_safety.entry_escape", Area::Plugins, "critical",
        "A plugin's entry point resolves outside its install directory, found by the deep code scan. Not available offline."),
    deep("plugins.code_safety.manifest_parse_error", Area::Plugins, "warn",
        "A plugin manifest could not be parsed during the deep code scan. Not available offline."),
    deep("plugins.code_safety.scan_failed", Area::Plugins, "warn",
        "The deep code scan of a plugin failed. Not available offline."),
    deep("skills.code_safety", Area::Skills, "warn or critical by what the scan finds",
        "A static scan of workspace skill code for dangerous patterns. The snapshot does not carry skill code, so clawprint does not scan it."),
    deep("skills.code_safety.scan_failed", Area::Skills, "warn",
        "The deep code scan of a skill failed. Not available offline."),
    deep("plugins.<pluginId>.security_audit_failed", Area::Plugins, "warn",
        "A plugin's own security-audit hook threw during the deep audit. Needs the plugin's code at run time; not available offline."),
    deep("browser.control_invalid_config", Area::Browser, "warn",
        "The bundled browser plugin's deep check that its control settings are valid. Not available offline yet."),
    deep("browser.control_no_auth", Area::Browser, "critical",
        "The bundled browser plugin's deep check that browser control requires authentication. Not available offline yet."),
    deep("browser.remote_cdp_http", Area::Browser, "warn",
        "The bundled browser plugin's deep check for a remote Chrome DevTools endpoint over plain HTTP. Not available offline yet."),
    deep("browser.remote_cdp_private_host", Area::Browser, "warn",
        "The bundled browser plugin's deep check for a remote Chrome DevTools endpoint on a private host. Not available offline yet."),
];
