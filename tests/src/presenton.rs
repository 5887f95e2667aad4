//! Fake Presenton server, hosted and self-hosted modes (filled in by the provider work).
