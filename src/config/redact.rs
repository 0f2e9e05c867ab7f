//! Redaction: which strings are secrets, and rewriting texts so none survives.
//!
//! A [`Redactor`] is fed every secret-bearing source of one capture in a fixed order (process env by name, `.env`
//! by name, config, includes in discovery order, other files by path), so equivalence classes are numbered the
//! same way for the same host. Texts are rewritten by byte span: comments, key order and layout survive, only the
//! secret literals change.

use std::collections::{BTreeSet, HashMap};

use super::identity::{Context, Pseudonymizer};
use super::json5::{self, Node, Value};
use super::secret::{is_placeholder, js_trim, looks_like_marker, Marker};
use crate::config::env::{contains_env_reference, env_references, split_references};

#[derive(Debug, Default)]
pub struct Redactor {
    enabled: bool,
    classes: HashMap<String, u64>,
    /// Number of values replaced.
    pub replaced: u64,
    /// Identities (allowlist entries, chat ids, phone numbers) in the texts: pseudonymized unless disabled.
    pub ids: Pseudonymizer,
    /// `(dir, alias)` pairs, longest dir first: paths under the home dir (and the other dirs that name the user:
    /// its realpath, `$HOME` when `OPENCLAW_HOME` points elsewhere) are recorded under their alias, in the texts
    /// as in every path of the capture.
    home: Vec<(String, String)>,
    /// Variables referenced where a secret stands (every `${NAME}` that went through [`Self::secret`]).
    secret_refs: BTreeSet<String>,
    /// While an include mounted at several places is redacted: the length of its first mount (the key path it is
    /// read at) and its other mounts, where its secret positions are judged too.
    mount_len: usize,
    other_mounts: Vec<Vec<String>>,
}

/// What kind of JSON5 document a text is: where its identities are.
#[derive(Clone, Debug)]
pub enum Doc {
    /// The config or an include, mounted at this key path of the config (empty for the config itself).
    Config(Vec<String>),
    /// A pairing allowlist file (`{"version": 1, "allowFrom": [...]}`) of a channel.
    Pairing(Context),
    /// A plugin's or hook's `package.json`: its people (`author`, `contributors`, `maintainers`) are identities.
    Package,
    /// Anything else (exec approvals, install records): secrets and home paths only.
    Other,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor {
            enabled: true,
            ..Redactor::default()
        }
    }

    /// A redactor that keeps every value: only for in-memory captures in tests (`audit(raw)`), never written.
    pub fn disabled() -> Redactor {
        Redactor::default()
    }

    pub fn classes(&self) -> u64 {
        self.classes.len() as u64
    }

    /// Pseudonymize identities with `ids` (a disabled one keeps them).
    pub fn with_identities(mut self, ids: Pseudonymizer) -> Redactor {
        self.ids = ids;
        self
    }

    /// Record paths under `home` as under `alias` (in the texts and through [`Self::alias_path`]). May be called
    /// once per dir to alias; a path under several is recorded under the alias of the longest.
    pub fn with_home_alias(mut self, home: &str, alias: &str) -> Redactor {
        let home = home.trim_end_matches('/');
        if home.len() > 1 && home != alias && !self.home.iter().any(|(h, _)| h == home) {
            self.home.push((home.to_string(), alias.to_string()));
            self.home.sort_by_key(|(h, _)| std::cmp::Reverse(h.len()));
        }
        self
    }

    /// The aliases in use, `(dir, alias)`, longest dir first.
    pub fn home_aliases(&self) -> &[(String, String)] {
        &self.home
    }

    /// A whole path as recorded: under the alias of the longest aliased dir it is in (`None`: in none).
    pub fn alias_path(&self, p: &str) -> Option<String> {
        // (Dirs are stored without a trailing `/`; no allocation per path: the walk records many.)
        let (home, alias) = self.home.iter().find(|(h, _)| {
            p.strip_prefix(h.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })?;
        Some(format!("{alias}{}", &p[home.len()..]))
    }

    /// `s` with every path under an aliased dir written under its alias (`None`: nothing to change). A match must
    /// end at a path boundary: `/home/al` never rewrites `/home/alice`.
    /// The dir may be written with `//` or `/./` between its components (`/home//alice`, `/home/./alice`).
    pub fn alias_text(&self, s: &str) -> Option<String> {
        let last = |h: &str| h.rsplit('/').next().unwrap_or(h).to_string();
        if !self.home.iter().any(|(h, _)| s.contains(&last(h))) {
            return None;
        }
        let mut out = String::with_capacity(s.len());
        let mut changed = false;
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            let hit = self.home.iter().find_map(|(h, alias)| {
                let n = dir_prefix_len(rest, h)?;
                rest[n..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
                    .then_some((n, alias))
            });
            match hit {
                Some((n, alias)) => {
                    out.push_str(alias);
                    i += n;
                    changed = true;
                }
                None => {
                    let c = rest.chars().next().expect("not at the end");
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        changed.then_some(out)
    }

    /// The form a secret written in a config text takes in the snapshot. Placeholders and `${VAR}` references are
    /// kept (the loader substitutes them from the environment, which is recorded redacted); literal text around a
    /// reference (`PFX_${SUFFIX}`) is part of the secret: each run becomes a marker, and the loader joins markers
    /// and substituted values into one (`env::substitute`).
    pub fn secret(&mut self, value: &str) -> String {
        if !contains_env_reference(value) {
            return self.secret_value(value);
        }
        self.secret_refs.extend(env_references(value));
        if !self.enabled {
            return value.to_string();
        }
        split_references(value)
            .into_iter()
            .map(|(reference, text)| {
                if reference {
                    text
                } else {
                    self.secret_value(&text)
                }
            })
            .collect()
    }

    /// A number in a secret position (`password: 84726193551`): its digits replaced by digits of the same count
    /// that name its class, sign, point, exponent and `0x` kept, so it stays a number (the checks and the
    /// validator see the same type and length) and equal numbers stay equal. `None`: no digit to replace.
    fn secret_number(&mut self, raw: &str) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let t = raw.trim();
        let body = t.trim_start_matches(['+', '-']);
        let hex = body.starts_with("0x") || body.starts_with("0X");
        let start = t.len() - body.len() + if hex { 2 } else { 0 };
        let end = if hex {
            t.len()
        } else {
            t.find(['e', 'E']).unwrap_or(t.len())
        };
        let n = t[start..end].bytes().filter(u8::is_ascii_hexdigit).count();
        if n == 0
            || t[start..end]
                .bytes()
                .any(|b| b.is_ascii_alphabetic() && !hex)
        {
            return None;
        }
        let next = self.classes.len() as u64 + 1;
        let class = *self.classes.entry(format!("\0number {t}")).or_insert(next);
        self.replaced += 1;
        let digits = if n == 1 {
            ((class - 1) % 9 + 1).to_string()
        } else {
            let rest = match 10u64.checked_pow(n as u32 - 1) {
                Some(m) => class % m,
                None => class,
            };
            format!("1{rest:0>w$}", w = n - 1)
        };
        let mut digits = digits.chars();
        let out: String = t
            .char_indices()
            .map(|(i, c)| {
                if (start..end).contains(&i) && c.is_ascii_hexdigit() {
                    digits.next().unwrap_or('0')
                } else {
                    c
                }
            })
            .collect();
        (out != raw).then_some(out)
    }

    /// Redact an include mounted at each of `mounts` (at least one; the first is where it is read): secrets at
    /// any mount's secret positions are redacted (an include under `skills.entries.a.config` and `…b.env`).
    pub fn redact_include(&mut self, text: &str, mounts: &[Vec<String>]) -> Option<String> {
        let Some((first, others)) = mounts.split_first() else {
            return self.redact_doc(text, &Doc::Config(Vec::new()));
        };
        self.mount_len = first.len();
        self.other_mounts = others.to_vec();
        let out = self.redact_doc(text, &Doc::Config(first.clone()));
        self.other_mounts.clear();
        out
    }

    /// Is a value at `keys` secret there, or at the same place under another mount of the text being redacted?
    fn secret_position(&self, keys: &[String]) -> bool {
        is_secret_path(keys)
            || self.other_mounts.iter().any(|m| {
                let mut at = m.clone();
                at.extend_from_slice(keys.get(self.mount_len..).unwrap_or_default());
                is_secret_path(&at)
            })
    }

    /// Is the whole string at `keys` a secret (its position, its shape)?
    fn whole_secret(&self, keys: &[String], s: &str) -> bool {
        self.secret_position(keys) || looks_like_secret_value(s) || looks_like_marker(s)
    }

    /// The form a resolved secret (an environment variable, a `.env` line, a SecretRef's result) takes in the
    /// snapshot: a marker, whatever it contains. Such a value is never a template: nothing substitutes `${…}` in
    /// it again, so a `${` in it is just part of the secret (the marker's `env` bits keep what the checks test).
    pub fn secret_value(&mut self, value: &str) -> String {
        if !self.enabled || is_placeholder(value) {
            return value.to_string();
        }
        let next = self.classes.len() as u64 + 1;
        let class = *self
            .classes
            .entry(js_trim(value).to_string())
            .or_insert(next);
        self.replaced += 1;
        Marker::for_value(value, class).to_string()
    }

    /// Redact a JSON5 text: every secret string literal is replaced by the quoted marker, everything else kept
    /// byte for byte. Returns the text unchanged when it does not parse (the caller records the parse error; an
    /// unparseable file is stored only as metadata, never as content).
    pub fn redact_json5(&mut self, text: &str) -> Option<String> {
        self.redact_doc(text, &Doc::Other)
    }

    /// Redact a JSON5 text of the given kind: secrets become markers, identities pseudonyms, home paths take the
    /// alias; everything else is kept byte for byte.
    pub fn redact_doc(&mut self, text: &str, doc: &Doc) -> Option<String> {
        let root = json5::parse(text).ok()?;
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        let mut keys = match doc {
            Doc::Config(prefix) => prefix.clone(),
            _ => Vec::new(),
        };
        self.collect(&root, &mut keys, doc, &mut edits);
        // Comments are free prose (an old token, a phone number, a path under the home dir): never kept.
        if self.enabled {
            for span in json5::comment_spans(text) {
                if let Some(r) = redacted_comment(&text[span.start..span.end]) {
                    edits.push((span.start, span.end, r));
                }
            }
        }
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for (start, end, replacement) in edits {
            out.push_str(&text[pos..start]);
            out.push_str(&replacement);
            pos = end;
        }
        out.push_str(&text[pos..]);
        Some(out)
    }

    fn collect(
        &mut self,
        node: &Node,
        keys: &mut Vec<String>,
        doc: &Doc,
        edits: &mut Vec<(usize, usize, String)>,
    ) {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    if let Some(ctx) = renamed_key_context(doc, keys, &m.key) {
                        let p = self.ids.entry(ctx, &m.key);
                        if p != m.key {
                            edits.push((m.key_span.start, m.key_span.end, json5::quote_string(&p)));
                        }
                    }
                    keys.push(m.key.clone());
                    match &m.value.value {
                        Value::Array(items) if is_command_position(doc, keys) => {
                            // `args` continue their object's `command` (`sshpass` then `["-p", …]`).
                            let command = members.iter().find_map(|c| match &c.value.value {
                                Value::String(s) if c.key == "command" => Some(s.as_str()),
                                _ => None,
                            });
                            let state = match command {
                                Some(c) if m.key == "args" => FreeState::after(c),
                                _ => FreeState::default(),
                            };
                            self.collect_args(items, keys, doc, state, edits);
                        }
                        _ => self.collect(&m.value, keys, doc, edits),
                    }
                    keys.pop();
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.collect(item, keys, doc, edits);
                }
            }
            Value::String(s) => {
                if let Some(replacement) = self.rewrite_string(doc, keys, s) {
                    edits.push((
                        node.span.start,
                        node.span.end,
                        json5::quote_string(&replacement),
                    ));
                }
            }
            Value::Number(n) if self.secret_position(keys) && !is_numeric_setting(keys) => {
                if let Some(p) = self.secret_number(&n.raw) {
                    edits.push((node.span.start, node.span.end, p));
                }
            }
            Value::Number(n) if identity_context(doc, keys).is_some() => {
                if let Some(p) = self.ids.number(&n.raw) {
                    edits.push((node.span.start, node.span.end, p));
                }
            }
            _ => {}
        }
    }

    /// The replacement for a string of a document at `keys`: a secret marker, else a pseudonym, else the text
    /// with home paths aliased; `None` to keep it.
    pub fn rewrite_string(&mut self, doc: &Doc, keys: &[String], s: &str) -> Option<String> {
        // An `$include` path: the snapshot must still load it.
        if keys.last().is_some_and(|k| k == "$include") {
            return self.alias_text(s);
        }
        if self.enabled && self.whole_secret(keys, s) {
            let r = self.secret(s);
            return (r != s).then_some(r);
        }
        // Free text of non-config documents (exec approvals, install records, package.json scripts) and command
        // lines of the config: secrets and phone numbers embedded in them, token by token.
        let free_text = matches!(doc, Doc::Other | Doc::Package) || is_command_position(doc, keys);
        // Secrets inside a URL (its password, a `?token=`): the rest is still read where it stands.
        let url = if self.enabled && !free_text {
            self.redact_url_secrets(s)
        } else {
            None
        };
        let cur = url.as_deref().unwrap_or(s);
        let changed = |p: String| (p != s).then_some(p);
        if let Some(ctx) = identity_context(doc, keys) {
            return changed(self.ids.entry(ctx, cur));
        }
        if is_host_position(doc, keys) {
            return changed(self.ids.host(cur));
        }
        if is_key_file_position(doc, keys) {
            return self.key_file(cur).or(url);
        }
        if free_text {
            return self.redact_free_text(s);
        }
        // A SecretRef id (`op://Private/alice@corp.example/gateway`): the e-mails in it are identities.
        if keys.last().is_some_and(|k| k == "id") {
            return self.ref_id(cur).or(url);
        }
        // The user of `user:password@` in a URL names someone.
        let cur = match url.as_deref().and_then(url_user_span) {
            Some((a, b)) => {
                let p = self.ids.entry(Context::Generic, &cur[a..b]);
                format!("{}{p}{}", &cur[..a], &cur[b..])
            }
            None => cur.to_string(),
        };
        changed(self.alias_text(&cur).unwrap_or(cur))
    }

    /// The strings of a command-argument array (`args`), redacted as one command line: a flag's value is the next
    /// element (`["--token", "x"]`). A value in a secret position is a secret whole.
    fn collect_args(
        &mut self,
        items: &[Node],
        keys: &mut Vec<String>,
        doc: &Doc,
        mut state: FreeState,
        edits: &mut Vec<(usize, usize, String)>,
    ) {
        for item in items {
            let Value::String(s) = &item.value else {
                state = FreeState::default();
                self.collect(item, keys, doc, edits);
                continue;
            };
            let r = if self.enabled && self.whole_secret(keys, s) {
                state.next = Next::Plain;
                let r = self.secret(s);
                (r != *s).then_some(r)
            } else {
                let (r, then) = self.free_text_from(s, state);
                state = then;
                r
            };
            if let Some(r) = r {
                edits.push((item.span.start, item.span.end, json5::quote_string(&r)));
            }
        }
    }

    /// A SecretRef id (`op://Private/alice@corp.example/gateway`, a JSON pointer, an env var name) as recorded:
    /// the e-mail addresses in it pseudonymized, paths under the home dir aliased. The config and the
    /// capture's `secret_refs[].id` both go through here, so they stay equal.
    pub fn ref_id(&mut self, s: &str) -> Option<String> {
        let out = self.pseudonymize_emails(s);
        let out = self.alias_text(&out).unwrap_or(out);
        (out != s).then_some(out)
    }

    /// `s` with each e-mail address in it replaced by its pseudonym (`userN@example.invalid`).
    fn pseudonymize_emails(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (start, end) in email_spans(s) {
            out.push_str(&s[pos..start]);
            out.push_str(&self.ids.entry(Context::Generic, &s[start..end]));
            pos = end;
        }
        out.push_str(&s[pos..]);
        out
    }

    /// The identities of free text (after its secrets are replaced): the value of an identity flag
    /// (`--chat-id 123`, `--author='Name <e-mail>'`, quoted over several words or not), e-mail addresses, and
    /// `user@host` targets (`ssh alice@10.0.0.5`: the user becomes a pseudonym, the host as in host positions).
    /// Phone numbers are left to the caller. A URL (`://`) is left as it is (its userinfo is the caller's).
    fn free_text_identities(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        let spans = word_spans(s);
        let mut i = 0;
        while i < spans.len() {
            let (start, end) = spans[i];
            let word = &s[start..end];
            let core = word.trim_matches(QUOTES);
            let flag = core
                .strip_prefix("--")
                .map(|f| (f.split_once('=').map_or(f, |(n, _)| n), f.contains('=')));
            if let Some((_, inline)) = flag.filter(|(n, _)| is_identity_flag(n)) {
                // The value starts after `=` or at the next word.
                let value_start = if inline {
                    start + word.find('=').unwrap_or(0) + 1
                } else if let Some(&(ns, _)) = spans.get(i + 1) {
                    i += 1;
                    ns
                } else {
                    break;
                };
                let rest = &s[value_start..];
                let (vs, ve) = match rest.chars().next() {
                    Some(q @ ('\'' | '"')) => match rest[1..].find(q) {
                        Some(e) => (value_start + 1, value_start + 1 + e),
                        None => (value_start + 1, s.len()),
                    },
                    _ => {
                        let e = rest.find(char::is_whitespace).unwrap_or(rest.len());
                        let v = rest[..e].trim_end_matches(QUOTES);
                        (value_start, value_start + v.len())
                    }
                };
                let value = &s[vs..ve];
                if !value.is_empty()
                    && !is_phone_number(value)
                    && !value.contains("<<clawprint:")
                    && !value.starts_with('-')
                {
                    out.push_str(&s[pos..vs]);
                    out.push_str(&self.ids.entry(Context::Generic, value));
                    pos = ve;
                }
                // Skip the words the value spans.
                while i + 1 < spans.len() && spans[i + 1].0 < ve {
                    i += 1;
                }
                i += 1;
                continue;
            }
            if start >= pos && !core.contains("://") && core.contains('@') {
                let emails = email_spans(word);
                if !emails.is_empty() {
                    out.push_str(&s[pos..start]);
                    out.push_str(&self.pseudonymize_emails(word));
                    pos = end;
                } else if let Some(target) = ssh_target(core) {
                    let at = start + word.find(target).unwrap_or(0);
                    out.push_str(&s[pos..at]);
                    out.push_str(&self.ids.host(target));
                    pos = at + target.len();
                }
            }
            i += 1;
        }
        out.push_str(&s[pos..]);
        out
    }

    /// A key file path (`gateway.remote.sshIdentity`): its dir recorded like any path (home aliased); a file name
    /// other than ssh's defaults (`id_ed25519`, …) often names its owner or host, and becomes a pseudonym.
    fn key_file(&mut self, s: &str) -> Option<String> {
        const DEFAULT_KEYS: &[&str] = &[
            "id_rsa",
            "id_dsa",
            "id_ecdsa",
            "id_ed25519",
            "id_ecdsa_sk",
            "id_ed25519_sk",
        ];
        let (dir, name) = s.split_at(s.rfind('/').map_or(0, |i| i + 1));
        let out_dir = self.alias_text(dir).unwrap_or_else(|| dir.to_string());
        let out_name = if DEFAULT_KEYS.contains(&name.strip_suffix(".pub").unwrap_or(name)) {
            name.to_string()
        } else {
            self.ids.entry(Context::Generic, name)
        };
        let out = format!("{out_dir}{out_name}");
        (out != s).then_some(out)
    }

    /// Free text (a command line in exec approvals, an install spec): each secret embedded in it replaced by its
    /// marker in place, token by token, so the words around it (the command, its path, a version) stay as the
    /// checks read them: credential-shaped tokens, the value after `Authorization:`, `Bearer`/`Basic`, a
    /// secret-named flag or header (`--token x`, `--api-key=x`, `X-Api-Key: x`) or `-u user:`, and URL userinfo
    /// passwords. Phone numbers (`+` and 7 to 15 digits) become pseudonyms; home paths take the alias. `None`:
    /// nothing to change. `${…}` in a token is a shell variable, not a secret: kept.
    pub fn redact_free_text(&mut self, s: &str) -> Option<String> {
        self.free_text_from(s, FreeState::default()).0
    }

    /// [`Self::redact_free_text`] of a text that continues a command line in `state` (an element of `args`), and
    /// the state after it.
    fn free_text_from(&mut self, s: &str, mut state: FreeState) -> (Option<String>, FreeState) {
        if !self.enabled {
            return (self.alias_text(s), state);
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (_, core_start, core_end) in word_cores(s) {
            let core = &s[core_start..core_end];
            let (action, then) = state.step(core);
            state = then;
            let (from, replacement) = match action {
                Action::Keep => (0, None),
                Action::Secret(from) => (from, self.changed_secret(&core[from..])),
                Action::Inspect => (0, self.inspect_word(core)),
            };
            if let Some(r) = replacement {
                out.push_str(&s[pos..core_start + from]);
                out.push_str(&r);
                pos = core_end;
            }
        }
        out.push_str(&s[pos..]);
        let out = self.free_text_identities(&out);
        let out = self.alias_text(&out).unwrap_or(out);
        ((out != s).then_some(out), state)
    }

    /// A word of free text no flag before it speaks for: a URL's secrets and user, a phone number.
    fn inspect_word(&mut self, core: &str) -> Option<String> {
        let url = self.redact_url_secrets(core);
        let user = url_user_span(url.as_deref().unwrap_or(core));
        if let Some((start, end)) = user {
            let text = url.as_deref().unwrap_or(core);
            let p = self.ids.entry(Context::Generic, &text[start..end]);
            let r = format!("{}{p}{}", &text[..start], &text[end..]);
            return (r != core).then_some(r);
        }
        if url.is_some() {
            return url;
        }
        if is_phone_number(core) {
            let p = self.ids.entry(Context::Signal, core);
            return (p != core).then_some(p);
        }
        None
    }

    fn changed_secret(&mut self, value: &str) -> Option<String> {
        let r = self.secret(value);
        (r != value).then_some(r)
    }

    /// The replacement for a string at `keys` as far as secrets go (the whole string, or the secrets of a URL in
    /// it), or `None` to keep it.
    pub fn redact_string(&mut self, keys: &[String], s: &str) -> Option<String> {
        if !self.enabled {
            return None;
        }
        if self.whole_secret(keys, s) {
            return self.changed_secret(s);
        }
        self.redact_url_secrets(s)
    }

    /// The secrets of a URL, each replaced by its marker in place so the URL keeps its shape: the password of
    /// `scheme://user:password@`, and the value of each query or fragment parameter with a secret-ish name
    /// (`?token=`, `&api_key=`, `X-Amz-Signature=`, `#access_token=`) or a credential shape. `None`: none.
    fn redact_url_secrets(&mut self, s: &str) -> Option<String> {
        let mut edits: Vec<(usize, usize)> = Vec::new();
        if let Some(scheme_end) = s.find("://") {
            let start = scheme_end + 3;
            let rest = &s[start..];
            let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
            if let Some(at) = authority.rfind('@') {
                if let Some(colon) = authority[..at].find(':') {
                    edits.push((start + colon + 1, start + at));
                }
            }
        }
        // Tokens in the path (`discord.com/api/webhooks/<id>/<token>`, `hooks.slack.com/services/T…/B…/<token>`,
        // a bot webhook path): the host, the scheme and the other segments are kept.
        if let (Some(scheme_end), false) = (s.find("://"), s.contains(char::is_whitespace)) {
            let start = scheme_end + 3;
            let end = s[start..].find(['?', '#']).map_or(s.len(), |i| start + i);
            if let Some(slash) = s[start..end].find('/') {
                let host = s[start..start + slash].to_ascii_lowercase();
                let mut at = start + slash + 1;
                let mut prev: Vec<&str> = Vec::new();
                for seg in s[at..end].split('/') {
                    let webhook = (host.ends_with("hooks.slack.com")
                        && prev.first() == Some(&"services"))
                        || (prev.len() >= 2
                            && prev[prev.len() - 2] == "webhooks"
                            && prev[prev.len() - 1].bytes().all(|b| b.is_ascii_digit()));
                    if !seg.is_empty() && (webhook && seg.len() >= 8 || is_path_token(seg)) {
                        edits.push((at, at + seg.len()));
                    }
                    at += seg.len() + 1;
                    prev.push(seg);
                }
            }
        }
        // Only in a URL: `?` and `#` mean other things in other text (a regex, a channel name).
        if s.contains("://") && !s.contains(char::is_whitespace) {
            if let Some(q) = s.find(['?', '#']) {
                let mut at = q + 1;
                for param in s[q + 1..].split(['&', ';', '#', '?']) {
                    if let Some((name, value)) = param.split_once('=') {
                        if !value.is_empty()
                            && (is_secret_query_name(name) || looks_like_secret_value(value))
                        {
                            let v = at + name.len() + 1;
                            edits.push((v, v + value.len()));
                        }
                    }
                    at += param.len() + 1;
                }
            }
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (a, b) in edits {
            let value = &s[a..b];
            if value.is_empty() || a < pos {
                continue;
            }
            out.push_str(&s[pos..a]);
            out.push_str(&self.secret(value));
            pos = b;
        }
        out.push_str(&s[pos..]);
        (out != s).then_some(out)
    }
}

/// A URL path segment that is a credential: credential-shaped, or a long run of token characters mixing letters
/// and digits (or upper- and lower-case letters) that no route name looks like.
fn is_path_token(seg: &str) -> bool {
    if looks_like_secret_value(seg) {
        return true;
    }
    if seg.len() < 16
        || !seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return false;
    }
    let digit = seg.bytes().any(|b| b.is_ascii_digit());
    let upper = seg.bytes().any(|b| b.is_ascii_uppercase());
    let lower = seg.bytes().any(|b| b.is_ascii_lowercase());
    // Digits with letters, all capitals, or a long mixed-case run.
    (digit && lower) || (upper && !lower) || (upper && seg.len() >= 24)
}

/// Where a command line stands in free text: what the previous word said about the next one, and the program
/// being run (some take a password in a flag of their own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct FreeState {
    next: Next,
    program: Program,
}

/// Programs whose password flags the generic rules do not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Program {
    #[default]
    Other,
    /// `sshpass -p PASSWORD` (also `-pPASSWORD`).
    Sshpass,
    /// `mysql -pPASSWORD` (attached only: `-p NAME` asks for the password and names a database).
    Mysql,
}

/// What to do with one word of free text.
enum Action {
    Keep,
    /// The word from this byte offset is a secret.
    Secret(usize),
    /// Look at the word itself (a URL, a phone number).
    Inspect,
}

impl FreeState {
    /// The state after the words of `s`.
    fn after(s: &str) -> FreeState {
        word_cores(s)
            .into_iter()
            .fold(FreeState::default(), |st, (_, a, b)| st.step(&s[a..b]).1)
    }

    /// Judge one word (quotes stripped): what to do with it, and the state for the next word.
    fn step(self, core: &str) -> (Action, FreeState) {
        if core.is_empty() {
            return (Action::Keep, self);
        }
        let program = match core.rsplit('/').next().unwrap_or(core) {
            "sshpass" => Program::Sshpass,
            "mysql" | "mysqldump" | "mysqladmin" | "mysqlimport" | "mysqlshow" | "mysqlcheck"
            | "mariadb" | "mariadb-dump" => Program::Mysql,
            "|" | "||" | "&&" | ";" => Program::Other,
            _ => self.program,
        };
        let then = |next| FreeState { next, program };
        let lower = core.to_ascii_lowercase();
        if matches!(lower.as_str(), "bearer" | "basic") {
            return (Action::Keep, then(Next::Secret));
        }
        match self.next {
            Next::Secret => return (Action::Secret(0), then(Next::Plain)),
            Next::UserPassword if core.contains(':') && !core.contains("://") => {
                let colon = core.find(':').unwrap_or_default();
                return (Action::Secret(colon + 1), then(Next::Plain));
            }
            Next::UserPassword | Next::Plain => {}
        }
        if looks_like_secret_value(core) || looks_like_marker(core) {
            return (Action::Secret(0), then(Next::Plain));
        }
        if matches!(core, "-u" | "--user") {
            return (Action::Keep, then(Next::UserPassword));
        }
        match (program, core.strip_prefix("-p")) {
            (Program::Sshpass, Some("")) => return (Action::Keep, then(Next::Secret)),
            (Program::Sshpass | Program::Mysql, Some(p)) if !p.is_empty() => {
                return (Action::Secret(2), then(Next::Plain))
            }
            _ => {}
        }
        // `name=value`, `name:value`, `--name value`, `Header: value`.
        if let Some(i) = core.find(['=', ':']) {
            let (name, value) = (&core[..i], &core[i + 1..]);
            if !value.starts_with("//") && is_secret_key(name.trim_start_matches('-')) {
                // `KEY="value"`: the quote is not part of the value.
                let value = value.trim_start_matches(QUOTES);
                let v = value.to_ascii_lowercase();
                if value.is_empty() || v == "bearer" || v == "basic" {
                    return (Action::Keep, then(Next::Secret));
                }
                return (Action::Secret(core.len() - value.len()), then(Next::Plain));
            }
        } else if core.starts_with('-') && is_secret_key(core.trim_start_matches('-')) {
            return (Action::Keep, then(Next::Secret));
        }
        (Action::Inspect, then(Next::Plain))
    }
}

/// A comment as recorded: its words gone, its delimiters and line breaks kept, so every line of code keeps its
/// number, and the code after a block comment its column (the comment's last line keeps its length in chars). A
/// comment with text says ` redacted` where that fits. `None`: nothing to hide (an empty or blank comment).
fn redacted_comment(c: &str) -> Option<String> {
    const LABEL: &str = " redacted";
    let is_break = |ch: char| matches!(ch, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    if let Some(body) = c.strip_prefix("//") {
        return (!body.trim().is_empty()).then(|| format!("//{LABEL}"));
    }
    let body = c.strip_prefix("/*")?;
    let (body, close) = match body.strip_suffix("*/") {
        Some(b) => (b, "*/"),
        None => (body, ""),
    };
    if body.chars().all(|ch| ch.is_whitespace()) {
        return None;
    }
    // Lines of the body, each with the break that ends it (the last has none).
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut width = 0;
    for ch in body.chars() {
        if is_break(ch) {
            lines.push((width, ch.to_string()));
            width = 0;
        } else {
            width += 1;
        }
    }
    let last = width;
    let mut out = String::from("/*");
    let single = lines.is_empty();
    for (i, (w, brk)) in lines.iter().enumerate() {
        // A line that ends before the comment does keeps no trailing blanks (no column after it to keep).
        if i == 0 && !brk.is_empty() && *w > 0 {
            out.push_str(LABEL);
        }
        out.push_str(brk);
    }
    if single && last > LABEL.len() {
        out.push_str(LABEL);
        out.push_str(&" ".repeat(last - LABEL.len()));
    } else {
        out.push_str(&" ".repeat(last));
    }
    out.push_str(close);
    Some(out)
}

/// The length of the prefix of `text` that names the absolute dir `dir`, allowing `//` and `/./` where `dir` has
/// a `/` (a path written by hand: `/home//alice/ws`, `/home/./alice/dev`).
fn dir_prefix_len(text: &str, dir: &str) -> Option<usize> {
    let t = text.as_bytes();
    if !text.starts_with('/') {
        return None;
    }
    let mut n = 0;
    for (i, comp) in dir.split('/').filter(|c| !c.is_empty()).enumerate() {
        if t.get(n) != Some(&b'/') {
            return None;
        }
        // (Before the first component, one `/`: `unix:///home/alice` keeps its `//`.)
        if i == 0 {
            n += 1;
        } else {
            loop {
                match (t.get(n), t.get(n + 1)) {
                    (Some(b'/'), _) => n += 1,
                    (Some(b'.'), Some(b'/')) => n += 2,
                    _ => break,
                }
            }
        }
        if !text[n..].starts_with(comp) {
            return None;
        }
        n += comp.len();
    }
    Some(n)
}

/// What a word of free text says about the next one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Next {
    #[default]
    Plain,
    /// After `Bearer`, `Authorization:`, `--token`: the next word is a secret.
    Secret,
    /// After `-u` / `--user`: the next word is `user:password`.
    UserPassword,
}

/// Characters stripped around a word of free text before it is judged (quotes, brackets, separators).
const QUOTES: &[char] = &['\'', '"', '`', '(', ')', '[', ']', ',', ';'];

/// Each whitespace-separated word of `s`: `(start, start of its core, end of its core)`, the core being the word
/// without the quotes and brackets around it.
fn word_cores(s: &str) -> Vec<(usize, usize, usize)> {
    word_spans(s)
        .into_iter()
        .map(|(start, end)| {
            let word = &s[start..end];
            let core_start = start + word.len() - word.trim_start_matches(QUOTES).len();
            let core_end = (start + word.trim_end_matches(QUOTES).len()).max(core_start);
            (start, core_start, core_end)
        })
        .collect()
}

/// Byte spans of the whitespace-separated words of `s`.
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// The byte span of the user name in a URL's userinfo (`scheme://USER[:password]@host`), when there is one.
fn url_user_span(s: &str) -> Option<(usize, usize)> {
    let start = s.find("://")? + 3;
    let rest = &s[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let user = &userinfo[..userinfo.find(':').unwrap_or(userinfo.len())];
    (!user.is_empty() && !user.contains("${")).then_some((start, start + user.len()))
}

/// Flags (without `--`) whose value names a person or a chat: `--chat-id 123`, `--author='A <a@b.example>'`.
fn is_identity_flag(name: &str) -> bool {
    matches!(
        normalize_key(name).as_str(),
        "author"
            | "committer"
            | "email"
            | "mail"
            | "chat"
            | "chatid"
            | "userid"
            | "peer"
            | "peerid"
            | "groupid"
            | "channelid"
            | "guildid"
            | "recipient"
            | "to"
            | "phone"
            | "account"
            | "owner"
    )
}

/// Byte spans of the e-mail addresses in `s`: a local part of `[A-Za-z0-9._%+-]`, `@`, a domain of two labels
/// or more whose last has a letter and whose first is not all digits (`pkg@1.2.3-rc.abc` is a package spec).
pub fn email_spans(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let mut out = Vec::new();
    let mut from = 0;
    for (at, _) in s.match_indices('@') {
        if at < from {
            continue;
        }
        let mut start = at;
        while start > from && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let d = &s[at + 1..end];
        let labels: Vec<&str> = d.split('.').collect();
        let ok = start < at
            && labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty())
            && labels
                .last()
                .is_some_and(|l| l.bytes().any(|c| c.is_ascii_alphabetic()))
            && !labels[0].bytes().all(|c| c.is_ascii_digit());
        if ok {
            out.push((start, end));
            from = end;
        }
    }
    out
}

/// `user@host` (optionally `:path` or `:port`) where the host is an IP address or a dotted name with a letter in
/// its last label: an ssh or scp target. Returns the `user@host` part. Never a package spec (`pkg@1.2.3`).
fn ssh_target(word: &str) -> Option<&str> {
    let word = word.trim_matches(|c| matches!(c, '<' | '>'));
    let (user, rest) = word.split_once('@')?;
    let host = rest.split(':').next().unwrap_or(rest);
    let user_ok = !user.is_empty()
        && user
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c));
    let labels: Vec<&str> = host.split('.').collect();
    let host_ok = host.parse::<std::net::IpAddr>().is_ok()
        || (labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            })
            && labels
                .last()
                .is_some_and(|l| l.bytes().any(|c| c.is_ascii_alphabetic())));
    (user_ok && host_ok).then(|| &word[..user.len() + 1 + host.len()])
}

/// `+` and 7 to 15 digits: an E.164 phone number.
fn is_phone_number(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Keys whose values (strings, or lists of them) are identities wherever they are.
const IDENTITY_LIST_KEYS: &[&str] = &[
    "allowFrom",
    "groupAllowFrom",
    "allowUsers",
    "allowedUsers",
    "ownerAllowFrom",
];

/// Keys inside a `channels.<id>` section whose values are identities (a member list, the bot's own number,
/// nick or address, a default recipient).
const CHANNEL_IDENTITY_KEYS: &[&str] = &[
    "users",
    "roles",
    "nick",
    "username",
    "realname",
    "email",
    "phone",
    "phoneNumber",
    "defaultTo",
    // Matrix's user id, IRC's NickServ e-mail, Google Chat's bot user, Tlon's ships, Discord voice
    // `autoJoin` / `allowedChannels` ids, the Microsoft Teams tenant.
    "userId",
    "registerEmail",
    "botUser",
    "dmAllowlist",
    "ownerShip",
    "guildId",
    "channelId",
    "tenantId",
    // Discord and Slack group DMs allowed (`dm.groupChannels`), exec-approval approvers (by user id).
    "groupChannels",
    "approvers",
];

/// Maps inside a `channels.<id>` section keyed by chat, group, guild, room, topic or user ids.
const CHANNEL_ID_MAPS: &[&str] = &[
    "groups", "guilds", "channels", "rooms", "topics", "teams", "users", "dms", "chats", "peers",
];

/// The channel context of a config key path under `channels.<id>`.
fn channel_context(keys: &[String]) -> Option<Context> {
    (keys.len() >= 2 && keys[0] == "channels").then(|| Context::of_channel(&keys[1]))
}

/// Is a value (string or number) of this document at `keys` an identity, and in which channel's terms?
pub fn identity_context(doc: &Doc, keys: &[String]) -> Option<Context> {
    let keys = match doc {
        Doc::Config(_) => keys,
        Doc::Pairing(ctx) => return (keys.len() == 1 && keys[0] == "allowFrom").then_some(*ctx),
        Doc::Package => {
            return is_package_person(keys, &["name", "email"]).then_some(Context::Generic)
        }
        Doc::Other => return None,
    };
    let last = keys.last()?.as_str();
    let n = keys.len();
    // An `$include` path is never an identity, wherever it is mounted.
    if last == "$include" {
        return None;
    }
    let k: Vec<&str> = keys.iter().map(String::as_str).collect();
    match k.as_slice() {
        // Recipients, accounts and ids outside `channels`.
        ["bindings", "match", "guildId" | "teamId" | "roles"]
        | ["hooks", "gmail", "account"]
        | ["hooks", "mappings", "to"]
        | ["approvals", "exec" | "plugin", "targets", "to"]
        | ["cron", "failureDestination", "to"]
        | ["accessGroups", _, "guildId" | "channelId"]
        | ["auth", "profiles", _, "email" | "displayName"]
        // A node id or display name ("Alice's MacBook").
        | ["gateway", "nodes", "browser", "node"] => return Some(Context::Generic),
        ["accessGroups", _, "members", channel] => return Some(Context::of_channel(channel)),
        ["auth", "order", _] => return Some(Context::AuthProfile),
        _ => {}
    }
    // `tools.elevated.allowFrom.<provider>` (also per agent): in the provider's terms.
    if n >= 3 && keys[n - 2] == "allowFrom" && keys[n - 3] == "elevated" {
        return Some(Context::of_channel(last));
    }
    let channel = channel_context(keys);
    if IDENTITY_LIST_KEYS.contains(&last) {
        return Some(channel.unwrap_or(Context::Generic));
    }
    if let Some(ctx) = channel {
        if CHANNEL_IDENTITY_KEYS.contains(&last) || (last == "account" && ctx == Context::Signal) {
            return Some(ctx);
        }
    }
    // `bindings[].match.peer.id`, `session.identityLinks.<person>[]`, heartbeat recipients.
    if (n >= 2 && keys[n - 2] == "peer" && last == "id")
        || (n == 3 && keys[0] == "session" && keys[1] == "identityLinks")
        || (last == "to" && keys.iter().any(|k| k == "heartbeat"))
    {
        return Some(Context::Generic);
    }
    None
}

/// Host names and addresses the checks read only properties of (wildcard, loopback, non-empty).
/// Also `user@host` (`gateway.remote.sshTarget`, iMessage's `remoteHost`): the user becomes a name pseudonym.
fn is_host_position(doc: &Doc, keys: &[String]) -> bool {
    match doc {
        Doc::Config(_) => {}
        Doc::Package => return is_package_person(keys, &["url"]),
        _ => return false,
    }
    let k: Vec<&str> = keys.iter().map(String::as_str).collect();
    matches!(
        k.as_slice(),
        ["gateway", "controlUi", "allowedOrigins"]
            | ["gateway", "remote", "url" | "sshTarget"]
            | ["gateway", "trustedProxies"]
            | ["gateway", "customBindHost"]
            | ["gateway", "nodes", "pairing", "autoApproveCidrs"]
            | ["discovery", "wideArea", "domain"]
    ) || (channel_context(keys).is_some() && k.last() == Some(&"remoteHost"))
}

/// A key file path whose file name may name its owner (`gateway.remote.sshIdentity`).
fn is_key_file_position(doc: &Doc, keys: &[String]) -> bool {
    matches!(doc, Doc::Config(_)) && keys == ["gateway", "remote", "sshIdentity"]
}

/// A person of a `package.json` (`author`, `contributors[]`, `maintainers[]`): the string form (`"Name <e-mail>
/// (url)"`) when `fields` has `name`, else one of `fields` of the object form. No check reads them.
fn is_package_person(keys: &[String], fields: &[&str]) -> bool {
    let person = |k: &String| matches!(k.as_str(), "author" | "contributors" | "maintainers");
    match keys {
        [k] => person(k) && fields.contains(&"name"),
        [k, f] => person(k) && fields.contains(&f.as_str()),
        _ => false,
    }
}

/// Are the member keys of the object at `keys` identities (chat or group ids, people), and in which terms?
/// (Account names, `channels.<id>.accounts.<name>`, are not: findings are about them.)
pub fn identity_key_context(doc: &Doc, keys: &[String]) -> Option<Context> {
    let Doc::Config(_) = doc else { return None };
    let n = keys.len();
    if n >= 3 && CHANNEL_ID_MAPS.contains(&keys[n - 1].as_str()) {
        return channel_context(keys);
    }
    let k: Vec<&str> = keys.iter().map(String::as_str).collect();
    match k.as_slice() {
        // Identity links by person; broadcast groups by peer (WhatsApp `…@g.us` and the like).
        ["session", "identityLinks"] | ["broadcast"] => Some(Context::Generic),
        ["auth", "profiles"] => Some(Context::AuthProfile),
        _ => None,
    }
}

/// The context a member key `key` of the object at `keys` is pseudonymized in, if it is. Never an `$include`
/// (the snapshot must still load it) nor a reserved key of an id map (`broadcast.strategy`).
fn renamed_key_context(doc: &Doc, keys: &[String], key: &str) -> Option<Context> {
    if key == "$include" || (keys == ["broadcast"] && key == "strategy") {
        return None;
    }
    identity_key_context(doc, keys)
}

/// Does a capture record this member key (`is_key`) or string value of a config text mounted at `doc`, at
/// `keys` (the key included), as it is written? Not identities, hosts, key file names, secrets: those are
/// recorded changed (and so are the e-mails of an `id`, and credential-shaped values: see [`Redactor::ref_id`]).
pub fn is_recorded_as_written(doc: &Doc, keys: &[String], is_key: bool) -> bool {
    let Some((last, parent)) = keys.split_last() else {
        return false;
    };
    if is_key {
        return renamed_key_context(doc, parent, last).is_none();
    }
    matches!(doc, Doc::Config(_))
        && identity_context(doc, keys).is_none()
        && !is_host_position(doc, keys)
        && !is_key_file_position(doc, keys)
        && !is_secret_path(keys)
}

/// Where a `${VAR}` reference stands in an identity or host position of a config text mounted at `doc`: the
/// variable's value is then an identity, pseudonymized in that position's terms (`None`: a host position).
/// A value used whole (`"${OWNER}"`) and one spliced into a longer string (`"tg:${OWNER}"`) both count.
pub fn env_identity_positions(
    text: &str,
    doc: &Doc,
) -> std::collections::BTreeMap<String, Option<Context>> {
    fn walk(
        node: &Node,
        keys: &mut Vec<String>,
        doc: &Doc,
        out: &mut std::collections::BTreeMap<String, Option<Context>>,
    ) {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    if let Some(ctx) = renamed_key_context(doc, keys, &m.key) {
                        for name in crate::config::env::env_references(&m.key) {
                            out.entry(name).or_insert(Some(ctx));
                        }
                    }
                    keys.push(m.key.clone());
                    walk(&m.value, keys, doc, out);
                    keys.pop();
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, keys, doc, out)),
            Value::String(s) => {
                let ctx = match identity_context(doc, keys) {
                    Some(ctx) => Some(ctx),
                    None if is_host_position(doc, keys) => None,
                    None => return,
                };
                for name in crate::config::env::env_references(s) {
                    out.entry(name).or_insert(ctx);
                }
            }
            _ => {}
        }
    }
    let mut out = Default::default();
    if let Ok(root) = json5::parse(text) {
        let mut keys = match doc {
            Doc::Config(prefix) => prefix.clone(),
            _ => Vec::new(),
        };
        walk(&root, &mut keys, doc, &mut out);
    }
    out
}

/// Environment variables a config text mounted at `doc` references (`${VAR}`), split by where: `(in secret
/// positions, elsewhere)`. A reference where redaction sees a secret makes the variable's value a secret: under a
/// secret key (or an `env`/`headers` object, also when that object is the include's mount point), in a URL's
/// password or `?token=`, after `--token` in a command line.
pub fn env_reference_positions(
    text: &str,
    doc: &Doc,
) -> (
    std::collections::BTreeSet<String>,
    std::collections::BTreeSet<String>,
) {
    fn walk(
        node: &Node,
        keys: &mut Vec<String>,
        out: &mut (
            std::collections::BTreeSet<String>,
            std::collections::BTreeSet<String>,
        ),
    ) {
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    keys.push(m.key.clone());
                    walk(&m.value, keys, out);
                    keys.pop();
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, keys, out)),
            Value::String(s) if !is_secret_path(keys) => {
                out.1.extend(crate::config::env::env_references(s));
            }
            _ => {}
        }
    }
    let mut out: (BTreeSet<String>, BTreeSet<String>) = Default::default();
    if let Ok(root) = json5::parse(text) {
        let mut keys = match doc {
            Doc::Config(prefix) => prefix.clone(),
            _ => Vec::new(),
        };
        walk(&root, &mut keys, &mut out);
        // Where the references are secrets: wherever redaction met them.
        let mut scratch = Redactor::new();
        scratch.redact_doc(text, doc);
        out.0 = scratch.secret_refs;
    }
    out
}

/// May the value of a variable that the config references only in non-secret positions be kept as it is? Only
/// short words and numbers (`lan`, `full`, `18789`) and paths: never a credential shape, never anything long
/// enough to be a token.
pub fn plain_env_value(value: &str) -> bool {
    let t = js_trim(value);
    if looks_like_secret_value(t) || t.contains("://") {
        return false;
    }
    let is_path = t.starts_with('/') || t.starts_with("~/") || t.starts_with("./");
    let simple = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._:-/~+@,".contains(c));
    simple && (t.len() <= 16 || (is_path && t.len() <= 4096))
}

/// Keys (normalized: lower-case, `_` and `-` removed) whose string values are secrets.
const SECRET_KEY_PARTS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "secret",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
    "cookie",
    "authorization",
    "passphrase",
    "signingkey",
    "encryptkey",
    "encryptionkey",
];

/// Key endings that name a reference to a secret, not the secret (a file path, an env var name, a policy).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "file", "path", "dir", "env", "ref", "id", "mode", "policy", "source", "provider", "tokens",
    "limit", "header", "enabled", "url", "command",
];

fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Is a string at this key path a secret? Any value under an `env` or `headers` object is; otherwise the last key
/// decides.
pub fn is_secret_path(keys: &[String]) -> bool {
    let Some(last) = keys.last() else {
        return false;
    };
    // An `$include` path (under `env` too) names a file the snapshot loads again.
    if last == "$include" {
        return false;
    }
    if keys[..keys.len() - 1]
        .iter()
        .any(|k| matches!(normalize_key(k).as_str(), "env" | "headers"))
    {
        return true;
    }
    is_secret_key(last)
}

pub fn is_secret_key(key: &str) -> bool {
    let k = normalize_key(key);
    // Google Chat's service account inline as a JSON string (its private key, its client e-mail).
    if k == "key" || k == "serviceaccount" {
        return true;
    }
    if NOT_SECRET_SUFFIXES.iter().any(|s| k.ends_with(s)) {
        return false;
    }
    SECRET_KEY_PARTS.iter().any(|p| k.contains(p))
}

/// Numbers under a secret-looking key that are settings, not secrets (`reserveTokensFloor`, `tokenTtlMs`).
fn is_numeric_setting(keys: &[String]) -> bool {
    const SUFFIXES: &[&str] = &[
        "floor", "ttl", "ms", "seconds", "minutes", "hours", "days", "count", "length", "size",
        "max", "min", "timeout", "port", "retries", "bytes",
    ];
    let k = normalize_key(keys.last().map_or("", String::as_str));
    k.contains("tokens") || SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// A URL query or fragment parameter whose value is a secret (besides the secret-named keys of the config):
/// signatures of presigned URLs, OAuth codes, sessions.
fn is_secret_query_name(name: &str) -> bool {
    let k = normalize_key(name);
    is_secret_key(name)
        || k.contains("signature")
        || k.contains("session")
        || matches!(
            k.as_str(),
            "sig" | "auth" | "code" | "jwt" | "sid" | "pass" | "pwd"
        )
}

/// Command lines of the config: a `command` string or array and an `args` array (an exec secret provider's
/// arguments, an MCP server's), judged as free text.
fn is_command_position(doc: &Doc, keys: &[String]) -> bool {
    matches!(doc, Doc::Config(_))
        && keys
            .last()
            .is_some_and(|k| matches!(k.as_str(), "command" | "args"))
}

/// Well-known credential shapes, redacted wherever they appear.
pub fn looks_like_secret_value(s: &str) -> bool {
    let t = js_trim(s);
    const PREFIXES: &[&str] = &[
        "sk-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xapp-",
        "AKIA",
        "ASIA",
        "AIza",
        "ya29.",
        "hf_",
        "gsk_",
        "pplx-",
        "BSA",
    ];
    if t.len() >= 16
        && PREFIXES.iter().any(|p| t.starts_with(p))
        && !t.contains(char::is_whitespace)
    {
        return true;
    }
    // JWTs and Telegram bot tokens (digits ':' 35 url-safe characters).
    if t.starts_with("eyJ") && t.matches('.').count() == 2 && t.len() > 30 {
        return true;
    }
    if let Some((id, rest)) = t.split_once(':') {
        if (6..=12).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_digit())
            && rest.len() >= 30
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::secret::Str;
    use super::*;

    #[test]
    fn secret_keys() {
        for k in [
            "token",
            "botToken",
            "apiKey",
            "api_key",
            "password",
            "clientSecret",
            "key",
            "OPENAI_API_KEY",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "tokenFile",
            "passwordFile",
            "maxTokens",
            "defaultSessionKey",
            "dmPolicy",
            "keyRef",
            "mode",
            "userHeader",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn env_and_headers_values_are_secret() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_secret_path(&p(&["env", "vars", "ANYTHING"])));
        assert!(is_secret_path(&p(&[
            "models",
            "providers",
            "x",
            "headers",
            "X-Custom"
        ])));
        assert!(!is_secret_path(&p(&["gateway", "bind"])));
    }

    #[test]
    fn url_password_is_replaced_in_place() {
        let mut r = Redactor::new();
        let out = r
            .redact_string(&["url".into()], "https://bob:hunter22@example.com/x")
            .unwrap();
        assert!(
            out.starts_with("https://bob:<<clawprint:secret c=1 len=8 trim=8>>@example.com/x"),
            "{out}"
        );
        assert!(!out.contains("hunter22"));
    }

    #[test]
    fn equal_secrets_share_a_class_and_placeholders_stay() {
        let mut r = Redactor::new();
        let a = r.secret("abc");
        let b = r.secret(" abc ");
        let c = r.secret("xyz");
        assert_eq!(
            Marker::parse(&a).unwrap().class,
            Marker::parse(&b).unwrap().class
        );
        assert_ne!(
            Marker::parse(&a).unwrap().class,
            Marker::parse(&c).unwrap().class
        );
        assert_eq!(r.secret(""), "");
        assert_eq!(r.secret("${GATEWAY_TOKEN}"), "${GATEWAY_TOKEN}");
    }

    #[test]
    fn json5_text_keeps_comments_and_layout() {
        let text = "{\n  // the gateway\n  gateway: { auth: { token: 'sekrit-value-123', mode: 'token' } },\n}\n";
        let mut r = Redactor::new();
        let out = r.redact_json5(text).unwrap();
        assert!(!out.contains("sekrit"));
        assert!(out.contains("// redacted\n"), "{out}");
        assert!(out.contains("mode: 'token'"));
        assert!(
            out.contains("\"<<clawprint:secret c=1 len=16 trim=16>>\""),
            "{out}"
        );
    }

    fn pseudonymizing() -> Redactor {
        Redactor::new()
            .with_identities(Pseudonymizer::new())
            .with_home_alias("/home/alice", "/home/user")
    }

    #[test]
    fn identities_in_config_positions_are_pseudonymized() {
        let text = r##"{
  // owners
  channels: {
    telegram: { allowFrom: ["tg:987654321", 987654321, "*"], groups: { "-1001234567890": { allowFrom: [" @alice "] }, "*": {} } },
    signal: { account: "+15551234567", allowFrom: ["+1 555 123 4567"] },
    discord: { guilds: { "123456789012345678": { users: ["bob#1234"], channels: { "general": {} } } } },
    irc: { nick: "alicebot", groups: { "#team": {} } },
  },
  tools: { elevated: { allowFrom: { telegram: ["987654321"] } } },
  gateway: { auth: { trustedProxy: { allowUsers: ["alice@corp.example.com"] } } },
  session: { identityLinks: { alice: ["telegram:987654321"] } },
  bindings: [{ agentId: "main", match: { channel: "telegram", peer: { kind: "dm", id: "987654321" } } }],
  agents: { defaults: { workspace: "/home/alice/work", model: "alice" } },
}"##;
        let mut r = pseudonymizing();
        let out = r.redact_doc(text, &Doc::Config(Vec::new())).unwrap();
        for gone in [
            "987654321",
            "1234567890",
            "alice",
            "5551234567",
            "555 123 4567",
            "bob",
            "general",
            "team",
        ] {
            // `model: "alice"` is not an identity position: kept.
            let kept = out.matches(gone).count();
            assert_eq!(kept, usize::from(gone == "alice"), "{gone} in {out}");
        }
        assert!(out.contains("// redacted"), "{out}");
        assert!(
            out.contains(r#"allowFrom: ["tg:100000000", 100000000, "*"]"#),
            "{out}"
        );
        assert!(
            out.contains(r#""-1000000000000": { allowFrom: [" @user1 "] }, "*": {}"#),
            "{out}"
        );
        assert!(
            out.contains(r#"account: "+10000000000", allowFrom: ["+1 000 000 0000"]"#),
            "{out}"
        );
        assert!(out.contains(r#"users: ["user2#1000"]"#), "{out}");
        assert!(out.contains(r#"telegram: ["100000000"]"#), "{out}");
        assert!(
            out.contains(r#"allowUsers: ["user6@example.invalid"]"#),
            "{out}"
        );
        assert!(out.contains(r#"id: "100000000""#), "{out}");
        assert!(out.contains(r#"workspace: "/home/user/work""#), "{out}");
        assert!(out.contains(r#"model: "alice""#), "{out}");
        assert!(json5::parse(&out).is_ok());
    }

    #[test]
    fn include_texts_are_read_at_their_mount_point() {
        let mut r = pseudonymizing();
        let at = |k: &[&str]| Doc::Config(k.iter().map(|s| s.to_string()).collect());
        let inc = r#"{ allowFrom: ["Alice", "alice"], groups: { "-1001": {} } }"#;
        let out = r.redact_doc(inc, &at(&["channels", "irc"])).unwrap();
        assert_eq!(
            out,
            r#"{ allowFrom: ["user1", "User1"], groups: { "-1000": {} } }"#
        );
        // Unmounted, the same text holds no identity position.
        let mut r = pseudonymizing();
        assert_eq!(r.redact_doc(inc, &Doc::Other).unwrap(), inc);
    }

    #[test]
    fn pairing_files_and_disabled_identities() {
        let text = r#"{"version":1,"allowFrom":["signal:+15551234567","*"]}"#;
        let mut r = pseudonymizing();
        assert_eq!(
            r.redact_doc(text, &Doc::Pairing(Context::Signal)).unwrap(),
            r#"{"version":1,"allowFrom":["signal:+10000000000","*"]}"#
        );
        assert_eq!(r.ids.replaced, 1);
        let mut keep = Redactor::new();
        assert_eq!(
            keep.redact_doc(text, &Doc::Pairing(Context::Signal))
                .unwrap(),
            text
        );
    }

    #[test]
    fn secrets_win_over_identities() {
        let mut r = pseudonymizing();
        let out = r
            .redact_doc(r#"{channels: {telegram: {allowFrom: ["ghp_0123456789abcdef0123456789abcdef0123"]}}}"#, &Doc::Config(Vec::new()))
            .unwrap();
        assert!(out.contains("<<clawprint:secret c=1"), "{out}");
        assert_eq!(r.ids.replaced, 0);
    }

    #[test]
    fn home_alias_only_at_path_boundaries() {
        let r = pseudonymizing();
        assert_eq!(r.alias_text("/home/alice").as_deref(), Some("/home/user"));
        assert_eq!(
            r.alias_text("a /home/alice/x:/home/alice b").as_deref(),
            Some("a /home/user/x:/home/user b")
        );
        assert_eq!(r.alias_text("/home/alicex/y"), None);
        assert_eq!(r.alias_text("/home/alice.bak"), None);
        assert_eq!(Redactor::new().alias_text("/home/alice"), None);
    }

    #[test]
    fn resolved_values_are_never_templates() {
        let mut r = Redactor::new();
        // A config text's template is kept; the same shape as a resolved value is a secret.
        assert_eq!(r.secret("${GW_TOKEN}"), "${GW_TOKEN}");
        let m = r.secret_value("Zq9${SALT}x7Lm2pW4rT8vY1nB6");
        let marker = Marker::parse(&m).unwrap();
        assert_eq!(
            (marker.len, marker.env),
            (27, super::super::secret::ENV_REF)
        );
        assert!(Str::of(&m).contains_env_reference());
        assert!(!Str::of(&m).looks_like_env_template());
        let whole = r.secret_value(" ${A} ");
        assert!(Str::of(&whole).looks_like_env_template(), "{whole}");
        // Plain secrets' markers say nothing about templates.
        assert!(!r.secret_value("plainsecret").contains("env="));
    }

    #[test]
    fn free_text_keeps_the_command_and_replaces_embedded_secrets() {
        let mut r = pseudonymizing();
        let cases = [
            (
                "curl -H 'Authorization: Bearer sk-proj-AAAAAAAAAAAAAAAAAAAA' https://api.example.com/v1",
                "curl -H 'Authorization: Bearer <<clawprint:secret c=1 len=28 trim=28>>' https://api.example.com/v1",
            ),
            (
                "curl -H Authorization:ghp_0123456789abcdef0123456789abcdef0123 https://x",
                "curl -H Authorization:<<clawprint:secret c=2 len=40 trim=40>> https://x",
            ),
            (
                "deploy --api-key=k3y0123 --token tok3n -u bob:hunter22 /home/alice/bin/x",
                "deploy --api-key=<<clawprint:secret c=3 len=7 trim=7>> --token <<clawprint:secret c=4 len=5 trim=5>> -u bob:<<clawprint:secret c=5 len=8 trim=8>> /home/user/bin/x",
            ),
            (
                "git clone https://bob:pa55w0rd@git.example/r.git",
                "git clone https://user1:<<clawprint:secret c=6 len=8 trim=8>>@git.example/r.git",
            ),
            (
                "signal-cli -u +15553332222 send -m hi +15556667777",
                "signal-cli -u +10000000000 send -m hi +10000000001",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.redact_free_text(input).as_deref(), Some(want), "{input}");
        }
        // Nothing to change: kept (shell variables too).
        for keep in [
            "/usr/bin/python3",
            "curl -H \"Authorization: Bearer ${TOKEN}\" x",
            "a@1.2.3",
        ] {
            assert_eq!(r.redact_free_text(keep), None, "{keep}");
        }
        // The same token in another string is in the same class.
        assert_eq!(
            r.redact_free_text("x --token=tok3n").as_deref(),
            Some("x --token=<<clawprint:secret c=4 len=5 trim=5>>")
        );
    }

    #[test]
    fn literal_text_around_references_becomes_markers() {
        use crate::config::env::substitute;
        let mut r = Redactor::new();
        let out = r.secret("PFX_${SFX}");
        assert_eq!(out, "<<clawprint:secret c=1 len=4 trim=4>>${SFX}");
        assert_eq!(r.secret(" ${A} ${B} "), " ${A} ${B} ");
        // Escaped references are literal text, written as the loader leaves them.
        assert_eq!(
            r.secret("$${X}y${Z}"),
            "<<clawprint:secret c=2 len=5 trim=5 env=3>>${Z}"
        );
        assert_eq!(
            r.secret_refs.iter().collect::<Vec<_>>(),
            ["A", "B", "SFX", "Z"]
        );
        // The loader joins the markers with what it substitutes, set or not, as it does the raw values.
        for env in [vec![], vec![("SFX", "abcdef")]] {
            let env: std::collections::BTreeMap<String, String> = env
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let mut marked = env.clone();
            let mut keep = Redactor::new();
            for v in marked.values_mut() {
                *v = keep.secret_value(v);
            }
            let raw = substitute("PFX_${SFX}", &env);
            let got = substitute(&out, &marked);
            let m = Marker::parse(&got).unwrap_or_else(|| panic!("{got}"));
            let (a, b) = (Str::of(&raw), Str::Secret(m));
            assert_eq!(a.trim_len(), b.trim_len(), "{raw}");
            assert_eq!(
                (a.contains_env_reference(), a.looks_like_env_template()),
                (b.contains_env_reference(), b.looks_like_env_template())
            );
        }
        // Markers inside other text (a URL's password) are not joined.
        let url = "https://u:<<clawprint:secret c=1 len=4 trim=4>>@h/${P}";
        assert_eq!(substitute(url, &Default::default()), url);
    }

    #[test]
    fn numbers_in_secret_positions_keep_type_and_length() {
        let mut r = Redactor::new();
        let text = "{a: {password: 84726193551, token: -3.5e9, key: 0x7F, other: 84726193551}, b: {token: 84726193551, tokenTtlMs: 5000, maxTokens: 9}, c: {token: NaN}}";
        let out = r.redact_doc(text, &Doc::Config(Vec::new())).unwrap();
        assert_eq!(
            out,
            "{a: {password: 10000000001, token: -1.2e9, key: 0x13, other: 84726193551}, b: {token: 10000000001, tokenTtlMs: 5000, maxTokens: 9}, c: {token: NaN}}"
        );
        assert!(json5::parse(&out).is_ok());
    }

    #[test]
    fn url_secrets_keep_the_url_shape() {
        let mut r = pseudonymizing();
        let doc = Doc::Config(Vec::new());
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let out = r
            .rewrite_string(
                &doc,
                &keys(&["models", "providers", "x", "baseUrl"]),
                "https://bob:pw1@api.example/v1?api_key=K123&x=1#access_token=T9",
            )
            .unwrap();
        assert_eq!(
            out,
            "https://user1:<<clawprint:secret c=1 len=3 trim=3>>@api.example/v1?api_key=<<clawprint:secret c=2 len=4 trim=4>>&x=1#access_token=<<clawprint:secret c=3 len=2 trim=2>>"
        );
        // A host position: the host is pseudonymized too, the token still a marker.
        let out = r
            .rewrite_string(
                &doc,
                &keys(&["gateway", "remote", "url"]),
                "wss://gw.corp.example:18789/?token=abc",
            )
            .unwrap();
        assert!(
            !out.contains("corp") && out.ends_with("?token=<<clawprint:secret c=4 len=3 trim=3>>"),
            "{out}"
        );
        // `$include` values are paths the snapshot loads: never changed, under `env` too.
        assert_eq!(
            r.rewrite_string(
                &doc,
                &keys(&["env", "$include"]),
                "./sk-live-0123456789abcdef.json5"
            ),
            None
        );
        assert_eq!(
            r.rewrite_string(&doc, &keys(&["x", "$include"]), "https://a:b@c/?token=x"),
            None
        );
    }

    #[test]
    fn command_arrays_carry_the_flag_to_the_next_element() {
        let mut r = Redactor::new();
        let text = r#"{p: {command: "sshpass", args: ["-p", "pw1", "ssh", "h"]}, q: {args: ["--token", "t2", "-p", "8080", "--key=${K}"], command: "/usr/bin/op --password pw3"}}"#;
        let out = r.redact_doc(text, &Doc::Config(Vec::new())).unwrap();
        assert_eq!(
            out,
            r#"{p: {command: "sshpass", args: ["-p", "<<clawprint:secret c=1 len=3 trim=3>>", "ssh", "h"]}, q: {args: ["--token", "<<clawprint:secret c=2 len=2 trim=2>>", "-p", "8080", "--key=${K}"], command: "/usr/bin/op --password <<clawprint:secret c=3 len=3 trim=3>>"}}"#
        );
        let (secret, _) = env_reference_positions(text, &Doc::Config(Vec::new()));
        assert_eq!(secret.into_iter().collect::<Vec<_>>(), ["K"]);
    }

    #[test]
    fn free_text_password_flags_and_quotes() {
        let mut r = Redactor::new();
        for (input, want) in [
            (
                "sshpass -pPW1 ssh h",
                "sshpass -p<<clawprint:secret c=1 len=3 trim=3>> ssh h",
            ),
            ("mysql -p db && ls -pX", "mysql -p db && ls -pX"),
            (
                "/usr/bin/mysqldump -pPW2 db",
                "/usr/bin/mysqldump -p<<clawprint:secret c=2 len=3 trim=3>> db",
            ),
            (
                "KEY='abc' x",
                "KEY='<<clawprint:secret c=3 len=3 trim=3>>' x",
            ),
            (
                "curl https://h/x?sig=S1&a=1",
                "curl https://h/x?sig=<<clawprint:secret c=4 len=2 trim=2>>&a=1",
            ),
        ] {
            assert_eq!(
                r.redact_free_text(input).as_deref().unwrap_or(input),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn other_documents_get_free_text_redaction() {
        let mut r = Redactor::new();
        let text = r#"{"version":1,"agents":{"main":{"allowlist":[{"pattern":"/usr/bin/curl","lastUsedCommand":"curl -H 'Authorization: Bearer sk-proj-AAAAAAAAAAAAAAAAAAAA' x"}]}}}"#;
        let out = r.redact_doc(text, &Doc::Other).unwrap();
        assert!(!out.contains("sk-proj"), "{out}");
        assert!(out.contains(r#""pattern":"/usr/bin/curl""#), "{out}");
        // Config texts keep their free text (their secrets sit in secret positions).
        let cfg = r#"{agents: {defaults: {model: "Bearer abc"}}}"#;
        assert_eq!(r.redact_doc(cfg, &Doc::Config(Vec::new())).unwrap(), cfg);
    }

    #[test]
    fn references_in_includes_are_judged_at_the_mount_point() {
        let at = |k: &[&str]| Doc::Config(k.iter().map(|s| s.to_string()).collect());
        let hdr = r#"{ "X-Api-Auth": "${CUSTOM_HDR}" }"#;
        let (secret, plain) =
            env_reference_positions(hdr, &at(&["models", "providers", "custom", "headers"]));
        assert_eq!(secret.into_iter().collect::<Vec<_>>(), ["CUSTOM_HDR"]);
        assert!(plain.is_empty());
        let (secret, _) = env_reference_positions(r#"{ DEPLOY_KEY: "${SRC}" }"#, &at(&["env"]));
        assert_eq!(secret.into_iter().collect::<Vec<_>>(), ["SRC"]);
        // Unmounted, the same text looks like a plain setting.
        let (secret, plain) = env_reference_positions(hdr, &Doc::Config(Vec::new()));
        assert!(secret.is_empty() && plain.len() == 1);
    }

    #[test]
    fn env_values_stay_plain_only_as_short_settings_or_paths() {
        let (secret, plain) = env_reference_positions(
            r#"{gateway: {bind: "${B}", auth: {token: "${T}"}}, env: {X: "${E}"}, a: "${B2}-${T}"}"#,
            &Doc::Config(Vec::new()),
        );
        assert_eq!(secret.into_iter().collect::<Vec<_>>(), ["E", "T"]);
        assert_eq!(plain.into_iter().collect::<Vec<_>>(), ["B", "B2", "T"]);
        assert!(
            plain_env_value("loopback") && plain_env_value("18789") && plain_env_value("/srv/x/y")
        );
        assert!(!plain_env_value("0123456789abcdef0123")); // long enough to be a token
        assert!(!plain_env_value(&format!("ghp_{}", "a".repeat(36)))); // credential shape
        assert!(!plain_env_value("https://u:p@h/")); // URLs may carry credentials
        assert!(!plain_env_value("two words"));
    }

    #[test]
    fn comments_lose_their_words_and_keep_lines_and_columns() {
        let text = "// owner +15550001111, old token sk-ant-api03-X\n{ /* was 7f3e9c1d */ a: 1, /* two\r\n lines /home/alice */ b: 'x // y /* z', //\n c: 2 /**/ }\n";
        let mut r = pseudonymizing();
        let out = r.redact_doc(text, &Doc::Other).unwrap();
        assert_eq!(
            out,
            "// redacted\n{ /* redacted     */ a: 1, /* redacted\r\n                   */ b: 'x // y /* z', //\n c: 2 /**/ }\n"
        );
        let (a, b) = (json5::parse(text).unwrap(), json5::parse(&out).unwrap());
        assert_eq!(a.to_json(), b.to_json());
        for key in ["a", "b", "c"] {
            let (x, y) = (a.get(key).unwrap().span, b.get(key).unwrap().span);
            assert_eq!(
                json5::line_col(text, x.start),
                json5::line_col(&out, y.start),
                "{key}"
            );
        }
        // Kept when nothing is redacted (in-memory test captures).
        assert_eq!(
            Redactor::disabled().redact_doc(text, &Doc::Other).unwrap(),
            text
        );
    }

    #[test]
    fn free_text_identities_and_ref_ids() {
        let mut r = pseudonymizing();
        let cases = [
            ("ssh alicezz@10.0.0.5 uptime", "ssh user1@10.0.0.5 uptime"),
            // (`user@dotted.name` reads as an e-mail.)
            (
                "scp f alicezz@bastion.corp.example:/tmp",
                "scp f user2@example.invalid:/tmp",
            ),
            (
                "notify --chat-id 123456789 --to=987654321",
                "notify --chat-id 100000000 --to=100000001",
            ),
            (
                "git commit --author='Alice Zz <alice.zz@corp.example>' -m x",
                "git commit --author='user3' -m x",
            ),
            (
                "mail -s hi <bob@corp.example>",
                "mail -s hi <user4@example.invalid>",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(r.redact_free_text(input).as_deref(), Some(want), "{input}");
        }
        for keep in ["npm i pkg@1.2.3 @scope/p@1.2.3-rc.abc", "git log --author"] {
            assert_eq!(r.redact_free_text(keep), None, "{keep}");
        }
        assert_eq!(
            r.ref_id("op://Private/bob@corp.example/gw").as_deref(),
            Some("op://Private/user4@example.invalid/gw")
        );
        assert_eq!(r.ref_id("/providers/openai/apiKey"), None);
    }

    #[test]
    fn home_alias_matches_hand_written_paths() {
        let r = pseudonymizing();
        assert_eq!(
            r.alias_text("/home//alice/ws:/home/./alice/dev:/home/alice/./x")
                .as_deref(),
            Some("/home/user/ws:/home/user/dev:/home/user/./x")
        );
        assert_eq!(r.alias_text("/home/./alicex"), None);
    }
}
