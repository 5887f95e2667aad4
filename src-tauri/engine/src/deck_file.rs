//! Facts about a finished deck, read from its own file once it is saved: how many slides it
//! has, and a small picture of it for the card. The picture is made here, from the job's own
//! file, and kept beside the journal; the window only ever receives its bytes.
//!
//! Where the picture comes from, best first: the thumbnail a PowerPoint file carries when the
//! program that wrote it drew one; the largest picture on the deck's first slides (PPTX) or on
//! the first page (PDF); the file itself for PNG decks. Blank pictures are passed over.

pub mod pdf;
pub mod picture;
pub mod pptx;

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic_file;
use crate::providers::ExportFormat;

/// Where a preview was found in the file. Stored with the job as its snake_case name; a name
/// a newer Deckhand wrote is kept as it was (`Other`), so rewriting the record never loses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PreviewSource {
    /// The thumbnail saved in the PowerPoint file.
    Thumbnail,
    /// A picture placed on one of the first slides.
    SlidePicture,
    /// A picture placed on the PDF's first page.
    PagePicture,
    /// The deck is a picture itself (PNG).
    ImageFile,
    /// Written by a newer Deckhand.
    Other(String),
}

const SOURCE_NAMES: [(PreviewSource, &str); 4] = [
    (PreviewSource::Thumbnail, "thumbnail"),
    (PreviewSource::SlidePicture, "slide_picture"),
    (PreviewSource::PagePicture, "page_picture"),
    (PreviewSource::ImageFile, "image_file"),
];

impl From<String> for PreviewSource {
    fn from(name: String) -> PreviewSource {
        SOURCE_NAMES.iter().find(|(_, n)| *n == name).map_or(PreviewSource::Other(name), |(s, _)| s.clone())
    }
}

impl From<PreviewSource> for String {
    fn from(source: PreviewSource) -> String {
        match source {
            PreviewSource::Other(name) => name,
            known => SOURCE_NAMES.iter().find(|(s, _)| *s == known).map_or_else(String::new, |(_, n)| n.to_string()),
        }
    }
}

/// A preview kept for a job (a JPEG in the previews folder, named after the job).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub source: PreviewSource,
    pub width: u32,
    pub height: u32,
    /// Fields a newer Deckhand added: kept as they were (see `jobs::record`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Preview {
    pub fn new(source: PreviewSource, width: u32, height: u32) -> Preview {
        Preview { source, width, height, extra: Default::default() }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeckFacts {
    pub slide_count: Option<u32>,
    pub preview: Option<Preview>,
}

/// The folder previews are kept in, inside the data folder.
pub fn previews_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("previews")
}

/// Where a job's preview is kept. The name is a hash of the job id, so no id read from a
/// record can point anywhere else.
pub fn preview_path(data_dir: &Path, job_id: &str) -> PathBuf {
    let hash = Sha256::digest(job_id.as_bytes());
    let name: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    previews_dir(data_dir).join(format!("{name}.jpg"))
}

/// Reads the deck at `file` (blocking) and writes its preview to `preview_to`, if it has a
/// picture worth showing. Never fails: a fact it cannot read is simply not known.
pub fn examine(file: &Path, format: ExportFormat, preview_to: &Path) -> DeckFacts {
    let (slide_count, found) = match format {
        ExportFormat::Pptx => examine_pptx(file),
        ExportFormat::Pdf => examine_pdf(file),
        ExportFormat::Png => match std::fs::read(file) {
            Ok(bytes) => (Some(1), picture::decode(&bytes).map(|p| (p, PreviewSource::ImageFile))),
            Err(_) => (None, None),
        },
    };
    let preview = found.and_then(|(img, source)| {
        let (jpeg, width, height) = picture::preview_jpeg(&img)?;
        std::fs::create_dir_all(preview_to.parent()?).ok()?;
        atomic_file::write(preview_to, &jpeg).ok()?;
        Some(Preview::new(source, width, height))
    });
    DeckFacts { slide_count, preview }
}

fn examine_pptx(file: &Path) -> (Option<u32>, Option<(image::DynamicImage, PreviewSource)>) {
    let Some(mut deck) = File::open(file).ok().and_then(|f| pptx::Pptx::open(std::io::BufReader::new(f))) else {
        return (None, None);
    };
    let count = Some(deck.slide_count()).filter(|n| *n > 0);
    let usable = |bytes: &[u8]| picture::decode(bytes).filter(|img| !picture::is_blank(img));
    let found = deck
        .thumbnail()
        .and_then(|b| usable(&b))
        .map(|img| (img, PreviewSource::Thumbnail))
        .or_else(|| deck.slide_pictures().iter().find_map(|b| usable(b)).map(|img| (img, PreviewSource::SlidePicture)));
    (count, found)
}

fn examine_pdf(file: &Path) -> (Option<u32>, Option<(image::DynamicImage, PreviewSource)>) {
    let Ok(bytes) = std::fs::read(file) else { return (None, None) };
    let found = pdf::first_page_pictures(&bytes)
        .into_iter()
        .find(|img| !picture::is_blank(img))
        .map(|img| (img, PreviewSource::PagePicture));
    (pdf::page_count(&bytes), found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_self_hosted_deck_shows_its_first_slides_picture_not_the_blank_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("Deck.pptx");
        std::fs::write(&deck, pptx::tests::PRESENTON_0_7_3).unwrap();
        let to = preview_path(dir.path(), "job-1");
        let facts = examine(&deck, ExportFormat::Pptx, &to);
        assert_eq!(facts.slide_count, Some(5));
        let preview = facts.preview.expect("a preview");
        assert_eq!(preview.source, PreviewSource::SlidePicture);
        let written = std::fs::read(&to).unwrap();
        assert_eq!(picture::sniff(&written), Some(image::ImageFormat::Jpeg));
        let img = picture::decode(&written).unwrap();
        assert_eq!((img.width(), img.height()), (preview.width, preview.height));
        assert!(!picture::is_blank(&img));
    }

    #[test]
    fn python_pptx_default_thumbnail_is_blank_even_when_judged_by_its_pixels() {
        // Belt and braces: were a file to claim another writer, its pixels would still give
        // the default thumbnail away.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pptx::tests::PRESENTON_0_7_3)).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name("docProps/thumbnail.jpeg").unwrap(), &mut bytes).unwrap();
        let img = picture::decode(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (256, 192));
        assert!(picture::is_blank(&img));
    }

    #[test]
    fn a_pptx_with_only_a_blank_thumbnail_and_no_pictures_has_no_preview() {
        let dir = tempfile::tempdir().unwrap();
        let blank = picture::tests::png(256, 192, |_, _| [255, 255, 255]);
        let deck = dir.path().join("Deck.pptx");
        std::fs::write(&deck, pptx::tests::pptx(&[
            ("_rels/.rels", br#"<Relationships><Relationship Id="r" Type="x/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>"#),
            ("docProps/thumbnail.jpeg", &blank),
            ("ppt/slides/slide1.xml", b"<p:sld/>"),
        ])).unwrap();
        let to = preview_path(dir.path(), "job-2");
        assert_eq!(examine(&deck, ExportFormat::Pptx, &to), DeckFacts { slide_count: Some(1), preview: None });
        assert!(!to.exists());
    }

    #[test]
    fn pdf_and_png_decks() {
        let dir = tempfile::tempdir().unwrap();
        let png = picture::tests::striped(640, 360);
        let (jpeg, w, h) = picture::preview_jpeg(&picture::decode(&png).unwrap()).unwrap();
        let pdf_deck = dir.path().join("Deck.pdf");
        std::fs::write(&pdf_deck, pdf::tests::pdf(4, Some((&jpeg, w, h)))).unwrap();
        let facts = examine(&pdf_deck, ExportFormat::Pdf, &preview_path(dir.path(), "p"));
        assert_eq!(facts.slide_count, Some(4));
        assert_eq!(facts.preview.unwrap().source, PreviewSource::PagePicture);

        let png_deck = dir.path().join("Deck.png");
        std::fs::write(&png_deck, &png).unwrap();
        let facts = examine(&png_deck, ExportFormat::Png, &preview_path(dir.path(), "i"));
        assert_eq!(facts.slide_count, Some(1));
        assert_eq!(facts.preview, Some(Preview::new(PreviewSource::ImageFile, 480, 270)));
    }

    #[test]
    fn preview_names_come_from_a_hash_of_the_id() {
        let p = preview_path(Path::new("/data"), "../../etc/passwd");
        assert_eq!(p.parent().unwrap(), Path::new("/data/previews"));
        assert!(p.file_name().unwrap().to_str().unwrap().bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b.is_ascii_alphabetic()));
        assert_ne!(preview_path(Path::new("/d"), "a"), preview_path(Path::new("/d"), "b"));
    }

    #[test]
    fn unreadable_files_give_no_facts() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.pptx");
        for format in [ExportFormat::Pptx, ExportFormat::Pdf, ExportFormat::Png] {
            assert_eq!(examine(&missing, format, &dir.path().join("x.jpg")), DeckFacts::default());
        }
    }
}
