//! The command line, and how a `generate` line becomes a [`DeckRequest`]. Everything here is
//! checked before anything is sent: a bad line costs nothing.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind};
use deckhand_engine::settings::Settings;
use deckhand_engine::source_text;
use serde_json::Value;

pub const EXIT_HELP: &str = "\
Examples:
  deckhand-cli generate --provider gamma --content \"Solar power for schools\" --slides 8
  deckhand-cli generate --provider presenton --content-file notes.docx --format pdf --template modern
  deckhand-cli generate --provider presenton-self --base-url http://localhost:5001 --content-file talk.md
  deckhand-cli batch decks.csv --provider gamma --out ~/Decks

Where settings come from (first found wins):
  1. the command line (--provider, --base-url, --slides, --theme, …)
  2. the environment (DECKHAND_GAMMA_BASE_URL, DECKHAND_PRESENTON_BASE_URL, the key
     variables below)
  3. the Deckhand app's settings, read and never changed: the service you use by default,
     your own Presenton server's address and sign-in name, the plain-http servers you
     confirmed, each service's deck defaults (slides, language, format, theme, template,
     instructions, options) and how many decks run at once
  4. Deckhand's own defaults
  Hosted Gamma and Presenton addresses come only from 1 and 2.

Files:
  --content-file reads .txt, .md, .docx and .pdf notes as the app does (`-` reads standard
  input); a CSV batch may name one per deck in a content_file column.
  --out names the folder for the finished files; a missing folder is created (and said so on
  standard error). A path that exists and is not a folder is refused.

Exit status:
  0  done (with --no-wait: the service accepted the job)
  1  failed or cancelled, or Deckhand itself could not work (its list of decks, keychain)
  2  bad input: nothing was sent and nothing was charged
  3  needs your attention (a submit may or may not have reached the service, or the deck was
     made but its file could not be fetched), or the deck is still being made on the server
     after the waiting time: run `deckhand-cli download ID` later to check again and fetch it

Keys come from DECKHAND_GAMMA_API_KEY, DECKHAND_PRESENTON_API_KEY,
DECKHAND_PRESENTON_USER + DECKHAND_PRESENTON_PASSWORD (self-hosted, Basic sign-in) or
DECKHAND_PRESENTON_SELF_API_KEY (self-hosted, Bearer) when set, else from the system keychain
where the Deckhand app keeps them. Jobs and the app's settings are in DECKHAND_DATA_DIR, else
the app's data folder; while the Deckhand app is open it holds the jobs, and commands that
change jobs wait until it is closed (`cancel` refuses instead). `list` and `status` always work.";

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
    /// The jobs, newest first (all of them, or those that match).
    List(ListArgs),
    /// One job's state.
    Status {
        /// The job's id, as `list` shows it.
        id: String,
    },
    /// Fetch a job's file (again), or check again on a deck still being made.
    Download {
        /// The job's id, as `list` shows it.
        id: String,
        /// Download again even when the file is already there.
        #[arg(long)]
        again: bool,
    },
    /// Stop a job here. The service may still finish it and charge for it.
    Cancel {
        /// The job's id, as `list` shows it.
        id: String,
    },
    /// Finish every unfinished job.
    Resume,
    /// One deck per line, or a CSV file whose header names the fields (content, content_file,
    /// title, slides, language, format, theme, template, instructions, provider, out, files;
    /// any other column is a provider option).
    Batch(BatchArgs),
}

/// What `list` shows.
#[derive(Debug, Clone, Args, Default)]
pub struct ListArgs {
    /// Only jobs whose title or topic contains this (any case).
    #[arg(long)]
    pub search: Option<String>,
    /// Only jobs in this state (queued, submitting, running, downloading, done, failed,
    /// cancelled, needs_attention). Repeatable.
    #[arg(long = "state")]
    pub states: Vec<String>,
    /// Only jobs of this service (gamma, presenton, presenton-self). Repeatable.
    #[arg(long = "provider")]
    pub providers: Vec<String>,
    /// At most this many (the newest).
    #[arg(long)]
    pub limit: Option<u64>,
}

/// Options shared by `generate` and (as defaults) `batch`.
#[derive(Debug, Clone, Args, Default)]
pub struct DeckOptions {
    /// gamma, presenton or presenton-self (default: the service chosen in the app).
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
    /// The look: a Gamma theme id (from the app's theme list, or Gamma's), or a hosted
    /// Presenton theme such as `professional-blue`.
    #[arg(long)]
    pub theme: Option<String>,
    /// Presenton's slide template, such as `general`, `modern`, `standard` or `swift` (your
    /// own server may have more).
    #[arg(long)]
    pub template: Option<String>,
    /// What else the service should keep in mind, e.g. "For a young audience; one idea per
    /// slide".
    #[arg(long)]
    pub instructions: Option<String>,
    /// Folder for the file (default: the current folder); created when missing.
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
    /// The app's settings, for whatever the command line does not say (never parsed).
    #[arg(skip)]
    pub app: Option<Settings>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The topic or notes.
    #[arg(long, conflicts_with = "content_file", required_unless_present = "content_file")]
    pub content: Option<String>,
    /// Read the topic or notes from a .txt, .md, .docx or .pdf file (`-` for standard input).
    #[arg(long)]
    pub content_file: Option<PathBuf>,
    /// The deck's title, also the file's name (default: the one the service gives it).
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

/// Builds the request for `content` with `opts`, the app's settings filling in what the
/// command line leaves out; checks what can be checked here (provider chosen, content not
/// empty, files there, `--out` not a file). The provider checks the rest.
pub fn plan(content: String, title: Option<String>, opts: &DeckOptions, cwd: &std::path::Path) -> Result<Planned, InputError> {
    let app = opts.app.as_ref();
    let provider = opts.provider.or_else(|| app.map(|s| s.default_provider)).ok_or_else(|| {
        InputError::new("provider", "Choose a service with --provider gamma, presenton or presenton-self.")
    })?;
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
    // A missing folder is created once every deck is checked (`create_out_dirs`).
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(InputError::new("out", format!("{} is a file, not a folder. Give a folder with --out.", out_dir.display())));
    }
    let files = opts.files.iter().map(|f| if f.is_absolute() { f.clone() } else { cwd.join(f) }).collect();
    let d = app.map(|s| s.defaults.get(provider).clone()).unwrap_or_default();
    let mut options = d.options;
    options.extend(opts.options.iter().cloned());
    let request = DeckRequest {
        content,
        title: title.filter(|t| !t.trim().is_empty()),
        slides: opts.slides.or(d.slides),
        language: opts.language.clone().or(d.language),
        format: opts.format.or(d.format).unwrap_or_default(),
        theme: opts.theme.clone().or(d.theme),
        template: opts.template.clone().or(d.template),
        instructions: opts.instructions.clone().or(d.instructions),
        source_files: files,
        options,
        ..Default::default()
    };
    Ok(Planned { provider, request, out_dir })
}

/// Creates the folders the decks go to that do not exist yet (with their parents); returns
/// the ones it created, for the command to say so.
pub fn create_out_dirs(decks: &[Planned]) -> Result<Vec<PathBuf>, InputError> {
    let mut created = Vec::new();
    for d in decks {
        if d.out_dir.is_dir() || created.contains(&d.out_dir) {
            continue;
        }
        std::fs::create_dir_all(&d.out_dir)
            .map_err(|e| InputError::new("out", format!("The folder {} could not be created: {e}.", d.out_dir.display())))?;
        created.push(d.out_dir.clone());
    }
    Ok(created)
}

/// The content of `generate`: `--content`, or the file (or stdin) named by `--content-file`.
pub fn read_content(args: &GenerateArgs, cwd: &std::path::Path) -> Result<String, InputError> {
    match (&args.content, &args.content_file) {
        (Some(c), _) => Ok(c.clone()),
        (None, Some(p)) if p.as_os_str() == "-" => {
            std::io::read_to_string(std::io::stdin()).map_err(|e| InputError::new("content_file", format!("Could not read standard input: {e}")))
        }
        (None, Some(p)) => read_notes_file(p, cwd, "content_file"),
        (None, None) => Err(InputError::new("content", "Give a topic or notes with --content or --content-file.")),
    }
}

/// A notes file (.txt, .md, .docx, .pdf) as text, read the way the app reads a dropped file.
pub fn read_notes_file(path: &std::path::Path, cwd: &std::path::Path, field: &str) -> Result<String, InputError> {
    let path = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    source_text::read_source_file(&path).map(|s| s.text).map_err(|e| InputError::new(field, e.message()))
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
        opts.out = Some("missing/deeper".into());
        let p = plan("x".into(), None, &opts, dir.path()).unwrap();
        assert!(!p.out_dir.exists(), "planning creates nothing");
        assert_eq!(create_out_dirs(&[p.clone(), p.clone()]).unwrap(), vec![dir.path().join("missing/deeper")]);
        assert!(p.out_dir.is_dir(), "created with its parents");
        assert_eq!(create_out_dirs(&[p]).unwrap(), Vec::<PathBuf>::new(), "an existing folder is not created again");
        std::fs::write(dir.path().join("a-file"), b"x").unwrap();
        opts.out = Some("a-file".into());
        let e = plan("x".into(), None, &opts, dir.path()).unwrap_err();
        assert_eq!(e.field, "out");
        assert!(e.message.contains("is a file, not a folder"), "{}", e.message);
        opts.out = None;
        opts.files = vec!["nope.docx".into()];
        assert_eq!(plan("x".into(), None, &opts, dir.path()).unwrap_err().field, "file");
        opts.provider = None;
        opts.files.clear();
        assert_eq!(plan("x".into(), None, &opts, dir.path()).unwrap_err().field, "provider");
    }

    #[test]
    fn the_apps_settings_fill_in_what_the_command_line_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = Settings { default_provider: ProviderKind::PresentonSelf, ..Settings::default() };
        let d = &mut app.defaults.presenton_self;
        d.slides = Some(12);
        d.format = Some(ExportFormat::Pdf);
        d.template = Some("modern".into());
        d.options.insert("tone".into(), Value::from("casual"));
        d.options.insert("verbosity".into(), Value::from("concise"));
        let opts = DeckOptions { app: Some(app.clone()), ..Default::default() };
        let p = plan("x".into(), None, &opts, dir.path()).unwrap();
        assert_eq!(p.provider, ProviderKind::PresentonSelf, "the app's service when --provider is not given");
        assert_eq!((p.request.slides, p.request.format, p.request.template.as_deref()), (Some(12), ExportFormat::Pdf, Some("modern")));
        assert_eq!(p.request.options["tone"], "casual");

        // The command line wins, field by field and option by option.
        let opts = DeckOptions {
            app: Some(app.clone()),
            slides: Some(5),
            format: Some(ExportFormat::Pptx),
            options: vec![("tone".into(), Value::from("funny"))],
            ..Default::default()
        };
        let p = plan("x".into(), None, &opts, dir.path()).unwrap();
        assert_eq!((p.request.slides, p.request.format), (Some(5), ExportFormat::Pptx));
        assert_eq!((p.request.options["tone"].as_str(), p.request.options["verbosity"].as_str()), (Some("funny"), Some("concise")));

        // Another service's defaults do not leak in.
        let opts = DeckOptions { app: Some(app), provider: Some(ProviderKind::Gamma), ..Default::default() };
        let p = plan("x".into(), None, &opts, dir.path()).unwrap();
        assert_eq!((p.request.slides, p.request.template.as_deref()), (None, None));
        assert!(p.request.options.is_empty());
    }

    #[test]
    fn every_option_has_a_help_line() {
        use clap::CommandFactory;
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || arg.is_hide_set() {
                    continue;
                }
                assert!(arg.get_help().is_some_and(|h| !h.to_string().trim().is_empty()), "`{} --{id}` has no help line", sub.get_name());
            }
        }
    }
}
