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
    Config,
    Logging,
    Tools,
    Exec,
    Hooks,
    Sandbox,
    Secrets,
    Models,
    Exposure,
    Plugins,
    Skills,
    Browser,
    Channels,
    Meta,
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Summary => "summary",
            Area::Filesystem => "filesystem",
            Area::Gateway => "gateway",
            Area::Config => "config",
            Area::Logging => "logging",
            Area::Tools => "tools",
            Area::Exec => "exec",
            Area::Hooks => "hooks",
            Area::Sandbox => "sandbox",
            Area::Secrets => "secrets",
            Area::Models => "models",
            Area::Exposure => "exposure",
            Area::Plugins => "plugins",
            Area::Skills => "skills",
            Area::Browser => "browser",
            Area::Channels => "channels",
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
    /// False for checks the reference runs only with `--deep` (probes, code scans): listed, not implemented yet.
    pub implemented: bool,
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
            implemented: true,
        }
    }

    /// A check the reference runs only with `--deep`: declared so `clawprint checks` lists it, not implemented.
    pub const fn deep_only(
        id: &'static str,
        area: Area,
        severity: &'static str,
        doc: &'static str,
    ) -> CheckDef {
        CheckDef {
            id,
            area,
            severity,
            fixable: false,
            doc,
            implemented: false,
        }
    }

    /// Does a concrete checkId belong to this check? Ids may hold `<placeholders>` that stand for one or more
    /// characters (`channels.<id>.warning.<n>` matches `channels.irc.warning.1`).
    pub fn matches(&self, check_id: &str) -> bool {
        pattern_matches(self.id, check_id)
    }
}

/// The area a family's checks share, named once per family: `const HOOKS: Family = Family(Area::Hooks);`, then
/// `HOOKS.check(id, severity rule, doc)` for each check, or `HOOKS.fixable(…)` for one `clawprint fix`
/// remediates.
#[derive(Clone, Copy, Debug)]
pub struct Family(pub Area);

impl Family {
    /// A check of this family that `clawprint fix` does not remediate.
    pub const fn check(
        self,
        id: &'static str,
        severity: &'static str,
        doc: &'static str,
    ) -> CheckDef {
        CheckDef::new(id, self.0, severity, false, doc)
    }

    /// A check of this family that `clawprint fix` (and the reference's `--fix`) remediates.
    pub const fn fixable(
        self,
        id: &'static str,
        severity: &'static str,
        doc: &'static str,
    ) -> CheckDef {
        CheckDef::new(id, self.0, severity, true, doc)
    }
}

fn pattern_matches(pattern: &str, id: &str) -> bool {
    match pattern.find('<') {
        None => pattern == id,
        Some(open) => {
            let Some(close) = pattern[open..].find('>').map(|c| open + c) else {
                return pattern == id;
            };
            let (prefix, rest) = (&pattern[..open], &pattern[close + 1..]);
            let Some(tail) = id.strip_prefix(prefix) else {
                return false;
            };
            // The placeholder takes at least one character; try every split.
            (1..=tail.len())
                .filter(|&n| tail.is_char_boundary(n))
                .any(|n| pattern_matches(rest, &tail[n..]))
        }
    }
}

/// Every check, in the order the reference can emit them.
pub fn all() -> Vec<&'static CheckDef> {
    let families: &[&[CheckDef]] = &[
        checks::summary::CHECKS,
        checks::fs::CHECKS,
        checks::gateway::CHECKS,
        checks::flags::CHECKS,
        checks::logging::CHECKS,
        checks::tools::CHECKS,
        checks::exec::CHECKS,
        checks::hooks::CHECKS,
        checks::sandbox::CHECKS,
        checks::secrets::CHECKS,
        checks::models::CHECKS,
        checks::exposure::CHECKS,
        checks::skills::CHECKS,
        checks::plugins::CHECKS,
        checks::plugin_tools::CHECKS,
        checks::channels::CHECKS,
        checks::deep::CHECKS,
        checks::meta::CHECKS,
    ];
    families.iter().flat_map(|f| f.iter()).collect()
}

/// The check a concrete checkId belongs to (exact id first, then patterns).
pub fn find(id: &str) -> Option<&'static CheckDef> {
    let all = all();
    all.iter()
        .find(|c| c.id == id)
        .or_else(|| all.iter().find(|c| c.matches(id)))
        .copied()
}

/// Is this concrete checkId one clawprint computes?
pub fn implemented(id: &str) -> bool {
    find(id).is_some_and(|c| c.implemented)
}

/// `docs/checks.md`, generated from the registry (a test keeps the committed file current).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Checks\n\nGenerated from the check registry by `clawprint checks --markdown`; do not edit by hand.\n\n\
         Check ids, severities and conditions follow `openclaw security audit` of OpenClaw 2026.5.20.\n\n\
         | id | area | severity | fixable | implemented |\n|---|---|---|---|---|\n",
    );
    for c in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.id,
            c.area.as_str(),
            c.severity,
            if c.fixable { "yes" } else { "no" },
            if c.implemented {
                "yes"
            } else {
                "no (`--deep` only in the reference)"
            }
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
    fn placeholders_match_one_or_more_characters() {
        assert!(pattern_matches(
            "channels.<id>.warning.<n>",
            "channels.irc.warning.1"
        ));
        assert!(pattern_matches(
            "channels.<id>.warning.<n>",
            "channels.nextcloud-talk.warning.12"
        ));
        assert!(!pattern_matches(
            "channels.<id>.warning.<n>",
            "channels.irc.warning."
        ));
        assert!(!pattern_matches(
            "channels.<id>.dm.open",
            "channels.irc.dm.open_invalid"
        ));
        assert!(pattern_matches(
            "tools.elevated.allowFrom.<provider>.wildcard",
            "tools.elevated.allowFrom.a.b.wildcard"
        ));
        assert!(pattern_matches("fs.config.symlink", "fs.config.symlink"));
    }

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
