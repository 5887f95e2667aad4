//! Presenton: hosted (`api.presenton.ai`, v1 paths, Bearer `sk-presenton-…`) and self-hosted
//! servers (none, Basic or Bearer sign-in; three shapes of task `data` across versions).
//! See REFERENCE.md PART 2.

mod client;
pub mod errors;
pub mod languages;
pub mod request;
pub mod response;
#[cfg(test)]
mod proptests;

pub use client::{
    check_hosted_key, PresentonProvider, SelfHostedAuth, BUILT_IN_TEMPLATES, HOSTED_BASE_URL, HOSTED_THEMES,
    SELF_HOSTED_DEFAULT_URL,
};
