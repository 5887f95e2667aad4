//! A data folder holding a long history of finished decks (with long notes), written through
//! the engine's own job store, for the start-up benchmark's "with 2,000 decks" runs.

use std::path::Path;

use deckhand_engine::jobs::ids::{new_job_id, Rng};
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ProviderKind, RemoteJob};
use deckhand_engine::Error;
use serde_json::{json, Value};

/// Notes of exactly `chars` characters whose first line names the deck.
pub fn notes(i: usize, chars: usize) -> String {
    let mut s = format!("Deck {i}: what the class learned this week\n");
    let words = ["tides", "photosynthesis", "budget", "volcano", "river", "classroom", "energy", "history"];
    let mut w = i;
    while s.len() < chars {
        s.push_str(words[w % words.len()]);
        s.push(if w % 13 == 0 { '\n' } else { ' ' });
        w += 7;
    }
    s.truncate(chars);
    s
}

/// Writes `decks` finished decks into the data folder `dir` (replacing what was there).
pub fn seed(dir: &Path, decks: usize, note_chars: usize) -> Result<Value, Error> {
    let start_ms = 1_760_000_000_000u64;
    let store = Store::open(dir, start_ms)?.store;
    let mut rng = Rng::seeded(decks as u64);
    for i in 0..decks {
        let at = start_ms + i as u64 * 3_600_000;
        let provider = [ProviderKind::Gamma, ProviderKind::Presenton, ProviderKind::PresentonSelf][i % 3];
        let request = DeckRequest { content: notes(i, note_chars), slides: Some(8), ..DeckRequest::default() };
        let mut job = Job::new(new_job_id(at, &mut rng), provider, request, dir.join("decks"), at);
        job.remote = Some(RemoteJob { id: format!("remote-{i:06}"), file_id: None });
        job.set_state(JobState::Submitting, at + 200);
        job.set_state(JobState::Running, at + 900);
        job.set_state(JobState::Downloading, at + 95_000);
        job.file = Some(dir.join("decks").join(format!("Deck {i}.pptx")));
        job.set_state(JobState::Done, at + 97_000);
        store.insert(&job)?;
    }
    Ok(json!({ "dir": dir, "decks": decks, "note_chars": note_chars }))
}
