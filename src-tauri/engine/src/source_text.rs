//! A presenter's source file (.txt, .md, .docx, .pdf) read on this computer and turned into
//! plain text. Gamma takes text only, so Deckhand extracts it here; Presenton is sent the
//! file itself and never comes through this module.
//!
//! Everything the presenter could pick is answered with a plain `InvalidInput` on the
//! `source_files` field: missing or unreadable files, folders, other formats, files over
//! 50 MB, damaged or password-protected documents, PDFs with no text. The readers never
//! panic on any bytes: each runs under `catch_unwind` (the PDF crate is known to panic on
//! damaged files), and every panic becomes the "could not read" answer for its format.
//! PDF and Word files are parsed in a child process with a deadline and a memory limit
//! ([`isolation`]): a stack overflow, an allocation failure or an endless loop in a parser
//! ends that process, not the app.
//!
//! No truncation: all the text is returned, with its length in `chars`, and the provider's
//! own validation refuses what is too long for it (Gamma: 400 000 characters), since only it
//! knows its limit and can say by how much to shorten.

mod docx;
pub mod isolation;
mod pdf;
mod plain;
mod tidy;

use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
pub use isolation::{run_child_if_asked, Isolation};

/// The request field these errors point at, for the UI to highlight.
pub const SOURCE_FIELD: &str = "source_files";

/// Largest source file Deckhand reads (the same 50 MB ceiling as Presenton's uploads).
pub const MAX_SOURCE_BYTES: u64 = 50 * 1024 * 1024;

/// The extensions Deckhand reads (lower case, no dot), for the file picker's filter.
pub const SUPPORTED_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "docx", "pdf"];

/// The text of one source file, ready to send as Gamma's `inputText`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceText {
    /// The file's name (no folder), to show next to the text.
    pub name: String,
    /// The whole text: `\n` line ends, Word headings as `#` lines and list items as `- `.
    pub text: String,
    /// Length of `text` in Unicode characters (not bytes), for the "too long" check.
    pub chars: usize,
}

/// Which reader a file goes to, from its extension (case does not matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Plain,
    Docx,
    Pdf,
}

impl Format {
    fn from_name(name: &str) -> Option<Format> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "md" | "markdown" => Some(Format::Plain),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// Reads the file at `path` and returns its text; PDF and Word files are parsed in a child
/// process of this program (see [`isolation`]). Blocking, and a long PDF takes seconds: call
/// it from `tokio::task::spawn_blocking`.
pub fn read_source_file(path: &Path) -> Result<SourceText, Error> {
    read_source_file_with(path, &Isolation::this_program()?)
}

/// [`read_source_file`] with the reader program and limits given (tests point it at a
/// built binary and shorten the deadline).
pub fn read_source_file_with(path: &Path, isolation: &Isolation) -> Result<SourceText, Error> {
    read_checked(path, |name, format, bytes| match format {
        // Plain text is only decoded: nothing there can recurse or loop.
        Format::Plain => source_text_from_bytes(name, &bytes),
        Format::Docx | Format::Pdf => isolation.read(name, bytes),
    })
}

/// Everything up to the parse, in this process: the name, the format, the size, the bytes.
fn read_checked(path: &Path, parse: impl FnOnce(&str, Format, Vec<u8>) -> Result<SourceText, Error>) -> Result<SourceText, Error> {
    let name = match path.file_name() {
        Some(n) => n.to_string_lossy().into_owned(),
        None => path.to_string_lossy().into_owned(),
    };
    // The format first: a wrong type is answered without touching the disk.
    let format = Format::from_name(&name).ok_or_else(|| unsupported(&name))?;
    let bytes = read_bounded(path, &name)?;
    if bytes.is_empty() {
        return Err(empty(&name));
    }
    parse(&name, format, bytes)
}

/// The text of a file already in memory, parsed in this process: only the reader child
/// ([`isolation`]) and tests call it. `name` gives the format.
pub(crate) fn source_text_from_bytes(name: &str, bytes: &[u8]) -> Result<SourceText, Error> {
    let format = Format::from_name(name).ok_or_else(|| unsupported(name))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(empty(name));
    }
    let raw = match panic::catch_unwind(AssertUnwindSafe(|| extract(format, name, bytes))) {
        Ok(result) => result?,
        Err(_) => return Err(damaged(format, name)),
    };
    let text = tidy::tidy(&raw);
    if text.is_empty() {
        return Err(no_text(format, name));
    }
    let chars = text.chars().count();
    Ok(SourceText { name: name.to_string(), text, chars })
}

fn extract(format: Format, name: &str, bytes: &[u8]) -> Result<String, Error> {
    match format {
        Format::Plain => plain::decode(bytes).ok_or_else(|| invalid(format!(
            "“{name}” does not look like a text file. Choose the original document, or paste its text instead."
        ))),
        Format::Docx => docx::extract(bytes).map_err(|problem| match problem {
            docx::Problem::Damaged => damaged(format, name),
            docx::Problem::LegacyOrProtected => invalid(format!(
                "“{name}” is password-protected or in the old Word (.doc) format. In Word, save a copy as .docx without a password, then choose that."
            )),
        }),
        Format::Pdf => pdf::extract(bytes).map_err(|problem| match problem {
            pdf::Problem::Damaged => damaged(format, name),
            pdf::Problem::Protected => invalid(format!(
                "“{name}” is password-protected. Save a copy without a password, then choose that."
            )),
        }),
    }
}

/// Reads at most one byte past the limit, so a file that grows after the size check (or a
/// device that reports no size) still cannot fill memory.
fn read_bounded(path: &Path, name: &str) -> Result<Vec<u8>, Error> {
    // Windows refuses to open a folder with "access denied": ask what it is first.
    if path.is_dir() {
        return Err(folder(name));
    }
    let file = std::fs::File::open(path).map_err(|e| open_failed(name, &e))?;
    let meta = file.metadata().map_err(|e| open_failed(name, &e))?;
    if meta.is_dir() {
        return Err(folder(name));
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(too_large(name, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| open_failed(name, &e))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    Ok(bytes)
}

fn invalid(message: String) -> Error {
    Error::invalid_input(SOURCE_FIELD, message)
}

fn open_failed(name: &str, err: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    invalid(match err.kind() {
        ErrorKind::NotFound => {
            format!("Deckhand could not find “{name}”. It may have been moved, renamed or deleted; choose the file again.")
        }
        ErrorKind::PermissionDenied => {
            format!("Deckhand is not allowed to open “{name}”. Check that you can open it yourself, or copy it to your Documents folder and choose the copy.")
        }
        // A folder opened as a file fails on read on some systems rather than on open.
        ErrorKind::IsADirectory => return folder(name),
        _ => format!("Deckhand could not read “{name}” ({err}). Check that the file opens, then choose it again."),
    })
}

fn folder(name: &str) -> Error {
    invalid(format!("“{name}” is a folder, not a file. Choose a file inside it."))
}

fn unsupported(name: &str) -> Error {
    invalid(format!(
        "Deckhand cannot read text from “{name}”. It reads plain text (.txt), Markdown (.md), Word (.docx) and PDF (.pdf) files: save it as one of those, or paste its text instead."
    ))
}

fn too_large(name: &str, bytes: u64) -> Error {
    let mb = bytes.div_ceil(1024 * 1024);
    invalid(format!(
        "“{name}” is {mb} MB; Deckhand reads source files of up to 50 MB. Save a shorter copy (or one without large pictures) and choose that."
    ))
}

fn empty(name: &str) -> Error {
    invalid(format!("“{name}” is empty. Choose a file with some text in it."))
}

fn damaged(format: Format, name: &str) -> Error {
    invalid(match format {
        Format::Plain => format!("Deckhand could not read “{name}”. Choose it again, or paste its text instead."),
        Format::Docx => format!(
            "Deckhand could not read this Word file (“{name}”): it may be damaged, or not really a .docx. Open it in Word, save it again as .docx and choose it again, or paste its text instead."
        ),
        Format::Pdf => format!(
            "Deckhand could not read this PDF (“{name}”): it may be damaged. Export it again as PDF from the original document, or paste its text instead."
        ),
    })
}

fn no_text(format: Format, name: &str) -> Error {
    match format {
        Format::Plain => empty(name),
        Format::Docx => invalid(format!(
            "The Word file “{name}” has no text Deckhand can read (it may hold only pictures). Paste its text instead."
        )),
        Format::Pdf => invalid(format!(
            "This PDF has no text Deckhand can read (it may be scanned): “{name}”. Export a PDF from the original document, or paste its text instead."
        )),
    }
}

#[cfg(test)]
mod tests;
