//! Path rules shared by capture (what to record) and audit (what to look up), on plain strings so the audit can
//! apply them to a snapshot's recorded paths.

use serde_json::Value;

use super::load;
use super::secret::js_trim;

/// `logging.file` as the reference resolves it: trimmed, `~` / `~/x` expanded with the home dir (`~user` is
/// skipped), resolved against the working directory.
pub fn log_file(cfg: &Value, home: &str, cwd: &str) -> Option<String> {
    let raw = cfg.pointer("/logging/file")?.as_str()?;
    let p = js_trim(raw);
    if p.is_empty() {
        return None;
    }
    let expanded = if p == "~" {
        home.to_string()
    } else if let Some(rest) = p.strip_prefix("~/").or_else(|| p.strip_prefix("~\\")) {
        format!("{home}/{rest}")
    } else if p.starts_with('~') {
        return None;
    } else {
        p.to_string()
    };
    Some(load::resolve(cwd, &expanded))
}

/// OpenClaw's agent id normalization: trimmed, lower-case, runs of other characters → `-`, edges trimmed of `-`,
/// at most 64 characters, `main` when empty.
pub fn normalize_agent_id(id: &str) -> String {
    let lower = js_trim(id).to_lowercase();
    let mut out = String::new();
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(64).collect();
    if trimmed.is_empty() {
        "main".into()
    } else {
        trimmed
    }
}

fn agent_entries(cfg: &Value) -> Vec<&Value> {
    cfg.pointer("/agents/list")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter(|e| e.is_object()).collect())
        .unwrap_or_default()
}

/// The default agent id: the first `agents.list` entry with a truthy `default`, else the first entry, else `main`.
pub fn default_agent_id(cfg: &Value) -> String {
    let agents = agent_entries(cfg);
    let chosen = agents
        .iter()
        .find(|a| truthy(a.get("default")))
        .or(agents.first())
        .and_then(|a| a.get("id"))
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("main");
    normalize_agent_id(chosen)
}

/// Agent ids whose files the fs checks and `--fix` visit: the default agent, then each `agents.list` id
/// (trimmed), de-duplicated *before* normalization, so ids differing only in case repeat a directory.
pub fn fs_agent_ids(cfg: &Value) -> Vec<String> {
    let mut raw: Vec<String> = vec![default_agent_id(cfg)];
    if let Some(list) = cfg.pointer("/agents/list").and_then(Value::as_array) {
        for a in list {
            if let Some(id) = a
                .get("id")
                .and_then(Value::as_str)
                .map(js_trim)
                .filter(|s| !s.is_empty())
            {
                raw.push(id.to_string());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .map(|id| normalize_agent_id(&id))
        .collect()
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agent_ids_repeat_like_the_reference() {
        assert_eq!(fs_agent_ids(&json!({})), ["main"]);
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "Ops"}]}})),
            ["ops", "ops"]
        );
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "a"}, {"id": "B", "default": true}]}})),
            ["b", "a", "b"]
        );
        assert_eq!(normalize_agent_id(" My Agent!! "), "my-agent");
    }

    #[test]
    fn log_file_resolution() {
        let cfg = json!({"logging": {"file": " ~/logs/x.log "}});
        assert_eq!(log_file(&cfg, "/h", "/w").as_deref(), Some("/h/logs/x.log"));
        let rel = json!({"logging": {"file": "logs/x.log"}});
        assert_eq!(log_file(&rel, "/h", "/w").as_deref(), Some("/w/logs/x.log"));
        assert_eq!(
            log_file(&json!({"logging": {"file": "~bob/x"}}), "/h", "/w"),
            None
        );
    }
}
