//! Presenton: hosted (`api.presenton.ai`) and self-hosted servers.
