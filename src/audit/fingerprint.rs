//! Stable finding fingerprints: what a finding is (its checkId) and what it is about (its subject), never its
//! prose or its position in the list.
//!
//! `fingerprint = hex(BLAKE3("clawprint/v1\0" + checkId + "\0" + subject [+ "\0#" + n]))[..32]`, where `n` counts
//! earlier findings with the same checkId and subject (the reference can emit two identical findings, e.g. for
//! `agents.list: [{id: "Ops"}]`, which audits `agents/ops` twice). So a fingerprint survives a reworded detail, a
//! changed severity, and any unrelated finding appearing or disappearing before it.

use std::collections::HashMap;

use super::finding::Finding;

/// Version tag hashed into every fingerprint; bump it if the rule changes.
pub const VERSION: &str = "clawprint/v1";

/// One fingerprint per finding, in order.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry((&f.check_id, &f.subject)).or_insert(0);
            let fp = of(&f.check_id, &f.subject, *n);
            *n += 1;
            fp
        })
        .collect()
}

/// The fingerprint of the `n`-th finding with this checkId and subject.
pub fn of(check_id: &str, subject: &str, n: usize) -> String {
    let mut h = blake3::Hasher::new();
    h.update(VERSION.as_bytes());
    h.update(b"\0");
    h.update(check_id.as_bytes());
    h.update(b"\0");
    h.update(subject.as_bytes());
    if n > 0 {
        h.update(format!("\0#{n}").as_bytes());
    }
    h.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Severity;

    fn f(id: &str, subject: &str, detail: &str) -> Finding {
        Finding::new(id, Severity::Warn, "t", detail).about(subject)
    }

    #[test]
    fn subject_not_prose_not_position() {
        let a = fingerprints(&[f("x.y", "/a", "one wording")]);
        let b = fingerprints(&[f("z", "/q", ""), f("x.y", "/a", "another wording")]);
        assert_eq!(a[0], b[1]);
        assert_ne!(b[0], b[1]);
    }

    #[test]
    fn same_check_different_subjects_differ_and_duplicates_are_numbered() {
        let fps = fingerprints(&[
            f("channels.telegram.dm.open", "telegram:a", ""),
            f("channels.telegram.dm.open", "telegram:b", ""),
            f("fs.auth_profiles.perms_readable", "/p", ""),
            f("fs.auth_profiles.perms_readable", "/p", ""),
        ]);
        let unique: std::collections::HashSet<_> = fps.iter().collect();
        assert_eq!(unique.len(), 4);
        assert_eq!(fps[2], of("fs.auth_profiles.perms_readable", "/p", 0));
        assert_eq!(fps[3], of("fs.auth_profiles.perms_readable", "/p", 1));
        assert_eq!(fps[0].len(), 32);
    }
}
