//! Text out of a Word .docx: a ZIP whose `word/document.xml` holds paragraphs (`w:p`) of runs
//! (`w:r`) of text (`w:t`). Each paragraph becomes a line; tabs and breaks inside runs become
//! `\t` and `\n`; headings become Markdown `#` lines, list paragraphs `- ` items and tables
//! `| a | b |` rows, which Gamma reads as structure. Headings and lists are also found through
//! `word/styles.xml`, so a German Word's "Überschrift 1" and a "List Bullet" style count too.

mod body;
mod styles;

use std::io::{BufReader, Cursor, Read};

pub(super) enum Problem {
    /// Not a ZIP, no `word/document.xml`, or XML that does not parse.
    Damaged,
    /// An OLE compound file: a legacy .doc renamed, or a password-protected .docx.
    LegacyOrProtected,
}

/// Bound on an XML part once inflated: a ZIP bomb stops here instead of filling memory.
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// Every OLE compound file (old .doc, encrypted Office files) starts with this.
const OLE_SIGNATURE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(super) fn extract(bytes: &[u8]) -> Result<String, Problem> {
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(Problem::LegacyOrProtected);
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Problem::Damaged)?;
    // Styles only improve structure: a missing or odd styles part is no reason to fail.
    let styles = match archive.by_name("word/styles.xml") {
        Ok(part) => styles::read(BufReader::new(part.take(MAX_PART_BYTES))).unwrap_or_default(),
        Err(_) => styles::Styles::default(),
    };
    let part = archive.by_name("word/document.xml").map_err(|_| Problem::Damaged)?;
    body::text(BufReader::new(part.take(MAX_PART_BYTES)), &styles).map_err(|_| Problem::Damaged)
}
