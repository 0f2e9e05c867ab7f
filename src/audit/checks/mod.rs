//! Check families, one module each. Every module declares its checks (`CHECKS`) next to their logic.
pub mod fs;
pub mod gateway;
pub mod meta;
pub mod summary;
