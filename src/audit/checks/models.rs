//! Models: legacy and weak-tier models, and small models with web tools.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Positions 17–18.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
