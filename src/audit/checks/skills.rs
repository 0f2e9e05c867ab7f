//! Workspace skills: truncated scans and SKILL.md files that resolve outside their workspace.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 24.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
