//! The support log: one file in the platform's log folder (Linux `~/.local/share/<id>/logs`,
//! macOS `~/Library/Logs/<id>`, Windows `%LOCALAPPDATA%\<id>\logs`), or `logs/` in the data
//! folder when `DECKHAND_DATA_DIR` moves it. `tauri-plugin-log` writes and rotates it: at most
//! [`MAX_FILE_BYTES`] per file and [`OLD_FILES_KEPT`] older files, so it never grows past a few
//! megabytes. Every line passes through the engine's [`Redactor`] on its way to the file.
//!
//! Deckhand's own crates log at `info` (job state changes, start-up facts, warnings); libraries
//! only at `warn`, because at `debug` HTTP clients print URLs and headers. The engine logs with
//! `tracing`; with no `tracing` subscriber installed, its events arrive here as `log` records
//! (the `log` feature of `tracing`).
//!
//! Only the logger of the plugin is used, never its IPC command: the page cannot write here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use deckhand_engine::redact::Redactor;
use deckhand_engine::Error;
use log::LevelFilter;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_log::{Builder, RotationStrategy, Target, TargetKind, TimezoneStrategy};

use crate::state::DATA_DIR_ENV;

/// The log file is `deckhand.log`; older ones are `deckhand_<date>.log`.
pub const FILE_STEM: &str = "deckhand";
pub const MAX_FILE_BYTES: u128 = 1_000_000;
pub const OLD_FILES_KEPT: usize = 2;
/// Deckhand's crates, logged at `info`; everything else at `warn`.
const OWN_CRATES: [&str; 3] = ["deckhand_app", "deckhand_engine", "deckhand_keychain"];

/// Where the log goes, once the app is running (managed state).
#[derive(Debug, Clone)]
pub struct LogFolder(pub PathBuf);

impl LogFolder {
    pub fn current_file(&self) -> PathBuf {
        self.0.join(format!("{FILE_STEM}.log"))
    }
}

/// The log folder for this run.
pub fn log_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, Error> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(d) if !d.is_empty() => Ok(PathBuf::from(d).join("logs")),
        _ => app.path().app_log_dir().map_err(|e| Error::disk(format!("Deckhand could not find its log folder: {e}"))),
    }
}

/// The logger, writing to `dir` through `redactor`.
pub fn builder(dir: &Path, redactor: Arc<Redactor>) -> Builder {
    let mut b = Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::Folder { path: dir.to_path_buf(), file_name: Some(FILE_STEM.into()) }))
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(OLD_FILES_KEPT))
        .timezone_strategy(TimezoneStrategy::UseUtc)
        .level(LevelFilter::Warn)
        .format(move |out, message, record| {
            let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
            let line = format!("{now} {:<5} {}: {message}", record.level(), record.target());
            out.finish(format_args!("{}", redactor.redact(&line)))
        });
    for name in OWN_CRATES {
        b = b.level_for(name, LevelFilter::Info);
    }
    b
}

/// Starts writing the log for the whole process, and logs panics there too. Returns the folder.
pub fn start<R: Runtime>(app: &AppHandle<R>, redactor: Arc<Redactor>) -> Result<LogFolder, Error> {
    let dir = log_dir(app)?;
    let cannot = |e: &dyn std::fmt::Display| Error::disk(format!("Deckhand could not start its log in {}: {e}", dir.display()));
    // The plugin half (the page's `log` command) is dropped on purpose.
    let (_plugin, level, logger) = builder(&dir, redactor).split(app).map_err(|e| cannot(&e))?;
    tauri_plugin_log::attach_logger(level, logger).map_err(|e| cannot(&e))?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log::error!("panic: {info}");
        previous(info);
    }));
    Ok(LogFolder(dir))
}

/// The log as a plugin with no commands, so that it starts with the plugins, before the window
/// opens (the app's `setup` runs after). A log that cannot be written does not stop Deckhand.
pub fn plugin<R: Runtime>(redactor: Arc<Redactor>) -> TauriPlugin<R> {
    tauri::plugin::Builder::new("deckhand-log")
        .setup(move |app, _api| {
            match start(app, redactor) {
                Ok(folder) => {
                    app.manage(folder);
                    // The first line of each run: what a bug report needs to know first.
                    let system = crate::diagnostics::System::current(&app.config().identifier);
                    tracing::info!("Deckhand {} starting on {}, WebView {}", system.app_version, system.os, system.webview);
                }
                Err(e) => eprintln!("{}", e.message()),
            }
            Ok(())
        })
        .build()
}

/// The last `n` lines of the log, oldest first: from the current file, and from the newest
/// older file when the current one holds fewer. Reads at most two files of bounded size.
pub fn recent_lines(folder: &LogFolder, n: usize) -> Vec<String> {
    let mut lines = tail(&folder.current_file(), n);
    if lines.len() < n {
        if let Some(older) = newest_older_file(&folder.0) {
            let mut before = tail(&older, n - lines.len());
            before.append(&mut lines);
            lines = before;
        }
    }
    lines
}

fn tail(path: &Path, n: usize) -> Vec<String> {
    let Ok(bytes) = std::fs::read(path) else { return Vec::new() };
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(n)..].iter().map(|l| l.to_string()).collect()
}

fn newest_older_file(dir: &Path) -> Option<PathBuf> {
    let current = format!("{FILE_STEM}.log");
    let prefix = format!("{FILE_STEM}_");
    let mut older: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name != current && name.starts_with(&prefix) && name.ends_with(".log")
        })
        .collect();
    // The date in the name sorts in time order.
    older.sort();
    older.pop()
}
