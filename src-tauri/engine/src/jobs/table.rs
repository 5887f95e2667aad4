//! The job table: the one owner of the jobs. Every change goes through [`JobTable::update`]
//! (or `insert`, `remove`), which writes the store *before* the change is visible and before
//! the caller acts on it, then tells the sink. Each task driving a job owns it through an
//! epoch: cancel, retry or check-again start a new epoch, so a task that was told to stop can
//! never write over what came after it.
//!
//! Two locks, for two reasons. `state` guards what is in memory and is held only for moments:
//! never across the disk, an event or anything the sink does. `turn` makes changes take turns
//! and is held across the write and the event, so the window hears a job's changes in the
//! order they were made; the write itself runs on a blocking thread, off the async runtime.
//!
//! In memory are only the jobs being worked on (and those whose latest change could not be
//! saved); any other job is read from the store when asked for, so memory does not grow with
//! the history.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::events::{EngineEvent, EventSink};
use crate::jobs::history::{DurationHistory, DurationSample, DurationStats};
use crate::jobs::ids::{new_job_id, now_ms, Rng};
use crate::jobs::listing::{CheckedQuery, HistoryEntry, HistoryPage, JobCounts};
use crate::jobs::record::Stored;
use crate::jobs::store::{Durability, Store};
use crate::jobs::{Job, JobId, JobState};
use crate::providers::ProviderKind;
use crate::{Details, Error};

/// Why a job's task stops without recording anything more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Halt {
    /// Cancelled, or superseded by a newer run of the same job.
    Superseded,
    /// The job reached a state where this task has nothing more to do (already recorded).
    Ended,
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

pub(crate) fn unknown_job() -> Error {
    Error::NotFound { message: "That job is not in the list any more.".into(), details: Details::default() }
}

pub(crate) fn made_by_newer() -> Error {
    Error::invalid_input("id", "This deck was made by a newer Deckhand; open it there to work on it.")
}

struct Run {
    epoch: u64,
    token: CancellationToken,
}

struct TableState {
    /// Jobs being worked on or with a task, and jobs whose latest change is not in the store.
    live: HashMap<JobId, Job>,
    /// Jobs whose latest change could not be saved: what is here is newer than the store.
    unsaved: HashSet<JobId>,
    runs: HashMap<JobId, Run>,
    next_epoch: u64,
    rng: Rng,
    durations: DurationHistory,
    /// The file name each job is claiming (`saving.path`).
    claims: HashMap<JobId, PathBuf>,
}

impl TableState {
    /// Keeps `job` in memory while it is needed there, else lets the store hold it alone.
    fn keep_or_forget(&mut self, job: Job) {
        if job.is_active() || self.runs.contains_key(&job.id) || self.unsaved.contains(&job.id) {
            self.live.insert(job.id.clone(), job);
        } else {
            self.live.remove(&job.id);
        }
    }

    fn forget_if_idle(&mut self, id: &str) {
        if let Some(job) = self.live.remove(id) {
            self.keep_or_forget(job);
        }
    }
}

pub(crate) struct JobTable {
    store: Arc<Store>,
    state: Mutex<TableState>,
    turn: tokio::sync::Mutex<()>,
    sink: Arc<dyn EventSink>,
    changed: watch::Sender<u64>,
}

/// Whether a change is one the next step depends on (see `store::Durability`): anything but
/// the service's progress words and what it reports in passing.
fn durability(before: &Job, after: &Job) -> Durability {
    let same = before.state == after.state
        && before.remote == after.remote
        && before.saving == after.saving
        && before.file == after.file
        && before.error == after.error
        && before.stalled == after.stalled
        && before.submit_attempts == after.submit_attempts
        && before.history == after.history
        && before.request == after.request
        && before.out_dir == after.out_dir
        && before.retry_of == after.retry_of
        && before.extra == after.extra;
    if same {
        Durability::Relaxed
    } else {
        Durability::Promise
    }
}

impl JobTable {
    pub(crate) fn new(
        store: Store,
        active: Vec<Job>,
        claims: Vec<(String, PathBuf)>,
        durations: DurationHistory,
        sink: Arc<dyn EventSink>,
    ) -> JobTable {
        let live = active.into_iter().map(|j| (j.id.clone(), j)).collect();
        let state = TableState {
            live,
            unsaved: HashSet::new(),
            runs: HashMap::new(),
            next_epoch: 0,
            rng: Rng::from_clock(),
            durations,
            claims: claims.into_iter().collect(),
        };
        JobTable { store: Arc::new(store), state: Mutex::new(state), turn: tokio::sync::Mutex::new(()), sink, changed: watch::channel(0).0 }
    }

    fn lock(&self) -> MutexGuard<'_, TableState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn notify(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Told after every change and whenever a task ends.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Runs store work on a blocking thread.
    async fn blocking<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> Result<T, Error> + Send + 'static) -> Result<T, Error> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .unwrap_or_else(|e| Err(Error::internal(format!("Saving the list of decks stopped unexpectedly: {e}"))))
    }

    /// A job as it stands (one this Deckhand can work with).
    pub(crate) fn job(&self, id: &str) -> Option<Job> {
        if let Some(job) = self.lock().live.get(id) {
            return Some(job.clone());
        }
        match self.store.get(id) {
            Ok(Some(Stored::Known(job))) => Some(*job),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!(kind = e.kind(), "a job could not be read");
                None
            }
        }
    }

    /// A job's full record, whoever wrote it.
    pub(crate) fn stored(&self, id: &str) -> Result<Option<Stored>, Error> {
        if let Some(job) = self.lock().live.get(id) {
            return Ok(Some(Stored::Known(Box::new(job.clone()))));
        }
        self.store.get(id)
    }

    pub(crate) fn new_id(&self, now: u64) -> JobId {
        new_job_id(now, &mut self.lock().rng)
    }

    pub(crate) fn jitter(&self) -> f64 {
        self.lock().rng.next_f64()
    }

    pub(crate) fn duration_stats(&self, provider: ProviderKind, slides: Option<u32>) -> Option<DurationStats> {
        self.lock().durations.stats(provider, slides)
    }

    /// The past generation times (seconds) the poll schedule learns from.
    pub(crate) fn duration_secs(&self, provider: ProviderKind, slides: Option<u32>) -> Vec<f64> {
        self.lock().durations.secs_for(provider, slides)
    }

    /// Records a new job, then reports it.
    pub(crate) async fn insert(&self, job: Job) -> Result<Job, Error> {
        let _turn = self.turn.lock().await;
        let job = self.blocking(move |s| s.insert(&job).map(|_| job)).await?;
        self.lock().keep_or_forget(job.clone());
        self.sink.emit(EngineEvent::JobChanged { job: Box::new(job.clone()) });
        self.notify();
        Ok(job)
    }

    /// Applies `f` to the job, writes it, then reports it. With `epoch`, only while that run
    /// still owns the job. When the write fails nothing changes and the error is returned:
    /// the step that depended on it must not happen.
    pub(crate) async fn update(&self, id: &str, epoch: Option<u64>, f: impl FnOnce(&mut Job)) -> Result<Job, UpdateError> {
        self.change(id, epoch, |job, _| {
            f(job);
            None
        })
        .await
    }

    /// [`JobTable::update`] for a change that may teach a generation time, saved with it.
    pub(crate) async fn update_learning(
        &self,
        id: &str,
        epoch: Option<u64>,
        f: impl FnOnce(&mut Job) -> Option<DurationSample>,
    ) -> Result<Job, UpdateError> {
        self.change(id, epoch, |job, _| f(job)).await
    }

    /// [`JobTable::update`] for choosing a file name: `claimed(path)` says whether another job
    /// is claiming it, and the choice is saved before any other change can make another.
    pub(crate) async fn update_claiming(
        &self,
        id: &str,
        epoch: u64,
        f: impl FnOnce(&mut Job, &dyn Fn(&Path) -> bool),
    ) -> Result<Job, UpdateError> {
        self.change(id, Some(epoch), |job, claimed| {
            f(job, claimed);
            None
        })
        .await
    }

    async fn change(
        &self,
        id: &str,
        epoch: Option<u64>,
        f: impl FnOnce(&mut Job, &dyn Fn(&Path) -> bool) -> Option<DurationSample>,
    ) -> Result<Job, UpdateError> {
        let _turn = self.turn.lock().await;
        let (live, others_claim) = {
            let st = self.lock();
            if let Some(epoch) = epoch {
                if st.runs.get(id).map(|r| r.epoch) != Some(epoch) {
                    return Err(UpdateError::Superseded);
                }
            }
            // Only changes (which take turns) move claims: this stays true until ours is saved.
            let others: Vec<PathBuf> = st.claims.iter().filter(|(other, _)| other.as_str() != id).map(|(_, p)| p.clone()).collect();
            (st.live.get(id).cloned(), others)
        };
        let before = match live {
            Some(job) => job,
            None => match self.store.get(id).map_err(UpdateError::Failed)? {
                Some(Stored::Known(job)) => *job,
                Some(Stored::Newer(_)) => return Err(UpdateError::Failed(made_by_newer())),
                None => return Err(UpdateError::Failed(unknown_job())),
            },
        };
        let mut after = before.clone();
        let learned = f(&mut after, &|p: &Path| others_claim.iter().any(|c| c == p));
        after.updated_ms = after.updated_ms.max(now_ms());
        let level = durability(&before, &after);
        let sample = learned.clone();
        let after =
            self.blocking(move |s| s.update(&before, &after, sample.as_ref(), level).map(|_| after)).await.map_err(UpdateError::Failed)?;
        {
            let mut st = self.lock();
            if let Some(sample) = learned {
                st.durations.add(sample);
            }
            match &after.saving {
                Some(s) => st.claims.insert(id.to_string(), s.path.clone()),
                None => st.claims.remove(id),
            };
            st.unsaved.remove(id);
            st.keep_or_forget(after.clone());
        }
        self.sink.emit(EngineEvent::JobChanged { job: Box::new(after.clone()) });
        self.notify();
        Ok(after)
    }

    /// Forgets a job (its file stays), then reports it.
    pub(crate) async fn remove(&self, id: &str) -> Result<(), Error> {
        let _turn = self.turn.lock().await;
        let owned = id.to_string();
        self.blocking(move |s| s.delete(&owned)).await?;
        {
            let mut st = self.lock();
            st.live.remove(id);
            st.unsaved.remove(id);
            st.claims.remove(id);
        }
        self.sink.emit(EngineEvent::JobRemoved { job_id: id.to_string() });
        self.notify();
        Ok(())
    }

    /// When the store cannot be written, the job cannot go on safely: show why (the store
    /// still says where it stood, so the next start resumes from there).
    pub(crate) fn report_unsaved_failure(&self, id: &str, epoch: u64, error: Error) {
        let job = {
            let mut st = self.lock();
            if st.runs.get(id).map(|r| r.epoch) != Some(epoch) {
                return;
            }
            let Some(job) = st.live.get_mut(id) else { return };
            job.fail(JobState::Failed, error, now_ms());
            let job = job.clone();
            st.unsaved.insert(id.to_string());
            job
        };
        self.sink.emit(EngineEvent::JobChanged { job: Box::new(job) });
        self.notify();
    }

    /// Starts a new run of the job (stopping any earlier one): its epoch and token.
    pub(crate) fn begin_run(&self, id: &str) -> (u64, CancellationToken) {
        let mut st = self.lock();
        if let Some(old) = st.runs.remove(id) {
            old.token.cancel();
        }
        st.next_epoch += 1;
        let epoch = st.next_epoch;
        let token = CancellationToken::new();
        st.runs.insert(id.to_string(), Run { epoch, token: token.clone() });
        (epoch, token)
    }

    /// The run `epoch` is over (whichever way it ended).
    pub(crate) fn end_run(&self, id: &str, epoch: u64) {
        {
            let mut st = self.lock();
            if st.runs.get(id).map(|r| r.epoch) == Some(epoch) {
                st.runs.remove(id);
                st.forget_if_idle(id);
            }
        }
        self.notify();
    }

    /// Stops the job's task, if any.
    pub(crate) fn stop_run(&self, id: &str) {
        let mut st = self.lock();
        if let Some(run) = st.runs.remove(id) {
            run.token.cancel();
            st.forget_if_idle(id);
        }
    }

    pub(crate) fn is_running(&self, id: &str) -> bool {
        self.lock().runs.contains_key(id)
    }

    /// Jobs to resume: being worked on, with no task. (Queued ones last, then by id.)
    pub(crate) fn to_resume(&self) -> Vec<JobId> {
        let st = self.lock();
        let mut ids: Vec<(bool, JobId)> = st
            .live
            .values()
            .filter(|j| j.is_active() && !st.runs.contains_key(&j.id))
            .map(|j| (j.state == JobState::Queued, j.id.clone()))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    /// Jobs being worked on here (unfinished and not stalled), oldest first.
    pub(crate) fn unfinished(&self) -> Vec<JobId> {
        let st = self.lock();
        let mut ids: Vec<JobId> = st.live.values().filter(|j| j.is_active()).map(|j| j.id.clone()).collect();
        ids.sort();
        ids
    }

    /// How many of `ids` are still being worked on here (active jobs are always in memory).
    pub(crate) fn count_active(&self, ids: &[JobId]) -> usize {
        let st = self.lock();
        ids.iter().filter(|id| st.live.get(*id).is_some_and(Job::is_active)).count()
    }

    /// A page of the history.
    pub(crate) async fn list(&self, query: CheckedQuery) -> Result<HistoryPage, Error> {
        let mut page = self.blocking(move |s| s.list(&query)).await?;
        let st = self.lock();
        for entry in &mut page.jobs {
            if let HistoryEntry::Known { job, .. } = entry {
                if let Some(newer) = st.unsaved.contains(&job.id).then(|| st.live.get(&job.id)).flatten() {
                    let mut light = newer.clone();
                    light.request.content.clear();
                    light.request.instructions = None;
                    **job = light;
                }
            }
        }
        Ok(page)
    }

    pub(crate) async fn counts(&self) -> Result<JobCounts, Error> {
        self.blocking(|s| s.counts()).await
    }

    /// Every job this Deckhand can work with, oldest first: reads the whole history.
    pub(crate) fn all(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = match self.store.all() {
            Ok(stored) => stored
                .into_iter()
                .filter_map(|s| match s {
                    Stored::Known(job) => Some(*job),
                    Stored::Newer(_) => None,
                })
                .collect(),
            Err(e) => {
                tracing::warn!(kind = e.kind(), "the list of decks could not be read");
                Vec::new()
            }
        };
        let st = self.lock();
        for job in &mut jobs {
            if st.unsaved.contains(&job.id) {
                if let Some(newer) = st.live.get(&job.id) {
                    *job = newer.clone();
                }
            }
        }
        jobs
    }
}
