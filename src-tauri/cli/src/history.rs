//! `list` and `status`: the job store's own queries (pages newest first, search, filters), the
//! same the app's "Your decks" uses. They work whoever holds the data folder: with the folder
//! free this process opens the engine (which also settles what a crash left); while the app
//! or another CLI holds it, the store is read as it stands (SQLite's WAL shows only whole
//! changes and never makes a reader wait).

use std::io::Write;
use std::sync::Arc;

use deckhand_engine::events::NullSink;
use deckhand_engine::jobs::config::EngineConfig;
use deckhand_engine::jobs::journal;
use deckhand_engine::jobs::listing::MAX_PAGE;
use deckhand_engine::jobs::lock::{DataLock, Holder};
use deckhand_engine::jobs::record::Stored;
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::view::MADE_BY_NEWER;
use deckhand_engine::jobs::{Engine, HistoryEntry, HistoryPage, HistoryQuery, Job};
use deckhand_engine::Error;
use serde_json::Value;

use crate::args::ListArgs;
use crate::output;
use crate::providers::CliProviders;

pub enum Reader {
    /// This process holds the data folder.
    Engine { engine: Engine, _lock: DataLock },
    /// Another Deckhand holds it: its store, read only.
    Store(Box<Store>),
    /// No jobs yet.
    Empty,
}

/// One job as `status` finds it.
pub enum Found {
    Job(Box<Job>),
    /// A record a newer Deckhand wrote, as stored.
    Newer(Value),
}

impl Reader {
    pub fn open(config: EngineConfig) -> Result<Reader, Error> {
        if let Some(lock) = DataLock::try_acquire(&config.data_dir, Holder::Cli)? {
            let engine = Engine::open(config, Arc::new(CliProviders::new(None, None)), Arc::new(NullSink))?;
            return Ok(Reader::Engine { engine, _lock: lock });
        }
        match Store::open_reader(&config.data_dir)? {
            Some(store) => Ok(Reader::Store(Box::new(store))),
            // The holder is bringing an earlier Deckhand's list over right now.
            None if config.data_dir.join(journal::FILE_NAME).exists() => {
                Err(Error::in_use("Deckhand is bringing over your list of decks from an earlier version; try again in a moment."))
            }
            None => Ok(Reader::Empty),
        }
    }

    async fn page(&self, query: HistoryQuery) -> Result<HistoryPage, Error> {
        match self {
            Reader::Engine { engine, .. } => engine.list(query).await,
            Reader::Store(store) => store.list(&query.check()?),
            Reader::Empty => Ok(HistoryPage { jobs: Vec::new(), next_cursor: None, total: 0 }),
        }
    }

    pub fn find(&self, id: &str) -> Result<Option<Found>, Error> {
        Ok(match self {
            Reader::Engine { engine, .. } => match engine.job(id) {
                Some(job) => Some(Found::Job(Box::new(job))),
                None => engine.record(id).ok().map(Found::Newer),
            },
            Reader::Store(store) => match store.get(id)? {
                Some(Stored::Known(job)) => Some(Found::Job(job)),
                Some(newer) => Some(Found::Newer(deckhand_engine::jobs::view::full_record(newer))),
                None => None,
            },
            Reader::Empty => None,
        })
    }
}

/// A job a newer Deckhand made, for people.
pub fn human_newer(v: &Value) -> String {
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    let name = v.get("request").and_then(|r| r.get("title")).and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| text("topic"));
    format!("{}  {}  made by a newer Deckhand (use it there)  \"{name}\"", text("id"), text("provider"))
}

/// A job a newer Deckhand made, for scripts.
pub fn json_newer(v: &Value) -> Value {
    let pick = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    serde_json::json!({
        "id": pick("id"),
        "state": pick("state"),
        "provider": pick("provider"),
        "title": v.get("request").and_then(|r| r.get("title")).cloned().unwrap_or(Value::Null),
        MADE_BY_NEWER: true,
    })
}

fn entry_line(entry: &HistoryEntry, json: bool) -> String {
    match (entry, json) {
        (HistoryEntry::Known { job, topic }, false) => {
            // Named as its card is: the person's title, else the service's, else the topic.
            let titled = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
            let name = titled(&job.request.title).or_else(|| titled(&job.deck_title)).unwrap_or_else(|| output::first_words(topic));
            output::human_named(job, &name)
        }
        (HistoryEntry::Known { job, .. }, true) => output::to_json(job),
        (newer, false) => human_newer(&serde_json::to_value(newer).unwrap_or(Value::Null)),
        (newer, true) => json_newer(&serde_json::to_value(newer).unwrap_or(Value::Null)).to_string(),
    }
}

/// Prints the jobs that match, newest first, a page at a time (memory stays one page).
pub async fn list(reader: &Reader, args: ListArgs, json: bool) -> Result<(), Error> {
    let base = HistoryQuery {
        text: args.search.clone(),
        states: (!args.states.is_empty()).then(|| args.states.clone()),
        providers: (!args.providers.is_empty()).then(|| args.providers.clone()),
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut printed = 0u64;
    let mut total = 0;
    let mut cursor = None;
    if json {
        let _ = write!(out, "[");
    }
    loop {
        let want = args.limit.map_or(u64::from(MAX_PAGE), |l| l.saturating_sub(printed).min(u64::from(MAX_PAGE)));
        if want == 0 {
            break;
        }
        let page = reader.page(HistoryQuery { cursor: cursor.take(), limit: Some(want as u32), ..base.clone() }).await?;
        total = page.total;
        for entry in &page.jobs {
            let sep = if json && printed > 0 { "," } else { "" };
            let _ = if json { write!(out, "{sep}{}", entry_line(entry, true)) } else { writeln!(out, "{}", entry_line(entry, false)) };
            printed += 1;
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    if json {
        let _ = writeln!(out, "]");
    } else if printed == 0 {
        let filtered = base.text.is_some() || base.states.is_some() || base.providers.is_some();
        let _ = writeln!(out, "{}", if filtered { "No jobs match." } else { "No jobs yet." });
    } else if printed < total {
        let _ = writeln!(out, "… and {} more (--limit shows more).", total - printed);
    }
    let _ = out.flush();
    Ok(())
}
