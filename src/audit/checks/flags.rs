//! `config.insecure_or_dangerous_flags`: one finding per enabled break-glass flag (catalogue §10.2).
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Called by the gateway collector at its place in the row order.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
