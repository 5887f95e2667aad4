//! Fake Gamma v1.0 server (filled in by the provider work).
