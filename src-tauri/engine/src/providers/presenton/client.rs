//! The HTTP calls: upload, generate, status, export, lists. Credentials come from
//! [`ApiClient`], which attaches them only to the server's own origin.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::json;
use url::Url;

use super::response::{
    download_link, looks_like_presentation_id, looks_like_task_id, parse_templates, pick_presentation, to_status,
    PresentationAndPath, PresentationSummary, Task,
};
use super::{errors, languages, request};
use crate::providers::http::{request_id, Answer, ApiClient, Auth, Timeouts};
use crate::providers::{
    Choice, ChoiceKind, ChoicePage, ChoiceQuery, ConnectionReport, DeckRequest, Delivery, DownloadLink, ExportFormat,
    Provider, ProviderKind, RemoteJob, RemoteState, RemoteStatus, SubmitFailure, Submitted,
};
use crate::{Details, Error, Secret, TimeoutPhase};

pub const HOSTED_BASE_URL: &str = "https://api.presenton.ai";
pub const SELF_HOSTED_DEFAULT_URL: &str = "http://localhost:5001";

const UPLOAD: &str = "/api/v1/ppt/files/upload";
const GENERATE: &str = "/api/v1/ppt/presentation/generate/async";
const STATUS: &str = "/api/v1/ppt/presentation/status/";
const TEMPLATES: &str = "/api/v1/ppt/template/all?include_defaults=true";
const PRESENTATIONS: &str = "/api/v1/ppt/presentation/all";
const PRESENTATION: &str = "/api/v1/ppt/presentation/";
const EDIT: &str = "/api/v1/ppt/presentation/edit";

/// A deck file may be large and the server slow; the whole download may take this long.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Uploads of up to 100 MB on a home connection.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Template lists change rarely; a person opening the picker twice should not wait twice.
const CHOICES_TTL: Duration = Duration::from_secs(10 * 60);

/// Hosted themes (§2.6); custom theme ids are typed by hand.
pub const HOSTED_THEMES: &[(&str, &str)] = &[
    ("edge-yellow", "Edge Yellow"),
    ("light-rose", "Light Rose"),
    ("mint-blue", "Mint Blue"),
    ("professional-blue", "Professional Blue"),
    ("professional-dark", "Professional Dark"),
];

/// Built-in templates every server has had (§2.3), for when the list cannot be fetched.
pub const BUILT_IN_TEMPLATES: &[&str] = &["general", "modern", "standard", "swift"];

/// How Deckhand signs in to a self-hosted server (§2.1).
#[derive(Clone, Debug)]
pub enum SelfHostedAuth {
    /// Servers before spring 2026, or with `DISABLE_AUTH=true`.
    None,
    /// The administrator's user name and password.
    Basic { user: String, password: Secret },
    /// A session token or an API key (`sk-presenton-…`) made in the server's web page.
    Bearer(Secret),
}

pub struct PresentonProvider {
    kind: ProviderKind,
    api: ApiClient,
    choices: Mutex<HashMap<ChoiceKind, (Instant, Vec<Choice>)>>,
}

/// A hosted key must look like one before it is sent anywhere.
pub fn check_hosted_key(key: &str) -> Result<(), Error> {
    let k = key.trim();
    if !k.starts_with("sk-presenton-") || k.len() < "sk-presenton-".len() + 4 || k.chars().any(char::is_whitespace) {
        return Err(Error::invalid_input(
            "key",
            "This does not look like a Presenton API key. Copy it from presenton.ai/api-key; it starts with sk-presenton-.",
        ));
    }
    Ok(())
}

fn check_base(base: &Url) -> Result<(), Error> {
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        return Err(Error::invalid_input("base_url", "The server address must start with http:// or https://."));
    }
    Ok(())
}

impl PresentonProvider {
    pub fn hosted(base: Url, key: Secret) -> Result<Self, Error> {
        check_base(&base)?;
        check_hosted_key(key.expose())?;
        let key = Secret::new(key.expose().trim());
        Self::new(ProviderKind::Presenton, base, Auth::Bearer(key))
    }

    pub fn self_hosted(base: Url, auth: SelfHostedAuth) -> Result<Self, Error> {
        check_base(&base)?;
        let auth = match auth {
            SelfHostedAuth::None => Auth::None,
            SelfHostedAuth::Basic { user, password } => Auth::Basic { user, password },
            SelfHostedAuth::Bearer(token) => Auth::Bearer(token),
        };
        Self::new(ProviderKind::PresentonSelf, base, auth)
    }

    fn new(kind: ProviderKind, base: Url, auth: Auth) -> Result<Self, Error> {
        Ok(PresentonProvider { kind, api: ApiClient::new(base, auth)?, choices: Mutex::new(HashMap::new()) })
    }

    /// Other connect and answer timeouts (tests of servers that never answer).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Result<Self, Error> {
        self.api = self.api.retimed(timeouts)?;
        Ok(self)
    }

    fn hosted_mode(&self) -> bool {
        self.kind == ProviderKind::Presenton
    }

    fn name(&self) -> &'static str {
        if self.hosted_mode() {
            "Presenton"
        } else {
            "The Presenton server"
        }
    }

    /// The answer if it is a success, else the mapped error.
    fn success(&self, answer: Answer) -> Result<Answer, Error> {
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(errors::from_answer(&answer, self.hosted_mode()))
        }
    }

    /// A 200 that is not the JSON asked for: a web page (proxy, captive portal) is worth
    /// another try; anything else is an answer we do not understand.
    fn unreadable(&self, answer: &Answer, why: String) -> Error {
        let details = Details { provider_message: Some(format!("{why}: {}", answer.body_excerpt())), ..answer.details(None) };
        if answer.body.trim_ascii_start().starts_with(b"<") {
            Error::Server { message: format!("{} answered with a web page instead of data. Trying again later.", self.name()), details }
        } else {
            Error::Internal { message: format!("{} sent an answer Deckhand does not understand.", self.name()), details }
        }
    }

    async fn get_answer(&self, path: &str) -> Result<Answer, Error> {
        let resp = self.api.get(self.api.url(path)?, None).await.map_err(|e| self.unreachable(e))?;
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        self.success(answer)
    }

    async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Answer, Error> {
        let rb = self.api.request(Method::POST, self.api.url(path)?).json(body);
        let resp = self.api.send(rb).await.map_err(|(e, _)| self.unreachable(e))?;
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        self.success(answer)
    }

    async fn fetch_task(&self, task_id: &str) -> Result<Task, Error> {
        if !looks_like_task_id(task_id) {
            return Err(Error::internal(format!("“{task_id}” is not a Presenton task id.")));
        }
        let answer = self.get_answer(&format!("{STATUS}{task_id}")).await?;
        Task::parse(&answer.body).map_err(|why| self.unreadable(&answer, why))
    }

    /// Upload local files; the server answers with its own paths for them. Nothing has been
    /// generated (or charged) yet, so failures here are never uncertain.
    async fn upload(&self, files: &[std::path::PathBuf]) -> Result<Vec<String>, SubmitFailure> {
        let not_sent = |error: Error| SubmitFailure { error, delivery: Delivery::NotSent };
        let mut form = reqwest::multipart::Form::new();
        for path in files {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
            let bytes = tokio::fs::read(path).await.map_err(|e| {
                not_sent(Error::invalid_input("source_files", format!("The file “{name}” could not be read: {e}.")))
            })?;
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(name.clone())
                .mime_str(mime_for(&name))
                .map_err(|e| not_sent(Error::internal(format!("could not attach {name}: {e}"))))?;
            form = form.part("files", part);
        }
        let url = self.api.url(UPLOAD).map_err(not_sent)?;
        let rb = self.api.request(Method::POST, url).timeout(UPLOAD_TIMEOUT).multipart(form);
        let resp = self.api.send(rb).await.map_err(|(e, _)| not_sent(self.unreachable(e)))?;
        let answer = Answer::read(resp).await.map_err(|(e, _)| not_sent(e))?;
        if answer.status.is_client_error() {
            return Err(SubmitFailure { error: errors::from_answer(&answer, self.hosted_mode()), delivery: Delivery::Rejected });
        }
        let answer = self.success(answer).map_err(not_sent)?;
        let paths: Vec<String> = serde_json::from_slice(&answer.body)
            .map_err(|e| not_sent(self.unreadable(&answer, e.to_string())))?;
        if paths.is_empty() || paths.iter().any(|p| p.trim().is_empty()) {
            return Err(not_sent(self.unreadable(&answer, "the upload returned no file paths".into())));
        }
        Ok(paths)
    }

    /// The deck a finished task made, on servers whose task does not carry its id (0.8.9).
    async fn find_presentation(&self, task: &Task) -> Result<Option<PresentationSummary>, Error> {
        let answer = self.get_answer(PRESENTATIONS).await?;
        let list = PresentationSummary::parse_list(&answer.body);
        Ok(pick_presentation(&list, task).cloned())
    }

    /// The deck's title from `/presentation/{id}`, best effort: it only names the file.
    async fn presentation_title(&self, id: &str) -> Option<String> {
        let answer = self.get_answer(&format!("{PRESENTATION}{id}")).await.ok()?;
        PresentationSummary::parse_one(&answer.body)?.title
    }

    /// Export the deck again. Servers from 2026-08 have `/presentation/{id}/export`; older
    /// ones answer 404 (or 405) for it, and re-export through `/presentation/edit` with no
    /// slide changes instead. When neither route is there, the deck cannot be fetched here.
    async fn export(&self, id: &str, format: ExportFormat) -> Result<DownloadLink, Error> {
        if !looks_like_presentation_id(id) {
            return Err(Error::internal(format!("“{id}” is not a Presenton presentation id.")));
        }
        let export_as = if format == ExportFormat::Pdf { "pdf" } else { "pptx" };
        let answer = match self.post_json(&format!("{PRESENTATION}{id}/export"), &json!({ "export_as": export_as })).await {
            Err(e) if route_missing(&e) => {
                match self.post_json(EDIT, &json!({ "presentation_id": id, "slides": [], "export_as": export_as })).await {
                    Err(e) if route_missing(&e) => return Err(self.unfetchable(Some(id), &e)),
                    other => other?,
                }
            }
            other => other?,
        };
        let result = PresentationAndPath::parse(&answer.body).map_err(|why| self.unreadable(&answer, why))?;
        download_link(self.api.base(), &result.path)
            .ok_or_else(|| self.unreadable(&answer, format!("the file path {:?} is not a usable address", result.path)))
    }

    /// The task said the deck is complete, but this server gives no way to its file (a proxy
    /// that passes only generate and status, or a version without the lookup routes). The
    /// deck exists: say so, where to get it, and that nothing is made (or charged) again.
    fn unfetchable(&self, presentation_id: Option<&str>, cause: &Error) -> Error {
        let place = match (self.hosted_mode(), presentation_id) {
            (false, Some(id)) => format!("Open it at {}", edit_link(self.api.base(), id)),
            (false, None) => format!("Open the server's web page at {} and find it among the presentations", self.api.base()),
            (true, _) => "Open it in your Presenton account".to_string(),
        };
        Error::FileUnavailable {
            message: format!(
                "{} made this deck, but does not let Deckhand fetch its file (HTTP {} when Deckhand asked for it). {place}, and download it there. Nothing was charged twice: the deck was made once.",
                self.name(),
                cause.details().status.unwrap_or_default()
            ),
            details: cause.details().clone(),
        }
    }

    async fn cached_choices(&self, kind: ChoiceKind) -> Result<Vec<Choice>, Error> {
        if let Ok(cache) = self.choices.lock() {
            if let Some((at, items)) = cache.get(&kind) {
                if at.elapsed() < CHOICES_TTL {
                    return Ok(items.clone());
                }
            }
        }
        let items = self.fetch_choices(kind).await?;
        if let Ok(mut cache) = self.choices.lock() {
            cache.insert(kind, (Instant::now(), items.clone()));
        }
        Ok(items)
    }

    async fn fetch_choices(&self, kind: ChoiceKind) -> Result<Vec<Choice>, Error> {
        let plain = |id: &str, name: &str| Choice { id: id.to_string(), name: name.to_string(), ..Choice::default() };
        Ok(match kind {
            ChoiceKind::Languages => languages::LANGUAGES.iter().map(|l| plain(l, l)).collect(),
            ChoiceKind::Themes if self.hosted_mode() => HOSTED_THEMES.iter().map(|(id, name)| plain(id, name)).collect(),
            // Self-hosted generation has no theme field; its look comes from the template.
            ChoiceKind::Themes | ChoiceKind::Folders | ChoiceKind::ImageModels => Vec::new(),
            ChoiceKind::Templates => match self.get_answer(TEMPLATES).await {
                Ok(answer) => parse_templates(&answer.body).map_err(|why| self.unreadable(&answer, why))?,
                // The hosted API does not document the template list; offer the built-ins.
                Err(Error::NotFound { .. }) if self.hosted_mode() => {
                    BUILT_IN_TEMPLATES.iter().map(|t| plain(t, t)).collect()
                }
                Err(e) => return Err(e),
            },
        })
    }

    /// Connection failures in words about the person's own server: the address to check,
    /// whether it is started, what to do about its certificate. Hosted errors pass as they are.
    fn unreachable(&self, e: Error) -> Error {
        if self.hosted_mode() {
            return e;
        }
        let base = self.api.base();
        match e {
            Error::ConnectionRefused { details, .. } => Error::ConnectionRefused {
                message: format!("Nothing is answering at {base}. Is your Presenton server started? Start it, then try again."),
                details,
            },
            Error::NameNotFound { details, .. } => Error::NameNotFound {
                message: format!("The server name in {base} could not be found. Check the address in Settings (and that this computer is on the same network as the server)."),
                details,
            },
            Error::Tls { details, .. } => Error::Tls {
                message: format!(
                    "Your Presenton server at {base} has a certificate Deckhand does not trust (probably self-signed), so no secure connection was made. Give the server a certificate from a public authority such as Let's Encrypt, or use its plain http:// address."
                ),
                details,
            },
            Error::Timeout { phase: Some(TimeoutPhase::Connect), details, .. } => Error::Timeout {
                message: format!("Your Presenton server at {base} did not answer. Is it started, and is the address right?"),
                phase: Some(TimeoutPhase::Connect),
                details,
            },
            other => other,
        }
    }
}

/// A 404 or 405 from a lookup or export route. The task already said the deck is complete,
/// so this is a route the server (or a proxy in front of it) does not have, not a deck it
/// does not know.
fn route_missing(e: &Error) -> bool {
    matches!(e.details().status, Some(404 | 405))
}

/// The server's page for one deck: `edit_path` is `/presentation?id=<id>` (§2.5).
fn edit_link(base: &Url, id: &str) -> Url {
    let mut url = crate::providers::http::join_path(base, "/presentation").unwrap_or_else(|_| base.clone());
    url.query_pairs_mut().append_pair("id", id);
    url
}

fn mime_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "rtf" => "application/rtf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[async_trait]
impl Provider for PresentonProvider {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn validate(&self, request: &DeckRequest) -> Result<(), Error> {
        request::validate(request, self.hosted_mode())
    }

    async fn submit(&self, req: &DeckRequest) -> Result<Submitted, SubmitFailure> {
        let not_sent = |error: Error| SubmitFailure { error, delivery: Delivery::NotSent };
        self.validate(req).map_err(not_sent)?;
        let files = if req.source_files.is_empty() { Vec::new() } else { self.upload(&req.source_files).await? };
        let body = request::body(req, self.hosted_mode(), &files);
        let url = self.api.url(GENERATE).map_err(not_sent)?;
        let resp = self
            .api
            .send(self.api.request(Method::POST, url).json(&body))
            .await
            .map_err(|(e, delivery)| SubmitFailure {
                error: if delivery == Delivery::NotSent { self.unreachable(e) } else { e },
                delivery,
            })?;
        let answer = Answer::read(resp).await.map_err(|(error, delivery)| SubmitFailure { error, delivery })?;
        if !answer.status.is_success() {
            // A 5xx may come from a proxy after the server started the deck.
            let delivery = if answer.status.is_server_error() { Delivery::Uncertain } else { Delivery::Rejected };
            return Err(SubmitFailure { error: errors::from_answer(&answer, self.hosted_mode()), delivery });
        }
        let uncertain = |error: Error| SubmitFailure { error, delivery: Delivery::Uncertain };
        let task = Task::parse(&answer.body).map_err(|why| uncertain(self.unreadable(&answer, why)))?;
        if !looks_like_task_id(&task.id) {
            return Err(uncertain(Error::Internal {
                message: format!("{} answered with a task id Deckhand does not recognise.", self.name()),
                details: answer.details(Some(format!("task id {:?}", task.id))),
            }));
        }
        let queued = to_status(&task, self.api.base(), self.name());
        if queued.state == RemoteState::Failed {
            // Hosted sends credit and validation problems on submit; a task that is already
            // failed is the same refusal.
            let error = queued.error.unwrap_or_else(|| Error::internal("The task failed as it was created."));
            return Err(SubmitFailure { error, delivery: Delivery::Rejected });
        }
        Ok(Submitted {
            remote: RemoteJob {
                id: task.id.clone(),
                file_id: task.presentation_id().filter(|id| looks_like_presentation_id(id)).map(str::to_string),
            },
            warnings: Vec::new(),
            request_id: request_id(&answer.headers),
        })
    }

    async fn status(&self, remote: &RemoteJob) -> Result<RemoteStatus, Error> {
        let task = self.fetch_task(&remote.id).await?;
        let mut st = to_status(&task, self.api.base(), self.name());
        if st.state == RemoteState::Completed && st.download.is_none() {
            // 0.8.9 says "completed" without a path. Find the deck here so the journal keeps
            // its id; the engine then calls `refresh_download`, which exports it. Lookup
            // failures are left to `refresh_download`, which tries again and reports them.
            if st.file_id.is_none() {
                st.file_id = remote.file_id.clone().filter(|id| looks_like_presentation_id(id));
            }
            match &st.file_id {
                Some(id) => st.title = self.presentation_title(id).await,
                None => {
                    if let Ok(Some(p)) = self.find_presentation(&task).await {
                        st.title = p.title.clone();
                        st.file_id = Some(p.id);
                    }
                }
            }
        } else if st.state == RemoteState::Completed && st.title.is_none() {
            // The deck's file is named after its title; the server's own file name is that
            // title cut mid-word at 95 characters (or, hosted, with `_` for spaces).
            if let Some(id) = &st.file_id {
                st.title = self.presentation_title(id).await;
            }
        }
        Ok(st)
    }

    async fn refresh_download(&self, remote: &RemoteJob, format: ExportFormat) -> Result<DownloadLink, Error> {
        let id = match remote.file_id.clone().filter(|id| looks_like_presentation_id(id)) {
            Some(id) => id,
            None => {
                let task = self.fetch_task(&remote.id).await?;
                match task.presentation_id() {
                    Some(id) => id.to_string(),
                    None => match self.find_presentation(&task).await {
                        Ok(Some(p)) => p.id,
                        Ok(None) => {
                            let cause = Error::NotFound {
                                message: "The deck is not in the server's list of presentations.".into(),
                                details: Details { request_id: Some(task.id.clone()), status: Some(404), ..Details::default() },
                            };
                            return Err(self.unfetchable(None, &cause));
                        }
                        Err(e) if route_missing(&e) => return Err(self.unfetchable(None, &e)),
                        Err(e) => return Err(e),
                    },
                }
            }
        };
        self.export(&id, format).await
    }

    async fn open_download(&self, link: &DownloadLink) -> Result<reqwest::Response, Error> {
        let resp = self.api.get(link.url.clone(), Some(DOWNLOAD_TIMEOUT)).await.map_err(|e| self.unreachable(e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let answer = Answer::read(resp).await.map_err(|(e, _)| e)?;
        // A file host's 403/404 means the link is stale; on the server's own origin a 403 is
        // a sign-in problem.
        let expired = match answer.status {
            StatusCode::NOT_FOUND | StatusCode::GONE => true,
            StatusCode::FORBIDDEN => !self.api.is_own_origin(&link.url),
            _ => false,
        };
        Err(if expired {
            Error::ExpiredLink {
                message: "The download link no longer works. Deckhand will ask for a fresh one.".into(),
                details: answer.details(None),
            }
        } else {
            errors::from_answer(&answer, self.hosted_mode())
        })
    }

    async fn list_choices(&self, query: &ChoiceQuery) -> Result<ChoicePage, Error> {
        let kind = query.kind.ok_or_else(|| Error::invalid_input("kind", "Say which list to show."))?;
        let items = self.cached_choices(kind).await?;
        let items = match query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let s = s.to_lowercase();
                items.into_iter().filter(|c| c.name.to_lowercase().contains(&s) || c.id.to_lowercase().contains(&s)).collect()
            }
            None => items,
        };
        Ok(ChoicePage { items, next_cursor: None })
    }

    async fn test_connection(&self) -> Result<ConnectionReport, Error> {
        if self.hosted_mode() {
            // The hosted v1 API documents no account endpoint. Asking for the status of a
            // task that cannot exist is authenticated, free, and answers 404 once the key
            // is accepted (401/403 when it is not).
            match self.get_answer(&format!("{STATUS}task-deckhand-connection-check")).await {
                Ok(_) | Err(Error::NotFound { .. }) => Ok(ConnectionReport {
                    message: "Connected to Presenton; the key works.".into(),
                    ..ConnectionReport::default()
                }),
                Err(e) => Err(e),
            }
        } else {
            self.get_answer(TEMPLATES).await?;
            Ok(ConnectionReport {
                message: format!("Connected to the Presenton server at {}.", self.api.base()),
                ..ConnectionReport::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_keys_are_checked_before_use() {
        let base = Url::parse(HOSTED_BASE_URL).unwrap();
        assert!(PresentonProvider::hosted(base.clone(), Secret::new("sk-presenton-abcdef")).is_ok());
        for bad in ["", "abc", "sk-gamma-123456", "sk-presenton-ab cd"] {
            let e = PresentonProvider::hosted(base.clone(), Secret::new(bad)).err().expect(bad);
            assert_eq!(e.kind(), "invalid_input");
            assert!(!e.message().contains(bad) || bad.is_empty(), "the key is not echoed");
        }
        assert!(PresentonProvider::self_hosted(Url::parse("ftp://x").unwrap(), SelfHostedAuth::None).is_err());
        let p = PresentonProvider::self_hosted(Url::parse(SELF_HOSTED_DEFAULT_URL).unwrap(), SelfHostedAuth::None).unwrap();
        assert_eq!(p.kind(), ProviderKind::PresentonSelf);
    }

    #[test]
    fn a_404_or_405_from_a_lookup_route_means_the_route_is_missing() {
        let status = |s: u16| Error::NotFound { message: String::new(), details: Details { status: Some(s), ..Details::default() } };
        assert!(route_missing(&status(404)) && route_missing(&status(405)));
        assert!(!route_missing(&status(500)) && !route_missing(&status(401)));
        assert_eq!(edit_link(&Url::parse("http://h:5001/sub").unwrap(), "d300").as_str(), "http://h:5001/sub/presentation?id=d300");
    }
}
