//! capture stage
