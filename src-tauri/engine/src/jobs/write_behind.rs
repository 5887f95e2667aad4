//! The disk side of a download, on one thread of its own: each chunk that arrives is added to
//! the file's fingerprint and written, while the async side already receives the next ones.
//! Large files are flushed behind, so the final `sync_all`, which makes the promise, finds
//! little left to write: on Linux the kernel is asked to start writing every
//! [`FLUSH_EVERY`] bytes out at once (`sync_file_range`, which does not wait); elsewhere a
//! flush of what is written so far starts on a helper thread every [`FLUSH_EVERY_ELSEWHERE`].
//!
//! Before this, every chunk went through `tokio::fs` (a copy into its buffer and a hop to the
//! blocking pool per chunk) and the checksum through a channel to a second thread: a 1 GiB
//! download spent twice the CPU of `curl -o` and went at half its speed (bench/results.md,
//! benchmark 2). Here a chunk is written from the very buffer it arrived in.

use std::fs::File;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::jobs::saving::{Checksum, Fingerprint};

/// Chunks waiting for the disk at most (hyper hands over at most a few hundred KiB at a
/// time), so memory stays bounded when the disk is the slower side.
const QUEUE: usize = 16;

/// How many bytes are written between two flushes behind the download (Linux).
pub const FLUSH_EVERY: u64 = 8 * 1024 * 1024;

/// The same where a flush has to wait for the disk (a whole `sync_data`, on a helper thread).
pub const FLUSH_EVERY_ELSEWHERE: u64 = 64 * 1024 * 1024;

pub struct WriteBehind {
    chunks: Option<mpsc::Sender<Bytes>>,
    /// Set by [`WriteBehind::finish`]: without it the writer stops without syncing, since the
    /// download was abandoned and its `.part` is about to be removed.
    keep: Arc<AtomicBool>,
    done: tokio::task::JoinHandle<io::Result<(u64, Checksum)>>,
}

impl WriteBehind {
    pub fn start(file: File) -> WriteBehind {
        let (chunks, rx) = mpsc::channel::<Bytes>(QUEUE);
        let keep = Arc::new(AtomicBool::new(false));
        let done = tokio::task::spawn_blocking({
            let keep = keep.clone();
            move || write_all(file, rx, &keep)
        });
        WriteBehind { chunks: Some(chunks), keep, done }
    }

    /// Queues `chunk`, waiting while the queue is full. False when the writer has stopped: the
    /// reason comes from [`WriteBehind::finish`].
    pub async fn write(&self, chunk: Bytes) -> bool {
        match &self.chunks {
            Some(tx) => tx.send(chunk).await.is_ok(),
            None => false,
        }
    }

    /// Waits until every queued chunk is written and the file is synced to disk: (size,
    /// checksum) of everything written.
    pub async fn finish(mut self) -> io::Result<(u64, Checksum)> {
        self.keep.store(true, Ordering::Release);
        self.chunks = None;
        (&mut self.done).await.map_err(|e| io::Error::other(format!("the download's writer stopped unexpectedly: {e}")))?
    }
}

fn write_all(mut file: File, mut rx: mpsc::Receiver<Bytes>, keep: &AtomicBool) -> io::Result<(u64, Checksum)> {
    let mut fingerprint = Fingerprint::default();
    let mut behind = FlushBehind::default();
    while let Some(chunk) = rx.blocking_recv() {
        fingerprint.update(&chunk);
        file.write_all(&chunk)?;
        behind.wrote(&file, chunk.len() as u64);
    }
    behind.finish();
    if !keep.load(Ordering::Acquire) {
        return Err(io::Error::other("the download was abandoned"));
    }
    file.sync_all()?;
    Ok(fingerprint.finish())
}

/// What is written but not yet on its way to the disk. An early flush that fails changes
/// nothing: the final `sync_all` reports the error.
#[derive(Default)]
struct FlushBehind {
    written: u64,
    flushed: u64,
    /// The flush under way on a helper thread (not Linux).
    running: Option<std::thread::JoinHandle<()>>,
}

impl FlushBehind {
    fn wrote(&mut self, file: &File, bytes: u64) {
        self.written += bytes;
        let pending = self.written - self.flushed;
        if cfg!(target_os = "linux") {
            if pending >= FLUSH_EVERY {
                start_writeback(file, self.flushed, pending);
                self.flushed = self.written;
            }
        } else if pending >= FLUSH_EVERY_ELSEWHERE && self.running.as_ref().is_none_or(|r| r.is_finished()) {
            // Without a second handle nothing is flushed early; the final sync still runs.
            if let Ok(handle) = file.try_clone() {
                self.flushed = self.written;
                self.running = Some(std::thread::spawn(move || {
                    let _ = handle.sync_data();
                }));
            }
        }
    }

    fn finish(self) {
        if let Some(running) = self.running {
            let _ = running.join();
        }
    }
}

/// Asks the kernel to start writing `len` bytes from `from` to the disk, without waiting.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, from: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor belongs to `file`, open for the whole call.
    unsafe { libc::sync_file_range(file.as_raw_fd(), from as libc::off64_t, len as libc::off64_t, libc::SYNC_FILE_RANGE_WRITE) };
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File, _: u64, _: u64) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_every_chunk_in_order_and_fingerprints_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let writer = WriteBehind::start(File::create(&path).unwrap());
        let mut expected = Vec::new();
        for i in 0..100u32 {
            let chunk = Bytes::from(vec![(i % 251) as u8; 1000 + i as usize]);
            expected.extend_from_slice(&chunk);
            assert!(writer.write(chunk).await);
        }
        let (size, checksum) = writer.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert_eq!((size, checksum), crate::jobs::saving::fingerprint(&path).unwrap());
    }

    #[tokio::test]
    async fn a_file_larger_than_the_flush_step_is_flushed_behind_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let writer = WriteBehind::start(File::create(&path).unwrap());
        let chunk = Bytes::from((0..1024 * 1024).map(|i| (i % 253) as u8).collect::<Vec<u8>>());
        let steps = (FLUSH_EVERY.max(FLUSH_EVERY_ELSEWHERE) / chunk.len() as u64) * 2 + 1;
        for _ in 0..steps {
            assert!(writer.write(chunk.clone()).await);
        }
        let (size, checksum) = writer.finish().await.unwrap();
        assert_eq!(size, steps * chunk.len() as u64);
        assert_eq!((size, checksum), crate::jobs::saving::fingerprint(&path).unwrap());
    }

    #[tokio::test]
    async fn a_write_error_stops_the_writer_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        std::fs::write(&path, b"").unwrap();
        // A handle open only for reading: the first write fails.
        let writer = WriteBehind::start(File::open(&path).unwrap());
        let mut refused = false;
        for _ in 0..(QUEUE * 4) {
            if !writer.write(Bytes::from_static(b"abc")).await {
                refused = true;
                break;
            }
        }
        assert!(refused, "the writer stops taking chunks once a write failed");
        assert!(writer.finish().await.is_err());
    }

    #[tokio::test]
    async fn an_abandoned_writer_stops_without_syncing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.part");
        let writer = WriteBehind::start(File::create(&path).unwrap());
        assert!(writer.write(Bytes::from_static(b"abc")).await);
        let WriteBehind { chunks, done, .. } = writer;
        drop(chunks);
        assert_eq!(done.await.unwrap().unwrap_err().to_string(), "the download was abandoned");
    }
}
