//! The engine the app and the CLI hold: it owns the jobs, the journal and the per-job tasks,
//! and offers the controls (submit, cancel, retry, check again, remove, wait). The work of
//! one job, step by step, is in `drive.rs`.
//!
//! Every change goes through [`Inner::update`], which writes the journal before the change is
//! visible and before the caller acts on it, then tells the sink. Each running task owns its
//! job through an epoch; cancel, retry or check-again start a new epoch, so a task that was
//! told to stop can never write over what came after it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::connection::Endpoint;
use crate::events::{EngineEvent, EventSink};
use crate::jobs::config::EngineConfig;
use crate::jobs::history::DurationHistory;
use crate::jobs::ids::{new_job_id, now_ms, Rng};
use crate::jobs::journal::{Journal, JournalData};
use crate::jobs::queue::Slots;
use crate::jobs::{Job, JobId, JobState};
use crate::providers::{DeckRequest, Provider, ProviderKind};
use crate::{Details, Error};

/// Where jobs go and the providers that reach them. Keys and servers may change in Settings
/// at any time; a job stays with the endpoint it was made for.
pub trait ProviderSource: Send + Sync {
    /// Where a new deck for `kind` goes now (today's settings); recorded on the job.
    fn endpoint(&self, kind: ProviderKind) -> Result<Endpoint, Error>;

    /// The provider that reaches `endpoint` with that endpoint's own credential. `None`: a job
    /// journaled before endpoints were recorded, which follows today's settings.
    fn provider(&self, kind: ProviderKind, endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error>;
}

/// The job engine. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: EngineConfig,
    pub(crate) providers: Arc<dyn ProviderSource>,
    pub(crate) sink: Arc<dyn EventSink>,
    pub(crate) slots: Arc<Slots>,
    journal: Journal,
    shared: Mutex<Shared>,
    changed: watch::Sender<u64>,
}

struct Shared {
    data: JournalData,
    runs: HashMap<JobId, Run>,
    next_epoch: u64,
    rng: Rng,
}

struct Run {
    epoch: u64,
    token: CancellationToken,
}

/// Why a job task stops without recording anything more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Halt {
    /// Cancelled, or superseded by a newer run of the same job.
    Superseded,
    /// The job reached a state where this task has nothing more to do (already recorded).
    Ended,
}

fn unknown_job() -> Error {
    Error::NotFound { message: "That job is not in the list any more.".into(), details: Details::default() }
}

fn busy(what: &str) -> Error {
    Error::InvalidInput { message: format!("This job is still being worked on; {what}"), field: None, details: Details::default() }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn job(&self, id: &str) -> Option<Job> {
        self.lock().data.jobs.iter().find(|j| j.id == id).cloned()
    }

    pub(crate) fn durations(&self) -> DurationHistory {
        self.lock().data.durations.clone()
    }

    pub(crate) fn jitter(&self) -> f64 {
        self.lock().rng.next_f64()
    }

    /// Applies `f` to the job, journals it, then reports it. With `epoch`, only while that run
    /// still owns the job. On a journal failure nothing changes and the error is returned:
    /// the side effect that depended on it must not happen.
    pub(crate) fn update_full(
        &self,
        id: &str,
        epoch: Option<u64>,
        f: impl FnOnce(&mut Job, &mut DurationHistory),
    ) -> Result<Job, UpdateError> {
        self.update_seeing_others(id, epoch, |job, durations, _| f(job, durations))
    }

    /// [`Inner::update_full`], with the other jobs in view (read only): a choice that must not
    /// collide with theirs is made and journaled in one step.
    pub(crate) fn update_seeing_others(
        &self,
        id: &str,
        epoch: Option<u64>,
        f: impl FnOnce(&mut Job, &mut DurationHistory, &[Job]),
    ) -> Result<Job, UpdateError> {
        let mut shared = self.lock();
        if let Some(epoch) = epoch {
            if shared.runs.get(id).map(|r| r.epoch) != Some(epoch) {
                return Err(UpdateError::Superseded);
            }
        }
        let Shared { data, .. } = &mut *shared;
        let idx = data.jobs.iter().position(|j| j.id == id).ok_or(UpdateError::Failed(unknown_job()))?;
        let before = (data.jobs[idx].clone(), data.durations.clone());
        {
            let mut job = data.jobs.remove(idx);
            f(&mut job, &mut data.durations, &data.jobs);
            job.updated_ms = job.updated_ms.max(now_ms());
            data.jobs.insert(idx, job);
        }
        if let Err(e) = self.journal.save(data) {
            data.jobs[idx] = before.0;
            data.durations = before.1;
            return Err(UpdateError::Failed(e));
        }
        let job = data.jobs[idx].clone();
        self.sink.emit(EngineEvent::JobChanged { job: Box::new(job.clone()) });
        self.changed.send_modify(|v| *v += 1);
        Ok(job)
    }

    pub(crate) fn update(&self, id: &str, epoch: Option<u64>, f: impl FnOnce(&mut Job)) -> Result<Job, UpdateError> {
        self.update_full(id, epoch, |job, _| f(job))
    }

    /// When the journal cannot be written, the job cannot go on safely: show why (the record
    /// on disk still says where it stood, so the next start resumes from there).
    pub(crate) fn report_unjournaled_failure(&self, id: &str, epoch: u64, error: Error) {
        let mut shared = self.lock();
        if shared.runs.get(id).map(|r| r.epoch) != Some(epoch) {
            return;
        }
        if let Some(job) = shared.data.jobs.iter_mut().find(|j| j.id == id) {
            job.fail(JobState::Failed, error, now_ms());
            self.sink.emit(EngineEvent::JobChanged { job: Box::new(job.clone()) });
        }
        drop(shared);
        self.changed.send_modify(|v| *v += 1);
    }

    /// Starts (or restarts) the task that drives a job; any earlier task is stopped first.
    pub(crate) fn spawn_run(self: &Arc<Self>, id: &str) {
        let (epoch, token) = {
            let mut shared = self.lock();
            if let Some(old) = shared.runs.remove(id) {
                old.token.cancel();
            }
            shared.next_epoch += 1;
            let epoch = shared.next_epoch;
            let token = CancellationToken::new();
            shared.runs.insert(id.to_string(), Run { epoch, token: token.clone() });
            (epoch, token)
        };
        let inner = self.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            crate::jobs::drive::drive(inner.clone(), id.clone(), epoch, token).await;
            let mut shared = inner.lock();
            if shared.runs.get(&id).map(|r| r.epoch) == Some(epoch) {
                shared.runs.remove(&id);
            }
            drop(shared);
            inner.changed.send_modify(|v| *v += 1);
        });
    }

    /// Stops the job's task, if any.
    fn stop_run(&self, id: &str) {
        if let Some(run) = self.lock().runs.remove(id) {
            run.token.cancel();
        }
    }

    fn is_running_task(&self, id: &str) -> bool {
        self.lock().runs.contains_key(id)
    }
}

#[derive(Debug)]
pub(crate) enum UpdateError {
    Superseded,
    Failed(Error),
}

impl From<UpdateError> for Error {
    fn from(e: UpdateError) -> Error {
        match e {
            UpdateError::Superseded => Error::internal("The job changed while this was being done; try again."),
            UpdateError::Failed(e) => e,
        }
    }
}

impl Engine {
    /// Loads (and migrates) the journal and reports anything set aside. Jobs that were being
    /// submitted when the app stopped go to `needs_attention`: the request may have left.
    /// Starts no work; call [`Engine::resume_all`] inside a tokio runtime.
    pub fn open(config: EngineConfig, providers: Arc<dyn ProviderSource>, sink: Arc<dyn EventSink>) -> Result<Engine, Error> {
        let now = now_ms();
        let (journal, loaded) = Journal::open(&config.data_dir, now)?;
        for message in &loaded.notices {
            sink.emit(EngineEvent::Notice { message: message.clone() });
        }
        let mut data = loaded.data;
        data.jobs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut touched = false;
        for job in &mut data.jobs {
            touched |= recover_after_crash(job, now);
        }
        if touched {
            journal.save(&data)?;
        }
        let slots = Slots::new(&config.concurrency, 1);
        let (changed, _) = watch::channel(0);
        let inner = Inner {
            config,
            providers,
            sink,
            slots,
            journal,
            shared: Mutex::new(Shared { data, runs: HashMap::new(), next_epoch: 0, rng: Rng::from_clock() }),
            changed,
        };
        Ok(Engine { inner: Arc::new(inner) })
    }

    /// Spawns a task for every unfinished job, those already started on a service first.
    pub fn resume_all(&self) {
        let mut ids: Vec<(bool, JobId)> = {
            let shared = self.inner.lock();
            shared
                .data
                .jobs
                .iter()
                .filter(|j| j.is_active() && !shared.runs.contains_key(&j.id))
                .map(|j| (j.state == JobState::Queued, j.id.clone()))
                .collect()
        };
        ids.sort();
        for (_, id) in ids {
            self.inner.spawn_run(&id);
        }
    }

    /// Checks the request with the provider (nothing is journaled or sent when it is
    /// refused), records the job as `queued`, and starts it.
    pub async fn submit(&self, provider: ProviderKind, request: DeckRequest, out_dir: PathBuf) -> Result<Job, Error> {
        self.submit_inner(provider, request, out_dir, None)
    }

    fn submit_inner(&self, kind: ProviderKind, request: DeckRequest, out_dir: PathBuf, retry_of: Option<JobId>) -> Result<Job, Error> {
        let endpoint = self.inner.providers.endpoint(kind)?;
        let provider = self.inner.providers.provider(kind, Some(&endpoint))?;
        provider.validate(&request)?;
        let now = now_ms();
        let job = {
            let mut shared = self.inner.lock();
            let id = new_job_id(now, &mut shared.rng);
            let mut job = Job::new(id, kind, request, out_dir, now);
            job.retry_of = retry_of;
            job.origin = Some(endpoint);
            shared.data.jobs.push(job.clone());
            if let Err(e) = self.inner.journal.save(&shared.data) {
                shared.data.jobs.pop();
                return Err(e);
            }
            self.inner.sink.emit(EngineEvent::JobChanged { job: Box::new(job.clone()) });
            job
        };
        self.inner.changed.send_modify(|v| *v += 1);
        self.inner.spawn_run(&job.id);
        Ok(job)
    }

    /// Submits several decks; each waits its turn in its provider's line.
    pub async fn submit_batch(&self, items: Vec<(ProviderKind, DeckRequest, PathBuf)>) -> Vec<Result<Job, Error>> {
        items.into_iter().map(|(kind, request, out)| self.submit_inner(kind, request, out, None)).collect()
    }

    /// Every job, oldest first.
    pub fn jobs(&self) -> Vec<Job> {
        self.inner.lock().data.jobs.clone()
    }

    pub fn job(&self, id: &str) -> Option<Job> {
        self.inner.job(id)
    }

    /// Stops local work at once. The service may still finish the deck and charge for it.
    pub async fn cancel(&self, id: &str) -> Result<Job, Error> {
        let job = self.inner.job(id).ok_or_else(unknown_job)?;
        if matches!(job.state, JobState::Done | JobState::Failed | JobState::Cancelled) {
            return Ok(job);
        }
        self.inner.stop_run(id);
        Ok(self.inner.update(id, None, |j| {
            j.fail(JobState::Cancelled, Error::cancelled(), now_ms());
            j.progress = None;
        })?)
    }

    /// Fetches the file again (a fresh link is asked for).
    pub async fn retry_download(&self, id: &str) -> Result<Job, Error> {
        let job = self.inner.job(id).ok_or_else(unknown_job)?;
        if job.is_active() || self.inner.is_running_task(id) {
            return Err(busy("wait for it to finish first."));
        }
        if job.remote.is_none() {
            return Err(Error::invalid_input("id", "This job never reached the service, so there is nothing to download; retry it as a new job."));
        }
        let job = self.inner.update(id, None, |j| {
            j.set_state(JobState::Downloading, now_ms());
            j.error = None;
            j.progress = Some("Downloading the file again…".into());
        })?;
        self.inner.spawn_run(id);
        Ok(job)
    }

    /// Asks the service again about a job that was still running at the deadline, or whose
    /// status could not be read.
    pub async fn check_again(&self, id: &str) -> Result<Job, Error> {
        let job = self.inner.job(id).ok_or_else(unknown_job)?;
        if job.is_active() || self.inner.is_running_task(id) {
            return Err(busy("it is already being checked."));
        }
        if job.remote.is_none() || job.state == JobState::Done {
            return Err(Error::invalid_input(
                "id",
                if job.state == JobState::Done {
                    "This deck is already done."
                } else {
                    "The service never confirmed this job, so there is nothing to check. Look in your account, or retry it as a new job."
                },
            ));
        }
        let job = self.inner.update(id, None, |j| {
            j.set_state(JobState::Running, now_ms());
            j.error = None;
            j.progress = Some(format!("Checking with {} again…", j.provider.display_name()));
        })?;
        self.inner.spawn_run(id);
        Ok(job)
    }

    /// Submits the same request again as a new job (it may be charged again).
    pub async fn retry_as_new(&self, id: &str) -> Result<Job, Error> {
        let job = self.inner.job(id).ok_or_else(unknown_job)?;
        if job.is_active() {
            return Err(busy("cancel it first if you want to start over."));
        }
        self.submit_inner(job.provider, job.request, job.out_dir, Some(job.id))
    }

    /// Forgets a job; its downloaded file stays where it is.
    pub async fn remove(&self, id: &str) -> Result<(), Error> {
        let job = self.inner.job(id).ok_or_else(unknown_job)?;
        if job.is_active() {
            return Err(busy("cancel it before removing it."));
        }
        self.inner.stop_run(id);
        {
            let mut shared = self.inner.lock();
            let Some(idx) = shared.data.jobs.iter().position(|j| j.id == id) else { return Ok(()) };
            let removed = shared.data.jobs.remove(idx);
            if let Err(e) = self.inner.journal.save(&shared.data) {
                shared.data.jobs.insert(idx, removed);
                return Err(e);
            }
            self.inner.sink.emit(EngineEvent::JobRemoved { job_id: id.to_string() });
        }
        self.inner.changed.send_modify(|v| *v += 1);
        Ok(())
    }

    /// Waits until the job is finished or stalled (still running on the server past the
    /// deadline), and its task has stopped.
    pub async fn wait(&self, id: &str) -> Result<Job, Error> {
        let mut rx = self.inner.changed.subscribe();
        loop {
            let job = self.inner.job(id).ok_or_else(unknown_job)?;
            if !job.is_active() && !self.inner.is_running_task(id) {
                return Ok(job);
            }
            if rx.changed().await.is_err() {
                return Ok(job);
            }
        }
    }

    /// How long decks of this size usually take on this service (median of recent ones).
    pub fn typical_duration(&self, provider: ProviderKind, slides: Option<u32>) -> Option<Duration> {
        self.inner.lock().data.durations.stats(provider, slides).map(|s| s.median())
    }

    /// Changes how many decks a service generates at once (from Settings).
    pub fn set_concurrency(&self, provider: ProviderKind, limit: usize) {
        self.inner.slots.set_limit(provider, limit);
    }

    /// How many decks a service generates at once now.
    pub fn concurrency(&self, provider: ProviderKind) -> usize {
        self.inner.slots.limit(provider)
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.inner.config.data_dir
    }
}

/// Fixes what a job's journaled state means after the app stopped unexpectedly; true when
/// the job changed.
fn recover_after_crash(job: &mut Job, now: u64) -> bool {
    match (job.state, &job.remote) {
        // The POST may have left before the stop: never send it again on our own.
        (JobState::Submitting, None) => {
            let name = job.provider.display_name();
            job.fail(
                JobState::NeedsAttention,
                Error::SubmitUncertain {
                    message: format!(
                        "Deckhand stopped while sending this request, so it may or may not have reached {name}. \
                         Check your {name} account: if the deck is there, download it from there; if not, retry it as a new job."
                    ),
                    details: Details::default(),
                },
                now,
            );
            job.progress = None;
            true
        }
        // Accepted (the remote id was journaled with `running`); keep polling.
        (JobState::Submitting, Some(_)) => {
            job.set_state(JobState::Running, now);
            true
        }
        _ => false,
    }
}
