//! Gamma v1.0 (`X-API-KEY`).
