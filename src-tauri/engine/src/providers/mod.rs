//! The three API surfaces behind one trait. Each provider module holds pure request building
//! and response parsing (tested without a network) plus a thin HTTP call. Providers know
//! nothing of jobs, files or the UI.

pub mod cache;
pub mod connect;
pub mod gamma;
pub mod http;
pub mod presenton;
pub mod send_error;
pub mod types;

pub use cache::ProviderCache;
pub use connect::connect;
pub use types::*;

use async_trait::async_trait;

use crate::Error;

/// What the job engine needs from a generation service.
#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Refuse a request that the service would refuse (or charge for and then fail), before
    /// anything is sent. Pure: no network.
    fn validate(&self, request: &DeckRequest) -> Result<(), Error>;

    /// Start a generation. This spends the person's credits; the error says whether the
    /// request may have reached the service (see [`Delivery`]).
    async fn submit(&self, request: &DeckRequest) -> Result<Submitted, SubmitFailure>;

    /// Read the state of a started generation.
    async fn status(&self, remote: &RemoteJob) -> Result<RemoteStatus, Error>;

    /// A fresh download link for a finished deck whose link has expired (Gamma: poll again or
    /// export the gamma; Presenton: export again).
    async fn refresh_download(&self, remote: &RemoteJob, format: ExportFormat) -> Result<DownloadLink, Error>;

    /// A fresh link after the links in `failed` (oldest first) stopped working. A service
    /// whose status answer may carry a newer link than the one that failed (Gamma) tries that
    /// first; the rest export again as [`Provider::refresh_download`] does.
    async fn refresh_download_after(&self, remote: &RemoteJob, format: ExportFormat, failed: &[url::Url]) -> Result<DownloadLink, Error> {
        let _ = failed;
        self.refresh_download(remote, format).await
    }

    /// Start fetching a file. Credentials are attached only when the link is on the
    /// provider's own API origin; redirects to another origin carry none.
    async fn open_download(&self, link: &DownloadLink) -> Result<reqwest::Response, Error>;

    /// Choices a person picks from (themes, templates, folders, languages, …), paged.
    async fn list_choices(&self, query: &ChoiceQuery) -> Result<ChoicePage, Error>;

    /// A cheap authenticated call: is the service reachable and is the key accepted?
    async fn test_connection(&self) -> Result<ConnectionReport, Error>;
}
