//! Provider-neutral request and response types shared by the job engine, the app and the CLI.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    Gamma,
    /// Presenton's hosted service, `https://api.presenton.ai`.
    Presenton,
    /// A Presenton server someone runs themselves.
    PresentonSelf,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [ProviderKind::Gamma, ProviderKind::Presenton, ProviderKind::PresentonSelf];

    /// The name used on the command line, in the journal and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Gamma => "gamma",
            ProviderKind::Presenton => "presenton",
            ProviderKind::PresentonSelf => "presenton-self",
        }
    }

    /// The name a person reads.
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Gamma => "Gamma",
            ProviderKind::Presenton => "Presenton",
            ProviderKind::PresentonSelf => "Presenton (self-hosted)",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ProviderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The service inside a sentence ("Sending the request to your Presenton server…"): a
    /// label such as "Presenton (self-hosted)" reads badly there.
    pub fn in_sentence(self) -> &'static str {
        match self {
            ProviderKind::PresentonSelf => "your Presenton server",
            other => other.display_name(),
        }
    }

    /// [`ProviderKind::in_sentence`] at the start of a sentence.
    pub fn sentence_start(self) -> &'static str {
        match self {
            ProviderKind::PresentonSelf => "Your Presenton server",
            other => other.display_name(),
        }
    }

    /// Where the person can see whether a request arrived: "your Gamma account", "the server's
    /// web page".
    pub fn where_to_check(self) -> &'static str {
        match self {
            ProviderKind::Gamma => "your Gamma account",
            ProviderKind::Presenton => "your Presenton account",
            ProviderKind::PresentonSelf => "the server's web page",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Pptx,
    Pdf,
    Png,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pptx => "pptx",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Png => "png",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pptx" | "powerpoint" => Some(ExportFormat::Pptx),
            "pdf" => Some(ExportFormat::Pdf),
            "png" => Some(ExportFormat::Png),
            _ => None,
        }
    }
}

/// Everything a person asked for. Common fields first; options only one service has live in
/// the per-provider maps, which each provider validates and maps to its own field names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeckRequest {
    /// The topic or the notes. (Defaulted: lists and events leave it out, see `jobs::view`.)
    #[serde(default)]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Number of slides (Gamma: cards). `None`: the service decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slides: Option<u32>,
    /// Gamma: a code such as `de` or `pt-br`; Presenton: a name such as `German`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub format: ExportFormat,
    /// Gamma theme id or Presenton hosted theme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Presenton template id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The theme's or template's name as the person saw it when picking it. Not sent to the
    /// service: it only labels the deck's card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_name: Option<String>,
    /// Additional instructions for the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Local files sent as source documents (Presenton uploads them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_files: Vec<std::path::PathBuf>,
    /// Service-specific options by their API names (e.g. Gamma `textMode`, `imageOptions.source`;
    /// Presenton `tone`, `verbosity`). Values are checked by the provider's `validate`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub options: serde_json::Map<String, serde_json::Value>,
    /// Fields this Deckhand does not know: kept in a record a newer Deckhand wrote; refused in
    /// a new request (see [`DeckRequest::refuse_unknown_fields`]).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl DeckRequest {
    /// A request with fields this Deckhand does not know cannot be sent as it was meant: say
    /// so before anything is sent or charged.
    pub fn refuse_unknown_fields(&self) -> Result<(), Error> {
        match self.extra.keys().next() {
            None => Ok(()),
            Some(name) => {
                // The name may come from the window: bounded before it is echoed.
                let name: String = name.chars().take(60).collect();
                let message = format!("This version of Deckhand does not know the setting \"{name}\", so it cannot make this deck as asked.");
                Err(Error::invalid_input(name, message))
            }
        }
    }
}

/// The handle of a started generation: all the engine must remember to resume it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteJob {
    /// Gamma `generationId`; Presenton task id (`task-…`).
    pub id: String,
    /// Gamma `gammaId` (`g_…`) or Presenton `presentation_id`, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    pub remote: RemoteJob,
    /// Warnings the service returned on create (Gamma drops or adjusts parameters).
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Whether a failed submit may have reached the service, which decides if it may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Certainly never left this machine (DNS or connect failure; refused before sending).
    NotSent,
    /// The service answered with a refusal (4xx, 429): nothing was started.
    Rejected,
    /// It may have arrived (timeout after sending, reset mid-answer, 5xx from a proxy).
    Uncertain,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct SubmitFailure {
    pub error: Error,
    pub delivery: Delivery,
}

/// Open enum of remote states: anything unknown keeps the job running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteState {
    Pending,
    Running,
    Completed,
    Failed,
    Other(String),
}

impl RemoteState {
    pub fn is_terminal(&self) -> bool {
        matches!(self, RemoteState::Completed | RemoteState::Failed)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The service's own words ("Generating slides").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slides_done: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slides_total: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Credits {
    /// Credits this deck used (Gamma `deducted`, Presenton `credits_consumed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<f64>,
    /// Credits left on the account (Gamma `remaining`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadLink {
    pub url: Url,
    /// A file name the server suggested (the title for Presenton self-hosted); sanitized by
    /// the downloader before use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name_hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteStatus {
    pub state: RemoteState,
    #[serde(default)]
    pub progress: Progress,
    /// Present once the file can be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<DownloadLink>,
    /// Where the person can edit the deck in the service (`gammaUrl`, `edit_path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_url: Option<Url>,
    /// `gammaId` / `presentation_id` when the service reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    /// Why it failed, when `state` is `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

impl RemoteStatus {
    pub fn new(state: RemoteState) -> Self {
        RemoteStatus {
            state,
            progress: Progress::default(),
            download: None,
            edit_url: None,
            file_id: None,
            title: None,
            credits: None,
            error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceKind {
    Themes,
    Templates,
    Folders,
    Languages,
    ImageModels,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChoiceQuery {
    pub kind: Option<ChoiceKind>,
    /// Name search, where the service supports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// The cursor from the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    /// The name a person reads (a language in its own name, a theme's display name).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Colour words the service gives a look ("black", "pastel"), main colour first, for the
    /// look picker's swatches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub colors: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoicePage {
    pub items: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionReport {
    /// A sentence for the person ("Connected to Gamma; the key works.").
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_remaining: Option<f64>,
}
