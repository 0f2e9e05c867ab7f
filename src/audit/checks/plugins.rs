//! Plugins supply chain: the `plugins.allow` allowlist against the installed plugins, and the plugin install
//! records (pinned npm specs, integrity metadata, installed version drift).
//!
//! Install records, as 2026.5.20 reads them (catalogue §2): `<stateDir>/plugins/installs.json` in either shape
//! (`{"installRecords": {<id>: record}}` or `{"plugins": [{"pluginId", "installRecord"}]}`), or the state DB's
//! records on hosts that have one, over records recovered from the managed npm root (`<stateDir>/npm`);
//! only records with a string `source` count; ordered as the reference orders object keys.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::audit::context::Ctx;
use crate::audit::finding::{bullet_list, Finding, Severity};
use crate::audit::registry::{Area, CheckDef, Family};
use crate::config::paths::{self, join, locale_compare};
use crate::config::secret::{js_trim, Str};
use crate::snapshot::{FileEntry, FileKind};

const PLUGINS: Family = Family(Area::Plugins);

pub const CHECKS: &[CheckDef] = &[
    PLUGINS.check("plugins.allow_phantom_entries", "warn",
        "Plugins are installed under `<stateDir>/extensions` and `plugins.allow` lists ids that match no installed plugin directory, no bundled plugin and no id or alias declared by an installed plugin's manifest (compared case-insensitively; `group:plugins` is exempt). Whoever can later install a plugin under such an id gets it loaded without review. Remove the stale ids from `plugins.allow`, or install the plugins they were meant for."),
    PLUGINS.check("plugins.extensions_no_allowlist", "warn (the reference's critical branch, for channel plugins with native skill commands, was not reachable in 2026.5.20)",
        "Plugins are installed under `<stateDir>/extensions` but `plugins.allow` is unset or empty, so every plugin that is discovered may load, including one dropped there later. Set `plugins.allow` to the exact ids you trust, e.g. `\"plugins\": {\"allow\": [\"my-plugin\"]}`."),
    PLUGINS.check("plugins.installs_unpinned_npm_specs", "warn",
        "A plugin install record with `source: \"npm\"` has a `spec` that is not pinned to an exact version (`name@1.2.3`, optional `v`, pre-release and build suffixes allowed): a reinstall or update can pull whatever the registry serves then. Reinstall with an exact version, e.g. `openclaw plugins install @scope/pkg@1.2.3`."),
    PLUGINS.check("plugins.installs_missing_integrity", "warn",
        "An npm plugin install record has no (or a blank) `integrity` hash, so a reinstall cannot verify that the registry served the same tarball. Reinstall or update the plugin (`openclaw plugins update <id>`) so the record gets the resolved integrity."),
    PLUGINS.check("plugins.installs_version_drift", "warn",
        "An npm plugin install record's version (`resolvedVersion`, else `version`) differs from the `version` in the installed package's `package.json` (at `installPath`, else `<stateDir>/extensions/<id>`): the code on disk is not what was recorded as installed, e.g. it was edited or replaced by hand. Reinstall it, or run `openclaw plugins update --all`."),
];

/// Plugin ids and aliases of the plugins bundled with OpenClaw 2026.5.20, lower-cased: they count as installed
/// for the phantom-entry check. Derived from the package's `dist/extensions/*/openclaw.plugin.json` (91
/// manifests): each manifest's `id`, `providers`, `channels`, `setup.providers[].id`, `cliBackends`,
/// `setup.cliBackends`, the keys of `modelCatalog.providers` and `modelCatalog.aliases`, and `legacyPluginIds`
/// (what `createPluginRegistryIdNormalizer` maps to a plugin id). Checked against the real CLI: every one of
/// these is accepted in `plugins.allow`, and e.g. `gemini`, `whatsapp`, `discord`, `image-generation-core`
/// (bundled dirs without a manifest) and `@openclaw/telegram` (package names) are reported as phantom.
pub const BUNDLED_PLUGIN_IDS: &[&str] = &[
    "active-memory",
    "admin-http-rpc",
    "alibaba",
    "anthropic",
    "arcee",
    "azure-openai-responses",
    "azure-speech",
    "bonjour",
    "browser",
    "byteplus",
    "byteplus-plan",
    "canvas",
    "cerebras",
    "chutes",
    "claude-cli",
    "clickclack",
    "cloudflare-ai-gateway",
    "comfy",
    "copilot-proxy",
    "dashscope",
    "deepgram",
    "deepinfra",
    "deepseek",
    "device-pair",
    "document-extract",
    "duckduckgo",
    "elevenlabs",
    "exa",
    "fal",
    "file-transfer",
    "firecrawl",
    "fireworks",
    "github-copilot",
    "google",
    "google-gemini-cli",
    "google-vertex",
    "gradium",
    "groq",
    "huggingface",
    "imessage",
    "inworld",
    "irc",
    "kilocode",
    "kimi",
    "kimi-coding",
    "litellm",
    "llm-task",
    "lmstudio",
    "mattermost",
    "memory-core",
    "memory-wiki",
    "microsoft",
    "microsoft-foundry",
    "migrate-claude",
    "migrate-hermes",
    "minimax",
    "minimax-portal",
    "minimax-portal-auth",
    "mistral",
    "modelstudio",
    "moonshot",
    "moonshot-ai",
    "moonshotai",
    "nvidia",
    "oc-path",
    "ollama",
    "open-prose",
    "openai",
    "openai-codex",
    "opencode",
    "opencode-go",
    "openrouter",
    "perplexity",
    "phone-control",
    "policy",
    "qianfan",
    "qwen",
    "qwencloud",
    "runway",
    "searxng",
    "senseaudio",
    "sglang",
    "signal",
    "skill-workshop",
    "stepfun",
    "stepfun-plan",
    "synthetic",
    "talk-voice",
    "tavily",
    "telegram",
    "tencent",
    "tencent-tokenhub",
    "thread-ownership",
    "together",
    "tokenjuice",
    "tts-local-cli",
    "venice",
    "vercel-ai-gateway",
    "vllm",
    "volcengine",
    "volcengine-plan",
    "voyage",
    "vydra",
    "web-readability",
    "webhooks",
    "xai",
    "xiaomi",
    "zai",
];

/// Largest `openclaw.plugin.json` the reference reads.
const MAX_MANIFEST_BYTES: u64 = 256 * 1024;

/// Position 26a: phantom allowlist entries, or no allowlist at all (never both).
pub fn allowlist(ctx: &Ctx, out: &mut Vec<Finding>) {
    let dirs = ctx.installed_plugin_dirs();
    if dirs.is_empty() {
        return;
    }
    let ext_dir = join(&ctx.host().state_dir, "extensions");
    let allow = ctx
        .get("/plugins/allow")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty());
    let Some(allow) = allow else {
        out.push(
            Finding::new(
                "plugins.extensions_no_allowlist",
                Severity::Warn,
                "Plugins are installed but plugins.allow is not set",
                format!(
                    "{} plugin dir(s) under {ext_dir} and no `plugins.allow` list: any plugin OpenClaw \
                     discovers may load, including one added there later.",
                    dirs.len()
                ),
            )
            .fix("Set `plugins.allow` to the exact plugin ids you trust, e.g. \"plugins\": {\"allow\": [\"<id>\"]}.")
            .about(ext_dir),
        );
        return;
    };
    let installed: HashSet<String> = dirs.iter().map(|d| d.to_lowercase()).collect();
    let known = registry_ids(ctx, &dirs);
    let phantom: Vec<&str> = allow
        .iter()
        .filter_map(Value::as_str)
        .filter(|e| *e != "group:plugins")
        .filter(|e| {
            let lower = e.to_lowercase();
            !installed.contains(&lower) && !known.contains(js_trim(&lower))
        })
        .collect();
    if phantom.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            "plugins.allow_phantom_entries",
            Severity::Warn,
            "plugins.allow names plugins that are not installed",
            format!(
                "`plugins.allow` entries with no installed or bundled plugin behind them: {}. A plugin \
                 installed later under one of these ids would load without review.",
                phantom.join(", ")
            ),
        )
        .fix("Remove these ids from `plugins.allow`, or install the plugins they stand for.")
        .about("plugins.allow"),
    );
}

/// Position 26c: plugin install records.
pub fn installs(ctx: &Ctx, out: &mut Vec<Finding>) {
    let records: Vec<(String, Map<String, Value>)> = install_records(ctx)
        .into_iter()
        .filter(|(_, r)| r.get("source").and_then(Value::as_str) == Some("npm"))
        .collect();
    if records.is_empty() {
        return;
    }
    let subject = join(&ctx.host().state_dir, "plugins/installs.json");

    let unpinned: Vec<String> = records
        .iter()
        .filter_map(|(id, r)| {
            let spec = r.get("spec")?.as_str()?;
            (!is_pinned_spec(spec)).then(|| format!("{id} ({spec})"))
        })
        .collect();
    if !unpinned.is_empty() {
        out.push(
            Finding::new(
                "plugins.installs_unpinned_npm_specs",
                Severity::Warn,
                "Plugin installs use npm specs without an exact version",
                format!(
                    "npm install records whose spec is a range, a tag or a bare name:\n{}",
                    bullet_list(&unpinned)
                ),
            )
            .fix("Reinstall each plugin at an exact version, e.g. `openclaw plugins install @scope/pkg@1.2.3`.")
            .about(subject.clone()),
        );
    }

    let missing: Vec<String> = records
        .iter()
        .filter(|(_, r)| match r.get("integrity") {
            Some(Value::String(s)) => Str::of(s).is_blank(),
            _ => true,
        })
        .map(|(id, _)| id.clone())
        .collect();
    if !missing.is_empty() {
        out.push(
            Finding::new(
                "plugins.installs_missing_integrity",
                Severity::Warn,
                "Plugin installs have no integrity hash",
                format!(
                    "npm install records without an `integrity` value:\n{}",
                    bullet_list(&missing)
                ),
            )
            .fix("Reinstall or update these plugins (`openclaw plugins update <id>`) so their records carry the resolved integrity.")
            .about(subject.clone()),
        );
    }

    let host = ctx.host();
    let mut drift = Vec::new();
    for (id, r) in &records {
        let Some(recorded) = recorded_version(r).filter(|v| js_truthy(v)) else {
            continue;
        };
        let dir = match r.get("installPath") {
            None | Some(Value::Null) => join(&host.state_dir, &format!("extensions/{id}")),
            Some(Value::String(p)) => crate::config::load::resolve(&host.cwd, p),
            Some(_) => continue,
        };
        let Some(installed) = package_json(ctx, &dir)
            .and_then(|p| p.get("version").and_then(Value::as_str).map(String::from))
        else {
            continue;
        };
        if recorded.as_str() == Some(installed.as_str()) {
            continue;
        }
        drift.push(format!(
            "{id} (recorded {}, installed {installed})",
            js_string(recorded)
        ));
    }
    if !drift.is_empty() {
        out.push(
            Finding::new(
                "plugins.installs_version_drift",
                Severity::Warn,
                "Installed plugin versions differ from their install records",
                format!(
                    "npm install records whose version is not the installed package.json version:\n{}",
                    bullet_list(&drift)
                ),
            )
            .fix("Reinstall these plugins, or run `openclaw plugins update --all` to bring code and records back in line.")
            .about(subject),
        );
    }
}

/// The version an install record says was installed: `resolvedVersion ?? version` (a null `resolvedVersion`
/// falls back too).
pub fn recorded_version(r: &Map<String, Value>) -> Option<&Value> {
    match r.get("resolvedVersion") {
        None | Some(Value::Null) => r.get("version"),
        v => v,
    }
}

/// `isPinnedRegistrySpec`: trimmed; a `@` after the first character and before the last; the rest (trimmed)
/// is `v?MAJOR.MINOR.PATCH` with optional `-prerelease` and `+build` (`[0-9A-Za-z.-]+` each).
pub fn is_pinned_spec(spec: &str) -> bool {
    let value = js_trim(spec);
    let Some(at) = value.rfind('@') else {
        return false;
    };
    if at == 0 || at + 1 >= value.len() {
        return false;
    }
    let version = js_trim(&value[at + 1..]);
    let version = version.strip_prefix('v').unwrap_or(version);
    let (core, build) = match version.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (version, None),
    };
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    let nums: Vec<&str> = core.split('.').collect();
    nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(ident)
        && build.is_none_or(ident)
}

/// JavaScript truthiness of a present value.
fn js_truthy(v: &Value) -> bool {
    paths::truthy(Some(v))
}

/// `${value}` in a JavaScript template.
fn js_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i128),
            _ => n.to_string(),
        },
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::Null => String::new(),
                x => js_string(x),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// A captured regular file (not a link) parsed as the reference's `JSON.parse` does: strict JSON.
fn strict_json(ctx: &Ctx, path: &str) -> Option<Value> {
    let e = ctx.file(path).filter(|e| e.kind == FileKind::File)?;
    let text = ctx.snap.blob_text(e.blob.as_deref()?).ok()?;
    serde_json::from_str(text).ok()
}

fn as_record(v: Option<Value>) -> Option<Map<String, Value>> {
    match v? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// `<dir>/package.json` as `readInstalledPackageManifest` reads it: a regular, not hard-linked file holding a
/// JSON object.
fn package_json(ctx: &Ctx, dir: &str) -> Option<Map<String, Value>> {
    let path = crate::config::load::resolve(dir, "package.json");
    if ctx
        .file(&path)
        .is_some_and(|e| e.nlink.is_some_and(|n| n > 1))
    {
        return None;
    }
    as_record(strict_json(ctx, &path))
}

fn is_safe_key(k: &str) -> bool {
    !matches!(k, "__proto__" | "constructor" | "prototype")
}

/// A canonical array index (`"0"`, `"17"`, below 2^32 - 1): JavaScript lists such keys first, ascending.
fn array_index(k: &str) -> Option<u32> {
    let n: u32 = k.parse().ok()?;
    (n != u32::MAX && n.to_string() == k).then_some(n)
}

/// Keys sorted with `localeCompare`, then in the order JavaScript enumerates them (array indices first).
fn js_key_order<T>(mut items: Vec<(String, T)>) -> Vec<(String, T)> {
    items.sort_by(|a, b| locale_compare(&a.0, &b.0));
    let (mut idx, rest): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|(k, _)| array_index(k).is_some());
    idx.sort_by_key(|(k, _)| array_index(k));
    idx.extend(rest);
    idx
}

/// Insert keeping the first position of a repeated key (JavaScript object assignment).
fn assign(list: &mut Vec<(String, Map<String, Value>)>, id: String, rec: Map<String, Value>) {
    match list.iter_mut().find(|(k, _)| *k == id) {
        Some(slot) => slot.1 = rec,
        None => list.push((id, rec)),
    }
}

/// `readRecordMap`: safe keys whose value is an object with a string `source`, ordered.
fn record_map(items: Vec<(String, Value)>) -> Vec<(String, Map<String, Value>)> {
    let kept = items
        .into_iter()
        .filter(|(k, _)| is_safe_key(k))
        .filter_map(|(k, v)| match v {
            Value::Object(m) if m.get("source").is_some_and(Value::is_string) => Some((k, m)),
            _ => None,
        })
        .collect();
    js_key_order(kept)
}

/// The plugin install records the reference audits (`loadInstalledPluginIndexInstallRecords`).
pub fn install_records(ctx: &Ctx) -> Vec<(String, Map<String, Value>)> {
    let mut merged = recovered_npm_records(ctx);
    let persisted: Vec<(String, Value)> = match ctx.state_db() {
        Some(db) => db
            .plugin_installs
            .iter()
            .map(|r| {
                let mut m = Map::new();
                let fields = [
                    ("source", &r.source),
                    ("spec", &r.spec),
                    ("integrity", &r.integrity),
                    ("version", &r.version),
                    ("resolvedVersion", &r.resolved_version),
                    ("installPath", &r.install_path),
                ];
                for (k, v) in fields {
                    if let Some(v) = v {
                        m.insert(k.into(), Value::String(v.clone()));
                    }
                }
                (r.id.clone(), Value::Object(m))
            })
            .collect(),
        None => persisted_records(ctx),
    };
    for (id, rec) in persisted {
        if let Value::Object(m) = rec {
            assign(&mut merged, id, m);
        } else {
            merged.retain(|(k, _)| *k != id);
            merged.push((id, Map::new()));
        }
    }
    record_map(
        merged
            .into_iter()
            .map(|(k, m)| (k, Value::Object(m)))
            .collect(),
    )
}

/// installs.json records in either shape (a value that is not a record is dropped later).
fn persisted_records(ctx: &Ctx) -> Vec<(String, Value)> {
    let path = join(&ctx.host().state_dir, "plugins/installs.json");
    let Some(Value::Object(doc)) = strict_json(ctx, &path) else {
        return Vec::new();
    };
    if let Some(records) = doc.get("installRecords") {
        let Value::Object(map) = records else {
            return Vec::new();
        };
        return record_map(map.clone().into_iter().collect())
            .into_iter()
            .map(|(k, m)| (k, Value::Object(m)))
            .collect();
    }
    let Some(Value::Array(list)) = doc.get("plugins") else {
        return Vec::new();
    };
    let mut out: Vec<(String, Map<String, Value>)> = Vec::new();
    for e in list {
        let (Some(id), Some(Value::Object(rec))) = (
            e.get("pluginId").and_then(Value::as_str),
            e.get("installRecord"),
        ) else {
            continue;
        };
        if is_safe_key(id) {
            assign(&mut out, id.to_string(), rec.clone());
        }
    }
    out.into_iter()
        .map(|(k, m)| (k, Value::Object(m)))
        .collect()
}

fn dir_after_links(e: &FileEntry) -> bool {
    e.kind == FileKind::Dir || e.resolved.as_ref().and_then(|r| r.kind) == Some(FileKind::Dir)
}

/// `validatePluginId`: no backslash, `name` or `@scope/name`, no empty, `.` or `..` segment.
fn valid_plugin_id(id: &str) -> bool {
    let t = js_trim(id);
    if t.is_empty() || t.contains('\\') {
        return false;
    }
    let segs: Vec<&str> = t.split('/').collect();
    if segs.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return false;
    }
    match segs.len() {
        1 => !t.starts_with('@'),
        2 => segs[0].starts_with('@') && segs[0].len() >= 2,
        _ => false,
    }
}

fn trimmed_string(v: Option<&Value>) -> Option<String> {
    let s = js_trim(v?.as_str()?);
    (!s.is_empty()).then(|| s.to_string())
}

/// Records recovered from `<stateDir>/npm`: each `dependencies` entry whose `node_modules/<pkg>` is a directory
/// with a `package.json` declaring `openclaw.extensions` (id: `openclaw.plugin.json` `id`, else the package
/// name).
fn recovered_npm_records(ctx: &Ctx) -> Vec<(String, Map<String, Value>)> {
    let npm = join(&ctx.host().state_dir, "npm");
    let Some(Value::Object(pkg)) = strict_json(ctx, &join(&npm, "package.json")) else {
        return Vec::new();
    };
    let Some(Value::Object(deps)) = pkg.get("dependencies") else {
        return Vec::new();
    };
    let deps: Vec<(String, String)> = deps
        .iter()
        .filter(|(k, _)| is_safe_key(k))
        .filter_map(|(k, v)| Some((k.clone(), trimmed_string(Some(v))?)))
        .collect();
    let mut out = Vec::new();
    for (name, range) in js_key_order(deps) {
        let dir = join(&npm, &format!("node_modules/{name}"));
        if !ctx.file(&dir).is_some_and(dir_after_links) {
            continue;
        }
        let Some(Value::Object(manifest)) = strict_json(ctx, &join(&dir, "package.json")) else {
            continue;
        };
        let declares = manifest
            .get("openclaw")
            .and_then(Value::as_object)
            .and_then(|o| o.get("extensions"))
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(Value::is_string));
        if !declares {
            continue;
        }
        let package_name = trimmed_string(manifest.get("name")).unwrap_or_else(|| name.clone());
        let manifest_id = match strict_json(ctx, &join(&dir, "openclaw.plugin.json")) {
            Some(Value::Object(m)) => trimmed_string(m.get("id")),
            _ => None,
        };
        let id = manifest_id.unwrap_or(package_name);
        if !valid_plugin_id(&id) {
            continue;
        }
        let version = trimmed_string(manifest.get("version"));
        let mut rec = Map::new();
        rec.insert("source".into(), "npm".into());
        rec.insert("spec".into(), format!("{name}@{range}").into());
        rec.insert("installPath".into(), dir.clone().into());
        if let Some(v) = version {
            rec.insert("version".into(), v.clone().into());
            rec.insert("resolvedName".into(), name.clone().into());
            rec.insert("resolvedVersion".into(), v.clone().into());
            rec.insert("resolvedSpec".into(), format!("{name}@{v}").into());
        }
        assign(&mut out, id, rec);
    }
    out
}

/// Ids (lower-cased) the plugin registry knows: bundled plugins and their aliases, and the manifest id and
/// aliases of every installed plugin the reference would discover (the dirs under `<stateDir>/extensions` and
/// the dirs install records point at).
fn registry_ids(ctx: &Ctx, dirs: &[&str]) -> HashSet<String> {
    let mut ids: HashSet<String> = BUNDLED_PLUGIN_IDS.iter().map(|s| s.to_string()).collect();
    let host = ctx.host();
    let ext = join(&host.state_dir, "extensions");
    let mut roots: Vec<String> = dirs.iter().map(|d| join(&ext, d)).collect();
    for (_, r) in install_records(ctx) {
        let raw = [r.get("installPath"), r.get("sourcePath")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|p| !js_trim(p).is_empty());
        if let Some(raw) = raw {
            roots.push(paths::resolve_user_path(raw, &host.home, &host.cwd));
        }
    }
    for root in roots {
        ids.extend(discovered_plugin_aliases(ctx, &root));
    }
    ids
}

/// Would discovery load a plugin from `root` (a directory)? Its owner is the user or root and neither it nor the
/// entry file is world-writable.
fn trusted(ctx: &Ctx, path: &str) -> bool {
    let Some(e) = ctx.file(path) else {
        return false;
    };
    let uid_ok = e.uid == ctx.host().uid || e.uid == 0;
    uid_ok && ctx.perms(path).is_some_and(|p| !p.world_writable())
}

fn is_file_after_links(e: &FileEntry) -> bool {
    e.kind == FileKind::File || e.resolved.as_ref().and_then(|r| r.kind) == Some(FileKind::File)
}

/// The lower-cased id and aliases of the plugin discovery would find at `root`: a directory with an entry
/// (`package.json` `openclaw.extensions`, else `index.{ts,js,mjs,cjs}`) and a valid `openclaw.plugin.json`
/// (an object with a non-blank `id` and an object `configSchema`). Empty when there is none.
fn discovered_plugin_aliases(ctx: &Ctx, root: &str) -> Vec<String> {
    if !ctx.file(root).is_some_and(dir_after_links) || !trusted(ctx, root) {
        return Vec::new();
    }
    let pkg = package_json(ctx, root);
    let extensions = match pkg.as_ref().and_then(|p| p.get("openclaw")) {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => match o.get("extensions") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => {
                let entries: Option<Vec<String>> =
                    a.iter().map(|e| trimmed_string(Some(e))).collect();
                match entries {
                    Some(list) if !list.is_empty() => Some(list),
                    _ => return Vec::new(),
                }
            }
            Some(_) => return Vec::new(),
        },
        Some(_) => return Vec::new(),
    };
    let source = match extensions {
        Some(list) => list
            .iter()
            .map(|e| crate::config::load::resolve(root, e))
            .find(|p| {
                crate::config::load::is_inside(root, p)
                    && ctx.file(p).is_some_and(is_file_after_links)
            }),
        None => paths::PLUGIN_ENTRY_FILES
            .iter()
            .map(|f| join(root, f))
            .find(|p| ctx.file(p).is_some()),
    };
    if !source.is_some_and(|s| trusted(ctx, &s)) {
        return Vec::new();
    }
    let manifest_path = join(root, "openclaw.plugin.json");
    let ok_file = ctx.file(&manifest_path).is_some_and(|e| {
        e.kind == FileKind::File && e.nlink.unwrap_or(1) <= 1 && e.size <= MAX_MANIFEST_BYTES
    });
    let Some(Value::Object(m)) = ok_file.then(|| ctx.json_file(&manifest_path)).flatten() else {
        return Vec::new();
    };
    let Some(id) = trimmed_string(m.get("id")) else {
        return Vec::new();
    };
    if !m.get("configSchema").is_some_and(Value::is_object) {
        return Vec::new();
    }
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| trimmed_string(Some(x))).collect())
            .unwrap_or_default()
    };
    let keys = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut aliases = vec![id];
    aliases.extend(strings(m.get("providers")));
    aliases.extend(strings(m.get("channels")));
    aliases.extend(strings(m.get("cliBackends")));
    aliases.extend(strings(m.get("legacyPluginIds")));
    if let Some(setup) = m.get("setup") {
        aliases.extend(strings(setup.get("cliBackends")));
        if let Some(list) = setup.get("providers").and_then(Value::as_array) {
            aliases.extend(list.iter().filter_map(|p| trimmed_string(p.get("id"))));
        }
    }
    if let Some(catalog) = m.get("modelCatalog") {
        aliases.extend(keys(catalog.get("providers")));
        aliases.extend(keys(catalog.get("aliases")));
    }
    aliases
        .into_iter()
        .map(|a| js_trim(&a).to_lowercase())
        .filter(|a| !a.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::Host;

    #[test]
    fn pinned_specs() {
        for s in [
            "@scope/pkg@1.2.3",
            "pkg@1.2.3",
            "pkg@v1.2.3",
            " pkg@1.2.3 ",
            "pkg@1.2.3-beta.1",
            "pkg@1.2.3+build.5",
            "pkg@1.2.3-rc-1+sha.abc",
            "pkg@ 1.2.3",
            " pkg@v1.2.3-rc.1+b.5 ",
            "a@0.0.0-x",
        ] {
            assert!(is_pinned_spec(s), "{s}");
        }
        for s in [
            "pkg",
            "@scope/pkg",
            "pkg@^1.0.0",
            "pkg@~1.2.3",
            "pkg@latest",
            "pkg@1.2",
            "pkg@1.2.3.4",
            "pkg@1.2.3-",
            "pkg@1.2.3+",
            "pkg@1.2.3-beta_1",
            "@1.2.3",
            "pkg@",
            "pkg@V1.2.3",
            "pkg@1.2.x",
            "pkg@1.2.3_x",
            "pkg@01.2.x",
            "",
        ] {
            assert!(!is_pinned_spec(s), "{s}");
        }
    }

    #[test]
    fn locale_key_order_puts_array_indices_first() {
        let keys = ["b", "_u", "Zed", "10", "2", "a-plugin", "A"];
        let sorted: Vec<String> = js_key_order(keys.iter().map(|k| (k.to_string(), ())).collect())
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(sorted, ["2", "10", "_u", "A", "a-plugin", "b", "Zed"]);
    }

    fn with_ext(config: &str) -> Host {
        Host::new(config)
            .dir("~/.openclaw/extensions", 0o700)
            .dir("~/.openclaw/extensions/foo", 0o700)
    }

    #[test]
    fn no_allowlist_needs_an_installed_dir() {
        assert!(!Host::new("{}")
            .ids()
            .iter()
            .any(|i| i.starts_with("plugins.")));
        let h = Host::new("{}")
            .dir("~/.openclaw/extensions", 0o700)
            .dir("~/.openclaw/extensions/.hidden", 0o700)
            .dir("~/.openclaw/extensions/node_modules", 0o700)
            .dir("~/.openclaw/extensions/x.bak", 0o700)
            .dir("~/.openclaw/extensions/y.DISABLED", 0o700)
            .file("~/.openclaw/extensions/file.js", 0o600);
        assert!(!h.ids().iter().any(|i| i.starts_with("plugins.")));
        let f = with_ext("{}").findings();
        // (plugins.tools_reachable_permissive_policy also fires under the default policy; not this family's row.)
        let f: Vec<_> = f
            .iter()
            .filter(|f| {
                f.check_id.starts_with("plugins.")
                    && f.check_id != "plugins.tools_reachable_permissive_policy"
            })
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check_id, "plugins.extensions_no_allowlist");
        assert_eq!(f[0].severity, Severity::Warn);
        let empty = with_ext(r#"{"plugins":{"allow":[]}}"#).ids();
        assert!(empty.contains(&"plugins.extensions_no_allowlist".to_string()));
    }

    #[test]
    fn phantom_entries_case_insensitive_with_bundled_ids() {
        let h = with_ext(
            r#"{"plugins":{"allow":["FOO","telegram"," Kimi-Coding ","group:plugins","claude-cli"]}}"#,
        );
        assert!(!h.ids().iter().any(|i| i.starts_with("plugins.allow")));
        assert!(!h
            .ids()
            .contains(&"plugins.extensions_no_allowlist".to_string()));
        for entry in ["GROUP:PLUGINS", "gemini", "whatsapp", " foo"] {
            let cfg = format!(r#"{{"plugins":{{"allow":["foo",{entry:?}]}}}}"#);
            let f = with_ext(&cfg).findings();
            let p = f
                .iter()
                .find(|f| f.check_id == "plugins.allow_phantom_entries")
                .unwrap_or_else(|| panic!("{entry}"));
            assert!(p.detail.contains(entry), "{}", p.detail);
            assert_eq!(p.subject, "plugins.allow");
        }
    }

    #[test]
    fn installed_manifest_ids_and_aliases_count() {
        let h = with_ext(r#"{"plugins":{"allow":["baz","bazprov","bar","nope"]}}"#)
            .dir("~/.openclaw/extensions/bar", 0o700)
            .file("~/.openclaw/extensions/bar/index.js", 0o600)
            .json(
                "~/.openclaw/extensions/bar/openclaw.plugin.json",
                r#"{"id":"baz","providers":["bazprov"],"configSchema":{}}"#,
            );
        let f = h.findings();
        let p = f
            .iter()
            .find(|f| f.check_id == "plugins.allow_phantom_entries")
            .unwrap();
        assert!(p.detail.contains(": nope."), "{}", p.detail);
        // Without an entry file or without configSchema the manifest does not count.
        let no_entry = with_ext(r#"{"plugins":{"allow":["baz"]}}"#)
            .dir("~/.openclaw/extensions/bar", 0o700)
            .json(
                "~/.openclaw/extensions/bar/openclaw.plugin.json",
                r#"{"id":"baz","configSchema":{}}"#,
            );
        assert!(no_entry
            .ids()
            .contains(&"plugins.allow_phantom_entries".to_string()));
        let no_schema = with_ext(r#"{"plugins":{"allow":["baz"]}}"#)
            .dir("~/.openclaw/extensions/bar", 0o700)
            .file("~/.openclaw/extensions/bar/index.js", 0o600)
            .json(
                "~/.openclaw/extensions/bar/openclaw.plugin.json",
                r#"{"id":"baz"}"#,
            );
        assert!(no_schema
            .ids()
            .contains(&"plugins.allow_phantom_entries".to_string()));
    }

    #[test]
    fn symlinked_plugin_dirs_do_not_count() {
        let h = Host::new("{}")
            .dir("~/.openclaw/extensions", 0o700)
            .symlink_to("~/.openclaw/extensions/link", FileKind::Dir, "/elsewhere");
        assert!(!h.ids().iter().any(|i| i.starts_with("plugins.")));
    }

    fn installs(json: &str) -> Host {
        Host::new("{}").json("~/.openclaw/plugins/installs.json", json)
    }

    fn detail(h: &Host, id: &str) -> Option<String> {
        h.findings()
            .into_iter()
            .find(|f| f.check_id == id)
            .map(|f| f.detail)
    }

    #[test]
    fn install_records_both_shapes() {
        let a = installs(
            r#"{"installRecords":{"b":{"source":"npm","spec":"b@^1.0.0","integrity":"sha512-x"},
                "a":{"source":"npm","spec":"a@1.0.0"},"nosource":{"spec":"x@1"},
                "path":{"source":"path","spec":"p"}}}"#,
        );
        assert_eq!(
            detail(&a, "plugins.installs_unpinned_npm_specs").unwrap(),
            "npm install records whose spec is a range, a tag or a bare name:\n- b (b@^1.0.0)"
        );
        assert!(detail(&a, "plugins.installs_missing_integrity")
            .unwrap()
            .ends_with(":\n- a"));
        let b = installs(
            r#"{"plugins":[{"pluginId":"z","installRecord":{"source":"npm","spec":"z@latest","integrity":" "}},
                {"pluginId":"y","installRecord":{"spec":"y@latest"}}]}"#,
        );
        assert!(detail(&b, "plugins.installs_unpinned_npm_specs")
            .unwrap()
            .ends_with("\n- z (z@latest)"));
        assert!(detail(&b, "plugins.installs_missing_integrity")
            .unwrap()
            .ends_with("\n- z"));
        // Not strict JSON: the reference's JSON.parse rejects it.
        let c = installs(r#"{installRecords:{a:{source:"npm",spec:"a"}}}"#);
        assert!(!c.ids().iter().any(|i| i.starts_with("plugins.installs")));
    }

    #[test]
    fn pinned_record_with_integrity_is_clean() {
        let h = installs(
            r#"{"installRecords":{"a":{"source":"npm","spec":"@s/a@1.2.3","integrity":"sha512-abc"}}}"#,
        );
        assert!(!h.ids().iter().any(|i| i.starts_with("plugins.installs")));
    }

    #[test]
    fn version_drift() {
        let rec = r#"{"installRecords":{"a":{"source":"npm","spec":"a@1.0.0","integrity":"x","version":"0.1.0","resolvedVersion":"1.0.0"}}}"#;
        let drift = installs(rec).json(
            "~/.openclaw/extensions/a/package.json",
            r#"{"version":"0.9.0"}"#,
        );
        assert_eq!(
            detail(&drift, "plugins.installs_version_drift").unwrap(),
            "npm install records whose version is not the installed package.json version:\n- a (recorded 1.0.0, installed 0.9.0)"
        );
        let same = installs(rec).json(
            "~/.openclaw/extensions/a/package.json",
            r#"{"version":"1.0.0"}"#,
        );
        assert!(detail(&same, "plugins.installs_version_drift").is_none());
        let missing = installs(rec);
        assert!(detail(&missing, "plugins.installs_version_drift").is_none());
        // installPath is resolved against the working dir, not expanded.
        let rel = r#"{"installRecords":{"a":{"source":"npm","spec":"a@1.0.0","integrity":"x","version":"1.0.0","installPath":"pk"}}}"#;
        let h = installs(rel).json("~/pk/package.json", r#"{"version":"2.0.0"}"#);
        assert!(detail(&h, "plugins.installs_version_drift")
            .unwrap()
            .contains("a (recorded 1.0.0, installed 2.0.0)"));
    }

    #[test]
    fn npm_recovered_records_lose_to_persisted_ones() {
        let h = Host::new("{}")
            .json(
                "~/.openclaw/npm/package.json",
                r#"{"dependencies":{"@s/recov":"^2.0.0","plain":"1.0.0","over":"1.0.0"}}"#,
            )
            .dir("~/.openclaw/npm/node_modules/@s/recov", 0o700)
            .json(
                "~/.openclaw/npm/node_modules/@s/recov/package.json",
                r#"{"name":"@s/recov","version":"2.1.0","openclaw":{"extensions":["./index.js"]}}"#,
            )
            .json(
                "~/.openclaw/npm/node_modules/@s/recov/openclaw.plugin.json",
                r#"{"id":"recov"}"#,
            )
            .dir("~/.openclaw/npm/node_modules/plain", 0o700)
            .json("~/.openclaw/npm/node_modules/plain/package.json", r#"{"version":"1.0.0"}"#)
            .dir("~/.openclaw/npm/node_modules/over", 0o700)
            .json(
                "~/.openclaw/npm/node_modules/over/package.json",
                r#"{"version":"1.0.0","openclaw":{"extensions":["x.js"]}}"#,
            )
            .json(
                "~/.openclaw/plugins/installs.json",
                r#"{"installRecords":{"over":{"source":"npm","spec":"over@1.0.0","integrity":"sha"}}}"#,
            );
        assert_eq!(
            detail(&h, "plugins.installs_unpinned_npm_specs").unwrap(),
            "npm install records whose spec is a range, a tag or a bare name:\n- recov (@s/recov@^2.0.0)"
        );
        assert!(detail(&h, "plugins.installs_missing_integrity")
            .unwrap()
            .ends_with(":\n- recov"));
        assert!(detail(&h, "plugins.installs_version_drift").is_none());
    }

    #[test]
    fn state_db_records_replace_installs_json() {
        use crate::capture::sqlite::{DatabaseFacts, InstallRecord, StateFacts};
        use crate::snapshot::DatabaseEntry;
        let h = installs(r#"{"installRecords":{"json-only":{"source":"npm","spec":"j@latest"}}}"#);
        let mut snap = h.snapshot();
        let rec = |id: &str, spec: &str, integrity: Option<&str>| InstallRecord {
            id: id.into(),
            source: Some("npm".into()),
            spec: Some(spec.into()),
            integrity: integrity.map(String::from),
            ..InstallRecord::default()
        };
        snap.manifest.databases.push(DatabaseEntry {
            path: "/home/user/.openclaw/state/openclaw.sqlite".into(),
            facts: DatabaseFacts {
                state: Some(StateFacts {
                    plugin_installs: vec![
                        rec("db-a", "a@^1", Some("sha512-x")),
                        rec("db-b", "b@1.0.0", None),
                    ],
                    ..StateFacts::default()
                }),
                ..DatabaseFacts::default()
            },
        });
        let f = crate::audit::audit(&snap).findings;
        let d = |id: &str| f.iter().find(|x| x.check_id == id).unwrap().detail.clone();
        assert!(d("plugins.installs_unpinned_npm_specs").ends_with(":\n- db-a (a@^1)"));
        assert!(d("plugins.installs_missing_integrity").ends_with(":\n- db-b"));
    }

    #[test]
    fn hard_linked_or_non_string_versions() {
        let rec = r#"{"installRecords":{"a":{"source":"npm","spec":"a@1.0.0","integrity":"x","version":1}}}"#;
        let h = installs(rec).json(
            "~/.openclaw/extensions/a/package.json",
            r#"{"version":"1"}"#,
        );
        // A number never equals the installed string.
        assert!(detail(&h, "plugins.installs_version_drift")
            .unwrap()
            .ends_with("- a (recorded 1, installed 1)"));
        let mut snap = h.snapshot();
        let i = snap
            .manifest
            .files
            .iter()
            .position(|e| e.path.ends_with("extensions/a/package.json"))
            .unwrap();
        snap.manifest.files[i].nlink = Some(2);
        assert!(!crate::audit::audit(&snap)
            .findings
            .iter()
            .any(|f| f.check_id == "plugins.installs_version_drift"));
        // Blank recorded versions are skipped.
        let blank = r#"{"installRecords":{"a":{"source":"npm","spec":"a@1.0.0","integrity":"x","version":"1.0.0","resolvedVersion":""}}}"#;
        let h = installs(blank).json(
            "~/.openclaw/extensions/a/package.json",
            r#"{"version":"2.0.0"}"#,
        );
        assert!(detail(&h, "plugins.installs_version_drift").is_none());
    }
}
