//! Secrets written into the config file instead of the environment or a secret store.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 16.
pub fn collect(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
