//! Inline markup shared by the Markdown and HTML renderers: finding text split into plain runs and the config
//! keys and paths in it (shown as code), and whether a fix is a command to run.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span<'a> {
    Text(&'a str),
    Code(&'a str),
}

/// Split `text` into plain text and the words in it that are paths (`/…`, `~/…`) or dotted config keys
/// (`gateway.controlUi.allowedOrigins`, `agents.list[0].id`), without surrounding punctuation.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut out: Vec<Span> = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let end = text[i..]
            .find(|c: char| c.is_ascii_whitespace())
            .map_or(text.len(), |n| i + n);
        let word = &text[i..end];
        let lead = word.len() - word.trim_start_matches(['(', '"', '\'', '[']).len();
        let core = word[lead..].trim_end_matches([';', ':', ',', '.', ')', '"', '\'', '!', '?']);
        if !core.is_empty() && is_code(core) {
            let start = i + lead;
            if plain_start < start {
                out.push(Span::Text(&text[plain_start..start]));
            }
            out.push(Span::Code(core));
            plain_start = start + core.len();
        }
        i = end;
    }
    if plain_start < text.len() {
        out.push(Span::Text(&text[plain_start..]));
    }
    out
}

fn is_code(w: &str) -> bool {
    if w.contains('`') {
        return false;
    }
    // An environment variable: `OPENCLAW_GATEWAY_TOKEN`.
    if w.len() >= 3
        && w.contains('_')
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return true;
    }
    if w.starts_with("~/") || (w.starts_with('/') && w.len() > 1 && !w.starts_with("//")) {
        return true;
    }
    // A dotted key: lowercase start, at least two parts, the first of two or more characters (not `e.g`).
    let first_ok = w.starts_with(|c: char| c.is_ascii_lowercase() || c == '$');
    let chars_ok = w
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '[' | ']' | '*' | '$'));
    let parts: Vec<&str> = w.split('.').collect();
    first_ok
        && chars_ok
        && parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty())
        && parts[0].len() >= 2
}

/// Whether a fix is one shell command (shown as code): `chmod 600 ~/.openclaw/openclaw.json`.
pub fn is_command(fix: &str) -> bool {
    const PROGRAMS: &[&str] = &[
        "chmod",
        "chown",
        "openclaw",
        "clawprint",
        "docker",
        "icacls",
        "rm",
        "mv",
        "mkdir",
    ];
    let first = fix.split_whitespace().next().unwrap_or("");
    PROGRAMS.contains(&first) && !fix.contains(". ") && !fix.contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use Span::*;

    #[test]
    fn keys_and_paths_become_code_with_punctuation_left_outside() {
        assert_eq!(
            spans("gateway.bind is \"lan\"; see ~/.openclaw/openclaw.json."),
            [
                Code("gateway.bind"),
                Text(" is \"lan\"; see "),
                Code("~/.openclaw/openclaw.json"),
                Text("."),
            ]
        );
        assert_eq!(
            spans("(e.g. agents.list[0].id) and /etc/x, not // or 1.5"),
            [
                Text("(e.g. "),
                Code("agents.list[0].id"),
                Text(") and "),
                Code("/etc/x"),
                Text(", not // or 1.5"),
            ]
        );
        assert_eq!(
            spans("in OPENCLAW_GATEWAY_TOKEN, not HTTP"),
            [
                Text("in "),
                Code("OPENCLAW_GATEWAY_TOKEN"),
                Text(", not HTTP")
            ]
        );
        assert_eq!(spans("plain words"), [Text("plain words")]);
        assert_eq!(spans(""), []);
    }

    #[test]
    fn commands() {
        assert!(is_command("chmod 600 ~/.openclaw/openclaw.json"));
        assert!(!is_command(
            "Set gateway.auth.rateLimit (e.g. { maxAttempts: 10 })."
        ));
        assert!(!is_command("chmod it. Then restart"));
    }
}
