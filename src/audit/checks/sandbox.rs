//! Sandbox configuration: Docker settings that do nothing, dangerous binds and namespaces, browser containers.
//!
//! OpenClaw 2026.5.20 refuses to load configs with non-absolute binds, `host` networking, `container:` networking
//! without the break-glass flag, or unconfined seccomp/AppArmor profiles, so its audit never reports them; clawprint
//! audits such configs anyway and reports them with the same checkIds (catalogue §3, errata).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{bullet_list, Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::load;
use crate::config::paths::{
    bind_source, is_windows_drive_path, normalize_agent_id, normalize_sandbox_path,
    sandbox_home_roots, sandbox_path_is_absolute, sandbox_path_key,
};
use crate::config::secret::js_trim;

const SANDBOX: Family = Family(Area::Sandbox);

pub const CHECKS: &[CheckDef] = &[
    SANDBOX.check("sandbox.docker_config_mode_off", "warn",
        "Docker sandbox settings are configured (`agents.defaults.sandbox.docker`, or an agent's own `sandbox.docker`) but the sandbox mode that would use them resolves to `off` (the default), so agents run on the host and the settings give a false sense of isolation. Set `agents.defaults.sandbox.mode` (or the agent's `sandbox.mode`) to `\"non-main\"` or `\"all\"`, or remove the unused docker settings."),
    SANDBOX.check("sandbox.bind_mount_non_absolute", "warn",
        "A sandbox bind (`…sandbox.docker.binds`) has a source that is not an absolute host path (a relative path or a named volume), which cannot be checked against the blocked host paths and may resolve somewhere unexpected. OpenClaw 2026.5.20 refuses such a config; clawprint reports it. Rewrite the bind with an absolute source, e.g. `/home/user/project:/project:ro`."),
    SANDBOX.check("sandbox.dangerous_bind_mount", "critical",
        "A sandbox bind mounts `/`, a system directory (`/etc`, `/proc`, `/sys`, `/dev`, `/root`, `/boot`, `/run`, `/var/run`, their macOS `/private` forms), the Docker socket, or a credential dir under a home root (`.aws`, `.cargo`, `.config`, `.docker`, `.gnupg`, `.netrc`, `.npm`, `.ssh` under `$OPENCLAW_HOME`, `$HOME`, `$USERPROFILE`), also after resolving symlinks through the source's deepest existing ancestor. Sandboxed code could read host secrets or take over the host through the Docker socket. Remove the bind and mount a project-specific directory instead. Binding an ancestor such as the home dir itself is not flagged, as in the reference."),
    SANDBOX.check("sandbox.dangerous_network_mode", "critical",
        "A sandbox's `docker.network` is `host` (no network isolation: sandboxed code reaches every host-local service) or `container:<name>` (joins another container's network namespace). OpenClaw 2026.5.20 accepts `container:` only with `dangerouslyAllowContainerNamespaceJoin: true` and refuses `host`; clawprint reports both. Use `bridge`, `none` or a dedicated bridge network."),
    SANDBOX.check("sandbox.dangerous_seccomp_profile", "critical",
        "A sandbox's `docker.seccompProfile` is `unconfined`, which turns off syscall filtering and widens the kernel attack surface available to sandboxed code. OpenClaw 2026.5.20 refuses such a config; clawprint reports it. Remove the setting or point it at a custom seccomp profile file."),
    SANDBOX.check("sandbox.dangerous_apparmor_profile", "critical",
        "A sandbox's `docker.apparmorProfile` is `unconfined`, which turns off AppArmor confinement of sandbox containers. OpenClaw 2026.5.20 refuses such a config; clawprint reports it. Remove the setting or name a real AppArmor profile."),
    SANDBOX.check("sandbox.browser_container.hash_label_missing", "warn",
        "A sandbox-browser container (Docker label `openclaw.sandboxBrowser=1`) has no `openclaw.configHash` label: it predates config-drift tracking and may lack later security fixes. Needs `clawprint capture --docker`. Recreate the containers: `openclaw sandbox recreate --browser --all`."),
    SANDBOX.check("sandbox.browser_container.hash_epoch_stale", "warn",
        "A sandbox-browser container's `openclaw.browserConfigEpoch` label is missing or is not `2026-05-12-cdp-relay-auth`, so it was created before the current browser security settings (CDP relay auth). Needs `clawprint capture --docker`. Recreate the containers: `openclaw sandbox recreate --browser --all`."),
    SANDBOX.check("sandbox.browser_container.non_loopback_publish", "critical",
        "A sandbox-browser container publishes a port on an address other than `127.0.0.1`, `::1` or `localhost` (`docker port`), so its browser control or observer port is reachable from the network. Needs `clawprint capture --docker`. Recreate the containers (`openclaw sandbox recreate --browser --all`) and check that ports bind to 127.0.0.1."),
];

/// The browser config epoch current sandbox-browser containers carry (2026.5.20).
pub const BROWSER_CONFIG_EPOCH: &str = "2026-05-12-cdp-relay-auth";

const BLOCKED_HOST_PATHS: &[&str] = &[
    "/etc",
    "/private/etc",
    "/proc",
    "/sys",
    "/dev",
    "/root",
    "/boot",
    "/run",
    "/var/run",
    "/private/var/run",
    "/var/run/docker.sock",
    "/private/var/run/docker.sock",
    "/run/docker.sock",
];

const BLOCKED_HOME_SUBPATHS: &[&str] = &[
    ".aws", ".cargo", ".config", ".docker", ".gnupg", ".netrc", ".npm", ".ssh",
];

fn agent_entries<'a>(ctx: &'a Ctx) -> &'a [Value] {
    ctx.get("/agents/list")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A value that is set in JavaScript's `??` sense.
fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// `resolveSandboxConfigForAgent(cfg, id).mode`: the first `agents.list` entry whose normalized id matches, its
/// `sandbox.mode` when its `sandbox` is truthy, else `agents.defaults.sandbox.mode`, else `"off"`.
fn sandbox_mode<'a>(ctx: &'a Ctx, id: &str) -> Option<&'a Value> {
    let want = normalize_agent_id(id);
    let entry = agent_entries(ctx).iter().find(|e| {
        e.is_object()
            && normalize_agent_id(e.get("id").and_then(Value::as_str).unwrap_or("")) == want
    });
    let own = entry
        .and_then(|e| e.get("sandbox"))
        .filter(|s| crate::config::paths::truthy(Some(s)));
    present(own.and_then(|s| s.get("mode")))
        .or_else(|| present(ctx.get("/agents/defaults/sandbox/mode")))
}

fn mode_is_off(mode: Option<&Value>) -> bool {
    mode.is_none_or(|m| m.as_str() == Some("off"))
}

/// A docker config object with at least one key (JSON has no `undefined` values).
fn has_docker_config(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        _ => false,
    }
}

/// Entries with a string id, as the sandbox collectors consider them.
fn agents_with_id<'a>(ctx: &'a Ctx) -> impl Iterator<Item = (&'a str, &'a Value)> {
    agent_entries(ctx)
        .iter()
        .filter_map(|e| Some((e.get("id")?.as_str()?, e)))
}

/// Positions 11–12: docker config with sandbox off, then dangerous binds / network / profiles.
pub fn config(ctx: &Ctx, out: &mut Vec<Finding>) {
    docker_config_mode_off(ctx, out);
    dangerous_config(ctx, out);
}

fn docker_config_mode_off(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut paths: Vec<String> = Vec::new();
    let default_mode_off = mode_is_off(present(ctx.get("/agents/defaults/sandbox/mode")));
    let any_agent_on = agents_with_id(ctx).any(|(id, _)| !mode_is_off(sandbox_mode(ctx, id)));
    if has_docker_config(ctx.get("/agents/defaults/sandbox/docker"))
        && default_mode_off
        && !any_agent_on
    {
        paths.push("agents.defaults.sandbox.docker".into());
    }
    for (id, e) in agents_with_id(ctx) {
        if has_docker_config(e.pointer("/sandbox/docker")) && mode_is_off(sandbox_mode(ctx, id)) {
            paths.push(format!("agents.list.{id}.sandbox.docker"));
        }
    }
    if paths.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "sandbox.docker_config_mode_off",
            Severity::Warn,
            "Docker sandbox settings have no effect: sandbox mode is off",
            format!(
                "The sandbox mode that would use these docker settings resolves to \"off\", so agents run unsandboxed on the host:\n{}",
                bullet_list(&paths)
            ),
        )
        .fix("Set agents.defaults.sandbox.mode (or the agent's sandbox.mode) to \"non-main\" or \"all\", or delete the unused docker settings.")
        .about(paths.join(",")),
    );
}

/// Why a bind is dangerous.
#[derive(Debug, PartialEq, Eq)]
enum BindProblem {
    NonAbsolute(String),
    /// The source is `/`.
    CoversRoot,
    /// The source (or its realpath, when `via_realpath`) is a blocked path or inside one.
    Targets {
        blocked: String,
        resolved: String,
        via_realpath: bool,
    },
}

/// The blocked host paths and the realpath resolution the audit reads from the snapshot.
struct BindPolicy<'a> {
    ctx: &'a Ctx<'a>,
    blocked: Vec<String>,
}

impl<'a> BindPolicy<'a> {
    fn new(ctx: &'a Ctx<'a>) -> BindPolicy<'a> {
        let mut blocked: Vec<String> = Vec::new();
        let mut add = |p: String| {
            if !blocked.contains(&p) {
                blocked.push(p);
            }
        };
        for p in BLOCKED_HOST_PATHS {
            add(normalize_sandbox_path(p));
        }
        let host = ctx.host();
        let mut roots: Vec<String> = Vec::new();
        for r in sandbox_home_roots(&ctx.env, &host.home, &host.cwd) {
            let canonical = canonical(ctx, &r);
            for p in [r, canonical] {
                if p != "/" && !roots.contains(&p) {
                    roots.push(p);
                }
            }
        }
        for root in &roots {
            for sub in BLOCKED_HOME_SUBPATHS {
                add(normalize_sandbox_path(&load::normalize(&format!(
                    "{root}/{sub}"
                ))));
            }
        }
        BindPolicy { ctx, blocked }
    }

    /// The blocked path a source is or lies in (the most specific one, e.g. the Docker socket over `/var/run`).
    fn blocked_by(&self, source: &str) -> Option<&str> {
        let key = sandbox_path_key(source);
        self.blocked
            .iter()
            .map(String::as_str)
            .filter(|b| {
                let bk = sandbox_path_key(b);
                key == bk || key.starts_with(&format!("{bk}/"))
            })
            .max_by_key(|b| b.len())
    }

    fn problem(&self, bind: &str) -> Option<BindProblem> {
        let raw = bind_source(bind);
        if !sandbox_path_is_absolute(&raw) {
            return Some(BindProblem::NonAbsolute(raw));
        }
        let normalized = normalize_sandbox_path(&raw);
        if normalized == "/" {
            return Some(BindProblem::CoversRoot);
        }
        if let Some(b) = self.blocked_by(&normalized) {
            return Some(BindProblem::Targets {
                blocked: b.to_string(),
                resolved: normalized,
                via_realpath: false,
            });
        }
        let real = canonical(self.ctx, &normalized);
        if real == normalized {
            return None;
        }
        if real == "/" {
            return Some(BindProblem::CoversRoot);
        }
        self.blocked_by(&real).map(|b| BindProblem::Targets {
            blocked: b.to_string(),
            resolved: real.clone(),
            via_realpath: true,
        })
    }
}

/// A normalized absolute path resolved through its deepest existing ancestor, from the capture's record; the path
/// itself when nothing was recorded (as OpenClaw does when realpath fails).
fn canonical(ctx: &Ctx, normalized: &str) -> String {
    if !sandbox_path_is_absolute(normalized) || is_windows_drive_path(normalized) {
        return normalized.to_string();
    }
    let facts = &ctx.snap.manifest.ancestor_realpaths;
    let Some(f) = facts.iter().find(|f| f.path == normalized) else {
        return normalized.to_string();
    };
    let (Some(ancestor), Some(real)) = (&f.ancestor, &f.realpath) else {
        return normalized.to_string();
    };
    let suffix = if ancestor == normalized {
        ""
    } else if ancestor == "/" {
        &normalized[1..]
    } else {
        match normalized.strip_prefix(ancestor.as_str()) {
            Some(rest) if rest.starts_with('/') => &rest[1..],
            _ => return normalized.to_string(),
        }
    };
    let joined = if suffix.is_empty() {
        real.clone()
    } else {
        format!("{}/{suffix}", real.trim_end_matches('/'))
    };
    normalize_sandbox_path(&joined)
}

fn dangerous_config(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut configs: Vec<(String, &serde_json::Map<String, Value>)> = Vec::new();
    if let Some(Value::Object(d)) = ctx.get("/agents/defaults/sandbox/docker") {
        configs.push(("agents.defaults.sandbox.docker".into(), d));
    }
    for (id, e) in agents_with_id(ctx) {
        if let Some(Value::Object(d)) = e.pointer("/sandbox/docker") {
            configs.push((format!("agents.list.{id}.sandbox.docker"), d));
        }
    }
    if configs.is_empty() {
        return;
    }
    let policy = BindPolicy::new(ctx);
    for (source, docker) in &configs {
        let binds = docker.get("binds").and_then(Value::as_array);
        for bind in binds.into_iter().flatten().filter_map(Value::as_str) {
            match policy.problem(bind) {
                None => {}
                Some(BindProblem::NonAbsolute(src)) => out.push(
                    Finding::new(
                        "sandbox.bind_mount_non_absolute",
                        Severity::Warn,
                        "Sandbox bind source is not an absolute path",
                        format!("{source}.binds has \"{bind}\", whose source \"{src}\" is not an absolute host path (a relative path or a named volume cannot be checked against blocked host paths). OpenClaw 2026.5.20 refuses this config."),
                    )
                    .fix(format!("Rewrite \"{bind}\" in {source}.binds with an absolute host source, e.g. /home/user/project:/project:ro."))
                    .about(format!("{source}.binds:{bind}")),
                ),
                Some(p) => {
                    let why = match &p {
                        BindProblem::CoversRoot => "mounts the host's root directory \"/\"".to_string(),
                        BindProblem::Targets { blocked, resolved, via_realpath: false } if blocked == resolved => {
                            format!("mounts the blocked host path \"{blocked}\"")
                        }
                        BindProblem::Targets { blocked, via_realpath: false, .. } => {
                            format!("mounts a path inside the blocked host path \"{blocked}\"")
                        }
                        BindProblem::Targets { blocked, resolved, .. } if blocked == resolved => format!(
                            "resolves through symlinks to the blocked host path \"{blocked}\""
                        ),
                        BindProblem::Targets { blocked, resolved, .. } => format!(
                            "resolves through symlinks to \"{resolved}\", inside the blocked host path \"{blocked}\""
                        ),
                        BindProblem::NonAbsolute(_) => unreachable!(),
                    };
                    out.push(
                        Finding::new(
                            "sandbox.dangerous_bind_mount",
                            Severity::Critical,
                            "Sandbox bind exposes a sensitive host path",
                            format!("{source}.binds has \"{bind}\", which {why}: sandboxed code could read host secrets or control the host."),
                        )
                        .fix(format!("Remove \"{bind}\" from {source}.binds and mount a project-specific directory instead."))
                        .about(format!("{source}.binds:{bind}")),
                    );
                }
            }
        }
        if let Some(net) = docker.get("network").and_then(Value::as_str) {
            let n = js_trim(net).to_lowercase();
            if n == "host" || n.starts_with("container:") {
                let what = if n == "host" {
                    "\"host\": sandboxed code shares the host's network stack and reaches every host-local service".to_string()
                } else {
                    format!("\"{net}\": the sandbox joins another container's network namespace and bypasses its own network isolation")
                };
                out.push(
                    Finding::new(
                        "sandbox.dangerous_network_mode",
                        Severity::Critical,
                        "Sandbox network is not isolated",
                        format!("{source}.network is {what}."),
                    )
                    .fix(format!("Set {source}.network to \"bridge\", \"none\" or a dedicated bridge network, and drop {source}.dangerouslyAllowContainerNamespaceJoin."))
                    .about(format!("{source}.network")),
                );
            }
        }
        let unconfined = |key: &str| {
            docker
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|v| js_trim(v).to_lowercase() == "unconfined")
        };
        if unconfined("seccompProfile") {
            out.push(
                Finding::new(
                    "sandbox.dangerous_seccomp_profile",
                    Severity::Critical,
                    "Sandbox runs without seccomp filtering",
                    format!("{source}.seccompProfile is \"unconfined\": sandbox containers can make any syscall. OpenClaw 2026.5.20 refuses this config."),
                )
                .fix(format!("Remove {source}.seccompProfile, or set it to a custom seccomp profile file."))
                .about(format!("{source}.seccompProfile")),
            );
        }
        if unconfined("apparmorProfile") {
            out.push(
                Finding::new(
                    "sandbox.dangerous_apparmor_profile",
                    Severity::Critical,
                    "Sandbox runs without AppArmor confinement",
                    format!("{source}.apparmorProfile is \"unconfined\": AppArmor does not confine sandbox containers. OpenClaw 2026.5.20 refuses this config."),
                )
                .fix(format!("Remove {source}.apparmorProfile, or set it to a named AppArmor profile."))
                .about(format!("{source}.apparmorProfile")),
            );
        }
    }
}

/// A Docker label value: trimmed; empty and Go's `<no value>` mean missing.
fn label<'a>(c: &'a crate::snapshot::BrowserContainer, key: &str) -> Option<&'a str> {
    let v = js_trim(c.labels.get(key)?);
    (!v.is_empty() && v != "<no value>").then_some(v)
}

/// The host of a published address (`0.0.0.0:9222`, `[::]:9222`, or a whole `docker port` line).
fn published_host(entry: &str) -> Option<&str> {
    let t = js_trim(entry);
    let rhs = js_trim(t.rsplit("->").next().unwrap_or(t));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = rhs.strip_prefix('[') {
        let (host, port) = rest.split_once("]:")?;
        return (!host.is_empty() && !host.contains(']') && digits(port)).then_some(host);
    }
    let (host, port) = rhs.split_once(':')?;
    (!host.is_empty() && digits(port)).then_some(host)
}

fn is_loopback_host(host: &str) -> bool {
    matches!(
        js_trim(host).to_lowercase().as_str(),
        "127.0.0.1" | "::1" | "localhost"
    )
}

/// Position 25: sandbox-browser containers seen by `capture --docker`. Without Docker facts (capture did not
/// look, or Docker could not be asked) there is nothing to judge.
pub fn browser_containers(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(docker) = &ctx.snap.manifest.docker else {
        return;
    };
    let (mut missing, mut stale, mut exposed) = (Vec::new(), Vec::new(), Vec::new());
    for c in &docker.containers {
        if label(c, crate::snapshot::HASH_LABEL).is_none() {
            missing.push(c.name.clone());
        }
        if label(c, crate::snapshot::EPOCH_LABEL) != Some(BROWSER_CONFIG_EPOCH) {
            stale.push(c.name.clone());
        }
        let public: Vec<&str> = c
            .published
            .iter()
            .map(String::as_str)
            .filter(|p| published_host(p).is_some_and(|h| !is_loopback_host(h)))
            .collect();
        if !public.is_empty() {
            exposed.push(format!("{} ({})", c.name, public.join(", ")));
        }
    }
    let recreate = "Recreate them: openclaw sandbox recreate --browser --all (add --force to skip the prompt).";
    if !missing.is_empty() {
        out.push(
            Finding::new(
                "sandbox.browser_container.hash_label_missing",
                Severity::Warn,
                "Sandbox-browser containers have no config hash label",
                format!("Containers without an openclaw.configHash label (created before config-drift tracking; they may lack security fixes): {}.", missing.join(", ")),
            )
            .fix(recreate)
            .about(format!("docker:{}", missing.join(","))),
        );
    }
    if !stale.is_empty() {
        out.push(
            Finding::new(
                "sandbox.browser_container.hash_epoch_stale",
                Severity::Warn,
                "Sandbox-browser containers predate the current browser security settings",
                format!("Containers whose openclaw.browserConfigEpoch label is not {BROWSER_CONFIG_EPOCH}: {}.", stale.join(", ")),
            )
            .fix(recreate)
            .about(format!("docker:{}", stale.join(","))),
        );
    }
    if !exposed.is_empty() {
        out.push(
            Finding::new(
                "sandbox.browser_container.non_loopback_publish",
                Severity::Critical,
                "Sandbox-browser ports are published beyond loopback",
                format!("Containers publishing ports on non-loopback addresses, reachable from the network: {}.", exposed.join("; ")),
            )
            .fix("Recreate them (openclaw sandbox recreate --browser --all) and check with docker port that every port is bound to 127.0.0.1.")
            .about(format!("docker:{}", exposed.iter().map(|e| e.split(' ').next().unwrap_or("")).collect::<Vec<_>>().join(","))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;
    use crate::snapshot::{BrowserContainer, DockerFacts};

    fn sandbox_findings(h: &Host) -> Vec<Finding> {
        h.findings()
            .into_iter()
            .filter(|f| f.check_id.starts_with("sandbox."))
            .collect()
    }

    fn ids(h: &Host) -> Vec<String> {
        sandbox_findings(h)
            .into_iter()
            .map(|f| f.check_id)
            .collect()
    }

    fn binds(list: &[&str]) -> Host {
        let b: Vec<String> = list.iter().map(|b| format!("{b:?}")).collect();
        Host::new(&format!(
            r#"{{agents: {{defaults: {{sandbox: {{mode: "all", docker: {{binds: [{}]}}}}}}}}}}"#,
            b.join(", ")
        ))
    }

    #[test]
    fn docker_config_with_mode_off() {
        let h = Host::new(r#"{agents: {defaults: {sandbox: {docker: {image: "x"}}}}}"#);
        let f = sandbox_findings(&h);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check_id, "sandbox.docker_config_mode_off");
        assert_eq!(f[0].severity, Severity::Warn);
        assert!(f[0].detail.contains("- agents.defaults.sandbox.docker"));
        // Just miss: the mode is on, or the docker block is empty.
        assert!(ids(&Host::new(
            r#"{agents: {defaults: {sandbox: {mode: "non-main", docker: {image: "x"}}}}}"#
        ))
        .is_empty());
        assert!(ids(&Host::new(
            r#"{agents: {defaults: {sandbox: {docker: {}}}}}"#
        ))
        .is_empty());
        // An explicit null still counts as a configured key (`null !== undefined`).
        assert_eq!(
            ids(&Host::new(
                r#"{agents: {defaults: {sandbox: {docker: {image: null}}}}}"#
            ))
            .len(),
            1
        );
    }

    #[test]
    fn docker_config_mode_off_with_agents() {
        // An agent with sandbox on keeps the defaults' docker settings useful.
        let h = Host::new(
            r#"{agents: {defaults: {sandbox: {docker: {image: "x"}}}, list: [{id: "a", sandbox: {mode: "all"}}]}}"#,
        );
        assert!(ids(&h).is_empty());
        // An agent's own docker settings with its mode resolving to off (inherited).
        let h = Host::new(
            r#"{agents: {list: [{id: "main"}, {id: "Ops", sandbox: {docker: {network: "none"}}}]}}"#,
        );
        let f = sandbox_findings(&h);
        assert_eq!(f.len(), 1);
        assert!(f[0].detail.contains("- agents.list.Ops.sandbox.docker"));
        // Both at once, in order: defaults first.
        let h = Host::new(
            r#"{agents: {defaults: {sandbox: {mode: "off", docker: {image: "x"}}}, list: [{id: "b", sandbox: {docker: {image: "y"}}}]}}"#,
        );
        let d = &sandbox_findings(&h)[0].detail;
        assert!(d.find("defaults").unwrap() < d.find("agents.list.b").unwrap());
        // Agent mode on: no finding for it.
        let h = Host::new(
            r#"{agents: {list: [{id: "b", sandbox: {mode: "all", docker: {image: "y"}}}]}}"#,
        );
        assert!(ids(&h).is_empty());
    }

    #[test]
    fn blocked_system_paths_and_docker_socket() {
        for b in [
            "/etc:/host-etc:ro",
            "/etc/ssl:/ssl",
            "/proc:/p",
            "/sys/kernel:/k",
            "/dev:/dev",
            "/root:/r",
            "/boot:/b",
            "/run/user:/u",
            "/var/run/docker.sock:/var/run/docker.sock",
            "/private/etc:/e",
            "/private/var/run/docker.sock:/s",
            "/run/docker.sock:/s",
            " /etc/../etc//passwd/ :/x",
        ] {
            let f = sandbox_findings(&binds(&[b]));
            assert_eq!(f.len(), 1, "{b}");
            assert_eq!(f[0].check_id, "sandbox.dangerous_bind_mount");
            assert_eq!(f[0].severity, Severity::Critical);
        }
        let f = sandbox_findings(&binds(&["/:/host"]));
        assert!(f[0].detail.contains("root directory"));
        // Just miss: look-alikes and ancestors of blocked paths.
        for b in [
            "/etcetera:/x",
            "/var:/var",
            "/home:/home",
            "/private:/p",
            "/srv/data:/data",
            "/var/lib/docker.sock.d:/x",
        ] {
            assert!(ids(&binds(&[b])).is_empty(), "{b}");
        }
    }

    #[test]
    fn home_credential_dirs_but_not_the_home_itself() {
        for sub in [
            ".aws", ".cargo", ".config", ".docker", ".gnupg", ".netrc", ".npm", ".ssh",
        ] {
            let b = format!("/home/user/{sub}:/x:ro");
            assert_eq!(
                ids(&binds(&[&b])),
                ["sandbox.dangerous_bind_mount"],
                "{sub}"
            );
            let inner = format!("/home/user/{sub}/inner:/x");
            assert_eq!(ids(&binds(&[&inner])).len(), 1, "{sub}");
        }
        for b in [
            "/home/user:/home",
            "/home/user/project:/p",
            "/home/user/.sshx:/x",
            "/home/other/.ssh:/x",
        ] {
            assert!(ids(&binds(&[b])).is_empty(), "{b}");
        }
    }

    #[test]
    fn home_roots_from_the_environment() {
        let h = binds(&["/srv/oc/.ssh:/x", "/win/u/.aws:/y"]);
        assert!(ids(&h).is_empty());
        let h = binds(&["/srv/oc/.ssh:/x", "/win/u/.aws:/y"])
            .env("OPENCLAW_HOME", "/srv/oc")
            .dotenv("USERPROFILE", "/win/u");
        assert_eq!(ids(&h).len(), 2);
        // `~` in OPENCLAW_HOME expands against the OS home for the effective home root.
        let h = binds(&["/home/user/oc/.npm:/x"]).env("OPENCLAW_HOME", "~/oc");
        assert_eq!(ids(&h).len(), 1);
    }

    #[test]
    fn realpath_of_the_deepest_existing_ancestor() {
        // ~/links/cfg -> /etc: a bind through it is caught after realpath, an unrelated link is not.
        let h = binds(&["/home/user/links/cfg/ssl:/ssl"]).ancestor_realpath(
            "~/links/cfg/ssl",
            "~/links/cfg",
            "/etc",
        );
        let f = sandbox_findings(&h);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].detail
                .contains("resolves through symlinks to \"/etc/ssl\""),
            "{}",
            f[0].detail
        );
        let h = binds(&["/home/user/links/data:/d"]).ancestor_realpath(
            "~/links/data",
            "~/links/data",
            "/srv/data",
        );
        assert!(ids(&h).is_empty());
        // A symlinked home: its realpath's credential dirs are blocked too.
        let h = binds(&["/data/user/.ssh:/s"]).ancestor_realpath("~", "~", "/data/user");
        assert_eq!(ids(&h), ["sandbox.dangerous_bind_mount"]);
        // A link to `/` covers everything.
        let h =
            binds(&["/home/user/rootlink:/r"]).ancestor_realpath("~/rootlink", "~/rootlink", "/");
        assert!(sandbox_findings(&h)[0].detail.contains("root directory"));
    }

    #[test]
    fn refused_configs_are_still_reported() {
        let h = Host::new(
            r#"{agents: {defaults: {sandbox: {mode: "all", docker: {
                binds: ["/var/run/docker.sock:/var/run/docker.sock", "rel/dir:/x", "named-volume:/v", "", 7],
                network: " HOST ", seccompProfile: "Unconfined", apparmorProfile: "unconfined "}}}}}"#,
        );
        assert_eq!(
            ids(&h),
            [
                "sandbox.dangerous_bind_mount",
                "sandbox.bind_mount_non_absolute",
                "sandbox.bind_mount_non_absolute",
                "sandbox.bind_mount_non_absolute",
                "sandbox.dangerous_network_mode",
                "sandbox.dangerous_seccomp_profile",
                "sandbox.dangerous_apparmor_profile",
            ]
        );
        let f = sandbox_findings(&h);
        assert_eq!(f[1].severity, Severity::Warn);
        assert!(f[1].detail.contains("\"rel/dir\""));
        assert!(f[4..].iter().all(|f| f.severity == Severity::Critical));
        // Just miss: bridge network, default profiles.
        let h = Host::new(
            r#"{agents: {defaults: {sandbox: {mode: "all", docker: {network: "bridge", seccompProfile: "/p.json", apparmorProfile: "docker-default"}}}}}"#,
        );
        assert!(ids(&h).is_empty());
    }

    /// The host cases the reference refuses (`REFUSED` in their reference.txt): clawprint's findings for them.
    #[test]
    fn refused_host_cases_give_our_findings() {
        macro_rules! case {
            ($name:literal) => {
                include_str!(concat!(
                    "../../../tests/conformance/cases/",
                    $name,
                    "/home/.openclaw/openclaw.json"
                ))
            };
        }
        let expect = [
            (
                case!("H50-refused-sandbox-bind-relative"),
                ("sandbox.bind_mount_non_absolute", Severity::Warn),
            ),
            (
                case!("H51-refused-sandbox-network-host"),
                ("sandbox.dangerous_network_mode", Severity::Critical),
            ),
            (
                case!("H52-refused-sandbox-seccomp-unconfined"),
                ("sandbox.dangerous_seccomp_profile", Severity::Critical),
            ),
            (
                case!("H53-refused-sandbox-apparmor-unconfined"),
                ("sandbox.dangerous_apparmor_profile", Severity::Critical),
            ),
            (
                case!("H54-refused-sandbox-container-no-flag"),
                ("sandbox.dangerous_network_mode", Severity::Critical),
            ),
        ];
        for (cfg, (id, severity)) in expect {
            let f = sandbox_findings(&Host::new(cfg));
            let got: Vec<(&str, Severity)> = f
                .iter()
                .map(|f| (f.check_id.as_str(), f.severity))
                .collect();
            assert_eq!(got, [(id, severity)], "{cfg}");
        }
    }

    #[test]
    fn container_network_with_the_break_glass_flag_and_per_agent_order() {
        let h = Host::new(
            r#"{agents: {defaults: {sandbox: {mode: "all", docker: {network: "container:proxy", dangerouslyAllowContainerNamespaceJoin: true}}},
                list: [{id: "a", sandbox: {docker: {binds: ["/etc:/e"], network: "host"}}}, {id: "b", sandbox: {docker: {seccompProfile: "unconfined"}}}]}}"#,
        );
        let f = sandbox_findings(&h);
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.check_id.as_str(), f.subject.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "sandbox.dangerous_network_mode",
                    "agents.defaults.sandbox.docker.network"
                ),
                (
                    "sandbox.dangerous_bind_mount",
                    "agents.list.a.sandbox.docker.binds:/etc:/e"
                ),
                (
                    "sandbox.dangerous_network_mode",
                    "agents.list.a.sandbox.docker.network"
                ),
                (
                    "sandbox.dangerous_seccomp_profile",
                    "agents.list.b.sandbox.docker.seccompProfile"
                ),
            ]
        );
        assert!(f[0].detail.contains("container:proxy"));
    }

    #[test]
    fn windows_drive_sources() {
        assert_eq!(
            bind_source("C:\\Users\\x\\.ssh:/x:ro"),
            "C:\\Users\\x\\.ssh"
        );
        let h = binds(&["C:\\Users\\x\\.ssh:/x"]).env("USERPROFILE", "c:\\Users\\x");
        assert_eq!(ids(&h), ["sandbox.dangerous_bind_mount"]);
        assert!(ids(&binds(&["D:\\data:/d"])).is_empty());
    }

    fn container(
        name: &str,
        hash: Option<&str>,
        epoch: Option<&str>,
        published: &[&str],
    ) -> BrowserContainer {
        let mut labels = std::collections::BTreeMap::new();
        if let Some(h) = hash {
            labels.insert(crate::snapshot::HASH_LABEL.to_string(), h.to_string());
        }
        if let Some(e) = epoch {
            labels.insert(crate::snapshot::EPOCH_LABEL.to_string(), e.to_string());
        }
        BrowserContainer {
            name: name.into(),
            labels,
            published: published.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn browser_containers_from_docker_facts() {
        let facts = DockerFacts {
            status: "ok".into(),
            message: None,
            containers: vec![
                container(
                    "good",
                    Some("h1"),
                    Some(BROWSER_CONFIG_EPOCH),
                    &["127.0.0.1:9222", "[::1]:6080", "localhost:1"],
                ),
                container(
                    "old",
                    Some("<no value>"),
                    None,
                    &["0.0.0.0:9222", "garbage", ":::6080"],
                ),
                container("stale", Some("h2"), Some("2026-01-01"), &["[::]:6080"]),
            ],
        };
        let h = Host::new("{}").docker(facts);
        let f = sandbox_findings(&h);
        let got: Vec<(&str, Severity)> = f
            .iter()
            .map(|f| (f.check_id.as_str(), f.severity))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "sandbox.browser_container.hash_label_missing",
                    Severity::Warn
                ),
                ("sandbox.browser_container.hash_epoch_stale", Severity::Warn),
                (
                    "sandbox.browser_container.non_loopback_publish",
                    Severity::Critical
                ),
            ]
        );
        assert!(f[0].detail.contains("old") && !f[0].detail.contains("good"));
        assert!(f[1].detail.contains("old, stale"));
        assert!(
            f[2].detail
                .contains("old (0.0.0.0:9222); stale ([::]:6080)"),
            "{}",
            f[2].detail
        );
        // Just miss: all good; and no Docker facts at all.
        let good = DockerFacts {
            status: "ok".into(),
            message: None,
            containers: vec![container(
                "good",
                Some("h"),
                Some(BROWSER_CONFIG_EPOCH),
                &["127.0.0.1:9222"],
            )],
        };
        assert!(ids(&Host::new("{}").docker(good)).is_empty());
        assert!(ids(&Host::new("{}")).is_empty());
        let down = DockerFacts {
            status: "timeout".into(),
            message: Some("x".into()),
            containers: vec![],
        };
        assert!(ids(&Host::new("{}").docker(down)).is_empty());
    }

    #[test]
    fn published_hosts() {
        assert_eq!(published_host("9222/tcp -> 0.0.0.0:9222"), Some("0.0.0.0"));
        assert_eq!(published_host("[::]:1"), Some("::"));
        assert_eq!(published_host(":::1"), None);
        assert_eq!(published_host("0.0.0.0:x"), None);
        assert!(is_loopback_host("LOCALHOST"));
    }
}
