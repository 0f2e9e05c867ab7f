//! Plugin tools reachable under a permissive tool policy (needs the tool-policy evaluator).
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 26b.
pub fn tools_reachable(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
