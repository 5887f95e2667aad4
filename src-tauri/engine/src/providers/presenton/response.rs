//! Presenton's answers, parsed tolerantly: the async task object (§2.4) whose `data` changed
//! shape three times across server versions, the export result, and the lists used to find
//! a deck when a server does not say where the file is.

use chrono::{DateTime, NaiveDateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{Map, Value};
use url::Url;

use crate::providers::http::join_path;
use crate::providers::{Choice, Credits, DownloadLink, Progress, RemoteState, RemoteStatus};
use crate::{Details, Error};

/// A task's `status`. `failed` is what the hosted guide says, `error` what the servers send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStatus {
    Pending,
    Processing,
    Completed,
    Error,
    Failed,
    Other(String),
}

impl TaskStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "pending" => TaskStatus::Pending,
            "processing" => TaskStatus::Processing,
            "completed" => TaskStatus::Completed,
            "error" => TaskStatus::Error,
            "failed" => TaskStatus::Failed,
            other => TaskStatus::Other(other.to_string()),
        }
    }
}

/// The async task object. `data` stays an open map: 0.7.3 puts `{presentation_id, path,
/// edit_path}` there on completion, 0.8.9 only `{created_slides, remaining_slides}`, later
/// servers `presentation_id` from the start and `path`/`edit_path` on completion; hosted adds
/// `credits_consumed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub status: TaskStatus,
    pub message: Option<String>,
    /// `{status_code, detail}` on failure.
    pub error: Option<(Option<u16>, Option<String>)>,
    pub data: Map<String, Value>,
    pub created_at: Option<DateTime<Utc>>,
}

impl Task {
    pub fn parse(body: &[u8]) -> Result<Task, String> {
        let v: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let obj = v.as_object().ok_or("the answer is not a JSON object")?;
        let id = obj.get("id").and_then(Value::as_str).ok_or("the task has no id")?.to_string();
        let status = TaskStatus::parse(obj.get("status").and_then(Value::as_str).unwrap_or(""));
        let error = match obj.get("error") {
            Some(Value::Object(e)) => Some((
                e.get("status_code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()),
                e.get("detail").map(|d| d.as_str().map(str::to_string).unwrap_or_else(|| d.to_string())),
            )),
            Some(Value::String(s)) => Some((None, Some(s.clone()))),
            _ => None,
        };
        Ok(Task {
            id,
            status,
            message: obj.get("message").and_then(Value::as_str).map(str::to_string),
            error,
            data: obj.get("data").and_then(Value::as_object).cloned().unwrap_or_default(),
            created_at: obj.get("created_at").and_then(Value::as_str).and_then(parse_timestamp),
        })
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }

    fn count(&self, key: &str) -> Option<u32> {
        self.data.get(key).and_then(Value::as_u64).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    }

    pub fn presentation_id(&self) -> Option<&str> {
        self.text("presentation_id")
    }

    pub fn path(&self) -> Option<&str> {
        self.text("path")
    }

    /// Slides planned in total, when the server counts them (0.8.9 on).
    pub fn total_slides(&self) -> Option<u32> {
        Some(self.count("created_slides")?.saturating_add(self.count("remaining_slides")?))
    }
}

/// The official SDK refuses task ids that do not start `task-`; the id also goes into a URL
/// path, so only plain characters are allowed.
pub fn looks_like_task_id(id: &str) -> bool {
    id.len() > 5 && id.len() <= 200 && id.starts_with("task-") && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Presentation ids are UUIDs; anything else must not be pasted into a URL path.
pub fn looks_like_presentation_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// ISO 8601 with or without an offset; a naive time is UTC (the servers' defaults are UTC).
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z"]
        .iter()
        .find_map(|f| {
            DateTime::parse_from_str(s, f)
                .map(|t| t.with_timezone(&Utc))
                .ok()
                .or_else(|| NaiveDateTime::parse_from_str(s, f).ok().map(|n| n.and_utc()))
        })
}

/// Characters escaped in a file path joined to the base: everything that would end or change
/// the path (`?`, `#`, `%`), spaces, and what is not allowed in a URL.
const PATH_ESCAPES: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}').add(b'\\').add(b'^').add(b'|').add(b'[').add(b']');

/// Where `path` is: an absolute http(s) URL as given (hosted), else the server path joined to
/// the base with every segment percent-encoded (self-hosted: `/app_data/exports/My Deck.pptx`).
pub fn file_url(base: &Url, path: &str) -> Option<Url> {
    let path = path.trim();
    if path.starts_with("http://") || path.starts_with("https://") {
        return Url::parse(path).ok().filter(|u| u.host_str().is_some());
    }
    if path.is_empty() {
        return None;
    }
    let encoded = utf8_percent_encode(path.trim_start_matches('/'), PATH_ESCAPES).to_string();
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}/{encoded}"));
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

/// The web editor: `edit_path` is absolute on hosted, relative to the web UI (with a query)
/// on self-hosted.
pub fn edit_url(base: &Url, edit_path: &str) -> Option<Url> {
    let e = edit_path.trim();
    if e.starts_with("http://") || e.starts_with("https://") {
        return Url::parse(e).ok();
    }
    if e.is_empty() {
        return None;
    }
    join_path(base, e).ok()
}

/// The file name in a server path (taken literally: `#` and `?` are part of a file name) or in
/// an absolute URL (decoded).
fn file_name_of(path: &str) -> Option<String> {
    let p = path.trim();
    let name = if p.starts_with("http://") || p.starts_with("https://") {
        let url = Url::parse(p).ok()?;
        let last = url.path_segments()?.next_back()?.to_string();
        percent_encoding::percent_decode_str(&last).decode_utf8_lossy().into_owned()
    } else {
        p.rsplit('/').next()?.to_string()
    };
    Some(name).filter(|s| !s.is_empty())
}

/// The download link for a server `path`.
pub fn download_link(base: &Url, path: &str) -> Option<DownloadLink> {
    let url = file_url(base, path)?;
    Some(DownloadLink { url, file_name_hint: file_name_of(path) })
}

/// A task turned into the engine's status. A completed task without a `path` (0.8.9) comes
/// back `Completed` with no download: the engine then asks `refresh_download`, which exports
/// the deck again.
pub fn to_status(task: &Task, base: &Url, provider: &str) -> RemoteStatus {
    let state = match &task.status {
        TaskStatus::Pending => RemoteState::Pending,
        TaskStatus::Processing => RemoteState::Running,
        TaskStatus::Completed => RemoteState::Completed,
        TaskStatus::Error | TaskStatus::Failed => RemoteState::Failed,
        TaskStatus::Other(s) => RemoteState::Other(s.clone()),
    };
    let mut st = RemoteStatus::new(state);
    st.progress = Progress {
        message: task.message.clone(),
        slides_done: task.count("created_slides"),
        slides_total: task.total_slides(),
    };
    st.file_id = task.presentation_id().filter(|id| looks_like_presentation_id(id)).map(str::to_string);
    if matches!(task.status, TaskStatus::Completed) {
        // The file's name is not the deck's title: servers cut it mid-word at 95 characters
        // (hosted: `_` for spaces). The title comes from the presentation (client.rs).
        st.download = task.path().and_then(|p| download_link(base, p));
    }
    st.edit_url = task.text("edit_path").and_then(|e| edit_url(base, e));
    if let Some(used) = task.data.get("credits_consumed").and_then(Value::as_f64) {
        st.credits = Some(Credits { used: Some(used), remaining: None });
    }
    if st.state == RemoteState::Failed {
        let (code, detail) = task.error.clone().unwrap_or((None, None));
        st.error = Some(Error::ProviderFailed {
            message: format!("{provider} could not make this deck. Try again, perhaps with shorter or simpler content."),
            details: Details {
                provider_message: detail.or_else(|| task.message.clone()),
                request_id: Some(task.id.clone()),
                status: code,
            },
        });
    }
    st
}

/// `{presentation_id, path, edit_path}` from the sync generate, export and edit endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentationAndPath {
    pub presentation_id: Option<String>,
    pub path: String,
    pub edit_path: Option<String>,
}

impl PresentationAndPath {
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let v: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Ok(PresentationAndPath {
            presentation_id: text("presentation_id"),
            path: text("path").filter(|p| !p.trim().is_empty()).ok_or("the answer has no file path")?,
            edit_path: text("edit_path"),
        })
    }
}

/// One item of `/presentation/all` or `/presentation/{id}`: only what finding a deck needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentationSummary {
    pub id: String,
    pub title: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub n_slides: Option<u32>,
}

impl PresentationSummary {
    fn from_value(v: &Value) -> Option<Self> {
        let id = v.get("id").and_then(Value::as_str).filter(|id| looks_like_presentation_id(id))?.to_string();
        Some(PresentationSummary {
            id,
            title: v.get("title").and_then(Value::as_str).map(str::to_string),
            created_at: v.get("created_at").and_then(Value::as_str).and_then(parse_timestamp),
            n_slides: v.get("n_slides").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()),
        })
    }

    pub fn parse_one(body: &[u8]) -> Option<Self> {
        Self::from_value(&serde_json::from_slice::<Value>(body).ok()?)
    }

    /// A bare array, or one wrapped in `items`/`presentations` (accept both, as for v3 lists).
    pub fn parse_list(body: &[u8]) -> Vec<Self> {
        let Ok(v) = serde_json::from_slice::<Value>(body) else { return Vec::new() };
        let items = v.as_array().or_else(|| v.get("items").or_else(|| v.get("presentations")).and_then(Value::as_array));
        items.map(|a| a.iter().filter_map(Self::from_value).collect()).unwrap_or_default()
    }
}

/// Slack for clocks: the deck row may be stamped a moment before the task on a server whose
/// task and deck timestamps come from different code paths.
const CLOCK_SLACK_SECS: i64 = 2;

/// The deck a finished task made, for servers whose task does not say (0.8.9): among decks
/// created at or after the task, the one created soonest after it (with the right slide count
/// when both are known). "Soonest after" rather than "newest" keeps two decks generated side
/// by side apart.
pub fn pick_presentation<'a>(list: &'a [PresentationSummary], task: &Task) -> Option<&'a PresentationSummary> {
    let since = task.created_at?;
    let total = task.total_slides().filter(|n| *n > 0);
    list.iter()
        .filter(|p| p.created_at.is_some_and(|c| c >= since - chrono::Duration::seconds(CLOCK_SLACK_SECS)))
        .filter(|p| match (total, p.n_slides) {
            (Some(t), Some(n)) => t == n,
            _ => true,
        })
        .min_by_key(|p| p.created_at.map(|c| (c - since).num_milliseconds().abs()))
}

/// `[{id, name, total_layouts}]` from `/template/all`.
pub fn parse_templates(body: &[u8]) -> Result<Vec<Choice>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let items = v
        .as_array()
        .or_else(|| v.get("items").and_then(Value::as_array))
        .ok_or("the template list is not a list")?;
    Ok(items
        .iter()
        .filter_map(|t| {
            let id = t.get("id").and_then(Value::as_str).or_else(|| t.get("name").and_then(Value::as_str))?;
            let name = t.get("name").and_then(Value::as_str).filter(|n| *n != id).map_or_else(|| natural_name(id), str::to_string);
            let layouts = t.get("total_layouts").or_else(|| t.get("layout_count")).and_then(Value::as_u64);
            Some(Choice { id: id.to_string(), name, detail: layouts.map(|n| format!("{n} layouts")), ..Choice::default() })
        })
        .collect())
}

/// A template id as people read it: "modern" → "Modern", "neo-general" → "Neo General". Custom
/// templates (`custom-<uuid>`, `template-v2-<id>`) have no readable id.
pub fn natural_name(id: &str) -> String {
    let id = id.trim();
    if id.starts_with("custom-") || id.starts_with("template-v2-") {
        return "Your own template".into();
    }
    id.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:5001").unwrap()
    }

    #[test]
    fn template_ids_read_naturally() {
        assert_eq!(natural_name("modern"), "Modern");
        assert_eq!(natural_name("neo-general"), "Neo General");
        assert_eq!(natural_name("pitch_deck"), "Pitch Deck");
        assert_eq!(natural_name("custom-1b2c"), "Your own template");
        let list = parse_templates(br#"[{"id":"general","name":"general","total_layouts":9},{"id":"custom-9","name":"Board pack"}]"#).unwrap();
        assert_eq!(list[0].name, "General");
        assert_eq!(list[0].detail.as_deref(), Some("9 layouts"));
        assert_eq!(list[1].name, "Board pack");
    }

    #[test]
    fn paths_with_spaces_and_odd_characters_are_encoded() {
        let u = file_url(&base(), "/app_data/exports/Q3 Review #2 100% done?.pptx").unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:5001/app_data/exports/Q3%20Review%20%232%20100%25%20done%3F.pptx");
        let prefixed = file_url(&Url::parse("http://nas.local/presenton").unwrap(), "/app_data/exports/A B.pdf").unwrap();
        assert_eq!(prefixed.as_str(), "http://nas.local/presenton/app_data/exports/A%20B.pdf");
        let abs = file_url(&base(), "https://api.presenton.ai/static/user_data/x/Deck.pdf").unwrap();
        assert_eq!(abs.as_str(), "https://api.presenton.ai/static/user_data/x/Deck.pdf");
        let link = download_link(&base(), "/app_data/exports/My Deck #2?.pptx").unwrap();
        assert_eq!(link.file_name_hint.as_deref(), Some("My Deck #2?.pptx"));
        let hosted = download_link(&base(), "https://files.example/u/Intro%20Deck.pdf?sig=1").unwrap();
        assert_eq!(hosted.file_name_hint.as_deref(), Some("Intro Deck.pdf"));
    }

    #[test]
    fn edit_paths_keep_their_query() {
        assert_eq!(edit_url(&base(), "/presentation?id=abc").unwrap().as_str(), "http://127.0.0.1:5001/presentation?id=abc");
        assert_eq!(edit_url(&base(), "https://presenton.ai/presentation?id=abc").unwrap().host_str(), Some("presenton.ai"));
    }

    #[test]
    fn timestamps_with_and_without_offset() {
        let naive = parse_timestamp("2026-11-23T11:36:57.382421").unwrap();
        let aware = parse_timestamp("2026-11-23T11:36:57.382421+00:00").unwrap();
        assert_eq!(naive, aware);
        assert_eq!(parse_timestamp("2026-11-23T12:36:57.382421+01:00").unwrap(), aware);
        assert!(parse_timestamp("2026-11-23 11:36:57").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn task_ids_are_checked() {
        assert!(looks_like_task_id("task-017f7e7f7d1108a1c9e4743b73f0314bf873d6899c8524cf22e4820bec0c2d8f"));
        assert!(looks_like_task_id("task-9a827c13f4"));
        for bad in ["", "task-", "017f", "task-../../etc", "task-a b", "TASK-1"] {
            assert!(!looks_like_task_id(bad), "{bad}");
        }
    }

    #[test]
    fn the_latest_generation_reports_the_id_early_and_the_path_at_the_end() {
        let queued = Task::parse(br#"{"id":"task-1a","status":"pending","message":"Queued for generation","data":{"presentation_id":"p-1","created_slides":0,"remaining_slides":6},"error":null}"#).unwrap();
        let st = to_status(&queued, &base(), "Presenton");
        assert_eq!(st.state, RemoteState::Pending);
        assert_eq!(st.file_id.as_deref(), Some("p-1"));
        assert_eq!((st.progress.slides_done, st.progress.slides_total), (Some(0), Some(6)));
        assert!(st.download.is_none());
        let done = Task::parse(br#"{"id":"task-1a","status":"completed","data":{"presentation_id":"p-1","created_slides":6,"remaining_slides":0,"path":"/app_data/exports/A b.pdf","edit_path":"/presentation?id=p-1"}}"#).unwrap();
        let st = to_status(&done, &base(), "Presenton");
        assert_eq!(st.download.as_ref().unwrap().url.path(), "/app_data/exports/A%20b.pdf");
        assert_eq!(st.title, None, "the file name is not taken for the deck's title");
        assert_eq!(st.download.as_ref().unwrap().file_name_hint.as_deref(), Some("A b.pdf"));
        assert_eq!(st.edit_url.unwrap().as_str(), "http://127.0.0.1:5001/presentation?id=p-1");
    }

    #[test]
    fn hosted_completion_has_absolute_urls_and_credits() {
        let t = Task::parse(br#"{"id":"task-9a827c13f4","status":"completed","message":"done","data":{"presentation_id":"d3000f96","path":"https://files.example/static/user_data/d3000f96/Intro.pdf","edit_path":"https://presenton.ai/presentation?id=d3000f96","credits_consumed":5}}"#).unwrap();
        let st = to_status(&t, &Url::parse("https://api.presenton.ai").unwrap(), "Presenton");
        assert_eq!(st.download.unwrap().url.as_str(), "https://files.example/static/user_data/d3000f96/Intro.pdf");
        assert_eq!(st.credits.unwrap().used, Some(5.0));
    }

    #[test]
    fn failed_and_unknown_statuses() {
        let t = Task::parse(br#"{"id":"task-ab","status":"failed","error":"quota"}"#).unwrap();
        let st = to_status(&t, &base(), "Presenton");
        assert_eq!(st.state, RemoteState::Failed);
        assert_eq!(st.error.unwrap().details().provider_message.as_deref(), Some("quota"));
        let t = Task::parse(br#"{"id":"task-ab","status":"thinking_hard","data":"weird"}"#).unwrap();
        assert_eq!(to_status(&t, &base(), "Presenton").state, RemoteState::Other("thinking_hard".into()));
        assert!(Task::parse(b"[]").is_err());
        assert!(Task::parse(br#"{"status":"pending"}"#).is_err());
    }

    #[test]
    fn the_deck_nearest_after_the_task_is_picked() {
        let task = Task::parse(br#"{"id":"task-a","status":"completed","created_at":"2026-11-23T11:42:33.974091","data":{"created_slides":5,"remaining_slides":0}}"#).unwrap();
        let list = PresentationSummary::parse_list(br#"[
            {"id":"old","created_at":"2026-11-23T10:00:00","n_slides":5},
            {"id":"mine","created_at":"2026-11-23T11:42:34.100000","n_slides":5,"title":"Mine"},
            {"id":"later","created_at":"2026-11-23T11:42:40+00:00","n_slides":5},
            {"id":"other-size","created_at":"2026-11-23T11:42:34.000000","n_slides":9},
            {"id":"../x","created_at":"2026-11-23T11:42:34"}
        ]"#);
        assert_eq!(list.len(), 4, "ids that are not plain are dropped");
        assert_eq!(pick_presentation(&list, &task).map(|p| p.id.as_str()), Some("mine"));
        assert!(pick_presentation(&list[..1], &task).is_none(), "older decks are never picked");
    }

    #[test]
    fn templates_parse_and_export_results_need_a_path() {
        let t = parse_templates(br#"[{"id":"general","name":"general","total_layouts":12},{"id":"custom-1","name":"Brand"}]"#).unwrap();
        assert_eq!(t[0].detail.as_deref(), Some("12 layouts"));
        assert_eq!(t[1].name, "Brand");
        assert!(PresentationAndPath::parse(br#"{"presentation_id":"x","path":"","edit_path":null}"#).is_err());
        assert_eq!(PresentationAndPath::parse(br#"{"presentation_id":"x","path":"/app_data/exports/x.pdf"}"#).unwrap().path, "/app_data/exports/x.pdf");
    }
}
