//! A job as the store keeps it: the columns lists search and sort by, the record itself (the
//! job's JSON, versioned, without its long texts) and the long texts on their own. A state
//! change rewrites the small record only, never the notes, so its cost does not grow with
//! them. The JSON is [`Job`]'s own shape, so a field any part of Deckhand adds to `Job` is
//! stored, listed and sent to the window with no change here.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::jobs::{Job, JobState};
use crate::Error;

/// The format of `record`: 1 is `Job`'s JSON without the heavy fields. A record with a higher
/// number was written by a newer Deckhand: it is kept and shown, never rewritten.
pub const RECORD_VERSION: i64 = 1;

/// The request's long texts, stored apart and left out of lists and events.
pub const HEAVY_FIELDS: [&str; 2] = ["content", "instructions"];

/// The topic shown for a deck: the first non-empty line of its notes, at most this long.
pub const TOPIC_CHARS: usize = 120;

/// One job, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub provider: String,
    pub state: String,
    /// Being worked on (unfinished and not stopped at the polling deadline): resumed at start.
    pub active: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub title: Option<String>,
    pub topic: String,
    /// The person's title, the service's title for the deck and the topic, in lower case:
    /// what a search matches.
    pub search: String,
    /// The file name the job is claiming (`saving.path`), which no other job may choose.
    pub claim: Option<String>,
    pub version: i64,
    /// The job's JSON without the heavy fields.
    pub record: String,
    /// The heavy fields, as a JSON object.
    pub notes: String,
}

/// A record as read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Known(Box<Job>),
    /// Written by a newer Deckhand (a higher version, or a state, service or shape this one
    /// does not know): kept exactly as stored and shown, never worked on or rewritten.
    Newer(Map<String, Value>),
}

/// The first non-empty line of the notes, cut to [`TOPIC_CHARS`] (an ellipsis ends a cut one).
pub fn topic(content: &str) -> String {
    let line = content.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if line.chars().count() <= TOPIC_CHARS {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(TOPIC_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// What a search matches: the person's title, the service's title for the deck (the card's
/// title when the person gave none) and the topic, lower-cased the same way as the search text.
pub fn search_key(title: Option<&str>, deck_title: Option<&str>, topic: &str) -> String {
    format!("{}\n{}\n{}", title.unwrap_or("").to_lowercase(), deck_title.unwrap_or("").to_lowercase(), topic.to_lowercase())
}

fn encode_error(e: serde_json::Error) -> Error {
    Error::internal(format!("A job could not be encoded for saving: {e}"))
}

/// A JSON object.
type Object = Map<String, Value>;

/// Splits the job's JSON into the record and its notes.
pub fn split(job: &Job) -> Result<(Object, Object), Error> {
    let Value::Object(mut record) = serde_json::to_value(job).map_err(encode_error)? else {
        return Err(Error::internal("A job did not encode as an object."));
    };
    let mut notes = Map::new();
    if let Some(Value::Object(request)) = record.get_mut("request") {
        for field in HEAVY_FIELDS {
            if let Some(v) = request.remove(field) {
                notes.insert(field.to_string(), v);
            }
        }
    }
    Ok((record, notes))
}

/// The row for `job`.
pub fn to_row(job: &Job) -> Result<Row, Error> {
    let (record, notes) = split(job)?;
    let topic = topic(&job.request.content);
    let title = job.request.title.clone().filter(|t| !t.trim().is_empty());
    Ok(Row {
        id: job.id.clone(),
        provider: job.provider.as_str().to_string(),
        state: job.state.as_str().to_string(),
        active: job.is_active(),
        created_ms: clamp_ms(job.created_ms),
        updated_ms: clamp_ms(job.updated_ms),
        search: search_key(title.as_deref(), job.deck_title.as_deref(), &topic),
        title,
        topic,
        claim: job.saving.as_ref().map(|s| s.path.to_string_lossy().into_owned()),
        version: RECORD_VERSION,
        record: Value::Object(record).to_string(),
        notes: Value::Object(notes).to_string(),
    })
}

/// Whether a change reaches the columns lists search, sort and resume by, or only the record.
pub fn columns_differ(before: &Job, after: &Job) -> bool {
    before.provider != after.provider
        || before.state != after.state
        || before.is_active() != after.is_active()
        || before.request.title != after.request.title
        || before.deck_title != after.deck_title
        || before.request.content != after.request.content
        || before.saving.as_ref().map(|s| &s.path) != after.saving.as_ref().map(|s| &s.path)
}

/// The row of a record this Deckhand cannot read (an old journal's entry a newer Deckhand
/// wrote): stored as it is, found by its id (`fallback_id` when it has none), never resumed.
pub fn raw_row(mut raw: Map<String, Value>, fallback_id: String) -> Row {
    let id = match raw.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()) {
        Some(id) => id.to_string(),
        None => {
            raw.insert("id".into(), Value::String(fallback_id.clone()));
            fallback_id
        }
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let ms = |raw: &Map<String, Value>, key: &str| raw.get(key).and_then(Value::as_u64).map_or(0, clamp_ms);
    let (created_ms, updated_ms) = (ms(&raw, "created_ms"), ms(&raw, "updated_ms"));
    let mut notes = Map::new();
    if let Some(Value::Object(request)) = raw.get_mut("request") {
        for field in HEAVY_FIELDS {
            if let Some(v) = request.remove(field) {
                notes.insert(field.to_string(), v);
            }
        }
    }
    let title = raw.get("request").and_then(|r| r.get("title")).and_then(Value::as_str).map(str::to_string);
    let deck_title = raw.get("deck_title").and_then(Value::as_str);
    let topic = topic(&text(notes.get("content")));
    Row {
        id,
        provider: text(raw.get("provider")),
        state: text(raw.get("state")),
        active: false,
        created_ms,
        updated_ms,
        search: search_key(title.as_deref(), deck_title, &topic),
        title,
        topic,
        claim: None,
        version: RECORD_VERSION,
        record: Value::Object(raw).to_string(),
        notes: Value::Object(notes).to_string(),
    }
}

fn clamp_ms(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// Reads a stored record back; `notes` is left out for lists (the heavy fields stay empty).
/// Never fails: what this Deckhand cannot read is kept as [`Stored::Newer`].
pub fn read(version: i64, record: &str, notes: Option<&str>) -> Stored {
    // Lists read many records without their notes: straight into a job, no detour.
    if notes.is_none() && version <= RECORD_VERSION {
        if let Ok(job) = serde_json::from_str::<Job>(record) {
            return Stored::Known(Box::new(job));
        }
    }
    let mut value = match serde_json::from_str::<Value>(record) {
        Ok(v) => as_object(v),
        // Not even JSON: keep the text itself so nothing is hidden.
        Err(_) => as_object(Value::String(record.to_string())),
    };
    if let Some(Value::Object(heavy)) = notes.and_then(|n| serde_json::from_str::<Value>(n).ok()) {
        if let Some(Value::Object(request)) = value.get_mut("request") {
            request.extend(heavy);
        }
    }
    if version > RECORD_VERSION {
        return Stored::Newer(value);
    }
    let value = Value::Object(value);
    match Job::deserialize(&value) {
        Ok(job) => Stored::Known(Box::new(job)),
        Err(_) => Stored::Newer(as_object(value)),
    }
}

/// The object itself, or anything else kept under `unreadable_record`.
fn as_object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => Map::from_iter([("unreadable_record".to_string(), other)]),
    }
}

/// Whether a stored state string is one a job is worked on in (for records of any version).
pub fn is_active_state(state: &str) -> bool {
    [JobState::Queued, JobState::Submitting, JobState::Running, JobState::Downloading].iter().any(|s| s.as_str() == state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck_file::{Preview, PreviewSource};
    use crate::providers::{DeckRequest, Progress, ProviderKind};

    fn job() -> Job {
        let req = DeckRequest {
            content: "\n  Tides and the moon  \nmore notes".into(),
            instructions: Some("Keep it short".into()),
            title: Some("Tides".into()),
            ..Default::default()
        };
        Job::new("j1".into(), ProviderKind::Gamma, req, "/tmp".into(), 5)
    }

    #[test]
    fn the_notes_are_stored_apart_and_come_back_whole() {
        let j = job();
        let row = to_row(&j).unwrap();
        assert!(!row.record.contains("Tides and the moon") && !row.record.contains("Keep it short"));
        assert!(row.notes.contains("Tides and the moon") && row.notes.contains("Keep it short"));
        assert_eq!((row.topic.as_str(), row.title.as_deref(), row.active), ("Tides and the moon", Some("Tides"), true));
        assert_eq!(read(row.version, &row.record, Some(&row.notes)), Stored::Known(Box::new(j)));
        let Stored::Known(light) = read(row.version, &row.record, None) else { panic!() };
        assert_eq!((light.request.content.as_str(), light.request.instructions.as_deref()), ("", None));
    }

    #[test]
    fn fields_this_version_does_not_know_survive_a_rewrite() {
        let mut v = serde_json::to_value(job()).unwrap();
        v["made_on_device"] = "laptop".into();
        v["request"]["tone_preset"] = "calm".into();
        v["error"] = serde_json::json!({"kind": "quota_frozen", "message": "Paused by your team."});
        let Stored::Known(read_back) = read(1, &v.to_string(), None) else { panic!("readable") };
        let row = to_row(&read_back).unwrap();
        let again: Value = serde_json::from_str(&row.record).unwrap();
        assert_eq!(again["made_on_device"], "laptop");
        assert_eq!(again["request"]["tone_preset"], "calm");
        assert_eq!(again["error"]["kind"], "quota_frozen");
    }

    #[test]
    fn card_facts_are_stored_searched_and_read_from_older_and_newer_records() {
        let mut j = job();
        j.deck_title = Some("How Tides Work".into());
        j.look = Some("Chisel".into());
        j.slide_count = Some(8);
        j.file_size = Some(1234);
        j.preview = Some(Preview::new(PreviewSource::SlidePicture, 480, 270));
        j.service_progress = Some(Progress { message: Some("Generating slides".into()), slides_done: Some(3), slides_total: Some(8) });
        let row = to_row(&j).unwrap();
        assert!(row.search.contains("how tides work"), "the service's title is searched: {}", row.search);
        assert_eq!(read(row.version, &row.record, Some(&row.notes)), Stored::Known(Box::new(j.clone())));
        // Written before Deckhand kept card facts: none of them, and it reads.
        let mut older: Value = serde_json::from_str(&row.record).unwrap();
        for field in ["deck_title", "look", "slide_count", "file_size", "preview", "service_progress"] {
            older.as_object_mut().unwrap().remove(field);
        }
        let Stored::Known(back) = read(1, &older.to_string(), None) else { panic!("readable") };
        assert_eq!((back.deck_title, back.slide_count, back.preview), (None, None, None));
        // A newer Deckhand's preview (another source, another field) survives a rewrite.
        let mut newer: Value = serde_json::from_str(&row.record).unwrap();
        newer["preview"]["source"] = "video_frame".into();
        newer["preview"]["frame_ms"] = 1200.into();
        let Stored::Known(back) = read(1, &newer.to_string(), None) else { panic!("readable") };
        let again: Value = serde_json::from_str(&to_row(&back).unwrap().record).unwrap();
        assert_eq!(again["preview"], newer["preview"]);
    }

    #[test]
    fn what_cannot_be_read_is_kept_as_newer() {
        let mut v = serde_json::to_value(job()).unwrap();
        v["state"] = "paused".into();
        assert!(matches!(read(1, &v.to_string(), None), Stored::Newer(m) if m["state"] == "paused"));
        let ok = serde_json::to_value(job()).unwrap().to_string();
        assert!(matches!(read(RECORD_VERSION + 1, &ok, None), Stored::Newer(_)));
        assert!(matches!(read(1, "not json", None), Stored::Newer(m) if m["unreadable_record"] == "not json"));
    }

    #[test]
    fn topics_are_one_line_and_bounded() {
        assert_eq!(topic(""), "");
        assert_eq!(topic("  \n\t\n Solar power \n x"), "Solar power");
        let long = "word ".repeat(100);
        let t = topic(&long);
        assert_eq!(t.chars().count(), TOPIC_CHARS);
        assert!(t.ends_with("word…"), "{t}");
        assert_eq!(topic(&"é".repeat(TOPIC_CHARS)), "é".repeat(TOPIC_CHARS));
        assert_eq!(search_key(Some("Ölpreis"), Some("Brent"), "ÉTÉ"), "ölpreis\nbrent\nété");
    }
}
