//! A provider that answers `test_connection` like a service that knows one good credential, and
//! records what it was built with. It accepts every request as valid and never reaches a
//! service: the key, settings and hostile-argument flows need nothing more.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use deckhand_app::providers::ProviderFactory;
use deckhand_engine::connection::{Credentials, ProviderConnection};
use deckhand_engine::providers::*;
use deckhand_engine::{Details, Error};

/// What the fake service answers.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Accept exactly these credentials; anything else is a 401.
    AcceptOnly(Credentials),
    /// Fail with this error whatever the credentials.
    Fail(Error),
}

#[derive(Default)]
pub struct FakeServices {
    pub answers: Mutex<Vec<(ProviderKind, Answer)>>,
    /// Every connection a provider was built for, in order.
    pub built: Mutex<Vec<ProviderConnection>>,
}

impl FakeServices {
    pub fn answer(&self, kind: ProviderKind, answer: Answer) {
        let mut a = self.answers.lock().unwrap();
        a.retain(|(k, _)| *k != kind);
        a.push((kind, answer));
    }

    pub fn built_count(&self) -> usize {
        self.built.lock().unwrap().len()
    }

    pub fn last_built(&self) -> Option<ProviderConnection> {
        self.built.lock().unwrap().last().cloned()
    }

    pub fn factory(self: &Arc<Self>) -> ProviderFactory {
        let me = self.clone();
        Arc::new(move |conn: &ProviderConnection| {
            me.built.lock().unwrap().push(conn.clone());
            Ok(Arc::new(FakeProvider { kind: conn.kind, credentials: conn.credentials.clone(), services: me.clone() }) as Arc<dyn Provider>)
        })
    }

    /// What the service answers now (providers are reused, so they ask at each call).
    fn answer_for(&self, kind: ProviderKind) -> Answer {
        let answer = self.answers.lock().unwrap().iter().find(|(k, _)| *k == kind).map(|(_, a)| a.clone());
        answer.unwrap_or(Answer::Fail(Error::Network {
            message: "The service could not be reached. Check your internet connection and try again.".into(),
            details: Details::default(),
        }))
    }
}

pub fn auth_refused(kind: ProviderKind) -> Error {
    Error::Auth {
        message: format!("{} did not accept the key. Check it, or create a new one.", kind.display_name()),
        details: Details { provider_message: Some("Invalid API key".into()), request_id: Some("req-fake-401".into()), status: Some(401) },
    }
}

struct FakeProvider {
    kind: ProviderKind,
    credentials: Credentials,
    services: Arc<FakeServices>,
}

fn unused() -> Error {
    Error::internal("not used by the key and settings tests")
}

#[async_trait]
impl Provider for FakeProvider {
    fn kind(&self) -> ProviderKind {
        self.kind
    }
    fn validate(&self, _: &DeckRequest) -> Result<(), Error> {
        Ok(())
    }
    async fn submit(&self, _: &DeckRequest) -> Result<Submitted, SubmitFailure> {
        // Refused at once, so a job made by a test ends without retries.
        Err(SubmitFailure { error: unused(), delivery: Delivery::Rejected })
    }
    async fn status(&self, _: &RemoteJob) -> Result<RemoteStatus, Error> {
        Err(unused())
    }
    async fn refresh_download(&self, _: &RemoteJob, _: ExportFormat) -> Result<DownloadLink, Error> {
        Err(unused())
    }
    async fn open_download(&self, _: &DownloadLink) -> Result<reqwest::Response, Error> {
        Err(unused())
    }
    async fn list_choices(&self, _: &ChoiceQuery) -> Result<ChoicePage, Error> {
        Err(unused())
    }
    async fn test_connection(&self) -> Result<ConnectionReport, Error> {
        match &self.services.answer_for(self.kind) {
            Answer::Fail(e) => Err(e.clone()),
            Answer::AcceptOnly(good) if *good == self.credentials => Ok(ConnectionReport {
                message: format!("Connected to {}; the key works.", self.kind.display_name()),
                account: Some("ana@example.com".into()),
                credits_remaining: Some(120.0),
            }),
            Answer::AcceptOnly(_) => Err(auth_refused(self.kind)),
        }
    }
}
