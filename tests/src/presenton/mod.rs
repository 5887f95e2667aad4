//! Fake Presenton: the hosted service (`api.presenton.ai` v1) and self-hosted servers of three
//! generations, as REFERENCE.md PART 2 and the captures in `tests/fixtures/` describe them.
//! Answers use the captured JSON shapes; faults come from a [`FaultPlan`].

mod server;
mod state;
mod validate;
pub mod helpers;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

use crate::faults::{FaultPlan, TimeScale};
pub use state::Recorded;
use state::Inner;

/// The hosted key the fake accepts.
pub const HOSTED_KEY: &str = "sk-presenton-fake-hosted-key-0001";
/// The administrator of a self-hosted fake that wants HTTP Basic.
pub const BASIC_USER: &str = "admin";
pub const BASIC_PASSWORD: &str = "fake-password";
/// An API key made in a (latest) self-hosted server's web page.
pub const SELF_HOSTED_KEY: &str = "sk-presenton-fake-selfhosted-key-0001";

/// Self-hosted server versions whose task `data` differs (§2.4 and the captures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// 0.7.3-beta: no auth; `pending` throughout; `data` = `{presentation_id, path, edit_path}` at the end.
    V0_7_3,
    /// 0.8.9-beta: HTTP Basic; `type`; `pending → processing`; `data` only counts slides.
    V0_8_9,
    /// After PR #837: `presentation_id` from queueing, `path`/`edit_path` added on completion; API keys.
    Latest,
}

impl Generation {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "0.7.3" => Some(Generation::V0_7_3),
            "0.8.9" => Some(Generation::V0_8_9),
            "latest" => Some(Generation::Latest),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Hosted,
    SelfHosted(Generation),
}

/// What the fake demands on `/api/*` (and, self-hosted, on downloads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FakeAuth {
    None,
    Basic { user: String, password: String },
    Bearer(String),
}

#[derive(Debug, Clone)]
pub struct FakePresentonConfig {
    pub mode: Mode,
    pub auth: FakeAuth,
    /// 0 picks a free port.
    pub port: u16,
    pub time_scale: TimeScale,
    /// Simulated seconds from submit to completion (real ≈ 10–14 s on a small machine).
    pub generation_secs: f64,
    /// Simulated seconds of each generation in the order they are submitted (benchmarks play
    /// a spread of durations); `generation_secs` once the list is used up.
    pub durations: Vec<f64>,
    /// Tasks stay running forever (a server restart lost them).
    pub never_finish: bool,
    /// Every task ends in `error` with this `{status_code, detail}`.
    pub fail_with: Option<(u16, String)>,
    /// Only PDF tasks end in `error` with this, after "Exporting presentation" (a server whose
    /// PDF export is broken while PowerPoint works; capture `status-error-pdf-export.json`).
    pub fail_pdf_with: Option<(u16, String)>,
    /// Self-hosted with no administrator yet: every `/api` call answers 428.
    pub setup_required: bool,
    /// Hosted: the account's credit balance, and what each deck costs.
    pub credits: f64,
    pub credits_per_deck: f64,
    /// Hosted: the status of "no credits left" (undocumented upstream).
    pub credits_error_status: u16,
    pub max_upload_bytes: usize,
    /// Self-hosted downloads answer 302 to the second (other-origin) listener.
    pub redirect_downloads: bool,
    /// `false`: only generate, status, upload and files are reachable (a proxy that passes
    /// just those, or a server without the routes), so the §2.4 fallback cannot work:
    /// `/presentation/all` and `/presentation/{id}` answer 404, `/presentation/{id}/export`
    /// 405 and `/presentation/edit` 404, in FastAPI's words.
    pub lookup_routes: bool,
}

impl FakePresentonConfig {
    pub fn hosted() -> Self {
        FakePresentonConfig {
            mode: Mode::Hosted,
            auth: FakeAuth::Bearer(HOSTED_KEY.into()),
            ..Self::base()
        }
    }

    /// A self-hosted server with the sign-in its generation had.
    pub fn self_hosted(generation: Generation) -> Self {
        let auth = match generation {
            Generation::V0_7_3 => FakeAuth::None,
            Generation::V0_8_9 => FakeAuth::Basic { user: BASIC_USER.into(), password: BASIC_PASSWORD.into() },
            Generation::Latest => FakeAuth::Bearer(SELF_HOSTED_KEY.into()),
        };
        FakePresentonConfig { mode: Mode::SelfHosted(generation), auth, ..Self::base() }
    }

    fn base() -> Self {
        FakePresentonConfig {
            mode: Mode::Hosted,
            auth: FakeAuth::None,
            port: 0,
            time_scale: TimeScale(0.01),
            generation_secs: 12.0,
            durations: Vec::new(),
            never_finish: false,
            fail_with: None,
            fail_pdf_with: None,
            setup_required: false,
            credits: 100.0,
            credits_per_deck: 5.0,
            credits_error_status: 402,
            max_upload_bytes: 100 * 1024 * 1024,
            redirect_downloads: false,
            lookup_routes: true,
        }
    }

    pub fn with_time_scale(mut self, scale: f64) -> Self {
        self.time_scale = TimeScale(scale);
        self
    }
}

/// What the handlers share.
pub(crate) struct Shared {
    pub cfg: FakePresentonConfig,
    pub faults: FaultPlan,
    pub inner: Mutex<Inner>,
    pub files_origin: Url,
    pub setup_required: AtomicBool,
}

/// A running fake. Dropping it stops both listeners.
pub struct FakePresenton {
    /// The API (and, self-hosted, download) origin.
    pub base_url: Url,
    /// A second origin: hosted file links, and where redirected downloads go.
    pub files_url: Url,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl FakePresenton {
    pub async fn start(cfg: FakePresentonConfig) -> std::io::Result<Self> {
        let api = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], cfg.port))).await?;
        let files = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = |l: &TcpListener| -> std::io::Result<Url> {
            let addr = l.local_addr()?;
            Url::parse(&format!("http://{addr}")).map_err(|e| std::io::Error::other(e.to_string()))
        };
        let (base_url, files_url) = (url(&api)?, url(&files)?);
        let shared = Arc::new(Shared {
            setup_required: AtomicBool::new(cfg.setup_required),
            inner: Mutex::new(Inner::new(cfg.credits)),
            cfg,
            faults: FaultPlan::default(),
            files_origin: files_url.clone(),
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(crate::serve::serve(api, server::router(shared.clone(), Origin::Api), stopped.clone()));
        tokio::spawn(crate::serve::serve(files, server::router(shared.clone(), Origin::Files), stopped));
        Ok(FakePresenton { base_url, files_url, shared, stop })
    }

    pub fn faults(&self) -> &FaultPlan {
        &self.shared.faults
    }

    /// Every request, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().requests.clone()
    }

    /// Generations started (tasks created), whatever the client heard back.
    pub fn submits(&self) -> usize {
        self.shared.inner.lock().unwrap().submits
    }

    /// Every generation's timing, in submit order (for benchmarks).
    pub fn timings(&self) -> Vec<crate::timing::GenerationTiming> {
        let inner = self.shared.inner.lock().unwrap();
        let mut out: Vec<_> = inner.tasks.values().map(|t| t.timing.clone()).collect();
        out.sort_by_key(|t| t.created);
        out
    }

    pub fn credits_left(&self) -> f64 {
        self.shared.inner.lock().unwrap().credits
    }

    /// `(file name, bytes)` of every uploaded file.
    pub fn uploads(&self) -> Vec<(String, usize)> {
        self.shared.inner.lock().unwrap().uploads.iter().map(|u| (u.name.clone(), u.bytes)).collect()
    }

    pub fn set_setup_required(&self, on: bool) {
        self.shared.setup_required.store(on, Ordering::SeqCst);
    }

    /// Stop both listeners.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for FakePresenton {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Which listener a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Api,
    Files,
}
