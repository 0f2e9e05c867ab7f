//! Secret markers: what a secret becomes in a snapshot.
//!
//! A secret string is replaced by `<<clawprint:secret c=CLASS len=LEN trim=TRIM>>`, which keeps exactly what the
//! checks read: its length (raw and trimmed) and an equivalence class (secrets whose trimmed values are equal share
//! a class; classes are numbered in capture order, which is canonical). Placeholders (`""`, `undefined`, `null`)
//! and `${VAR}` templates carry no secret and stay as they are. Checks never look at a string directly where a
//! secret may sit: they go through [`Str`], which answers the same questions for a raw value and for a marker, so
//! `audit(redacted) == audit(raw)`.
//!
//! A resolved value (an environment variable, a `.env` line, a SecretRef's result) is never a template, even when
//! it contains `${…}`: it is redacted like any other secret, and its marker says ` env=N` (bits [`ENV_REF`],
//! [`ENV_OPEN`], [`ENV_CLOSE`]) so the checks' template tests still answer as they do for the raw value.

use std::fmt;

pub(crate) const PREFIX: &str = "<<clawprint:secret ";
const SUFFIX: &str = ">>";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Marker {
    pub class: u64,
    /// Length in UTF-16 code units, as JavaScript's `.length` counts (the reference's thresholds use it).
    pub len: u64,
    /// Length after trimming whitespace.
    pub trim: u64,
    /// What the template tests see in the value ([`ENV_REF`] | [`ENV_OPEN`] | [`ENV_CLOSE`]); written only for a
    /// value that contains `${`, so it says nothing about any other secret.
    pub env: u8,
}

/// The value contains a `${NAME}` reference.
pub const ENV_REF: u8 = 1;
/// The trimmed value starts with `${`.
pub const ENV_OPEN: u8 = 2;
/// The trimmed value ends with `}`.
pub const ENV_CLOSE: u8 = 4;

/// The [`Marker::env`] bits of a raw value.
pub fn env_bits(value: &str) -> u8 {
    if !value.contains("${") {
        return 0;
    }
    let t = js_trim(value);
    let mut bits = 0;
    if super::env::contains_env_reference(value) {
        bits |= ENV_REF;
    }
    if t.starts_with("${") {
        bits |= ENV_OPEN;
    }
    if t.ends_with('}') {
        bits |= ENV_CLOSE;
    }
    bits
}

impl fmt::Display for Marker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}c={} len={} trim={}",
            self.class, self.len, self.trim
        )?;
        if self.env != 0 {
            write!(f, " env={}", self.env)?;
        }
        f.write_str(SUFFIX)
    }
}

impl Marker {
    pub fn parse(s: &str) -> Option<Marker> {
        let body = s.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let mut class = None;
        let mut len = None;
        let mut trim = None;
        let mut env = None;
        for part in body.split(' ') {
            let (k, v) = part.split_once('=')?;
            let v: u64 = v.parse().ok()?;
            match k {
                "c" => class = Some(v),
                "len" => len = Some(v),
                "trim" => trim = Some(v),
                "env" if env.is_none() && (1..8).contains(&v) => env = Some(v as u8),
                _ => return None,
            }
        }
        Some(Marker {
            class: class?,
            len: len?,
            trim: trim?,
            env: env.unwrap_or(0),
        })
    }

    /// Marker for `value` in class `class`.
    pub fn for_value(value: &str, class: u64) -> Marker {
        Marker {
            class,
            len: js_len(value),
            trim: js_len(js_trim(value)),
            env: env_bits(value),
        }
    }
}

/// True when a string could be mistaken for a marker (a raw value that looks like one is redacted too).
pub fn looks_like_marker(s: &str) -> bool {
    s.starts_with(PREFIX)
}

/// JavaScript `String.prototype.length`: UTF-16 code units.
pub fn js_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

/// JavaScript `String.prototype.trim`: strips ECMAScript whitespace and line terminators.
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Values that mean "not set" although they are strings; they are never redacted.
pub fn is_placeholder(s: &str) -> bool {
    matches!(js_trim(s), "" | "undefined" | "null")
}

/// A string as the checks see it: either the raw text or a redacted secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Str<'a> {
    Plain(&'a str),
    Secret(Marker),
}

impl<'a> Str<'a> {
    pub fn of(s: &'a str) -> Str<'a> {
        match Marker::parse(s) {
            Some(m) => Str::Secret(m),
            None => Str::Plain(s),
        }
    }

    /// Length after trimming, in UTF-16 code units.
    pub fn trim_len(&self) -> u64 {
        match self {
            Str::Plain(s) => js_len(js_trim(s)),
            Str::Secret(m) => m.trim,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.trim_len() == 0
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Str::Secret(_))
    }

    /// The trimmed text when it is not a secret.
    pub fn plain_trimmed(&self) -> Option<&'a str> {
        match self {
            Str::Plain(s) => Some(js_trim(s)),
            Str::Secret(_) => None,
        }
    }

    /// Equality after trimming. A secret equals only a secret of the same class; a plain value never equals a
    /// secret (a capture redacts every occurrence of a secret value it knows, so equal values share a form).
    pub fn trimmed_eq(&self, other: &Str<'_>) -> bool {
        match (self, other) {
            (Str::Plain(a), Str::Plain(b)) => js_trim(a) == js_trim(b),
            (Str::Secret(a), Str::Secret(b)) => a.class == b.class,
            _ => false,
        }
    }

    /// `${…}` template test of the reference (`startsWith("${") && endsWith("}")` on the trimmed value).
    pub fn looks_like_env_template(&self) -> bool {
        match self {
            Str::Plain(s) => {
                let t = js_trim(s);
                t.starts_with("${") && t.ends_with('}')
            }
            Str::Secret(m) => m.env & (ENV_OPEN | ENV_CLOSE) == ENV_OPEN | ENV_CLOSE,
        }
    }

    /// Does the value contain a `${NAME}` reference (a resolved secret may, and is then unusable as one)?
    pub fn contains_env_reference(&self) -> bool {
        match self {
            Str::Plain(s) => super::env::contains_env_reference(s),
            Str::Secret(m) => m.env & ENV_REF != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trips() {
        let m = Marker::for_value("  abc  ", 7);
        assert_eq!(
            m,
            Marker {
                class: 7,
                len: 7,
                trim: 3,
                env: 0
            }
        );
        assert_eq!(Marker::parse(&m.to_string()), Some(m));
    }

    #[test]
    fn env_bits_round_trip_only_for_values_with_templates() {
        let m = Marker::for_value(" ${A} ", 2);
        assert_eq!(m.env, ENV_REF | ENV_OPEN | ENV_CLOSE);
        assert!(m.to_string().ends_with(" env=7>>"));
        assert_eq!(Marker::parse(&m.to_string()), Some(m));
        assert_eq!(Marker::for_value("abc}", 1).env, 0);
        assert_eq!(
            Marker::parse("<<clawprint:secret c=1 len=1 trim=1 env=8>>"),
            None
        );
    }

    #[test]
    fn malformed_markers_are_plain() {
        for s in [
            "<<clawprint:secret c=1 len=2>>",
            "<<clawprint:secret c=x len=1 trim=1>>",
            "<<clawprint:secret c=1 len=1 trim=1 z=2>>",
            "plain",
        ] {
            assert!(matches!(Str::of(s), Str::Plain(_)), "{s}");
        }
    }

    #[test]
    fn plain_and_marker_answer_alike() {
        let raw = " 0123456789abcdef0123456 ";
        let m = Marker::for_value(raw, 1).to_string();
        let (a, b) = (Str::of(raw), Str::of(&m));
        assert_eq!(a.trim_len(), 23);
        assert_eq!(a.trim_len(), b.trim_len());
        assert_eq!(a.is_blank(), b.is_blank());
    }

    #[test]
    fn js_length_counts_utf16_units() {
        assert_eq!(js_len("😀"), 2);
        assert_eq!(js_trim("\u{feff} x \u{2028}"), "x");
    }
}
