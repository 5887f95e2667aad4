//! Fake Gamma v1.0, as REFERENCE.md PART 1 describes it: `X-API-KEY` checked before routing,
//! `{"message","statusCode"}` errors, 400 "Input validation errors: …", 402 when credits run
//! out, create → 200 `{generationId, warnings?}`, status pending → completed/failed, themes and
//! folders with cursor paging, export of a finished gamma, and `x-request-id` on every answer.
//! Export files live on a second listener (another origin, like a signed CDN link) with a
//! signature and an expiry. Every request is recorded; faults come from a [`FaultPlan`].

mod catalog;
mod server;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

use crate::faults::{FaultPlan, TimeScale};
use state::Inner;
pub use state::Recorded;

/// The key the fake accepts unless told otherwise.
pub const GAMMA_KEY: &str = "sk-gamma-fake-key-0001";

#[derive(Debug, Clone)]
pub struct FakeGammaConfig {
    /// Keys accepted in `X-API-KEY`.
    pub keys: Vec<String>,
    /// 0 picks a free port (API origin).
    pub port: u16,
    pub time_scale: TimeScale,
    /// Simulated seconds from create to completed (Gamma: 1–3 minutes).
    pub generation_secs: f64,
    /// Simulated seconds an export of an existing gamma takes.
    pub export_secs: f64,
    /// Simulated lifetime of a signed export link (Gamma: about a week).
    pub link_secs: f64,
    /// The plan's card cap (Pro 60, Ultra 75).
    pub card_cap: u32,
    pub credits: f64,
    pub credits_per_card: f64,
    /// "No credits" answered with this status (402 now; 403 in older docs).
    pub credits_error_status: u16,
    /// Generations stay pending forever.
    pub never_finish: bool,
    /// Every generation fails with this message (statusCode 422 inside the body).
    pub fail_with: Option<String>,
    /// Every export of an existing gamma fails with this reason (`render_timeout`, …).
    pub export_fail_reason: Option<String>,
    /// Each status poll signs the export link afresh (otherwise the first link is repeated).
    pub status_resigns_links: bool,
    /// Signed links keep their expiry inside the signature (`?sig=<expires>.<signature>`),
    /// so a client cannot tell from the link when it expires.
    pub opaque_links: bool,
    /// Export links point at the API origin, which answers 302 to the storage origin.
    pub redirect_exports: bool,
    pub theme_count: usize,
    /// A theme search that matches one name exactly answers with the bare theme object (§1.8).
    pub bare_object_for_exact_name: bool,
}

impl Default for FakeGammaConfig {
    fn default() -> Self {
        FakeGammaConfig {
            keys: vec![GAMMA_KEY.to_string()],
            port: 0,
            time_scale: TimeScale(0.01),
            generation_secs: 60.0,
            export_secs: 10.0,
            link_secs: 7.0 * 24.0 * 3600.0,
            card_cap: 60,
            credits: 1000.0,
            credits_per_card: 3.0,
            credits_error_status: 402,
            never_finish: false,
            fail_with: None,
            export_fail_reason: None,
            status_resigns_links: false,
            opaque_links: false,
            redirect_exports: false,
            theme_count: 73,
            bare_object_for_exact_name: false,
        }
    }
}

/// Which listener a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Api,
    Storage,
}

/// What the handlers share.
pub(crate) struct Shared {
    pub cfg: FakeGammaConfig,
    pub faults: FaultPlan,
    pub inner: Mutex<Inner>,
    pub api_origin: Url,
    pub storage_origin: Url,
}

/// A running fake. Dropping it stops both listeners.
pub struct FakeGammaHandle {
    /// The API origin; give it to `GammaProvider::new`.
    pub base_url: Url,
    /// The storage origin that serves export files.
    pub storage_url: Url,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

pub struct FakeGamma;

impl FakeGamma {
    pub async fn start(cfg: FakeGammaConfig) -> std::io::Result<FakeGammaHandle> {
        let api = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], cfg.port))).await?;
        let storage = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = |l: &TcpListener| -> std::io::Result<Url> {
            let addr = l.local_addr()?;
            Url::parse(&format!("http://{addr}")).map_err(|e| std::io::Error::other(e.to_string()))
        };
        let (base_url, storage_url) = (url(&api)?, url(&storage)?);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::new(cfg.credits)),
            cfg,
            faults: FaultPlan::default(),
            api_origin: base_url.clone(),
            storage_origin: storage_url.clone(),
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(crate::serve::serve(api, server::router(shared.clone(), Origin::Api), stopped.clone()));
        tokio::spawn(crate::serve::serve(storage, server::router(shared.clone(), Origin::Storage), stopped));
        Ok(FakeGammaHandle { base_url, storage_url, shared, stop })
    }
}

impl FakeGammaHandle {
    pub fn faults(&self) -> &FaultPlan {
        &self.shared.faults
    }

    /// Every request, in order of arrival, on both origins.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().requests.clone()
    }

    /// Generations created (and so paid for), whatever the client heard back.
    pub fn submit_count(&self) -> usize {
        self.shared.inner.lock().unwrap().submits
    }

    /// Exports of existing gammas started.
    pub fn export_count(&self) -> usize {
        self.shared.inner.lock().unwrap().exports.len()
    }

    pub fn credits_left(&self) -> f64 {
        self.shared.inner.lock().unwrap().credits
    }

    pub fn set_credits(&self, credits: f64) {
        self.shared.inner.lock().unwrap().credits = credits;
    }

    /// Stop both listeners.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for FakeGammaHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
