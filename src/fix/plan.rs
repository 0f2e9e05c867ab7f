//! The planner: a pure function from a snapshot to a change set (no I/O, no clock).
//!
//! It makes the remediations of the reference's `openclaw security audit --fix` (2026.5.20, catalogue §9) from the
//! config and the file metadata directly: the config edits (`logging.redactSensitive` off → tools, `groupPolicy`
//! open → allowlist on every channel and account), then the permission targets in the reference's order with the
//! reference's skip reasons. Beyond the reference, as the spec asks: the edits go to the file that owns the key,
//! WhatsApp `groupAllowFrom` is seeded from the pairing allowlist, and the SQLite state DB is tightened. Each op
//! names the findings of the snapshot's audit it resolves (checkId + fingerprint).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::changeset::{
    ChangeSet, ChmodOp, EditExpect, FileState, HostPaths, Link, Op, Origin, PlannedAction, Preview,
    Recorded, Require, SeedOp, SeedSource, SetOp, FORMAT,
};
use super::edit::{self, Files, Owner};
use crate::audit::{self, Ctx, Finding};
use crate::config::load;
use crate::config::paths;
use crate::config::secret::js_trim;
use crate::snapshot::{FileKind, Snapshot};

/// Permission targets of the reference, in order.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: String,
    pub mode: u32,
    pub require: Require,
    pub origin: Origin,
    /// What the path is, for people ("state dir", "session transcript").
    pub label: &'static str,
}

/// The config files of a snapshot (main config and includes), parsed from their redacted texts, with the blob id
/// (hash of the redacted form) of each.
pub struct ConfigFiles {
    pub files: Files,
    pub texts: HashMap<String, String>,
    pub blobs: HashMap<String, String>,
}

impl ConfigFiles {
    pub fn of(snap: &Snapshot) -> ConfigFiles {
        let mut out = ConfigFiles {
            files: Files::default(),
            texts: HashMap::new(),
            blobs: HashMap::new(),
        };
        let c = &snap.manifest.config;
        let mut add = |path: &str, blob: &Option<String>| {
            if let Some(h) = blob {
                if let Ok(text) = snap.blob_text(h) {
                    out.files.insert(path, text);
                    out.texts.insert(path.to_string(), text.to_string());
                    out.blobs.insert(path.to_string(), h.clone());
                }
            }
        };
        add(&c.path, &c.blob);
        for inc in &c.includes {
            add(&inc.path, &inc.blob);
        }
        out
    }

    /// The literal value at `local` in `file`, `None` when absent.
    pub fn value(&self, file: &str, local: &[String]) -> Option<Value> {
        edit::locate(self.files.node(file)?, local).map(|n| n.to_json())
    }
}

/// JavaScript's own-key order for an object: array-index keys first in ascending numeric order, then the other
/// keys in insertion order (`Object.keys`), which decides the order of the reference's `changes`.
pub fn js_keys(map: &Map<String, Value>) -> Vec<&String> {
    let index = |k: &str| -> Option<u64> {
        if k == "0" {
            return Some(0);
        }
        if k.starts_with('0') || k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        k.parse::<u64>().ok().filter(|n| *n < u32::MAX as u64)
    };
    let mut numeric: Vec<(u64, &String)> = map
        .keys()
        .filter_map(|k| index(k).map(|n| (n, k)))
        .collect();
    numeric.sort();
    let mut out: Vec<&String> = numeric.into_iter().map(|(_, k)| k).collect();
    out.extend(map.keys().filter(|k| index(k).is_none()));
    out
}

/// The reference's permission targets for a snapshot, plus the spec's state-DB targets when `state/` exists.
pub fn targets(ctx: &Ctx) -> Vec<Target> {
    let h = ctx.host();
    let m = &ctx.snap.manifest;
    let t = |path: String, mode: u32, require: Require, label: &'static str| Target {
        path,
        mode,
        require,
        origin: Origin::Reference,
        label,
    };
    let mut out = vec![
        t(h.state_dir.clone(), 0o700, Require::Dir, "state dir"),
        t(h.config_path.clone(), 0o600, Require::File, "config file"),
    ];
    if m.config.exists {
        for inc in &m.config.includes {
            out.push(t(inc.path.clone(), 0o600, Require::File, "include file"));
        }
    }
    let cred = h.credentials_dir.trim_end_matches('/');
    out.push(t(cred.to_string(), 0o700, Require::Dir, "credentials dir"));
    for (name, e) in ctx.children(cred) {
        if e.kind == FileKind::File && name.ends_with(".json") {
            out.push(t(
                format!("{cred}/{name}"),
                0o600,
                Require::File,
                "credentials file",
            ));
        }
    }
    let state = h.state_dir.trim_end_matches('/');
    for id in paths::fs_agent_ids(&ctx.cfg) {
        let root = format!("{state}/agents/{id}");
        out.push(t(root.clone(), 0o700, Require::Dir, "agent dir"));
        out.push(t(
            format!("{root}/agent"),
            0o700,
            Require::Dir,
            "agent auth dir",
        ));
        out.push(t(
            format!("{root}/agent/auth-profiles.json"),
            0o600,
            Require::File,
            "auth profiles",
        ));
        let sessions = format!("{root}/sessions");
        out.push(t(sessions.clone(), 0o700, Require::Dir, "sessions dir"));
        out.push(t(
            format!("{sessions}/sessions.json"),
            0o600,
            Require::File,
            "session store",
        ));
        for (name, e) in ctx.children(&sessions) {
            if e.kind == FileKind::File && name.ends_with(".jsonl") {
                out.push(t(
                    format!("{sessions}/{name}"),
                    0o600,
                    Require::File,
                    "session transcript",
                ));
            }
        }
    }
    let db_dir = format!("{state}/state");
    if ctx.file(&db_dir).is_some() {
        let spec = |path: String, mode, require, label| Target {
            path,
            mode,
            require,
            origin: Origin::Spec,
            label,
        };
        out.push(spec(db_dir.clone(), 0o700, Require::Dir, "state DB dir"));
        for suffix in ["", "-wal", "-shm", "-journal"] {
            out.push(spec(
                format!("{db_dir}/openclaw.sqlite{suffix}"),
                0o600,
                Require::File,
                "state DB file",
            ));
        }
    }
    out
}

/// The snapshot's file states with the modes the planned chmods leave behind.
struct Vfs<'a> {
    snap: &'a Snapshot,
    modes: HashMap<String, u32>,
}

impl Vfs<'_> {
    fn state(&self, path: &str) -> Option<FileState> {
        let e = self.snap.file(path)?;
        Some(FileState {
            kind: e.kind,
            mode: self.modes.get(path).copied().unwrap_or(e.mode),
        })
    }

    /// Why `lstat` of an uncaptured path fails: `missing` (ENOENT), or `error` (ENOTDIR) when the nearest
    /// captured ancestor is not a directory.
    fn missing_reason(&self, path: &str) -> &'static str {
        let mut p = path.trim_end_matches('/');
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            let Some(e) = self.snap.file(if p.is_empty() { "/" } else { p }) else {
                continue;
            };
            let kind = match e.kind {
                FileKind::Symlink => match e.resolved.as_ref().and_then(|r| r.kind) {
                    Some(k) => k,
                    None => return "missing",
                },
                k => k,
            };
            return if kind == FileKind::Dir {
                "missing"
            } else {
                "error"
            };
        }
        "missing"
    }

    /// The reference's `safeChmod` decision: `Ok(current state)` when a chmod is needed, else the skip reason.
    fn decide(&self, path: &str, mode: u32, require: Require) -> Result<FileState, &'static str> {
        let Some(st) = self.state(path) else {
            return Err(self.missing_reason(path));
        };
        match (st.kind, require) {
            (FileKind::Symlink, _) => Err("symlink"),
            (k, Require::Dir) if k != FileKind::Dir => Err("not-a-directory"),
            (k, Require::File) if k != FileKind::File => Err("not-a-file"),
            _ if st.mode & 0o777 == mode => Err("already"),
            _ => Ok(st),
        }
    }
}

/// Findings an op resolves, by the linking rule of docs/change-set-format.md.
fn links(findings: &[(Finding, String)], pred: impl Fn(&Finding) -> bool) -> Vec<Link> {
    findings
        .iter()
        .filter(|(f, _)| pred(f))
        .map(|(f, fp)| Link {
            check_id: f.check_id.clone(),
            fingerprint: fp.clone(),
        })
        .collect()
}

fn is_perm_finding(f: &Finding) -> bool {
    f.check_id.starts_with("fs.") && f.check_id.contains(".perms_")
}

/// Does a `groupPolicy` flip at `key` (`channels.<ch>[.accounts.<a>].groupPolicy`) resolve `f`? The open-group
/// exposure findings (which list every open group), and group findings about this channel account: subject the
/// key, its object (`channels.telegram.accounts.b`), or the account (`telegram:b`; `telegram:default` and
/// `telegram` for the channel level).
pub fn group_link(key: &[String], f: &Finding) -> bool {
    if f.check_id.starts_with("security.exposure.open_groups") {
        return true;
    }
    if !f.check_id.to_lowercase().contains("group") || key.len() < 3 {
        return false;
    }
    let ch = &key[1];
    let mut subjects = vec![key.join("."), key[..key.len() - 1].join(".")];
    match key.get(3).filter(|_| key.len() == 5) {
        Some(acct) => subjects.push(format!("{ch}:{acct}")),
        None => {
            subjects.push(format!("{ch}:default"));
            subjects.push(ch.clone());
        }
    }
    subjects.contains(&f.subject)
}

fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}

/// An empty or absent allowlist, as the WhatsApp seeding tests it.
fn empty_list(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// The WhatsApp pairing allowlist of the default account, as captured (the state DB when the host has one,
/// else `<credentials>/whatsapp-allowFrom.json` and `whatsapp-default-allowFrom.json`): trimmed, without empty
/// entries and `*`, de-duplicated.
pub fn pairing_entries(ctx: &Ctx, channel: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    if let Some(db) = ctx.state_db() {
        for l in &db.pairing_allowlists {
            if l.channel == channel && l.account.is_none() {
                raw.extend(l.entries.iter().cloned());
            }
        }
    } else {
        let cred = ctx.host().credentials_dir.trim_end_matches('/');
        for name in [
            format!("{channel}-allowFrom.json"),
            format!("{channel}-default-allowFrom.json"),
        ] {
            if let Some(doc) = ctx.json_file(&format!("{cred}/{name}")) {
                if let Some(items) = doc.get("allowFrom").and_then(Value::as_array) {
                    raw.extend(items.iter().filter_map(|i| i.as_str().map(String::from)));
                }
            }
        }
    }
    normalize_entries(raw)
}

/// Trim, drop empty entries and `*`, de-duplicate keeping the first occurrence.
pub fn normalize_entries(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in raw {
        let t = js_trim(&e).to_string();
        if !t.is_empty() && t != "*" && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A value by object-key path (no JSON-pointer escaping issues with odd keys).
pub fn get_path<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.as_object()?.get(k))
}

/// The key whose owner decides where a seeded `groupAllowFrom` goes: the key itself when it is present (empty),
/// else the sibling `groupPolicy`.
pub fn seed_anchor(key_path: &[String], present: bool) -> Vec<String> {
    let mut k = key_path.to_vec();
    if !present {
        k.pop();
        k.push("groupPolicy".into());
    }
    k
}

/// From the anchor's owner to the seed's place: `(owner of groupAllowFrom, insert-before sibling)`.
pub fn seed_place(anchor: Owner, present: bool) -> (Owner, Option<String>) {
    if present {
        return (anchor, None);
    }
    let mut local = anchor.local;
    local.pop();
    local.push("groupAllowFrom".into());
    (
        Owner {
            file: anchor.file,
            local,
        },
        Some("groupPolicy".into()),
    )
}

struct Planner<'a> {
    snap: &'a Snapshot,
    files: ConfigFiles,
    sites: std::collections::BTreeMap<String, usize>,
    findings: Vec<(Finding, String)>,
    notes: Vec<String>,
}

impl Planner<'_> {
    /// Where `key` is written, if clawprint can edit it there.
    fn owner(&mut self, key: &[String]) -> Option<Owner> {
        let config = &self.snap.manifest.config.path;
        let dotted = key.join(".");
        let Some(o) = edit::owner(&self.files.files, config, key) else {
            self.notes.push(format!(
                "{dotted}: no config file writes this key (a default or a computed value); not edited"
            ));
            return None;
        };
        if self.sites.get(&o.file).copied().unwrap_or(0) > 1 {
            self.notes.push(format!(
                "{dotted}: {} is included more than once, so editing it would change other keys too; edit it by hand",
                o.file
            ));
            return None;
        }
        match self.snap.file(&o.file).map(|e| e.kind) {
            Some(FileKind::File) => Some(o),
            Some(FileKind::Symlink) => {
                self.notes.push(format!(
                    "{dotted}: {} is a symbolic link; clawprint does not write through links, edit the target by hand",
                    o.file
                ));
                None
            }
            _ => {
                self.notes.push(format!(
                    "{dotted}: {} is not a regular file in the snapshot; not edited",
                    o.file
                ));
                None
            }
        }
    }

    fn expect(&self, file: &str, value: Option<Value>) -> Option<EditExpect> {
        let e = self.snap.file(file)?;
        Some(EditExpect {
            file: FileState {
                kind: e.kind,
                mode: e.mode,
            },
            redacted: self.files.blobs.get(file)?.clone(),
            value,
        })
    }

    fn set_op(
        &mut self,
        key: &[String],
        new: Value,
        change: String,
        why: String,
        resolves: Vec<Link>,
    ) -> Option<Op> {
        let o = self.owner(key)?;
        let old = self.files.value(&o.file, &o.local)?;
        let text = self.files.texts.get(&o.file)?;
        let edited = edit::replace_value(text, &o.local, Some(&old), &new).ok()?;
        let (line, before, after) = edit::changed_lines(text, &edited);
        let expect = self.expect(&o.file, Some(old))?;
        Some(Op::Set(SetOp {
            key: key.join("."),
            key_path: key.to_vec(),
            file: o.file,
            local: o.local,
            expect,
            value: new,
            change,
            origin: Origin::Reference,
            preview: Preview {
                line,
                before,
                after,
            },
            why,
            resolves,
        }))
    }
}

/// Plan the fix of a snapshot.
pub fn plan(snap: &Snapshot) -> ChangeSet {
    let ctx = Ctx::new(snap);
    let report = audit::audit(snap);
    let (fps, _) = report.fingerprints();
    let findings: Vec<(Finding, String)> = report.findings.iter().cloned().zip(fps).collect();
    let h = ctx.host();
    let mut p = Planner {
        snap,
        files: ConfigFiles::of(snap),
        sites: Default::default(),
        findings,
        notes: Vec::new(),
    };
    p.sites = p.files.files.include_sites();
    if snap.manifest.walk.truncated {
        p.notes.push(format!(
            "the snapshot lists only the first {} entries of the state tree; targets beyond them are treated as missing",
            snap.manifest.walk.limit
        ));
    }

    // 1. Config edits, on the loaded config, as the reference decides them (catalogue §9.1).
    let mut edits: Vec<Op> = Vec::new();
    let mut changes: Vec<String> = Vec::new();
    let loadable = ctx.load_problems.is_empty();
    if !loadable {
        p.notes.push(
            "OpenClaw would refuse this config (see the audit notes), so no config edit is planned; permissions are still planned"
                .into(),
        );
    }
    let cfg = &ctx.cfg;
    if loadable && cfg.pointer("/logging/redactSensitive") == Some(&Value::from("off")) {
        let change = "logging.redactSensitive=off -> \"tools\"".to_string();
        let resolves = links(&p.findings, |f| f.check_id == "logging.redact_off");
        let why = "logging.redactSensitive is \"off\": tool summaries and status output can carry secrets into logs; \"tools\" redacts them".to_string();
        if let Some(op) = p.set_op(
            &keys(&["logging", "redactSensitive"]),
            Value::from("tools"),
            change.clone(),
            why,
            resolves,
        ) {
            edits.push(op);
        }
        changes.push(change);
    }
    let channels = cfg.pointer("/channels").and_then(Value::as_object);
    let mut group_keys: Vec<Vec<String>> = Vec::new();
    if loadable {
        for ch in channels.map(js_keys).unwrap_or_default() {
            let Some(section) = channels.and_then(|c| c.get(ch)).filter(|s| s.is_object()) else {
                continue;
            };
            if section.get("groupPolicy") == Some(&Value::from("open")) {
                group_keys.push(keys(&["channels", ch, "groupPolicy"]));
            }
            let Some(accounts) = section.get("accounts").and_then(Value::as_object) else {
                continue;
            };
            for acct in js_keys(accounts) {
                let v = &accounts[acct.as_str()];
                if !acct.is_empty()
                    && v.is_object()
                    && v.get("groupPolicy") == Some(&Value::from("open"))
                {
                    group_keys.push(keys(&["channels", ch, "accounts", acct, "groupPolicy"]));
                }
            }
        }
    }
    for key in &group_keys {
        let dotted = key.join(".");
        let change = format!("{dotted}=open -> allowlist");
        let resolves = links(&p.findings, |f| group_link(key, f));
        let why = format!(
            "{dotted} is \"open\": any group the bot is added to can talk to the agent; \"allowlist\" admits only listed groups and senders"
        );
        if let Some(op) = p.set_op(key, Value::from("allowlist"), change.clone(), why, resolves) {
            edits.push(op);
        }
        changes.push(change);
    }

    // 2. Spec: WhatsApp groupAllowFrom seeded from the pairing allowlist (not in 2026.5.20, see divergences).
    if loadable {
        if let Some(wa) = channels
            .and_then(|c| c.get("whatsapp"))
            .filter(|v| v.is_object())
        {
            let mut objects: Vec<(Vec<String>, &Value)> =
                vec![(keys(&["channels", "whatsapp"]), wa)];
            if let Some(accts) = wa.get("accounts").and_then(Value::as_object) {
                for a in js_keys(accts) {
                    if !a.is_empty() && accts[a.as_str()].is_object() {
                        objects.push((
                            keys(&["channels", "whatsapp", "accounts", a]),
                            &accts[a.as_str()],
                        ));
                    }
                }
            }
            let wanted: Vec<Vec<String>> = objects
                .iter()
                .filter(|(_, o)| {
                    o.get("groupPolicy") == Some(&Value::from("open"))
                        && empty_list(o.get("allowFrom"))
                        && empty_list(o.get("groupAllowFrom"))
                })
                .map(|(k, _)| k.clone())
                .collect();
            let entries = pairing_entries(&ctx, "whatsapp");
            if !wanted.is_empty() && entries.is_empty() {
                p.notes.push(
                    "WhatsApp groups are open with no allowFrom, but the pairing allowlist is empty: groupAllowFrom is not seeded".into(),
                );
            }
            for obj in wanted.iter().filter(|_| !entries.is_empty()) {
                let mut key = obj.clone();
                key.push("groupAllowFrom".into());
                let dotted = key.join(".");
                let change = format!("{}.groupAllowFrom=pairing-store", obj.join("."));
                let resolves = links(&p.findings, |f| f.subject == dotted);
                let why = format!(
                    "{} has open groups and no allowFrom: seed groupAllowFrom with the {} sender(s) already paired with WhatsApp (read again from the host when applying)",
                    obj.join("."),
                    entries.len()
                );
                // Present but empty: replace it where it is written; absent: insert it next to groupPolicy.
                let present = get_path(&ctx.cfg, &key).is_some();
                let Some(o) = p.owner(&seed_anchor(&key, present)) else {
                    continue;
                };
                let (o, before) = seed_place(o, present);
                let old = p.files.value(&o.file, &o.local);
                let Some(expect) = p.expect(&o.file, old) else {
                    continue;
                };
                edits.push(Op::Seed(SeedOp {
                    key: dotted,
                    key_path: key,
                    file: o.file,
                    local: o.local,
                    before,
                    expect,
                    source: SeedSource {
                        channel: "whatsapp".into(),
                        account: "default".into(),
                    },
                    change: change.clone(),
                    origin: Origin::Spec,
                    why,
                    resolves,
                }));
                changes.push(change);
            }
        }
    }

    // 3. Permissions. Writing the main config makes the reference set it to 600 and its dir to 700 when that is
    //    the state dir (catalogue §9.1 step 3); do that first so targets 1–2 report `already` like the reference.
    let mut vfs = Vfs {
        snap,
        modes: HashMap::new(),
    };
    let mut ops: Vec<Op> = Vec::new();
    let writes_main = edits.iter().any(|op| op.path() == h.config_path);
    if writes_main {
        let config_dir = load::dirname(&h.config_path);
        if load::normalize(&config_dir) == load::normalize(&h.state_dir) {
            match vfs.state(&h.state_dir) {
                Some(st) if st.kind == FileKind::Dir && st.mode & 0o077 != 0 => {
                    let resolves = links(&p.findings, |f| {
                        f.subject == h.state_dir && is_perm_finding(f)
                    });
                    ops.push(Op::Chmod(ChmodOp {
                        path: h.state_dir.clone(),
                        mode: 0o700,
                        require: Require::Dir,
                        expect: st,
                        origin: Origin::ConfigWrite,
                        why: format!(
                            "state dir is {:03o} and holds the config being written; OpenClaw's --fix sets it to 700 when writing the config",
                            st.mode & 0o777
                        ),
                        resolves,
                    }));
                    vfs.modes.insert(h.state_dir.clone(), 0o700);
                }
                Some(st) if st.kind == FileKind::Symlink => p.notes.push(format!(
                    "{} is a symbolic link: not tightened while writing the config (OpenClaw's --fix would chmod its target)",
                    h.state_dir
                )),
                _ => {}
            }
        }
        if let Some(st) = vfs
            .state(&h.config_path)
            .filter(|s| s.kind == FileKind::File && s.mode & 0o777 != 0o600)
        {
            let resolves = links(&p.findings, |f| {
                f.subject == h.config_path && is_perm_finding(f)
            });
            ops.push(Op::Chmod(ChmodOp {
                path: h.config_path.clone(),
                mode: 0o600,
                require: Require::File,
                expect: st,
                origin: Origin::ConfigWrite,
                why: format!(
                    "config file is {:03o}; OpenClaw's --fix writes it with mode 600",
                    st.mode & 0o777
                ),
                resolves,
            }));
            vfs.modes.insert(h.config_path.clone(), 0o600);
        }
    }
    ops.extend(edits);
    let mut actions = Vec::new();
    for t in targets(&ctx) {
        let outcome = match vfs.decide(&t.path, t.mode, t.require) {
            Err(reason) => PlannedAction {
                path: t.path,
                mode: t.mode,
                require: t.require,
                outcome: reason.to_string(),
                op: None,
                origin: t.origin,
            },
            Ok(st) => {
                let resolves = links(&p.findings, |f| f.subject == t.path && is_perm_finding(f));
                let why = format!(
                    "{} is {:03o}; {} it to {:03o}",
                    t.label,
                    st.mode & 0o777,
                    if t.origin == Origin::Spec {
                        "the spec's --fix sets"
                    } else {
                        "OpenClaw's --fix sets"
                    },
                    t.mode
                );
                ops.push(Op::Chmod(ChmodOp {
                    path: t.path.clone(),
                    mode: t.mode,
                    require: t.require,
                    expect: st,
                    origin: t.origin,
                    why,
                    resolves,
                }));
                vfs.modes.insert(t.path.clone(), t.mode);
                PlannedAction {
                    path: t.path,
                    mode: t.mode,
                    require: t.require,
                    outcome: "ok".into(),
                    op: Some(ops.len() - 1),
                    origin: t.origin,
                }
            }
        };
        actions.push(outcome);
    }
    ChangeSet {
        format: FORMAT.into(),
        base: snap.id(),
        host: HostPaths {
            home: h.home.clone(),
            state_dir: h.state_dir.clone(),
            config_path: h.config_path.clone(),
            credentials_dir: h.credentials_dir.clone(),
        },
        ops,
        actions,
        changes,
        notes: p.notes,
        recorded: recorded(snap),
        id: String::new(),
    }
    .seal()
}

/// How the snapshot recorded the host, when apply must re-capture it the same way (`None`: a plain capture).
fn recorded(snap: &Snapshot) -> Option<Recorded> {
    let facts = snap.manifest.redaction.identities.as_ref()?;
    (facts.mode == "pseudonymized" || facts.home_alias.is_some()).then(|| Recorded {
        identities: facts.mode.clone(),
        home_alias: facts.home_alias.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::{Host, HOME};
    use crate::audit::Severity;
    use crate::snapshot::{FileEntry, IncludeFile};
    use serde_json::json;

    fn put(snap: &mut Snapshot, path: &str, kind: FileKind, mode: u32) {
        snap.manifest.files.retain(|f| f.path != path);
        snap.manifest.files.push(FileEntry {
            path: path.into(),
            kind,
            mode,
            uid: 1000,
            gid: 1000,
            ..FileEntry::default()
        });
        snap.manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    }

    fn include(snap: &mut Snapshot, name: &str, text: &str, mode: u32) -> String {
        let path = format!("{HOME}/.openclaw/{name}");
        let blob = Snapshot::add_blob(&mut snap.blobs, text.as_bytes().to_vec());
        snap.manifest.config.includes.push(IncludeFile {
            path: path.clone(),
            parent: snap.manifest.config.path.clone(),
            blob: Some(blob),
            error: None,
        });
        put(snap, &path, FileKind::File, mode);
        path
    }

    fn outcomes(cs: &ChangeSet) -> Vec<(String, String)> {
        cs.actions
            .iter()
            .map(|a| (a.path.replace(HOME, "~"), a.outcome.clone()))
            .collect()
    }

    const STATE: &str = "/home/user/.openclaw";
    const CONFIG: &str = "/home/user/.openclaw/openclaw.json";

    #[test]
    fn writing_the_config_tightens_it_first_so_targets_report_already() {
        let snap = Host::new(r#"{ logging: { redactSensitive: "off" } }"#)
            .dir("~/.openclaw", 0o755)
            .config_mode(0o644)
            .snapshot();
        let cs = plan(&snap);
        assert_eq!(cs.changes, ["logging.redactSensitive=off -> \"tools\""]);
        let Op::Chmod(c0) = &cs.ops[0] else { panic!() };
        assert_eq!(
            (c0.path.as_str(), c0.mode, c0.origin),
            (STATE, 0o700, Origin::ConfigWrite)
        );
        assert_eq!(c0.expect.mode, 0o755);
        assert_eq!(c0.resolves[0].check_id, "fs.state_dir.perms_readable");
        let Op::Chmod(c1) = &cs.ops[1] else { panic!() };
        assert_eq!((c1.path.as_str(), c1.mode), (CONFIG, 0o600));
        assert_eq!(c1.resolves[0].check_id, "fs.config.perms_world_readable");
        let Op::Set(s) = &cs.ops[2] else { panic!() };
        assert_eq!((s.file.as_str(), s.value.clone()), (CONFIG, json!("tools")));
        assert_eq!(s.expect.value, Some(json!("off")));
        assert_eq!(
            s.expect.redacted,
            snap.manifest.config.blob.clone().unwrap()
        );
        assert_eq!(
            s.preview.after,
            [r#"{ logging: { redactSensitive: "tools" } }"#]
        );
        assert_eq!(cs.ops.len(), 3);
        assert_eq!(
            &outcomes(&cs)[..2],
            [
                ("~/.openclaw".to_string(), "already".to_string()),
                (
                    "~/.openclaw/openclaw.json".to_string(),
                    "already".to_string()
                )
            ]
        );
    }

    #[test]
    fn without_a_config_write_the_targets_chmod() {
        let snap = Host::new("{}")
            .dir("~/.openclaw", 0o755)
            .config_mode(0o644)
            .snapshot();
        let cs = plan(&snap);
        assert!(cs.changes.is_empty());
        assert_eq!(outcomes(&cs)[0].1, "ok");
        assert_eq!(outcomes(&cs)[1].1, "ok");
        assert!(cs
            .ops
            .iter()
            .all(|o| matches!(o, Op::Chmod(c) if c.origin == Origin::Reference)));
        // Group-only state dir bits: the config write would leave 0o500 alone (mode & 077 == 0); not written here.
        let snap = Host::new("{}").dir("~/.openclaw", 0o500).snapshot();
        assert_eq!(outcomes(&plan(&snap))[0].1, "ok");
    }

    #[test]
    fn include_owning_the_key_is_edited_there() {
        let mut snap = Host::new(r#"{ "$include": "./ch.json5" }"#).snapshot();
        let inc = include(
            &mut snap,
            "ch.json5",
            "{ channels: { telegram: { groupPolicy: 'open' } } }",
            0o644,
        );
        let cs = plan(&snap);
        let sets: Vec<&SetOp> = cs
            .ops
            .iter()
            .filter_map(|o| match o {
                Op::Set(s) => Some(s),
                _ => None,
            })
            .collect();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].file, inc);
        assert_eq!(sets[0].local, ["channels", "telegram", "groupPolicy"]);
        assert_eq!(
            sets[0].preview.after,
            ["{ channels: { telegram: { groupPolicy: 'allowlist' } } }"]
        );
        // Only the main config triggers the config-write chmods; the include gets its reference target.
        assert!(cs
            .ops
            .iter()
            .all(|o| !matches!(o, Op::Chmod(c) if c.origin == Origin::ConfigWrite)));
        assert!(outcomes(&cs).contains(&("~/.openclaw/ch.json5".into(), "ok".into())));
    }

    #[test]
    fn keys_clawprint_cannot_edit_safely_are_noted_and_still_named() {
        // Included at two places: editing it would change both.
        let mut snap =
            Host::new(r#"{ "$include": "./ch.json5", gateway: { "$include": "./ch.json5" } }"#)
                .snapshot();
        include(
            &mut snap,
            "ch.json5",
            "{ channels: { discord: { groupPolicy: 'open' } } }",
            0o600,
        );
        let cs = plan(&snap);
        assert_eq!(
            cs.changes,
            ["channels.discord.groupPolicy=open -> allowlist"]
        );
        assert!(cs.writes().is_empty());
        assert!(
            cs.notes
                .iter()
                .any(|n| n.contains("included more than once")),
            "{:?}",
            cs.notes
        );
        // A symlinked config is never written through.
        let snap = Host::new(r#"{ logging: { redactSensitive: "off" } }"#)
            .config_symlink_to(0o600)
            .snapshot();
        let cs = plan(&snap);
        assert!(cs.writes().is_empty());
        assert!(cs.notes.iter().any(|n| n.contains("symbolic link")));
        assert_eq!(outcomes(&cs)[1].1, "symlink");
    }

    #[test]
    fn a_config_openclaw_refuses_gets_no_edit_but_its_permissions() {
        let snap = Host::new(r#"{ logging: { redactSensitive: "off" "#)
            .config_mode(0o644)
            .snapshot();
        let cs = plan(&snap);
        assert!(cs.changes.is_empty());
        assert!(cs.notes.iter().any(|n| n.contains("would refuse")));
        assert_eq!(outcomes(&cs)[1].1, "ok");
    }

    #[test]
    fn repeated_agent_dirs_chmod_once_and_resolve_both_findings() {
        let snap = Host::new(r#"{ agents: { list: [{ id: "Ops" }] } }"#)
            .dir("~/.openclaw/agents", 0o700)
            .dir("~/.openclaw/agents/ops", 0o700)
            .dir("~/.openclaw/agents/ops/agent", 0o700)
            .file("~/.openclaw/agents/ops/agent/auth-profiles.json", 0o644)
            .snapshot();
        let cs = plan(&snap);
        let auth: Vec<&PlannedAction> = cs
            .actions
            .iter()
            .filter(|a| a.path.ends_with("auth-profiles.json"))
            .collect();
        assert_eq!(auth.len(), 2);
        assert_eq!(
            (auth[0].outcome.as_str(), auth[1].outcome.as_str()),
            ("ok", "already")
        );
        let op = &cs.ops[auth[0].op.unwrap()];
        let fps: Vec<&str> = op
            .resolves()
            .iter()
            .map(|l| l.fingerprint.as_str())
            .collect();
        assert_eq!(fps.len(), 2);
        assert_ne!(fps[0], fps[1]);
    }

    #[test]
    fn skip_reasons_and_enotdir() {
        let snap = Host::new("{}")
            .dir("~/.openclaw/credentials", 0o700)
            .file("~/.openclaw/credentials/a.json", 0o600)
            .dir("~/.openclaw/credentials/d.json", 0o755)
            .dir("~/.openclaw/agents", 0o700)
            .file("~/.openclaw/agents/main", 0o600)
            .snapshot();
        let cs = plan(&snap);
        let got = outcomes(&cs);
        assert!(got.contains(&("~/.openclaw/credentials/a.json".into(), "already".into())));
        assert!(!got.iter().any(|(p, _)| p.ends_with("d.json")));
        assert!(got.contains(&("~/.openclaw/agents/main".into(), "not-a-directory".into())));
        assert!(got.contains(&("~/.openclaw/agents/main/agent".into(), "error".into())));
        let v = super::super::reference::fix_value(&cs, None, false, &[]);
        let err = v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a.get("error").is_some())
            .unwrap();
        assert!(err["error"].as_str().unwrap().starts_with("Error: ENOTDIR"));
    }

    #[test]
    fn state_db_targets_come_from_the_spec() {
        let snap = Host::new("{}")
            .dir("~/.openclaw/state", 0o755)
            .file("~/.openclaw/state/openclaw.sqlite", 0o644)
            .snapshot();
        let cs = plan(&snap);
        let spec: Vec<(String, String)> = cs
            .actions
            .iter()
            .filter(|a| a.origin == Origin::Spec)
            .map(|a| (a.path.replace(HOME, "~"), a.outcome.clone()))
            .collect();
        assert_eq!(
            spec,
            [
                ("~/.openclaw/state".into(), "ok".into()),
                ("~/.openclaw/state/openclaw.sqlite".into(), "ok".into()),
                (
                    "~/.openclaw/state/openclaw.sqlite-wal".into(),
                    "missing".into()
                ),
                (
                    "~/.openclaw/state/openclaw.sqlite-shm".into(),
                    "missing".into()
                ),
                (
                    "~/.openclaw/state/openclaw.sqlite-journal".into(),
                    "missing".into()
                ),
            ]
        );
        // None without a state/ dir (2026.5.20 hosts).
        assert!(plan(&Host::new("{}").snapshot())
            .actions
            .iter()
            .all(|a| a.origin != Origin::Spec));
    }

    #[test]
    fn group_flips_in_reference_order_with_seeding_after() {
        let mut snap = Host::new(
            r#"{ channels: { whatsapp: { groupPolicy: "open", accounts: { b: { groupPolicy: "open", allowFrom: ["+1"] }, "7": { groupPolicy: "open" } } },
                             slack: { groupPolicy: "allowlist" } } }"#,
        )
        .dir("~/.openclaw/credentials", 0o700)
        .snapshot();
        let store = format!("{HOME}/.openclaw/credentials/whatsapp-allowFrom.json");
        put(&mut snap, &store, FileKind::File, 0o600);
        let blob = Snapshot::add_blob(
            &mut snap.blobs,
            br#"{"version":1,"allowFrom":["+15550001111"]}"#.to_vec(),
        );
        snap.manifest
            .files
            .iter_mut()
            .find(|f| f.path == store)
            .unwrap()
            .blob = Some(blob);
        let cs = plan(&snap);
        assert_eq!(
            cs.changes,
            [
                "channels.whatsapp.groupPolicy=open -> allowlist",
                "channels.whatsapp.accounts.7.groupPolicy=open -> allowlist",
                "channels.whatsapp.accounts.b.groupPolicy=open -> allowlist",
                "channels.whatsapp.groupAllowFrom=pairing-store",
                "channels.whatsapp.accounts.7.groupAllowFrom=pairing-store",
            ]
        );
        let seeds: Vec<&SeedOp> = cs
            .ops
            .iter()
            .filter_map(|o| match o {
                Op::Seed(s) => Some(s),
                _ => None,
            })
            .collect();
        assert_eq!(seeds[0].local, ["channels", "whatsapp", "groupAllowFrom"]);
        assert_eq!(seeds[0].before.as_deref(), Some("groupPolicy"));
        assert_eq!(seeds[0].expect.value, None);
        assert_eq!(seeds[0].origin, Origin::Spec);
    }

    #[test]
    fn group_link_rule() {
        let key = keys(&["channels", "telegram", "accounts", "b", "groupPolicy"]);
        let f = |id: &str, subject: &str| Finding::new(id, Severity::Warn, "t", "d").about(subject);
        assert!(group_link(
            &key,
            &f("security.exposure.open_groups_with_elevated", "channels")
        ));
        assert!(group_link(
            &key,
            &f("channels.telegram.groups.open", "telegram:b")
        ));
        assert!(group_link(
            &key,
            &f(
                "channels.telegram.groupPolicy",
                "channels.telegram.accounts.b.groupPolicy"
            )
        ));
        assert!(!group_link(
            &key,
            &f("channels.telegram.groups.open", "telegram:c")
        ));
        assert!(!group_link(
            &key,
            &f("channels.telegram.dm.open", "telegram:b")
        ));
        let root = keys(&["channels", "telegram", "groupPolicy"]);
        assert!(group_link(
            &root,
            &f("channels.telegram.groups.open", "telegram:default")
        ));
        assert!(group_link(
            &root,
            &f("channels.telegram.groups.open", "telegram")
        ));
    }

    #[test]
    fn plans_are_deterministic() {
        let snap = Host::new(r#"{ logging: { redactSensitive: "off" } }"#)
            .dir("~/.openclaw", 0o777)
            .snapshot();
        assert_eq!(plan(&snap), plan(&snap));
        assert_eq!(plan(&snap).id, plan(&snap).compute_id());
    }

    #[test]
    fn js_key_order_puts_array_indices_first() {
        let v = json!({"b": 1, "10": 2, "a": 3, "2": 4, "01": 5, "-1": 6});
        let order: Vec<&str> = js_keys(v.as_object().unwrap())
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(order, ["2", "10", "b", "a", "01", "-1"]);
    }

    #[test]
    fn pairing_entries_are_normalized() {
        assert_eq!(
            normalize_entries(vec![
                " +1 ".into(),
                "*".into(),
                "".into(),
                "+1".into(),
                "+2".into()
            ]),
            ["+1", "+2"]
        );
    }
}
