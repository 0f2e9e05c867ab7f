//! Exec runtime: who may run commands on the host, with which safe-bins and approvals.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 7.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
