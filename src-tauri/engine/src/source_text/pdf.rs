//! Text out of a PDF with `pdf-extract` (pure Rust, on `lopdf`). It lays text out by position
//! (lines and word spaces from TeX, Word and browser PDFs), which `lopdf`'s own extractor does
//! not; but it panics on some damaged files, so it runs under `catch_unwind`.

use std::panic::{self, AssertUnwindSafe};

pub(super) enum Problem {
    /// Not a PDF, or one too damaged to read (including a panic inside the PDF crate).
    Damaged,
    /// Encrypted with a password we do not have.
    Protected,
}

/// The text of every page, or why there is none. A PDF without text (a scan) gives `Ok` with
/// only whitespace; the caller says so.
pub(super) fn extract(bytes: &[u8]) -> Result<String, Problem> {
    match panic::catch_unwind(AssertUnwindSafe(|| pdf_extract::extract_text_from_mem(bytes))) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(pdf_extract::OutputError::PdfError(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword))) => {
            Err(Problem::Protected)
        }
        Ok(Err(_)) | Err(_) => Err(Problem::Damaged),
    }
}
