//! One job's task: wait for a slot, submit, poll, download. Each step is written to the job
//! table before the step that depends on it; every await can be cut short by the job's
//! cancellation token.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::connection::Endpoint;
use crate::deck_file;
use crate::events::{EngineEvent, EventSink};
use crate::jobs::config::EngineConfig;
use crate::jobs::download::{claim_name, too_many, Download, Fetched};
use crate::jobs::file_names::deck_base_name;
use crate::jobs::history::DurationSample;
use crate::jobs::ids::now_ms;
use crate::jobs::poll_schedule::{next_delay, recorded_duration, Learned, PollInput};
use crate::jobs::queue::Slots;
use crate::jobs::saving::{next_free_name, Leftover, Saving};
use crate::jobs::table::{Halt, JobTable, UpdateError};
use crate::jobs::throttle::Throttle;
use crate::jobs::{Job, JobState};
use crate::providers::{Delivery, DownloadLink, Progress, Provider, ProviderKind, RemoteJob, RemoteState, RemoteStatus};
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

/// What every job's task works with: the job table and the engine's services.
pub(crate) struct Services {
    pub(crate) config: EngineConfig,
    pub(crate) providers: Arc<dyn ProviderSource>,
    pub(crate) sink: Arc<dyn EventSink>,
    pub(crate) slots: Arc<Slots>,
    pub(crate) table: Arc<JobTable>,
}

struct Ctx {
    svc: Arc<Services>,
    id: String,
    epoch: u64,
    token: CancellationToken,
}

/// What the next step is.
enum Next {
    Poll,
    Download { link: Option<DownloadLink> },
}

pub(crate) async fn drive(svc: Arc<Services>, id: String, epoch: u64, token: CancellationToken) {
    let ctx = Ctx { svc, id, epoch, token };
    // Halts are already recorded (or belong to whoever superseded this run).
    let _ = run(&ctx).await;
}

impl Ctx {
    fn table(&self) -> &JobTable {
        &self.svc.table
    }

    fn job(&self) -> Result<Job, Halt> {
        self.table().job(&self.id).ok_or(Halt::Superseded)
    }

    async fn update(&self, f: impl FnOnce(&mut Job)) -> Result<Job, Halt> {
        self.halt_on_failure(self.table().update(&self.id, Some(self.epoch), f).await)
    }

    /// An update that may teach how long generation takes.
    async fn update_learning(&self, f: impl FnOnce(&mut Job) -> Option<DurationSample>) -> Result<Job, Halt> {
        self.halt_on_failure(self.table().update_learning(&self.id, Some(self.epoch), f).await)
    }

    /// An update that sees which file names other jobs are claiming.
    async fn update_claiming(&self, f: impl FnOnce(&mut Job, &dyn Fn(&std::path::Path) -> bool)) -> Result<Job, Halt> {
        self.halt_on_failure(self.table().update_claiming(&self.id, self.epoch, f).await)
    }

    fn halt_on_failure(&self, result: Result<Job, UpdateError>) -> Result<Job, Halt> {
        match result {
            Ok(job) => Ok(job),
            Err(UpdateError::Superseded) => Err(Halt::Superseded),
            Err(UpdateError::Failed(e)) => {
                self.table().report_unsaved_failure(&self.id, self.epoch, e);
                Err(Halt::Ended)
            }
        }
    }

    /// Records a bad ending.
    async fn end(&self, state: JobState, error: Error) -> Halt {
        match self
            .update(|j| {
                j.fail(state, error, now_ms());
                j.progress = None;
            })
            .await
        {
            Ok(_) => Halt::Ended,
            Err(h) => h,
        }
    }

    async fn or_cancel<T>(&self, fut: impl Future<Output = T>) -> Result<T, Halt> {
        tokio::select! {
            biased;
            _ = self.token.cancelled() => Err(Halt::Superseded),
            v = fut => Ok(v),
        }
    }

    async fn sleep(&self, d: Duration) -> Result<(), Halt> {
        self.or_cancel(tokio::time::sleep(d)).await
    }
}

async fn run(ctx: &Ctx) -> Result<(), Halt> {
    let job = ctx.job()?;
    // The server the job was sent to, with its own credential, whatever the settings say now.
    let provider = match ctx.svc.providers.provider(job.provider, job.origin.as_ref()) {
        Ok(p) => p,
        // Already on the service: fixing the settings and checking again can still get it.
        Err(e) if job.remote.is_some() => return Err(ctx.end(JobState::NeedsAttention, e).await),
        Err(e) => return Err(ctx.end(JobState::Failed, e).await),
    };
    let _slot = match job.state {
        JobState::Queued => ctx.or_cancel(ctx.svc.slots.acquire(job.provider)).await?,
        _ => ctx.svc.slots.enter(job.provider),
    };
    let mut next = match job.state {
        JobState::Queued => submit(ctx, provider.as_ref()).await?,
        JobState::Running => Next::Poll,
        JobState::Downloading => Next::Download { link: None },
        // Finished, or `submitting` (turned into needs_attention when the engine opened).
        _ => return Ok(()),
    };
    if let Next::Poll = next {
        next = poll(ctx, provider.as_ref()).await?;
    }
    if let Next::Download { link } = next {
        download(ctx, provider.as_ref(), link).await?;
    }
    Ok(())
}

fn submit_backoff(attempt: u32, retry_after: Option<u64>) -> Duration {
    let exp = Duration::from_secs(1u64 << attempt.min(5)).min(Duration::from_secs(30));
    retry_after.map(Duration::from_secs).map_or(exp, |ra| ra.max(exp))
}

async fn submit(ctx: &Ctx, provider: &dyn Provider) -> Result<Next, Halt> {
    let max_attempts = ctx.svc.config.submit_retries + 1;
    loop {
        // Saved before the POST: a crash from here on must not lead to a second POST.
        let job = ctx.update(|j| {
            j.set_state(JobState::Submitting, now_ms());
            j.submit_attempts += 1;
            j.progress = Some(format!("Sending the request to {}…", j.provider.in_sentence()));
        }).await?;
        let (name, check) = (job.provider.in_sentence(), job.provider.where_to_check());
        let failure = match ctx.or_cancel(provider.submit(&job.request)).await? {
            Ok(submitted) => {
                ctx.update(|j| {
                    j.remote = Some(submitted.remote);
                    j.warnings.extend(submitted.warnings);
                    j.error = None;
                    j.set_state(JobState::Running, now_ms());
                    // "Running" says it; the service's own progress (Presenton) fills this in.
                    j.progress = None;
                }).await?;
                return Ok(Next::Poll);
            }
            Err(f) => f,
        };
        // Nothing reached the service, or it refused to start anything because of load: safe.
        // Only worth it when the cause may pass (not a certificate or a bad request).
        let may_repeat = match failure.delivery {
            Delivery::NotSent => failure.error.is_transient(),
            Delivery::Rejected => matches!(failure.error, Error::RateLimited { .. }),
            Delivery::Uncertain => false,
        };
        if failure.delivery == Delivery::Uncertain {
            let details = failure.error.details().clone();
            let error = Error::SubmitUncertain {
                message: format!(
                    "Deckhand cannot tell whether {name} received this request ({}). Check {check}: if the deck is \
                     there, nothing more is needed; if not, retry it as a new job (if it did arrive, that is charged twice).",
                    failure.error.message().trim_end_matches('.')
                ),
                details,
            };
            return Err(ctx.end(JobState::NeedsAttention, error).await);
        }
        if !may_repeat || job.submit_attempts >= max_attempts {
            return Err(ctx.end(JobState::Failed, failure.error).await);
        }
        let wait = submit_backoff(job.submit_attempts, failure.error.retry_after_secs());
        ctx.update(|j| {
            j.set_state(JobState::Queued, now_ms());
            j.progress = Some(format!("Could not reach {name}; trying again in {} s.", wait.as_secs().max(1)));
            j.error = Some(failure.error.clone().into());
        }).await?;
        ctx.sleep(wait).await?;
    }
}

/// The words shown while the service works: its own message and slide counter.
pub fn progress_text(p: &Progress) -> Option<String> {
    let counter = match (p.slides_done, p.slides_total) {
        (Some(d), Some(t)) => Some(format!("{d}/{t} slides")),
        (Some(d), None) => Some(format!("{d} slides")),
        _ => None,
    };
    match (p.message.as_deref().map(str::trim).filter(|m| !m.is_empty()), counter) {
        (Some(m), Some(c)) => Some(format!("{m} ({c})")),
        (Some(m), None) => Some(m.to_string()),
        (None, Some(c)) => Some(c),
        (None, None) => None,
    }
}

/// Longest deck title kept from a service (it only names the file and the card).
const MAX_DECK_TITLE_CHARS: usize = 500;

fn apply_status(j: &mut Job, st: &RemoteStatus) {
    // A failed task's words ("Presentation generation failed") are not a step: the last step
    // seen is kept, as where it stopped.
    if let Some(text) = progress_text(&st.progress).filter(|_| st.state != RemoteState::Failed) {
        j.progress = Some(text);
        j.service_progress = Some(st.progress.clone());
    }
    if let Some(title) = st.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        j.deck_title = Some(title.chars().take(MAX_DECK_TITLE_CHARS).collect());
    }
    if let (Some(remote), Some(fid)) = (j.remote.as_mut(), st.file_id.as_ref()) {
        remote.file_id = Some(fid.clone());
    }
    if let Some(url) = &st.edit_url {
        j.edit_url = Some(url.to_string());
    }
    if let Some(c) = &st.credits {
        j.credits = Some(c.clone());
    }
}

async fn poll(ctx: &Ctx, provider: &dyn Provider) -> Result<Next, Halt> {
    let job = ctx.job()?;
    let Some(remote) = job.remote.clone() else {
        return Err(ctx.end(JobState::Failed, Error::internal("The job has no service id to ask about.")).await);
    };
    let (name, start) = (job.provider.in_sentence(), job.provider.sentence_start());
    let rules = ctx.svc.config.poll.rules(job.provider);
    let deadline = ctx.svc.config.poll.deadline(job.provider);
    let learned = Learned::from_secs(&rules, &ctx.table().duration_secs(job.provider, job.request.slides));
    // Time already spent on the service before this session (a restart, a check-again).
    let before = Duration::from_millis(now_ms().saturating_sub(job.running_since_ms().unwrap_or_else(now_ms)));
    let session = Instant::now();
    let (mut errors, mut retry_after) = (0u32, None);
    // When the service last said "not yet" in this run, to learn when the deck really finished.
    let mut pending_at = None;
    loop {
        let input = PollInput {
            elapsed: before + session.elapsed(),
            consecutive_errors: errors,
            retry_after,
            learned: learned.as_ref(),
            jitter: ctx.table().jitter(),
        };
        ctx.sleep(next_delay(&rules, &input)).await?;
        match ctx.or_cancel(provider.status(&remote)).await? {
            Ok(st) => {
                errors = 0;
                retry_after = None;
                match st.state {
                    RemoteState::Completed => {
                        let took = recorded_duration(pending_at, before + session.elapsed());
                        ctx.update_learning(|j| {
                            apply_status(j, &st);
                            // The service's own count, when it keeps one (Presenton's counters).
                            j.slide_count = st.progress.slides_total.filter(|n| *n > 0).or(j.slide_count);
                            j.error = None;
                            j.set_state(JobState::Downloading, now_ms());
                            j.progress = Some("Downloading…".into());
                            // A deck seen only after a stall or a long pause says little
                            // about how long generation takes.
                            (took <= deadline).then(|| DurationSample::new(j.provider, j.request.slides, took, now_ms()))
                        })
                        .await?;
                        return Ok(Next::Download { link: st.download });
                    }
                    RemoteState::Failed => {
                        let error = st.error.clone().unwrap_or_else(|| Error::ProviderFailed {
                            message: format!("{start} could not make this deck. Try again, perhaps with shorter or simpler content."),
                            details: Details::default(),
                        });
                        ctx.update(|j| apply_status(j, &st)).await?;
                        return Err(ctx.end(JobState::Failed, error).await);
                    }
                    _ => {
                        pending_at = Some(before + session.elapsed());
                        let current = ctx.job()?;
                        let mut probe = current.clone();
                        apply_status(&mut probe, &st);
                        // Only what changed is written (the deck's title and steps included).
                        if probe != current || current.error.is_some() {
                            ctx.update(|j| {
                                apply_status(j, &st);
                                j.error = None;
                            }).await?;
                        }
                    }
                }
            }
            Err(e) if e.is_transient() => {
                errors += 1;
                retry_after = e.retry_after_secs().map(Duration::from_secs);
                if errors == 3 {
                    ctx.update(|j| j.progress = Some(format!("Having trouble reaching {name}; still trying."))).await?;
                }
            }
            // The service no longer knows the job: asking again will not help.
            Err(e @ Error::NotFound { .. }) => return Err(ctx.end(JobState::Failed, e).await),
            // Keys, setup, answers we cannot read: the deck may still exist; the person fixes
            // the cause and checks again.
            Err(e) => return Err(ctx.end(JobState::NeedsAttention, e).await),
        }
        if session.elapsed() >= deadline {
            ctx.update(|j| {
                j.stalled = true;
                j.progress = Some(format!("Still running on {name} — check again later."));
            }).await?;
            return Err(Halt::Ended);
        }
    }
}

/// The file is named after the deck: the person's title, else the service's title for the
/// deck, else the topic's first line; the server's own file name (often cut mid-word, or with
/// `_` for spaces) only when there is nothing else.
fn base_name(job: &Job, link: &DownloadLink) -> String {
    let hint = link.file_name_hint.as_deref().map(|h| {
        let stem = strip_extension(h);
        if stem.contains(' ') { stem } else { stem.replace('_', " ") }
    });
    // Each candidate counts by its first non-empty line: the notes' is the topic.
    deck_base_name(&[job.request.title.as_deref(), job.deck_title.as_deref(), Some(&job.request.content), hint.as_deref()])
}

fn strip_extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 4 => stem.to_string(),
        _ => name.to_string(),
    }
}

/// A new link for the finished deck; `failed` are the links that stopped working so far.
async fn fresh_link(ctx: &Ctx, provider: &dyn Provider, remote: &RemoteJob, job: &Job, failed: &[url::Url]) -> Result<Result<DownloadLink, Error>, Halt> {
    ctx.or_cancel(provider.refresh_download_after(remote, job.request.format, failed)).await
}

async fn download(ctx: &Ctx, provider: &dyn Provider, link: Option<DownloadLink>) -> Result<(), Halt> {
    let job = ctx.job()?;
    // Stopped while the file was being given its name: the journal says which file and name.
    if let Some(saving) = job.saving.clone() {
        if finish_saving(ctx, &job, saving).await? {
            return Ok(());
        }
    }
    let Some(remote) = job.remote.clone() else {
        return Err(ctx.end(JobState::Failed, Error::internal("The job has no service id to download from.")).await);
    };
    let max = ctx.svc.config.download_retries;
    let (mut expired, mut transient) = (0u32, 0u32);
    let mut failed_links = Vec::new();
    let mut link = link;
    loop {
        let current = match link.take() {
            Some(l) => l,
            None => match fresh_link(ctx, provider, &remote, &job, &failed_links).await? {
                Ok(l) => l,
                Err(e) if e.is_transient() && transient < max => {
                    transient += 1;
                    ctx.sleep(submit_backoff(transient, e.retry_after_secs())).await?;
                    continue;
                }
                // Finished is finished: the deck exists, only its file is out of reach here.
                Err(e @ Error::FileUnavailable { .. }) => return Err(ctx.end(JobState::NeedsAttention, e).await),
                Err(e) => return Err(ctx.end(JobState::Failed, e).await),
            },
        };
        if let Err(e) = tokio::fs::create_dir_all(&job.out_dir).await {
            let error = Error::disk(format!("The folder {} could not be created: {e}. Choose another folder.", job.out_dir.display()));
            return Err(ctx.end(JobState::Failed, error).await);
        }
        let name = base_name(&job, &current);
        let result = match ctx.or_cancel(provider.open_download(&current)).await? {
            Ok(resp) => {
                let sink = ctx.svc.sink.clone();
                let job_id = ctx.id.clone();
                let mut throttle = Throttle::new(Duration::from_millis(100));
                let mut last = (0u64, None);
                let mut report = |bytes: u64, total: Option<u64>| {
                    last = (bytes, total);
                    if throttle.offer(std::time::Instant::now(), bytes, total) {
                        sink.emit(EngineEvent::DownloadProgress { job_id: job_id.clone(), bytes, total });
                    }
                };
                let target = Download { dir: &job.out_dir, base_name: &name, format: job.request.format, cancel: &ctx.token, options: Default::default() };
                let r = target.fetch(resp, &mut report).await;
                let arrived = r.as_ref().ok().map(|f| f.size);
                if throttle.finish().is_some() || (arrived.is_some() && last.0 == 0) {
                    let (bytes, total) = match arrived {
                        Some(size) if last.0 == 0 => (size, Some(size)),
                        _ => last,
                    };
                    ctx.svc.sink.emit(EngineEvent::DownloadProgress { job_id: ctx.id.clone(), bytes, total });
                }
                r
            }
            Err(e) => Err(e),
        };
        if ctx.token.is_cancelled() {
            return Err(Halt::Superseded);
        }
        match result {
            Ok(fetched) => return save(ctx, &job, fetched).await,
            Err(Error::ExpiredLink { .. }) if expired < max => {
                expired += 1;
                failed_links.push(current.url.clone());
                ctx.update(|j| j.progress = Some("The download link had expired; getting a fresh one…".into())).await?;
            }
            Err(e) if e.is_transient() && transient < max => {
                transient += 1;
                ctx.sleep(submit_backoff(transient, e.retry_after_secs())).await?;
                link = Some(current);
            }
            Err(e) => return Err(ctx.end(JobState::Failed, e).await),
        }
    }
}

/// Gives the fetched file its final name: the name is journaled first (one no file and no
/// other job has), then claimed; if someone else took it in between, the next one.
async fn save(ctx: &Ctx, job: &Job, fetched: Fetched) -> Result<(), Halt> {
    let ext = job.request.format.extension();
    let mut from = 1;
    loop {
        let mut chosen = None;
        ctx.update_claiming(|j, claimed| {
            chosen = next_free_name(&job.out_dir, &fetched.base, ext, from, claimed);
            j.saving = chosen.as_ref().map(|(_, path)| Saving {
                part: fetched.part.clone(),
                path: path.clone(),
                base: fetched.base.clone(),
                size: fetched.size,
                checksum: fetched.checksum.clone(),
            });
        })
        .await?;
        let Some((n, path)) = chosen else {
            return Err(ctx.end(JobState::Failed, too_many(&job.out_dir, &fetched.base)).await);
        };
        let (part, target) = (fetched.part.clone(), path.clone());
        let claimed = tokio::task::spawn_blocking(move || claim_name(&part, &target))
            .await
            .unwrap_or_else(|e| Err(Error::internal(format!("naming the file stopped unexpectedly: {e}"))));
        match claimed {
            Ok(true) => {
                fetched.claimed();
                return finish(ctx, path).await;
            }
            Ok(false) => from = n + 1,
            Err(e) => return Err(ctx.end(JobState::Failed, e).await),
        }
    }
}

/// After a restart with a journaled [`Saving`]: done if the file under the journaled name is
/// provably ours, named now if only the checked `.part` is left; false when nothing usable is
/// left and the deck must be downloaded again.
async fn finish_saving(ctx: &Ctx, job: &Job, saving: Saving) -> Result<bool, Halt> {
    let format = job.request.format;
    let inspected = saving.clone();
    let found = tokio::task::spawn_blocking(move || inspected.inspect(format)).await.unwrap_or(Leftover::Nothing);
    match found {
        Leftover::Saved => finish(ctx, saving.path).await.map(|_| true),
        Leftover::Part => save(ctx, job, Fetched::recovered(saving.part, saving.base, saving.size, saving.checksum)).await.map(|_| true),
        Leftover::Nothing => {
            ctx.update(|j| j.saving = None).await?;
            Ok(false)
        }
    }
}

/// The deck has its name: read what the card shows from the file (slides, a preview), then
/// record it done.
async fn finish(ctx: &Ctx, path: PathBuf) -> Result<(), Halt> {
    let job = ctx.job()?;
    let preview_to = deck_file::preview_path(&ctx.svc.config.data_dir, &job.id);
    let (file, format) = (path.clone(), job.request.format);
    let facts = tokio::task::spawn_blocking(move || deck_file::examine(&file, format, &preview_to)).await.unwrap_or_default();
    let size = tokio::fs::metadata(&path).await.ok().map(|m| m.len());
    ctx.update(|j| {
        j.file = Some(path);
        j.file_size = size;
        j.slide_count = j.slide_count.or(facts.slide_count);
        j.preview = facts.preview;
        j.saving = None;
        j.error = None;
        j.set_state(JobState::Done, now_ms());
        j.progress = None;
        j.service_progress = None;
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_text_joins_words_and_counters() {
        let p = |m: Option<&str>, d, t| Progress { message: m.map(String::from), slides_done: d, slides_total: t };
        assert_eq!(progress_text(&p(Some("Generating slides"), Some(3), Some(10))).as_deref(), Some("Generating slides (3/10 slides)"));
        assert_eq!(progress_text(&p(Some("  "), Some(3), None)).as_deref(), Some("3 slides"));
        assert_eq!(progress_text(&p(None, None, None)), None);
    }

    #[test]
    fn submit_backoff_grows_and_honours_retry_after() {
        assert_eq!(submit_backoff(1, None), Duration::from_secs(2));
        assert_eq!(submit_backoff(10, None), Duration::from_secs(30));
        assert_eq!(submit_backoff(1, Some(45)), Duration::from_secs(45));
    }

    #[test]
    fn file_base_name_prefers_the_persons_title_then_the_services_then_the_topic() {
        let link = DownloadLink { url: "https://x.test/a.pptx".parse().unwrap(), file_name_hint: Some("Server_Title.pptx".into()) };
        let mut job = Job::new("j".into(), crate::providers::ProviderKind::Gamma, Default::default(), "/o".into(), 0);
        assert_eq!(base_name(&job, &link), "Server Title", "the server's file name only when nothing else");
        job.request.content = "\n  Photosynthesis for year 7  \nmore".into();
        assert_eq!(base_name(&job, &link), "Photosynthesis for year 7");
        job.deck_title = Some("How Plants Eat Light".into());
        assert_eq!(base_name(&job, &link), "How Plants Eat Light");
        job.request.title = Some("Mine".into());
        assert_eq!(base_name(&job, &link), "Mine");
    }
}
