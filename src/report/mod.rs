//! Report stage: findings as text for people and as the reference's JSON for pipelines. One format, one module.
pub mod json;
pub mod text;
