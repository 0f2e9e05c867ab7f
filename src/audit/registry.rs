//! The check registry: one declaration per checkId, next to its logic in `checks/<family>.rs`. `clawprint
//! checks` and `docs/checks.md` are generated from [`all`].

use serde::Serialize;

use super::checks;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Summary,
    Filesystem,
    Gateway,
    Meta,
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Summary => "summary",
            Area::Filesystem => "filesystem",
            Area::Gateway => "gateway",
            Area::Meta => "meta",
        }
    }
}

/// A check's declaration.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CheckDef {
    /// The reference's checkId (a pattern such as `channels.<id>.dm.open` where the id varies).
    pub id: &'static str,
    pub area: Area,
    /// The severity rule, e.g. `warn; critical when bind is not loopback`.
    pub severity: &'static str,
    /// Whether `clawprint fix` (and the reference's `--fix`) remediates it.
    pub fixable: bool,
    /// One paragraph: what it detects, why it matters, what to do.
    pub doc: &'static str,
}

impl CheckDef {
    pub const fn new(
        id: &'static str,
        area: Area,
        severity: &'static str,
        fixable: bool,
        doc: &'static str,
    ) -> CheckDef {
        CheckDef {
            id,
            area,
            severity,
            fixable,
            doc,
        }
    }
}

/// Every check, in the order the reference can emit them.
pub fn all() -> Vec<&'static CheckDef> {
    let families: &[&[CheckDef]] = &[
        checks::summary::CHECKS,
        checks::fs::CHECKS,
        checks::gateway::CHECKS,
        checks::meta::CHECKS,
    ];
    families.iter().flat_map(|f| f.iter()).collect()
}

pub fn find(id: &str) -> Option<&'static CheckDef> {
    all().into_iter().find(|c| c.id == id)
}

/// `docs/checks.md`, generated from the registry (a test keeps the committed file current).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Checks\n\nGenerated from the check registry by `clawprint checks --markdown`; do not edit by hand.\n\n\
         Check ids, severities and conditions follow `openclaw security audit` of OpenClaw 2026.5.20.\n\n\
         | id | area | severity | fixable |\n|---|---|---|---|\n",
    );
    for c in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            c.id,
            c.area.as_str(),
            c.severity,
            if c.fixable { "yes" } else { "no" }
        ));
    }
    for c in all() {
        out.push_str(&format!("\n## `{}`\n\n{}\n", c.id, c.doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for c in all() {
            assert!(seen.insert(c.id), "duplicate check id {}", c.id);
            assert!(c.doc.len() > 40, "{} needs a real doc paragraph", c.id);
            assert!(!c.severity.is_empty());
        }
    }
}
