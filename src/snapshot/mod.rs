//! snapshot stage
