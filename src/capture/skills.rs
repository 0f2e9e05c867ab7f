//! Workspace skills: for every agent workspace (which may live outside the state tree) that has a `skills/`
//! directory, its realpath and the part of `skills/` the reference's scan reads: every directory it lists, with
//! the entries that steer the scan (directories, symlinks, `SKILL.md` files) recorded as file entries (links with
//! their realpath). The audit re-runs the same scan ([`paths::scan_skills`]) on these entries, so the verdicts,
//! including where the scan stops, are recomputed from facts.

use std::path::Path;

use super::{hostfs, Capturer};
use crate::config::load::Loaded;
use crate::config::paths::{self, PathEnv, SkillEntry, SkillTree};
use crate::snapshot::{FileKind, WorkspaceFacts};

/// Entries recorded per workspace scan. The scan reads at most 40 000 directories and finds at most one
/// `SKILL.md` per directory, so a tree that needs more than this has over 40 000 directories queued and is
/// truncated whatever else it holds: stopping here keeps that verdict exact.
pub(super) const MAX_SKILL_ENTRIES: usize = 100_000;

pub(super) fn capture(c: &mut Capturer, loaded: &Loaded) -> Vec<WorkspaceFacts> {
    let (home, cwd, state) = (
        c.loc.home.to_string_lossy().into_owned(),
        c.loc.cwd.to_string_lossy().into_owned(),
        c.loc.state_dir.to_string_lossy().into_owned(),
    );
    let env = PathEnv {
        home: &home,
        cwd: &cwd,
        state_dir: &state,
        env: &loaded.env,
    };
    let mut out = Vec::new();
    for ws in paths::agent_workspace_dirs(&loaded.resolved, &env) {
        let ws_path = Path::new(&ws);
        let root = ws_path.join("skills");
        // The scan starts only when `skills` itself is a directory (`lstat`, a link is not followed).
        if c.record(&root) != Some(FileKind::Dir) {
            continue;
        }
        c.record(ws_path);
        let realpath = hostfs::realpath(ws_path).ok().map(|p| c.rec(&p));
        out.push(WorkspaceFacts {
            path: c.rec(ws_path),
            realpath,
        });
        let root_str = root.to_string_lossy().into_owned();
        let root_real = hostfs::realpath(&root)
            .ok()
            .map(|p| p.to_string_lossy().into_owned());
        let mut tree = HostTree {
            c: &mut *c,
            recorded: 0,
            capped: false,
        };
        paths::scan_skills(&mut tree, &root_str, root_real.as_deref());
        if tree.capped {
            c.diag(
                &root,
                "skills.scan_capped",
                format!(
                    "skills tree has more than {MAX_SKILL_ENTRIES} directories and links; the rest is not \
                     listed (the scan of it is truncated either way)"
                ),
            );
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// The host seen through the scan: every entry it returns is recorded.
struct HostTree<'c, 'a> {
    c: &'c mut Capturer<'a>,
    recorded: usize,
    capped: bool,
}

impl SkillTree for HostTree<'_, '_> {
    fn list(&mut self, dir: &str) -> Vec<(String, SkillEntry)> {
        let dir_path = Path::new(dir);
        let mut names = match hostfs::read_dir_names(dir_path) {
            Ok(n) => n,
            Err(e) => {
                self.c.diag(
                    dir_path,
                    "readdir.failed",
                    format!("cannot list directory: {e}"),
                );
                return Vec::new();
            }
        };
        names.sort();
        let mut out = Vec::new();
        for name in names {
            let name = name.to_string_lossy().into_owned();
            if paths::skill_scan_skips(&name) {
                continue;
            }
            if self.recorded >= MAX_SKILL_ENTRIES {
                self.capped = true;
                break;
            }
            let path = dir_path.join(&name);
            let Ok(st) = hostfs::lstat(&path) else {
                continue;
            };
            let kind = match st.kind {
                FileKind::Dir => SkillEntry::Dir,
                FileKind::File if name == paths::SKILL_FILE_NAME => SkillEntry::File,
                FileKind::Symlink => match hostfs::stat(&path).map(|s| s.kind) {
                    Ok(k @ (FileKind::Dir | FileKind::File)) => {
                        let real = hostfs::realpath(&path)
                            .ok()
                            .map(|p| p.to_string_lossy().into_owned());
                        if k == FileKind::Dir {
                            SkillEntry::LinkDir(real)
                        } else if name == paths::SKILL_FILE_NAME {
                            SkillEntry::LinkFile(real)
                        } else {
                            continue;
                        }
                    }
                    _ => continue,
                },
                _ => continue,
            };
            self.c.record(&path);
            self.recorded += 1;
            out.push((name, kind));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;

    use crate::audit::audit;
    use crate::capture::{capture, CaptureOptions, HostSpec};

    fn ids(snap: &crate::snapshot::Snapshot) -> Vec<String> {
        audit(snap)
            .findings
            .into_iter()
            .map(|f| f.check_id)
            .filter(|i| i.starts_with("skills."))
            .collect()
    }

    #[test]
    fn records_workspaces_outside_the_state_tree_and_their_links() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        fs::create_dir_all(home.join(".openclaw")).unwrap();
        fs::write(
            home.join(".openclaw/openclaw.json"),
            r#"{"agents":{"list":[{"id":"ops","workspace":"~/work/ops"}]}}"#,
        )
        .unwrap();
        let skills = home.join("work/ops/skills");
        fs::create_dir_all(skills.join("a")).unwrap();
        fs::create_dir_all(home.join("elsewhere/sub")).unwrap();
        fs::write(home.join("elsewhere/SKILL.md"), "x").unwrap();
        fs::write(home.join("elsewhere/sub/SKILL.md"), "x").unwrap();
        fs::write(skills.join("a/SKILL.md"), "x").unwrap();
        symlink("../../../elsewhere", skills.join("linked")).unwrap();
        // A loop back to the skills root: visited once by realpath.
        symlink("..", skills.join("a/up")).unwrap();
        fs::write(skills.join("a/README.md"), "not recorded").unwrap();

        let opts = CaptureOptions {
            home_alias: Some("/home/user".into()),
            ..CaptureOptions::default()
        };
        let snap = capture(&HostSpec::for_home(home), &opts).unwrap();
        let m = &snap.manifest;
        assert_eq!(m.workspaces.len(), 1);
        assert_eq!(m.workspaces[0].path, "/home/user/work/ops");
        assert_eq!(
            m.workspaces[0].realpath.as_deref(),
            Some("/home/user/work/ops")
        );
        let linked = snap.file("/home/user/work/ops/skills/linked").unwrap();
        assert_eq!(
            linked.resolved.as_ref().unwrap().realpath.as_deref(),
            Some("/home/user/elsewhere")
        );
        assert!(snap
            .file("/home/user/work/ops/skills/linked/sub/SKILL.md")
            .is_some());
        assert!(snap
            .file("/home/user/work/ops/skills/a/README.md")
            .is_none());
        assert_eq!(ids(&snap), ["skills.workspace.symlink_escape"]);
        let detail = &audit(&snap).findings.last().unwrap().detail.clone();
        assert!(detail.contains("skills/linked/sub/SKILL.md"), "{detail}");
        assert!(!detail.contains("skills/a/SKILL.md"), "{detail}");

        let raw = capture(
            &HostSpec::for_home(home),
            &CaptureOptions {
                redact: false,
                ..opts
            },
        )
        .unwrap();
        assert_eq!(audit(&raw).findings, audit(&snap).findings);
    }

    #[test]
    fn no_skills_dir_records_no_workspace() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        fs::create_dir_all(home.join(".openclaw/workspace")).unwrap();
        fs::write(home.join(".openclaw/openclaw.json"), "{}").unwrap();
        let snap = capture(&HostSpec::for_home(home), &CaptureOptions::default()).unwrap();
        assert!(snap.manifest.workspaces.is_empty());
        assert!(ids(&snap).is_empty());
    }
}
