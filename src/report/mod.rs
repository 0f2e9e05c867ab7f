//! Report stage: findings as text for people, the reference's JSON for pipelines, SARIF for code-scanning tools,
//! and the diff view. One format, one module.
pub mod diff;
pub mod json;
pub mod location;
pub mod sarif;
pub mod text;
