//! Everything the process logs, kept as text: `tracing` events and spans (Deckhand's own
//! logging) and `log` records (reqwest, hyper, tauri), at every level, before any redaction.
//! This is what any log file or console could receive, so a leak scan can search it.
//!
//! Installed once per test binary (both facilities take one global logger), by one of:
//! - [`install`]: a `tracing` subscriber and a `log` logger that keep everything;
//! - [`install_with`]: only a `log` logger, as the app installs its log file: `tracing` events
//!   reach it as `log` records (the `log` feature of `tracing`), and every record is kept and
//!   also handed to the app's own logger, which writes the real log file.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

pub type Lines = Arc<Mutex<Vec<String>>>;

/// Start capturing (idempotent); returns the shared list of captured lines.
pub fn install() -> Lines {
    static LINES: OnceLock<Lines> = OnceLock::new();
    LINES
        .get_or_init(|| {
            let lines = Lines::default();
            tracing::subscriber::set_global_default(Capture(lines.clone())).expect("no other tracing subscriber in this test binary");
            log::set_logger(Box::leak(Box::new(Capture(lines.clone())))).expect("no other logger in this test binary");
            log::set_max_level(log::LevelFilter::Trace);
            lines
        })
        .clone()
}

/// Start capturing, passing every record on to `also` (the app's log file) as well.
pub fn install_with(also: Box<dyn log::Log>) -> Lines {
    static LINES: OnceLock<Lines> = OnceLock::new();
    LINES
        .get_or_init(|| {
            let lines = Lines::default();
            log::set_logger(Box::leak(Box::new(Tee(Capture(lines.clone()), also)))).expect("no other logger in this test binary");
            log::set_max_level(log::LevelFilter::Trace);
            lines
        })
        .clone()
}

struct Tee(Capture, Box<dyn log::Log>);

impl log::Log for Tee {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        log::Log::log(&self.0, record);
        if self.1.enabled(record.metadata()) {
            self.1.log(record);
        }
    }
    fn flush(&self) {
        self.1.flush();
    }
}

struct Capture(Lines);

impl Capture {
    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }
}

/// Writes `name=value` for every field, values by `Debug` (as a formatter would).
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut f = Fields(format!("span {}:", span.metadata().target()));
        span.record(&mut f);
        self.push(f.0);
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut f = Fields("span record:".into());
        values.record(&mut f);
        self.push(f.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let m = event.metadata();
        let mut f = Fields(format!("{} {}:", m.level(), m.target()));
        event.record(&mut f);
        self.push(f.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.push(format!("{} {}: {}", record.level(), record.target(), record.args()));
    }
    fn flush(&self) {}
}
