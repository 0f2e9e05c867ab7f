//! Webhooks hardening and hook install records.
//!
//! Stub: the checks of this family are being implemented (issue 3).

use crate::audit::checks::gateway::Gateway;
use crate::audit::context::Ctx;
use crate::audit::finding::Finding;
use crate::audit::registry::CheckDef;

pub const CHECKS: &[CheckDef] = &[];

/// Position 8: the webhook hardening rows.
pub fn hardening(_ctx: &Ctx, _gw: &Gateway, _out: &mut Vec<Finding>) {}

/// Position 26 (after the plugin install rows): hook install records.
pub fn installs(_ctx: &Ctx, _out: &mut Vec<Finding>) {}
