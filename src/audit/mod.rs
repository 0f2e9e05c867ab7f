//! audit stage
