//! Loading a config the way OpenClaw does: `$include` discovery and resolution, then `${VAR}` substitution.
//!
//! Pure: file contents come through [`IncludeSource`], which the capture implements over the host (applying the
//! loader's guards) and the audit over snapshot blobs.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::env::{config_env_vars, substitute_tree};
use super::json5;

/// Include files nest at most this deep (the reference's limit).
pub const MAX_INCLUDE_DEPTH: usize = 10;

/// Arrays and objects of the resolved config nest at most this deep. Each file is within the JSON5 parser's limit
/// (128), but a chain of includes, each placed deep inside the previous one, could add up to ~1,400 levels, enough
/// for the recursive code over the resolved tree to overflow a 2 MiB thread stack. Deeper parts are dropped with a
/// load problem; no real config comes near.
pub const MAX_RESOLVED_DEPTH: usize = 256;

/// Where include texts come from.
pub trait IncludeSource {
    /// The text of the file at a normalized path, if it can be read at all (discovery uses any readable file).
    fn text(&self, path: &str) -> Option<String>;
    /// Why the config loader would refuse to read the file (outside the allowed roots, not a regular file, too
    /// large, hard-linked, unreadable); `None` when it would read it.
    fn loader_error(&self, path: &str) -> Option<String>;
}

/// Node's `path.normalize` for POSIX paths.
pub fn normalize(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let absolute = path.starts_with('/');
    let trailing = path.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if absolute {
        out.insert(0, '/');
    }
    if out.is_empty() {
        out = if absolute { "/".into() } else { ".".into() };
    }
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Node's `path.dirname` for POSIX paths.
pub fn dirname(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => trimmed[..i].to_string(),
        None if path.starts_with('/') => "/".into(),
        None => ".".into(),
    }
}

/// Node's `path.resolve(base, p)` then normalize (base is absolute).
pub fn resolve(base: &str, p: &str) -> String {
    if p.starts_with('/') {
        normalize(p)
    } else {
        normalize(&format!("{base}/{p}"))
    }
}

/// Is `child` equal to or below `root` (both normalized, absolute)?
pub fn is_inside(root: &str, child: &str) -> bool {
    let root = root.trim_end_matches('/');
    child == root || root.is_empty() || child.starts_with(&format!("{root}/"))
}

/// Every `$include` value directly in a parsed file, in tree order (strings and string items of arrays).
fn direct_includes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| direct_includes(i, out)),
        Value::Object(map) => {
            match map.get("$include") {
                Some(Value::String(s)) => out.push(s.clone()),
                Some(Value::Array(items)) => {
                    out.extend(items.iter().filter_map(|i| i.as_str().map(String::from)))
                }
                _ => {}
            }
            map.values().for_each(|v| direct_includes(v, out));
        }
        _ => {}
    }
}

/// One discovered include: its normalized path and the file that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub path: String,
    pub parent: String,
}

/// Include discovery as the reference's filesystem audit and `--fix` do it: walk the raw parsed config, resolve
/// each `$include` against the including file, normalize (no realpath, no root check), de-duplicate, depth-first
/// pre-order, nested files walked up to depth 10.
pub fn discover_includes(
    root: &Value,
    config_path: &str,
    src: &dyn IncludeSource,
) -> Vec<Discovered> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    walk_discover(root, config_path, 0, src, &mut seen, &mut out);
    out
}

fn walk_discover(
    parsed: &Value,
    base: &str,
    depth: usize,
    src: &dyn IncludeSource,
    seen: &mut HashSet<String>,
    out: &mut Vec<Discovered>,
) {
    if depth > MAX_INCLUDE_DEPTH {
        return;
    }
    let mut direct = Vec::new();
    direct_includes(parsed, &mut direct);
    for raw in direct {
        let resolved = resolve(&dirname(base), &raw);
        if !seen.insert(resolved.clone()) {
            continue;
        }
        out.push(Discovered {
            path: resolved.clone(),
            parent: base.to_string(),
        });
        let Some(text) = src.text(&resolved).filter(|t| !t.is_empty()) else {
            continue;
        };
        if let Ok(node) = json5::parse(&text) {
            walk_discover(&node.to_json(), &resolved, depth + 1, src, seen, out);
        }
    }
}

/// A problem that makes OpenClaw's loader refuse the config; clawprint records it and goes on with what it can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    pub path: String,
    pub message: String,
}

/// Deep merge of the reference: arrays concatenate, objects merge recursively, otherwise the source wins.
pub fn deep_merge(target: Value, source: Value) -> Value {
    match (target, source) {
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b);
            Value::Array(a)
        }
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                if matches!(k.as_str(), "__proto__" | "prototype" | "constructor") {
                    continue;
                }
                let merged = match a.remove(&k) {
                    Some(existing) => deep_merge(existing, v),
                    None => v,
                };
                a.insert(k, merged);
            }
            Value::Object(a)
        }
        (_, source) => source,
    }
}

struct Resolver<'a> {
    src: &'a dyn IncludeSource,
    problems: Vec<LoadProblem>,
    /// Nesting level of the value being resolved, in the resolved tree.
    level: usize,
    /// The config went deeper than [`MAX_RESOLVED_DEPTH`] (reported once).
    too_deep: bool,
}

impl Resolver<'_> {
    fn process(&mut self, v: &Value, base: &str, visited: &[String], depth: usize) -> Value {
        if !(v.is_array() || v.is_object()) {
            return v.clone();
        }
        if self.level >= MAX_RESOLVED_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.problem(
                    base,
                    format!(
                        "config nests deeper than {MAX_RESOLVED_DEPTH} levels once includes are resolved; \
                         the deeper part is ignored"
                    ),
                );
            }
            return Value::Null;
        }
        self.level += 1;
        let out = self.process_container(v, base, visited, depth);
        self.level -= 1;
        out
    }

    fn process_container(
        &mut self,
        v: &Value,
        base: &str,
        visited: &[String],
        depth: usize,
    ) -> Value {
        match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.process(i, base, visited, depth))
                    .collect(),
            ),
            Value::Object(map) if map.contains_key("$include") => {
                let included = self.resolve_include(&map["$include"], base, visited, depth);
                let others: Vec<(&String, &Value)> = map
                    .iter()
                    .filter(|(k, _)| k.as_str() != "$include")
                    .collect();
                if others.is_empty() {
                    return included;
                }
                let included = if included.is_object() {
                    included
                } else {
                    self.problem(
                        base,
                        "sibling keys next to $include need the included content to be an object",
                    );
                    Value::Object(Map::new())
                };
                let mut rest = Map::new();
                for (k, v) in others {
                    rest.insert(k.clone(), self.process(v, base, visited, depth));
                }
                deep_merge(included, Value::Object(rest))
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.process(v, base, visited, depth)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(LoadProblem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn resolve_include(
        &mut self,
        value: &Value,
        base: &str,
        visited: &[String],
        depth: usize,
    ) -> Value {
        match value {
            Value::String(s) => self.load_file(s, base, visited, depth),
            Value::Array(items) => {
                let mut merged = Value::Object(Map::new());
                for item in items {
                    match item.as_str() {
                        Some(s) => {
                            let loaded = self.load_file(s, base, visited, depth);
                            merged = deep_merge(merged, loaded);
                        }
                        None => self
                            .problem(base, format!("$include array item is not a string: {item}")),
                    }
                }
                merged
            }
            other => {
                self.problem(
                    base,
                    format!("$include must be a string or an array of strings, not {other}"),
                );
                Value::Object(Map::new())
            }
        }
    }

    fn load_file(&mut self, include: &str, base: &str, visited: &[String], depth: usize) -> Value {
        let resolved = resolve(&dirname(base), include);
        let empty = Value::Object(Map::new());
        if visited.contains(&resolved) {
            let mut chain = visited.to_vec();
            chain.push(resolved.clone());
            self.problem(
                &resolved,
                format!("circular $include: {}", chain.join(" -> ")),
            );
            return empty;
        }
        if depth >= MAX_INCLUDE_DEPTH {
            self.problem(
                &resolved,
                format!("$include nesting deeper than {MAX_INCLUDE_DEPTH} levels at {include}"),
            );
            return empty;
        }
        if let Some(err) = self.src.loader_error(&resolved) {
            self.problem(&resolved, err);
            return empty;
        }
        let Some(text) = self.src.text(&resolved) else {
            self.problem(&resolved, format!("cannot read include file {include}"));
            return empty;
        };
        let parsed = match json5::parse(&text) {
            Ok(node) => node.to_json(),
            Err(e) => {
                self.problem(&resolved, format!("include file does not parse: {e}"));
                return empty;
            }
        };
        let mut chain = visited.to_vec();
        chain.push(resolved.clone());
        self.process(&parsed, &resolved, &chain, depth + 1)
    }
}

/// The config after loading.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The root file as parsed, `$include` not resolved.
    pub raw: Value,
    /// Includes resolved, `${VAR}` not substituted (the reference's `sourceConfig`).
    pub source: Value,
    /// Includes resolved and `${VAR}` substituted (the reference's runtime `cfg`).
    pub resolved: Value,
    /// The environment as OpenClaw sees it: process env, then `<stateDir>/.env`, then the config's `env` block,
    /// each adding only what is not set yet.
    pub env: BTreeMap<String, String>,
    /// Why OpenClaw's loader would refuse this config (the audit still runs).
    pub problems: Vec<LoadProblem>,
}

/// Load a parsed root config: resolve includes, build the environment, substitute.
pub fn load(
    raw: Value,
    config_path: &str,
    src: &dyn IncludeSource,
    process_env: &BTreeMap<String, String>,
    dotenv: &BTreeMap<String, String>,
) -> Loaded {
    let mut r = Resolver {
        src,
        problems: Vec::new(),
        level: 0,
        too_deep: false,
    };
    let source = r.process(&raw, config_path, &[normalize(config_path)], 0);
    let mut env = process_env.clone();
    let mut add = |k: &str, v: &str| {
        let set = env
            .get(k)
            .is_some_and(|cur| !super::secret::js_trim(cur).is_empty());
        if !set {
            env.insert(k.to_string(), v.to_string());
        }
    };
    for (k, v) in dotenv {
        add(k, v);
    }
    for (k, v) in config_env_vars(&source) {
        if !super::env::contains_env_reference(&v) {
            add(&k, &v);
        }
    }
    let resolved = substitute_tree(&source, &env);
    Loaded {
        raw,
        source,
        resolved,
        env,
        problems: r.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Files(BTreeMap<String, String>);
    impl IncludeSource for Files {
        fn text(&self, path: &str) -> Option<String> {
            self.0.get(path).cloned()
        }
        fn loader_error(&self, path: &str) -> Option<String> {
            (!self.0.contains_key(path)).then(|| format!("missing {path}"))
        }
    }

    fn files(pairs: &[(&str, &str)]) -> Files {
        Files(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn normalize_like_node() {
        assert_eq!(normalize("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(normalize("/.."), "/");
        assert_eq!(normalize("a/../../b"), "../b");
        assert_eq!(dirname("/a/b.json"), "/a");
        assert_eq!(dirname("/a"), "/");
        assert_eq!(resolve("/h/.openclaw", "../x.json5"), "/h/x.json5");
        assert!(is_inside("/h/.openclaw", "/h/.openclaw/x"));
        assert!(!is_inside("/h/.openclaw", "/h/.openclaw2/x"));
    }

    #[test]
    fn discovery_is_depth_first_and_deduplicated() {
        let src = files(&[
            ("/c/a.json5", "{ $include: './nested/n.json5' }"),
            ("/c/nested/n.json5", "{ x: { $include: '../b.json5' } }"),
            ("/c/b.json5", "{}"),
        ]);
        let root = json!({"$include": ["./a.json5", "./b.json5"], "g": {"$include": "./a.json5"}});
        let found: Vec<String> = discover_includes(&root, "/c/openclaw.json", &src)
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(found, ["/c/a.json5", "/c/nested/n.json5", "/c/b.json5"]);
    }

    #[test]
    fn includes_merge_like_the_loader() {
        let src = files(&[
            (
                "/c/base.json5",
                "{ gateway: { bind: 'lan', list: [1] }, a: 1 }",
            ),
            ("/c/more.json5", "{ gateway: { list: [2] } }"),
        ]);
        let root =
            json!({"$include": ["./base.json5", "./more.json5"], "gateway": {"bind": "loopback"}});
        let l = load(
            root,
            "/c/openclaw.json",
            &src,
            &BTreeMap::new(),
            &BTreeMap::new(),
        );
        assert_eq!(
            l.source,
            json!({"gateway": {"bind": "loopback", "list": [1, 2]}, "a": 1})
        );
        assert!(l.problems.is_empty());
    }

    #[test]
    fn cycles_and_missing_files_are_problems_not_failures() {
        let src = files(&[("/c/a.json5", "{ $include: './a.json5', k: 1 }")]);
        let l = load(
            json!({"x": {"$include": "./a.json5"}, "y": {"$include": "./gone.json5"}}),
            "/c/o.json",
            &src,
            &BTreeMap::new(),
            &BTreeMap::new(),
        );
        assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
        assert!(l.problems[0].message.contains("circular"));
        assert_eq!(l.source["x"], json!({"k": 1}));
    }

    #[test]
    fn resolved_depth_is_bounded_across_includes() {
        // Each file nests 100 levels, then includes the next: 500 levels in all, cut at MAX_RESOLVED_DEPTH.
        let deep = |inner: &str| format!("{}{inner}{}", "{a:".repeat(100), "}".repeat(100));
        let texts: Vec<(String, String)> = (1..=4)
            .map(|i| {
                (
                    format!("/c/i{i}.json5"),
                    deep(&format!("{{$include: './i{}.json5'}}", i + 1)),
                )
            })
            .chain([("/c/i5.json5".to_string(), "{leaf: 1}".to_string())])
            .collect();
        let src = Files(texts.into_iter().collect());
        let root = json5::parse(&deep("{$include: './i1.json5'}"))
            .unwrap()
            .to_json();
        let l = load(root, "/c/o.json", &src, &BTreeMap::new(), &BTreeMap::new());
        let deeper = l
            .problems
            .iter()
            .filter(|p| p.message.contains("deeper than 256"));
        assert_eq!(deeper.count(), 1, "{:?}", l.problems);
        let mut v = &l.source;
        let mut levels = 0;
        while let Some(next) = v.get("a") {
            v = next;
            levels += 1;
        }
        // (Each `{$include}` object counts as a level of its own while its content is resolved.)
        assert!(
            (MAX_RESOLVED_DEPTH - 4..MAX_RESOLVED_DEPTH).contains(&levels),
            "{levels}"
        );
        assert!(v.is_null());
        // Within the limit nothing changes.
        let src = files(&[("/c/i.json5", &deep("{leaf: 1}"))]);
        let l = load(
            json5::parse(&deep("{$include: './i.json5'}"))
                .unwrap()
                .to_json(),
            "/c/o.json",
            &src,
            &BTreeMap::new(),
            &BTreeMap::new(),
        );
        assert!(l.problems.is_empty(), "{:?}", l.problems);
    }

    #[test]
    fn env_layers_and_substitution() {
        let process: BTreeMap<_, _> = [("A".to_string(), "from-process".to_string())].into();
        let dotenv: BTreeMap<_, _> = [
            ("A".to_string(), "from-dotenv".to_string()),
            ("B".to_string(), "b".to_string()),
        ]
        .into();
        let raw = json!({"env": {"vars": {"C": "c", "B": "ignored"}}, "v": "${A}/${B}/${C}/${D}"});
        let l = load(raw, "/c/o.json", &files(&[]), &process, &dotenv);
        assert_eq!(l.resolved["v"], json!("from-process/b/c/${D}"));
        assert_eq!(l.source["v"], json!("${A}/${B}/${C}/${D}"));
    }
}
