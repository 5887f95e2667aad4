//! PDF and Word files come from anywhere, and their parsers are large. A hostile or broken file
//! can make them recurse until the stack overflows, allocate until memory runs out, or loop
//! for hours; `catch_unwind` stops none of these, and in the app's process they would take
//! the window (and every deck being made) down with them.
//!
//! So the file is parsed in a child process: the same program (the app or the CLI), started
//! again with [`CHILD_ARG`]. Its `main` calls [`run_child_if_asked`] before anything else,
//! which applies the limits to itself (address space and CPU time, on Linux and other Unixes),
//! reads the bytes from standard input, and writes `Result<SourceText, Error>` as JSON to
//! standard output. The parent gives it a deadline, kills it past that, reads at most
//! `output_bytes` of its answer, and turns a crash into the plain "could not read" answer.
//!
//! Why the program's own binary rather than a helper executable: nothing extra to bundle,
//! sign or find on three platforms, and the reader is always the same version as the app.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::{damaged, invalid, source_text_from_bytes, Format, SourceText, MAX_SOURCE_BYTES};
use crate::error::Error;

/// The hidden first argument that makes the app or the CLI read one document and exit.
pub const CHILD_ARG: &str = "--deckhand-read-document";

/// Where and with which limits documents are parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolation {
    program: PathBuf,
    /// Past this the child is killed: a 50 MB PDF is read in a few seconds.
    pub deadline: Duration,
    /// The child's address space (Linux); a parse that needs more is a bomb, not notes.
    pub memory_bytes: u64,
    /// At most this much answer is read from the child.
    pub output_bytes: usize,
}

impl Isolation {
    pub const DEADLINE: Duration = Duration::from_secs(30);
    pub const MEMORY_BYTES: u64 = 2 * 1024 * 1024 * 1024;
    /// The text of a 50 MB file, JSON-escaped, with room to spare.
    pub const OUTPUT_BYTES: usize = 4 * MAX_SOURCE_BYTES as usize;

    /// The running program (the app or the CLI), whose `main` handles [`CHILD_ARG`].
    pub fn this_program() -> Result<Self, Error> {
        let program = std::env::current_exe()
            .map_err(|e| Error::internal(format!("Deckhand could not find its own program to read the file with: {e}")))?;
        Ok(Self::program(program))
    }

    /// Another program whose `main` calls [`run_child_if_asked`] (tests use the built CLI).
    pub fn program(program: impl Into<PathBuf>) -> Self {
        Isolation {
            program: program.into(),
            deadline: Self::DEADLINE,
            memory_bytes: Self::MEMORY_BYTES,
            output_bytes: Self::OUTPUT_BYTES,
        }
    }

    /// Parses `bytes` (named `name`, which gives the format) in a child process.
    pub(crate) fn read(&self, name: &str, bytes: Vec<u8>) -> Result<SourceText, Error> {
        let format = Format::from_name(name).ok_or_else(|| super::unsupported(name))?;
        let mut child = Command::new(&self.program)
            .arg(CHILD_ARG)
            .arg(name)
            .arg(self.memory_bytes.to_string())
            .arg(self.deadline.as_secs().saturating_add(1).to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::internal(format!("Deckhand could not start its document reader: {e}")))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::internal("Deckhand's document reader has no input or output."));
        };
        // Writing and reading on their own threads: a child that stops reading, or writes
        // without end, cannot block the deadline below.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
        let cap = self.output_bytes as u64;
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.take(cap + 1).read_to_end(&mut out);
            out
        });
        let status = wait_until(&mut child, Instant::now() + self.deadline);
        let _ = writer.join();
        let Some(status) = status else {
            // Killed: its pipe is closed, so the reader ends.
            let _ = reader.join();
            return Err(invalid(format!(
                "Deckhand stopped reading “{name}” after {} seconds: it may be damaged or unusually complex. Export it again from the original document, or paste its text instead.",
                self.deadline.as_secs().max(1)
            )));
        };
        let out = reader.join().unwrap_or_default();
        if out.len() as u64 > cap {
            return Err(invalid(format!(
                "“{name}” holds far more text than a deck can use. Choose the part you need and paste it instead."
            )));
        }
        // Stack overflow, allocation failure, a signal: the reader died with the file.
        if !status.success() {
            return Err(damaged(format, name));
        }
        serde_json::from_slice::<Result<SourceText, Error>>(&out).unwrap_or_else(|_| Err(damaged(format, name)))
    }
}

/// The child's exit status, or `None` when it was still running at `deadline` (then killed).
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            // Past the deadline, or the child cannot be asked: stop it.
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Call first thing in `main`. When this process was started as a document reader, reads one
/// document with limits and returns the exit code; otherwise `None`, and `main` goes on.
pub fn run_child_if_asked() -> Option<i32> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != CHILD_ARG {
        return None;
    }
    let name = args.next().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let number = |a: Option<std::ffi::OsString>| a.and_then(|v| v.to_str().and_then(|v| v.parse::<u64>().ok()));
    let memory_bytes = number(args.next()).unwrap_or(Isolation::MEMORY_BYTES);
    let cpu_secs = number(args.next()).unwrap_or(Isolation::DEADLINE.as_secs() + 1);
    limit_this_process(memory_bytes, cpu_secs);

    let mut bytes = Vec::new();
    if std::io::stdin().take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes).is_err() {
        return Some(2);
    }
    let result = source_text_from_bytes(&name, &bytes);
    let mut stdout = std::io::stdout().lock();
    match serde_json::to_writer(&mut stdout, &result).and_then(|_| stdout.flush().map_err(serde_json::Error::io)) {
        Ok(()) => Some(0),
        Err(_) => Some(2),
    }
}

/// Address space (Linux, where the limit is enforced) and CPU seconds (every Unix), as a
/// backstop that holds even if the parent is gone. Elsewhere the parent's deadline and output
/// cap are the limits.
fn limit_this_process(memory_bytes: u64, cpu_secs: u64) {
    #[cfg(unix)]
    {
        let set = |resource, value: u64| {
            let value = value as libc::rlim_t;
            let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
            // SAFETY: setrlimit reads the struct we pass and changes only this process's limits.
            unsafe { libc::setrlimit(resource, &limit) };
        };
        #[cfg(target_os = "linux")]
        set(libc::RLIMIT_AS, memory_bytes);
        set(libc::RLIMIT_CPU, cpu_secs);
    }
    #[cfg(not(unix))]
    let _ = (memory_bytes, cpu_secs);
}
