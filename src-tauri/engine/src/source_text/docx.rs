//! Text out of a Word .docx: a ZIP whose `word/document.xml` holds paragraphs (`w:p`) of runs
//! (`w:r`) of text (`w:t`). Each paragraph becomes a line; tabs and breaks inside runs become
//! `\t` and `\n`; heading paragraphs become Markdown `#` lines and list paragraphs `- ` items,
//! which Gamma reads as structure. Headings are found through `word/styles.xml` (style name
//! "heading N" or an outline level), so a French or German Word's style ids work too.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

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
    // Styles only improve headings: a missing or odd styles part is no reason to fail.
    let headings = match archive.by_name("word/styles.xml") {
        Ok(part) => heading_styles(BufReader::new(part.take(MAX_PART_BYTES))).unwrap_or_default(),
        Err(_) => HashMap::new(),
    };
    let part = archive.by_name("word/document.xml").map_err(|_| Problem::Damaged)?;
    document_text(BufReader::new(part.take(MAX_PART_BYTES)), &headings)
}

/// One paragraph being read. Paragraphs nest (a text box inside a paragraph holds its own),
/// so they live on a stack.
#[derive(Default)]
struct Paragraph {
    text: String,
    heading: Option<u8>,
    list_item: bool,
}

impl Paragraph {
    fn into_line(self) -> String {
        if self.text.trim().is_empty() {
            return String::new();
        }
        match (self.heading, self.list_item) {
            (Some(level), _) => format!("{} {}", "#".repeat(level as usize), self.text.trim()),
            (None, true) => format!("- {}", self.text.trim_start()),
            (None, false) => self.text,
        }
    }
}

fn document_text(source: impl BufRead, headings: &HashMap<String, u8>) -> Result<String, Problem> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut runs = 0usize; // depth of w:r: tabs and breaks count only inside runs
    let mut in_text = false; // inside w:t (not w:delText or w:instrText)
    let mut skip = 0usize; // depth inside mc:Fallback, which repeats the mc:Choice text
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| Problem::Damaged)?;
        if skip > 0 {
            match event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => return Err(Problem::Damaged),
                _ => {}
            }
            buf.clear();
            continue;
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "Fallback" if !empty => skip = 1,
                    // An empty paragraph is a blank line, unless it sits in a text box.
                    "p" if empty && paragraphs.is_empty() => out.push('\n'),
                    "p" if empty => {}
                    "p" => paragraphs.push(Paragraph::default()),
                    "r" if !empty => runs += 1,
                    "t" if !empty => in_text = true,
                    "pStyle" => {
                        if let (Some(p), Some(id)) = (paragraphs.last_mut(), val(e)) {
                            p.heading = p.heading.or_else(|| heading_level(&id, headings));
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(p), Some(level)) = (paragraphs.last_mut(), val(e).and_then(|v| outline_level(&v))) {
                            p.heading = Some(level);
                        }
                    }
                    "numPr" => {
                        if let Some(p) = paragraphs.last_mut() {
                            p.list_item = true;
                        }
                    }
                    name if runs > 0 => {
                        if let Some(p) = paragraphs.last_mut() {
                            match name {
                                "tab" => p.text.push('\t'),
                                "br" | "cr" => p.text.push('\n'),
                                "noBreakHyphen" => p.text.push('-'),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "p" => {
                    let line = paragraphs.pop().map(Paragraph::into_line).unwrap_or_default();
                    match paragraphs.last_mut() {
                        // A text box's paragraph: its text joins the outer paragraph's line.
                        Some(outer) => {
                            if !line.is_empty() {
                                if !outer.text.is_empty() {
                                    outer.text.push('\n');
                                }
                                outer.text.push_str(&line);
                            }
                        }
                        None => {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
                "r" => runs = runs.saturating_sub(1),
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(ref t) if in_text => push_text(&mut paragraphs, &t.xml10_content()),
            Event::CData(ref t) if in_text => push_text(&mut paragraphs, &t.xml10_content()),
            Event::GeneralRef(ref r) if in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r.xml10_content()).map(str::to_string),
                    Err(_) => return Err(Problem::Damaged),
                };
                if let Some(text) = resolved {
                    push_text(&mut paragraphs, &text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn push_text(paragraphs: &mut [Paragraph], text: &str) {
    if let Some(p) = paragraphs.last_mut() {
        p.text.push_str(text);
    }
}

/// The `w:val` attribute, whatever prefix the file gives the Word namespace.
fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "val")
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Word's outline levels are 0-based (0 = Heading 1); 9 means body text.
fn outline_level(value: &str) -> Option<u8> {
    value.trim().parse::<u8>().ok().filter(|l| *l < 6).map(|l| l + 1)
}

/// A paragraph style's heading level: from styles.xml, else from English style ids.
fn heading_level(style_id: &str, headings: &HashMap<String, u8>) -> Option<u8> {
    headings.get(style_id).copied().or_else(|| heading_from_name(style_id))
}

/// "Title" and "Heading 1".."Heading 9" (style names) or "Heading1" (style ids).
fn heading_from_name(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    if lower == "title" {
        return Some(1);
    }
    let number = lower.strip_prefix("heading")?.trim();
    number.parse::<u8>().ok().filter(|n| (1..=9).contains(n)).map(|n| n.min(6))
}

/// Style id → heading level, from each `w:style`'s `w:name` ("heading 2") or `w:outlineLvl`.
fn heading_styles(source: impl BufRead) -> Result<HashMap<String, u8>, quick_xml::Error> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut headings = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                "style" => {
                    current = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "styleId")
                        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()));
                }
                "name" => {
                    if let (Some(id), Some(level)) = (&current, val(e).as_deref().and_then(heading_from_name)) {
                        headings.insert(id.clone(), level);
                    }
                }
                "outlineLvl" => {
                    if let (Some(id), Some(level)) = (&current, val(e).as_deref().and_then(outline_level)) {
                        headings.entry(id.clone()).or_insert(level);
                    }
                }
                _ => {}
            },
            Event::End(ref e) if e.local_name().as_ref() == "style" => current = None,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(headings)
}
