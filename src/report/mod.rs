//! report stage
