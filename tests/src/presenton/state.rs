//! The fake's memory: tasks, decks, stored files, uploads and the record of requests, and how
//! a task looks at a given moment in each server generation.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{FakePresentonConfig, Generation, Mode, Origin};

#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub origin: Origin,
    pub method: String,
    /// Path and query as sent (still percent-encoded).
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// Every header as it arrived (name, value), so a test can look for a credential that
    /// reached the wrong origin under any header name.
    pub headers: Vec<(String, String)>,
    /// JSON bodies, parsed.
    pub body: Option<Value>,
}

pub struct Upload {
    pub name: String,
    pub bytes: usize,
    pub server_path: String,
}

pub struct StoredFile {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub struct Task {
    pub started: Instant,
    pub timing: crate::timing::GenerationTiming,
    pub created_at: String,
    pub presentation_id: String,
    pub n_slides: u32,
    pub export_as: String,
    pub credits: f64,
}

pub struct Presentation {
    pub id: String,
    pub title: String,
    pub content: String,
    pub created_at: String,
    pub n_slides: u32,
    pub ready: bool,
}

pub struct Inner {
    pub tasks: HashMap<String, Task>,
    pub presentations: Vec<Presentation>,
    /// Decoded URL path → file.
    pub files: HashMap<String, StoredFile>,
    pub uploads: Vec<Upload>,
    pub requests: Vec<Recorded>,
    pub submits: usize,
    pub credits: f64,
    counter: u64,
}

/// The messages a real server goes through (§2.4); 0.7.3 lacks "Starting…".
const MESSAGES_OLD: &[&str] = &[
    "Queued for generation",
    "Generating presentation outlines",
    "Selecting layout for each slide",
    "Generating slides",
    "Fetching assets for slides",
    "Exporting presentation",
];
const MESSAGES_NEW: &[&str] = &[
    "Queued for generation",
    "Starting presentation generation",
    "Generating presentation outlines",
    "Selecting layout for each slide",
    "Generating slides",
    "Fetching assets for slides",
    "Exporting presentation",
];

pub fn now_naive() -> String {
    // Upstream stamps tasks with naive `datetime.now()` (no offset).
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

impl Inner {
    pub fn new(credits: f64) -> Self {
        Inner {
            tasks: HashMap::new(),
            presentations: Vec::new(),
            files: HashMap::new(),
            uploads: Vec::new(),
            requests: Vec::new(),
            submits: 0,
            credits,
            counter: 0,
        }
    }

    /// A fresh pseudo-random hex string (unique within this fake).
    pub fn hex(&mut self, len: usize) -> String {
        self.counter += 1;
        let seed = self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (std::process::id() as u64).rotate_left(17);
        let mut out = String::new();
        let mut x = seed;
        while out.len() < len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push_str(&format!("{x:016x}"));
        }
        out.truncate(len);
        out
    }

    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
    }

    /// Start a generation: the task and its deck row.
    pub fn create_task(&mut self, content: &str, n_slides: u32, export_as: &str, credits: f64, took: Duration) -> String {
        let id = format!("task-{}", self.hex(64));
        let presentation_id = self.uuid();
        let created_at = now_naive();
        self.presentations.push(Presentation {
            id: presentation_id.clone(),
            title: title_of(content),
            content: content.to_string(),
            created_at: now_naive(),
            n_slides,
            ready: false,
        });
        let started = Instant::now();
        let timing = crate::timing::GenerationTiming { id: id.clone(), created: started, ready_at: started + took, first_done_answer: None, status_requests: 0 };
        self.tasks.insert(id.clone(), Task { started, timing, created_at, presentation_id, n_slides, export_as: export_as.into(), credits });
        self.submits += 1;
        id
    }

    /// Write the deck file and return `(path, edit_path)` as the server reports them.
    pub fn export(&mut self, cfg: &FakePresentonConfig, files_origin: &url::Url, presentation_id: &str, export_as: &str) -> Option<(String, String)> {
        let p = self.presentations.iter_mut().find(|p| p.id == presentation_id)?;
        p.ready = true;
        let ext = if export_as == "pdf" { "pdf" } else { "pptx" };
        let title = p.title.clone();
        let bytes = crate::files::for_format(ext, &title);
        let content_type = if ext == "pdf" {
            "application/pdf"
        } else {
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        };
        let (url_path, path, edit_path) = match cfg.mode {
            Mode::Hosted => {
                let url_path = format!("/static/user_data/{presentation_id}/{}.{ext}", title.replace(' ', "_"));
                let abs = format!("{}{}", files_origin.as_str().trim_end_matches('/'), url_path);
                (url_path, abs, format!("https://presenton.ai/presentation?id={presentation_id}"))
            }
            Mode::SelfHosted(_) => {
                // The real exporter names the file after the title cut at 95 characters, mid-word
                // ("… - Overview of Introduct.pptx", captures in tests/fixtures/).
                let cut: String = title.chars().take(SERVER_FILE_NAME_CHARS).collect();
                let path = format!("/app_data/exports/{cut}.{ext}");
                (path.clone(), path, format!("/presentation?id={presentation_id}"))
            }
        };
        self.files.insert(url_path, StoredFile { content_type, bytes });
        Some((path, edit_path))
    }

    /// How task `id` looks now. `None` if unknown.
    pub fn task_view(&mut self, cfg: &FakePresentonConfig, files_origin: &url::Url, id: &str) -> Option<Value> {
        let (started, pid, n, export_as, credits, created_at, total) = {
            let t = self.tasks.get(id)?;
            (t.started, t.presentation_id.clone(), t.n_slides, t.export_as.clone(), t.credits, t.created_at.clone(), t.timing.ready_at - t.started)
        };
        let mut f = if total.is_zero() { 1.0 } else { started.elapsed().as_secs_f64() / total.as_secs_f64() };
        if cfg.never_finish {
            f = f.min(0.95);
        }
        let generation = match cfg.mode {
            Mode::Hosted => None,
            Mode::SelfHosted(g) => Some(g),
        };
        let messages = if generation == Some(Generation::V0_7_3) { MESSAGES_OLD } else { MESSAGES_NEW };
        let created = ((f - 0.3) / 0.6).clamp(0.0, 1.0);
        let created_slides = ((n as f64) * created).floor() as u32;
        let counters = json!({"created_slides": created_slides, "remaining_slides": n - created_slides});
        let (status, message, data, error);
        if f >= 1.0 {
            let failure = cfg.fail_with.as_ref().or(cfg.fail_pdf_with.as_ref().filter(|_| export_as == "pdf"));
            if let Some((code, detail)) = failure {
                status = if generation.is_none() { "failed" } else { "error" };
                message = "Presentation generation failed".to_string();
                error = json!({"status_code": code, "detail": detail});
                data = match generation {
                    Some(Generation::V0_8_9) => counters,
                    Some(Generation::Latest) => json!({"presentation_id": pid, "created_slides": created_slides, "remaining_slides": n - created_slides}),
                    _ => Value::Null,
                };
            } else {
                let (path, edit_path) = match self.presentations.iter().find(|p| p.id == pid) {
                    Some(p) if p.ready => self.current_paths(cfg, files_origin, &pid, &export_as)?,
                    _ => self.export(cfg, files_origin, &pid, &export_as)?,
                };
                status = "completed";
                message = "Presentation generation completed".to_string();
                error = Value::Null;
                data = match generation {
                    Some(Generation::V0_7_3) => json!({"presentation_id": pid, "path": path, "edit_path": edit_path}),
                    Some(Generation::V0_8_9) => json!({"created_slides": n, "remaining_slides": 0}),
                    Some(Generation::Latest) => json!({"presentation_id": pid, "created_slides": n, "remaining_slides": 0, "path": path, "edit_path": edit_path}),
                    None => json!({"presentation_id": pid, "path": path, "edit_path": edit_path, "credits_consumed": credits}),
                };
            }
        } else {
            let i = ((f * messages.len() as f64) as usize).min(messages.len() - 1);
            message = messages[i].to_string();
            status = match generation {
                Some(Generation::V0_7_3) => "pending",
                _ if i == 0 => "pending",
                _ => "processing",
            };
            error = Value::Null;
            data = match generation {
                Some(Generation::V0_8_9) => counters,
                Some(Generation::Latest) => json!({"presentation_id": pid, "created_slides": created_slides, "remaining_slides": n - created_slides}),
                _ => Value::Null,
            };
        }
        let mut v = json!({
            "id": id, "status": status, "message": message, "error": error, "data": data,
            "created_at": created_at, "updated_at": now_naive(),
        });
        if matches!(generation, Some(Generation::V0_8_9 | Generation::Latest)) {
            v["type"] = json!("presentation.generate");
        }
        Some(v)
    }

    fn current_paths(&mut self, cfg: &FakePresentonConfig, files_origin: &url::Url, pid: &str, export_as: &str) -> Option<(String, String)> {
        // Re-exporting writes the same file again, as the server's exporter would.
        self.export(cfg, files_origin, pid, export_as)
    }

    pub fn presentation_json(p: &Presentation) -> Value {
        json!({
            "id": p.id, "content": p.content, "n_slides": p.n_slides, "language": "English",
            "title": p.title, "created_at": p.created_at, "updated_at": p.created_at,
            "layout": null, "structure": null, "instructions": null, "tone": "default", "verbosity": "standard",
        })
    }
}

/// How much of a deck's title a self-hosted server keeps in the exported file's name.
pub const SERVER_FILE_NAME_CHARS: usize = 95;

/// A deck title from the content, as a model would pick it, kept to characters a file name
/// may hold (spaces, `#`, `%` and `&` included, to test encoding). Titles can be longer than
/// the server keeps in a file name.
pub fn title_of(content: &str) -> String {
    let first = content.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let t: String = first
        .chars()
        .filter(|c| c.is_alphanumeric() || " -_,.#%&()'".contains(*c))
        .take(200)
        .collect();
    let t = t.trim().trim_matches('.').trim().to_string();
    if t.is_empty() {
        "Presentation".into()
    } else {
        t
    }
}
