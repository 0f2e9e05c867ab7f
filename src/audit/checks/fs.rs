//! Filesystem permissions: the state dir, the config and its includes, credentials, per-agent files, the log
//! file, and synced folders. Judged on `mode & 0o777` (of a link's target when it can be stat'ed); owners are not
//! judged, like the reference.

use crate::audit::context::{octal, Ctx, Perms};
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::paths;

const FS: Family = Family(Area::Filesystem);

pub const CHECKS: &[CheckDef] = &[
    FS.check("fs.synced_dir", "warn",
        "The state dir or config path lies in a folder a sync client uploads (iCloud, Dropbox, Google Drive, OneDrive): tokens, transcripts and credentials leave the machine and are restored on other devices. Move the state dir out of the synced folder (OPENCLAW_STATE_DIR) and rotate the gateway token."),
    FS.check("fs.state_dir.symlink", "warn",
        "The state dir is a symbolic link. Whoever controls the link's target controls OpenClaw's state, so the target's location and permissions become part of the trust boundary. Prefer a real directory, or make sure the target is owned by the gateway user with mode 700."),
    FS.fixable("fs.state_dir.perms_world_writable", "critical",
        "Any local user can create, replace or delete files in the state dir: credentials, sessions and the config itself. Restrict it to the gateway user with `chmod 700` on the state dir."),
    FS.fixable("fs.state_dir.perms_group_writable", "warn",
        "Members of the state dir's group can create, replace or delete files in it. Restrict it to the gateway user with `chmod 700`."),
    FS.fixable("fs.state_dir.perms_readable", "warn",
        "Other users can list the state dir, which reveals agents, channels and session names, and can read whatever inside is not locked down separately. Use `chmod 700`."),
    FS.check("fs.config.symlink", "warn",
        "The config file is a symbolic link; whoever can change the link or its target changes gateway auth and tool policy. Make sure the target is trusted and owned by the gateway user. Readability is not judged through a link."),
    FS.fixable("fs.config.perms_writable", "critical",
        "The config file (or its link target) is writable by group or others: another user could switch off authentication or widen tool access. Use `chmod 600`."),
    FS.fixable("fs.config.perms_world_readable", "critical",
        "Every local user can read the config, which may hold gateway tokens, passwords and channel credentials. Use `chmod 600` and rotate any secret it holds."),
    FS.fixable("fs.config.perms_group_readable", "warn",
        "Members of the config file's group can read it, including any tokens and credentials it holds. Use `chmod 600`."),
    FS.fixable("fs.config_include.perms_writable", "critical",
        "A file pulled into the config with `$include` is writable by group or others: another user could change the effective config. Use `chmod 600` on the include file."),
    FS.fixable("fs.config_include.perms_world_readable", "critical",
        "A `$include` file is readable by every local user; include files often hold tokens and channel credentials. Use `chmod 600`."),
    FS.fixable("fs.config_include.perms_group_readable", "warn",
        "A `$include` file is readable by its group. Use `chmod 600`."),
    FS.fixable("fs.credentials_dir.perms_writable", "critical",
        "The credentials dir (OAuth tokens, pairing allowlists) is writable by group or others: another user could plant credentials or add themselves to an allowlist. Use `chmod 700`."),
    FS.fixable("fs.credentials_dir.perms_readable", "warn",
        "The credentials dir is readable by group or others, exposing OAuth tokens and allowlists. Use `chmod 700`."),
    FS.fixable("fs.auth_profiles.perms_writable", "critical",
        "An agent's auth-profiles.json (model API keys, OAuth tokens) is writable by group or others: another user could swap in their own credentials and read the agent's traffic. Use `chmod 600`."),
    FS.fixable("fs.auth_profiles.perms_readable", "warn",
        "An agent's auth-profiles.json is readable by group or others, exposing model API keys and OAuth tokens. Use `chmod 600` and rotate the keys."),
    FS.fixable("fs.sessions_store.perms_readable", "warn",
        "An agent's sessions.json (who talked to the agent, routing and transcript metadata) is readable by group or others. Use `chmod 600`."),
    FS.check("fs.log_file.perms_readable", "warn",
        "The file named by `logging.file` is readable by group or others; gateway logs can contain private messages and tool output. Use `chmod 600` on the log file (the reference's fix does not touch it)."),
];

fn perm_detail(path: &str, p: &Perms) -> String {
    format!("{path} mode={}", octal(p.bits))
}

/// Position 2 of the pipeline: a plain string test on the two paths.
pub fn synced_dir(ctx: &Ctx, out: &mut Vec<Finding>) {
    let h = ctx.host();
    const MARKERS: &[&str] = &[
        "icloud",
        "dropbox",
        "google drive",
        "googledrive",
        "onedrive",
    ];
    let hit = [&h.state_dir, &h.config_path].into_iter().find(|p| {
        let lower = p.to_lowercase();
        MARKERS.iter().any(|m| lower.contains(m))
    });
    if let Some(path) = hit {
        out.push(
            Finding::new(
                "fs.synced_dir",
                Severity::Warn,
                "State or config lives in a synced folder",
                format!("{path} is inside a cloud-synced folder; tokens, credentials and transcripts are copied off this machine."),
            )
            .fix("Move the state dir to a local, unsynced path (set OPENCLAW_STATE_DIR, e.g. ~/.openclaw) and rotate the gateway token.")
            .about(path.clone()),
        );
    }
}

/// Position 21: the state dir, then the config file.
pub fn state_dir_and_config(ctx: &Ctx, out: &mut Vec<Finding>) {
    let h = ctx.host();
    let state = h.state_dir.as_str();
    if let Some(p) = ctx.perms(state) {
        if p.is_symlink {
            out.push(
                Finding::new(
                    "fs.state_dir.symlink",
                    Severity::Warn,
                    "State dir is a symbolic link",
                    format!("{state} is a symlink; its target is part of the trust boundary."),
                )
                .about(state),
            );
        }
        let fix = format!("chmod 700 {state}");
        if p.world_writable() {
            out.push(
                Finding::new(
                    "fs.state_dir.perms_world_writable",
                    Severity::Critical,
                    "State dir is writable by every user",
                    format!(
                        "{}; any local user can plant or replace files in OpenClaw's state.",
                        perm_detail(state, &p)
                    ),
                )
                .fix(fix)
                .about(state),
            );
        } else if p.group_writable() {
            out.push(
                Finding::new(
                    "fs.state_dir.perms_group_writable",
                    Severity::Warn,
                    "State dir is writable by its group",
                    format!(
                        "{}; group members can plant or replace files in OpenClaw's state.",
                        perm_detail(state, &p)
                    ),
                )
                .fix(fix)
                .about(state),
            );
        } else if p.group_readable() || p.world_readable() {
            out.push(
                Finding::new(
                    "fs.state_dir.perms_readable",
                    Severity::Warn,
                    "State dir is readable by other users",
                    format!(
                        "{}; other users can list agents, channels and sessions.",
                        perm_detail(state, &p)
                    ),
                )
                .fix(fix)
                .about(state),
            );
        }
    }
    let config = h.config_path.as_str();
    if let Some(p) = ctx.perms(config) {
        if p.is_symlink {
            out.push(
                Finding::new("fs.config.symlink", Severity::Warn, "Config file is a symbolic link",
                    format!("{config} is a symlink; whoever controls its target controls gateway auth and tool policy."))
                .about(config),
            );
        }
        let fix = format!("chmod 600 {config}");
        if p.world_writable() || p.group_writable() {
            out.push(
                Finding::new(
                    "fs.config.perms_writable",
                    Severity::Critical,
                    "Config file is writable by other users",
                    format!(
                        "{}; another user could turn off auth or widen tool access.",
                        perm_detail(config, &p)
                    ),
                )
                .fix(fix)
                .about(config),
            );
        } else if !p.is_symlink && p.world_readable() {
            out.push(
                Finding::new(
                    "fs.config.perms_world_readable",
                    Severity::Critical,
                    "Config file is readable by every user",
                    format!(
                        "{}; tokens and channel credentials in it are exposed to all local users.",
                        perm_detail(config, &p)
                    ),
                )
                .fix(fix)
                .about(config),
            );
        } else if !p.is_symlink && p.group_readable() {
            out.push(
                Finding::new(
                    "fs.config.perms_group_readable",
                    Severity::Warn,
                    "Config file is readable by its group",
                    format!(
                        "{}; tokens and channel credentials in it are exposed to group members.",
                        perm_detail(config, &p)
                    ),
                )
                .fix(fix)
                .about(config),
            );
        }
    }
}

/// Position 22: every include file, in discovery order (only when the config file exists).
pub fn includes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let m = &ctx.snap.manifest;
    if !m.config.exists {
        return;
    }
    for inc in &m.config.includes {
        let path = inc.path.as_str();
        let Some(p) = ctx.perms(path) else { continue };
        let fix = format!("chmod 600 {path}");
        if p.world_writable() || p.group_writable() {
            out.push(
                Finding::new(
                    "fs.config_include.perms_writable",
                    Severity::Critical,
                    "Config include file is writable by other users",
                    format!(
                        "{}; another user could change the effective config through this $include.",
                        perm_detail(path, &p)
                    ),
                )
                .fix(fix)
                .about(path),
            );
        } else if p.world_readable() {
            out.push(
                Finding::new(
                    "fs.config_include.perms_world_readable",
                    Severity::Critical,
                    "Config include file is readable by every user",
                    format!(
                        "{}; secrets in this $include are exposed to all local users.",
                        perm_detail(path, &p)
                    ),
                )
                .fix(fix)
                .about(path),
            );
        } else if p.group_readable() {
            out.push(
                Finding::new(
                    "fs.config_include.perms_group_readable",
                    Severity::Warn,
                    "Config include file is readable by its group",
                    format!(
                        "{}; secrets in this $include are exposed to group members.",
                        perm_detail(path, &p)
                    ),
                )
                .fix(fix)
                .about(path),
            );
        }
    }
}

/// Position 23: the credentials dir, per agent auth profiles and session store, then the log file.
pub fn credentials_agents_log(ctx: &Ctx, out: &mut Vec<Finding>) {
    let h = ctx.host();
    let cred = h.credentials_dir.as_str();
    if let Some(p) = ctx.perms(cred).filter(|p| p.is_dir) {
        let fix = format!("chmod 700 {cred}");
        if p.world_writable() || p.group_writable() {
            out.push(Finding::new("fs.credentials_dir.perms_writable", Severity::Critical, "Credentials dir is writable by other users",
                format!("{}; another user could plant OAuth tokens or add entries to pairing allowlists.", perm_detail(cred, &p))).fix(fix).about(cred));
        } else if p.group_readable() || p.world_readable() {
            out.push(
                Finding::new(
                    "fs.credentials_dir.perms_readable",
                    Severity::Warn,
                    "Credentials dir is readable by other users",
                    format!(
                        "{}; OAuth tokens and pairing allowlists are exposed.",
                        perm_detail(cred, &p)
                    ),
                )
                .fix(fix)
                .about(cred),
            );
        }
    }
    let state = h.state_dir.trim_end_matches('/');
    for id in paths::fs_agent_ids(&ctx.cfg) {
        let auth = format!("{state}/agents/{id}/agent/auth-profiles.json");
        if let Some(p) = ctx.perms(&auth) {
            let fix = format!("chmod 600 {auth}");
            if p.world_writable() || p.group_writable() {
                out.push(
                    Finding::new(
                        "fs.auth_profiles.perms_writable",
                        Severity::Critical,
                        format!("Agent {id}: auth-profiles.json is writable by other users"),
                        format!(
                            "{}; another user could swap in their own model credentials.",
                            perm_detail(&auth, &p)
                        ),
                    )
                    .fix(fix)
                    .about(auth.clone()),
                );
            } else if p.world_readable() || p.group_readable() {
                out.push(
                    Finding::new(
                        "fs.auth_profiles.perms_readable",
                        Severity::Warn,
                        format!("Agent {id}: auth-profiles.json is readable by other users"),
                        format!(
                            "{}; model API keys and OAuth tokens are exposed.",
                            perm_detail(&auth, &p)
                        ),
                    )
                    .fix(fix)
                    .about(auth.clone()),
                );
            }
        }
        let store = format!("{state}/agents/{id}/sessions/sessions.json");
        if let Some(p) = ctx.perms(&store) {
            if p.world_readable() || p.group_readable() {
                out.push(
                    Finding::new(
                        "fs.sessions_store.perms_readable",
                        Severity::Warn,
                        format!("Agent {id}: sessions.json is readable by other users"),
                        format!(
                            "{}; who talked to the agent and routing metadata are exposed.",
                            perm_detail(&store, &p)
                        ),
                    )
                    .fix(format!("chmod 600 {store}"))
                    .about(store.clone()),
                );
            }
        }
    }
    if let Some(log) = paths::log_file(&ctx.cfg, &h.home, &h.cwd) {
        if let Some(p) = ctx.perms(&log) {
            if p.world_readable() || p.group_readable() {
                out.push(
                    Finding::new(
                        "fs.log_file.perms_readable",
                        Severity::Warn,
                        "Gateway log file is readable by other users",
                        format!(
                            "{}; logs can hold private messages and tool output.",
                            perm_detail(&log, &p)
                        ),
                    )
                    .fix(format!("chmod 600 {log}"))
                    .about(log.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::testkit::Host;

    #[test]
    fn state_dir_modes_pick_one_finding() {
        for (mode, id) in [
            (0o777, Some("fs.state_dir.perms_world_writable")),
            (0o770, Some("fs.state_dir.perms_group_writable")),
            (0o750, Some("fs.state_dir.perms_readable")),
            (0o705, Some("fs.state_dir.perms_readable")),
            (0o700, None),
        ] {
            let ids = Host::new("{}").dir("~/.openclaw", mode).ids();
            let fs: Vec<_> = ids
                .iter()
                .filter(|i| i.starts_with("fs.state_dir"))
                .collect();
            assert_eq!(fs.first().map(|s| s.as_str()), id, "mode {mode:o}");
            assert!(fs.len() <= 1);
        }
    }

    #[test]
    fn config_modes_and_symlink() {
        for (mode, id) in [
            (0o666, Some("fs.config.perms_writable")),
            (0o620, Some("fs.config.perms_writable")),
            (0o644, Some("fs.config.perms_world_readable")),
            (0o604, Some("fs.config.perms_world_readable")),
            (0o640, Some("fs.config.perms_group_readable")),
            (0o600, None),
        ] {
            let ids = Host::new("{}").config_mode(mode).ids();
            let fs: Vec<_> = ids.iter().filter(|i| i.starts_with("fs.config.")).collect();
            assert_eq!(fs.first().map(|s| s.as_str()), id, "mode {mode:o}");
        }
        // Through a link, readability is not judged but writability of the target is.
        let ids = Host::new("{}").config_symlink_to(0o644).ids();
        assert!(ids.contains(&"fs.config.symlink".to_string()));
        assert!(!ids.iter().any(|i| i.contains("readable")));
        let ids = Host::new("{}").config_symlink_to(0o664).ids();
        assert!(ids.contains(&"fs.config.perms_writable".to_string()));
    }

    #[test]
    fn per_agent_files_follow_the_agent_list() {
        let host = Host::new(r#"{agents: {list: [{id: "Ops"}]}}"#)
            .file("~/.openclaw/agents/ops/agent/auth-profiles.json", 0o644)
            .file("~/.openclaw/agents/main/agent/auth-profiles.json", 0o644);
        let ids = host.ids();
        // `ops` is visited twice (default id and list id), `main` not at all.
        assert_eq!(
            ids.iter()
                .filter(|i| *i == "fs.auth_profiles.perms_readable")
                .count(),
            2
        );
        let findings = host.findings();
        assert!(findings.iter().all(|f| !f.detail.contains("/agents/main/")));
    }

    #[test]
    fn log_file_and_credentials() {
        let ids = Host::new(r#"{logging: {file: "~/logs/gw.log"}}"#)
            .file("~/logs/gw.log", 0o640)
            .dir("~/.openclaw/credentials", 0o755)
            .ids();
        assert!(ids.contains(&"fs.log_file.perms_readable".to_string()));
        assert!(ids.contains(&"fs.credentials_dir.perms_readable".to_string()));
        let ids = Host::new(r#"{logging: {file: "~/logs/gw.log"}}"#)
            .file("~/logs/gw.log", 0o600)
            .ids();
        assert!(!ids.contains(&"fs.log_file.perms_readable".to_string()));
    }

    #[test]
    fn synced_folders_by_name() {
        let ids = Host::new("{}").state_dir("~/Dropbox/openclaw").ids();
        assert!(ids.contains(&"fs.synced_dir".to_string()));
        assert!(!Host::new("{}").ids().contains(&"fs.synced_dir".to_string()));
    }
}
