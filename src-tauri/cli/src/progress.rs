//! Showing progress on standard error: bars on a terminal, plain lines otherwise (logs, CI),
//! nothing with `--json` (scripts read stdout; stderr stays for real trouble).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Duration;

use deckhand_engine::{EngineEvent, EventSink};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;

use crate::output::state_words;

/// The engine's sink: draws each event as it comes, so the last one ("done") is on screen
/// before the result is printed.
pub struct DisplaySink(Mutex<Display>);

impl DisplaySink {
    pub fn new(json: bool) -> Self {
        DisplaySink(Mutex::new(Display::new(json)))
    }

    /// Leaves unfinished bars as they are (the job goes on with `resume`).
    pub fn finish(&self) {
        if let Ok(mut d) = self.0.lock() {
            d.finish();
        }
    }
}

impl EventSink for DisplaySink {
    fn emit(&self, event: EngineEvent) {
        if let Ok(mut d) = self.0.lock() {
            d.show(&event);
        }
    }
}

pub enum Display {
    Quiet,
    Lines { last: HashMap<String, String> },
    Bars { multi: MultiProgress, bars: HashMap<String, ProgressBar> },
}

impl Display {
    pub fn new(json: bool) -> Display {
        if json {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            Display::Bars { multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()), bars: HashMap::new() }
        } else {
            Display::Lines { last: HashMap::new() }
        }
    }

    pub fn show(&mut self, ev: &EngineEvent) {
        match self {
            Display::Quiet => {}
            Display::Lines { last } => {
                if let Some(line) = line_for(ev) {
                    let key = match ev {
                        EngineEvent::JobChanged { job } => job.id.clone(),
                        _ => String::new(),
                    };
                    if last.get(&key) != Some(&line) {
                        eprintln!("{line}");
                        last.insert(key, line);
                    }
                }
            }
            Display::Bars { multi, bars } => match ev {
                EngineEvent::JobChanged { job } => {
                    let bar = bars.entry(job.id.clone()).or_insert_with(|| {
                        let b = multi.add(ProgressBar::new_spinner());
                        b.set_style(spinner_style());
                        b.set_prefix(job.id.clone());
                        b.enable_steady_tick(Duration::from_millis(120));
                        b
                    });
                    let words = match &job.progress {
                        Some(p) => format!("{}: {p}", state_words(job)),
                        None => state_words(job).to_string(),
                    };
                    if job.state.is_finished() || job.stalled {
                        bar.finish_with_message(words);
                    } else {
                        bar.set_message(words);
                    }
                }
                EngineEvent::DownloadProgress { job_id, bytes, total } => {
                    if let Some(bar) = bars.get(job_id) {
                        if let Some(t) = total {
                            if bar.length() != Some(*t) {
                                bar.set_length(*t);
                                bar.set_style(bytes_style());
                            }
                        }
                        bar.set_position(*bytes);
                    }
                }
                EngineEvent::Notice { message } => {
                    let _ = multi.println(message);
                }
                EngineEvent::JobRemoved { .. } | EngineEvent::JobsAvailable => {}
            },
        }
    }

    fn finish(&mut self) {
        if let Display::Bars { bars, .. } = self {
            for b in bars.values() {
                if !b.is_finished() {
                    b.abandon();
                }
            }
        }
    }
}

/// The plain line for an event, if it is worth a line.
pub fn line_for(ev: &EngineEvent) -> Option<String> {
    match ev {
        EngineEvent::JobChanged { job } => Some(match &job.progress {
            Some(p) => format!("{}: {} ({p})", job.id, state_words(job)),
            None => format!("{}: {}", job.id, state_words(job)),
        }),
        EngineEvent::Notice { message } => Some(message.clone()),
        EngineEvent::DownloadProgress { .. } | EngineEvent::JobRemoved { .. } | EngineEvent::JobsAvailable => None,
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix} {wide_msg}").unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {bytes}/{total_bytes} {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}
