//! One error type for the command line: a message, an optional hint, and a fixed exit code.

use std::fmt;

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

#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: ExitCode, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
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
