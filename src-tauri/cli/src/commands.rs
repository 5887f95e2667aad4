//! The commands, over the same engine and job store as the app.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use deckhand_engine::jobs::config::EngineConfig;
use deckhand_engine::jobs::lock::{DataLock, Holder};
use deckhand_engine::jobs::runner::{Engine, ProviderSource};
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::settings::{self, Settings};
use deckhand_engine::Error;

use crate::args::{create_out_dirs, plan, read_content, BatchArgs, Cli, Command, GenerateArgs, InputError, Planned};
use crate::batch::parse_batch;
use crate::history::{Found, Reader};
use crate::output::{self, combined_exit_code, exit_code, EXIT_BAD_INPUT, EXIT_DONE, EXIT_FAILED};
use crate::progress::DisplaySink;
use crate::providers::{CliProviders, APP_IDENTIFIER};

/// Scales poll intervals and deadlines (e.g. `0.01`), so tests against fake servers with
/// scaled time run in seconds. Compiled only into test builds (feature `test-knobs`).
#[cfg(feature = "test-knobs")]
pub const TIME_SCALE_ENV: &str = "DECKHAND_CLI_TIME_SCALE";

/// The outcome of a command: what to print and the exit status.
pub struct Outcome {
    pub code: u8,
}

/// Runs one parsed command line; returns the exit status.
pub async fn run(cli: Cli) -> u8 {
    let json = cli.json;
    match dispatch(cli).await {
        Ok(o) => o.code,
        Err(Failure::Input(e)) => {
            report_error(json, "invalid_input", &e.message, Some(&e.field));
            EXIT_BAD_INPUT
        }
        Err(Failure::Engine(e)) => {
            report_error(json, e.kind(), e.message(), None);
            if e.kind() == "invalid_input" { EXIT_BAD_INPUT } else { EXIT_FAILED }
        }
    }
}

enum Failure {
    Input(InputError),
    Engine(Error),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Engine(e)
    }
}

/// An error that is not a job's: on stderr for people, as `{error:{kind,message}}` on stdout
/// for scripts.
fn report_error(json: bool, kind: &str, message: &str, field: Option<&str>) {
    if json {
        let v = serde_json::json!({ "error": { "kind": kind, "message": message, "field": field } });
        println!("{v}");
    } else {
        eprintln!("deckhand-cli: {message}");
    }
}

async fn dispatch(cli: Cli) -> Result<Outcome, Failure> {
    let json = cli.json;
    let cwd = std::env::current_dir().map_err(|e| InputError::new("out", format!("The current folder cannot be read: {e}")))?;
    let app = app_settings(&engine_config(None)?);
    match cli.command {
        Command::Generate(mut g) => {
            g.deck.app = app.clone();
            generate(g, json, &cwd, app).await
        }
        Command::Batch(mut b) => {
            b.deck.app = app.clone();
            batch(b, json, &cwd, app).await
        }
        Command::List(args) => {
            let reader = Reader::open(engine_config(None)?)?;
            crate::history::list(&reader, args, json).await?;
            Ok(Outcome { code: EXIT_DONE })
        }
        Command::Status { id } => match Reader::open(engine_config(None)?)?.find(&id)? {
            Some(Found::Job(job)) => {
                print_job(&job, json);
                Ok(Outcome { code: exit_code(&job) })
            }
            Some(Found::Newer(record)) => {
                let line = if json { crate::history::json_newer(&record).to_string() } else { crate::history::human_newer(&record) };
                println!("{line}");
                Ok(Outcome { code: EXIT_FAILED })
            }
            None => Err(not_found(&id).into()),
        },
        Command::Cancel { id } => {
            let s = Session::open(None, app, json, false)?;
            let job = s.engine.cancel(&id).await?;
            print_job(&job, json);
            Ok(Outcome { code: if job.state == JobState::Cancelled { EXIT_DONE } else { exit_code(&job) } })
        }
        Command::Download { id, again } => download(&id, again, json, app).await,
        Command::Resume => {
            let s = Session::open(None, app, json, true)?;
            let unfinished = s.engine.unfinished();
            s.engine.resume_all();
            let jobs = s.wait_all(&unfinished).await?;
            print_jobs(&jobs, json);
            Ok(Outcome { code: combined_exit_code(&jobs) })
        }
    }
}

async fn generate(g: GenerateArgs, json: bool, cwd: &std::path::Path, app: Option<Settings>) -> Result<Outcome, Failure> {
    let content = read_content(&g, cwd)?;
    let planned = plan(content, g.title.clone(), &g.deck, cwd)?;
    let s = Session::open(g.deck.base_url.clone(), app, json, true)?;
    s.validate(std::slice::from_ref(&planned))?;
    say_created(create_out_dirs(std::slice::from_ref(&planned))?);
    let job = s.engine.submit(planned.provider, planned.request, planned.out_dir).await?;
    let job = if g.deck.no_wait { s.wait_accepted(&job.id).await? } else { s.engine.wait(&job.id).await? };
    print_job(&job, json);
    Ok(Outcome { code: exit_code(&job) })
}

async fn batch(b: BatchArgs, json: bool, cwd: &std::path::Path, app: Option<Settings>) -> Result<Outcome, Failure> {
    let text = if b.file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(&b.file)
    }
    .map_err(|e| InputError::new("batch", format!("Could not read {}: {e}", b.file.display())))?;
    let decks = parse_batch(&text, &b.deck, cwd)?;
    let s = Session::open(b.deck.base_url.clone(), app, json, true)?;
    // Every deck is checked before the first is sent: one bad line costs nothing.
    s.validate(&decks)?;
    say_created(create_out_dirs(&decks)?);
    let items = decks.into_iter().map(|d| (d.provider, d.request, d.out_dir)).collect();
    let mut ids = Vec::new();
    let mut refused = Vec::new();
    for r in s.engine.submit_batch(items).await {
        match r {
            Ok(job) => ids.push(job.id),
            Err(e) => refused.push(e),
        }
    }
    let mut jobs = Vec::new();
    for id in &ids {
        jobs.push(if b.deck.no_wait { s.wait_accepted(id).await? } else { s.engine.wait(id).await? });
    }
    print_jobs(&jobs, json);
    for e in &refused {
        report_error(json, e.kind(), e.message(), None);
    }
    let code = if refused.is_empty() { combined_exit_code(&jobs) } else { EXIT_FAILED };
    Ok(Outcome { code })
}

/// `download ID`: fetch the file again, check again on a deck still being made, or finish a
/// job that was interrupted.
async fn download(id: &str, again: bool, json: bool, app: Option<Settings>) -> Result<Outcome, Failure> {
    let s = Session::open(None, app, json, true)?;
    let job = s.job(id)?;
    let job = if job.is_active() {
        // Interrupted here (the CLI stopped): finish it, and every other unfinished job with
        // it, so none is left half-sent when this command ends.
        let unfinished = s.engine.unfinished();
        s.engine.resume_all();
        s.wait_all(&unfinished).await?;
        s.job(id)?
    } else if job.stalled || job.state == JobState::NeedsAttention && job.remote.is_some() {
        s.engine.check_again(id).await?;
        s.engine.wait(id).await?
    } else if job.state == JobState::Done && !again && job.file.as_ref().is_some_and(|f| f.is_file()) {
        job
    } else {
        s.engine.retry_download(id).await?;
        s.engine.wait(id).await?
    };
    print_job(&job, json);
    Ok(Outcome { code: exit_code(&job) })
}

/// On stderr, so a script reading stdout (`--json`) sees only the result.
fn say_created(folders: Vec<PathBuf>) {
    for f in folders {
        eprintln!("deckhand-cli: created the folder {}", f.display());
    }
}

/// The app's settings file, read-only; `None` when the app has not saved any. A file that
/// cannot be used as it is gets the app's own repair (in memory only), and a word on stderr.
fn app_settings(config: &EngineConfig) -> Option<Settings> {
    let loaded = settings::read_file(&config.data_dir)?;
    if let Some(problem) = &loaded.problem {
        eprintln!("deckhand-cli: {}", problem.notice(None));
    }
    Some(loaded.settings)
}

fn print_job(job: &Job, json: bool) {
    if json {
        println!("{}", output::to_json(job));
    } else {
        println!("{}", output::human(job));
    }
}

fn print_jobs(jobs: &[Job], json: bool) {
    if json {
        println!("{}", output::list_to_json(jobs));
    } else {
        for j in jobs {
            println!("{}", output::human(j));
        }
    }
}

/// The data folder: `DECKHAND_DATA_DIR`, else the app's own; decks at once per service from
/// the app's settings when given.
pub fn engine_config(app: Option<&Settings>) -> Result<EngineConfig, Error> {
    let default = dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .unwrap_or_else(|| PathBuf::from(".deckhand"));
    let mut config = EngineConfig::from_env_or(default);
    if let Some(app) = app {
        config.concurrency = app.concurrency.as_map().into_iter().collect();
    }
    #[cfg(feature = "test-knobs")]
    if let Some(scale) = std::env::var(TIME_SCALE_ENV).ok().and_then(|v| v.parse::<f64>().ok()).filter(|s| *s > 0.0 && *s <= 1.0) {
        scale_time(&mut config, scale);
    }
    Ok(config)
}

#[cfg(feature = "test-knobs")]
fn scale_time(config: &mut EngineConfig, scale: f64) {
    let s = |d: &mut Duration| *d = d.mul_f64(scale);
    for rules in config.poll.rules.values_mut() {
        s(&mut rules.base_gap);
        s(&mut rules.min_gap);
        s(&mut rules.max_gap);
        s(&mut rules.max_backoff);
        s(&mut rules.budget_gap);
    }
    for d in config.poll.deadlines.values_mut() {
        s(d);
    }
}

/// An open engine holding the data folder's lock, with its progress display.
struct Session {
    engine: Engine,
    providers: Arc<CliProviders>,
    _lock: Option<DataLock>,
    display: Arc<DisplaySink>,
}

impl Session {
    fn open(base_url: Option<url::Url>, app: Option<Settings>, json: bool, wait_for_lock: bool) -> Result<Session, Error> {
        let config = engine_config(app.as_ref())?;
        let lock = if wait_for_lock {
            DataLock::acquire(&config.data_dir, Holder::Cli, |holder| {
                if !json {
                    eprintln!("{}", waiting_for(holder));
                }
            })?
        } else {
            DataLock::try_acquire(&config.data_dir, Holder::Cli)?.ok_or_else(|| refused_by(DataLock::holder(&config.data_dir)))?
        };
        let providers = Arc::new(CliProviders::new(base_url, app));
        let display = Arc::new(DisplaySink::new(json));
        let engine = Engine::open(config, providers.clone(), display.clone())?;
        Ok(Session { engine, providers, _lock: Some(lock), display })
    }

    fn job(&self, id: &str) -> Result<Job, Error> {
        self.engine.job(id).ok_or_else(|| not_found(id))
    }

    /// Refuses the whole set if any request is invalid, before anything is journaled or sent.
    fn validate(&self, decks: &[Planned]) -> Result<(), Error> {
        for (i, d) in decks.iter().enumerate() {
            let provider = self.providers.provider(d.provider, Some(&self.providers.endpoint(d.provider)?))?;
            provider.validate(&d.request).map_err(|e| {
                if decks.len() > 1 {
                    Error::invalid_input("batch", format!("Deck {}: {}", i + 1, e.message()))
                } else {
                    e
                }
            })?;
        }
        Ok(())
    }

    /// Until the service has accepted the job (it has a remote id) or it ended: from then on
    /// stopping this process loses nothing, and `download ID` or `resume` finishes it.
    async fn wait_accepted(&self, id: &str) -> Result<Job, Error> {
        loop {
            let job = self.job(id)?;
            if job.remote.is_some() && job.state != JobState::Submitting || !job.is_active() {
                return Ok(job);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_all(&self, ids: &[String]) -> Result<Vec<Job>, Error> {
        let mut jobs = Vec::new();
        for id in ids {
            jobs.push(self.engine.wait(id).await?);
        }
        Ok(jobs)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.display.finish();
    }
}

/// Said once, on stderr, when a command has to wait for the data folder.
fn waiting_for(holder: Option<Holder>) -> &'static str {
    match holder {
        Some(Holder::App) => "The Deckhand app is using your decks; close it, or wait here until it is closed.",
        _ => "Waiting for another deckhand-cli working on the same jobs to finish…",
    }
}

/// Why a command that does not wait (`cancel`) cannot run now.
fn refused_by(holder: Option<Holder>) -> Error {
    Error::in_use(match holder {
        Some(Holder::App) => "The Deckhand app is using your decks; close it (or wait until it is closed) and try again.",
        _ => "Another deckhand-cli is working on these jobs. Stop it with Ctrl-C first (its jobs continue with `deckhand-cli resume`).",
    })
}

fn not_found(id: &str) -> Error {
    Error::NotFound { message: format!("There is no job {id}. `deckhand-cli list` shows them all."), details: Default::default() }
}
