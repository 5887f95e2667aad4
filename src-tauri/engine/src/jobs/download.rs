//! Download a finished deck safely: stream it chunk by chunk (constant memory) to a `.part`
//! file next to its final place, check what arrived is the deck asked for, fsync, then give it
//! its final name without ever overwriting a file — `Deck.pptx`, `Deck (2).pptx`, … A failure
//! at any step removes the partial file and leaves everything else as it was, so the caller
//! can simply try again. The job engine journals the name before claiming it (`saving.rs`).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::error::{Details, Error, TimeoutPhase};
use crate::jobs::content_check::{self, excerpt, looks_expired};
use crate::jobs::file_names::{numbered_name, sanitize_base, MAX_CANDIDATES};
use crate::jobs::saving::Checksum;
use crate::jobs::write_behind::WriteBehind;
use crate::providers::http::{request_id, retry_after_secs};
use crate::providers::ExportFormat;

/// A server that sends no byte for this long is treated as gone.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// How much of an error answer is read to explain it.
const ERROR_BODY_LIMIT: usize = crate::providers::http::MAX_ERROR_BODY_BYTES;

/// Knobs tests turn; the app uses the defaults.
#[derive(Debug, Clone, Copy)]
pub struct DownloadOptions {
    pub stall_timeout: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions { stall_timeout: STALL_TIMEOUT }
    }
}

/// Stream `resp` into `dir` as `base_name`.`ext` (sanitized, never overwriting) and return
/// the final path. `progress(received, total)` is called after every chunk.
pub async fn download_to(
    resp: reqwest::Response,
    dir: &Path,
    base_name: &str,
    format: ExportFormat,
    cancel: &CancellationToken,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Result<PathBuf, Error> {
    Download { dir, base_name, format, cancel, options: DownloadOptions::default() }.save(resp, progress).await
}

/// One file to fetch: where, under which name, in which format.
pub struct Download<'a> {
    pub dir: &'a Path,
    /// The title the file is named after (sanitized here).
    pub base_name: &'a str,
    pub format: ExportFormat,
    pub cancel: &'a CancellationToken,
    pub options: DownloadOptions,
}

impl Download<'_> {
    /// Fetches the file and gives it its final name ([`claim_final_name`]).
    pub async fn save(&self, resp: reqwest::Response, progress: &mut (dyn FnMut(u64, Option<u64>) + Send)) -> Result<PathBuf, Error> {
        let fetched = self.fetch(resp, progress).await?;
        let (part, dir, base, ext) = (fetched.part.clone(), self.dir.to_path_buf(), fetched.base.clone(), self.format.extension());
        let final_path = tokio::task::spawn_blocking(move || claim_final_name(&part, &dir, &base, ext))
            .await
            .map_err(|e| Error::internal(format!("naming the file stopped unexpectedly: {e}")))??;
        fetched.claimed();
        Ok(final_path)
    }

    /// Streams `resp` into a new `.part` in the folder, checks it is a whole file of the
    /// format, fsyncs it. The final name is given separately ([`Download::save`], or the job's
    /// journaled claim).
    pub async fn fetch(&self, resp: reqwest::Response, progress: &mut (dyn FnMut(u64, Option<u64>) + Send)) -> Result<Fetched, Error> {
        fetch_part(self, resp, progress).await
    }
}

/// A whole, checked and synced `.part`, not yet under its final name. Dropping it removes
/// the `.part`; [`Fetched::claimed`] once the file has its name.
pub struct Fetched {
    pub part: PathBuf,
    /// The sanitized base name the final name is made from.
    pub base: String,
    pub size: u64,
    /// Computed while the bytes arrived.
    pub checksum: Checksum,
    guard: PartGuard,
}

impl Fetched {
    /// A `.part` left by an earlier run whose fingerprint was journaled and checked again.
    pub fn recovered(part: PathBuf, base: String, size: u64, checksum: Checksum) -> Fetched {
        Fetched { guard: PartGuard(Some(part.clone())), part, base, size, checksum }
    }

    /// The `.part` is gone (linked then removed, or renamed). Its name may already belong to
    /// another download of the same title, so nothing may be removed any more.
    pub fn claimed(mut self) {
        self.guard.0 = None;
    }
}

/// [`Download::fetch`].
async fn fetch_part(d: &Download<'_>, resp: reqwest::Response, progress: &mut (dyn FnMut(u64, Option<u64>) + Send)) -> Result<Fetched, Error> {
    let Download { dir, base_name, format, cancel, options } = *d;
    if !resp.status().is_success() {
        return Err(status_error(resp, options.stall_timeout).await);
    }
    let details = Details { provider_message: None, request_id: request_id(resp.headers()), status: Some(resp.status().as_u16()) };
    check_dir(dir)?;
    let base = sanitize_base(base_name);
    let ext = format.extension();
    let (part_path, file) = create_part(dir, &base, ext).await?;
    let guard = PartGuard(Some(part_path.clone()));

    let total = resp.content_length();
    progress(0, total);
    let writer = WriteBehind::start(file.into_std().await);
    let mut received: u64 = 0;
    let mut stream = resp.bytes_stream();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Error::cancelled()),
            next = tokio::time::timeout(options.stall_timeout, stream.next()) => next,
        };
        let chunk = match next {
            Err(_) => {
                return Err(Error::Timeout {
                    message: format!(
                        "The download stalled: no data arrived for {} seconds. Try downloading again.",
                        options.stall_timeout.as_secs().max(1)
                    ),
                    phase: Some(TimeoutPhase::Read),
                    details,
                })
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(broken_stream(&e, details)),
            Ok(Some(Ok(chunk))) => chunk,
        };
        let len = chunk.len() as u64;
        let taken = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Error::cancelled()),
            taken = writer.write(chunk) => taken,
        };
        if !taken {
            // The writer stopped on an error; finishing it says which.
            let error = writer.finish().await.err().unwrap_or_else(|| std::io::Error::other("the download's writer stopped"));
            return Err(disk_error(&error, dir));
        }
        received += len;
        progress(received, total);
    }
    if let Some(total) = total {
        if received != total {
            return Err(Error::Network {
                message: format!(
                    "The download stopped early ({received} of {total} bytes arrived), so nothing was saved. Try downloading again."
                ),
                details,
            });
        }
    }
    let (size, checksum) = writer.finish().await.map_err(|e| disk_error(&e, dir))?;
    if cancel.is_cancelled() {
        return Err(Error::cancelled());
    }

    // Checking touches only the disk: done off the async threads.
    let part = part_path.clone();
    tokio::task::spawn_blocking(move || {
        content_check::check_file(&part, format).map_err(|mut e| {
            let d = e.details_mut();
            d.status = d.status.or(details.status);
            d.request_id = d.request_id.take().or(details.request_id);
            e
        })
    })
    .await
    .map_err(|e| Error::internal(format!("the download check stopped unexpectedly: {e}")))??;
    Ok(Fetched { part: part_path, base, size, checksum, guard })
}

/// Removes the partial file when the download fails, is cancelled or its future is dropped.
struct PartGuard(Option<PathBuf>);

impl Drop for PartGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn check_dir(dir: &Path) -> Result<(), Error> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::disk(format!(
            "{} is a file, not a folder. Choose a folder for your decks and try again.",
            dir.display()
        ))),
        Err(e) => Err(disk_error(&e, dir)),
    }
}

/// Creates `<base>.<ext>.part` (or `<base>.<ext>.<n>.part` when another download of the same
/// title is under way), exclusively, so two downloads never write into one file.
async fn create_part(dir: &Path, base: &str, ext: &str) -> Result<(PathBuf, tokio::fs::File), Error> {
    for n in 1..=100u32 {
        let name = if n == 1 { format!("{base}.{ext}.part") } else { format!("{base}.{ext}.{n}.part") };
        let path = dir.join(name);
        match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                // Left by a download that was killed: take its name over.
                if is_abandoned(&path) && std::fs::remove_file(&path).is_ok() {
                    if let Ok(f) = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
                        return Ok((path, f));
                    }
                }
                continue;
            }
            Err(e) => return Err(disk_error(&e, dir)),
        }
    }
    Err(Error::disk(format!(
        "Too many unfinished downloads named \"{base}\" are in {}. Remove the .part files there and try again.",
        dir.display()
    )))
}

/// A `.part` untouched this long belongs to no live download: a live one writes at least
/// every [`STALL_TIMEOUT`] or gives up (and removes it).
pub const ABANDONED_PART_AGE: Duration = Duration::from_secs(10 * 60);

fn is_abandoned(part: &Path) -> bool {
    std::fs::symlink_metadata(part)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > ABANDONED_PART_AGE)
}

/// Gives the checked `.part` its final name, never replacing an existing file: the first of
/// `Deck.pptx`, `Deck (2).pptx`, … that [`claim_name`] gets.
pub fn claim_final_name(part: &Path, dir: &Path, base: &str, ext: &str) -> Result<PathBuf, Error> {
    for n in 1..=MAX_CANDIDATES {
        let candidate = dir.join(numbered_name(base, ext, n));
        if claim_name(part, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(too_many(dir, base))
}

/// The error when every numbered name is taken.
pub fn too_many(dir: &Path, base: &str) -> Error {
    Error::disk(format!(
        "{} already holds {MAX_CANDIDATES} decks named \"{base}\". Choose another folder or title.",
        dir.display()
    ))
}

/// Gives `part` the name `candidate` if no file has it; false when it is taken. A hard link
/// fails atomically if the name is taken, so concurrent downloads of one title (or another
/// program) can never be overwritten; a crash between link and unlink leaves a complete file
/// plus a stray `.part`, never a partial file under a final name. File systems without hard
/// links (FAT, some network shares) get an exclusive reservation replaced by a rename.
pub fn claim_name(part: &Path, candidate: &Path) -> Result<bool, Error> {
    let dir = candidate.parent().unwrap_or(Path::new("."));
    match std::fs::hard_link(part, candidate) {
        Ok(()) => {
            let _ = std::fs::remove_file(part);
            crate::atomic_file::sync_dir(dir);
            Ok(true)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(_) => match std::fs::OpenOptions::new().write(true).create_new(true).open(candidate) {
            Ok(_) => {
                std::fs::rename(part, candidate).map_err(|e| {
                    let _ = std::fs::remove_file(candidate);
                    disk_error(&e, dir)
                })?;
                crate::atomic_file::sync_dir(dir);
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(disk_error(&e, dir)),
        },
    }
}

/// A plain sentence for a file-system failure while saving into `dir`.
pub fn disk_error(e: &std::io::Error, dir: &Path) -> Error {
    let where_ = dir.display();
    let message = match e.kind() {
        ErrorKind::NotFound => format!("The folder {where_} no longer exists. Choose another folder and try again."),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            format!("Deckhand is not allowed to save files in {where_}. Choose another folder and try again.")
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            format!("The disk holding {where_} is full. Free some space and try again.")
        }
        ErrorKind::NotADirectory => format!("{where_} is not a folder. Choose a folder and try again."),
        _ => format!("The deck could not be saved in {where_} ({e}). Try again, or choose another folder."),
    };
    Error::disk(message)
}

/// A body that broke off: the connection was reset or the server closed it early.
fn broken_stream(e: &reqwest::Error, details: Details) -> Error {
    if e.is_timeout() {
        return Error::Timeout { message: "The download took too long and was stopped. Try downloading again.".into(), phase: Some(TimeoutPhase::Read), details };
    }
    Error::Network {
        message: "The connection broke during the download, so nothing was saved. Try downloading again.".into(),
        details,
    }
}

/// The error for a non-2xx answer. A signed link that is refused or gone has most likely
/// expired: the cure is a fresh link, which the runner asks the provider for.
async fn status_error(resp: reqwest::Response, stall: Duration) -> Error {
    let status = resp.status().as_u16();
    let retry = retry_after_secs(resp.headers(), SystemTime::now());
    let rid = request_id(resp.headers());
    let body = read_limited(resp, stall).await;
    let details = Details {
        provider_message: (!body.is_empty()).then(|| excerpt(&body)),
        request_id: rid,
        status: Some(status),
    };
    match status {
        429 => Error::RateLimited {
            message: "The file server asked Deckhand to slow down. The download will be tried again shortly.".into(),
            retry_after_secs: retry,
            details,
        },
        500..=599 => Error::Server {
            message: format!("The file server had a problem (HTTP {status}). Try downloading again in a moment."),
            details,
        },
        401 | 403 | 404 | 410 => Error::ExpiredLink {
            message: "The download link has expired. Deckhand will ask the service for a fresh one.".into(),
            details,
        },
        400..=499 if looks_expired(&body) => Error::ExpiredLink {
            message: "The download link has expired. Deckhand will ask the service for a fresh one.".into(),
            details,
        },
        300..=399 => Error::Server {
            message: format!("The file server sent an unusable redirect (HTTP {status}). Try downloading again."),
            details,
        },
        _ => Error::BadFile {
            message: format!("The file server refused the download (HTTP {status}), so nothing was saved. Try again later."),
            details,
        },
    }
}

/// Up to [`ERROR_BODY_LIMIT`] bytes of an error answer; whatever arrived if it breaks off.
async fn read_limited(resp: reqwest::Response, stall: Duration) -> Vec<u8> {
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while body.len() < ERROR_BODY_LIMIT {
        match tokio::time::timeout(stall, stream.next()).await {
            Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk[..chunk.len().min(ERROR_BODY_LIMIT - body.len())]),
            _ => break,
        }
    }
    body
}
