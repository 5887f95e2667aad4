//! [`GammaProvider`]: the HTTP calls. The key goes in `X-API-KEY` (Gamma refuses Bearer) and
//! only to Gamma's own origin; [`ApiClient`] enforces that, also across redirects.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::json;
use url::Url;

use super::languages::{IMAGE_MODELS, LANGUAGES};
use super::response::{self, ExportState};
use super::{errors, request};
use crate::providers::http::{request_id, Answer, ApiClient, Auth, Timeouts};
use crate::providers::{
    Choice, ChoiceKind, ChoicePage, ChoiceQuery, ConnectionReport, DeckRequest, Delivery, DownloadLink, ExportFormat,
    Provider, ProviderKind, RemoteJob, RemoteState, RemoteStatus, SubmitFailure, Submitted,
};
use crate::{Details, Error, Secret};

pub const DEFAULT_BASE_URL: &str = "https://public-api.gamma.app";

const GENERATIONS: &str = "/v1.0/generations";
const THEMES: &str = "/v1.0/themes";
const FOLDERS: &str = "/v1.0/folders";
const GAMMAS: &str = "/v1.0/gammas";
const EXPORTS: &str = "/v1.0/exports";
/// Gamma refuses more than 50 per page.
const PAGE_LIMIT: &str = "50";
/// A deck file may be large; the whole download may take this long.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Theme and folder lists change rarely; a person opening the picker twice should not wait twice.
const CHOICES_TTL: Duration = Duration::from_secs(10 * 60);

/// Ids go into URL paths: everything but unreserved characters is escaped, so an id can
/// never add a path segment or a query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// How long `refresh_download` waits for a new export: `attempts` polls, `interval` apart.
#[derive(Debug, Clone, Copy)]
pub struct ExportPolling {
    pub interval: Duration,
    pub attempts: u32,
}

impl Default for ExportPolling {
    /// About two minutes: Gamma renders most exports well within that.
    fn default() -> Self {
        ExportPolling { interval: Duration::from_secs(3), attempts: 40 }
    }
}

type CacheKey = (ChoiceKind, Option<String>, Option<String>);

pub struct GammaProvider {
    api: ApiClient,
    export_polling: ExportPolling,
    choices: Mutex<HashMap<CacheKey, (Instant, ChoicePage)>>,
}

/// The key must be usable as a header before anything is sent. Gamma's keys are opaque
/// (`sk-gamma-…` in the docs, other shapes seen), so only the shape of a header is checked.
pub fn check_key(key: &str) -> Result<(), Error> {
    let k = key.trim();
    if k.is_empty() {
        return Err(Error::invalid_input("key", "Paste your Gamma API key first. Create one at gamma.app → Settings → API Keys."));
    }
    if k.chars().any(|c| !c.is_ascii_graphic()) || HeaderValue::from_str(k).is_err() {
        return Err(Error::invalid_input("key", "This does not look like a Gamma API key: it contains spaces or unusual characters."));
    }
    Ok(())
}

fn seg(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

impl GammaProvider {
    pub fn new(base: Url, key: Secret) -> Result<Self, Error> {
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(Error::invalid_input("base_url", "The Gamma address must start with https://."));
        }
        check_key(key.expose())?;
        let value = Secret::new(key.expose().trim());
        let auth = Auth::Header { name: HeaderName::from_static("x-api-key"), value };
        Ok(GammaProvider {
            api: ApiClient::new(base, auth)?,
            export_polling: ExportPolling::default(),
            choices: Mutex::new(HashMap::new()),
        })
    }

    /// Shorter waits for tests and the CLI.
    pub fn with_export_polling(mut self, polling: ExportPolling) -> Self {
        self.export_polling = polling;
        self
    }

    /// Other connect and answer timeouts (tests of servers that never answer).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Result<Self, Error> {
        self.api = self.api.retimed(timeouts)?;
        Ok(self)
    }

    fn success(answer: Answer) -> Result<Answer, Error> {
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(errors::from_answer(&answer))
        }
    }

    /// A 2xx that is not the JSON asked for: a web page (proxy, captive portal) is worth
    /// another try; anything else is an answer we do not understand.
    fn unreadable(answer: &Answer, why: String) -> Error {
        let details = Details { provider_message: Some(format!("{why}: {}", answer.body_excerpt())), ..answer.details(None) };
        if answer.body.trim_ascii_start().starts_with(b"<") {
            Error::Server { message: "Gamma answered with a web page instead of data. Deckhand will try again later.".into(), details }
        } else {
            Error::Internal { message: "Gamma sent an answer Deckhand does not understand.".into(), details }
        }
    }

    async fn get_answer(&self, url: Url) -> Result<Answer, Error> {
        let resp = self.api.get(url, None).await?;
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        Self::success(answer)
    }

    async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Answer, Error> {
        let rb = self.api.request(Method::POST, self.api.url(path)?).json(body);
        let resp = self.api.send(rb).await.map_err(|(e, _)| e)?;
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        Self::success(answer)
    }

    async fn fetch_status(&self, generation_id: &str) -> Result<RemoteStatus, Error> {
        if generation_id.trim().is_empty() {
            return Err(Error::internal("The job has no Gamma generation id."));
        }
        let answer = self.get_answer(self.api.url(&format!("{GENERATIONS}/{}", seg(generation_id)))?).await?;
        let mut status = response::parse_status(&answer.body).map_err(|why| Self::unreadable(&answer, why))?;
        if let Some(e) = status.error.as_mut() {
            e.details_mut().request_id = request_id(&answer.headers);
        }
        Ok(status)
    }

    /// Export the finished gamma again and wait (bounded) for the new file's link.
    async fn export_again(&self, gamma_id: &str, format: ExportFormat) -> Result<DownloadLink, Error> {
        let path = format!("{GAMMAS}/{}/export", seg(gamma_id));
        let answer = self.post_json(&path, &json!({"exportAs": format.extension()})).await?;
        let export_id = response::parse_export_started(&answer.body).map_err(|why| Self::unreadable(&answer, why))?;
        let url = self.api.url(&format!("{EXPORTS}/{}", seg(&export_id)))?;
        for _ in 0..self.export_polling.attempts.max(1) {
            tokio::time::sleep(self.export_polling.interval).await;
            let answer = self.get_answer(url.clone()).await?;
            match response::parse_export(&answer.body).map_err(|why| Self::unreadable(&answer, why))? {
                ExportState::Pending => continue,
                ExportState::Completed(url) => return Ok(DownloadLink { url, file_name_hint: None }),
                ExportState::Failed(mut e) => {
                    e.details_mut().request_id = request_id(&answer.headers);
                    return Err(e);
                }
            }
        }
        Err(Error::Timeout {
            message: "Gamma is still preparing a fresh copy of the file. Deckhand will try again.".into(),
            phase: None,
            details: Details { provider_message: Some(format!("export {export_id} still pending")), ..Details::default() },
        })
    }

    async fn remote_page(&self, kind: ChoiceKind, path: &str, query: &ChoiceQuery) -> Result<ChoicePage, Error> {
        let search = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let cursor = query.cursor.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let key = (kind, search.clone(), cursor.clone());
        if let Some(page) = self.cached(&key) {
            return Ok(page);
        }
        let mut url = self.api.url(path)?;
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(s) = &search {
                pairs.append_pair("query", s);
            }
            pairs.append_pair("limit", PAGE_LIMIT);
            if let Some(c) = &cursor {
                pairs.append_pair("after", c);
            }
        }
        let answer = self.get_answer(url).await?;
        let page = response::parse_list(&answer.body).map_err(|why| Self::unreadable(&answer, why))?;
        if let Ok(mut cache) = self.choices.lock() {
            cache.insert(key, (Instant::now(), page.clone()));
        }
        Ok(page)
    }

    fn cached(&self, key: &CacheKey) -> Option<ChoicePage> {
        let mut cache = self.choices.lock().ok()?;
        match cache.get(key) {
            Some((at, page)) if at.elapsed() < CHOICES_TTL => Some(page.clone()),
            Some(_) => {
                cache.remove(key);
                None
            }
            None => None,
        }
    }
}

/// A 404 or 405 from the export routes: the routes are missing (a proxy, an API change), not
/// the deck, which Gamma just said is complete.
fn route_missing(e: &Error) -> bool {
    matches!(e.details().status, Some(404 | 405))
}

/// The deck is made; its file cannot be had through the API. Where to get it instead.
fn unfetchable(gamma_url: Option<&Url>, cause: Error) -> Error {
    let place = match gamma_url {
        Some(url) => format!("Open it in Gamma ({url})"),
        None => "Open it in Gamma (it is among your gammas)".to_string(),
    };
    Error::FileUnavailable {
        message: format!(
            "Gamma made this deck, but its download link stopped working and Gamma would not export it again (HTTP {}). {place} and export it there. Nothing was charged twice: the deck was made once.",
            cause.details().status.unwrap_or_default()
        ),
        details: cause.details().clone(),
    }
}

fn matches(search: Option<&str>, fields: &[&str]) -> bool {
    match search.map(str::trim).filter(|s| !s.is_empty()) {
        None => true,
        Some(s) => {
            let s = s.to_lowercase();
            fields.iter().any(|f| f.to_lowercase().contains(&s))
        }
    }
}

fn local_languages(search: Option<&str>) -> ChoicePage {
    let items = LANGUAGES
        .iter()
        .filter(|(code, own, english)| matches(search, &[code, own, english]))
        .map(|(code, own, english)| Choice {
            id: code.to_string(),
            name: own.to_string(),
            detail: (own != english).then(|| english.to_string()),
            ..Choice::default()
        })
        .collect();
    ChoicePage { items, next_cursor: None }
}

fn local_image_models(search: Option<&str>) -> ChoicePage {
    let items = IMAGE_MODELS
        .iter()
        .filter(|(model, _)| matches(search, &[model]))
        .map(|(model, credits)| Choice {
            id: model.to_string(),
            name: model.to_string(),
            detail: Some(format!("{credits} credits per image")),
            ..Choice::default()
        })
        .collect();
    ChoicePage { items, next_cursor: None }
}

#[async_trait]
impl Provider for GammaProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gamma
    }

    fn validate(&self, request: &DeckRequest) -> Result<(), Error> {
        request::validate(request)
    }

    async fn submit(&self, req: &DeckRequest) -> Result<Submitted, SubmitFailure> {
        let fail = |error: Error, delivery: Delivery| SubmitFailure { error, delivery };
        let body = request::build(req).map_err(|e| fail(e, Delivery::NotSent))?;
        let url = self.api.url(GENERATIONS).map_err(|e| fail(e, Delivery::NotSent))?;
        let rb = self.api.request(Method::POST, url).json(&body);
        let resp = self.api.send(rb).await.map_err(|(e, d)| fail(e, d))?;
        let answer = Answer::read(resp).await.map_err(|(e, d)| fail(e, d))?;
        let status = answer.status;
        if status.is_client_error() {
            // Gamma answered with a refusal (including 429): nothing was started.
            return Err(fail(errors::from_answer(&answer), Delivery::Rejected));
        }
        if !status.is_success() {
            // A 5xx (a proxy's 502 may have passed the request on) or anything odd.
            return Err(fail(errors::from_answer(&answer), Delivery::Uncertain));
        }
        let created = response::parse_created(&answer.body).map_err(|why| fail(Self::unreadable(&answer, why), Delivery::Uncertain))?;
        Ok(Submitted {
            remote: RemoteJob { id: created.generation_id, file_id: None },
            warnings: created.warnings,
            request_id: request_id(&answer.headers),
        })
    }

    async fn status(&self, remote: &RemoteJob) -> Result<RemoteStatus, Error> {
        self.fetch_status(&remote.id).await
    }

    async fn refresh_download(&self, remote: &RemoteJob, format: ExportFormat) -> Result<DownloadLink, Error> {
        self.refresh_download_after(remote, format, &[]).await
    }

    async fn refresh_download_after(&self, remote: &RemoteJob, format: ExportFormat, failed: &[Url]) -> Result<DownloadLink, Error> {
        let status = self.fetch_status(&remote.id).await?;
        match status.state {
            RemoteState::Completed => {}
            RemoteState::Failed => {
                return Err(status.error.unwrap_or_else(|| Error::internal("Gamma reports the deck failed.")));
            }
            _ => return Err(Error::internal("The deck is not finished yet, so there is no file to fetch.")),
        }
        // The status link first when it may work: one that says it is still valid, or one
        // that does not say but differs from the link that just failed (tried once; after
        // that, an export). Only then export the gamma again.
        if let Some(link) = status.download {
            let usable = !failed.contains(&link.url)
                && match response::link_expired(&link.url, SystemTime::now()) {
                    Some(expired) => !expired,
                    None => failed.len() <= 1,
                };
            if usable {
                return Ok(link);
            }
        }
        let gamma_id = status.file_id.or_else(|| remote.file_id.clone()).ok_or_else(|| Error::ExpiredLink {
            message: "The download link expired and Gamma gave no way to export the deck again. Open it in Gamma and export it there.".into(),
            details: Details::default(),
        })?;
        self.export_again(&gamma_id, format).await.map_err(|e| match route_missing(&e) {
            true => unfetchable(status.edit_url.as_ref(), e),
            false => e,
        })
    }

    async fn open_download(&self, link: &DownloadLink) -> Result<reqwest::Response, Error> {
        let resp = self.api.get(link.url.clone(), Some(DOWNLOAD_TIMEOUT)).await?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        let storage = !self.api.is_own_origin(&link.url);
        Err(match answer.status {
            // Signed storage links answer 403 (S3 "Request has expired") or 404/410 when stale.
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::GONE if storage => Error::ExpiredLink {
                message: "The download link no longer works. Deckhand will ask Gamma for a fresh one.".into(),
                details: answer.details(None),
            },
            _ => errors::from_answer(&answer),
        })
    }

    async fn list_choices(&self, query: &ChoiceQuery) -> Result<ChoicePage, Error> {
        let kind = query.kind.ok_or_else(|| Error::invalid_input("kind", "Say which list to show."))?;
        let search = query.search.as_deref();
        match kind {
            ChoiceKind::Themes => self.remote_page(kind, THEMES, query).await,
            ChoiceKind::Folders => self.remote_page(kind, FOLDERS, query).await,
            ChoiceKind::Languages => Ok(local_languages(search)),
            ChoiceKind::ImageModels => Ok(local_image_models(search)),
            // Gamma decks start from a theme; its template endpoints are not used (yet).
            ChoiceKind::Templates => Ok(ChoicePage::default()),
        }
    }

    async fn test_connection(&self) -> Result<ConnectionReport, Error> {
        let url = self.api.url(&format!("{THEMES}?limit=1"))?;
        let answer = self.get_answer(url).await?;
        // A captive portal or proxy page answers 200 too: only Gamma's list proves the key.
        response::parse_list(&answer.body).map_err(|why| Self::unreadable(&answer, why))?;
        Ok(ConnectionReport { message: "Connected to Gamma; the key works.".into(), account: None, credits_remaining: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_for_header_shape_only() {
        assert!(check_key("sk-gamma-abc123").is_ok());
        assert!(check_key("gma_xyz").is_ok());
        assert!(check_key("  sk-gamma-abc  ").is_ok(), "surrounding spaces are trimmed");
        for bad in ["", "   ", "sk gamma", "sk-gamma\n1", "ключ"] {
            assert_eq!(check_key(bad).unwrap_err().kind(), "invalid_input", "{bad:?}");
        }
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(seg("abc-123_x.y~"), "abc-123_x.y~");
        assert_eq!(seg("../../me?x=1"), "..%2F..%2Fme%3Fx%3D1");
    }

    #[test]
    fn languages_search_in_any_of_the_names() {
        let p = local_languages(Some("german"));
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].id, "de");
        assert_eq!(p.items[0].name, "Deutsch");
        assert_eq!(local_languages(Some("portugu")).items.len(), 2);
        assert_eq!(local_languages(None).items.len(), 67);
        assert_eq!(local_image_models(Some("imagen-4")).items.len(), 2);
    }

    #[test]
    fn new_refuses_odd_addresses_and_keys() {
        let base = Url::parse(DEFAULT_BASE_URL).unwrap();
        assert!(GammaProvider::new(base.clone(), Secret::new("sk-gamma-1")).is_ok());
        assert_eq!(GammaProvider::new(base, Secret::new("")).err().unwrap().kind(), "invalid_input");
        let ftp = Url::parse("ftp://public-api.gamma.app").unwrap();
        assert_eq!(GammaProvider::new(ftp, Secret::new("k")).err().unwrap().kind(), "invalid_input");
    }
}
