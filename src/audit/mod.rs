//! Audit stage: a pure function from a snapshot to findings. No I/O, no clock, no process.
//!
//! Collectors run in the reference's order (catalogue §4), so findings come out in the same order as
//! `openclaw security audit --json`.

pub mod checks;
pub mod context;
pub mod finding;
pub mod fingerprint;
pub mod policy;
pub mod registry;
#[cfg(test)]
pub mod testkit;

use schemars::JsonSchema;
use serde::Serialize;

pub use context::Ctx;
pub use finding::{Finding, Severity};

use crate::config::validate;
use crate::snapshot::Snapshot;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub critical: usize,
    pub warn: usize,
    pub info: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Critical => s.critical += 1,
                Severity::Warn => s.warn += 1,
                Severity::Info => s.info += 1,
            }
        }
        s
    }
}

/// Why OpenClaw itself would not audit this host (it refuses configs it cannot load); clawprint audits anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Findings moved out by `security.audit.suppressions`, in their original order.
    pub suppressed: Vec<checks::meta::Suppressed>,
    pub secret_diagnostics: Vec<String>,
    /// Config load problems (OpenClaw would refuse the config) and capture diagnostics.
    pub notes: Vec<Note>,
}

impl Report {
    /// Fingerprints of `findings` and of `suppressed`, numbered over both (a suppressed finding keeps the
    /// fingerprint it would have had).
    pub fn fingerprints(&self) -> (Vec<String>, Vec<String>) {
        let all: Vec<Finding> = self
            .findings
            .iter()
            .cloned()
            .chain(self.suppressed.iter().map(|s| s.finding.clone()))
            .collect();
        let mut fps = fingerprint::fingerprints(&all);
        let suppressed = fps.split_off(self.findings.len());
        (fps, suppressed)
    }
}

pub fn audit(snap: &Snapshot) -> Report {
    let ctx = Ctx::new(snap);
    let gw = checks::gateway::resolve(&ctx);
    let mut f = Vec::new();
    use checks::*;
    // The collectors in the reference's order (catalogue §4); the numbers are its positions.
    summary::attack_surface(&ctx, &mut f); // 1
    fs::synced_dir(&ctx, &mut f); // 2
    gateway::collect(&ctx, &gw, &mut f); // 3 (with config.insecure_or_dangerous_flags)
    logging::redact_off(&ctx, &mut f); // 5
    tools::elevated(&ctx, &mut f); // 6
    exec::collect(&ctx, &mut f); // 7
    hooks::hardening(&ctx, &gw, &mut f); // 8
    gateway::http(&ctx, &gw, &mut f); // 9–10
    sandbox::config(&ctx, &mut f); // 11–12
    gateway::nodes(&ctx, &gw, &mut f); // 13–14
    tools::profile_minimal_overridden(&ctx, &mut f); // 15
    secrets::collect(&ctx, &mut f); // 16
    models::collect(&ctx, &mut f); // 17–18
    exposure::collect(&ctx, &mut f); // 19–20
    fs::state_dir_and_config(&ctx, &mut f); // 21
    fs::includes(&ctx, &mut f); // 22
    fs::credentials_agents_log(&ctx, &mut f); // 23
    skills::collect(&ctx, &mut f); // 24
    sandbox::browser_containers(&ctx, &mut f); // 25
    plugins::allowlist(&ctx, &mut f); // 26
    plugin_tools::tools_reachable(&ctx, &mut f);
    plugins::installs(&ctx, &mut f);
    hooks::installs(&ctx, &mut f);
    channels::collect(&ctx, &mut f); // 28

    // 30: suppressions, then the meta finding.
    let (f, suppressed) = checks::meta::apply(&ctx, f);

    let mut notes: Vec<Note> = ctx
        .load_problems
        .iter()
        .map(|p| Note {
            path: p.path.clone(),
            message: format!("OpenClaw would refuse this config: {}", p.message),
        })
        .collect();
    notes.extend(refusal_notes(&ctx));
    notes.extend(
        snap.manifest
            .diagnostics
            .iter()
            // A missing plugin load path is reported as a refusal by `refusal_notes`.
            .filter(|d| d.code != validate::MISSING_LOAD_PATH)
            .map(|d| Note {
                path: d.path.clone(),
                message: d.message.clone(),
            }),
    );
    Report {
        summary: Summary::of(&f),
        findings: f,
        suppressed,
        secret_diagnostics: ctx.secret_diagnostics.clone(),
        notes,
    }
}

/// The schema problems for which OpenClaw 2026.5.20 would refuse the config (`config::validate`), as notes on the
/// config file. Only for a config that loads: a parse or include failure is the only problem the reference
/// reports then (and is already a note).
fn refusal_notes(ctx: &Ctx) -> Vec<Note> {
    let m = &ctx.snap.manifest;
    if !m.config.exists || !ctx.load_problems.is_empty() {
        return Vec::new();
    }
    let host = ctx.host();
    let facts = validate::Facts {
        home: host.home.clone(),
        cwd: host.cwd.clone(),
        state_dir: host.state_dir.clone(),
        missing_paths: m
            .diagnostics
            .iter()
            .filter(|d| d.code == validate::MISSING_LOAD_PATH)
            .map(|d| d.path.clone())
            .collect(),
        installed_plugins: ctx
            .installed_plugin_dirs()
            .into_iter()
            .map(String::from)
            .collect(),
    };
    validate::validate(&ctx.source_config, &facts)
        .into_iter()
        .map(|p| Note {
            path: m.config.path.clone(),
            message: format!("OpenClaw would refuse this config: {p}"),
        })
        .collect()
}
