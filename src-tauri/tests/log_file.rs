//! The support log as the app builds it (`logging::builder`): what reaches the file, at which
//! level, with which redaction, and how far it can grow. The logger is used directly, not
//! installed for the process, so each test has its own file.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deckhand_app::logging::{self, LogFolder, FILE_STEM, MAX_FILE_BYTES, OLD_FILES_KEPT};
use deckhand_engine::redact::Redactor;
use deckhand_engine::Secret;
use log::{Level, Log, Record};
use tauri::test::{mock_builder, mock_context, noop_assets};

fn logger(dir: &Path, redactor: Arc<Redactor>) -> Box<dyn Log> {
    let app = mock_builder().build(mock_context(noop_assets())).unwrap();
    let (_plugin, _level, log) = logging::builder(dir, redactor).split(app.handle()).unwrap();
    log
}

fn write(log: &dyn Log, level: Level, target: &str, message: &str) {
    log.log(&Record::builder().level(level).target(target).args(format_args!("{message}")).build());
}

fn read_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(format!("{FILE_STEM}.log"))).unwrap_or_default()
}

#[test]
fn every_line_is_redacted_on_its_way_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let redactor = Arc::new(Redactor::new());
    let password = "c0rrect h0rse b4ttery";
    redactor.learn(&Secret::new(password));
    let log = logger(dir.path(), redactor);

    let hostile = [
        "sending X-API-KEY: sk-gamma-S3CRETvalue0001",
        "headers {\"authorization\": \"Bearer selfhostedS3CRET0002\"}",
        "Authorization: Basic YWRtaW46UzNDUkVUMDAwMw==",
        "GET https://cdn.example.com/export/deck.pptx?X-Amz-Signature=S3CRET0004&X-Amz-Credential=AKIA -> 200",
        "login http://ana:S3CRET0005@10.0.0.7:5001/api",
        "the password c0rrect h0rse b4ttery was refused",
        "key sk-presenton-S3CRET0006abc pasted",
    ];
    for line in hostile {
        write(&*log, Level::Warn, "deckhand_engine::providers::http", line);
    }
    write(&*log, Level::Info, "deckhand_engine::jobs", "job j-1 gamma: running (remote gen-7)");
    write(&*log, Level::Info, "deckhand_engine::jobs", &format!("multi\nline {}", "x".repeat(5000)));
    log.flush();

    let text = read_log(dir.path());
    assert!(text.contains("deckhand_engine::jobs: job j-1 gamma: running (remote gen-7)"), "{text}");
    assert!(text.contains("https://cdn.example.com/export/deck.pptx?<redacted>"), "where a link went stays: {text}");
    assert!(text.contains("http://10.0.0.7:5001/api"), "{text}");
    for secret in ["S3CRET", "YWRtaW46", "AKIA", "h0rse"] {
        assert!(!text.contains(secret), "{secret} reached the log:\n{text}");
    }
    assert_eq!(text.lines().count(), hostile.len() + 2, "one record, one line: {text}");
    assert!(text.lines().all(|l| l.chars().count() < 2_200), "long records are cut");
    assert!(text.lines().all(|l| l.get(..4).is_some_and(|y| y.parse::<u32>().is_ok())), "each line starts with its time: {text}");
}

#[test]
fn deckhand_logs_at_info_and_libraries_only_at_warn() {
    let dir = tempfile::tempdir().unwrap();
    let log = logger(dir.path(), Arc::default());
    write(&*log, Level::Info, "deckhand_app::jobs", "ours at info");
    write(&*log, Level::Info, "deckhand_engine::jobs::runner", "engine at info");
    write(&*log, Level::Debug, "deckhand_engine::jobs::runner", "engine at debug");
    write(&*log, Level::Info, "reqwest::connect", "library at info");
    write(&*log, Level::Debug, "hyper_util::client", "library at debug");
    write(&*log, Level::Warn, "tauri::manager", "library at warn");
    log.flush();
    let text = read_log(dir.path());
    for kept in ["ours at info", "engine at info", "library at warn"] {
        assert!(text.contains(kept), "{kept}: {text}");
    }
    for dropped in ["engine at debug", "library at info", "library at debug"] {
        assert!(!text.contains(dropped), "{dropped}: {text}");
    }
}

#[test]
fn the_log_rotates_and_never_holds_more_than_its_cap() {
    let dir = tempfile::tempdir().unwrap();
    let log = logger(dir.path(), Arc::default());
    let line = "y".repeat(200);
    let per_file = (MAX_FILE_BYTES as usize) / 240 + 100;
    // Rotated files are named by the second; bursts a second apart each start a new one.
    for burst in 0..(OLD_FILES_KEPT + 2) {
        for i in 0..per_file {
            write(&*log, Level::Info, "deckhand_engine::test", &format!("burst {burst} line {i} {line}"));
        }
        log.flush();
        std::thread::sleep(Duration::from_millis(1_100));
    }
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.path()).collect();
    assert!(files.len() <= 1 + OLD_FILES_KEPT, "{files:?}");
    assert!(files.len() > 1, "it rotated: {files:?}");
    let total: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    assert!(total <= (1 + OLD_FILES_KEPT as u64) * (MAX_FILE_BYTES as u64), "{total} bytes in {files:?}");

    // The newest lines come back in order, across the current file and the one before it.
    let folder = LogFolder(dir.path().to_path_buf());
    let current = read_log(dir.path()).lines().count();
    let n = current + 10;
    let recent = logging::recent_lines(&folder, n);
    assert_eq!(recent.len(), n);
    assert!(recent.last().unwrap().contains(&format!("burst {} line {}", OLD_FILES_KEPT + 1, per_file - 1)));
    let numbers: Vec<(usize, usize)> = recent
        .iter()
        .map(|l| {
            let words: Vec<&str> = l.split(' ').collect();
            let at = words.iter().position(|w| *w == "burst").unwrap();
            (words[at + 1].parse().unwrap(), words[at + 3].parse().unwrap())
        })
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "oldest first, across both files");
}
