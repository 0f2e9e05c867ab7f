//! Diff stage: what changed between two audits (new, resolved, changed findings) and, when both sides are
//! snapshots, what changed on the host that explains it. Pure: inputs are in-memory values.
//!
//! Findings are matched by fingerprint (checkId + subject, see [`crate::audit::fingerprint`]) when both sides
//! carry fingerprints (snapshots, clawprint reports). A report without fingerprints (the reference's own
//! `--json`) is matched on checkId + detail first, then on checkId alone in order of appearance.

pub mod host;
pub mod input;

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::Serialize;

use crate::audit::Severity;

pub use host::{HostChange, HostChanges};
pub use input::{Input, InputError};

/// One finding as the diff sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub check_id: String,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// What it is about (only known for findings computed from a snapshot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// A finding present on both sides whose severity or detail changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Changed {
    pub before: Item,
    pub after: Item,
}

impl Changed {
    pub fn severity_changed(&self) -> bool {
        self.before.severity != self.after.severity
    }
}

/// How findings were matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Matching {
    Fingerprint,
    CheckIdDetail,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub new: usize,
    pub resolved: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// A host change linked to a finding it plausibly explains (same key or path, or one inside the other).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    pub fingerprint: Option<String>,
    pub check_id: String,
    pub changes: Vec<HostChange>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Diff {
    pub old: Side,
    pub new_side: Side,
    pub matching: Matching,
    pub counts: Counts,
    pub new: Vec<Item>,
    pub resolved: Vec<Item>,
    pub changed: Vec<Changed>,
    pub unchanged: Vec<Item>,
    /// Only when both sides are snapshots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_changes: Option<HostChanges>,
    pub causes: Vec<Cause>,
}

/// Where one side came from.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    pub kind: &'static str,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
}

/// Gate for CI (`diff --fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Any new finding.
    New,
    /// A new critical finding, or one that became critical.
    NewCritical,
    /// Any critical finding on the new side.
    AnyCritical,
}

impl Diff {
    pub fn fails(&self, gate: Gate) -> bool {
        match gate {
            Gate::New => !self.new.is_empty(),
            Gate::NewCritical => {
                self.new.iter().any(|i| i.severity == Severity::Critical)
                    || self
                        .changed
                        .iter()
                        .any(|c| c.after.severity == Severity::Critical && c.severity_changed())
            }
            Gate::AnyCritical => self
                .new
                .iter()
                .chain(self.changed.iter().map(|c| &c.after))
                .chain(self.unchanged.iter())
                .any(|i| i.severity == Severity::Critical),
        }
    }
}

/// Compare two audited inputs.
pub fn diff(old_in: &Input, new_in: &Input) -> Diff {
    let (a, b) = (old_in.items(), new_in.items());
    let by_fingerprint = a.iter().chain(b.iter()).all(|i| i.fingerprint.is_some())
        && !(a.is_empty() && b.is_empty());
    let (pairs, only_old, only_new) = if by_fingerprint {
        match_by(&a, &b, |i| i.fingerprint.clone().unwrap_or_default())
    } else {
        match_loose(&a, &b)
    };
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    for (i, j) in pairs {
        let (x, y) = (&a[i], &b[j]);
        if x.severity != y.severity || x.detail != y.detail {
            changed.push(Changed {
                before: x.clone(),
                after: y.clone(),
            });
        } else {
            unchanged.push(y.clone());
        }
    }
    let new: Vec<Item> = only_new.into_iter().map(|j| b[j].clone()).collect();
    let resolved: Vec<Item> = only_old.into_iter().map(|i| a[i].clone()).collect();
    let host_changes = match (old_in.snapshot(), new_in.snapshot()) {
        (Some(x), Some(y)) => Some(host::changes(x, y)),
        _ => None,
    };
    let causes = host_changes
        .as_ref()
        .map(|h| link_causes(h, &new, &resolved, &changed))
        .unwrap_or_default();
    Diff {
        old: old_in.side(),
        new_side: new_in.side(),
        matching: if by_fingerprint {
            Matching::Fingerprint
        } else {
            Matching::CheckIdDetail
        },
        counts: Counts {
            new: new.len(),
            resolved: resolved.len(),
            changed: changed.len(),
            unchanged: unchanged.len(),
        },
        new,
        resolved,
        changed,
        unchanged,
        host_changes,
        causes,
    }
}

type Matched = (Vec<(usize, usize)>, Vec<usize>, Vec<usize>);

/// Pair items with equal keys, first with first (keys may repeat).
fn match_by(a: &[Item], b: &[Item], key: impl Fn(&Item) -> String) -> Matched {
    let mut pool: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, y) in b.iter().enumerate().rev() {
        pool.entry(key(y)).or_default().push(j);
    }
    let mut pairs = Vec::new();
    let mut only_old = Vec::new();
    for (i, x) in a.iter().enumerate() {
        match pool.get_mut(&key(x)).and_then(Vec::pop) {
            Some(j) => pairs.push((i, j)),
            None => only_old.push(i),
        }
    }
    let mut used = vec![false; b.len()];
    for &(_, j) in &pairs {
        used[j] = true;
    }
    let only_new = (0..b.len()).filter(|&j| !used[j]).collect();
    (pairs, only_old, only_new)
}

/// Without fingerprints: exact checkId + detail first, then what is left of each checkId in order.
fn match_loose(a: &[Item], b: &[Item]) -> Matched {
    let (mut pairs, rest_a, rest_b) = match_by(a, b, |i| format!("{}\0{}", i.check_id, i.detail));
    let sub_a: Vec<Item> = rest_a.iter().map(|&i| a[i].clone()).collect();
    let sub_b: Vec<Item> = rest_b.iter().map(|&j| b[j].clone()).collect();
    let (p2, oa, ob) = match_by(&sub_a, &sub_b, |i| i.check_id.clone());
    pairs.extend(p2.into_iter().map(|(i, j)| (rest_a[i], rest_b[j])));
    let mut only_old: Vec<usize> = oa.into_iter().map(|i| rest_a[i]).collect();
    let mut only_new: Vec<usize> = ob.into_iter().map(|j| rest_b[j]).collect();
    pairs.sort();
    only_old.sort();
    only_new.sort();
    (pairs, only_old, only_new)
}

/// Is a host change about the same thing as a finding's subject? A path only by itself (a dir's finding is
/// about its own mode, not its contents); a config key also by containment either way (`gateway.auth` and
/// `gateway.auth.token`).
fn related(subject: &str, key: &str) -> bool {
    if subject.starts_with('/') {
        return subject == key;
    }
    fn inside(outer: &str, inner: &str) -> bool {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with(['.', '/', '[']))
    }
    !subject.is_empty() && (subject == key || inside(subject, key) || inside(key, subject))
}

fn link_causes(
    h: &HostChanges,
    new: &[Item],
    resolved: &[Item],
    changed: &[Changed],
) -> Vec<Cause> {
    let all = h.all();
    let mut out = Vec::new();
    let items = new
        .iter()
        .chain(resolved.iter())
        .chain(changed.iter().map(|c| &c.after));
    let mut seen: BTreeMap<(String, Option<String>), ()> = BTreeMap::new();
    for item in items {
        let Some(subject) = item.subject.as_deref() else {
            continue;
        };
        let changes: Vec<HostChange> = all
            .iter()
            .filter(|c| related(subject, &c.key))
            .map(|c| (*c).clone())
            .collect();
        if changes.is_empty()
            || seen
                .insert((item.check_id.clone(), item.fingerprint.clone()), ())
                .is_some()
        {
            continue;
        }
        out.push(Cause {
            fingerprint: item.fingerprint.clone(),
            check_id: item.check_id.clone(),
            changes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, sev: Severity, detail: &str, fp: Option<&str>) -> Item {
        Item {
            check_id: id.into(),
            severity: sev,
            title: "t".into(),
            detail: detail.into(),
            remediation: None,
            fingerprint: fp.map(String::from),
            subject: None,
        }
    }

    #[test]
    fn loose_matching_prefers_equal_details_then_order() {
        let a = [
            item("x", Severity::Warn, "one", None),
            item("x", Severity::Warn, "two", None),
            item("gone", Severity::Info, "", None),
        ];
        let b = [
            item("x", Severity::Warn, "two", None),
            item("x", Severity::Critical, "three", None),
            item("fresh", Severity::Info, "", None),
        ];
        let (pairs, only_old, only_new) = match_loose(&a, &b);
        assert_eq!(pairs, [(0, 1), (1, 0)]);
        assert_eq!(only_old, [2]);
        assert_eq!(only_new, [2]);
    }

    #[test]
    fn relation_is_by_key_boundaries() {
        assert!(related("gateway.auth", "gateway.auth.token"));
        assert!(related("gateway.auth.token", "gateway.auth"));
        assert!(!related("gateway.auth", "gateway.authority"));
        assert!(!related("/h/.openclaw", "/h/.openclaw/openclaw.json"));
        assert!(related("/h/.openclaw", "/h/.openclaw"));
        assert!(related("agents.list", "agents.list[0].id"));
        assert!(!related("", "x"));
    }
}
