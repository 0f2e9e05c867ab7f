//! Exec runtime: who may run commands on the host, with which safe-bins and approvals (catalogue §6.4).

use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::policy::{self, field, ExecScope};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::secret::js_trim;

const EXEC: Family = Family(Area::Exec);
const EXPOSURE: Family = Family(Area::Exposure);

pub const CHECKS: &[CheckDef] = &[
    EXEC.check("tools.exec.host_sandbox_no_sandbox_defaults", "warn",
        "`tools.exec.host` is `sandbox` but the default sandbox mode (`agents.defaults.sandbox.mode`) is `off`, so there is no sandbox to run commands in and exec fails closed. Turn the sandbox on (`agents.defaults.sandbox.mode` `non-main` or `all`) or run exec on the gateway (`tools.exec.host: \"gateway\"`) behind approvals."),
    EXEC.check("tools.exec.host_sandbox_no_sandbox_agents", "warn",
        "Some `agents.list` entries set `tools.exec.host: \"sandbox\"` while their resolved sandbox mode is `off`: exec fails closed for them. Give those agents a sandbox (`agents.list[].sandbox.mode`) or set their exec host to `gateway`."),
    EXEC.check("tools.exec.security_full_configured", "warn; critical when a channel has an open DM or group policy",
        "An exec scope (the global `tools.exec.security` or an agent's) is `full`: commands run without any allowlist or approval. It is critical when some channel accepts anyone (`dmPolicy` or `groupPolicy` `open`). Use `security: \"allowlist\"` with approval prompts and keep `full` for narrow break-glass agents."),
    EXPOSURE.check("security.exposure.open_channels_with_exec", "warn; critical when some exec scope is `full`",
        "A channel (at any level under `channels`) has `dmPolicy` or `groupPolicy` `open` while some agent may run commands (`tools.exec.security` not `deny`), so strangers can steer an agent that has a shell. Restrict the channel to `pairing`/`allowlist`, or set exec security to `deny` for agents reachable from it."),
    EXEC.check("tools.exec.fs_tools_disabled_but_exec_enabled", "warn",
        "A context (global tools or an agent) denies `write`, `edit` and `apply_patch` but still allows `exec`, and no read-only sandbox confines the shell: the shell can write files anyway, so the context is not read-only. Deny `exec` and `process` too, or run the agent with `sandbox.mode: \"all\"` and `workspaceAccess` `ro` or `none`."),
    EXEC.check("tools.exec.auto_allow_skills_enabled", "warn",
        "The exec approvals store (`~/.openclaw/exec-approvals.json`, or the state DB) sets `autoAllowSkills: true` in `defaults` or for an agent: binaries of installed skills are approved implicitly, beyond the manual allowlist. Set `autoAllowSkills` to false and list the binaries you trust."),
    EXEC.check("tools.exec.allowlist_interpreter_without_strict_inline_eval", "warn",
        "An exec-approvals allowlist approves an interpreter (python, node, ruby, perl, php, lua, awk, sed, make, xargs, osascript, …) while `strictInlineEval` is off for that agent, so an approved interpreter runs any inline code (`python -c …`). Set `tools.exec.strictInlineEval: true` (or per agent in `agents.list[].tools.exec`)."),
    EXEC.check("tools.exec.safe_bins_interpreter_unprofiled", "warn",
        "`tools.exec.safeBins` (global or per agent) lists an interpreter or shell (bash, python3, node, …) without a matching `tools.exec.safeBinProfiles` entry, so it runs on the safe fast path with arbitrary arguments. Remove it from safeBins (use allowlist entries with approvals) or give it a strict profile."),
    EXEC.check("tools.exec.safe_bins_broad_behavior", "warn",
        "`tools.exec.safeBins` lists `jq`, `awk`, `gawk`, `mawk`, `nawk`, `sed` or `gsed`: their programs can read the environment, run commands or write files, which the stdin-filter fast path does not expect. Remove them from safeBins and approve them explicitly instead."),
    EXEC.check("tools.exec.safe_bin_trusted_dirs_risky", "warn",
        "`tools.exec.safeBinTrustedDirs` (global or per agent) trusts a directory others can easily plant binaries in: a relative path, a temp dir, a package-manager bin dir such as `/usr/local/bin`, or a home-scoped dir (`/home/…`, `~/.local/bin`). Trust only root-owned system dirs such as `/bin` and `/usr/bin`."),
];

/// Position 7, rows in the reference's emission order.
pub fn collect(ctx: &Ctx, out: &mut Vec<Finding>) {
    let cfg = &ctx.cfg;
    host_sandbox_defaults(cfg, out);
    host_sandbox_agents(cfg, out);
    let scopes = policy::exec_scopes(cfg);
    let open = open_exec_surface_paths(cfg);
    security_full(&scopes, &open, out);
    open_channels_with_exec(&scopes, &open, out);
    fs_tools_disabled(cfg, out);
    let approvals = load_approvals(ctx);
    auto_allow_skills(&approvals, out);
    interpreter_allowlist(cfg, &approvals, out);
    safe_bins(cfg, out);
    trusted_dirs(cfg, out);
}

fn host_sandbox_defaults(cfg: &Value, out: &mut Vec<Finding>) {
    if cfg.pointer("/tools/exec/host").and_then(Value::as_str) == Some("sandbox")
        && policy::sandbox_for(cfg, None).is_off()
    {
        out.push(
            Finding::new(
                "tools.exec.host_sandbox_no_sandbox_defaults",
                Severity::Warn,
                "Exec targets a sandbox that is turned off",
                "tools.exec.host is \"sandbox\" but agents.defaults.sandbox.mode resolves to \"off\": there is no sandbox runtime, so every exec call fails.",
            )
            .fix("Set agents.defaults.sandbox.mode to \"non-main\" or \"all\", or set tools.exec.host to \"gateway\" and keep approvals on.")
            .about("tools.exec.host"),
        );
    }
}

fn host_sandbox_agents(cfg: &Value, out: &mut Vec<Finding>) {
    let ids: Vec<&str> = policy::agents_with_ids(cfg)
        .into_iter()
        .filter(|(id, e)| {
            e.pointer("/tools/exec/host").and_then(Value::as_str) == Some("sandbox")
                && policy::sandbox_for(cfg, Some(id)).is_off()
        })
        .map(|(id, _)| id)
        .take(5)
        .collect();
    if !ids.is_empty() {
        out.push(
            Finding::new(
                "tools.exec.host_sandbox_no_sandbox_agents",
                Severity::Warn,
                "Agents run exec in a sandbox that is turned off",
                format!(
                    "agents.list[].tools.exec.host is \"sandbox\" with sandbox mode \"off\" for: {}. Exec fails for these agents.",
                    ids.join(", ")
                ),
            )
            .fix("Set agents.list[].sandbox.mode (e.g. \"all\") for these agents, or set their tools.exec.host to \"gateway\".")
            .about("agents.list.tools.exec.host"),
        );
    }
}

/// Every `<path>.groupPolicy` / `<path>.dmPolicy` equal to `open` in any object under `channels` (arrays are not
/// entered), sorted.
pub fn open_exec_surface_paths(cfg: &Value) -> Vec<String> {
    fn visit(v: &Value, scope: &str, hits: &mut std::collections::BTreeSet<String>) {
        let Some(obj) = v.as_object() else { return };
        for key in ["groupPolicy", "dmPolicy"] {
            if obj.get(key).and_then(Value::as_str) == Some("open") {
                hits.insert(format!("{scope}.{key}"));
            }
        }
        for (k, nested) in obj {
            visit(nested, &format!("{scope}.{k}"), hits);
        }
    }
    let mut hits = std::collections::BTreeSet::new();
    if let Some(channels) = cfg.get("channels").and_then(Value::as_object) {
        for (id, v) in channels {
            visit(v, &format!("channels.{id}"), &mut hits);
        }
    }
    hits.into_iter().collect()
}

fn bullet_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("\n- {}", s.as_ref()))
        .collect()
}

fn security_full(scopes: &[ExecScope], open: &[String], out: &mut Vec<Finding>) {
    let full: Vec<&str> = scopes
        .iter()
        .filter(|s| s.security == "full")
        .map(|s| s.id.as_str())
        .collect();
    if full.is_empty() {
        return;
    }
    let mut detail = format!(
        "tools.exec.security resolves to \"full\" (no allowlist, no approvals) for: {}.",
        full.join(", ")
    );
    if !open.is_empty() {
        detail.push_str(" Channels open to anyone:");
        detail.push_str(&bullet_list(open));
    }
    out.push(
        Finding::new(
            "tools.exec.security_full_configured",
            Severity::warn_or_critical(!open.is_empty()),
            "Exec runs with full trust",
            detail,
        )
        .fix("Set tools.exec.security (and agents.list[].tools.exec.security) to \"allowlist\" with ask prompts; keep \"full\" only for narrowly scoped break-glass agents.")
        .about("tools.exec.security"),
    );
}

fn open_channels_with_exec(scopes: &[ExecScope], open: &[String], out: &mut Vec<Finding>) {
    let enabled: Vec<String> = scopes
        .iter()
        .filter(|s| s.security != "deny")
        .map(|s| format!("{} (security {}, host {})", s.id, s.security, s.host))
        .collect();
    if open.is_empty() || enabled.is_empty() {
        return;
    }
    let any_full = scopes.iter().any(|s| s.security == "full");
    out.push(
        Finding::new(
            "security.exposure.open_channels_with_exec",
            Severity::warn_or_critical(any_full),
            "Open channels reach agents that can run commands",
            format!(
                "Channels open to anyone:{}\nScopes where exec is not denied:{}",
                bullet_list(open),
                bullet_list(&enabled)
            ),
        )
        .fix("Set those dmPolicy/groupPolicy values to \"pairing\" or \"allowlist\", or set tools.exec.security to \"deny\" for agents reachable from shared channels.")
        .about("channels"),
    );
}

const MUTATING_FS_TOOLS: [&str; 3] = ["write", "edit", "apply_patch"];

fn fs_tools_disabled(cfg: &Value, out: &mut Vec<Finding>) {
    let mut contexts: Vec<(String, Option<&str>, Option<&Value>)> =
        vec![("tools".into(), None, None)];
    for (id, e) in policy::agents_with_ids(cfg) {
        contexts.push((format!("agents.list.{id}.tools"), Some(id), e.get("tools")));
    }
    let mut hits = Vec::new();
    for (label, id, tools) in contexts {
        let sandbox = policy::sandbox_for(cfg, id);
        let host = policy::exec_host(cfg, tools);
        let confined = sandbox.is_all()
            && host != "gateway"
            && host != "node"
            && sandbox.workspace_access != "rw";
        if confined {
            continue;
        }
        let stack = policy::stack(cfg, tools, id, &sandbox.mode, None);
        if !policy::allowed("exec", &stack)
            || MUTATING_FS_TOOLS.iter().any(|t| policy::allowed(t, &stack))
        {
            continue;
        }
        hits.push(format!(
            "{label}: exec allowed, write/edit/apply_patch denied (exec host {host}, sandbox {}, workspaceAccess {})",
            sandbox.mode, sandbox.workspace_access
        ));
    }
    if !hits.is_empty() {
        out.push(
            Finding::new(
                "tools.exec.fs_tools_disabled_but_exec_enabled",
                Severity::Warn,
                "File-writing tools are denied but the shell is not",
                format!(
                    "These contexts deny the file-editing tools yet allow exec, which can write files anyway:{}",
                    bullet_list(&hits)
                ),
            )
            .fix("For a read-only agent add \"exec\" and \"process\" to its tools.deny; if it needs a shell, confine it with sandbox.mode \"all\" and workspaceAccess \"ro\" or \"none\".")
            .about("tools.deny"),
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Exec approvals

/// The exec approvals as the audit sees them, after OpenClaw's normalization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approvals {
    /// Where they were read from (the JSON file or the state DB); empty when there are none.
    pub source: String,
    pub defaults_auto_allow_skills: bool,
    pub agents: Vec<AgentApprovals>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentApprovals {
    pub id: String,
    /// The agent value is truthy (a falsy one is skipped by the interpreter check).
    pub present: bool,
    pub auto_allow_skills: bool,
    pub allowlist: Vec<String>,
}

/// Exec approvals: from the state DB when the host has one, else `<home>/.openclaw/exec-approvals.json`
/// (strict JSON, ignored unless `version` is 1; a legacy agent `default` is merged into `main`).
pub fn load_approvals(ctx: &Ctx) -> Approvals {
    if let Some(state) = ctx.state_db() {
        let source = format!("{}/state/openclaw.sqlite", ctx.host().state_dir);
        return state
            .exec_approvals
            .as_ref()
            .map(|a| from_state(a, source))
            .unwrap_or_default();
    }
    let path = format!(
        "{}/.openclaw/exec-approvals.json",
        ctx.host().home.trim_end_matches('/')
    );
    let Some(text) = ctx
        .file(&path)
        .and_then(|e| e.blob.as_deref())
        .and_then(|b| ctx.snap.blob_text(b).ok())
    else {
        return Approvals::default();
    };
    match serde_json::from_str::<Value>(text) {
        Ok(doc) if doc.get("version").and_then(Value::as_f64) == Some(1.0) => {
            normalize_approvals(&doc, path).unwrap_or_default()
        }
        _ => Approvals::default(),
    }
}

fn from_state(a: &crate::capture::sqlite::ExecApprovals, source: String) -> Approvals {
    let mut agents: Vec<AgentApprovals> = a
        .agents
        .iter()
        .map(|(id, ag)| AgentApprovals {
            id: id.clone(),
            present: true,
            auto_allow_skills: ag.auto_allow_skills == Some(true),
            allowlist: ag
                .allowlist
                .iter()
                .map(|p| js_trim(p).to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        })
        .collect();
    let legacy = a.agents.get("default");
    if let Some(legacy) = legacy {
        agents.retain(|x| x.id != "default");
        let legacy_list: Vec<String> = legacy
            .allowlist
            .iter()
            .map(|p| js_trim(p).to_string())
            .collect();
        match (
            a.agents.get("main"),
            agents.iter_mut().find(|x| x.id == "main"),
        ) {
            (Some(main), Some(slot)) => {
                let mut list: Vec<String> = Vec::new();
                for p in slot.allowlist.iter().chain(&legacy_list) {
                    if !p.is_empty() && !list.iter().any(|q| q.to_lowercase() == p.to_lowercase()) {
                        list.push(p.clone());
                    }
                }
                slot.allowlist = list;
                slot.auto_allow_skills =
                    main.auto_allow_skills.or(legacy.auto_allow_skills) == Some(true);
            }
            _ => agents.push(AgentApprovals {
                id: "main".into(),
                present: true,
                auto_allow_skills: legacy.auto_allow_skills == Some(true),
                allowlist: legacy_list.into_iter().filter(|p| !p.is_empty()).collect(),
            }),
        }
    }
    Approvals {
        source,
        defaults_auto_allow_skills: a.defaults_auto_allow_skills == Some(true),
        agents,
    }
}

/// Patterns of a legacy-merge allowlist: object entries with a non-blank string `pattern`, de-duplicated by
/// (lower-cased pattern, `argPattern`). `None` where OpenClaw's merge throws (and so ignores the whole file).
fn merge_entries(lists: [Option<&Value>; 2]) -> Option<Vec<&Value>> {
    let mut out: Vec<&Value> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for list in lists {
        let items: Vec<&Value> = match policy::present(list) {
            None => continue,
            Some(Value::Array(a)) => a.iter().collect(),
            Some(Value::String(_)) => continue, // iterates characters, none has a pattern
            Some(_) => return None,
        };
        for e in items {
            if e.is_null() {
                return None;
            }
            let Some(pattern) = e.get("pattern").and_then(Value::as_str) else {
                continue;
            };
            let key = js_trim(pattern).to_lowercase();
            if key.is_empty() {
                continue;
            }
            let arg = match policy::present(e.get("argPattern")) {
                None => String::new(),
                Some(Value::String(s)) => js_trim(s).to_string(),
                Some(_) => return None,
            };
            if seen.contains(&(key.clone(), arg.clone())) {
                continue;
            }
            seen.push((key, arg));
            out.push(e);
        }
    }
    Some(out)
}

/// The allowlist patterns OpenClaw keeps: trimmed non-blank strings, and objects with a non-blank string
/// `pattern` (kept as written).
fn coerce_allowlist(list: &[&Value]) -> Vec<String> {
    list.iter()
        .filter_map(|e| match e {
            Value::String(s) => Some(js_trim(s).to_string()).filter(|s| !s.is_empty()),
            Value::Object(o) => o
                .get("pattern")
                .and_then(Value::as_str)
                .filter(|p| !js_trim(p).is_empty())
                .map(String::from),
            _ => None,
        })
        .collect()
}

fn normalize_approvals(doc: &Value, source: String) -> Option<Approvals> {
    // `socket.path` / `socket.token` are trimmed: a non-string there makes OpenClaw ignore the file.
    if let Some(socket) = policy::present(doc.get("socket")) {
        for k in ["path", "token"] {
            if policy::present(socket.get(k)).is_some_and(|v| !v.is_string()) {
                return None;
            }
        }
    }
    let mut entries: Vec<(String, Value)> = match doc.get("agents") {
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        _ => Vec::new(),
    };
    // Legacy `default` agent merged into `main`.
    let legacy = entries
        .iter()
        .find(|(k, _)| k == "default")
        .map(|(_, v)| v.clone())
        .filter(|v| crate::config::paths::truthy(Some(v)));
    if let Some(legacy) = legacy {
        let main_idx = entries
            .iter()
            .position(|(k, v)| k == "main" && crate::config::paths::truthy(Some(v)));
        let merged = match main_idx {
            Some(i) => {
                let main = &entries[i].1;
                let list = merge_entries([main.get("allowlist"), legacy.get("allowlist")])?;
                let auto = policy::present(main.get("autoAllowSkills"))
                    .or_else(|| policy::present(legacy.get("autoAllowSkills")))
                    .cloned();
                let mut m = serde_json::Map::new();
                if let Some(a) = auto {
                    m.insert("autoAllowSkills".into(), a);
                }
                if !list.is_empty() {
                    m.insert(
                        "allowlist".into(),
                        Value::Array(list.into_iter().cloned().collect()),
                    );
                }
                Value::Object(m)
            }
            None => legacy,
        };
        match entries.iter_mut().find(|(k, _)| k == "main") {
            Some(slot) => slot.1 = merged,
            None => entries.push(("main".into(), merged)),
        }
        entries.retain(|(k, _)| k != "default");
    }
    let mut agents = Vec::new();
    for (id, agent) in &entries {
        if agent.is_null() {
            return None; // reading `allowlist` of null throws
        }
        let list: Vec<&Value> = agent
            .get("allowlist")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        agents.push(AgentApprovals {
            id: id.clone(),
            present: crate::config::paths::truthy(Some(agent)),
            auto_allow_skills: agent.get("autoAllowSkills") == Some(&Value::Bool(true)),
            allowlist: coerce_allowlist(&list),
        });
    }
    Some(Approvals {
        source,
        defaults_auto_allow_skills: doc.pointer("/defaults/autoAllowSkills")
            == Some(&Value::Bool(true)),
        agents,
    })
}

fn auto_allow_skills(a: &Approvals, out: &mut Vec<Finding>) {
    let mut hits = Vec::new();
    if a.defaults_auto_allow_skills {
        hits.push("defaults.autoAllowSkills".to_string());
    }
    for ag in &a.agents {
        if ag.auto_allow_skills {
            hits.push(format!("agents.{}.autoAllowSkills", ag.id));
        }
    }
    if hits.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "tools.exec.auto_allow_skills_enabled",
            Severity::Warn,
            "Skill binaries are approved for exec automatically",
            format!(
                "{} sets autoAllowSkills to true at:{}\nBinaries of installed skills then run without an explicit allowlist entry.",
                a.source,
                bullet_list(&hits)
            ),
        )
        .fix(format!(
            "Set autoAllowSkills to false in {} and allowlist the binaries you trust one by one.",
            a.source
        ))
        .about(a.source.clone()),
    );
}

/// Executable names whose inline-code flags `strictInlineEval` guards.
const INTERPRETER_ALLOWLIST_NAMES: &[&str] = &[
    "awk",
    "bun",
    "deno",
    "find",
    "gawk",
    "gmake",
    "gsed",
    "lua",
    "make",
    "mawk",
    "nawk",
    "node",
    "nodejs",
    "osascript",
    "perl",
    "php",
    "pypy",
    "pypy3",
    "python",
    "python2",
    "python3",
    "ruby",
    "sed",
    "xargs",
];

/// Node's `path.posix.basename` (trailing separators ignored).
fn posix_basename(s: &str) -> &str {
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return "";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// Node's `path.win32.basename` (both separators, a drive prefix dropped).
fn win_basename(s: &str) -> &str {
    let s = match s.as_bytes() {
        [d, b':', ..] if d.is_ascii_alphabetic() => &s[2..],
        _ => s,
    };
    let t = s.trim_end_matches(['/', '\\']);
    if t.is_empty() {
        return "";
    }
    t.rsplit(['/', '\\']).next().unwrap_or(t)
}

/// The executable token as OpenClaw compares it: the shorter of the POSIX and Windows basenames, trimmed,
/// lower-cased, without a `.exe`/`.cmd`/`.bat`/`.com` suffix.
fn executable_token(token: &str) -> String {
    let (w, p) = (win_basename(token), posix_basename(token));
    let base = if w.len() < p.len() { w } else { p };
    let lower = js_trim(base).to_lowercase();
    for suffix in [".exe", ".cmd", ".bat", ".com"] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    lower
}

/// An exec-approvals allowlist pattern that approves an interpreter.
pub fn is_interpreter_allowlist_pattern(pattern: &str) -> bool {
    let trimmed = js_trim(pattern).to_lowercase();
    if trimmed.is_empty() {
        return false;
    }
    if INTERPRETER_ALLOWLIST_NAMES.contains(&executable_token(&trimmed).as_str()) {
        return true;
    }
    let unified = trimmed.replace('\\', "/");
    let base = unified.rsplit('/').next().unwrap_or(&unified);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    let stripped: String = base
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '(' | ')'))
        .collect();
    INTERPRETER_ALLOWLIST_NAMES.contains(&stripped.as_str())
}

fn interpreter_allowlist(cfg: &Value, a: &Approvals, out: &mut Vec<Finding>) {
    let global = cfg.pointer("/tools/exec/strictInlineEval") == Some(&Value::Bool(true));
    let strict_for = |id: &str| -> bool {
        if id.is_empty() || id == "*" || id == "main" {
            return global;
        }
        let own = cfg
            .pointer("/agents/list")
            .and_then(Value::as_array)
            .and_then(|l| {
                l.iter()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
            })
            .and_then(|e| e.pointer("/tools/exec/strictInlineEval"))
            == Some(&Value::Bool(true));
        own || global
    };
    let mut hits = Vec::new();
    for ag in &a.agents {
        if !ag.present || strict_for(&ag.id) {
            continue;
        }
        for p in &ag.allowlist {
            if is_interpreter_allowlist_pattern(p) {
                hits.push(format!("agents.{}.allowlist: {p}", ag.id));
            }
        }
    }
    if hits.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "tools.exec.allowlist_interpreter_without_strict_inline_eval",
            Severity::Warn,
            "Approved interpreters can run inline code",
            format!(
                "{} approves interpreters while tools.exec.strictInlineEval is off for their agent:{}",
                a.source,
                bullet_list(&hits)
            ),
        )
        .fix("Set tools.exec.strictInlineEval to true (or agents.list[].tools.exec.strictInlineEval for the agent), or remove the interpreter entries from the allowlist.")
        .about(a.source.clone()),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// safeBins

const INTERPRETER_LIKE_SAFE_BINS: &[&str] = &[
    "ash",
    "awk",
    "bash",
    "busybox",
    "bun",
    "cmd",
    "cmd.exe",
    "cscript",
    "dash",
    "deno",
    "fish",
    "gawk",
    "gsed",
    "ksh",
    "lua",
    "mawk",
    "nawk",
    "node",
    "nodejs",
    "perl",
    "php",
    "powershell",
    "powershell.exe",
    "pypy",
    "pwsh",
    "pwsh.exe",
    "python",
    "python2",
    "python3",
    "ruby",
    "sed",
    "sh",
    "toybox",
    "wscript",
    "zsh",
];

/// Bins whose semantics do not fit the stdin-filter fast path, with what makes them broad.
const BROAD_SAFE_BINS: &[(&str, &str)] = &[
    (
        "awk",
        "awk programs can run commands, read ENVIRON and write files",
    ),
    (
        "gawk",
        "awk programs can run commands, read ENVIRON and write files",
    ),
    ("gsed", "sed scripts can run commands and write files"),
    ("jq", "jq programs can read the environment (env, $ENV)"),
    (
        "mawk",
        "awk programs can run commands, read ENVIRON and write files",
    ),
    (
        "nawk",
        "awk programs can run commands, read ENVIRON and write files",
    ),
    ("sed", "sed scripts can run commands and write files"),
];

/// A safe-bin name as OpenClaw compares it: trimmed, lower-case, last path segment, without a Windows suffix.
pub fn safe_bin_name(raw: &str) -> String {
    let t = js_trim(raw).to_lowercase();
    let last = t.rsplit(['/', '\\']).next().unwrap_or(&t);
    for suffix in [".exe", ".cmd", ".bat", ".com"] {
        if let Some(stem) = last.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    last.to_string()
}

/// `<name><digits>[.<digits>]` for the versioned interpreter families.
fn versioned_interpreter(name: &str) -> bool {
    ["python", "ruby", "perl", "php", "node"]
        .iter()
        .any(|stem| {
            let Some(rest) = name.strip_prefix(stem) else {
                return false;
            };
            let (major, minor) = match rest.split_once('.') {
                Some((a, b)) => (a, Some(b)),
                None => (rest, None),
            };
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            digits(major) && minor.is_none_or(digits)
        })
}

pub fn is_interpreter_like_safe_bin(raw: &str) -> bool {
    let n = safe_bin_name(raw);
    !n.is_empty() && (INTERPRETER_LIKE_SAFE_BINS.contains(&n.as_str()) || versioned_interpreter(&n))
}

/// Configured safeBins: trimmed, lower-cased, non-empty, de-duplicated, sorted.
fn configured_safe_bins(v: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| js_trim(s).to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// Profile names of `safeBinProfiles` objects (trimmed, lower-cased).
fn profile_names(execs: &[Option<&Value>]) -> Vec<String> {
    execs
        .iter()
        .filter_map(|e| field(*e, "safeBinProfiles")?.as_object())
        .flat_map(|m| m.keys())
        .map(|k| js_trim(k).to_lowercase())
        .filter(|k| !k.is_empty())
        .collect()
}

fn unprofiled_interpreters(bins: &[String], profiles: &[String]) -> Vec<String> {
    let mut out: Vec<String> = bins
        .iter()
        .map(|b| safe_bin_name(b))
        .filter(|b| !b.is_empty() && is_interpreter_like_safe_bin(b) && !profiles.contains(b))
        .collect();
    out.sort();
    out
}

fn broad_bins(bins: &[String]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in bins {
        let n = safe_bin_name(b);
        if out.iter().any(|(x, _)| *x == n) {
            continue;
        }
        if let Some((_, why)) = BROAD_SAFE_BINS.iter().find(|(name, _)| *name == n) {
            out.push((n, why));
        }
    }
    out.sort();
    out
}

fn safe_bins(cfg: &Value, out: &mut Vec<Finding>) {
    let global = cfg.pointer("/tools/exec").filter(|v| !v.is_null());
    let mut interpreter_hits = Vec::new();
    let mut broad_hits = Vec::new();
    let bins = configured_safe_bins(field(global, "safeBins"));
    if !bins.is_empty() {
        let interp = unprofiled_interpreters(&bins, &profile_names(&[global]));
        if !interp.is_empty() {
            interpreter_hits.push(format!("tools.exec.safeBins: {}", interp.join(", ")));
        }
        for (b, why) in broad_bins(&bins) {
            broad_hits.push(format!("tools.exec.safeBins: {b} ({why})"));
        }
    }
    for (id, e) in policy::agents_with_ids(cfg) {
        let local = field(e.get("tools"), "exec");
        let bins = configured_safe_bins(field(local, "safeBins"));
        if bins.is_empty() {
            continue;
        }
        let scope = format!("agents.list.{id}.tools.exec.safeBins");
        let interp = unprofiled_interpreters(&bins, &profile_names(&[global, local]));
        if !interp.is_empty() {
            interpreter_hits.push(format!("{scope}: {}", interp.join(", ")));
        }
        for (b, why) in broad_bins(&bins) {
            broad_hits.push(format!("{scope}: {b} ({why})"));
        }
    }
    if !interpreter_hits.is_empty() {
        out.push(
            Finding::new(
                "tools.exec.safe_bins_interpreter_unprofiled",
                Severity::Warn,
                "Interpreters are safe bins without a profile",
                format!(
                    "These safeBins entries are interpreters or shells with no tools.exec.safeBinProfiles entry, so they run with any arguments:{}",
                    bullet_list(&interpreter_hits)
                ),
            )
            .fix("Remove interpreters and shells from tools.exec.safeBins (approve them through the exec allowlist instead), or define a strict tools.exec.safeBinProfiles.<bin>.")
            .about("tools.exec.safeBins"),
        );
    }
    if !broad_hits.is_empty() {
        out.push(
            Finding::new(
                "tools.exec.safe_bins_broad_behavior",
                Severity::Warn,
                "Safe bins include programmable text tools",
                format!(
                    "These safeBins entries do more than filter stdin:{}",
                    bullet_list(&broad_hits)
                ),
            )
            .fix("Remove jq/awk/sed-family binaries from tools.exec.safeBins and approve specific invocations through the exec allowlist.")
            .about("tools.exec.safeBins"),
        );
    }
}

/// Node's `path.resolve` for an absolute POSIX path: `.` and `..` applied, repeated and trailing `/` dropped.
fn resolve_absolute(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Why a trusted safe-bin directory is risky, if it is.
pub fn risky_trusted_dir(entry: &str) -> Option<&'static str> {
    let raw = js_trim(entry);
    if raw.is_empty() {
        return None;
    }
    if !raw.starts_with('/') {
        return Some("relative path: what it trusts depends on the working directory");
    }
    let n = resolve_absolute(raw).replace('\\', "/").to_lowercase();
    let under = |root: &str| n == root || n.starts_with(&format!("{root}/"));
    if under("/tmp") || under("/var/tmp") || under("/private/tmp") {
        return Some("temporary directory anyone can write to");
    }
    if matches!(
        n.as_str(),
        "/usr/local/bin"
            | "/opt/homebrew/bin"
            | "/opt/local/bin"
            | "/home/linuxbrew/.linuxbrew/bin"
    ) {
        return Some("package-manager bin directory, often writable without root");
    }
    if n.starts_with("/users/") || n.starts_with("/home/") || n.contains("/.local/bin") {
        return Some("home-scoped directory the user can write to");
    }
    None
}

fn trusted_dirs(cfg: &Value, out: &mut Vec<Finding>) {
    let mut hits = Vec::new();
    let mut scan = |scope: String, v: Option<&Value>| {
        let mut seen: Vec<&str> = Vec::new();
        for d in v.and_then(Value::as_array).into_iter().flatten() {
            let Some(d) = d.as_str().map(js_trim).filter(|d| !d.is_empty()) else {
                continue;
            };
            if seen.contains(&d) {
                continue;
            }
            seen.push(d);
            if let Some(why) = risky_trusted_dir(d) {
                hits.push(format!("{scope}.safeBinTrustedDirs: {d} ({why})"));
            }
        }
    };
    scan(
        "tools.exec".into(),
        cfg.pointer("/tools/exec/safeBinTrustedDirs"),
    );
    for (id, e) in policy::agents_with_ids(cfg) {
        scan(
            format!("agents.list.{id}.tools.exec"),
            e.pointer("/tools/exec/safeBinTrustedDirs"),
        );
    }
    if hits.is_empty() {
        return;
    }
    let mut detail = format!(
        "Trusted safe-bin directories that others may be able to write to:{}",
        bullet_list(&hits[..hits.len().min(10)])
    );
    if hits.len() > 10 {
        detail.push_str(&format!("\n- and {} more", hits.len() - 10));
    }
    out.push(
        Finding::new(
            "tools.exec.safe_bin_trusted_dirs_risky",
            Severity::Warn,
            "Safe-bin trusted directories are writable by others",
            detail,
        )
        .fix("Keep tools.exec.safeBinTrustedDirs to root-owned system directories (/bin, /usr/bin); drop temp, home and package-manager directories.")
        .about("tools.exec.safeBinTrustedDirs"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    fn ids(cfg: &str) -> Vec<String> {
        Host::new(cfg).ids()
    }

    fn sev(h: &Host, id: &str) -> Option<Severity> {
        h.findings()
            .into_iter()
            .find(|f| f.check_id == id)
            .map(|f| f.severity)
    }

    fn has(cfg: &str, id: &str) -> bool {
        ids(cfg).iter().any(|i| i == id)
    }

    #[test]
    fn host_sandbox_without_sandbox() {
        let id = "tools.exec.host_sandbox_no_sandbox_defaults";
        assert!(has(r#"{tools: {exec: {host: "sandbox"}}}"#, id));
        assert!(!has(
            r#"{tools: {exec: {host: "sandbox"}}, agents: {defaults: {sandbox: {mode: "non-main"}}}}"#,
            id
        ));
        assert!(!has(r#"{tools: {exec: {host: "gateway"}}}"#, id));
        // Agents: own host sandbox, mode off; an own sandbox mode avoids it.
        let a = "tools.exec.host_sandbox_no_sandbox_agents";
        assert!(has(
            r#"{agents: {list: [{id: "a", tools: {exec: {host: "sandbox"}}}]}}"#,
            a
        ));
        assert!(!has(
            r#"{agents: {list: [{id: "a", sandbox: {mode: "all"}, tools: {exec: {host: "sandbox"}}}]}}"#,
            a
        ));
        // The global host does not make agents hit.
        assert!(!has(
            r#"{tools: {exec: {host: "sandbox"}}, agents: {list: [{id: "a"}]}}"#,
            a
        ));
    }

    #[test]
    fn full_security_and_open_channels() {
        let h = Host::new(r#"{tools: {exec: {security: "full"}}}"#);
        assert_eq!(
            sev(&h, "tools.exec.security_full_configured"),
            Some(Severity::Warn)
        );
        assert_eq!(sev(&h, "security.exposure.open_channels_with_exec"), None);
        let h = Host::new(
            r#"{tools: {exec: {security: "full"}}, channels: {telegram: {dmPolicy: "open"}}}"#,
        );
        assert_eq!(
            sev(&h, "tools.exec.security_full_configured"),
            Some(Severity::Critical)
        );
        assert_eq!(
            sev(&h, "security.exposure.open_channels_with_exec"),
            Some(Severity::Critical)
        );
        // allowlist security: warn; deny (default): nothing.
        let h = Host::new(
            r#"{tools: {exec: {security: "allowlist"}}, channels: {telegram: {groups: {g: {groupPolicy: "open"}}}}}"#,
        );
        assert_eq!(
            sev(&h, "security.exposure.open_channels_with_exec"),
            Some(Severity::Warn)
        );
        assert!(!has(
            r#"{channels: {telegram: {dmPolicy: "open"}}}"#,
            "security.exposure.open_channels_with_exec"
        ));
        // An agent `main` replaces the global scope.
        let h = Host::new(
            r#"{tools: {exec: {security: "full"}}, agents: {list: [{id: "main", tools: {exec: {security: "deny"}}}]}, channels: {irc: {dmPolicy: "open"}}}"#,
        );
        assert_eq!(sev(&h, "tools.exec.security_full_configured"), None);
        assert_eq!(sev(&h, "security.exposure.open_channels_with_exec"), None);
    }

    #[test]
    fn open_surface_paths_walk_objects_not_arrays() {
        let cfg = serde_json::json!({"channels": {
            "defaults": {"groupPolicy": "open"},
            "telegram": {"accounts": {"a": {"dmPolicy": "open", "dm": {"policy": "open"}}}, "list": [{"groupPolicy": "open"}]},
            "irc": {"x": {"y": {"groupPolicy": "open"}}}
        }});
        assert_eq!(
            open_exec_surface_paths(&cfg),
            [
                "channels.defaults.groupPolicy",
                "channels.irc.x.y.groupPolicy",
                "channels.telegram.accounts.a.dmPolicy"
            ]
        );
    }

    #[test]
    fn fs_tools_disabled_but_exec() {
        let id = "tools.exec.fs_tools_disabled_but_exec_enabled";
        assert!(has(
            r#"{tools: {deny: ["write", "edit", "apply_patch"]}}"#,
            id
        ));
        // Denying write does not deny apply_patch (only an allow of write covers it).
        assert!(!has(r#"{tools: {deny: ["write", "edit"]}}"#, id));
        assert!(has(r#"{tools: {allow: ["exec", "read"]}}"#, id));
        assert!(!has(r#"{tools: {allow: ["exec", "write"]}}"#, id));
        assert!(has(r#"{tools: {deny: ["group:fs"]}}"#, id));
        assert!(!has(r#"{tools: {deny: ["write"]}}"#, id));
        assert!(!has(r#"{tools: {deny: ["group:fs", "exec"]}}"#, id));
        // The messaging profile denies both fs and exec.
        assert!(!has(r#"{tools: {profile: "messaging"}}"#, id));
        // alsoAllow does not extend the profile here: messaging still denies exec.
        assert!(!has(
            r#"{tools: {profile: "messaging", alsoAllow: ["exec"]}}"#,
            id
        ));
        assert!(has(
            r#"{tools: {profile: "coding", deny: ["group:fs"]}}"#,
            id
        ));
        // Sandbox all with read-only workspace confines exec, unless exec runs on the gateway.
        let sb = r#"agents: {defaults: {sandbox: {mode: "all"}}}"#;
        assert!(!has(
            &format!(r#"{{tools: {{deny: ["group:fs"]}}, {sb}}}"#),
            id
        ));
        assert!(has(
            &format!(r#"{{tools: {{deny: ["group:fs"], exec: {{host: "gateway"}}}}, {sb}}}"#),
            id
        ));
        assert!(has(
            r#"{tools: {deny: ["group:fs"]}, agents: {defaults: {sandbox: {mode: "all", workspaceAccess: "rw"}}}}"#,
            id
        ));
        // Per agent.
        assert!(has(
            r#"{agents: {list: [{id: "ro", tools: {deny: ["group:fs"]}}]}}"#,
            id
        ));
    }

    fn approvals(json: &str) -> crate::audit::testkit::Host {
        Host::new("{}").captured_json("~/.openclaw/exec-approvals.json", json)
    }

    #[test]
    fn approvals_file_auto_allow_skills() {
        let id = "tools.exec.auto_allow_skills_enabled";
        assert!(
            approvals(r#"{"version":1,"defaults":{"autoAllowSkills":true}}"#)
                .ids()
                .contains(&id.into())
        );
        assert!(
            approvals(r#"{"version":1,"agents":{"ops":{"autoAllowSkills":true}}}"#)
                .ids()
                .contains(&id.into())
        );
        // Not version 1, not strict JSON, "true" as a string, or no file: nothing.
        for doc in [
            r#"{"version":2,"defaults":{"autoAllowSkills":true}}"#,
            r#"{"version":"1","defaults":{"autoAllowSkills":true}}"#,
            "{version:1, defaults:{autoAllowSkills:true}}",
            r#"{"version":1,"defaults":{"autoAllowSkills":"true"}}"#,
        ] {
            assert!(!approvals(doc).ids().contains(&id.into()), "{doc}");
        }
        assert!(!Host::new("{}").ids().contains(&id.into()));
        // A legacy `default` agent counts (merged into main); main's own value wins.
        assert!(
            approvals(r#"{"version":1,"agents":{"default":{"autoAllowSkills":true}}}"#)
                .ids()
                .contains(&id.into())
        );
        assert!(!approvals(
            r#"{"version":1,"agents":{"main":{"autoAllowSkills":false},"default":{"autoAllowSkills":true}}}"#
        )
        .ids()
        .contains(&id.into()));
        // A null agent makes OpenClaw drop the whole file.
        assert!(!approvals(
            r#"{"version":1,"defaults":{"autoAllowSkills":true},"agents":{"x":null}}"#
        )
        .ids()
        .contains(&id.into()));
    }

    #[test]
    fn interpreter_patterns() {
        for p in [
            "python3",
            "/usr/bin/python3",
            "PYTHON.EXE",
            "C:\\bin\\node.exe",
            "node.cmd",
            "*python*",
            "py[th]on",
            "xargs",
            "/opt/*/node",
            "make",
            "osascript",
            "/usr/bin/awk/",
        ] {
            assert!(is_interpreter_allowlist_pattern(p), "{p}");
        }
        for p in [
            "python3.12",
            "perl.exe*",
            "python3 -c",
            "bash",
            "",
            "/usr/bin/jq",
        ] {
            assert!(!is_interpreter_allowlist_pattern(p), "{p}");
        }
    }

    #[test]
    fn interpreter_allowlist_and_strict_inline_eval() {
        let id = "tools.exec.allowlist_interpreter_without_strict_inline_eval";
        let doc = r#"{"version":1,"agents":{"main":{"allowlist":[{"pattern":"/usr/bin/python3"}]},"ops":{"allowlist":["node"]}}}"#;
        let with = |cfg: &str| {
            Host::new(cfg)
                .captured_json("~/.openclaw/exec-approvals.json", doc)
                .ids()
                .contains(&id.to_string())
        };
        assert!(with("{}"));
        // Global strict covers main and ops.
        assert!(!with(r#"{tools: {exec: {strictInlineEval: true}}}"#));
        // An agent's own strictInlineEval covers only that agent (main still hits).
        assert!(with(
            r#"{agents: {list: [{id: "ops", tools: {exec: {strictInlineEval: true}}}]}}"#
        ));
        // `main` always uses the global value, even with an agents.list entry `main`.
        let only_main = r#"{"version":1,"agents":{"main":{"allowlist":["python3"]}}}"#;
        let h = Host::new(
            r#"{agents: {list: [{id: "main", tools: {exec: {strictInlineEval: true}}}]}}"#,
        )
        .captured_json("~/.openclaw/exec-approvals.json", only_main);
        assert!(h.ids().contains(&id.to_string()));
        // Non-interpreter patterns: nothing.
        let h = approvals(r#"{"version":1,"agents":{"main":{"allowlist":["/usr/bin/jq","git"]}}}"#);
        assert!(!h.ids().contains(&id.to_string()));
    }

    #[test]
    fn approvals_from_state_db_win_over_the_file() {
        use crate::capture::sqlite::{AgentApprovals as A, ExecApprovals as E, StateFacts};
        let mut agents = std::collections::BTreeMap::new();
        agents.insert(
            "default".to_string(),
            A {
                auto_allow_skills: None,
                allowlist: vec!["python3".into()],
            },
        );
        let state = StateFacts {
            exec_approvals: Some(E {
                defaults_auto_allow_skills: Some(true),
                agents,
            }),
            ..StateFacts::default()
        };
        let h = Host::new("{}")
            .captured_json("~/.openclaw/exec-approvals.json", r#"{"version":1}"#)
            .state_db(state);
        let ids = h.ids();
        assert!(ids.contains(&"tools.exec.auto_allow_skills_enabled".into()));
        assert!(ids.contains(&"tools.exec.allowlist_interpreter_without_strict_inline_eval".into()));
        // A state DB without approvals means none, even if the JSON file has some.
        let h = Host::new("{}")
            .captured_json(
                "~/.openclaw/exec-approvals.json",
                r#"{"version":1,"defaults":{"autoAllowSkills":true}}"#,
            )
            .state_db(StateFacts::default());
        assert!(!h
            .ids()
            .contains(&"tools.exec.auto_allow_skills_enabled".into()));
    }

    #[test]
    fn safe_bins() {
        let i = "tools.exec.safe_bins_interpreter_unprofiled";
        let b = "tools.exec.safe_bins_broad_behavior";
        assert!(has(r#"{tools: {exec: {safeBins: ["python3"]}}}"#, i));
        assert!(has(
            r#"{tools: {exec: {safeBins: ["/usr/bin/Python3.11"]}}}"#,
            i
        ));
        assert!(has(r#"{tools: {exec: {safeBins: ["node22"]}}}"#, i));
        assert!(has(r#"{tools: {exec: {safeBins: ["BASH.EXE"]}}}"#, i));
        assert!(!has(
            r#"{tools: {exec: {safeBins: ["python3"], safeBinProfiles: {" Python3 ": {}}}}}"#,
            i
        ));
        assert!(!has(
            r#"{tools: {exec: {safeBins: ["grep", "jq", "python3x"]}}}"#,
            i
        ));
        // Agent bins are checked against global + agent profiles.
        assert!(has(
            r#"{agents: {list: [{id: "a", tools: {exec: {safeBins: ["ruby"]}}}]}}"#,
            i
        ));
        assert!(!has(
            r#"{tools: {exec: {safeBinProfiles: {ruby: {}}}}, agents: {list: [{id: "a", tools: {exec: {safeBins: ["ruby"]}}}]}}"#,
            i
        ));
        // A profile path does not match a basename bin.
        assert!(has(
            r#"{tools: {exec: {safeBins: ["/usr/bin/perl"], safeBinProfiles: {"/usr/bin/perl": {}}}}}"#,
            i
        ));
        // Broad: jq and the awk/sed families; profiles do not help.
        assert!(has(r#"{tools: {exec: {safeBins: ["jq"]}}}"#, b));
        assert!(has(
            r#"{tools: {exec: {safeBins: ["/usr/bin/GSED"], safeBinProfiles: {gsed: {}}}}}"#,
            b
        ));
        assert!(!has(r#"{tools: {exec: {safeBins: ["grep", "cut"]}}}"#, b));
        assert!(has(
            r#"{agents: {list: [{id: "a", tools: {exec: {safeBins: ["awk"]}}}]}}"#,
            b
        ));
        assert!(!has(
            r#"{agents: {list: [{tools: {exec: {safeBins: ["awk"]}}}]}}"#,
            b
        ));
    }

    #[test]
    fn trusted_dirs() {
        assert_eq!(
            risky_trusted_dir("bin"),
            Some("relative path: what it trusts depends on the working directory")
        );
        assert!(risky_trusted_dir("/tmp").is_some());
        assert!(risky_trusted_dir("/TMP/x/").is_some());
        assert!(risky_trusted_dir("/var/tmp").is_some());
        assert!(risky_trusted_dir("/tmpfoo").is_none());
        assert!(risky_trusted_dir("/usr/local/bin/").is_some());
        assert!(risky_trusted_dir("/usr/local/bin/x").is_none());
        assert!(risky_trusted_dir("/usr/local/sbin").is_none());
        assert!(risky_trusted_dir("/home/u/bin").is_some());
        assert!(risky_trusted_dir("/home").is_none());
        assert!(risky_trusted_dir("/Users/u/bin").is_some());
        assert!(risky_trusted_dir("/opt/x/.local/bin").is_some());
        assert!(risky_trusted_dir("/usr/../tmp").is_some());
        assert!(risky_trusted_dir("/usr/bin").is_none());
        assert!(risky_trusted_dir("  ").is_none());
        assert!(risky_trusted_dir("C:/Users/x").is_some()); // relative on POSIX
        let id = "tools.exec.safe_bin_trusted_dirs_risky";
        assert!(has(
            r#"{tools: {exec: {safeBinTrustedDirs: ["/tmp/bin"]}}}"#,
            id
        ));
        assert!(has(
            r#"{agents: {list: [{id: "a", tools: {exec: {safeBinTrustedDirs: ["./bin"]}}}]}}"#,
            id
        ));
        assert!(!has(
            r#"{tools: {exec: {safeBinTrustedDirs: ["/usr/bin", "/opt/tools/bin"]}}}"#,
            id
        ));
        // More than 10 hits are summarized.
        let many: Vec<String> = (0..12).map(|i| format!("\"/tmp/{i}\"")).collect();
        let h = Host::new(&format!(
            "{{tools: {{exec: {{safeBinTrustedDirs: [{}]}}}}}}",
            many.join(",")
        ));
        let f = h.findings().into_iter().find(|f| f.check_id == id).unwrap();
        assert!(f.detail.ends_with("- and 2 more"));
    }

    #[test]
    fn rows_come_out_in_reference_order() {
        let h = Host::new(
            r#"{tools: {exec: {host: "sandbox", security: "full", safeBins: ["python3", "jq"], safeBinTrustedDirs: ["/tmp"]}, deny: ["group:fs"]},
                agents: {list: [{id: "a", tools: {exec: {host: "sandbox"}}}]},
                channels: {irc: {groupPolicy: "open"}}}"#,
        )
        .captured_json(
            "~/.openclaw/exec-approvals.json",
            r#"{"version":1,"defaults":{"autoAllowSkills":true},"agents":{"main":{"allowlist":["python3"]}}}"#,
        );
        let ids: Vec<String> = h
            .ids()
            .into_iter()
            .filter(|i| {
                i.starts_with("tools.exec") || i == "security.exposure.open_channels_with_exec"
            })
            .collect();
        assert_eq!(
            ids,
            [
                "tools.exec.host_sandbox_no_sandbox_defaults",
                "tools.exec.host_sandbox_no_sandbox_agents",
                "tools.exec.security_full_configured",
                "security.exposure.open_channels_with_exec",
                "tools.exec.fs_tools_disabled_but_exec_enabled",
                "tools.exec.auto_allow_skills_enabled",
                "tools.exec.allowlist_interpreter_without_strict_inline_eval",
                "tools.exec.safe_bins_interpreter_unprofiled",
                "tools.exec.safe_bins_broad_behavior",
                "tools.exec.safe_bin_trusted_dirs_risky",
            ]
        );
    }
}
