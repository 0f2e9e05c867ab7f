//! Exposure matrix and trust model: open groups combined with powerful tools, multi-user signals.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Positions 19–20.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
