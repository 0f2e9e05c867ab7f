//! Tool policy: elevated tools open to everyone, and the minimal profile overridden per agent.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 6.
pub fn elevated(_ctx: &Ctx, _out: &mut Vec<Finding>) {}

/// Position 15.
pub fn profile_minimal_overridden(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
