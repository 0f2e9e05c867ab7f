//! Workspace skills: truncated scans and `SKILL.md` files that resolve outside their workspace.
//!
//! For each agent workspace (`agents.list` order, then the default agent's, without repeats), the reference
//! scans `<workspace>/skills` breadth-first ([`paths::scan_skills`]). The audit re-runs that scan over the
//! snapshot: capture recorded every directory the scan lists with the entries that steer it (directories,
//! symlinks with their realpath, `SKILL.md` files), and the workspace's realpath (`manifest.workspaces`).

use std::collections::{HashMap, HashSet};

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::load::is_inside;
use crate::config::paths::{self, join, PathEnv, SkillEntry, SkillTree};
use crate::snapshot::{FileEntry, FileKind};

const SKILLS: Family = Family(Area::Skills);

pub const CHECKS: &[CheckDef] = &[
    SKILLS.check("skills.workspace.scan_truncated", "warn",
        "The scan of an agent workspace's `skills/` tree stopped at its budget (2000 `SKILL.md` files or 40 000 directory visits) with directories left unread, so `SKILL.md` files there were not checked for symlink escapes. One finding per workspace. Flatten the tree, remove unused skill collections, or move large ones out of the workspace."),
    SKILLS.check("skills.workspace.symlink_escape", "warn",
        "A `skills/**/SKILL.md` in an agent workspace (dot-dirs and `node_modules` excluded) resolves, through a symlinked file or directory, to a path outside the workspace's realpath: the agent loads skill instructions from a location the workspace does not control. Replace the link with a real file inside the workspace, or move shared skills to a managed skills location."),
];

/// Rows of the escape finding's detail before it summarizes the rest.
const MAX_ESCAPE_ROWS: usize = 12;

/// Position 24.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    let host = ctx.host();
    let env = PathEnv {
        home: &host.home,
        cwd: &host.cwd,
        state_dir: &host.state_dir,
        env: &ctx.env,
    };
    let mut escapes: Vec<(String, String, Option<String>)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for ws in paths::agent_workspace_dirs(&ctx.cfg, &env) {
        let ws_real = ctx
            .snap
            .manifest
            .workspaces
            .iter()
            .find(|w| w.path == ws)
            .and_then(|w| w.realpath.clone());
        let root = join(&ws, "skills");
        // `lstat`: a `skills` link is not scanned.
        if ctx.file(&root).is_none_or(|e| e.kind != FileKind::Dir) {
            continue;
        }
        let root_real = ws_real.as_deref().map(|r| join(r, "skills"));
        let mut tree = SnapshotTree::new(ctx, &root);
        let scan = paths::scan_skills(&mut tree, &root, root_real.as_deref());
        if scan.truncated {
            out.push(
                Finding::new(
                    "skills.workspace.scan_truncated",
                    Severity::Warn,
                    "Workspace skills scan stopped before the end of skills/",
                    format!(
                        "The scan of {root} hit its budget ({} SKILL.md files or {} directory visits) with \
                         directories left unread; SKILL.md files there were not checked for links that leave \
                         the workspace.",
                        paths::SKILL_SCAN_MAX_FILES,
                        paths::SKILL_SCAN_MAX_DIR_VISITS
                    ),
                )
                .fix(format!(
                    "Flatten or prune {root} (fewer directories, fewer skill collections), or move large \
                     collections out of the workspace."
                ))
                .about(ws.clone()),
            );
        }
        let ws_real = ws_real.unwrap_or_else(|| ws.clone());
        for (file, real) in scan.files {
            if !seen.insert(file.clone()) {
                continue;
            }
            match real {
                Some(r) if is_inside(&ws_real, &r) => {}
                r => escapes.push((ws.clone(), file, r)),
            }
        }
    }
    if escapes.is_empty() {
        return;
    }
    let mut rows: Vec<String> = escapes
        .iter()
        .take(MAX_ESCAPE_ROWS)
        .map(|(ws, file, real)| {
            format!(
                "- {file} (workspace {ws}) resolves to {}",
                real.as_deref().unwrap_or("an unresolvable path")
            )
        })
        .collect();
    if escapes.len() > MAX_ESCAPE_ROWS {
        rows.push(format!("- and {} more", escapes.len() - MAX_ESCAPE_ROWS));
    }
    let mut workspaces: Vec<&str> = escapes.iter().map(|e| e.0.as_str()).collect();
    workspaces.dedup();
    out.push(
        Finding::new(
            "skills.workspace.symlink_escape",
            Severity::Warn,
            "Workspace SKILL.md files resolve outside their workspace",
            format!(
                "SKILL.md files under a workspace's skills/ whose realpath is outside the workspace:\n{}",
                rows.join("\n")
            ),
        )
        .fix("Replace each linked SKILL.md (or linked skill directory) with a real copy inside the workspace, or move shared skills to a managed skills location.")
        .about(workspaces.join(",")),
    );
}

/// The recorded `skills/` tree, indexed by parent directory (names in byte order, as capture listed them).
struct SnapshotTree<'a> {
    children: HashMap<&'a str, Vec<(&'a str, &'a FileEntry)>>,
}

impl<'a> SnapshotTree<'a> {
    fn new(ctx: &'a Ctx, root: &str) -> SnapshotTree<'a> {
        let prefix = format!("{root}/");
        let files = &ctx.snap.manifest.files;
        let start = files.partition_point(|e| e.path.as_str() < prefix.as_str());
        let mut children: HashMap<&str, Vec<(&str, &FileEntry)>> = HashMap::new();
        for e in files[start..]
            .iter()
            .take_while(|e| e.path.starts_with(&prefix))
        {
            if let Some((parent, name)) = e.path.rsplit_once('/') {
                children.entry(parent).or_default().push((name, e));
            }
        }
        SnapshotTree { children }
    }
}

impl SkillTree for SnapshotTree<'_> {
    fn list(&mut self, dir: &str) -> Vec<(String, SkillEntry)> {
        let Some(list) = self.children.get(dir) else {
            return Vec::new();
        };
        list.iter()
            .map(|(name, e)| {
                let kind = match e.kind {
                    FileKind::Dir => SkillEntry::Dir,
                    FileKind::File => SkillEntry::File,
                    FileKind::Symlink => match e.resolved.as_ref() {
                        Some(r) if r.kind == Some(FileKind::Dir) => {
                            SkillEntry::LinkDir(r.realpath.clone())
                        }
                        Some(r) if r.kind == Some(FileKind::File) => {
                            SkillEntry::LinkFile(r.realpath.clone())
                        }
                        _ => SkillEntry::Other,
                    },
                    _ => SkillEntry::Other,
                };
                (name.to_string(), kind)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    const WS: &str = "~/.openclaw/workspace";

    fn ws() -> Host {
        Host::new("{}")
            .dir(WS, 0o700)
            .dir("~/.openclaw/workspace/skills", 0o700)
            .workspace(WS, WS)
    }

    fn skill_findings(h: &Host) -> Vec<Finding> {
        h.findings()
            .into_iter()
            .filter(|f| f.check_id.starts_with("skills."))
            .collect()
    }

    #[test]
    fn escapes_through_file_and_dir_links() {
        let h = ws()
            .dir("~/.openclaw/workspace/skills/a", 0o700)
            .symlink_to(
                "~/.openclaw/workspace/skills/a/SKILL.md",
                FileKind::File,
                "~/outside/a.md",
            )
            .symlink_to(
                "~/.openclaw/workspace/skills/b",
                FileKind::Dir,
                "~/shared/b",
            )
            .file("~/.openclaw/workspace/skills/b/SKILL.md", 0o600);
        let f = skill_findings(&h);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check_id, "skills.workspace.symlink_escape");
        assert!(
            f[0].detail.contains("/home/user/outside/a.md"),
            "{}",
            f[0].detail
        );
        assert!(
            f[0].detail.contains("/home/user/shared/b/SKILL.md"),
            "{}",
            f[0].detail
        );
        assert_eq!(f[0].subject, "/home/user/.openclaw/workspace");
    }

    #[test]
    fn links_inside_the_workspace_and_skipped_names_are_fine() {
        let h = ws()
            .dir("~/.openclaw/workspace/real", 0o700)
            .file("~/.openclaw/workspace/real/SKILL.md", 0o600)
            .symlink_to(
                "~/.openclaw/workspace/skills/in",
                FileKind::Dir,
                "~/.openclaw/workspace/real",
            )
            .symlink_to(
                "~/.openclaw/workspace/skills/SKILL.md",
                FileKind::File,
                "~/.openclaw/workspace/real/SKILL.md",
            )
            .dir("~/.openclaw/workspace/skills/.hidden", 0o700)
            .symlink_to(
                "~/.openclaw/workspace/skills/.hidden/SKILL.md",
                FileKind::File,
                "/etc/x",
            )
            .dir("~/.openclaw/workspace/skills/node_modules", 0o700)
            .symlink_to(
                "~/.openclaw/workspace/skills/node_modules/SKILL.md",
                FileKind::File,
                "/etc/x",
            )
            .symlink_to(
                "~/.openclaw/workspace/skills/other.md",
                FileKind::File,
                "/etc/x",
            )
            .symlink_to("~/.openclaw/workspace/skills/dangling", None, "/nowhere");
        assert!(skill_findings(&h).is_empty());
    }

    #[test]
    fn a_linked_skills_root_is_not_scanned() {
        let h = Host::new("{}")
            .dir(WS, 0o700)
            .symlink_to("~/.openclaw/workspace/skills", FileKind::Dir, "/srv/skills")
            .file("~/.openclaw/workspace/skills/SKILL.md", 0o600)
            .workspace(WS, WS);
        assert!(skill_findings(&h).is_empty());
    }

    #[test]
    fn the_workspace_realpath_is_the_boundary() {
        // The workspace itself is a link to /data/ws: files there are inside.
        let h = Host::new("{}")
            .dir("~/.openclaw/workspace/skills", 0o700)
            .symlink_to(
                "~/.openclaw/workspace/skills/SKILL.md",
                FileKind::File,
                "/data/ws/x/SKILL.md",
            )
            .workspace(WS, "/data/ws");
        assert!(skill_findings(&h).is_empty());
        let h = Host::new("{}")
            .dir("~/.openclaw/workspace/skills", 0o700)
            .symlink_to(
                "~/.openclaw/workspace/skills/SKILL.md",
                FileKind::File,
                "/data/ws2/SKILL.md",
            )
            .workspace(WS, "/data/ws");
        assert_eq!(skill_findings(&h).len(), 1);
    }

    fn one_file_dirs(n: usize) -> Host {
        let mut h = ws();
        for i in 0..n {
            let d = format!("~/.openclaw/workspace/skills/d{i:04}");
            h = h.dir(&d, 0o700).file(&format!("{d}/SKILL.md"), 0o600);
        }
        h
    }

    #[test]
    fn truncation_at_the_file_limit() {
        assert!(skill_findings(&one_file_dirs(2000)).is_empty());
        let f = skill_findings(&one_file_dirs(2001));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check_id, "skills.workspace.scan_truncated");
        assert_eq!(f[0].subject, "/home/user/.openclaw/workspace");
    }

    #[test]
    fn workspaces_per_agent_and_order() {
        let cfg = r#"{"agents":{"defaults":{"workspace":"~/wsd"},"list":[{"id":"a","workspace":"~/wa"},{"id":"b"},{"id":"A"}]}}"#;
        let env = std::collections::BTreeMap::new();
        let p = PathEnv {
            home: "/h",
            cwd: "/c",
            state_dir: "/h/.openclaw",
            env: &env,
        };
        let cfg: serde_json::Value = serde_json::from_str(cfg).unwrap();
        assert_eq!(paths::agent_workspace_dirs(&cfg, &p), ["/h/wa", "/h/wsd/b"]);
        let none =
            serde_json::json!({"agents": {"list": [{"id": "x"}, {"id": "y", "default": true}]}});
        assert_eq!(
            paths::agent_workspace_dirs(&none, &p),
            ["/h/.openclaw/workspace-x", "/h/.openclaw/workspace"]
        );
        let mut env = std::collections::BTreeMap::new();
        env.insert("OPENCLAW_PROFILE".to_string(), " work ".to_string());
        let p2 = PathEnv { env: &env, ..p };
        assert_eq!(
            paths::agent_workspace_dirs(&serde_json::json!({}), &p2),
            ["/h/.openclaw/workspace-work"]
        );
        env.insert("OPENCLAW_PROFILE".to_string(), "Default".to_string());
        let p3 = PathEnv { env: &env, ..p };
        assert_eq!(
            paths::agent_workspace_dirs(&serde_json::json!({}), &p3),
            ["/h/.openclaw/workspace"]
        );
    }

    #[test]
    fn truncated_rows_come_before_the_escape_row() {
        let mut h = one_file_dirs(2001).symlink_to(
            "~/.openclaw/workspace/skills/SKILL.md",
            FileKind::File,
            "/etc/SKILL.md",
        );
        h = h.dir("~/.openclaw/workspace/skills/d0000/x", 0o700);
        let ids: Vec<String> = skill_findings(&h).into_iter().map(|f| f.check_id).collect();
        assert_eq!(
            ids,
            [
                "skills.workspace.scan_truncated",
                "skills.workspace.symlink_escape"
            ]
        );
    }
}
