//! Client-side helpers for tests: a provider pointed at a fake, and a bounded poll loop.

use std::time::{Duration, Instant};

use deckhand_engine::providers::presenton::{PresentonProvider, SelfHostedAuth};
use deckhand_engine::providers::{DeckRequest, Provider, RemoteJob, RemoteState, RemoteStatus};
use deckhand_engine::{Error, Secret};

use super::{FakeAuth, FakePresenton, Mode};

/// A provider with the credentials the fake expects.
pub fn provider_for(fake: &FakePresenton) -> PresentonProvider {
    let base = fake.base_url.clone();
    match (&fake.shared.cfg.mode, &fake.shared.cfg.auth) {
        (Mode::Hosted, FakeAuth::Bearer(key)) => PresentonProvider::hosted(base, Secret::new(key.clone())),
        (Mode::Hosted, _) => PresentonProvider::hosted(base, Secret::new(super::HOSTED_KEY)),
        (_, FakeAuth::None) => PresentonProvider::self_hosted(base, SelfHostedAuth::None),
        (_, FakeAuth::Basic { user, password }) => PresentonProvider::self_hosted(
            base,
            SelfHostedAuth::Basic { user: user.clone(), password: Secret::new(password.clone()) },
        ),
        (_, FakeAuth::Bearer(t)) => PresentonProvider::self_hosted(base, SelfHostedAuth::Bearer(Secret::new(t.clone()))),
    }
    .expect("a provider for the fake")
}

/// Poll until a terminal state, for at most `limit` of real time (generous: the machine is
/// small and shared). Transient errors are retried, like the engine does.
pub async fn poll_until_done(p: &dyn Provider, remote: &RemoteJob, limit: Duration) -> Result<RemoteStatus, Error> {
    let start = Instant::now();
    loop {
        match p.status(remote).await {
            Ok(st) if st.state.is_terminal() => return Ok(st),
            Ok(_) => {}
            Err(e) if e.is_transient() => {}
            Err(e) => return Err(e),
        }
        if start.elapsed() > limit {
            return Err(Error::internal("the fake's task did not finish in time"));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Submit, poll, and download (exporting again when the server gives no path): the bytes.
pub async fn generate(p: &dyn Provider, req: &DeckRequest) -> Result<(RemoteStatus, Vec<u8>), Error> {
    let submitted = p.submit(req).await.map_err(|f| f.error)?;
    let mut remote = submitted.remote;
    let st = poll_until_done(p, &remote, Duration::from_secs(60)).await?;
    if st.state != RemoteState::Completed {
        return Err(st.error.unwrap_or_else(|| Error::internal("failed")));
    }
    if let Some(id) = &st.file_id {
        remote.file_id = Some(id.clone());
    }
    let link = match &st.download {
        Some(l) => l.clone(),
        None => p.refresh_download(&remote, req.format).await?,
    };
    let resp = p.open_download(&link).await?;
    let bytes = resp.bytes().await.map_err(|e| Error::internal(e.to_string()))?;
    Ok((st, bytes.to_vec()))
}
