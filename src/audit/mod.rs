//! Audit stage: a pure function from a snapshot to findings. No I/O, no clock, no process.
//!
//! Collectors run in the reference's order (catalogue §4), so findings come out in the same order as
//! `openclaw security audit --json`.

pub mod checks;
pub mod context;
pub mod finding;
pub mod registry;
#[cfg(test)]
pub mod testkit;

use serde::Serialize;

pub use context::Ctx;
pub use finding::{Finding, Severity};

use crate::snapshot::Snapshot;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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

pub fn audit(snap: &Snapshot) -> Report {
    let ctx = Ctx::new(snap);
    let gw = checks::gateway::resolve(&ctx);
    let mut f = Vec::new();
    // 1–2: summary, synced folders.
    checks::summary::attack_surface(&ctx, &mut f);
    checks::fs::synced_dir(&ctx, &mut f);
    // 3: gateway config collector (auth-core rows).
    checks::gateway::bind_no_auth(&ctx, &gw, &mut f);
    checks::gateway::trusted_proxies_missing(&ctx, &gw, &mut f);
    checks::gateway::loopback_no_auth(&ctx, &gw, &mut f);
    checks::gateway::token_too_short(&ctx, &gw, &mut f);
    checks::gateway::auth_no_rate_limit(&ctx, &gw, &mut f);
    // 9: HTTP without auth.
    checks::gateway::http_no_auth(&ctx, &gw, &mut f);
    // 21–23: filesystem.
    checks::fs::state_dir_and_config(&ctx, &mut f);
    checks::fs::includes(&ctx, &mut f);
    checks::fs::credentials_agents_log(&ctx, &mut f);

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
    notes.extend(snap.manifest.diagnostics.iter().map(|d| Note {
        path: d.path.clone(),
        message: d.message.clone(),
    }));
    Report {
        summary: Summary::of(&f),
        findings: f,
        suppressed,
        secret_diagnostics: Vec::new(),
        notes,
    }
}
