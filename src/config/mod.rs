//! config stage
