//! "Your decks" as queries: newest first, searched by title and topic, filtered by state and
//! service, a page at a time; and how many decks there are in each state and service. The
//! shapes are the history contract the window uses (`list_jobs`, `job_counts`); this version
//! answers from the jobs in memory.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::jobs::Job;

/// A page is at most this long, whatever the window asks.
pub const MAX_PAGE: usize = 200;
pub const DEFAULT_PAGE: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobQuery {
    /// Matches the deck's title (the person's or the service's) and topic, ignoring case.
    #[serde(default)]
    pub text: Option<String>,
    /// Job states (`done`, `failed`, …); none or empty: every state.
    #[serde(default)]
    pub states: Option<Vec<String>>,
    /// Provider ids (`gamma`, `presenton`, `presenton-self`); none or empty: every service.
    #[serde(default)]
    pub providers: Option<Vec<String>>,
    /// `next_cursor` of the page before.
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobPage {
    /// Job views ([`job_view`]), newest first.
    pub jobs: Vec<Value>,
    pub next_cursor: Option<String>,
    /// Jobs matching the query, on every page.
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub by_state: BTreeMap<String, u64>,
    pub by_provider: BTreeMap<String, u64>,
}

/// A job as lists and events show it: the record without the heavy text (the notes and the
/// instructions), plus its topic.
pub fn job_view(job: &Job) -> Value {
    let mut v = serde_json::to_value(job).unwrap_or(Value::Null);
    if let Some(request) = v.get_mut("request").and_then(Value::as_object_mut) {
        request.remove("content");
        request.remove("instructions");
    }
    if let Some(map) = v.as_object_mut() {
        map.insert("topic".into(), Value::String(job.topic()));
    }
    v
}

fn cursor_of(job: &Job) -> String {
    format!("{}:{}", job.created_ms, job.id)
}

/// (created_ms, id) from a cursor; `None` for anything else.
fn parse_cursor(cursor: &str) -> Option<(u64, &str)> {
    let (ms, id) = cursor.split_once(':')?;
    Some((ms.parse().ok()?, id))
}

fn matches(job: &Job, q: &JobQuery, needle: Option<&str>) -> bool {
    let listed = |list: &Option<Vec<String>>, value: &str| list.as_ref().is_none_or(|l| l.is_empty() || l.iter().any(|x| x == value));
    if !listed(&q.states, job.state.as_str()) || !listed(&q.providers, job.provider.as_str()) {
        return false;
    }
    let Some(needle) = needle else { return true };
    let has = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(needle));
    has(job.request.title.as_deref()) || has(job.deck_title.as_deref()) || has(Some(&job.topic()))
}

/// One page of the jobs matching `q`, newest first (creation time, then id, both descending).
pub fn query(jobs: &[Job], q: &JobQuery) -> JobPage {
    // A search longer than any title or topic cannot match more; cutting it bounds the work.
    let needle = q.text.as_deref().map(|t| t.trim().chars().take(200).collect::<String>().to_lowercase()).filter(|t| !t.is_empty());
    let mut matching: Vec<&Job> = jobs.iter().filter(|j| matches(j, q, needle.as_deref())).collect();
    matching.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then_with(|| b.id.cmp(&a.id)));
    let total = matching.len() as u64;
    let after = q.cursor.as_deref().and_then(parse_cursor);
    let start = match after {
        Some((ms, id)) => matching.iter().position(|j| (j.created_ms, j.id.as_str()) < (ms, id)).unwrap_or(matching.len()),
        None => 0,
    };
    let limit = q.limit.map_or(DEFAULT_PAGE, |l| (l as usize).clamp(1, MAX_PAGE));
    let page: Vec<&Job> = matching.iter().skip(start).take(limit).copied().collect();
    let next_cursor = (start + page.len() < matching.len()).then(|| page.last().map(|j| cursor_of(j))).flatten();
    JobPage { jobs: page.into_iter().map(job_view).collect(), next_cursor, total }
}

pub fn counts(jobs: &[Job]) -> JobCounts {
    let mut c = JobCounts::default();
    for j in jobs {
        *c.by_state.entry(j.state.as_str().to_string()).or_default() += 1;
        *c.by_provider.entry(j.provider.as_str().to_string()).or_default() += 1;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobState;
    use crate::providers::{DeckRequest, ProviderKind};

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|i| {
                let kind = if i % 3 == 0 { ProviderKind::Presenton } else { ProviderKind::Gamma };
                let request = DeckRequest { content: format!("Topic number {i}\nlong notes {}", "x".repeat(100)), instructions: Some("be brief".into()), ..Default::default() };
                // Two jobs share each creation time, so the id decides their order.
                let mut j = Job::new(format!("job-{i:04}"), kind, request, "/out".into(), 1_000 + (i as u64 / 2));
                if i % 4 == 0 {
                    j.set_state(JobState::Done, 5_000);
                }
                j
            })
            .collect()
    }

    #[test]
    fn pages_run_newest_first_without_gaps_or_repeats() {
        let all = jobs(205);
        let mut seen = Vec::new();
        let mut q = JobQuery { limit: Some(50), ..Default::default() };
        loop {
            let page = query(&all, &q);
            assert_eq!(page.total, 205);
            seen.extend(page.jobs.iter().map(|v| v["id"].as_str().unwrap().to_string()));
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        let mut expected: Vec<&Job> = all.iter().collect();
        expected.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then_with(|| b.id.cmp(&a.id)));
        assert_eq!(seen, expected.iter().map(|j| j.id.clone()).collect::<Vec<_>>());
        assert_eq!(seen[0], "job-0204");
    }

    #[test]
    fn search_and_filters() {
        let mut all = jobs(30);
        all[7].request.title = Some("Quarterly REVIEW".into());
        all[8].deck_title = Some("The review the service named".into());
        let q = |text: &str, states: &[&str], providers: &[&str]| JobQuery {
            text: Some(text.into()),
            states: Some(states.iter().map(|s| s.to_string()).collect()),
            providers: Some(providers.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        };
        let ids = |p: JobPage| p.jobs.iter().map(|v| v["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(query(&all, &q("review", &[], &[]))), vec!["job-0008", "job-0007"]);
        assert_eq!(query(&all, &q("number 2", &[], &[])).total, 11, "topic: 2, 20–29");
        assert_eq!(query(&all, &q("", &["done"], &[])).total, 8);
        assert_eq!(query(&all, &q("", &["done"], &["presenton"])).total, 3, "0, 12, 24");
        assert_eq!(query(&all, &q("", &["no_such_state"], &[])).total, 0);
    }

    #[test]
    fn views_leave_the_notes_out_and_carry_the_topic() {
        let v = job_view(&jobs(1)[0]);
        assert!(v["request"].get("content").is_none() && v["request"].get("instructions").is_none());
        assert_eq!(v["topic"], "Topic number 0");
        assert_eq!(v["id"], "job-0000");
    }

    #[test]
    fn counts_by_state_and_service() {
        let c = counts(&jobs(8));
        assert_eq!(c.by_state.get("done"), Some(&2));
        assert_eq!(c.by_state.get("queued"), Some(&6));
        assert_eq!(c.by_provider.get("presenton"), Some(&3));
        assert_eq!(c.by_provider.get("gamma"), Some(&5));
    }

    #[test]
    fn odd_cursors_and_limits_are_harmless() {
        let all = jobs(10);
        let page = query(&all, &JobQuery { cursor: Some("nonsense".into()), limit: Some(0), ..Default::default() });
        assert_eq!(page.jobs.len(), 1);
        let page = query(&all, &JobQuery { cursor: Some("0:zzz".into()), limit: Some(10_000), ..Default::default() });
        assert!(page.jobs.is_empty() && page.next_cursor.is_none());
    }
}
