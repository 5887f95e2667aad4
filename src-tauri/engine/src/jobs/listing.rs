//! The history as lists ask for it: newest first, a page at a time, searched by title and
//! topic, filtered by state and service, and counted. Each is one query on the store's
//! indexed columns; no question loads every job. The query arrives from the window, so every
//! part of it is checked and bounded before it reaches the store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::jobs::view::{job_view, newer_view};
use crate::jobs::Job;
use crate::Error;

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 500;
const MAX_TEXT_CHARS: usize = 200;
const MAX_FILTERS: usize = 16;
const MAX_FILTER_CHARS: usize = 64;

/// What a list asks for (the `list_jobs` command's `query`). Everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryQuery {
    /// Matched, case-insensitively, anywhere in the title or the topic.
    pub text: Option<String>,
    /// Only jobs in these states (`"done"`, `"needs_attention"`, …).
    pub states: Option<Vec<String>>,
    /// Only jobs of these services (`"gamma"`, `"presenton"`, `"presenton-self"`).
    pub providers: Option<Vec<String>>,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<String>,
    /// At most this many jobs ([`DEFAULT_PAGE`] when absent).
    pub limit: Option<u32>,
}

/// The position after the last job of a page: newest first means (created, id) descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_ms: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}:{}", self.created_ms, self.id)
    }

    fn decode(s: &str) -> Option<Cursor> {
        let (ms, id) = s.split_once(':')?;
        let created_ms = ms.parse::<i64>().ok().filter(|ms| *ms >= 0)?;
        (!id.is_empty() && id.len() <= 200).then(|| Cursor { created_ms, id: id.to_string() })
    }
}

/// A [`HistoryQuery`] checked and ready for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedQuery {
    /// Lower-cased, as the stored search key is.
    pub text: Option<String>,
    pub states: Vec<String>,
    pub providers: Vec<String>,
    pub after: Option<Cursor>,
    pub limit: u32,
}

fn bounded_list(field: &str, list: Option<Vec<String>>) -> Result<Vec<String>, Error> {
    let list = list.unwrap_or_default();
    if list.len() > MAX_FILTERS || list.iter().any(|s| s.is_empty() || s.chars().count() > MAX_FILTER_CHARS) {
        return Err(Error::invalid_input(field, "That filter is not one Deckhand offers."));
    }
    Ok(list)
}

impl HistoryQuery {
    pub fn check(self) -> Result<CheckedQuery, Error> {
        let text = self.text.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
            return Err(Error::invalid_input("text", format!("Search for at most {MAX_TEXT_CHARS} characters.")));
        }
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::invalid_input("limit", format!("A page holds 1 to {MAX_PAGE} decks.")));
        }
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(
                Cursor::decode(c)
                    .ok_or_else(|| Error::invalid_input("cursor", "That page of the list does not exist; start from the top."))?,
            ),
        };
        Ok(CheckedQuery {
            text,
            states: bounded_list("states", self.states)?,
            providers: bounded_list("providers", self.providers)?,
            after,
            limit,
        })
    }
}

/// One job in a list.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryEntry {
    /// A job this Deckhand works with; its heavy fields are empty (lists leave them out).
    Known { job: Box<Job>, topic: String },
    /// A record a newer Deckhand wrote, as stored (see `record::Stored::Newer`).
    Newer { record: Map<String, Value>, topic: String },
}

impl HistoryEntry {
    pub fn id(&self) -> &str {
        match self {
            HistoryEntry::Known { job, .. } => &job.id,
            HistoryEntry::Newer { record, .. } => record.get("id").and_then(Value::as_str).unwrap_or(""),
        }
    }

    pub fn topic(&self) -> &str {
        match self {
            HistoryEntry::Known { topic, .. } | HistoryEntry::Newer { topic, .. } => topic,
        }
    }

    pub fn job(&self) -> Option<&Job> {
        match self {
            HistoryEntry::Known { job, .. } => Some(job),
            HistoryEntry::Newer { .. } => None,
        }
    }
}

/// Serialized as the job view the window gets in events too.
impl Serialize for HistoryEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            HistoryEntry::Known { job, topic } => job_view(job, topic).serialize(s),
            HistoryEntry::Newer { record, topic } => newer_view(record.clone(), topic).serialize(s),
        }
    }
}

/// A page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryPage {
    pub jobs: Vec<HistoryEntry>,
    /// Pass back as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
    /// How many jobs match the query in all.
    pub total: u64,
}

/// How many jobs there are in each state and for each service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub by_state: BTreeMap<String, u64>,
    pub by_provider: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_checked_and_bounded() {
        let q = HistoryQuery { text: Some("  Tides ".into()), limit: Some(10), ..Default::default() }.check().unwrap();
        assert_eq!((q.text.as_deref(), q.limit, q.after), (Some("tides"), 10, None));
        assert_eq!(HistoryQuery::default().check().unwrap().limit, DEFAULT_PAGE);
        let refused = |q: HistoryQuery| q.check().unwrap_err().kind();
        assert_eq!(refused(HistoryQuery { limit: Some(0), ..Default::default() }), "invalid_input");
        assert_eq!(refused(HistoryQuery { limit: Some(MAX_PAGE + 1), ..Default::default() }), "invalid_input");
        assert_eq!(refused(HistoryQuery { text: Some("x".repeat(201)), ..Default::default() }), "invalid_input");
        assert_eq!(refused(HistoryQuery { states: Some(vec!["done".into(); 17]), ..Default::default() }), "invalid_input");
        assert_eq!(refused(HistoryQuery { providers: Some(vec![String::new()]), ..Default::default() }), "invalid_input");
        for bad in ["", "x", "12", ":j1", "-5:j1", "abc:j1"] {
            let q = HistoryQuery { cursor: Some(bad.into()), ..Default::default() }.check();
            assert!(bad.is_empty() && q.is_ok() || q.is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor { created_ms: 1_700_000_000_000, id: "j18bcfe568000-00ff11".into() };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
    }
}
