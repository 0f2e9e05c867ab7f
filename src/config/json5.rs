//! Hand-written JSON5 parser that keeps byte spans.
//!
//! OpenClaw reads `openclaw.json` with the npm `json5` package (`JSON5.parse`), so this
//! module follows the JSON5 spec (<https://spec.json5.org/>) and, where the spec leaves
//! room, the behaviour of json5 2.2.x. Every value, and every object key, records the
//! byte range it occupies in the source so that callers can
//!
//! * redact secrets by replacing exactly those bytes,
//! * make surgical, comment-preserving edits (replace one value's bytes), and
//! * point at the right place in error messages.
//!
//! Input is untrusted (customer files, fuzzers). The parser therefore never panics,
//! never recurses (containers are tracked on an explicit heap stack), and rejects
//! nesting deeper than [`ParseOptions::max_depth`]. Note that the derived `Drop`,
//! `Clone`, `Debug` and `PartialEq` impls of [`Node`] and [`Node::to_json`] *do* recurse
//! over the tree, which is one more reason to keep `max_depth` modest (the default of
//! 128 is far beyond any real config).
//!
//! Deliberate differences from `JSON5.parse` (JavaScript):
//! * A lone UTF-16 surrogate produced by a `\uXXXX` escape cannot live in a Rust
//!   `String`; it becomes U+FFFD. A correctly paired `\uD83D\uDE00` combines as in JS.
//! * [`Node::to_json`] orders object keys by first occurrence. JS engines list
//!   integer-like keys (`"0"`, `"42"`) first in ascending numeric order; we do not.

use std::fmt;

/// Default for [`ParseOptions::max_depth`].
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// A byte range `start..end` (end exclusive) into the parsed source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The source text covered by this span, or `None` if it does not fit `src`
    /// (e.g. the span came from a different source string).
    pub fn slice<'a>(&self, src: &'a str) -> Option<&'a str> {
        src.get(self.start..self.end)
    }
}

/// A parsed value plus the span of its literal (for strings including the quotes,
/// for numbers including a leading sign, for containers from bracket to bracket).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    /// Members in source order, duplicates kept (see [`Node::get`] for lookup rules).
    Object(Vec<Member>),
}

impl Value {
    /// A short human name for the kind of value, for diagnostics.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// A number literal: its exact source text (`"0x1F"`, `"+.5"`, `"-Infinity"`) and its
/// IEEE-754 value as JavaScript would compute it.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub raw: String,
    pub value: f64,
}

/// One `key: value` pair of an object. `key_span` covers the key as written
/// (including quotes for quoted keys, the escapes for escaped identifiers).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Maximum nesting of arrays/objects; the top-level container is depth 1.
    pub max_depth: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// A syntax error. `offset` is a byte offset into the source pointing at the offending
/// character (or `src.len()` for unexpected end of input); `line`/`col` are 1-based,
/// with `col` counted in chars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
    pub line: usize,
    pub col: usize,
}

/// Lines longer than this are shown as a window around the error in [`ParseError::render`].
const RENDER_WIDTH: usize = 120;

impl ParseError {
    fn at(src: &str, offset: usize, message: impl Into<String>) -> ParseError {
        let offset = clamp_offset(src, offset);
        let (line, col) = line_col(src, offset);
        ParseError {
            message: message.into(),
            offset,
            line,
            col,
        }
    }

    /// Compiler-style rendering:
    ///
    /// ```text
    /// path:LINE:COL: message
    ///   | <the source line>
    ///   |     ^
    /// ```
    ///
    /// The quoted line is sanitised (control and bidi-override characters become
    /// U+FFFD) because config files are untrusted and this ends up on a terminal; very
    /// long lines (minified JSON) are cut to a window around the caret. Tabs before the
    /// caret are reproduced so that the caret lines up.
    pub fn render(&self, src: &str, path: &str) -> String {
        let off = clamp_offset(src, self.offset);
        let (line, col) = line_col(src, off);
        let line_start = src[..off].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[off..].find('\n').map_or(src.len(), |i| off + i);
        let text = &src[line_start..line_end];
        let text = text.strip_suffix('\r').unwrap_or(text);
        let chars: Vec<char> = text.chars().map(sanitize_for_terminal).collect();
        let caret = (col - 1).min(chars.len());

        let (lo, hi) = if chars.len() > RENDER_WIDTH {
            let lo = caret.saturating_sub(RENDER_WIDTH / 2);
            (lo, (lo + RENDER_WIDTH).min(chars.len()))
        } else {
            (0, chars.len())
        };
        let mut shown = String::new();
        let mut pad = String::new();
        if lo > 0 {
            shown.push('…');
            pad.push(' ');
        }
        shown.extend(&chars[lo..hi]);
        if hi < chars.len() {
            shown.push('…');
        }
        pad.extend(
            chars[lo..caret]
                .iter()
                .map(|&c| if c == '\t' { '\t' } else { ' ' }),
        );
        format!(
            "{path}:{line}:{col}: {}\n  | {shown}\n  | {pad}^",
            self.message
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

fn sanitize_for_terminal(c: char) -> char {
    let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if (c.is_control() && c != '\t') || bidi {
        '\u{FFFD}'
    } else {
        c
    }
}

/// Clamp `offset` to `src.len()` and move it back onto a char boundary.
fn clamp_offset(src: &str, offset: usize) -> usize {
    let mut off = offset.min(src.len());
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    off
}

/// Byte spans of the comments of a JSON5 text that parses (`//` to the end of its line, the line break excluded;
/// `/*` to `*/` included), in order. Only string literals can hold a `/` outside a comment.
pub fn comment_spans(src: &str) -> Vec<Span> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let rest = &src[i..];
                let end = rest
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .unwrap_or(rest.len());
                out.push(Span::new(i, i + end));
                i += end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = src[i + 2..].find("*/").map_or(src.len(), |e| i + 2 + e + 2);
                out.push(Span::new(i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// 1-based (line, column) of a byte offset; the column counts chars, lines are
/// separated by `\n` (so CRLF files work; a lone CR does not start a line, as in
/// json5's own error positions). Out-of-range or mid-char offsets are clamped.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let off = clamp_offset(src, offset);
    let before = &src[..off];
    let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, 1 + before[line_start..].chars().count())
}

/// A double-quoted string literal for `s` that is valid JSON and JSON5 and parses back
/// to exactly `s`. Control characters are escaped, and so are U+2028/U+2029 (legal
/// raw in both formats, but they break line-oriented tools and pre-ES2019 JS).
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7F}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn parse(src: &str) -> Result<Node, ParseError> {
    parse_with(src, &ParseOptions::default())
}

pub fn parse_with(src: &str, opts: &ParseOptions) -> Result<Node, ParseError> {
    Parser {
        src,
        pos: 0,
        max_depth: opts.max_depth,
    }
    .parse_document()
}

impl Node {
    /// Member lookup on objects. With duplicate keys the LAST one wins, as in
    /// `JSON5.parse` (later assignments overwrite earlier ones).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// Follow a path of object keys (each step last-wins, like [`Node::get`]).
    pub fn pointer(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(n.value),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Convert with `JSON.stringify(JSON5.parse(..))` semantics: an object's keys are
    /// ordered by their FIRST occurrence and carry the LAST occurrence's value;
    /// non-finite numbers become `null`; integral numbers with |v| < 2^53 become JSON
    /// integers, everything else an f64.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(n.value),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    // With `preserve_order`, insert on an existing key keeps its
                    // position and replaces the value: exactly the JS semantics.
                    map.insert(m.key.clone(), m.value.to_json());
                }
                J::Object(map)
            }
        }
    }
}

fn number_to_json(v: f64) -> serde_json::Value {
    const TWO_53: f64 = 9_007_199_254_740_992.0;
    if !v.is_finite() {
        serde_json::Value::Null
    } else if v.fract() == 0.0 && v.abs() < TWO_53 {
        // Exact: |v| < 2^53 and integral. Also maps -0.0 to 0 like JSON.stringify.
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

// ---------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------

/// An open container on the explicit parse stack.
enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    /// `key` is the member whose value is currently being parsed.
    Object {
        start: usize,
        members: Vec<Member>,
        key: Option<(String, Span)>,
    },
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    max_depth: usize,
}

/// Longest identifier echoed back in an error message.
const MAX_ECHO: usize = 40;

impl<'a> Parser<'a> {
    fn err(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::at(self.src, offset, message)
    }

    fn byte_at(&self, at: usize) -> Option<u8> {
        self.src.as_bytes().get(at).copied()
    }

    fn peek_byte(&self) -> Option<u8> {
        self.byte_at(self.pos)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..)?.chars().next()
    }

    fn peek(&self) -> Option<char> {
        self.char_at(self.pos)
    }

    /// Describes what is at `at` for "found ..." in messages.
    fn found(&self, at: usize) -> String {
        match self.char_at(at) {
            None => "end of input".to_string(),
            Some(c) => format!("'{}'", c.escape_debug()),
        }
    }

    /// `n` hex digits starting at `at`, if they are all there.
    fn hex_at(&self, at: usize, n: usize) -> Option<u32> {
        let digits = self.src.as_bytes().get(at..at + n)?;
        digits
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc * 16 + (b as char).to_digit(16)?))
    }

    /// Skips whitespace and comments.
    fn skip_ws(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(c) if is_json5_whitespace(c) => self.pos += c.len_utf8(),
                Some('/') => match self.byte_at(self.pos + 1) {
                    Some(b'/') => {
                        let rest = &self.src[self.pos..];
                        let end = rest
                            .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                            .unwrap_or(rest.len());
                        self.pos += end;
                    }
                    Some(b'*') => match self.src[self.pos + 2..].find("*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return Err(self.err(self.src.len(), "unterminated block comment")),
                    },
                    _ => {
                        let at = self.pos + 1;
                        return Err(self.err(
                            at,
                            format!(
                                "expected '/' or '*' after '/' to start a comment, found {}",
                                self.found(at)
                            ),
                        ));
                    }
                },
                _ => return Ok(()),
            }
        }
    }

    fn parse_document(&mut self) -> Result<Node, ParseError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // Parse one value; containers are pushed and we come back here for their
            // first element, so `node` below is always a complete value.
            self.skip_ws()?;
            let start = self.pos;
            let mut node = match self.peek_byte() {
                Some(b'[') => {
                    self.open_container(&stack, start)?;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek_byte() != Some(b']') {
                        stack.push(Frame::Array {
                            start,
                            items: Vec::new(),
                        });
                        continue 'value;
                    }
                    self.pos += 1;
                    Node {
                        value: Value::Array(Vec::new()),
                        span: Span::new(start, self.pos),
                    }
                }
                Some(b'{') => {
                    self.open_container(&stack, start)?;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek_byte() != Some(b'}') {
                        let key = self.parse_member_key()?;
                        stack.push(Frame::Object {
                            start,
                            members: Vec::new(),
                            key: Some(key),
                        });
                        continue 'value;
                    }
                    self.pos += 1;
                    Node {
                        value: Value::Object(Vec::new()),
                        span: Span::new(start, self.pos),
                    }
                }
                _ => self.parse_scalar()?,
            };

            // Attach the finished value to its parent; closing a container yields
            // another finished value, so keep going until we need a new value.
            loop {
                let Some(frame) = stack.last_mut() else {
                    self.skip_ws()?;
                    if self.pos < self.src.len() {
                        return Err(self.err(
                            self.pos,
                            format!(
                                "expected end of input after top-level value, found {}",
                                self.found(self.pos)
                            ),
                        ));
                    }
                    return Ok(node);
                };
                match frame {
                    Frame::Array { items, .. } => {
                        items.push(node);
                        self.skip_ws()?;
                        match self.peek_byte() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws()?;
                                if self.peek_byte() != Some(b']') {
                                    continue 'value;
                                }
                            }
                            Some(b']') => {}
                            _ => {
                                return Err(self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or ']' after array element, found {}",
                                        self.found(self.pos)
                                    ),
                                ))
                            }
                        }
                    }
                    Frame::Object { members, key, .. } => {
                        // `key` is always set while a member value is being parsed.
                        let (k, key_span) = key.take().unwrap_or_default();
                        members.push(Member {
                            key: k,
                            key_span,
                            value: node,
                        });
                        self.skip_ws()?;
                        match self.peek_byte() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws()?;
                                if self.peek_byte() != Some(b'}') {
                                    *key = Some(self.parse_member_key()?);
                                    continue 'value;
                                }
                            }
                            Some(b'}') => {}
                            _ => {
                                return Err(self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or '}}' after object member, found {}",
                                        self.found(self.pos)
                                    ),
                                ))
                            }
                        }
                    }
                }
                // At the closing bracket of the innermost container.
                self.pos += 1;
                let end = self.pos;
                node = match stack.pop() {
                    Some(Frame::Array { start, items }) => Node {
                        value: Value::Array(items),
                        span: Span::new(start, end),
                    },
                    Some(Frame::Object { start, members, .. }) => Node {
                        value: Value::Object(members),
                        span: Span::new(start, end),
                    },
                    // Unreachable: we only get here after matching `stack.last_mut()`.
                    None => {
                        return Err(self.err(self.pos, "internal error: unbalanced container stack"))
                    }
                };
            }
        }
    }

    fn open_container(&self, stack: &[Frame], at: usize) -> Result<(), ParseError> {
        if stack.len() >= self.max_depth {
            return Err(self.err(at, format!("nesting deeper than {} levels", self.max_depth)));
        }
        Ok(())
    }

    /// Parses `key :` (leaving the position after the colon).
    fn parse_member_key(&mut self) -> Result<(String, Span), ParseError> {
        let start = self.pos;
        let key = match self.peek() {
            Some('"' | '\'') => self.parse_string()?,
            Some(c) if c == '\\' || is_id_start(c) => self.parse_identifier()?,
            _ => {
                return Err(self.err(
                    start,
                    format!(
                        "expected property name or '}}', found {}",
                        self.found(start)
                    ),
                ))
            }
        };
        let key_span = Span::new(start, self.pos);
        self.skip_ws()?;
        if self.peek_byte() != Some(b':') {
            return Err(self.err(
                self.pos,
                format!(
                    "expected ':' after property name, found {}",
                    self.found(self.pos)
                ),
            ));
        }
        self.pos += 1;
        Ok((key, key_span))
    }

    /// An ECMAScript 5.1 IdentifierName (raw chars or `\uXXXX` escapes). The caller
    /// has checked that the first char is an identifier start or a backslash.
    fn parse_identifier(&mut self) -> Result<String, ParseError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            let first = out.is_empty();
            if c == '\\' {
                let at = self.pos;
                if self.byte_at(at + 1) != Some(b'u') {
                    return Err(self.err(
                        at + 1,
                        format!(
                            "expected 'u' after '\\' in identifier, found {}",
                            self.found(at + 1)
                        ),
                    ));
                }
                let Some(code) = self.hex_at(at + 2, 4) else {
                    return Err(self.err(
                        at,
                        "invalid escape '\\u' in identifier: expected 4 hex digits",
                    ));
                };
                let decoded = char::from_u32(code).filter(|&d| {
                    if first {
                        is_id_start(d)
                    } else {
                        is_id_continue(d)
                    }
                });
                let Some(d) = decoded else {
                    return Err(self.err(
                        at,
                        format!("escape '\\u{code:04X}' is not a valid identifier character here"),
                    ));
                };
                out.push(d);
                self.pos += 6;
            } else if if first {
                is_id_start(c)
            } else {
                is_id_continue(c)
            } {
                out.push(c);
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        Ok(out)
    }

    /// A run of raw identifier characters starting at `at` (for keywords).
    fn word_at(&self, at: usize) -> &'a str {
        let rest = &self.src[at..];
        let len = rest
            .find(|c: char| !is_id_continue(c))
            .unwrap_or(rest.len());
        &rest[..len]
    }

    fn parse_scalar(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            Some('"' | '\'') => Value::String(self.parse_string()?),
            Some('+' | '-' | '.' | '0'..='9') => Value::Number(self.parse_number()?),
            Some(c) if is_id_start(c) => {
                let word = self.word_at(start);
                let value = match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    "Infinity" | "NaN" => Value::Number(self.parse_number()?),
                    _ => {
                        return Err(self.err(
                            start,
                            format!(
                                "expected value, found identifier '{}' (strings must be quoted)",
                                echo(word)
                            ),
                        ))
                    }
                };
                self.pos = start + word.len();
                value
            }
            _ => {
                return Err(self.err(
                    start,
                    format!("expected value, found {}", self.found(start)),
                ))
            }
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    /// Numbers: `[+-]? ( Infinity | NaN | 0[xX]hex+ | decimal )`, where decimal allows
    /// a leading or trailing '.', an exponent, and no leading zeros.
    fn parse_number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut p = start;
        let mut negative = false;
        if let Some(sign @ (b'+' | b'-')) = self.byte_at(p) {
            negative = sign == b'-';
            p += 1;
        }
        let body = p;
        let magnitude = match self.byte_at(p) {
            Some(b'0') if matches!(self.byte_at(p + 1), Some(b'x' | b'X')) => {
                p += 2;
                let digits = p;
                while p < b.len() && b[p].is_ascii_hexdigit() {
                    p += 1;
                }
                if p == digits {
                    return Err(self.err(
                        p,
                        format!("expected hex digit after '0x', found {}", self.found(p)),
                    ));
                }
                hex_to_f64(&self.src[digits..p])
            }
            Some(b'0'..=b'9' | b'.') => {
                let int_start = p;
                while p < b.len() && b[p].is_ascii_digit() {
                    p += 1;
                }
                if p - int_start > 1 && b[int_start] == b'0' {
                    return Err(self.err(int_start + 1, "leading zeros are not allowed in numbers"));
                }
                let mut mantissa_digits = p - int_start;
                if self.byte_at(p) == Some(b'.') {
                    p += 1;
                    let frac_start = p;
                    while p < b.len() && b[p].is_ascii_digit() {
                        p += 1;
                    }
                    mantissa_digits += p - frac_start;
                }
                if mantissa_digits == 0 {
                    return Err(self.err(p, format!("expected digit, found {}", self.found(p))));
                }
                if let Some(b'e' | b'E') = self.byte_at(p) {
                    p += 1;
                    if let Some(b'+' | b'-') = self.byte_at(p) {
                        p += 1;
                    }
                    let exp_start = p;
                    while p < b.len() && b[p].is_ascii_digit() {
                        p += 1;
                    }
                    if p == exp_start {
                        return Err(self.err(
                            p,
                            format!("expected digit in exponent, found {}", self.found(p)),
                        ));
                    }
                }
                // The grammar checked above is a subset of what Rust's f64 parser
                // accepts ("5.", ".5", "1e5"), and Rust rounds correctly like JS.
                self.src[body..p].parse::<f64>().unwrap_or(f64::NAN)
            }
            _ => {
                let word = self.word_at(p);
                let v = match word {
                    "Infinity" => f64::INFINITY,
                    "NaN" => f64::NAN,
                    _ => {
                        let what = if word.is_empty() {
                            self.found(p)
                        } else {
                            format!("'{}'", echo(word))
                        };
                        return Err(self.err(p, format!("expected number, found {what}")));
                    }
                };
                p += word.len();
                v
            }
        };
        // `1abc`, `0x1g`, `1.5e3x`: report the junk here instead of as a missing ','.
        if let Some(c) = self.char_at(p) {
            if is_id_continue(c) {
                return Err(self.err(
                    p,
                    format!("unexpected character '{}' after number", c.escape_debug()),
                ));
            }
        }
        self.pos = p;
        let value = if negative { -magnitude } else { magnitude };
        Ok(Number {
            raw: self.src[start..p].to_string(),
            value,
        })
    }

    /// A single- or double-quoted string; the position must be at the quote.
    fn parse_string(&mut self) -> Result<String, ParseError> {
        let bytes = self.src.as_bytes();
        let quote = bytes[self.pos];
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the plain run up to the next byte that needs attention. All the
            // delimiters are ASCII, so the slice ends on a char boundary.
            let rest = &bytes[self.pos..];
            let Some(run) = rest
                .iter()
                .position(|&b| b == quote || matches!(b, b'\\' | b'\n' | b'\r'))
            else {
                return Err(self.err(self.src.len(), "unterminated string"));
            };
            out.push_str(&self.src[self.pos..self.pos + run]);
            self.pos += run;
            match bytes[self.pos] {
                b'\\' => self.parse_escape(&mut out)?,
                b'\n' | b'\r' => {
                    return Err(self.err(
                        self.pos,
                        "unterminated string (line break before closing quote; use \\n)",
                    ))
                }
                _ => {
                    self.pos += 1;
                    return Ok(out);
                }
            }
        }
    }

    /// One escape sequence inside a string; the position must be at the backslash.
    fn parse_escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let at = self.pos;
        let Some(c) = self.char_at(at + 1) else {
            return Err(self.err(self.src.len(), "unterminated string"));
        };
        let mut next = at + 1 + c.len_utf8();
        match c {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{C}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{B}'),
            '0' => {
                if let Some(d @ b'0'..=b'9') = self.byte_at(next) {
                    return Err(self.err(
                        at,
                        format!(
                            "invalid escape '\\0{}' (octal escapes are not allowed)",
                            d as char
                        ),
                    ));
                }
                out.push('\0');
            }
            '1'..='9' => return Err(self.err(at, format!("invalid escape '\\{c}'"))),
            'x' => {
                let Some(code) = self.hex_at(next, 2) else {
                    return Err(self.err(at, "invalid escape '\\x': expected 2 hex digits"));
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                next += 2;
            }
            'u' => {
                let Some(code) = self.hex_at(next, 4) else {
                    return Err(self.err(at, "invalid escape '\\u': expected 4 hex digits"));
                };
                next += 4;
                let ch = match code {
                    0xD800..=0xDBFF => {
                        // Combine with a directly following low-surrogate escape, as
                        // UTF-16 JS strings would; a lone surrogate becomes U+FFFD.
                        let low = if self.src.as_bytes().get(next..next + 2) == Some(b"\\u") {
                            self.hex_at(next + 2, 4)
                                .filter(|l| (0xDC00..=0xDFFF).contains(l))
                        } else {
                            None
                        };
                        match low {
                            Some(low) => {
                                next += 6;
                                char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                            }
                            None => None,
                        }
                    }
                    _ => char::from_u32(code),
                };
                out.push(ch.unwrap_or('\u{FFFD}'));
            }
            // Line continuation: backslash + line terminator contributes nothing.
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                if self.byte_at(next) == Some(b'\n') {
                    next += 1;
                }
            }
            // Any other character (including quotes, '\\' and '/') escapes to itself.
            c => out.push(c),
        }
        self.pos = next;
        Ok(())
    }
}

/// Identifier text echoed in a message, shortened and made printable.
fn echo(word: &str) -> String {
    let mut s: String = word
        .chars()
        .take(MAX_ECHO)
        .flat_map(char::escape_debug)
        .collect();
    if word.chars().count() > MAX_ECHO {
        s.push('…');
    }
    s
}

/// Correctly rounded value of a hex digit string (like JS `Number("0x...")`).
fn hex_to_f64(digits: &str) -> f64 {
    let digits = digits.trim_start_matches('0').as_bytes();
    // 30 hex digits = 120 bits, far more than f64's 53 + guard bits; any nonzero digit
    // beyond that only matters as a "sticky" bit for round-to-nearest-even.
    let take = digits.len().min(30);
    let mut m: u128 = 0;
    for &d in &digits[..take] {
        m = (m << 4) | u128::from((d as char).to_digit(16).unwrap_or(0));
    }
    let rest = &digits[take..];
    if rest.iter().any(|&d| d != b'0') {
        m |= 1;
    }
    let mut v = m as f64; // `as` rounds to nearest, ties to even
    let mut shift = rest.len();
    while shift > 0 && v.is_finite() && v != 0.0 {
        let step = shift.min(64);
        v *= 2f64.powi((4 * step) as i32); // exact scaling by a power of two
        shift -= step;
    }
    v
}

/// JSON5 WhiteSpace and LineTerminator: TAB, LF, VT, FF, CR, SP, NBSP, BOM,
/// LS, PS, and the other Unicode `Zs` space separators.
fn is_json5_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{B}'
            | '\u{C}'
            | '\r'
            | ' '
            | '\u{A0}'
            | '\u{FEFF}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// ES5.1 IdentifierStart (UnicodeLetter, `$`, `_`).
fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || c == '$' || c == '_';
    }
    in_table(ID_START, c)
}

/// ES5.1 IdentifierPart (adds digits, combining marks, connector punctuation, ZWNJ/ZWJ).
fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '$' || c == '_';
    }
    c == '\u{200C}' || c == '\u{200D}' || in_table(ID_START, c) || in_table(ID_CONTINUE_EXTRA, c)
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// Non-ASCII code point ranges, generated from the npm json5 2.2.3 package
// (`lib/util.js` isIdStartChar / isIdContinueChar over its `lib/unicode.js`), so that
// identifier keys are accepted exactly when OpenClaw's JSON5.parse accepts them.
// Regenerate by evaluating those predicates for every code point >= 0x80 (see
// tests/data/json5/README.md). ID_CONTINUE_EXTRA lists IdentifierPart minus
// IdentifierStart.
#[rustfmt::skip]
static ID_START: &[(u32, u32)] = &[
    (0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2C1),
    (0x2C6, 0x2D1), (0x2E0, 0x2E4), (0x2EC, 0x2EC), (0x2EE, 0x2EE), (0x370, 0x374), (0x376, 0x377),
    (0x37A, 0x37D), (0x37F, 0x37F), (0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1),
    (0x3A3, 0x3F5), (0x3F7, 0x481), (0x48A, 0x52F), (0x531, 0x556), (0x559, 0x559), (0x561, 0x587),
    (0x5D0, 0x5EA), (0x5F0, 0x5F2), (0x620, 0x64A), (0x66E, 0x66F), (0x671, 0x6D3), (0x6D5, 0x6D5),
    (0x6E5, 0x6E6), (0x6EE, 0x6EF), (0x6FA, 0x6FC), (0x6FF, 0x6FF), (0x710, 0x710), (0x712, 0x72F),
    (0x74D, 0x7A5), (0x7B1, 0x7B1), (0x7CA, 0x7EA), (0x7F4, 0x7F5), (0x7FA, 0x7FA), (0x800, 0x815),
    (0x81A, 0x81A), (0x824, 0x824), (0x828, 0x828), (0x840, 0x858), (0x860, 0x86A), (0x8A0, 0x8B4),
    (0x8B6, 0x8BD), (0x904, 0x939), (0x93D, 0x93D), (0x950, 0x950), (0x958, 0x961), (0x971, 0x980),
    (0x985, 0x98C), (0x98F, 0x990), (0x993, 0x9A8), (0x9AA, 0x9B0), (0x9B2, 0x9B2), (0x9B6, 0x9B9),
    (0x9BD, 0x9BD), (0x9CE, 0x9CE), (0x9DC, 0x9DD), (0x9DF, 0x9E1), (0x9F0, 0x9F1), (0x9FC, 0x9FC),
    (0xA05, 0xA0A), (0xA0F, 0xA10), (0xA13, 0xA28), (0xA2A, 0xA30), (0xA32, 0xA33), (0xA35, 0xA36),
    (0xA38, 0xA39), (0xA59, 0xA5C), (0xA5E, 0xA5E), (0xA72, 0xA74), (0xA85, 0xA8D), (0xA8F, 0xA91),
    (0xA93, 0xAA8), (0xAAA, 0xAB0), (0xAB2, 0xAB3), (0xAB5, 0xAB9), (0xABD, 0xABD), (0xAD0, 0xAD0),
    (0xAE0, 0xAE1), (0xAF9, 0xAF9), (0xB05, 0xB0C), (0xB0F, 0xB10), (0xB13, 0xB28), (0xB2A, 0xB30),
    (0xB32, 0xB33), (0xB35, 0xB39), (0xB3D, 0xB3D), (0xB5C, 0xB5D), (0xB5F, 0xB61), (0xB71, 0xB71),
    (0xB83, 0xB83), (0xB85, 0xB8A), (0xB8E, 0xB90), (0xB92, 0xB95), (0xB99, 0xB9A), (0xB9C, 0xB9C),
    (0xB9E, 0xB9F), (0xBA3, 0xBA4), (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBD0, 0xBD0), (0xC05, 0xC0C),
    (0xC0E, 0xC10), (0xC12, 0xC28), (0xC2A, 0xC39), (0xC3D, 0xC3D), (0xC58, 0xC5A), (0xC60, 0xC61),
    (0xC80, 0xC80), (0xC85, 0xC8C), (0xC8E, 0xC90), (0xC92, 0xCA8), (0xCAA, 0xCB3), (0xCB5, 0xCB9),
    (0xCBD, 0xCBD), (0xCDE, 0xCDE), (0xCE0, 0xCE1), (0xCF1, 0xCF2), (0xD05, 0xD0C), (0xD0E, 0xD10),
    (0xD12, 0xD3A), (0xD3D, 0xD3D), (0xD4E, 0xD4E), (0xD54, 0xD56), (0xD5F, 0xD61), (0xD7A, 0xD7F),
    (0xD85, 0xD96), (0xD9A, 0xDB1), (0xDB3, 0xDBB), (0xDBD, 0xDBD), (0xDC0, 0xDC6), (0xE01, 0xE30),
    (0xE32, 0xE33), (0xE40, 0xE46), (0xE81, 0xE82), (0xE84, 0xE84), (0xE87, 0xE88), (0xE8A, 0xE8A),
    (0xE8D, 0xE8D), (0xE94, 0xE97), (0xE99, 0xE9F), (0xEA1, 0xEA3), (0xEA5, 0xEA5), (0xEA7, 0xEA7),
    (0xEAA, 0xEAB), (0xEAD, 0xEB0), (0xEB2, 0xEB3), (0xEBD, 0xEBD), (0xEC0, 0xEC4), (0xEC6, 0xEC6),
    (0xEDC, 0xEDF), (0xF00, 0xF00), (0xF40, 0xF47), (0xF49, 0xF6C), (0xF88, 0xF8C), (0x1000, 0x102A),
    (0x103F, 0x103F), (0x1050, 0x1055), (0x105A, 0x105D), (0x1061, 0x1061), (0x1065, 0x1066), (0x106E, 0x1070),
    (0x1075, 0x1081), (0x108E, 0x108E), (0x10A0, 0x10C5), (0x10C7, 0x10C7), (0x10CD, 0x10CD), (0x10D0, 0x10FA),
    (0x10FC, 0x1248), (0x124A, 0x124D), (0x1250, 0x1256), (0x1258, 0x1258), (0x125A, 0x125D), (0x1260, 0x1288),
    (0x128A, 0x128D), (0x1290, 0x12B0), (0x12B2, 0x12B5), (0x12B8, 0x12BE), (0x12C0, 0x12C0), (0x12C2, 0x12C5),
    (0x12C8, 0x12D6), (0x12D8, 0x1310), (0x1312, 0x1315), (0x1318, 0x135A), (0x1380, 0x138F), (0x13A0, 0x13F5),
    (0x13F8, 0x13FD), (0x1401, 0x166C), (0x166F, 0x167F), (0x1681, 0x169A), (0x16A0, 0x16EA), (0x16EE, 0x16F8),
    (0x1700, 0x170C), (0x170E, 0x1711), (0x1720, 0x1731), (0x1740, 0x1751), (0x1760, 0x176C), (0x176E, 0x1770),
    (0x1780, 0x17B3), (0x17D7, 0x17D7), (0x17DC, 0x17DC), (0x1820, 0x1877), (0x1880, 0x1884), (0x1887, 0x18A8),
    (0x18AA, 0x18AA), (0x18B0, 0x18F5), (0x1900, 0x191E), (0x1950, 0x196D), (0x1970, 0x1974), (0x1980, 0x19AB),
    (0x19B0, 0x19C9), (0x1A00, 0x1A16), (0x1A20, 0x1A54), (0x1AA7, 0x1AA7), (0x1B05, 0x1B33), (0x1B45, 0x1B4B),
    (0x1B83, 0x1BA0), (0x1BAE, 0x1BAF), (0x1BBA, 0x1BE5), (0x1C00, 0x1C23), (0x1C4D, 0x1C4F), (0x1C5A, 0x1C7D),
    (0x1C80, 0x1C88), (0x1CE9, 0x1CEC), (0x1CEE, 0x1CF1), (0x1CF5, 0x1CF6), (0x1D00, 0x1DBF), (0x1E00, 0x1F15),
    (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B),
    (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4),
    (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3), (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC),
    (0x2071, 0x2071), (0x207F, 0x207F), (0x2090, 0x209C), (0x2102, 0x2102), (0x2107, 0x2107), (0x210A, 0x2113),
    (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124), (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D),
    (0x212F, 0x2139), (0x213C, 0x213F), (0x2145, 0x2149), (0x214E, 0x214E), (0x2160, 0x2188), (0x2C00, 0x2C2E),
    (0x2C30, 0x2C5E), (0x2C60, 0x2CE4), (0x2CEB, 0x2CEE), (0x2CF2, 0x2CF3), (0x2D00, 0x2D25), (0x2D27, 0x2D27),
    (0x2D2D, 0x2D2D), (0x2D30, 0x2D67), (0x2D6F, 0x2D6F), (0x2D80, 0x2D96), (0x2DA0, 0x2DA6), (0x2DA8, 0x2DAE),
    (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE), (0x2DC0, 0x2DC6), (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6), (0x2DD8, 0x2DDE),
    (0x2E2F, 0x2E2F), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3038, 0x303C), (0x3041, 0x3096),
    (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312E), (0x3131, 0x318E), (0x31A0, 0x31BA),
    (0x31F0, 0x31FF), (0x3400, 0x4DB5), (0x4E00, 0x9FEA), (0xA000, 0xA48C), (0xA4D0, 0xA4FD), (0xA500, 0xA60C),
    (0xA610, 0xA61F), (0xA62A, 0xA62B), (0xA640, 0xA66E), (0xA67F, 0xA69D), (0xA6A0, 0xA6EF), (0xA717, 0xA71F),
    (0xA722, 0xA788), (0xA78B, 0xA7AE), (0xA7B0, 0xA7B7), (0xA7F7, 0xA801), (0xA803, 0xA805), (0xA807, 0xA80A),
    (0xA80C, 0xA822), (0xA840, 0xA873), (0xA882, 0xA8B3), (0xA8F2, 0xA8F7), (0xA8FB, 0xA8FB), (0xA8FD, 0xA8FD),
    (0xA90A, 0xA925), (0xA930, 0xA946), (0xA960, 0xA97C), (0xA984, 0xA9B2), (0xA9CF, 0xA9CF), (0xA9E0, 0xA9E4),
    (0xA9E6, 0xA9EF), (0xA9FA, 0xA9FE), (0xAA00, 0xAA28), (0xAA40, 0xAA42), (0xAA44, 0xAA4B), (0xAA60, 0xAA76),
    (0xAA7A, 0xAA7A), (0xAA7E, 0xAAAF), (0xAAB1, 0xAAB1), (0xAAB5, 0xAAB6), (0xAAB9, 0xAABD), (0xAAC0, 0xAAC0),
    (0xAAC2, 0xAAC2), (0xAADB, 0xAADD), (0xAAE0, 0xAAEA), (0xAAF2, 0xAAF4), (0xAB01, 0xAB06), (0xAB09, 0xAB0E),
    (0xAB11, 0xAB16), (0xAB20, 0xAB26), (0xAB28, 0xAB2E), (0xAB30, 0xAB5A), (0xAB5C, 0xAB65), (0xAB70, 0xABE2),
    (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB), (0xF900, 0xFA6D), (0xFA70, 0xFAD9), (0xFB00, 0xFB06),
    (0xFB13, 0xFB17), (0xFB1D, 0xFB1D), (0xFB1F, 0xFB28), (0xFB2A, 0xFB36), (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E),
    (0xFB40, 0xFB41), (0xFB43, 0xFB44), (0xFB46, 0xFBB1), (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7),
    (0xFDF0, 0xFDFB), (0xFE70, 0xFE74), (0xFE76, 0xFEFC), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0xFF66, 0xFFBE),
    (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0x10000, 0x1000B), (0x1000D, 0x10026),
    (0x10028, 0x1003A), (0x1003C, 0x1003D), (0x1003F, 0x1004D), (0x10050, 0x1005D), (0x10080, 0x100FA), (0x10140, 0x10174),
    (0x10280, 0x1029C), (0x102A0, 0x102D0), (0x10300, 0x1031F), (0x1032D, 0x1034A), (0x10350, 0x10375), (0x10380, 0x1039D),
    (0x103A0, 0x103C3), (0x103C8, 0x103CF), (0x103D1, 0x103D5), (0x10400, 0x1049D), (0x104B0, 0x104D3), (0x104D8, 0x104FB),
    (0x10500, 0x10527), (0x10530, 0x10563), (0x10600, 0x10736), (0x10740, 0x10755), (0x10760, 0x10767), (0x10800, 0x10805),
    (0x10808, 0x10808), (0x1080A, 0x10835), (0x10837, 0x10838), (0x1083C, 0x1083C), (0x1083F, 0x10855), (0x10860, 0x10876),
    (0x10880, 0x1089E), (0x108E0, 0x108F2), (0x108F4, 0x108F5), (0x10900, 0x10915), (0x10920, 0x10939), (0x10980, 0x109B7),
    (0x109BE, 0x109BF), (0x10A00, 0x10A00), (0x10A10, 0x10A13), (0x10A15, 0x10A17), (0x10A19, 0x10A33), (0x10A60, 0x10A7C),
    (0x10A80, 0x10A9C), (0x10AC0, 0x10AC7), (0x10AC9, 0x10AE4), (0x10B00, 0x10B35), (0x10B40, 0x10B55), (0x10B60, 0x10B72),
    (0x10B80, 0x10B91), (0x10C00, 0x10C48), (0x10C80, 0x10CB2), (0x10CC0, 0x10CF2), (0x11003, 0x11037), (0x11083, 0x110AF),
    (0x110D0, 0x110E8), (0x11103, 0x11126), (0x11150, 0x11172), (0x11176, 0x11176), (0x11183, 0x111B2), (0x111C1, 0x111C4),
    (0x111DA, 0x111DA), (0x111DC, 0x111DC), (0x11200, 0x11211), (0x11213, 0x1122B), (0x11280, 0x11286), (0x11288, 0x11288),
    (0x1128A, 0x1128D), (0x1128F, 0x1129D), (0x1129F, 0x112A8), (0x112B0, 0x112DE), (0x11305, 0x1130C), (0x1130F, 0x11310),
    (0x11313, 0x11328), (0x1132A, 0x11330), (0x11332, 0x11333), (0x11335, 0x11339), (0x1133D, 0x1133D), (0x11350, 0x11350),
    (0x1135D, 0x11361), (0x11400, 0x11434), (0x11447, 0x1144A), (0x11480, 0x114AF), (0x114C4, 0x114C5), (0x114C7, 0x114C7),
    (0x11580, 0x115AE), (0x115D8, 0x115DB), (0x11600, 0x1162F), (0x11644, 0x11644), (0x11680, 0x116AA), (0x11700, 0x11719),
    (0x118A0, 0x118DF), (0x118FF, 0x118FF), (0x11A00, 0x11A00), (0x11A0B, 0x11A32), (0x11A3A, 0x11A3A), (0x11A50, 0x11A50),
    (0x11A5C, 0x11A83), (0x11A86, 0x11A89), (0x11AC0, 0x11AF8), (0x11C00, 0x11C08), (0x11C0A, 0x11C2E), (0x11C40, 0x11C40),
    (0x11C72, 0x11C8F), (0x11D00, 0x11D06), (0x11D08, 0x11D09), (0x11D0B, 0x11D30), (0x11D46, 0x11D46), (0x12000, 0x12399),
    (0x12400, 0x1246E), (0x12480, 0x12543), (0x13000, 0x1342E), (0x14400, 0x14646), (0x16800, 0x16A38), (0x16A40, 0x16A5E),
    (0x16AD0, 0x16AED), (0x16B00, 0x16B2F), (0x16B40, 0x16B43), (0x16B63, 0x16B77), (0x16B7D, 0x16B8F), (0x16F00, 0x16F44),
    (0x16F50, 0x16F50), (0x16F93, 0x16F9F), (0x16FE0, 0x16FE1), (0x17000, 0x187EC), (0x18800, 0x18AF2), (0x1B000, 0x1B11E),
    (0x1B170, 0x1B2FB), (0x1BC00, 0x1BC6A), (0x1BC70, 0x1BC7C), (0x1BC80, 0x1BC88), (0x1BC90, 0x1BC99), (0x1D400, 0x1D454),
    (0x1D456, 0x1D49C), (0x1D49E, 0x1D49F), (0x1D4A2, 0x1D4A2), (0x1D4A5, 0x1D4A6), (0x1D4A9, 0x1D4AC), (0x1D4AE, 0x1D4B9),
    (0x1D4BB, 0x1D4BB), (0x1D4BD, 0x1D4C3), (0x1D4C5, 0x1D505), (0x1D507, 0x1D50A), (0x1D50D, 0x1D514), (0x1D516, 0x1D51C),
    (0x1D51E, 0x1D539), (0x1D53B, 0x1D53E), (0x1D540, 0x1D544), (0x1D546, 0x1D546), (0x1D54A, 0x1D550), (0x1D552, 0x1D6A5),
    (0x1D6A8, 0x1D6C0), (0x1D6C2, 0x1D6DA), (0x1D6DC, 0x1D6FA), (0x1D6FC, 0x1D714), (0x1D716, 0x1D734), (0x1D736, 0x1D74E),
    (0x1D750, 0x1D76E), (0x1D770, 0x1D788), (0x1D78A, 0x1D7A8), (0x1D7AA, 0x1D7C2), (0x1D7C4, 0x1D7CB), (0x1E800, 0x1E8C4),
    (0x1E900, 0x1E943), (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F), (0x1EE21, 0x1EE22), (0x1EE24, 0x1EE24), (0x1EE27, 0x1EE27),
    (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37), (0x1EE39, 0x1EE39), (0x1EE3B, 0x1EE3B), (0x1EE42, 0x1EE42), (0x1EE47, 0x1EE47),
    (0x1EE49, 0x1EE49), (0x1EE4B, 0x1EE4B), (0x1EE4D, 0x1EE4F), (0x1EE51, 0x1EE52), (0x1EE54, 0x1EE54), (0x1EE57, 0x1EE57),
    (0x1EE59, 0x1EE59), (0x1EE5B, 0x1EE5B), (0x1EE5D, 0x1EE5D), (0x1EE5F, 0x1EE5F), (0x1EE61, 0x1EE62), (0x1EE64, 0x1EE64),
    (0x1EE67, 0x1EE6A), (0x1EE6C, 0x1EE72), (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C), (0x1EE7E, 0x1EE7E), (0x1EE80, 0x1EE89),
    (0x1EE8B, 0x1EE9B), (0x1EEA1, 0x1EEA3), (0x1EEA5, 0x1EEA9), (0x1EEAB, 0x1EEBB), (0x20000, 0x2A6D6), (0x2A700, 0x2B734),
    (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1), (0x2CEB0, 0x2EBE0), (0x2F800, 0x2FA1D),
];
#[rustfmt::skip]
static ID_CONTINUE_EXTRA: &[(u32, u32)] = &[
    (0x300, 0x36F), (0x483, 0x487), (0x591, 0x5BD), (0x5BF, 0x5BF), (0x5C1, 0x5C2), (0x5C4, 0x5C5),
    (0x5C7, 0x5C7), (0x610, 0x61A), (0x64B, 0x669), (0x670, 0x670), (0x6D6, 0x6DC), (0x6DF, 0x6E4),
    (0x6E7, 0x6E8), (0x6EA, 0x6ED), (0x6F0, 0x6F9), (0x711, 0x711), (0x730, 0x74A), (0x7A6, 0x7B0),
    (0x7C0, 0x7C9), (0x7EB, 0x7F3), (0x816, 0x819), (0x81B, 0x823), (0x825, 0x827), (0x829, 0x82D),
    (0x859, 0x85B), (0x8D4, 0x8E1), (0x8E3, 0x903), (0x93A, 0x93C), (0x93E, 0x94F), (0x951, 0x957),
    (0x962, 0x963), (0x966, 0x96F), (0x981, 0x983), (0x9BC, 0x9BC), (0x9BE, 0x9C4), (0x9C7, 0x9C8),
    (0x9CB, 0x9CD), (0x9D7, 0x9D7), (0x9E2, 0x9E3), (0x9E6, 0x9EF), (0xA01, 0xA03), (0xA3C, 0xA3C),
    (0xA3E, 0xA42), (0xA47, 0xA48), (0xA4B, 0xA4D), (0xA51, 0xA51), (0xA66, 0xA71), (0xA75, 0xA75),
    (0xA81, 0xA83), (0xABC, 0xABC), (0xABE, 0xAC5), (0xAC7, 0xAC9), (0xACB, 0xACD), (0xAE2, 0xAE3),
    (0xAE6, 0xAEF), (0xAFA, 0xAFF), (0xB01, 0xB03), (0xB3C, 0xB3C), (0xB3E, 0xB44), (0xB47, 0xB48),
    (0xB4B, 0xB4D), (0xB56, 0xB57), (0xB62, 0xB63), (0xB66, 0xB6F), (0xB82, 0xB82), (0xBBE, 0xBC2),
    (0xBC6, 0xBC8), (0xBCA, 0xBCD), (0xBD7, 0xBD7), (0xBE6, 0xBEF), (0xC00, 0xC03), (0xC3E, 0xC44),
    (0xC46, 0xC48), (0xC4A, 0xC4D), (0xC55, 0xC56), (0xC62, 0xC63), (0xC66, 0xC6F), (0xC81, 0xC83),
    (0xCBC, 0xCBC), (0xCBE, 0xCC4), (0xCC6, 0xCC8), (0xCCA, 0xCCD), (0xCD5, 0xCD6), (0xCE2, 0xCE3),
    (0xCE6, 0xCEF), (0xD00, 0xD03), (0xD3B, 0xD3C), (0xD3E, 0xD44), (0xD46, 0xD48), (0xD4A, 0xD4D),
    (0xD57, 0xD57), (0xD62, 0xD63), (0xD66, 0xD6F), (0xD82, 0xD83), (0xDCA, 0xDCA), (0xDCF, 0xDD4),
    (0xDD6, 0xDD6), (0xDD8, 0xDDF), (0xDE6, 0xDEF), (0xDF2, 0xDF3), (0xE31, 0xE31), (0xE34, 0xE3A),
    (0xE47, 0xE4E), (0xE50, 0xE59), (0xEB1, 0xEB1), (0xEB4, 0xEB9), (0xEBB, 0xEBC), (0xEC8, 0xECD),
    (0xED0, 0xED9), (0xF18, 0xF19), (0xF20, 0xF29), (0xF35, 0xF35), (0xF37, 0xF37), (0xF39, 0xF39),
    (0xF3E, 0xF3F), (0xF71, 0xF84), (0xF86, 0xF87), (0xF8D, 0xF97), (0xF99, 0xFBC), (0xFC6, 0xFC6),
    (0x102B, 0x103E), (0x1040, 0x1049), (0x1056, 0x1059), (0x105E, 0x1060), (0x1062, 0x1064), (0x1067, 0x106D),
    (0x1071, 0x1074), (0x1082, 0x108D), (0x108F, 0x109D), (0x135D, 0x135F), (0x1712, 0x1714), (0x1732, 0x1734),
    (0x1752, 0x1753), (0x1772, 0x1773), (0x17B4, 0x17D3), (0x17DD, 0x17DD), (0x17E0, 0x17E9), (0x180B, 0x180D),
    (0x1810, 0x1819), (0x1885, 0x1886), (0x18A9, 0x18A9), (0x1920, 0x192B), (0x1930, 0x193B), (0x1946, 0x194F),
    (0x19D0, 0x19D9), (0x1A17, 0x1A1B), (0x1A55, 0x1A5E), (0x1A60, 0x1A7C), (0x1A7F, 0x1A89), (0x1A90, 0x1A99),
    (0x1AB0, 0x1ABD), (0x1B00, 0x1B04), (0x1B34, 0x1B44), (0x1B50, 0x1B59), (0x1B6B, 0x1B73), (0x1B80, 0x1B82),
    (0x1BA1, 0x1BAD), (0x1BB0, 0x1BB9), (0x1BE6, 0x1BF3), (0x1C24, 0x1C37), (0x1C40, 0x1C49), (0x1C50, 0x1C59),
    (0x1CD0, 0x1CD2), (0x1CD4, 0x1CE8), (0x1CED, 0x1CED), (0x1CF2, 0x1CF4), (0x1CF7, 0x1CF9), (0x1DC0, 0x1DF9),
    (0x1DFB, 0x1DFF), (0x200C, 0x200D), (0x203F, 0x2040), (0x2054, 0x2054), (0x20D0, 0x20DC), (0x20E1, 0x20E1),
    (0x20E5, 0x20F0), (0x2CEF, 0x2CF1), (0x2D7F, 0x2D7F), (0x2DE0, 0x2DFF), (0x302A, 0x302F), (0x3099, 0x309A),
    (0xA620, 0xA629), (0xA66F, 0xA66F), (0xA674, 0xA67D), (0xA69E, 0xA69F), (0xA6F0, 0xA6F1), (0xA802, 0xA802),
    (0xA806, 0xA806), (0xA80B, 0xA80B), (0xA823, 0xA827), (0xA880, 0xA881), (0xA8B4, 0xA8C5), (0xA8D0, 0xA8D9),
    (0xA8E0, 0xA8F1), (0xA900, 0xA909), (0xA926, 0xA92D), (0xA947, 0xA953), (0xA980, 0xA983), (0xA9B3, 0xA9C0),
    (0xA9D0, 0xA9D9), (0xA9E5, 0xA9E5), (0xA9F0, 0xA9F9), (0xAA29, 0xAA36), (0xAA43, 0xAA43), (0xAA4C, 0xAA4D),
    (0xAA50, 0xAA59), (0xAA7B, 0xAA7D), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4), (0xAAB7, 0xAAB8), (0xAABE, 0xAABF),
    (0xAAC1, 0xAAC1), (0xAAEB, 0xAAEF), (0xAAF5, 0xAAF6), (0xABE3, 0xABEA), (0xABEC, 0xABED), (0xABF0, 0xABF9),
    (0xFB1E, 0xFB1E), (0xFE00, 0xFE0F), (0xFE20, 0xFE2F), (0xFE33, 0xFE34), (0xFE4D, 0xFE4F), (0xFF10, 0xFF19),
    (0xFF3F, 0xFF3F), (0x101FD, 0x101FD), (0x102E0, 0x102E0), (0x10376, 0x1037A), (0x104A0, 0x104A9), (0x10A01, 0x10A03),
    (0x10A05, 0x10A06), (0x10A0C, 0x10A0F), (0x10A38, 0x10A3A), (0x10A3F, 0x10A3F), (0x10AE5, 0x10AE6), (0x11000, 0x11002),
    (0x11038, 0x11046), (0x11066, 0x1106F), (0x1107F, 0x11082), (0x110B0, 0x110BA), (0x110F0, 0x110F9), (0x11100, 0x11102),
    (0x11127, 0x11134), (0x11136, 0x1113F), (0x11173, 0x11173), (0x11180, 0x11182), (0x111B3, 0x111C0), (0x111CA, 0x111CC),
    (0x111D0, 0x111D9), (0x1122C, 0x11237), (0x1123E, 0x1123E), (0x112DF, 0x112EA), (0x112F0, 0x112F9), (0x11300, 0x11303),
    (0x1133C, 0x1133C), (0x1133E, 0x11344), (0x11347, 0x11348), (0x1134B, 0x1134D), (0x11357, 0x11357), (0x11362, 0x11363),
    (0x11366, 0x1136C), (0x11370, 0x11374), (0x11435, 0x11446), (0x11450, 0x11459), (0x114B0, 0x114C3), (0x114D0, 0x114D9),
    (0x115AF, 0x115B5), (0x115B8, 0x115C0), (0x115DC, 0x115DD), (0x11630, 0x11640), (0x11650, 0x11659), (0x116AB, 0x116B7),
    (0x116C0, 0x116C9), (0x1171D, 0x1172B), (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11A01, 0x11A0A), (0x11A33, 0x11A39),
    (0x11A3B, 0x11A3E), (0x11A47, 0x11A47), (0x11A51, 0x11A5B), (0x11A8A, 0x11A99), (0x11C2F, 0x11C36), (0x11C38, 0x11C3F),
    (0x11C50, 0x11C59), (0x11C92, 0x11CA7), (0x11CA9, 0x11CB6), (0x11D31, 0x11D36), (0x11D3A, 0x11D3A), (0x11D3C, 0x11D3D),
    (0x11D3F, 0x11D45), (0x11D47, 0x11D47), (0x11D50, 0x11D59), (0x16A60, 0x16A69), (0x16AF0, 0x16AF4), (0x16B30, 0x16B36),
    (0x16B50, 0x16B59), (0x16F51, 0x16F7E), (0x16F8F, 0x16F92), (0x1BC9D, 0x1BC9E), (0x1D165, 0x1D169), (0x1D16D, 0x1D172),
    (0x1D17B, 0x1D182), (0x1D185, 0x1D18B), (0x1D1AA, 0x1D1AD), (0x1D242, 0x1D244), (0x1D7CE, 0x1D7FF), (0x1DA00, 0x1DA36),
    (0x1DA3B, 0x1DA6C), (0x1DA75, 0x1DA75), (0x1DA84, 0x1DA84), (0x1DA9B, 0x1DA9F), (0x1DAA1, 0x1DAAF), (0x1E000, 0x1E006),
    (0x1E008, 0x1E018), (0x1E01B, 0x1E021), (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E8D0, 0x1E8D6), (0x1E944, 0x1E94A),
    (0x1E950, 0x1E959), (0xE0100, 0xE01EF),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value as J};

    fn ok(src: &str) -> Node {
        match parse(src) {
            Ok(n) => n,
            Err(e) => panic!("parse({src:?}) failed: {e}"),
        }
    }

    fn err(src: &str) -> ParseError {
        match parse(src) {
            Ok(n) => panic!("parse({src:?}) unexpectedly succeeded: {n:?}"),
            Err(e) => e,
        }
    }

    /// Asserts the error message and its 1-based line:col.
    fn assert_err(src: &str, message: &str, line: usize, col: usize) {
        let e = err(src);
        assert_eq!(
            (e.message.as_str(), e.line, e.col),
            (message, line, col),
            "for input {src:?}"
        );
        assert_eq!(line_col(src, e.offset), (line, col));
    }

    fn text(src: &str, span: Span) -> &str {
        span.slice(src).expect("span in bounds")
    }

    fn num(src: &str) -> f64 {
        ok(src).as_f64().expect("a number")
    }

    /// Structural equality with order-sensitive objects and numbers compared as f64
    /// (serde_json's own `==` ignores key order with `preserve_order`, and
    /// distinguishes 3 from 3.0).
    fn json_eq(a: &J, b: &J) -> bool {
        match (a, b) {
            (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
            (J::Array(x), J::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
            }
            (J::Object(x), J::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((kx, vx), (ky, vy))| kx == ky && json_eq(vx, vy))
            }
            _ => a == b,
        }
    }

    // ----- structure and spans -----------------------------------------------------

    #[test]
    fn spans_of_values_and_keys() {
        let src = "{a: 'x', \"b c\": [1, -2.5e3, true], d: null}";
        let root = ok(src);
        assert_eq!(root.span, Span::new(0, src.len()));
        let members = root.as_object().unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(text(src, members[0].key_span), "a");
        assert_eq!(text(src, members[0].value.span), "'x'");
        assert_eq!(members[0].value.as_str(), Some("x"));
        assert_eq!(text(src, members[1].key_span), "\"b c\"");
        assert_eq!(members[1].key, "b c");
        let arr = &members[1].value;
        assert_eq!(text(src, arr.span), "[1, -2.5e3, true]");
        let items = arr.as_array().unwrap();
        assert_eq!(text(src, items[1].span), "-2.5e3");
        assert_eq!(items[1].as_f64(), Some(-2500.0));
        assert_eq!(text(src, items[2].span), "true");
        assert_eq!(text(src, members[2].value.span), "null");
        assert!(members[2].value.is_null());
    }

    #[test]
    fn spans_with_comments_multibyte_and_escaped_keys() {
        let src = "/* ünïcödé */ {\\u0061b /*k*/ : /*v*/ \"✓\\n\" // end\n}";
        let root = ok(src);
        assert_eq!(text(src, root.span), &src[src.find('{').unwrap()..]);
        let m = &root.as_object().unwrap()[0];
        assert_eq!(m.key, "ab");
        assert_eq!(text(src, m.key_span), "\\u0061b");
        assert_eq!(text(src, m.value.span), "\"✓\\n\"");
        assert_eq!(m.value.as_str(), Some("✓\n"));
    }

    #[test]
    fn scalar_top_level_values_and_surrounding_whitespace() {
        let src = "  // lead\n  'v' /* trail */ \n";
        let n = ok(src);
        assert_eq!(text(src, n.span), "'v'");
        assert_eq!(ok("true").as_bool(), Some(true));
        assert_eq!(ok("false").as_bool(), Some(false));
        assert!(ok("null").is_null());
        assert_eq!(ok("[]").as_array().map(<[Node]>::len), Some(0));
        assert_eq!(ok("{}").as_object().map(<[Member]>::len), Some(0));
        assert_eq!(ok("{ }").span, Span::new(0, 3));
    }

    #[test]
    fn redaction_by_span_replacement_keeps_everything_else() {
        let src = "{\n  // keep me\n  token: 'sk-secret', /* and me */ other: \"x\",\n}\n";
        let root = ok(src);
        let span = root.get("token").unwrap().span;
        let redacted = format!(
            "{}{}{}",
            &src[..span.start],
            quote_string("[REDACTED]"),
            &src[span.end..]
        );
        assert!(redacted.contains("// keep me") && redacted.contains("/* and me */"));
        let again = ok(&redacted);
        assert_eq!(
            again.to_json(),
            json!({"token": "[REDACTED]", "other": "x"})
        );
    }

    // ----- comments, commas, top level ---------------------------------------------

    #[test]
    fn comments_everywhere() {
        let src = "// a\n/* b */{/*c*/a/*d*/:/*e*/[/*f*/1/*g*/,/*h*/]/*i*/,/*j*/}/* k */// l";
        assert_eq!(ok(src).to_json(), json!({"a": [1]}));
        assert_eq!(ok("1// no newline at end").as_f64(), Some(1.0));
        assert_eq!(ok("/**/1/***/").as_f64(), Some(1.0));
        assert_eq!(ok("/* * / ** */ 2").as_f64(), Some(2.0));
        // Line comments end at CR, LS and PS too.
        assert_eq!(
            ok("[1, // c\r2, // c\u{2028}3, // c\u{2029}4]").to_json(),
            json!([1, 2, 3, 4])
        );
        // Comment markers inside strings are text.
        assert_eq!(ok("'/* x */ // y'").as_str(), Some("/* x */ // y"));
    }

    #[test]
    fn comment_errors() {
        assert_err("/* never closed", "unterminated block comment", 1, 16);
        assert_err("{a: 1 /* x", "unterminated block comment", 1, 11);
        assert_err(
            "1 /x",
            "expected '/' or '*' after '/' to start a comment, found 'x'",
            1,
            4,
        );
        assert_err(
            "1 /",
            "expected '/' or '*' after '/' to start a comment, found end of input",
            1,
            4,
        );
    }

    #[test]
    fn trailing_commas() {
        assert_eq!(ok("[1,]").to_json(), json!([1]));
        assert_eq!(ok("[1, 2, /* c */ ]").to_json(), json!([1, 2]));
        assert_eq!(ok("{a: 1,}").to_json(), json!({"a": 1}));
        assert_eq!(ok("{a: [{},],\n}").to_json(), json!({"a": [{}]}));
        assert_err("[,]", "expected value, found ','", 1, 2);
        assert_err("[1,,]", "expected value, found ','", 1, 4);
        assert_err("{,}", "expected property name or '}', found ','", 1, 2);
        assert_err("{a: 1,,}", "expected property name or '}', found ','", 1, 7);
    }

    #[test]
    fn structural_errors() {
        assert_err("", "expected value, found end of input", 1, 1);
        assert_err("  \n ", "expected value, found end of input", 2, 2);
        assert_err("// only", "expected value, found end of input", 1, 8);
        assert_err(
            "{",
            "expected property name or '}', found end of input",
            1,
            2,
        );
        assert_err("[", "expected value, found end of input", 1, 2);
        assert_err("]", "expected value, found ']'", 1, 1);
        assert_err(
            "[1",
            "expected ',' or ']' after array element, found end of input",
            1,
            3,
        );
        assert_err(
            "[1 2]",
            "expected ',' or ']' after array element, found '2'",
            1,
            4,
        );
        assert_err(
            "{a: 1 b: 2}",
            "expected ',' or '}' after object member, found 'b'",
            1,
            7,
        );
        assert_err(
            "{a: 1 x",
            "expected ',' or '}' after object member, found 'x'",
            1,
            7,
        );
        assert_err("{a 1}", "expected ':' after property name, found '1'", 1, 4);
        assert_err(
            "{\"a\" 1}",
            "expected ':' after property name, found '1'",
            1,
            6,
        );
        assert_err("{a: }", "expected value, found '}'", 1, 5);
        assert_err("{1: 2}", "expected property name or '}', found '1'", 1, 2);
        assert_err(
            "{a: 1} x",
            "expected end of input after top-level value, found 'x'",
            1,
            8,
        );
        assert_err(
            "1 2",
            "expected end of input after top-level value, found '2'",
            1,
            3,
        );
        assert_err(
            "[1] [2]",
            "expected end of input after top-level value, found '['",
            1,
            5,
        );
        assert_err(
            "{a: undefined}",
            "expected value, found identifier 'undefined' (strings must be quoted)",
            1,
            5,
        );
        assert_err(
            "truex",
            "expected value, found identifier 'truex' (strings must be quoted)",
            1,
            1,
        );
        assert_err(
            "True",
            "expected value, found identifier 'True' (strings must be quoted)",
            1,
            1,
        );
        assert_err("@", "expected value, found '@'", 1, 1);
        assert_err("\u{1}", "expected value, found '\\u{1}'", 1, 1);
    }

    #[test]
    fn long_identifiers_are_truncated_in_messages() {
        let word = "x".repeat(1000);
        let e = err(&word);
        assert!(e.message.len() < 120, "{}", e.message);
        assert!(e.message.contains('…'));
    }

    // ----- keys ----------------------------------------------------------------------

    #[test]
    fn identifier_keys() {
        let n = ok("{$: 1, _: 2, $a_1: 3, null: 4, true: 5, Infinity: 6, NaN: 7}");
        let keys: Vec<&str> = n
            .as_object()
            .unwrap()
            .iter()
            .map(|m| m.key.as_str())
            .collect();
        assert_eq!(keys, ["$", "_", "$a_1", "null", "true", "Infinity", "NaN"]);
        // Unicode letters (Lu, Ll, Lt, Lm, Lo, Nl) start; Mn, Mc, Nd, Pc, ZWNJ, ZWJ continue.
        let n = ok("{ümlaut: 1, ключ: 2, 変数: 3, ǅ: 4, ʰ: 5, Ⅻ: 6, a\u{301}: 7, a\u{903}: 8, a\u{660}: 9, a\u{203F}: 10, a\u{200C}\u{200D}: 11, 𐀀: 12}");
        assert_eq!(n.as_object().unwrap().len(), 12);
        assert_eq!(n.get("a\u{301}").and_then(Node::as_f64), Some(7.0));
        assert_eq!(n.get("𐀀").and_then(Node::as_f64), Some(12.0));
        // Escapes in identifiers, also for the first char and to '$'.
        let n = ok("{\\u0041\\u0062c: 1, a\\u0301: 2, \\u0024: 3}");
        assert_eq!(n.to_json(), json!({"Abc": 1, "a\u{301}": 2, "$": 3}));
    }

    #[test]
    fn key_errors() {
        assert_err(
            "{\u{301}a: 1}",
            "expected property name or '}', found '\\u{301}'",
            1,
            2,
        );
        assert_err("{℮: 1}", "expected property name or '}', found '℮'", 1, 2);
        assert_err("{-a: 1}", "expected property name or '}', found '-'", 1, 2);
        assert_err(
            "{a-b: 1}",
            "expected ':' after property name, found '-'",
            1,
            3,
        );
        assert_err(
            "{\\u0030a: 1}",
            "escape '\\u0030' is not a valid identifier character here",
            1,
            2,
        );
        assert_err(
            "{a\\u002Db: 1}",
            "escape '\\u002D' is not a valid identifier character here",
            1,
            3,
        );
        assert_err(
            "{a\\uD800: 1}",
            "escape '\\uD800' is not a valid identifier character here",
            1,
            3,
        );
        assert_err(
            "{\\x61: 1}",
            "expected 'u' after '\\' in identifier, found 'x'",
            1,
            3,
        );
        assert_err(
            "{a\\: 1}",
            "expected 'u' after '\\' in identifier, found ':'",
            1,
            4,
        );
        assert_err(
            "{a\\u12: 1}",
            "invalid escape '\\u' in identifier: expected 4 hex digits",
            1,
            3,
        );
        assert_err(
            "{a\u{A0}b: 1}",
            "expected ':' after property name, found 'b'",
            1,
            4,
        );
        assert_err(
            "{'a\nb': 1}",
            "unterminated string (line break before closing quote; use \\n)",
            1,
            4,
        );
    }

    // ----- strings -------------------------------------------------------------------

    #[test]
    fn string_escapes() {
        assert_eq!(
            ok(r#""\b\f\n\r\t\v\0""#).as_str(),
            Some("\u{8}\u{C}\n\r\t\u{B}\0")
        );
        assert_eq!(ok(r#""\\\/\'\"""#).as_str(), Some("\\/'\""));
        assert_eq!(ok(r#"'\'\"'"#).as_str(), Some("'\""));
        assert_eq!(ok(r#""\x41\xe9\x00""#).as_str(), Some("Aé\0"));
        assert_eq!(ok(r#""\u0041\u00E9\u4e2d""#).as_str(), Some("Aé中"));
        // Any other character escapes to itself.
        assert_eq!(ok(r#""\a\c\q\z\ \é\✓""#).as_str(), Some("acqz é✓"));
        // '\0' not followed by a digit is NUL.
        assert_eq!(ok(r#""\0a""#).as_str(), Some("\0a"));
        // Quotes of the other kind need no escaping.
        assert_eq!(ok(r#"'say "hi"'"#).as_str(), Some("say \"hi\""));
        assert_eq!(ok(r#""it's""#).as_str(), Some("it's"));
        // Raw control chars other than LF/CR, and raw LS/PS, are allowed.
        assert_eq!(
            ok("'a\tb\u{1}c\u{2028}d\u{2029}e'").as_str(),
            Some("a\tb\u{1}c\u{2028}d\u{2029}e")
        );
        assert_eq!(ok("''").as_str(), Some(""));
    }

    #[test]
    fn surrogates() {
        assert_eq!(ok(r#""\uD83D\uDE00""#).as_str(), Some("😀"));
        assert_eq!(ok(r#""\ud83d\ude00!""#).as_str(), Some("😀!"));
        // Lone surrogates cannot be represented in Rust strings: U+FFFD.
        assert_eq!(ok(r#""\uD83D""#).as_str(), Some("\u{FFFD}"));
        assert_eq!(ok(r#""\uDE00x""#).as_str(), Some("\u{FFFD}x"));
        assert_eq!(ok(r#""\uD83Dx""#).as_str(), Some("\u{FFFD}x"));
        assert_eq!(ok(r#""\uD83D\u0041""#).as_str(), Some("\u{FFFD}A"));
        assert_eq!(ok(r#""\uD83D\uD83D\uDE00""#).as_str(), Some("\u{FFFD}😀"));
        assert_eq!(ok(r#""\uD83D\n""#).as_str(), Some("\u{FFFD}\n"));
    }

    #[test]
    fn line_continuations() {
        assert_eq!(ok("'a\\\nb'").as_str(), Some("ab"));
        assert_eq!(ok("'a\\\r\nb'").as_str(), Some("ab"));
        assert_eq!(ok("'a\\\rb'").as_str(), Some("ab"));
        // Only one line terminator is swallowed.
        assert!(parse("'a\\\r\n\nb'").is_err());
        assert_eq!(ok("'a\\\u{2028}b\\\u{2029}c'").as_str(), Some("abc"));
    }

    #[test]
    fn string_errors() {
        assert_err("\"abc", "unterminated string", 1, 5);
        assert_err("'abc", "unterminated string", 1, 5);
        assert_err("'abc\\", "unterminated string", 1, 6);
        assert_err(
            "{a: 'x\ny'}",
            "unterminated string (line break before closing quote; use \\n)",
            1,
            7,
        );
        assert_err(
            "'x\ry'",
            "unterminated string (line break before closing quote; use \\n)",
            1,
            3,
        );
        assert_err(r#""\1""#, "invalid escape '\\1'", 1, 2);
        assert_err(r#""ab\9""#, "invalid escape '\\9'", 1, 4);
        assert_err(
            r#""\01""#,
            "invalid escape '\\01' (octal escapes are not allowed)",
            1,
            2,
        );
        assert_err(
            r#""\x4""#,
            "invalid escape '\\x': expected 2 hex digits",
            1,
            2,
        );
        assert_err(
            r#""\xZZ""#,
            "invalid escape '\\x': expected 2 hex digits",
            1,
            2,
        );
        assert_err(
            r#""\u12""#,
            "invalid escape '\\u': expected 4 hex digits",
            1,
            2,
        );
        assert_err(
            r#""\u12G4""#,
            "invalid escape '\\u': expected 4 hex digits",
            1,
            2,
        );
        assert_err(
            "\"\\u00é\"",
            "invalid escape '\\u': expected 4 hex digits",
            1,
            2,
        );
        // Errors after multibyte text count columns in chars.
        assert_err("'ééé\\1'", "invalid escape '\\1'", 1, 5);
    }

    // ----- numbers -------------------------------------------------------------------

    #[test]
    fn numbers() {
        assert_eq!(num("0"), 0.0);
        assert!(num("-0").is_sign_negative());
        assert_eq!(num("42"), 42.0);
        assert_eq!(num("+1"), 1.0);
        assert_eq!(num("-1"), -1.0);
        assert_eq!(num(".5"), 0.5);
        assert_eq!(num("+.5"), 0.5);
        assert_eq!(num("5."), 5.0);
        assert_eq!(num("-5.e-1"), -0.5);
        assert_eq!(num("1e3"), 1000.0);
        assert_eq!(num("1E+3"), 1000.0);
        assert_eq!(num("1.5e-3"), 0.0015);
        assert_eq!(num(".5e1"), 5.0);
        assert_eq!(num("0e5"), 0.0);
        assert_eq!(num("0.1"), 0.1);
        assert_eq!(num("1.7976931348623157e308"), f64::MAX);
        assert_eq!(num("4.9e-324"), 5e-324);
        assert_eq!(num("1e400"), f64::INFINITY);
        assert_eq!(num("-1e400"), f64::NEG_INFINITY);
        assert_eq!(num("123456789012345678"), 123456789012345680.0);
        assert_eq!(num("Infinity"), f64::INFINITY);
        assert_eq!(num("+Infinity"), f64::INFINITY);
        assert_eq!(num("-Infinity"), f64::NEG_INFINITY);
        assert!(num("NaN").is_nan());
        assert!(num("-NaN").is_nan());
        let n = ok("[+.5, 0x1F, -Infinity]");
        let raws: Vec<&str> = n
            .as_array()
            .unwrap()
            .iter()
            .map(|n| match &n.value {
                Value::Number(n) => n.raw.as_str(),
                _ => panic!("not a number"),
            })
            .collect();
        assert_eq!(raws, ["+.5", "0x1F", "-Infinity"]);
    }

    #[test]
    fn hex_numbers() {
        assert_eq!(num("0x1F"), 31.0);
        assert_eq!(num("0XaBc"), 2748.0);
        assert_eq!(num("-0x10"), -16.0);
        assert_eq!(num("+0x10"), 16.0);
        assert_eq!(num("0x0"), 0.0);
        assert_eq!(num("0x00000000000000000000000000000000000000001"), 1.0);
        assert_eq!(num("0x1FFFFFFFFFFFFF"), 9007199254740991.0);
        // 2^53 + 1 is a tie: round to even (2^53); 2^53 + 3 rounds up to 2^53 + 4.
        assert_eq!(num("0x20000000000001"), 9007199254740992.0);
        assert_eq!(num("0x20000000000003"), 9007199254740996.0);
        // Beyond 30 digits the tail acts as a sticky bit: just above the tie rounds up.
        let above_tie = format!("0x20000000000001{}1", "0".repeat(16));
        assert_eq!(num(&above_tie), 9007199254740994.0 * 2f64.powi(68));
        let tie = format!("0x20000000000001{}", "0".repeat(17));
        assert_eq!(num(&tie), 9007199254740992.0 * 2f64.powi(68));
        assert_eq!(num(&format!("0x1{}", "0".repeat(300))), f64::INFINITY);
    }

    #[test]
    fn number_errors() {
        assert_err("01", "leading zeros are not allowed in numbers", 1, 2);
        assert_err("-00.5", "leading zeros are not allowed in numbers", 1, 3);
        assert_err("[1e]", "expected digit in exponent, found ']'", 1, 4);
        assert_err(
            "1e+",
            "expected digit in exponent, found end of input",
            1,
            4,
        );
        assert_err(".", "expected digit, found end of input", 1, 2);
        assert_err("-.e1", "expected digit, found 'e'", 1, 3);
        assert_err("-", "expected number, found end of input", 1, 2);
        assert_err("- 1", "expected number, found ' '", 1, 2);
        assert_err("+-1", "expected number, found '-'", 1, 2);
        assert_err("-Infinit", "expected number, found 'Infinit'", 1, 2);
        assert_err("-true", "expected number, found 'true'", 1, 2);
        assert_err(
            "0x",
            "expected hex digit after '0x', found end of input",
            1,
            3,
        );
        assert_err("0xG", "expected hex digit after '0x', found 'G'", 1, 3);
        assert_err("0x1G", "unexpected character 'G' after number", 1, 4);
        assert_err("1abc", "unexpected character 'a' after number", 1, 2);
        assert_err("1.5e3x", "unexpected character 'x' after number", 1, 6);
        assert_err(
            "1.2.3",
            "expected end of input after top-level value, found '.'",
            1,
            4,
        );
        assert_err(
            "Infinityx",
            "expected value, found identifier 'Infinityx' (strings must be quoted)",
            1,
            1,
        );
        assert_err(
            "0x1.5",
            "expected end of input after top-level value, found '.'",
            1,
            4,
        );
    }

    // ----- whitespace ----------------------------------------------------------------

    #[test]
    fn whitespace_kinds() {
        let ws = "\t\n\u{B}\u{C}\r \u{A0}\u{FEFF}\u{2028}\u{2029}\u{1680}\u{2000}\u{200A}\u{202F}\u{205F}\u{3000}";
        let src = format!("{ws}{{{ws}a{ws}:{ws}[{ws}1{ws},{ws}]{ws}}}{ws}");
        assert_eq!(ok(&src).to_json(), json!({"a": [1]}));
        assert_eq!(ok("\u{FEFF}{a: 1}").to_json(), json!({"a": 1}));
        // Not whitespace: zero-width space (Cf) and NEL (Cc).
        assert_err("\u{200B}1", "expected value, found '\\u{200b}'", 1, 1);
        assert_err("\u{85}1", "expected value, found '\\u{85}'", 1, 1);
    }

    // ----- depth ---------------------------------------------------------------------

    #[test]
    fn depth_limit() {
        let ok_depth = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(parse(&ok_depth).is_ok());
        let too_deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_err(&too_deep, "nesting deeper than 128 levels", 1, 129);
        let objs = format!("{}1{}", "{a:".repeat(129), "}".repeat(129));
        assert_err(&objs, "nesting deeper than 128 levels", 1, 3 * 128 + 1);
        let opts = ParseOptions { max_depth: 2 };
        assert!(parse_with("[[1]]", &opts).is_ok());
        assert_eq!(
            parse_with("[[[1]]]", &opts).unwrap_err().message,
            "nesting deeper than 2 levels"
        );
        assert!(parse_with("1", &ParseOptions { max_depth: 0 }).is_ok());
        assert!(parse_with("[]", &ParseOptions { max_depth: 0 }).is_err());
        assert_eq!(ParseOptions::default().max_depth, 128);
    }

    #[test]
    fn hundred_thousand_deep_input_is_an_error_not_a_stack_overflow() {
        let arrays = "[".repeat(100_000);
        assert_eq!(err(&arrays).message, "nesting deeper than 128 levels");
        let objects = "{a:".repeat(100_000);
        assert_eq!(err(&objects).message, "nesting deeper than 128 levels");
        // The parser itself uses no recursion: a raised limit still works, and
        // unbalanced input fails cleanly.
        let opts = ParseOptions {
            max_depth: usize::MAX,
        };
        assert_eq!(
            parse_with(&arrays, &opts).unwrap_err().message,
            "expected value, found end of input"
        );
        // (Kept to a depth whose recursive Drop is safe on a 2 MiB test thread.)
        let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(parse_with(&deep, &opts).is_ok());
    }

    // ----- errors: positions, Display, render -----------------------------------------

    #[test]
    fn error_positions_on_later_lines() {
        let src = "{\n  \"ключ\": 1,\n  b: 'é' x\n}";
        let e = err(src);
        assert_eq!(
            e.message,
            "expected ',' or '}' after object member, found 'x'"
        );
        assert_eq!((e.line, e.col), (3, 10));
        assert_eq!(&src[e.offset..e.offset + 1], "x");
        assert_eq!(
            e.to_string(),
            "3:10: expected ',' or '}' after object member, found 'x'"
        );
        // CRLF: the CR belongs to the previous line; columns are unaffected.
        let e = err("{\r\n  a: ?\r\n}");
        assert_eq!((e.line, e.col), (2, 6));
    }

    #[test]
    fn render_with_caret() {
        let src = "{\n  a: 1,\n  b: 'x\n}\n";
        let e = err(src);
        assert_eq!(
            e.render(src, "openclaw.json"),
            "openclaw.json:3:8: unterminated string (line break before closing quote; use \\n)\n  |   b: 'x\n  |        ^"
        );
        // End of input: caret after the last char of the last line.
        let src = "[1,\n 2";
        assert_eq!(
            err(src).render(src, "f.json5"),
            "f.json5:2:3: expected ',' or ']' after array element, found end of input\n  |  2\n  |   ^"
        );
        // Tabs before the caret are kept so it lines up; CR is not shown.
        let src = "{\r\n\ta:\t@\r\n}";
        assert_eq!(
            err(src).render(src, "p"),
            "p:2:5: expected value, found '@'\n  | \ta:\t@\n  | \t  \t^"
        );
        // Control and bidi characters in the quoted line are neutralised.
        let src = "['\u{1b}[31m', \u{202E} 1]";
        let r = err(src).render(src, "p");
        assert!(!r.contains('\u{1b}') && !r.contains('\u{202E}'), "{r:?}");
        assert!(r.ends_with(&format!("\n  | {}^", " ".repeat(10))), "{r:?}");
    }

    #[test]
    fn render_windows_long_lines() {
        let src = format!("[{}x]", "1,".repeat(500));
        let e = err(&src);
        let r = e.render(&src, "min.json");
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "min.json:1:1002: expected value, found identifier 'x' (strings must be quoted)"
        );
        assert!(lines[1].chars().count() < 130 && lines[1].starts_with("  | …"));
        let caret_col = lines[2].chars().count() - 1;
        assert_eq!(lines[1].chars().nth(caret_col), Some('x'));
    }

    #[test]
    fn line_col_clamps() {
        let src = "ab\ncé\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 2), (1, 3));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 5), (2, 2)); // mid-'é' clamps back to its start
        assert_eq!(line_col(src, 6), (2, 3));
        assert_eq!(line_col(src, 7), (3, 1));
        assert_eq!(line_col(src, 1000), (3, 1));
        assert_eq!(line_col("", 5), (1, 1));
    }

    // ----- accessors and JS semantics --------------------------------------------------

    #[test]
    fn duplicate_keys_last_wins_first_position() {
        let src = "{a: 1, b: {c: 'old'}, a: 2, b: {c: 'new', d: [1]}, z: null}";
        let n = ok(src);
        assert_eq!(
            n.as_object().unwrap().len(),
            5,
            "duplicates are kept in the tree"
        );
        assert_eq!(n.get("a").and_then(Node::as_f64), Some(2.0));
        assert_eq!(n.pointer(&["b", "c"]).and_then(Node::as_str), Some("new"));
        assert_eq!(n.pointer(&[]), Some(&n));
        assert!(n.pointer(&["b", "missing"]).is_none());
        assert!(
            n.pointer(&["b", "d", "0"]).is_none(),
            "pointer does not index arrays"
        );
        let j = n.to_json();
        assert_eq!(j, json!({"a": 2, "b": {"c": "new", "d": [1]}, "z": null}));
        let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "z"]);
        let j = ok("{z: 1, a: 2, z: 3}").to_json();
        assert_eq!(
            j.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["z", "a"]
        );
    }

    #[test]
    fn accessors_on_wrong_kinds() {
        let n = ok("[1, 'a', true, null, {}, []]");
        let items = n.as_array().unwrap();
        assert!(n.get("x").is_none() && n.as_object().is_none() && n.as_str().is_none());
        assert_eq!(items[0].as_str(), None);
        assert_eq!(items[1].as_f64(), None);
        assert_eq!(items[2].as_bool(), Some(true));
        assert!(items[3].is_null() && !items[0].is_null());
        assert_eq!(items[4].value.kind(), "object");
        assert!(items[5].as_array().is_some() && items[5].get("a").is_none());
    }

    #[test]
    fn to_json_numbers() {
        let j = ok("[1, -0, 1.5, 0x10, 9007199254740991, 9007199254740992, 1e300, Infinity, -Infinity, NaN, -7]").to_json();
        let a = j.as_array().unwrap();
        assert!(a[0].is_i64() && a[0] == json!(1));
        assert!(a[1].is_i64() && a[1] == json!(0));
        assert_eq!(a[2], json!(1.5));
        assert_eq!(a[3], json!(16));
        assert!(a[4].is_i64() && a[4] == json!(9007199254740991i64));
        assert!(a[5].is_f64() && a[5].as_f64() == Some(9007199254740992.0));
        assert!(a[6].is_f64());
        assert!(a[7].is_null() && a[8].is_null() && a[9].is_null());
        assert_eq!(a[10], json!(-7));
    }

    #[test]
    fn quote_string_examples() {
        assert_eq!(quote_string("plain"), "\"plain\"");
        assert_eq!(quote_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            quote_string("\n\r\t\u{8}\u{C}\0\u{1f}\u{7f}"),
            r#""\n\r\t\b\f\u0000\u001f\u007f""#
        );
        assert_eq!(
            quote_string("\u{2028}\u{2029}é😀'"),
            "\"\\u2028\\u2029é😀'\""
        );
        let s = "x\u{0}\"\u{2028}";
        assert_eq!(serde_json::from_str::<String>(&quote_string(s)).unwrap(), s);
    }

    #[test]
    fn span_slice_helpers() {
        let s = Span::new(2, 5);
        assert_eq!((s.len(), s.is_empty()), (3, false));
        assert_eq!(s.slice("abcdef"), Some("cde"));
        assert_eq!(s.slice("ab"), None);
        assert_eq!(Span::new(1, 2).slice("é"), None);
        assert!(Span::default().is_empty());
    }

    // ----- cross-check with npm json5 (JSON5.parse) -------------------------------------

    #[test]
    fn agrees_with_npm_json5() {
        let cases: J =
            serde_json::from_str(include_str!("../../tests/data/json5/cases.json")).unwrap();
        let cases = cases.as_array().unwrap();
        assert!(cases.len() >= 60);
        let mut failures = Vec::new();
        for case in cases {
            let input = case["input"].as_str().unwrap();
            let expect_ok = case["ok"].as_bool().unwrap();
            match (parse(input), expect_ok) {
                (Ok(node), true) => {
                    let got = node.to_json();
                    if !json_eq(&got, &case["value"]) {
                        failures.push(format!(
                            "{input:?}: got {got}, json5 gives {}",
                            case["value"]
                        ));
                    }
                }
                (Err(_), false) => {}
                (Ok(node), false) => failures.push(format!(
                    "{input:?}: accepted ({}) but json5 rejects",
                    node.to_json()
                )),
                (Err(e), true) => {
                    failures.push(format!("{input:?}: rejected ({e}) but json5 accepts"))
                }
            }
        }
        assert!(
            failures.is_empty(),
            "disagreements with npm json5:\n{}",
            failures.join("\n")
        );
    }

    // ----- property tests -------------------------------------------------------------

    fn arb_json() -> impl Strategy<Value = J> {
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            any::<i64>().prop_map(J::from),
            (-1_000_000i64..1_000_000).prop_map(J::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(J::from),
            (-1e6f64..1e6).prop_map(J::from),
            any::<String>().prop_map(J::String),
            "[a-z_$'\"\\\\/*\n\u{2028} ]{0,8}".prop_map(J::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            let key = prop_oneof![
                any::<String>(),
                "[a-zA-Z_$][a-zA-Z0-9_$]{0,6}",
                "[0-9]{1,3}"
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
                prop::collection::vec((key, inner), 0..6)
                    .prop_map(|kv| J::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Tiny deterministic RNG so one proptest-generated seed drives all style choices.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
            options[(self.next() % options.len() as u64) as usize]
        }
        fn coin(&mut self) -> bool {
            self.next() & 1 == 0
        }
    }

    fn gap(rng: &mut Rng, out: &mut String) {
        out.push_str(rng.pick(&[
            "",
            "",
            " ",
            "\n  ",
            "\t",
            "/* c */",
            "// line\n",
            "\u{2028}",
            "\u{A0}",
            "\u{FEFF}",
            "\r\n",
            "/**/ ",
        ]));
    }

    fn json5_quote(s: &str, rng: &mut Rng) -> String {
        let q = if rng.coin() { '\'' } else { '"' };
        let mut out = String::from(q);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str(rng.pick(&["\\n", "\\u000a", "\\x0A", "\\u000A"])),
                '\r' => out.push_str("\\r"),
                c if c == q => {
                    out.push('\\');
                    out.push(c);
                }
                c if rng.next() & 7 == 0 => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                // Not b f n r t u v x or digits, which are escapes with a meaning.
                c if rng.next() & 15 == 0
                    && matches!(c, 'a' | 'c'..='e' | 'g'..='m' | 'o'..='q' | 's' | 'w' | 'y' | 'z' | '\'' | '"' | '/') =>
                {
                    out.push('\\'); // identity escape
                    out.push(c);
                }
                c => out.push(c),
            }
            if rng.next() & 31 == 0 {
                out.push_str(rng.pick(&["\\\n", "\\\r\n", "\\\u{2028}"])); // line continuation
            }
        }
        out.push(q);
        out
    }

    fn is_plain_ident(s: &str) -> bool {
        let mut cs = s.chars();
        matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    }

    /// Writes `v` as JSON5 with randomly chosen (valid) syntax variations.
    fn write_json5(v: &J, rng: &mut Rng, out: &mut String) {
        match v {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Number(n) => match n.as_i64() {
                Some(i) if rng.coin() && i.unsigned_abs() < (1 << 53) => {
                    let sign = if i < 0 { "-" } else { rng.pick(&["", "+"]) };
                    if rng.coin() {
                        out.push_str(&format!("{sign}0x{:X}", i.unsigned_abs()));
                    } else {
                        out.push_str(&format!("{sign}{}", i.unsigned_abs()));
                    }
                }
                _ => out.push_str(&n.to_string()),
            },
            J::String(s) => out.push_str(&json5_quote(s, rng)),
            J::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    gap(rng, out);
                    write_json5(item, rng, out);
                    gap(rng, out);
                    if i + 1 < items.len() || rng.coin() {
                        out.push(',');
                    }
                }
                gap(rng, out);
                out.push(']');
            }
            J::Object(members) => {
                out.push('{');
                for (i, (k, val)) in members.iter().enumerate() {
                    gap(rng, out);
                    if is_plain_ident(k) && rng.coin() {
                        out.push_str(k);
                    } else {
                        out.push_str(&json5_quote(k, rng));
                    }
                    gap(rng, out);
                    out.push(':');
                    gap(rng, out);
                    write_json5(val, rng, out);
                    gap(rng, out);
                    if i + 1 < members.len() || rng.coin() {
                        out.push(',');
                    }
                }
                gap(rng, out);
                out.push('}');
            }
        }
    }

    /// Every span is in bounds, on char boundaries, and covers the right text.
    fn check_spans(src: &str, node: &Node) {
        let mut todo = vec![node];
        while let Some(n) = todo.pop() {
            let t = n
                .span
                .slice(src)
                .unwrap_or_else(|| panic!("bad span {:?} in {src:?}", n.span));
            match &n.value {
                Value::String(s) => {
                    assert_eq!(ok(t).as_str(), Some(s.as_str()), "string span {t:?}");
                }
                Value::Number(num) => {
                    assert_eq!(t, num.raw);
                    let again = ok(t).as_f64().unwrap();
                    assert!(again == num.value || (again.is_nan() && num.value.is_nan()));
                }
                Value::Bool(_) | Value::Null => assert_eq!(ok(t).value, n.value),
                Value::Array(items) => {
                    assert!(t.starts_with('[') && t.ends_with(']'));
                    todo.extend(items);
                }
                Value::Object(members) => {
                    assert!(t.starts_with('{') && t.ends_with('}'));
                    for m in members {
                        let k = m.key_span.slice(src).expect("key span in bounds");
                        if k.starts_with(['"', '\'']) {
                            assert_eq!(ok(k).as_str(), Some(m.key.as_str()));
                        } else {
                            let obj = ok(&format!("{{{k}:0}}"));
                            assert_eq!(obj.as_object().unwrap()[0].key, m.key);
                        }
                        assert!(n.span.start < m.key_span.start && m.value.span.end < n.span.end);
                        todo.push(&m.value);
                    }
                }
            }
        }
    }

    /// Parsing never panics; errors point inside the source, consistently.
    fn check_any(src: &str) {
        match parse(src) {
            Ok(node) => check_spans(src, &node),
            Err(e) => {
                assert!(
                    e.offset <= src.len() && src.is_char_boundary(e.offset),
                    "{e:?}"
                );
                assert_eq!((e.line, e.col), line_col(src, e.offset));
                let _ = e.render(src, "fuzz");
            }
        }
    }

    const ALPHABET: &[char] = &[
        '{', '}', '[', ']', ':', ',', '\'', '"', '\\', '/', '*', '\n', '\r', ' ', 'a', 'b', '0',
        '1', 'x', '+', '-', '.', 'e', 'E', 'u', 'I', 'N', 't', 'n', '\u{2028}', 'é', '\u{FEFF}',
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn prop_json_roundtrip(v in arb_json()) {
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            let node = parse(&pretty).unwrap();
            prop_assert!(json_eq(&node.to_json(), &v), "{} vs {}", node.to_json(), v);
            check_spans(&pretty, &node);
            let compact = serde_json::to_string(&v).unwrap();
            prop_assert!(json_eq(&parse(&compact).unwrap().to_json(), &v));
        }

        #[test]
        fn prop_json5_styles_roundtrip(v in arb_json(), seed in 1u64..) {
            let mut rng = Rng(seed);
            let mut src = String::new();
            gap(&mut rng, &mut src);
            write_json5(&v, &mut rng, &mut src);
            gap(&mut rng, &mut src);
            let node = parse(&src).map_err(|e| TestCaseError::fail(format!("{}\n{src:?}", e.render(&src, "gen"))))?;
            prop_assert!(json_eq(&node.to_json(), &v), "{} vs {} from {src:?}", node.to_json(), v);
            check_spans(&src, &node);
        }

        #[test]
        fn prop_never_panics_printable(s in "\\PC*") {
            check_any(&s);
        }

        #[test]
        fn prop_never_panics_any_string(s in any::<String>()) {
            check_any(&s);
        }

        #[test]
        fn prop_never_panics_json5_alphabet(chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..48)) {
            let s: String = chars.into_iter().collect();
            check_any(&s);
        }

        #[test]
        fn prop_never_panics_mutated_documents(
            v in arb_json(), seed in 1u64.., edits in prop::collection::vec((any::<usize>(), prop::sample::select(ALPHABET), 0u8..3), 1..4)
        ) {
            let mut rng = Rng(seed);
            let mut src = String::new();
            write_json5(&v, &mut rng, &mut src);
            for (at, c, op) in edits {
                let mut at = at % (src.len() + 1);
                while !src.is_char_boundary(at) { at -= 1; }
                match op {
                    0 => src.truncate(at),
                    1 => src.insert(at, c),
                    _ => if at < src.len() { src.remove(at); },
                }
            }
            check_any(&src);
        }

        #[test]
        fn prop_quote_string_roundtrips(s in any::<String>()) {
            let q = quote_string(&s);
            let node = parse(&q).unwrap();
            prop_assert_eq!(node.as_str(), Some(s.as_str()));
            prop_assert_eq!(node.span, Span::new(0, q.len()));
            prop_assert_eq!(serde_json::from_str::<String>(&q).unwrap(), s);
        }

        #[test]
        fn prop_quote_string_roundtrips_specials(s in "[\u{0}-\u{1f}\"'\\\\\u{7f}\u{2028}\u{2029}a😀]{0,16}") {
            let node = parse(&quote_string(&s)).unwrap();
            prop_assert_eq!(node.as_str(), Some(s.as_str()));
        }
    }
}
