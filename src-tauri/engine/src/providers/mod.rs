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

/// The look a deck was asked for, as its card shows it: the name the person picked, else the
/// template's (and, on hosted Presenton, the theme's) readable name. `None`: the service's
/// default look.
pub fn look_of(kind: ProviderKind, r: &DeckRequest) -> Option<String> {
    let clean = |s: &str| -> Option<String> {
        let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        (!one_line.is_empty()).then(|| one_line.chars().take(100).collect())
    };
    if let Some(name) = r.look_name.as_deref().and_then(clean) {
        return Some(name);
    }
    let id = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    match kind {
        // Gamma's theme ids are opaque ("abc123def456"): no name to show without the list.
        ProviderKind::Gamma => None,
        ProviderKind::Presenton | ProviderKind::PresentonSelf => {
            let template = id(&r.template).map(|t| presenton::response::natural_name(&t));
            let theme = id(&r.theme).filter(|_| kind == ProviderKind::Presenton).map(|t| {
                presenton::HOSTED_THEMES.iter().find(|(tid, _)| *tid == t).map_or(t.clone(), |(_, name)| name.to_string())
            });
            match (template, theme) {
                (Some(a), Some(b)) => Some(format!("{a}, {b}")),
                (a, b) => a.or(b),
            }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_read_well_inside_sentences() {
        let said = |k: ProviderKind| format!("{} could not make it. Sending the request to {}. Check {}.", k.sentence_start(), k.in_sentence(), k.where_to_check());
        assert_eq!(said(ProviderKind::Gamma), "Gamma could not make it. Sending the request to Gamma. Check your Gamma account.");
        assert_eq!(
            said(ProviderKind::PresentonSelf),
            "Your Presenton server could not make it. Sending the request to your Presenton server. Check the server's web page."
        );
    }

    #[test]
    fn looks_are_named_as_people_read_them() {
        let mut r = DeckRequest { template: Some("neo-modern".into()), ..Default::default() };
        assert_eq!(look_of(ProviderKind::PresentonSelf, &r).as_deref(), Some("Neo Modern"));
        r.theme = Some("mint-blue".into());
        assert_eq!(look_of(ProviderKind::Presenton, &r).as_deref(), Some("Neo Modern, Mint Blue"));
        assert_eq!(look_of(ProviderKind::Gamma, &DeckRequest { theme: Some("abc123".into()), ..Default::default() }), None);
        r.look_name = Some("  Night\n Sky ".into());
        assert_eq!(look_of(ProviderKind::Gamma, &r).as_deref(), Some("Night Sky"));
        assert_eq!(look_of(ProviderKind::Presenton, &DeckRequest::default()), None);
    }
}
