//! Identities (phone numbers, e-mail addresses, user and chat ids, user names, tags) replaced by pseudonyms.
//!
//! A [`Pseudonymizer`] is fed every identity of one capture in the capture's fixed order (the same order the
//! [`Redactor`](super::redact::Redactor) numbers secret classes in), and numbers identity classes by first
//! appearance. A pseudonym is built from its class number and the *shape* of the value, never from the value
//! itself: no key, no hash, nothing a dictionary of phone numbers could invert, and an unchanged host captures to
//! the same bytes.
//!
//! What a pseudonym keeps is exactly what the checks read (catalogue §7.2, §7.4, §6.3, §6.8):
//! - `"*"`, empty and blank entries are kept as they are (wildcards and counts);
//! - surrounding blanks and the channel's prefix (`telegram:` / `tg:`, `signal:`, `irc:` / `user:`, any
//!   `word:` elsewhere) are kept as written;
//! - a numeric id stays numeric with the same number of digits (and its sign), so Telegram's "numeric sender"
//!   test gives the same answer;
//! - `+` and digits (E.164 phone numbers, with their formatting) keep every non-digit and get the digits of their
//!   class, so Signal's E.164 normalization compares pseudonyms exactly as it compared the numbers;
//! - an e-mail stays an e-mail (`userN@example.invalid`), `@name` stays `@userN`, `name#1234` stays
//!   `userN#NNNN`, `#channel` stays `#userN`, anything else becomes `userN`;
//! - equality after each channel's normalization is kept both ways: classes are keyed case-insensitively and
//!   each distinct spelling of a class gets its own capitalization of `user` (`user3`, `User3`, `uSer3`, …), so
//!   IRC (lower-cased) sees equal pseudonyms exactly where it saw equal names, and Telegram or iMessage (exact)
//!   sees distinct ones exactly where it saw distinct ones.
//!
//! A pseudonym never equals a value kept as it is (`*`, blanks, secret markers) and two classes never share one.

use std::collections::HashMap;

use super::secret::{is_js_whitespace, looks_like_marker};

/// How the channel an identity belongs to normalizes it before comparing (what must stay equal or distinct).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// `telegram:` / `tg:` prefix dropped (case-insensitive), then exact.
    Telegram,
    /// `signal:` prefix dropped, then E.164: a leading `scheme:` dropped, only `+` and digits compared.
    Signal,
    /// Lower-cased, `irc:` then `user:` dropped.
    Irc,
    /// Exact (iMessage, every other channel, non-channel lists); a leading `word:` is kept as written.
    Generic,
    /// An auth profile id (`auth.profiles` keys, `auth.order` lists): `provider:name`, the provider kept as
    /// written (`openai-codex:alice@corp.example` → `openai-codex:user1@example.invalid`).
    AuthProfile,
}

impl Context {
    /// The context of a channel id (a `channels.<id>` key, a `tools.elevated.allowFrom.<provider>` key, the
    /// channel part of a pairing file name or of a state-DB row).
    pub fn of_channel(id: &str) -> Context {
        match id.trim().to_ascii_lowercase().as_str() {
            "telegram" => Context::Telegram,
            "signal" => Context::Signal,
            "irc" => Context::Irc,
            _ => Context::Generic,
        }
    }
}

/// Signal / E.164 schemes kept as written (they say what kind of id follows, not whose).
const KNOWN_SCHEMES: &[&str] = &["uuid", "tel", "username", "phone", "e164", "sms", "signal"];

/// One name class: its number and the exact spellings seen, in order of first appearance.
#[derive(Debug)]
struct NameClass {
    n: u64,
    spellings: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Pseudonymizer {
    enabled: bool,
    /// Case-folded name (tagged by kind) → class.
    names: HashMap<String, NameClass>,
    /// Digit string → pseudonym digits of the same length.
    digits: HashMap<String, String>,
    /// How many digit classes of each length exist.
    digit_counts: HashMap<usize, u64>,
    /// Host name or public address (lower-cased) → pseudonym.
    hosts: HashMap<String, String>,
    host_counts: [u64; 3],
    /// Number of values replaced.
    pub replaced: u64,
}

impl Pseudonymizer {
    pub fn new() -> Pseudonymizer {
        Pseudonymizer {
            enabled: true,
            ..Pseudonymizer::default()
        }
    }

    /// A pseudonymizer that keeps every value (`capture --keep-identities`, live audits).
    pub fn disabled() -> Pseudonymizer {
        Pseudonymizer::default()
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Number of identity classes (distinct names and distinct digit strings).
    pub fn classes(&self) -> u64 {
        (self.names.len() + self.digits.len() + self.hosts.len()) as u64
    }

    /// The pseudonym of an identity string (an allowlist entry, a map key that is a chat id, an account's phone
    /// number) in the given channel context. Kept: wildcards, blanks, secret markers, `${VAR}` references.
    pub fn entry(&mut self, ctx: Context, s: &str) -> String {
        if !self.enabled {
            return s.to_string();
        }
        let start = s.len() - s.trim_start_matches(is_js_whitespace).len();
        let end = s.trim_end_matches(is_js_whitespace).len().max(start);
        let (lead, body, trail) = (&s[..start], &s[start..end], &s[end..]);
        if body.is_empty()
            || body == "*"
            || looks_like_marker(body)
            || body.contains("<<clawprint:secret ")
            || body.contains("${")
        {
            return s.to_string();
        }
        let (prefix, core) = split_prefix(ctx, body);
        let inner_end = core.len() - core.trim_start_matches(is_js_whitespace).len();
        let (inner, core) = core.split_at(inner_end);
        if core.is_empty() || core == "*" {
            return s.to_string();
        }
        let pseudo = match ctx {
            Context::Signal => self.signal_core(core),
            _ => self.core(core),
        };
        self.replaced += 1;
        format!("{lead}{prefix}{inner}{pseudo}{trail}")
    }

    /// The pseudonym of an integer literal (`123456789`, `-1001234`) in an identity position: the same number of
    /// digits, the same sign. `None` for anything else (floats, hex), which is kept.
    pub fn number(&mut self, raw: &str) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let (sign, digits) = match raw.strip_prefix(['-', '+']) {
            Some(d) => (&raw[..1], d),
            None => ("", raw),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // A number literal cannot start with 0 (unless it is 0).
        let pseudo = self.digit_class(digits);
        if pseudo.len() > 1 && pseudo.starts_with('0') {
            return None;
        }
        self.replaced += 1;
        Some(format!("{sign}{pseudo}"))
    }

    /// The pseudonym of a host position (`gateway.controlUi.allowedOrigins`, `gateway.remote.url`,
    /// `gateway.trustedProxies`): an origin or URL keeps its scheme, port and path, its host is replaced; a bare
    /// host or address (optionally `/prefix` or `:port`) likewise. Kept, because the checks read them and they
    /// name no one: `*`, `localhost`, loopback, private, link-local and CGNAT (Tailscale) addresses. Public
    /// addresses become documentation addresses (`203.0.113.N`, `2001:db8::N`), names `hostN.example` (a
    /// `.ts.net`, `.local`, `.internal`, `.lan` or `.home.arpa` suffix is kept).
    pub fn host(&mut self, s: &str) -> String {
        if !self.enabled {
            return s.to_string();
        }
        let start = s.len() - s.trim_start_matches(is_js_whitespace).len();
        let end = s.trim_end_matches(is_js_whitespace).len().max(start);
        let body = &s[start..end];
        if body.is_empty() || body == "*" || looks_like_marker(body) || body.contains("${") {
            return s.to_string();
        }
        let (head, rest) = match body.find("://") {
            Some(i) => body.split_at(i + 3),
            None => ("", body),
        };
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(auth_end);
        // userinfo@ (a password there is already a marker)
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => authority.split_at(i + 1),
            None => ("", authority),
        };
        let userinfo = match userinfo.strip_suffix('@') {
            Some(u) => {
                let (user, pass) = u.split_at(u.find(':').unwrap_or(u.len()));
                format!("{}{pass}@", self.core(user))
            }
            None => String::new(),
        };
        // [v6]:port, v4:port, name:port, or a bare v6 / CIDR
        let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
            match r.find(']') {
                Some(i) => (&hostport[..i + 2], &hostport[i + 2..]),
                None => (hostport, ""),
            }
        } else if hostport.matches(':').count() == 1 {
            hostport.split_at(hostport.find(':').unwrap_or(hostport.len()))
        } else {
            hostport.split_at(hostport.find('/').unwrap_or(hostport.len()))
        };
        let pseudo = self.host_name(host);
        if pseudo != host {
            self.replaced += 1;
        }
        format!(
            "{}{head}{userinfo}{pseudo}{port}{tail}{}",
            &s[..start],
            &s[end..]
        )
    }

    fn host_name(&mut self, host: &str) -> String {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let lower = bare.to_ascii_lowercase();
        if lower.is_empty() || lower == "localhost" || lower.ends_with(".localhost") {
            return host.to_string();
        }
        if let Ok(ip) = lower.parse::<std::net::IpAddr>() {
            let keep = match ip {
                std::net::IpAddr::V4(v4) => {
                    let o = v4.octets();
                    v4.is_loopback()
                        || v4.is_private()
                        || v4.is_link_local()
                        || v4.is_unspecified()
                        || (o[0] == 100 && (64..128).contains(&o[1]))
                }
                std::net::IpAddr::V6(v6) => {
                    let first = v6.segments()[0];
                    v6.is_loopback()
                        || v6.is_unspecified()
                        || (first & 0xfe00) == 0xfc00
                        || (first & 0xffc0) == 0xfe80
                }
            };
            if keep {
                return host.to_string();
            }
        } else if lower
            .chars()
            .any(|c| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '_'))
        {
            // Not a host name (a path, free text): leave it to the other rules.
            return host.to_string();
        }
        let bracket = |p: &str| {
            if host.starts_with('[') {
                format!("[{p}]")
            } else {
                p.to_string()
            }
        };
        if let Some(p) = self.hosts.get(&lower) {
            return bracket(p);
        }
        let p = match lower.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => {
                let i = self.host_counts[0];
                self.host_counts[0] += 1;
                let nets = ["203.0.113", "198.51.100", "192.0.2"];
                format!("{}.{}", nets[(i / 254 % 3) as usize], i % 254 + 1)
            }
            Ok(std::net::IpAddr::V6(_)) => {
                self.host_counts[1] += 1;
                format!("2001:db8::{:x}", self.host_counts[1])
            }
            Err(_) => {
                self.host_counts[2] += 1;
                let suffix = [".ts.net", ".local", ".internal", ".lan", ".home.arpa"]
                    .into_iter()
                    .find(|x| lower.ends_with(x))
                    .unwrap_or(".example");
                format!("host{}{suffix}", self.host_counts[2])
            }
        };
        self.hosts.insert(lower, p.clone());
        bracket(&p)
    }

    /// A core (prefix and blanks already split off) by its shape.
    fn core(&mut self, core: &str) -> String {
        let lower = core.to_lowercase();
        // Numeric ids, with an optional sign: digits of the same length.
        if let Some(d) = lower.strip_prefix('-').or(Some(lower.as_str())) {
            if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
                let sign = &core[..core.len() - d.len()];
                return format!("{sign}{}", self.digit_class(d));
            }
        }
        // Phone numbers: `+` then digits and formatting; every non-digit kept, digits by class.
        if is_phone(&lower) {
            return self.positional_digits(core, |_| None);
        }
        // E-mail addresses.
        if is_email(&lower) {
            return format!("{}@example.invalid", self.name("e", &lower, core));
        }
        // `@name` (Telegram usernames and the like).
        if let Some(name) = lower.strip_prefix('@').filter(|n| is_word(n)) {
            return format!("@{}", self.name("n", name, &core[1..]));
        }
        // `#channel`.
        if let Some(name) = lower.strip_prefix('#').filter(|n| is_word(n)) {
            return format!("#{}", self.name("n", name, &core[1..]));
        }
        // `name#1234` (Discord tags).
        if let (Some((name, tag)), Some((orig_name, _))) =
            (lower.rsplit_once('#'), core.rsplit_once('#'))
        {
            if is_word(name) && tag.len() == 4 && tag.bytes().all(|b| b.is_ascii_digit()) {
                let n = self.name("n", name, orig_name);
                return format!("{n}#{}", self.digit_class(tag));
            }
        }
        self.name("n", &lower, core)
    }

    /// Signal: the text after `signal:` is compared as `normalizeE164` does (a leading `scheme:` dropped, then
    /// only `+` and digits). The scheme is kept when it is a known kind word (else masked), digits get their
    /// class's digits in place, other letters become `x`: the E.164 form of the pseudonym is the pseudonym of the
    /// E.164 form.
    fn signal_core(&mut self, core: &str) -> String {
        let (scheme, rest) = split_scheme(core);
        let scheme_out =
            if KNOWN_SCHEMES.contains(&scheme.to_ascii_lowercase().trim_end_matches(':')) {
                scheme.to_string()
            } else {
                scheme
                    .chars()
                    .map(|c| match c {
                        ':' | '-' => c,
                        c if c.is_ascii_digit() => '0',
                        _ => 'x',
                    })
                    .collect()
            };
        let rest_out = self.positional_digits(rest, |c| {
            (c.is_alphanumeric() && !c.is_ascii_digit()).then_some('x')
        });
        format!("{scheme_out}{rest_out}")
    }

    /// `text` with its ASCII digits replaced, in place, by the digits of the class of its digit string; other
    /// characters through `other` (`None`: kept).
    fn positional_digits(&mut self, text: &str, other: impl Fn(char) -> Option<char>) -> String {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let pseudo = self.digit_class(&digits);
        let mut it = pseudo.chars();
        text.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    it.next().unwrap_or('0')
                } else {
                    other(c).unwrap_or(c)
                }
            })
            .collect()
    }

    /// The pseudonym digits of a digit string: same length, numbered per length by first appearance, never
    /// shared by two digit strings.
    fn digit_class(&mut self, digits: &str) -> String {
        if digits.is_empty() {
            return String::new();
        }
        if let Some(p) = self.digits.get(digits) {
            return p.clone();
        }
        let count = self.digit_counts.entry(digits.len()).or_insert(0);
        let p = nth_digits(digits.len(), *count);
        *count += 1;
        self.digits.insert(digits.to_string(), p.clone());
        p
    }

    /// The pseudonym of a name: `user<N>` for its case-folded class, capitalized after the spelling's rank.
    fn name(&mut self, kind: &str, folded: &str, spelling: &str) -> String {
        let next = self.names.len() as u64 + 1;
        let class = self
            .names
            .entry(format!("{kind}:{folded}"))
            .or_insert_with(|| NameClass {
                n: next,
                spellings: Vec::new(),
            });
        let rank = match class.spellings.iter().position(|s| s == spelling) {
            Some(r) => r,
            None => {
                class.spellings.push(spelling.to_string());
                class.spellings.len() - 1
            }
        };
        let n = class.n;
        if rank >= 16 {
            // A 17th capitalization of one name: give it a class of its own (exact comparisons stay right; a
            // case-insensitive one would see two senders where there was one).
            let own = self.names.len() as u64 + 1;
            self.names.insert(
                format!("{kind}:{folded}\u{0}{spelling}"),
                NameClass {
                    n: own,
                    spellings: vec![spelling.to_string()],
                },
            );
            return format!("user{own}");
        }
        let letters: String = "user"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if rank & (1 << i) != 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        format!("{letters}{n}")
    }
}

/// The `i`-th (0-based) pseudonym of `len` digits: `1` then `i` zero-padded (`100000000`, `100000001`, …), so it
/// reads as an id and a number literal stays valid; past `9·10^(len-1)` values it wraps into the forms with a
/// leading zero, and stays unique up to `10^len` values (all there are).
fn nth_digits(len: usize, i: u64) -> String {
    if len <= 18 {
        let space = 10u128.pow(len as u32);
        let v = (10u128.pow(len as u32 - 1) + i as u128) % space;
        return format!("{v:0len$}");
    }
    format!("1{i:0w$}", w = len - 1)
}

/// The channel prefix of an entry, as written, and the rest (what the channel compares after dropping it).
fn split_prefix(ctx: Context, body: &str) -> (&str, &str) {
    let strip = |s: &str, p: &str| -> Option<usize> {
        (s.len() >= p.len() && s.is_char_boundary(p.len()) && s[..p.len()].eq_ignore_ascii_case(p))
            .then_some(p.len())
    };
    let cut = match ctx {
        Context::Telegram => strip(body, "telegram:").or_else(|| strip(body, "tg:")),
        Context::Signal => strip(body, "signal:"),
        Context::Irc => {
            let a = strip(body, "irc:").unwrap_or(0);
            strip(&body[a..], "user:").map(|b| a + b).or(Some(a))
        }
        Context::AuthProfile => body
            .find(':')
            .filter(|&i| {
                i > 0
                    && body[..i]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            })
            .map(|i| i + 1),
        Context::Generic => {
            let word = body
                .char_indices()
                .take_while(|(i, c)| {
                    c.is_ascii_alphabetic() || (*i > 0 && (c.is_ascii_alphanumeric() || *c == '_'))
                })
                .last()
                .map(|(i, c)| i + c.len_utf8());
            match word {
                Some(w) if w <= 24 && body[w..].starts_with(':') => Some(w + 1),
                _ => None,
            }
        }
    };
    body.split_at(cut.unwrap_or(0))
}

/// `normalizeE164`'s scheme: a letter, then letters, digits or `-`, then `:` (returned with the colon).
fn split_scheme(core: &str) -> (&str, &str) {
    let mut chars = core.char_indices();
    if let Some((_, c)) = chars.next() {
        if c.is_ascii_alphabetic() {
            for (i, c) in chars {
                if c == ':' {
                    return core.split_at(i + 1);
                }
                if !(c.is_ascii_alphanumeric() || c == '-') {
                    break;
                }
            }
        }
    }
    ("", core)
}

fn is_phone(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|rest| {
        rest.bytes().any(|b| b.is_ascii_digit())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b" ().-".contains(&b))
    })
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// A user or channel name: letters, digits, `_`, `.`, `-`, not empty.
fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Pseudonymizer {
        Pseudonymizer::new()
    }

    #[test]
    fn wildcards_blanks_markers_and_references_are_kept() {
        let mut ps = p();
        for s in [
            "*",
            " * ",
            "",
            "  ",
            "tg:*",
            "<<clawprint:secret c=1 len=9 trim=9>>",
            "${OWNER}",
        ] {
            assert_eq!(ps.entry(Context::Telegram, s), s, "{s:?}");
        }
        assert_eq!(ps.replaced, 0);
    }

    #[test]
    fn digits_stay_digits_of_the_same_length_and_sign() {
        let mut ps = p();
        let a = ps.entry(Context::Telegram, "123456789");
        let b = ps.entry(Context::Telegram, "-1001234567890");
        let c = ps.entry(Context::Telegram, "987654321");
        assert_eq!(a, "100000000");
        assert_eq!(b, "-1000000000000");
        assert_eq!(c, "100000001");
        assert_eq!(ps.entry(Context::Telegram, "123456789"), a);
        // One-digit ids: all ten values stay distinct.
        let ones: std::collections::BTreeSet<String> = (0..10)
            .map(|d| ps.entry(Context::Generic, &d.to_string()))
            .collect();
        assert_eq!(ones.len(), 10);
        assert!(ones.iter().all(|o| o.len() == 1));
    }

    #[test]
    fn number_literals_keep_digits_and_sign() {
        let mut ps = p();
        assert_eq!(ps.number("123456789").as_deref(), Some("100000000"));
        assert_eq!(ps.number("-42").as_deref(), Some("-10"));
        assert_eq!(ps.number("1.5"), None);
        assert_eq!(ps.number("0x1F"), None);
        // The same digits as a string share the class.
        assert_eq!(ps.entry(Context::Telegram, "tg:123456789"), "tg:100000000");
    }

    #[test]
    fn prefixes_and_blanks_stay_as_written() {
        let mut ps = p();
        assert_eq!(ps.entry(Context::Telegram, " TG: 5551 "), " TG: 1000 ");
        assert_eq!(
            ps.entry(Context::Telegram, "telegram:5551"),
            "telegram:1000"
        );
        assert_eq!(
            ps.entry(Context::Signal, "signal:+15550001111"),
            "signal:+10000000000"
        );
        assert_eq!(ps.entry(Context::Irc, "IRC:user:Alice"), "IRC:user:user1");
        assert_eq!(ps.entry(Context::Generic, "chat_id:42"), "chat_id:10");
    }

    #[test]
    fn shapes_are_kept() {
        let mut ps = p();
        assert_eq!(
            ps.entry(Context::Generic, "alice@corp.example.com"),
            "user1@example.invalid"
        );
        assert_eq!(ps.entry(Context::Telegram, "@alice_bot"), "@user2");
        assert_eq!(ps.entry(Context::Generic, "bob#1234"), "user3#1000");
        assert_eq!(ps.entry(Context::Irc, "#openclaw"), "#user4");
        assert_eq!(
            ps.entry(Context::Generic, "+1 (555) 010-9999"),
            "+1 (000) 000-0000"
        );
        assert_eq!(ps.entry(Context::Generic, "some one"), "user5");
    }

    #[test]
    fn telegram_numeric_test_is_preserved() {
        let numeric = |s: &str| {
            let t = s.trim();
            let t = t
                .strip_prefix("tg:")
                .or_else(|| t.strip_prefix("telegram:"))
                .unwrap_or(t)
                .trim();
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
        };
        let mut ps = p();
        for s in [
            "123",
            "tg:456",
            "@name",
            "-100123",
            "+1555",
            "a1",
            "12 34",
            "telegram: 77 ",
        ] {
            let out = ps.entry(Context::Telegram, s);
            assert_eq!(numeric(&out), numeric(s), "{s:?} -> {out:?}");
        }
    }

    #[test]
    fn equal_inputs_equal_pseudonyms_distinct_stay_distinct() {
        let mut ps = p();
        let inputs = [
            "alice", "Alice", "ALICE", "bob", "alice", "@alice", "123", "0123",
        ];
        let outs: Vec<String> = inputs
            .iter()
            .map(|s| ps.entry(Context::Telegram, s))
            .collect();
        for (i, a) in inputs.iter().enumerate() {
            for (j, b) in inputs.iter().enumerate() {
                assert_eq!(
                    a == b,
                    outs[i] == outs[j],
                    "{a} {b} -> {} {}",
                    outs[i],
                    outs[j]
                );
                // Case-insensitive equality is kept too (IRC).
                assert_eq!(
                    a.to_lowercase() == b.to_lowercase(),
                    outs[i].to_lowercase() == outs[j].to_lowercase(),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn signal_e164_equality_is_preserved() {
        // The audit's own normalization (channels::signal), restated.
        fn e164(raw: &str) -> String {
            let t = raw.trim();
            let t = if t.len() >= 7 && t[..7].eq_ignore_ascii_case("signal:") {
                t[7..].trim()
            } else {
                t
            };
            let (_, rest) = split_scheme(t);
            let d: String = rest
                .trim()
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("+{}", d.strip_prefix('+').unwrap_or(&d))
        }
        let inputs = [
            "+15550001111",
            "signal:+15550001111",
            "+1 555 000 1111",
            "15550001111",
            "+15550002222",
            "uuid:1234abcd-0000",
            "uuid:1234ffff-0000",
            "username:alice.01",
            "username:bob.02",
            "a1:99",
            "alice",
            "bob",
        ];
        let mut ps = p();
        let outs: Vec<String> = inputs
            .iter()
            .map(|s| ps.entry(Context::Signal, s))
            .collect();
        for (i, a) in inputs.iter().enumerate() {
            for (j, b) in inputs.iter().enumerate() {
                assert_eq!(
                    e164(a) == e164(b),
                    e164(&outs[i]) == e164(&outs[j]),
                    "{a} {b} -> {} {}",
                    outs[i],
                    outs[j]
                );
            }
            assert!(!outs[i].contains("alice") && !outs[i].contains("5550001111"));
        }
    }

    #[test]
    fn irc_lowercase_equality_is_preserved() {
        let mut ps = p();
        let a = ps.entry(Context::Irc, "Nick!Ident@Host.Example");
        let b = ps.entry(Context::Irc, "irc:nick!ident@host.example");
        let c = ps.entry(Context::Irc, "other");
        let norm = |s: &str| {
            let v = s.trim().to_lowercase();
            let v = v.strip_prefix("irc:").unwrap_or(&v).to_string();
            v.strip_prefix("user:").unwrap_or(&v).trim().to_string()
        };
        assert_eq!(norm(&a), norm(&b));
        assert_ne!(norm(&a), norm(&c));
        assert_ne!(a.trim_start_matches("irc:"), b.trim_start_matches("irc:"));
    }

    #[test]
    fn classes_are_numbered_by_first_appearance_and_never_collide() {
        let mut ps = p();
        let mut seen = std::collections::HashMap::new();
        for i in 0..300 {
            for s in [
                format!("name{i}"),
                format!("{i:03}"),
                format!("+1555{i:04}"),
            ] {
                let out = ps.entry(Context::Generic, &s);
                if let Some(prev) = seen.insert(out.clone(), s.clone()) {
                    assert_eq!(prev, s, "{prev} and {s} share {out}");
                }
            }
        }
        assert_eq!(ps.entry(Context::Generic, "name0"), "user1");
        let mut again = p();
        assert_eq!(again.entry(Context::Generic, "zed"), "user1");
    }

    #[test]
    fn hosts_keep_scheme_port_path_and_what_checks_read() {
        let mut ps = p();
        assert_eq!(
            ps.host("https://control.acme-corp.com:8443/ui"),
            "https://host1.example:8443/ui"
        );
        assert_eq!(
            ps.host(" https://Control.acme-corp.com "),
            " https://host1.example "
        );
        assert_eq!(ps.host("wss://gw.tail1234.ts.net"), "wss://host2.ts.net");
        for kept in [
            "*",
            "127.0.0.1",
            "::1",
            "127.0.0.1/32",
            "::1/128",
            "10.0.0.5",
            "192.168.1.2/24",
            "100.101.102.103",
            "http://localhost:18789",
            "http://127.0.0.1:18789",
            "fd7a:115c:a1e0::1",
            "",
        ] {
            assert_eq!(ps.host(kept), kept);
        }
        assert_eq!(ps.host("8.8.8.8"), "203.0.113.1");
        assert_eq!(ps.host("8.8.4.4/32"), "203.0.113.2/32");
        assert_eq!(ps.host("2606:4700::1111"), "2001:db8::1");
        assert_eq!(
            ps.host("https://[2606:4700::1111]:443"),
            "https://[2001:db8::1]:443"
        );
        assert_eq!(
            ps.host("https://bob@acme-corp.com"),
            "https://user1@host3.example"
        );
        assert_eq!(ps.host("8.8.8.8"), "203.0.113.1");
    }

    #[test]
    fn disabled_keeps_everything() {
        let mut ps = Pseudonymizer::disabled();
        assert_eq!(ps.entry(Context::Telegram, "123456789"), "123456789");
        assert_eq!(ps.number("42"), None);
        assert_eq!(ps.classes(), 0);
    }
}
