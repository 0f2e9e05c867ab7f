//! Logging: sensitive-data redaction switched off.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 5.
pub fn redact_off(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
