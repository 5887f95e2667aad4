//! What the window is sent about a job. Events and lists carry the *view*: the job's record
//! without its long texts (`request.content`, `request.instructions`), plus `topic` (the
//! first line of the notes), so a progress tick costs the same whatever the notes hold. The
//! window asks for the full record (`get_job`) when it needs the notes.

use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::jobs::record::{self, Stored, HEAVY_FIELDS};
use crate::jobs::Job;

/// Marks a record this Deckhand cannot work with: it was made by a newer one.
pub const MADE_BY_NEWER: &str = "made_by_newer_version";

fn strip_heavy(record: &mut Map<String, Value>) {
    if let Some(Value::Object(request)) = record.get_mut("request") {
        for field in HEAVY_FIELDS {
            request.remove(field);
        }
    }
}

/// The view of a job the engine works with.
pub fn job_view(job: &Job, topic: &str) -> Value {
    let mut record = match serde_json::to_value(job) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    strip_heavy(&mut record);
    record.insert("topic".into(), Value::String(topic.to_string()));
    Value::Object(record)
}

/// The view of a record a newer Deckhand wrote.
pub fn newer_view(mut record: Map<String, Value>, topic: &str) -> Value {
    strip_heavy(&mut record);
    record.insert("topic".into(), Value::String(topic.to_string()));
    record.insert(MADE_BY_NEWER.into(), Value::Bool(true));
    Value::Object(record)
}

/// The full record, notes included, for the window's `get_job`.
pub fn full_record(stored: Stored) -> Value {
    match stored {
        Stored::Known(job) => {
            let topic = record::topic(&job.request.content);
            let mut v = serde_json::to_value(&*job).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("topic".into(), Value::String(topic));
            }
            v
        }
        Stored::Newer(mut m) => {
            let content = m.get("request").and_then(|r| r.get("content")).and_then(Value::as_str).unwrap_or("");
            let topic = record::topic(content);
            m.insert("topic".into(), Value::String(topic));
            m.insert(MADE_BY_NEWER.into(), Value::Bool(true));
            Value::Object(m)
        }
    }
}

/// A job that serializes as its view: what job commands answer the window with.
#[derive(Debug, Clone, PartialEq)]
pub struct JobView(pub Job);

impl Serialize for JobView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_as_view(&self.0, s)
    }
}

/// `EngineEvent::JobChanged` sends its job as a view (`#[serde(serialize_with)]`).
pub fn serialize_as_view<S: Serializer, J: std::borrow::Borrow<Job>>(job: &J, s: S) -> Result<S::Ok, S::Error> {
    let job = job.borrow();
    job_view(job, &record::topic(&job.request.content)).serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{DeckRequest, ProviderKind};

    #[test]
    fn the_view_leaves_the_notes_out_and_says_the_topic() {
        let req = DeckRequest {
            content: "Solar power\n".to_string() + &"x".repeat(20_000),
            instructions: Some("Short".into()),
            ..Default::default()
        };
        let mut job = Job::new("j1".into(), ProviderKind::Gamma, req, "/tmp".into(), 1);
        job.look = Some("Chisel".into());
        job.slide_count = Some(8);
        job.extra.insert("made_on_device".into(), "laptop".into());
        let v = job_view(&job, "Solar power");
        assert!(v.to_string().len() < 1_000, "{v}");
        assert_eq!(v["topic"], "Solar power");
        assert_eq!((v["look"].as_str(), v["slide_count"].as_u64()), (Some("Chisel"), Some(8)), "the card's facts are in the view");
        assert_eq!(v["made_on_device"], "laptop", "fields a newer Deckhand added appear in the view");
        assert!(v["request"].get("content").is_none() && v["request"].get("instructions").is_none());
        assert_eq!(v["request"]["format"], "pptx");
        let full = full_record(Stored::Known(Box::new(job)));
        assert_eq!(full["request"]["instructions"], "Short");
        assert_eq!(full["topic"], "Solar power");
    }
}
