//! Sandbox configuration: Docker settings that do nothing, dangerous binds and namespaces, browser containers.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Positions 11–12: docker config with sandbox off, then dangerous binds / network / profiles.
pub fn config(_ctx: &Ctx, _out: &mut Vec<Finding>) {}

/// Position 25: sandbox-browser containers seen by `capture --docker`.
pub fn browser_containers(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
