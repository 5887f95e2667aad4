//! What a PowerPoint file holds that shows the deck: its slide count, the thumbnail some
//! programs save in `docProps/`, and the pictures on its first slides.
//!
//! The thumbnail is only used when it was drawn from the deck. python-pptx (which self-hosted
//! Presenton uses) never redraws it: every file it writes carries the blank 256×192 thumbnail
//! of its built-in template, so a file it wrote, or a flat thumbnail, is passed over.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;

/// An XML part is read up to this size; a ZIP bomb stops here.
const MAX_XML_BYTES: u64 = 16 * 1024 * 1024;
/// A picture bigger than this is skipped rather than decoded.
const MAX_PICTURE_BYTES: u64 = 24 * 1024 * 1024;
/// How many slides are searched for a picture, from the first.
const SLIDES_SEARCHED: usize = 3;
/// A picture covering less of its slide than this is a logo or an icon, not the deck.
const MIN_SHARE_OF_SLIDE: f64 = 0.04;

pub struct Pptx<R: Read + Seek> {
    zip: ZipArchive<R>,
}

impl<R: Read + Seek> Pptx<R> {
    pub fn open(reader: R) -> Option<Self> {
        Some(Pptx { zip: ZipArchive::new(reader).ok()? })
    }

    /// Slides in the deck: the `ppt/slides/slideN.xml` parts.
    pub fn slide_count(&self) -> u32 {
        self.zip.file_names().filter_map(Result::ok).filter(|n| is_slide_part(n)).count() as u32
    }

    fn read(&mut self, name: &str, limit: u64) -> Option<Vec<u8>> {
        let part = self.zip.by_name(name).ok()?;
        if part.size() > limit {
            return None;
        }
        let mut out = Vec::with_capacity(part.size() as usize);
        part.take(limit).read_to_end(&mut out).ok()?;
        Some(out)
    }

    fn xml(&mut self, name: &str) -> Option<Vec<u8>> {
        self.read(name, MAX_XML_BYTES)
    }

    /// The saved thumbnail, unless the file was written by a program that never draws one.
    pub fn thumbnail(&mut self) -> Option<Vec<u8>> {
        if self.written_by_python_pptx() {
            return None;
        }
        let rels = self.xml("_rels/.rels")?;
        let target = relationships(&rels).into_iter().find(|r| r.kind.ends_with("/thumbnail"))?.target;
        self.read(target.trim_start_matches('/'), MAX_PICTURE_BYTES)
    }

    fn written_by_python_pptx(&mut self) -> bool {
        self.xml("docProps/core.xml").is_some_and(|core| String::from_utf8_lossy(&core).contains("python-pptx"))
    }

    /// The pictures of the first slides, each slide's largest first, slide by slide; only
    /// those big enough on their slide to show what the deck looks like.
    pub fn slide_pictures(&mut self) -> Vec<Vec<u8>> {
        let Some(presentation) = self.xml("ppt/presentation.xml") else { return Vec::new() };
        let (slide_ids, size) = slide_order(&presentation);
        let slide_area = size.map(|(w, h)| w as f64 * h as f64).filter(|a| *a > 0.0);
        let rels = self.xml("ppt/_rels/presentation.xml.rels").map(|r| relationships(&r)).unwrap_or_default();
        let mut slides: Vec<String> = slide_ids
            .iter()
            .filter_map(|rid| rels.iter().find(|r| &r.id == rid))
            .map(|r| resolve("ppt/", &r.target))
            .collect();
        if slides.is_empty() {
            slides = (1..=SLIDES_SEARCHED).map(|n| format!("ppt/slides/slide{n}.xml")).collect();
        }
        let mut found = Vec::new();
        for slide in slides.into_iter().take(SLIDES_SEARCHED) {
            let Some(xml) = self.xml(&slide) else { continue };
            let (dir, file) = slide.rsplit_once('/').unwrap_or(("", &slide));
            let slide_rels = self.xml(&format!("{dir}/_rels/{file}.rels")).map(|r| relationships(&r)).unwrap_or_default();
            let mut pictures = placed_pictures(&xml);
            pictures.sort_by(|a, b| b.area.total_cmp(&a.area));
            for pic in pictures {
                let big_enough = match (slide_area, pic.area) {
                    (Some(slide), area) if area > 0.0 => area / slide >= MIN_SHARE_OF_SLIDE,
                    _ => true,
                };
                let Some(rel) = slide_rels.iter().find(|r| r.id == pic.embed) else { continue };
                if !big_enough || rel.external {
                    continue;
                }
                if let Some(bytes) = self.read(&resolve(&format!("{dir}/"), &rel.target), MAX_PICTURE_BYTES) {
                    found.push(bytes);
                }
            }
        }
        found
    }
}

fn is_slide_part(name: &str) -> bool {
    name.strip_prefix("ppt/slides/slide")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An attribute by local name, whatever the prefix.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Calls `f` with every start (or empty) element and the stack of its ancestors' local names.
fn walk(xml: &[u8], mut f: impl FnMut(&BytesStart, &[String])) {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(ref e)) => {
                f(e, &stack);
                stack.push(e.local_name().as_ref().to_string());
            }
            Ok(Event::Empty(ref e)) => f(e, &stack),
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
    external: bool,
}

fn relationships(xml: &[u8]) -> Vec<Relationship> {
    let mut out = Vec::new();
    walk(xml, |e, _| {
        if e.local_name().as_ref() == "Relationship" {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let external = attr(e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                out.push(Relationship { id, kind: attr(e, "Type").unwrap_or_default(), target, external });
            }
        }
    });
    out
}

/// A relationship target relative to the folder `base` (`ppt/slides/`), as a part name.
fn resolve(base: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The slides' relationship ids in showing order, and the slide size in EMU.
fn slide_order(xml: &[u8]) -> (Vec<String>, Option<(u64, u64)>) {
    let (mut ids, mut size) = (Vec::new(), None);
    walk(xml, |e, _| match e.local_name().as_ref() {
        "sldId" => ids.extend(rel_id(e)),
        "sldSz" => size = emu_size(e),
        _ => {}
    });
    (ids, size)
}

/// The prefixed `r:id` (not the plain numeric `id` a slide id also has).
fn rel_id(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref().ends_with(":id"))
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn emu_size(e: &BytesStart) -> Option<(u64, u64)> {
    Some((attr(e, "cx")?.parse().ok()?, attr(e, "cy")?.parse().ok()?))
}

struct PlacedPicture {
    embed: String,
    /// Width × height on the slide, in EMU²; 0 when the file does not say.
    area: f64,
}

/// Pictures drawn on a slide (`p:pic`) and its background picture, with their size.
fn placed_pictures(xml: &[u8]) -> Vec<PlacedPicture> {
    let mut out: Vec<PlacedPicture> = Vec::new();
    let mut open_pic: Option<usize> = None;
    walk(xml, |e, stack| {
        let inside = |name: &str| stack.iter().any(|s| s == name);
        match e.local_name().as_ref() {
            "pic" => {
                out.push(PlacedPicture { embed: String::new(), area: 0.0 });
                open_pic = Some(out.len() - 1);
            }
            "blip" => {
                let Some(embed) = attr(e, "embed") else { return };
                if inside("pic") {
                    if let Some(i) = open_pic {
                        out[i].embed = embed;
                    }
                } else if inside("bg") {
                    // A background picture fills the slide.
                    out.push(PlacedPicture { embed, area: f64::INFINITY });
                }
            }
            "ext" if inside("pic") && inside("xfrm") => {
                if let (Some(i), Some((w, h))) = (open_pic, emu_size(e)) {
                    if out[i].area == 0.0 {
                        out[i].area = w as f64 * h as f64;
                    }
                }
            }
            _ => {}
        }
    });
    out.retain(|p| !p.embed.is_empty());
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    pub(crate) const PRESENTON_0_7_3: &[u8] = include_bytes!("../../../../tests/fixtures/presenton-selfhost-0.7.3/deck-5-slides.pptx");

    /// A minimal PPTX: `parts` are (name, bytes).
    pub(crate) fn pptx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (name, bytes) in parts {
                w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    pub(crate) const PRESENTATION: &[u8] = br#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="257" r:id="rId9"/><p:sldId id="256" r:id="rId8"/></p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/></p:presentation>"#;
    pub(crate) const PRESENTATION_RELS: &[u8] = br#"<Relationships><Relationship Id="rId8" Type="x/slide" Target="slides/slide1.xml"/><Relationship Id="rId9" Type="x/slide" Target="slides/slide2.xml"/></Relationships>"#;

    /// A slide with a logo (small) and a photo (large), both pointing at media by rId.
    pub(crate) fn slide(logo: &str, photo: &str) -> String {
        format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a" xmlns:r="r"><p:cSld><p:spTree>
            <p:pic><p:blipFill><a:blip r:embed="{logo}"/></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="300000" cy="300000"/></a:xfrm></p:spPr></p:pic>
            <p:pic><p:blipFill><a:blip r:embed="{photo}"/></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="6000000" cy="4000000"/></a:xfrm></p:spPr></p:pic>
            </p:spTree></p:cSld></p:sld>"#
        )
    }

    pub(crate) const SLIDE_RELS: &[u8] = br#"<Relationships><Relationship Id="rId1" Type="x/image" Target="../media/logo.png"/><Relationship Id="rId2" Type="x/image" Target="../media/photo.png"/><Relationship Id="rId3" Type="x/hyperlink" Target="https://example.com" TargetMode="External"/></Relationships>"#;

    #[test]
    fn the_real_self_hosted_file_counts_five_slides_and_its_thumbnail_is_refused() {
        let mut p = Pptx::open(Cursor::new(PRESENTON_0_7_3)).unwrap();
        assert_eq!(p.slide_count(), 5);
        // The file has docProps/thumbnail.jpeg (python-pptx's blank default): not used.
        assert!(p.read("docProps/thumbnail.jpeg", MAX_PICTURE_BYTES).is_some());
        assert!(p.thumbnail().is_none());
        // Its first slide's picture is the deck's own.
        let pictures = p.slide_pictures();
        assert!(!pictures.is_empty());
        assert_eq!(crate::deck_file::picture::sniff(&pictures[0]), Some(image::ImageFormat::Png));
    }

    #[test]
    fn the_first_slide_in_showing_order_and_its_biggest_picture_come_first() {
        let photo2 = crate::deck_file::picture::tests::striped(400, 300);
        let logo = crate::deck_file::picture::tests::striped(100, 100);
        let slide = slide("rId1", "rId2");
        let file = pptx(&[
            ("ppt/presentation.xml", PRESENTATION),
            ("ppt/_rels/presentation.xml.rels", PRESENTATION_RELS),
            ("ppt/slides/slide1.xml", br#"<p:sld xmlns:p="p"/>"#),
            ("ppt/slides/slide2.xml", slide.as_bytes()),
            ("ppt/slides/_rels/slide2.xml.rels", SLIDE_RELS),
            ("ppt/media/logo.png", &logo),
            ("ppt/media/photo.png", &photo2),
        ]);
        let mut p = Pptx::open(Cursor::new(file)).unwrap();
        assert_eq!(p.slide_count(), 2);
        // slide2 is shown first (sldIdLst order); the logo covers under 4 % of the slide.
        assert_eq!(p.slide_pictures(), vec![photo2]);
    }

    #[test]
    fn thumbnails_from_other_programs_are_used() {
        let thumb = crate::deck_file::picture::tests::striped(256, 192);
        let file = pptx(&[
            ("_rels/.rels", br#"<Relationships><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>"#),
            ("docProps/core.xml", b"<cp:coreProperties><dc:creator>Gamma</dc:creator></cp:coreProperties>"),
            ("docProps/thumbnail.jpeg", &thumb),
        ]);
        assert_eq!(Pptx::open(Cursor::new(file)).unwrap().thumbnail(), Some(thumb));
    }

    #[test]
    fn part_names_resolve_like_a_package_reader_does() {
        assert_eq!(resolve("ppt/slides/", "../media/image1.png"), "ppt/media/image1.png");
        assert_eq!(resolve("ppt/", "slides/slide1.xml"), "ppt/slides/slide1.xml");
        assert_eq!(resolve("ppt/slides/", "/ppt/media/x.jpeg"), "ppt/media/x.jpeg");
        assert_eq!(resolve("ppt/slides/", "../../../../etc/passwd"), "etc/passwd");
        assert!(is_slide_part("ppt/slides/slide12.xml"));
        assert!(!is_slide_part("ppt/slides/_rels/slide1.xml.rels") && !is_slide_part("ppt/slides/slide.xml"));
    }

    #[test]
    fn damaged_files_give_nothing_rather_than_an_error() {
        assert!(Pptx::open(Cursor::new(b"not a zip".to_vec())).is_none());
        let file = pptx(&[("ppt/presentation.xml", b"<p:presentation><unclosed")]);
        let mut p = Pptx::open(Cursor::new(file)).unwrap();
        assert!(p.slide_pictures().is_empty() && p.thumbnail().is_none());
    }
}
