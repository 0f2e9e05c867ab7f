//! Plugins supply chain: allowlist and install records (pinned specs, integrity, drift).
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 26a: phantom allowlist entries or no allowlist at all.
pub fn allowlist(_ctx: &Ctx, _out: &mut Vec<Finding>) {}

/// Position 26c: plugin install records.
pub fn installs(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
