//! Sandbox-browser containers, asked of Docker by `capture --docker` (bounded by a timeout). The only place
//! clawprint runs a process; the audit only reads what this recorded.
//!
//! Stub (issue 3).

use crate::snapshot::DockerFacts;

pub(super) fn probe() -> DockerFacts {
    DockerFacts {
        status: "unavailable".into(),
        message: Some("not implemented yet".into()),
        containers: Vec::new(),
    }
}
