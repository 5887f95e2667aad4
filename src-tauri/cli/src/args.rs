//! The command line, and how a `generate` line becomes a [`DeckRequest`]. Everything here is
//! checked before anything is sent: a bad line costs nothing.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind};
use serde_json::Value;

pub const EXIT_HELP: &str = "\
Exit status:
  0  done (with --no-wait: the service accepted the job)
  1  failed or cancelled, or Deckhand itself could not work (journal, keychain)
  2  bad input: nothing was sent and nothing was charged
  3  needs your attention (a submit may or may not have reached the service), or the deck is
     still being made on the server after the waiting time: run `deckhand-cli download ID`
     later to check again and fetch it

Keys come from DECKHAND_GAMMA_API_KEY, DECKHAND_PRESENTON_API_KEY,
DECKHAND_PRESENTON_USER + DECKHAND_PRESENTON_PASSWORD (self-hosted, Basic sign-in) or
DECKHAND_PRESENTON_SELF_API_KEY (self-hosted, Bearer) when set, else from the system keychain
where the Deckhand app keeps them. Jobs are kept in DECKHAND_DATA_DIR, else the app's data folder;
while the Deckhand app is open it holds them, and commands that change jobs wait until it is
closed (`cancel` refuses instead). `list` and `status` always work.";

#[derive(Debug, Parser)]
#[command(name = "deckhand-cli", version, about = "Turn a topic or notes into a slide deck with Gamma or Presenton.", after_help = EXIT_HELP)]
pub struct Cli {
    /// Print the result as JSON on stdout (one object; a list for `list` and `batch`).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make one deck and download it.
    Generate(GenerateArgs),
    /// Every job in the journal.
    List,
    /// One job's state.
    Status { id: String },
    /// Fetch a job's file (again), or check again on a deck still being made.
    Download {
        id: String,
        /// Download again even when the file is already there.
        #[arg(long)]
        again: bool,
    },
    /// Stop a job here. The service may still finish it and charge for it.
    Cancel { id: String },
    /// Finish every unfinished job in the journal.
    Resume,
    /// One deck per line, or a CSV file whose header names the fields (content, title,
    /// slides, language, format, theme, template, instructions, provider, out, files; any
    /// other column is a provider option).
    Batch(BatchArgs),
}

/// Options shared by `generate` and (as defaults) `batch`.
#[derive(Debug, Clone, Args, Default)]
pub struct DeckOptions {
    /// gamma, presenton or presenton-self.
    #[arg(long, value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,
    /// Number of slides (Gamma: cards).
    #[arg(long)]
    pub slides: Option<u32>,
    /// Gamma: a code such as `de`; Presenton: a name such as `German`.
    #[arg(long)]
    pub language: Option<String>,
    /// pptx, pdf or png.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<ExportFormat>,
    #[arg(long)]
    pub theme: Option<String>,
    #[arg(long)]
    pub template: Option<String>,
    #[arg(long)]
    pub instructions: Option<String>,
    /// Folder for the file (default: the current folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The service's address (self-hosted server, proxy). Else DECKHAND_GAMMA_BASE_URL or
    /// DECKHAND_PRESENTON_BASE_URL, else the service's own.
    #[arg(long)]
    pub base_url: Option<url::Url>,
    /// A service option by its API name, e.g. `textMode=generate`, `tone=casual`. Repeatable.
    #[arg(long = "option", value_parser = parse_option)]
    pub options: Vec<(String, Value)>,
    /// A document to send as source material (Presenton). Repeatable.
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
    /// Return once the service has accepted the job; `download ID` fetches it later.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The topic or notes.
    #[arg(long, conflicts_with = "content_file", required_unless_present = "content_file")]
    pub content: Option<String>,
    /// Read the topic or notes from a file (`-` for standard input).
    #[arg(long)]
    pub content_file: Option<PathBuf>,
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub deck: DeckOptions,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The batch file (`-` for standard input).
    pub file: PathBuf,
    #[command(flatten)]
    pub deck: DeckOptions,
}

/// A problem with what was typed; exit 2, nothing sent.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    ProviderKind::parse(s.trim()).ok_or_else(|| format!("unknown service `{s}`: use gamma, presenton or presenton-self"))
}

pub fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("unknown format `{s}`: use pptx, pdf or png"))
}

/// `key=value`; the value is JSON when it parses as a number, boolean, array or object
/// (`numCards=10`, `cardSplit=auto`, `x=[1,2]`), else a string.
pub fn parse_option(s: &str) -> Result<(String, Value), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("`{s}`: write options as key=value"))?;
    let k = k.trim();
    if k.is_empty() {
        return Err(format!("`{s}`: the option has no name"));
    }
    Ok((k.to_string(), option_value(v)))
}

pub fn option_value(v: &str) -> Value {
    match serde_json::from_str::<Value>(v.trim()) {
        Ok(j @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_) | Value::Null)) => j,
        _ => Value::String(v.to_string()),
    }
}

/// Everything one deck needs besides the content: the provider, where the file goes, whether
/// to wait.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub provider: ProviderKind,
    pub request: DeckRequest,
    pub out_dir: PathBuf,
}

/// Builds the request for `content` with `opts`; checks what can be checked here (provider
/// chosen, content not empty, files and folder there). The provider checks the rest.
pub fn plan(content: String, title: Option<String>, opts: &DeckOptions, cwd: &std::path::Path) -> Result<Planned, InputError> {
    let provider = opts
        .provider
        .ok_or_else(|| InputError::new("provider", "Choose a service with --provider gamma, presenton or presenton-self."))?;
    if content.trim().is_empty() {
        return Err(InputError::new("content", "The content is empty: give a topic or notes with --content or --content-file."));
    }
    for f in &opts.files {
        if !f.is_file() {
            return Err(InputError::new("file", format!("{} is not a file Deckhand can read.", f.display())));
        }
    }
    let out_dir = match &opts.out {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => cwd.join(d),
        None => cwd.to_path_buf(),
    };
    if !out_dir.is_dir() {
        return Err(InputError::new("out", format!("The folder {} does not exist.", out_dir.display())));
    }
    let files = opts.files.iter().map(|f| if f.is_absolute() { f.clone() } else { cwd.join(f) }).collect();
    let request = DeckRequest {
        content,
        title: title.filter(|t| !t.trim().is_empty()),
        slides: opts.slides,
        language: opts.language.clone(),
        format: opts.format.unwrap_or_default(),
        theme: opts.theme.clone(),
        template: opts.template.clone(),
        instructions: opts.instructions.clone(),
        source_files: files,
        options: opts.options.iter().cloned().collect(),
        look_name: None,
    };
    Ok(Planned { provider, request, out_dir })
}

/// The content of `generate`: `--content`, or the file (or stdin) named by `--content-file`.
pub fn read_content(args: &GenerateArgs) -> Result<String, InputError> {
    match (&args.content, &args.content_file) {
        (Some(c), _) => Ok(c.clone()),
        (None, Some(p)) if p.as_os_str() == "-" => {
            std::io::read_to_string(std::io::stdin()).map_err(|e| InputError::new("content_file", format!("Could not read standard input: {e}")))
        }
        (None, Some(p)) => std::fs::read_to_string(p)
            .map_err(|e| InputError::new("content_file", format!("Could not read {}: {e}", p.display()))),
        (None, None) => Err(InputError::new("content", "Give a topic or notes with --content or --content-file.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("deckhand-cli").chain(args.iter().copied()))
    }

    #[test]
    fn generate_parses_every_option() {
        let cli = parse(&[
            "generate", "--provider", "presenton-self", "--content", "Solar", "--slides", "8", "--language", "German",
            "--format", "pdf", "--theme", "t1", "--template", "modern", "--title", "Sun", "--instructions", "short",
            "--out", "/tmp", "--base-url", "http://localhost:5001", "--option", "tone=casual", "--option", "n=3",
            "--file", "a.docx", "--json", "--no-wait",
        ])
        .unwrap();
        assert!(cli.json);
        let Command::Generate(g) = cli.command else { panic!("not generate") };
        assert_eq!(g.content.as_deref(), Some("Solar"));
        assert_eq!(g.deck.provider, Some(ProviderKind::PresentonSelf));
        assert_eq!(g.deck.format, Some(ExportFormat::Pdf));
        assert_eq!(g.deck.slides, Some(8));
        assert_eq!(g.deck.options, vec![("tone".into(), Value::from("casual")), ("n".into(), Value::from(3))]);
        assert_eq!(g.deck.files, vec![PathBuf::from("a.docx")]);
        assert_eq!(g.deck.base_url.unwrap().as_str(), "http://localhost:5001/");
        assert!(g.deck.no_wait);
    }

    #[test]
    fn bad_lines_are_refused_by_the_parser() {
        assert!(parse(&["generate", "--provider", "gamma"]).is_err(), "content required");
        assert!(parse(&["generate", "--provider", "gamma", "--content", "x", "--content-file", "f"]).is_err());
        assert!(parse(&["generate", "--provider", "powerpoint", "--content", "x"]).is_err());
        assert!(parse(&["generate", "--provider", "gamma", "--content", "x", "--format", "docx"]).is_err());
        assert!(parse(&["generate", "--provider", "gamma", "--content", "x", "--slides", "-3"]).is_err());
        assert!(parse(&["generate", "--provider", "gamma", "--content", "x", "--option", "novalue"]).is_err());
        assert!(parse(&["status"]).is_err());
        assert_eq!(parse(&["frobnicate"]).unwrap_err().exit_code(), 2, "clap's usage errors exit 2, like bad input");
    }

    #[test]
    fn option_values_are_typed() {
        assert_eq!(option_value("10"), Value::from(10));
        assert_eq!(option_value("true"), Value::from(true));
        assert_eq!(option_value("auto"), Value::from("auto"));
        assert_eq!(option_value("[\"a\"]"), serde_json::json!(["a"]));
        assert_eq!(option_value("a=b"), Value::from("a=b"));
        assert_eq!(parse_option("imageOptions.source=aiGenerated").unwrap().0, "imageOptions.source");
    }

    #[test]
    fn planning_checks_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = DeckOptions { provider: Some(ProviderKind::Gamma), ..Default::default() };
        let p = plan("Solar".into(), Some(" ".into()), &opts, dir.path()).unwrap();
        assert_eq!(p.out_dir, dir.path());
        assert_eq!(p.request.title, None, "a blank title is no title");
        assert_eq!(p.request.format, ExportFormat::Pptx);
        assert_eq!(plan("  ".into(), None, &opts, dir.path()).unwrap_err().field, "content");
        opts.out = Some("missing".into());
        assert_eq!(plan("x".into(), None, &opts, dir.path()).unwrap_err().field, "out");
        opts.out = None;
        opts.files = vec!["nope.docx".into()];
        assert_eq!(plan("x".into(), None, &opts, dir.path()).unwrap_err().field, "file");
        opts.provider = None;
        opts.files.clear();
        assert_eq!(plan("x".into(), None, &opts, dir.path()).unwrap_err().field, "provider");
    }
}
