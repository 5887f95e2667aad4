//! Gamma v1.0 (`X-API-KEY`), REFERENCE.md PART 1: pure request building and checks
//! ([`request`]), tolerant answer parsing ([`response`]), HTTP errors ([`errors`]), the 67
//! output languages ([`languages`]) and the provider itself.

mod client;
pub mod errors;
pub mod languages;
pub mod request;
pub mod response;

pub use client::{check_key, ExportPolling, GammaProvider, DEFAULT_BASE_URL};
