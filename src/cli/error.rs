//! One error type for the command line: a message, an optional hint, and a fixed exit code.
//!
//! How an error is shown is decided here, once, for every command (docs/json-output.md): the text always goes to
//! stderr; in JSON mode (`--json`, `--jsonl`, `--format json|jsonl` on the command line) an `{"error": {…}}` object
//! also goes to stdout, so a script that parses stdout never sees an empty or truncated document. The exit code is
//! the same either way.

use std::fmt;

use serde_json::{json, Value};

/// Exit codes (documented in the README): stable, so scripts can rely on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitCode {
    Ok = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Bad arguments, unreadable input file.
    Usage = 2,
    /// A snapshot or change set failed its integrity or format checks.
    Integrity = 3,
    /// The host changed since the plan (stale plan).
    Stale = 4,
    /// Apply failed and was rolled back.
    ApplyFailed = 5,
    /// Anything else (I/O failure while capturing, …).
    Failure = 6,
}

impl ExitCode {
    /// Every exit code, in order (the README table and the man page list these).
    pub const ALL: [ExitCode; 7] = [
        ExitCode::Ok,
        ExitCode::Findings,
        ExitCode::Usage,
        ExitCode::Integrity,
        ExitCode::Stale,
        ExitCode::ApplyFailed,
        ExitCode::Failure,
    ];

    /// The stable name used as `error.code` in JSON error objects.
    pub fn name(self) -> &'static str {
        match self {
            ExitCode::Ok => "ok",
            ExitCode::Findings => "findings",
            ExitCode::Usage => "usage",
            ExitCode::Integrity => "integrity",
            ExitCode::Stale => "stale",
            ExitCode::ApplyFailed => "apply-failed",
            ExitCode::Failure => "failure",
        }
    }

    /// One line saying when the code is returned (the man page's EXIT STATUS section).
    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Ok => {
                "success (findings do not change it unless --fail-on says so, like the reference)"
            }
            ExitCode::Findings => {
                "a finding at or above --fail-on (diff: its --fail-on condition held; fix apply: a finding \
                 the ops named is still there or a new one appeared)"
            }
            ExitCode::Usage => "usage error, unreadable input file",
            ExitCode::Integrity => {
                "a snapshot or change set failed its integrity or format checks (in a fleet: at least one \
                 snapshot did)"
            }
            ExitCode::Stale => "the host changed since the plan (fix apply: stale change set)",
            ExitCode::ApplyFailed => "apply failed and was rolled back",
            ExitCode::Failure => "any other failure (cannot write the output, an interrupted apply, …)",
        }
    }
}

#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
    pub hint: Option<String>,
    /// Structured detail for the JSON error object (e.g. the stale ops of a refused apply).
    pub details: Option<Box<Value>>,
}

impl CliError {
    pub fn new(code: ExitCode, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            hint: None,
            details: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    pub fn details(mut self, details: Value) -> CliError {
        self.details = Some(Box::new(details));
        self
    }

    /// The JSON error object printed on stdout in JSON mode:
    /// `{"error": {"code", "exitCode", "message", "hint"?, "details"?}}`.
    pub fn to_json(&self) -> Value {
        let mut e = json!({
            "code": self.code.name(),
            "exitCode": self.code as i32,
            "message": self.message,
        });
        if let Some(h) = &self.hint {
            e["hint"] = json!(h);
        }
        if let Some(d) = &self.details {
            e["details"] = (**d).clone();
        }
        json!({ "error": e })
    }

    /// Show the error: text on stderr always; in JSON mode also the JSON object on stdout (pretty, like every
    /// other JSON document the commands print, except `--jsonl`, which keeps one object per line).
    pub fn report(&self, mode: JsonMode) {
        eprintln!("{self}");
        match mode {
            JsonMode::Off => {}
            JsonMode::Pretty => println!(
                "{}",
                serde_json::to_string_pretty(&self.to_json()).expect("serializes")
            ),
            JsonMode::Lines => println!("{}", self.to_json()),
        }
    }
}

/// Whether the command's stdout is JSON, and in which layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonMode {
    Off,
    Pretty,
    Lines,
}

impl JsonMode {
    /// JSON mode is decided from the command line, the same way whether clap accepted it or not: the arguments
    /// (before `--`) ask for JSON with `--json`, for JSON lines with `--jsonl` (also `--format json|jsonl`; the last
    /// `--format` counts, as in clap).
    pub fn of_args(args: &[std::ffi::OsString]) -> JsonMode {
        let of = |v: Option<&str>| match v {
            Some("json") => JsonMode::Pretty,
            Some("jsonl") => JsonMode::Lines,
            _ => JsonMode::Off,
        };
        let (mut flag, mut format) = (JsonMode::Off, None);
        let mut args = args.iter().skip(1).map(|a| a.to_str().unwrap_or_default());
        while let Some(a) = args.next() {
            match a {
                "--" => break,
                "--json" => flag = JsonMode::Pretty,
                "--jsonl" => flag = JsonMode::Lines,
                "--format" => format = Some(of(args.next())),
                _ => {
                    if let Some(v) = a.strip_prefix("--format=") {
                        format = Some(of(Some(v)));
                    }
                }
            }
        }
        if flag != JsonMode::Off {
            flag
        } else {
            format.unwrap_or(JsonMode::Off)
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> CliError {
        CliError::new(ExitCode::Failure, format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_object_has_code_exit_code_message_and_optional_hint() {
        let e = CliError::new(ExitCode::Integrity, "x.clawsnap: bad hash").hint("capture again");
        assert_eq!(
            e.to_json(),
            json!({"error": {"code": "integrity", "exitCode": 3, "message": "x.clawsnap: bad hash", "hint": "capture again"}})
        );
        let bare = CliError::new(ExitCode::Usage, "m").to_json();
        assert!(bare["error"].get("hint").is_none());
        assert!(bare["error"].get("details").is_none());
        let d = CliError::new(ExitCode::Stale, "m")
            .details(json!({"stale": []}))
            .to_json();
        assert_eq!(d["error"]["details"], json!({"stale": []}));
    }

    #[test]
    fn exit_code_names_are_distinct_and_values_in_order() {
        let names: std::collections::BTreeSet<_> = ExitCode::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), ExitCode::ALL.len());
        for (i, c) in ExitCode::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }

    fn mode(line: &str) -> JsonMode {
        let args: Vec<std::ffi::OsString> = line.split_whitespace().map(Into::into).collect();
        JsonMode::of_args(&args)
    }

    #[test]
    fn json_mode_follows_the_arguments() {
        assert_eq!(mode("clawprint audit x.clawsnap"), JsonMode::Off);
        assert_eq!(mode("clawprint audit x.clawsnap --json"), JsonMode::Pretty);
        assert_eq!(mode("clawprint audit a b --jsonl"), JsonMode::Lines);
        assert_eq!(mode("clawprint diff a b --format json"), JsonMode::Pretty);
        assert_eq!(mode("clawprint audit d/ --format=jsonl"), JsonMode::Lines);
        assert_eq!(mode("clawprint audit --format html"), JsonMode::Off);
        // After `--` everything is a value.
        assert_eq!(mode("clawprint verify -- --json"), JsonMode::Off);
        // The last request wins, as clap's own last-flag-wins for --format.
        assert_eq!(
            mode("clawprint audit --format json --format text"),
            JsonMode::Off
        );
    }
}
