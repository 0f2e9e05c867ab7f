//! Channel security: DM and group policies per account of the bundled channels, numbered warnings, Telegram.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 28.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
