//! What the CLI prints about a job, for people and for scripts, and its exit status.

use deckhand_engine::deck_file::Preview;
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::Credits;
use serde::Serialize;
use serde_json::Value;

pub const EXIT_DONE: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_ATTENTION: u8 = 3;

/// The job as scripts see it with `--json`. Keys are never included.
#[derive(Debug, Serialize)]
pub struct JobSummary<'a> {
    pub id: &'a str,
    pub state: &'static str,
    pub provider: &'static str,
    pub title: Option<&'a str>,
    /// Absolute path of the saved file.
    pub file: Option<String>,
    pub edit_url: Option<&'a str>,
    pub credits: Option<&'a Credits>,
    /// `{kind, message, …}` as the engine serializes it.
    pub error: Option<Value>,
    /// Still being made on the server when polling stopped: check again later.
    pub still_running: bool,
    pub remote_id: Option<&'a str>,
    pub progress: Option<&'a str>,
    pub warnings: &'a [String],
    pub created_ms: u64,
    pub updated_ms: u64,
    /// The deck's title as the service named it.
    pub deck_title: Option<&'a str>,
    /// The theme or template, as the service names it.
    pub look: Option<&'a str>,
    pub slide_count: Option<u32>,
    pub file_size: Option<u64>,
    /// Where the app's preview of the deck came from in the file, when it has one.
    pub preview: Option<&'a Preview>,
}

pub fn summary(job: &Job) -> JobSummary<'_> {
    JobSummary {
        id: &job.id,
        state: job.state.as_str(),
        provider: job.provider.as_str(),
        title: job.request.title.as_deref(),
        file: job.file.as_ref().map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()).display().to_string()),
        edit_url: job.edit_url.as_deref(),
        credits: job.credits.as_ref(),
        error: job.error.as_ref().and_then(|e| serde_json::to_value(e).ok()),
        still_running: job.stalled,
        remote_id: job.remote.as_ref().map(|r| r.id.as_str()),
        progress: job.progress.as_deref(),
        warnings: &job.warnings,
        created_ms: job.created_ms,
        updated_ms: job.updated_ms,
        deck_title: job.deck_title.as_deref(),
        look: job.look.as_deref(),
        slide_count: job.slide_count,
        file_size: job.file_size,
        preview: job.preview.as_ref(),
    }
}

pub fn to_json(job: &Job) -> String {
    serde_json::to_string(&summary(job)).unwrap_or_else(|_| "{}".into())
}

pub fn list_to_json(jobs: &[Job]) -> String {
    let v: Vec<JobSummary<'_>> = jobs.iter().map(summary).collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

/// The exit status for a job as it stands when the CLI stops waiting.
pub fn exit_code(job: &Job) -> u8 {
    if job.stalled {
        return EXIT_ATTENTION;
    }
    match job.state {
        JobState::Done => EXIT_DONE,
        // Refused by the service as invalid: nothing was made or charged.
        JobState::Failed if job.error.as_ref().is_some_and(|e| e.kind() == "invalid_input") => EXIT_BAD_INPUT,
        JobState::Failed | JobState::Cancelled => EXIT_FAILED,
        JobState::NeedsAttention => EXIT_ATTENTION,
        // Accepted and still going (with --no-wait): fetched later with `download`.
        JobState::Queued | JobState::Submitting | JobState::Running | JobState::Downloading => EXIT_DONE,
    }
}

/// The worst of several jobs' statuses: failed over needs-attention over done.
pub fn combined_exit_code(jobs: &[Job]) -> u8 {
    let codes: Vec<u8> = jobs.iter().map(exit_code).collect();
    [EXIT_FAILED, EXIT_BAD_INPUT, EXIT_ATTENTION].into_iter().find(|c| codes.contains(c)).unwrap_or(EXIT_DONE)
}

/// A few lines for a person.
pub fn human(job: &Job) -> String {
    let name = job.request.title.clone().unwrap_or_else(|| first_words(&job.request.content));
    human_named(job, &name)
}

/// [`human`], with the name to show (lists have the topic, not the notes).
pub fn human_named(job: &Job, name: &str) -> String {
    let mut out = format!("{}  {}  {}  \"{}\"", job.id, job.provider.as_str(), state_words(job), name);
    if let Some(f) = &job.file {
        out.push_str(&format!("\n  file: {}", f.display()));
    }
    if let Some(u) = &job.edit_url {
        out.push_str(&format!("\n  edit: {u}"));
    }
    if let Some(c) = &job.credits {
        match (c.used, c.remaining) {
            (Some(u), Some(r)) => out.push_str(&format!("\n  credits: {u} used, {r} left")),
            (Some(u), None) => out.push_str(&format!("\n  credits: {u} used")),
            (None, Some(r)) => out.push_str(&format!("\n  credits: {r} left")),
            (None, None) => {}
        }
    }
    if let Some(e) = &job.error {
        out.push_str(&format!("\n  {}", e.message()));
        if let Some(m) = &e.details().provider_message {
            out.push_str(&format!("\n  ({} said: {m})", job.provider.display_name()));
        }
    }
    if job.stalled {
        out.push_str(&format!(
            "\n  Still being made on the server. Run `deckhand-cli download {}` later to check again.",
            job.id
        ));
    }
    out
}

pub fn state_words(job: &Job) -> &'static str {
    if job.stalled {
        return "still running on the server";
    }
    match job.state {
        JobState::Queued => "waiting",
        JobState::Submitting => "sending",
        JobState::Running => "being made",
        JobState::Downloading => "downloading",
        JobState::Done => "done",
        JobState::Failed => "failed",
        JobState::Cancelled => "cancelled",
        JobState::NeedsAttention => "needs your attention",
    }
}

pub fn first_words(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().take(8).collect();
    let mut t = words.join(" ");
    if t.chars().count() > 60 {
        t = t.chars().take(57).collect::<String>() + "…";
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand_engine::providers::{DeckRequest, ProviderKind};
    use deckhand_engine::Error;

    fn job(state: JobState) -> Job {
        let mut j = Job::new("j1".into(), ProviderKind::Gamma, DeckRequest { content: "Solar power".into(), ..Default::default() }, "/tmp".into(), 1);
        j.set_state(state, 2);
        j
    }

    #[test]
    fn json_has_the_promised_fields() {
        let mut j = job(JobState::Done);
        j.file = Some("/tmp/Solar.pptx".into());
        let v: Value = serde_json::from_str(&to_json(&j)).unwrap();
        for k in ["id", "state", "provider", "file", "edit_url", "credits", "error"] {
            assert!(v.get(k).is_some(), "{k} missing");
        }
        assert_eq!(v["state"], "done");
        assert_eq!(v["provider"], "gamma");
        assert_eq!(v["file"], "/tmp/Solar.pptx");
        assert_eq!(v["error"], Value::Null);

        j.fail(JobState::Failed, Error::disk("The disk is full."), 3);
        let v: Value = serde_json::from_str(&to_json(&j)).unwrap();
        assert_eq!(v["error"]["kind"], "disk");
        assert_eq!(v["error"]["message"], "The disk is full.");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(&job(JobState::Done)), 0);
        assert_eq!(exit_code(&job(JobState::Cancelled)), 1);
        assert_eq!(exit_code(&job(JobState::Failed)), 1);
        assert_eq!(exit_code(&job(JobState::NeedsAttention)), 3);
        let mut stalled = job(JobState::Running);
        stalled.stalled = true;
        assert_eq!(exit_code(&stalled), 3);
        let mut refused = job(JobState::Failed);
        refused.error = Some(Error::invalid_input("slides", "Too many slides.").into());
        assert_eq!(exit_code(&refused), 2);
        assert_eq!(combined_exit_code(&[job(JobState::Done), job(JobState::NeedsAttention)]), 3);
        assert_eq!(combined_exit_code(&[stalled, job(JobState::Failed)]), 1);
        assert_eq!(combined_exit_code(&[]), 0);
    }

    #[test]
    fn human_text_explains_next_steps() {
        let mut j = job(JobState::Running);
        j.stalled = true;
        let t = human(&j);
        assert!(t.contains("still running on the server") && t.contains("deckhand-cli download j1"), "{t}");
        assert!(t.contains("\"Solar power\""));
    }
}
