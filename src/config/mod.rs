//! Config stage: JSON5 with spans, `$include` resolution, environment substitution, secret markers and
//! redaction. Shared by capture (what to read, what to redact) and audit (what the config says).
pub mod env;
pub mod identity;
pub mod json5;
pub mod load;
pub mod paths;
pub mod redact;
pub mod secret;
pub mod secret_ref;
pub mod validate;
