//! Findings: the audit's output, in the reference's JSON shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Critical => "critical",
        }
    }

    /// `critical` when the condition holds, else `warn`: the reference's usual escalation.
    pub fn warn_or_critical(escalate: bool) -> Severity {
        if escalate {
            Severity::Critical
        } else {
            Severity::Warn
        }
    }
}

/// Items as `- item` lines (no trailing newline): the list form of finding details.
pub fn bullet_list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("- {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One finding. Serializes exactly as the reference's (`checkId, severity, title, detail, remediation?`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub check_id: String,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// What the finding is about (a path, a config key, a channel account): the stable part of its fingerprint.
    /// Not part of the reference shape.
    #[serde(skip)]
    pub subject: String,
}

impl Finding {
    pub fn new(
        check_id: impl Into<String>,
        severity: Severity,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            check_id: check_id.into(),
            severity,
            title: title.into(),
            detail: detail.into(),
            remediation: None,
            subject: String::new(),
        }
    }

    pub fn fix(mut self, remediation: impl Into<String>) -> Finding {
        self.remediation = Some(remediation.into());
        self
    }

    pub fn about(mut self, subject: impl Into<String>) -> Finding {
        self.subject = subject.into();
        self
    }
}
