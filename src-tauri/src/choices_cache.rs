//! The last lists seen of themes, templates and folders, kept on disk so the New deck form
//! still offers them when the service cannot be reached.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use deckhand_engine::providers::{ChoicePage, ChoiceQuery, ProviderKind};
use deckhand_engine::Error;

use deckhand_engine::atomic_file;

pub struct ChoicesCache {
    path: PathBuf,
    pages: Mutex<BTreeMap<String, ChoicePage>>,
}

fn key(kind: ProviderKind, q: &ChoiceQuery) -> String {
    serde_json::json!([kind.as_str(), q.kind, q.search, q.cursor]).to_string()
}

impl ChoicesCache {
    /// A missing or unreadable cache is an empty one: it only ever helps.
    pub fn open(dir: &Path) -> Self {
        let path = dir.join("choices-cache.json");
        let pages = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        ChoicesCache { path, pages: Mutex::new(pages) }
    }

    pub fn remember(&self, kind: ProviderKind, q: &ChoiceQuery, page: &ChoicePage) {
        let Ok(mut pages) = self.pages.lock() else { return };
        pages.insert(key(kind, q), page.clone());
        if let Ok(bytes) = serde_json::to_vec(&*pages) {
            // Best effort: a cache that could not be written costs nothing but freshness.
            let _ = atomic_file::write(&self.path, &bytes);
        }
    }

    pub fn recall(&self, kind: ProviderKind, q: &ChoiceQuery) -> Option<ChoicePage> {
        self.pages.lock().ok()?.get(&key(kind, q)).cloned()
    }

    /// The live answer, or when the service is out of reach the last one seen.
    pub fn live_or_cached(&self, kind: ProviderKind, q: &ChoiceQuery, live: Result<ChoicePage, Error>) -> Result<ChoicePage, Error> {
        match live {
            Ok(page) => {
                self.remember(kind, q, &page);
                Ok(page)
            }
            Err(e) if e.is_transient() => self.recall(kind, q).ok_or(e),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand_engine::providers::{Choice, ChoiceKind};
    use deckhand_engine::Details;

    #[test]
    fn offline_answers_come_from_the_last_page_seen_even_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let q = ChoiceQuery { kind: Some(ChoiceKind::Themes), search: None, cursor: None };
        let page = ChoicePage { items: vec![Choice { id: "t1".into(), name: "Oasis".into(), ..Choice::default() }], next_cursor: None };
        let cache = ChoicesCache::open(dir.path());
        assert_eq!(cache.live_or_cached(ProviderKind::Gamma, &q, Ok(page.clone())).unwrap(), page);

        let offline = Error::Network { message: "offline".into(), details: Details::default() };
        let reopened = ChoicesCache::open(dir.path());
        assert_eq!(reopened.live_or_cached(ProviderKind::Gamma, &q, Err(offline.clone())).unwrap(), page);
        // Another service's list is not mixed in, and a refusal is not hidden by the cache.
        assert!(reopened.live_or_cached(ProviderKind::Presenton, &q, Err(offline)).is_err());
        let auth = Error::Auth { message: "no".into(), details: Details::default() };
        assert_eq!(reopened.live_or_cached(ProviderKind::Gamma, &q, Err(auth)).unwrap_err().kind(), "auth");
    }
}
