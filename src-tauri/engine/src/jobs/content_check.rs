//! Is what arrived the deck we asked for? A signed link that expired, a CDN error or a proxy
//! login page often answers `200 OK` with HTML or XML; a broken connection leaves half a ZIP.
//! None of these may be saved under a deck's name. Checks read only the start and end of the
//! file (and, for PPTX, the ZIP's central directory), never the whole file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{Details, Error};
use crate::providers::ExportFormat;

/// How much of the start of a file the sniffers look at.
pub const HEAD_BYTES: usize = 8 * 1024;
/// How much of the end (PDF `%%EOF`, PNG `IEND`).
pub const TAIL_BYTES: usize = 1024;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PPTX_REQUIRED: &[&str] = &["[Content_Types].xml", "ppt/presentation.xml"];

/// What a text answer looks like, when it is not a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPage {
    Html,
    Xml,
    Json,
}

/// Whether `head` (the first bytes of an answer) is a web page, an XML error or JSON.
pub fn sniff_text_page(head: &[u8]) -> Option<TextPage> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &head[start..];
    let lower: Vec<u8> = rest.iter().take(64).map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") || lower.starts_with(b"<head") || lower.starts_with(b"<body") {
        Some(TextPage::Html)
    } else if lower.starts_with(b"<?xml") || lower.starts_with(b"<error") || lower.starts_with(b"<") {
        // Any markup at the start: no deck format begins with '<'.
        if contains_ci(&lower, b"html") { Some(TextPage::Html) } else { Some(TextPage::Xml) }
    } else if rest.starts_with(b"{") || rest.starts_with(b"[") {
        Some(TextPage::Json)
    } else {
        None
    }
}

/// Whether an error body says the signed link expired or was refused (S3/GCS/CloudFront
/// wording), so a fresh link is the cure rather than a failure.
pub fn looks_expired(body: &[u8]) -> bool {
    const SIGNS: &[&[u8]] = &[
        b"expired",
        b"accessdenied",
        b"access denied",
        b"signaturedoesnotmatch",
        b"invalid signature",
        b"authenticationrequired",
        b"request has expired",
    ];
    SIGNS.iter().any(|s| contains_ci(body, s))
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// The error for a text page that arrived instead of a deck.
pub fn text_page_error(page: TextPage, head: &[u8], status: Option<u16>) -> Error {
    let details = Details {
        provider_message: Some(excerpt(head)),
        request_id: None,
        status,
    };
    if looks_expired(head) {
        return Error::ExpiredLink {
            message: "The download link has expired. Deckhand will ask the service for a fresh one.".into(),
            details,
        };
    }
    let what = match page {
        TextPage::Html => "a web page",
        TextPage::Xml => "an XML error message",
        TextPage::Json => "an error message",
    };
    Error::BadFile {
        message: format!(
            "The service sent {what} instead of your deck, so nothing was saved. Try downloading again; if it keeps happening, the service may be having trouble."
        ),
        details,
    }
}

/// A short, printable excerpt of a body for the details view.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn bad_file(message: &str) -> Error {
    Error::BadFile { message: message.into(), details: Details::default() }
}

/// Checks a PDF or PNG from its first and last bytes (pure). PPTX needs the central
/// directory; see [`check_file`].
pub fn check_head_tail(head: &[u8], tail: &[u8], format: ExportFormat) -> Result<(), Error> {
    if let Some(page) = sniff_text_page(head) {
        return Err(text_page_error(page, head, None));
    }
    match format {
        ExportFormat::Pdf => {
            if !head.starts_with(b"%PDF-") {
                return Err(bad_file("What arrived is not a PDF, so nothing was saved. Try downloading again."));
            }
            if !contains_ci(tail, b"%%EOF") {
                return Err(bad_file("The PDF arrived incomplete, so nothing was saved. Try downloading again."));
            }
        }
        ExportFormat::Png => {
            if !head.starts_with(PNG_SIGNATURE) {
                return Err(bad_file("What arrived is not a PNG image, so nothing was saved. Try downloading again."));
            }
            // The IEND chunk (type + CRC) closes every complete PNG.
            if !tail.windows(4).any(|w| w == b"IEND") {
                return Err(bad_file("The image arrived incomplete, so nothing was saved. Try downloading again."));
            }
        }
        ExportFormat::Pptx => {
            if !head.starts_with(b"PK\x03\x04") {
                return Err(bad_file("What arrived is not a PowerPoint file, so nothing was saved. Try downloading again."));
            }
        }
    }
    Ok(())
}

/// Checks the file at `path` is a complete `format` file. Reads the head and tail, and for
/// PPTX the ZIP central directory (from the end of the file; entries are not decompressed).
pub fn check_file(path: &Path, format: ExportFormat) -> Result<(), Error> {
    let read_err = |e: std::io::Error| Error::disk(format!("Deckhand could not read back the downloaded file ({e}). Try again."));
    let mut f = File::open(path).map_err(read_err)?;
    let len = f.metadata().map_err(read_err)?.len();
    if len == 0 {
        return Err(bad_file("The service sent an empty file, so nothing was saved. Try downloading again."));
    }
    let mut head = vec![0u8; HEAD_BYTES.min(len as usize)];
    f.read_exact(&mut head).map_err(read_err)?;
    let tail_len = TAIL_BYTES.min(len as usize);
    let mut tail = vec![0u8; tail_len];
    f.seek(SeekFrom::End(-(tail_len as i64))).map_err(read_err)?;
    f.read_exact(&mut tail).map_err(read_err)?;
    check_head_tail(&head, &tail, format)?;
    if format == ExportFormat::Pptx {
        f.rewind().map_err(read_err)?;
        check_pptx_directory(f)?;
    }
    Ok(())
}

/// A PPTX is a ZIP whose directory lists the content types and the presentation part.
fn check_pptx_directory<R: Read + Seek>(reader: R) -> Result<(), Error> {
    let incomplete = || bad_file("The PowerPoint file arrived incomplete or damaged, so nothing was saved. Try downloading again.");
    let archive = zip::ZipArchive::new(reader).map_err(|_| incomplete())?;
    let names: Vec<String> = archive.file_names().filter_map(Result::ok).map(|n| n.into_owned()).collect();
    if PPTX_REQUIRED.iter().all(|r| names.iter().any(|n| n == r)) {
        Ok(())
    } else {
        Err(bad_file("The file that arrived is a ZIP archive but not a PowerPoint deck, so nothing was saved."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PPTX: &[u8] = include_bytes!("../../../../tests/fixtures/presenton-selfhost-0.7.3/deck-5-slides.pptx");
    const PNG: &[u8] = include_bytes!("../../../../icons/128x128.png");
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

    fn check_bytes(bytes: &[u8], format: ExportFormat) -> Result<(), Error> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f.flush().unwrap();
        check_file(f.path(), format)
    }

    #[test]
    fn real_files_pass() {
        check_bytes(PPTX, ExportFormat::Pptx).unwrap();
        check_bytes(PDF, ExportFormat::Pdf).unwrap();
        check_bytes(PNG, ExportFormat::Png).unwrap();
    }

    #[test]
    fn truncated_files_fail() {
        for cut in [PPTX.len() / 2, PPTX.len() - 10, 100] {
            let e = check_bytes(&PPTX[..cut], ExportFormat::Pptx).unwrap_err();
            assert_eq!(e.kind(), "bad_file", "cut at {cut}");
        }
        assert_eq!(check_bytes(&PDF[..PDF.len() - 8], ExportFormat::Pdf).unwrap_err().kind(), "bad_file");
        assert_eq!(check_bytes(&PNG[..PNG.len() - 20], ExportFormat::Png).unwrap_err().kind(), "bad_file");
        assert_eq!(check_bytes(b"", ExportFormat::Pdf).unwrap_err().kind(), "bad_file");
    }

    #[test]
    fn wrong_formats_fail() {
        assert_eq!(check_bytes(PDF, ExportFormat::Pptx).unwrap_err().kind(), "bad_file");
        assert_eq!(check_bytes(PPTX, ExportFormat::Pdf).unwrap_err().kind(), "bad_file");
        assert_eq!(check_bytes(PDF, ExportFormat::Png).unwrap_err().kind(), "bad_file");
    }

    #[test]
    fn a_zip_that_is_not_a_deck_fails() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file("[Content_Types].xml", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
            w.write_all(b"<Types/>").unwrap();
            w.start_file("word/document.xml", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
            w.write_all(b"<doc/>").unwrap();
            w.finish().unwrap();
        }
        let e = check_bytes(buf.get_ref(), ExportFormat::Pptx).unwrap_err();
        assert_eq!(e.kind(), "bad_file");
        assert!(e.message().contains("not a PowerPoint deck"));
    }

    #[test]
    fn web_pages_are_never_decks() {
        let html = b"<!DOCTYPE html><html><body>Sign in to continue</body></html>";
        for format in [ExportFormat::Pptx, ExportFormat::Pdf, ExportFormat::Png] {
            let e = check_bytes(html, format).unwrap_err();
            assert_eq!(e.kind(), "bad_file");
            assert!(e.message().starts_with("The service sent a web page instead of your deck"), "{}", e.message());
            assert!(e.details().provider_message.as_deref().unwrap().contains("Sign in"));
        }
        let json = b"  {\"error\":\"internal\"}";
        assert!(check_bytes(json, ExportFormat::Pdf).unwrap_err().message().contains("an error message"));
    }

    #[test]
    fn expired_link_pages_ask_for_a_fresh_link() {
        let s3 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(check_bytes(s3, ExportFormat::Pptx).unwrap_err().kind(), "expired_link");
        let html = b"\xEF\xBB\xBF<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Request has expired</h1></body></html>";
        assert_eq!(check_bytes(html, ExportFormat::Pdf).unwrap_err().kind(), "expired_link");
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_text_page(b"\n\n<HTML>"), Some(TextPage::Html));
        assert_eq!(sniff_text_page(b"<?xml version='1.0'?><Error/>"), Some(TextPage::Xml));
        assert_eq!(sniff_text_page(b"[1,2]"), Some(TextPage::Json));
        assert_eq!(sniff_text_page(b"%PDF-1.7"), None);
        assert_eq!(sniff_text_page(PPTX), None);
        assert_eq!(sniff_text_page(b""), None);
        assert!(looks_expired(b"<Message>Request has EXPIRED</Message>"));
        assert!(!looks_expired(b"<h1>Not found</h1>"));
    }
}
