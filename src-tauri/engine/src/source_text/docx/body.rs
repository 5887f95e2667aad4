//! The walk through `word/document.xml`. Paragraphs, tables, rows and cells nest (a table in
//! a cell, a text box's paragraphs inside a paragraph), so each open one is a frame on a
//! stack, and a finished one hands its text to the frame around it.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::styles::{attr, outline_level, Styles};

/// The XML did not parse (or ended inside an element).
pub(super) struct Malformed;

#[derive(Default)]
struct Paragraph {
    text: String,
    heading: Option<u8>,
    list: bool,
}

impl Paragraph {
    fn into_line(self) -> String {
        if self.text.trim().is_empty() {
            return String::new();
        }
        match (self.heading, self.list) {
            (Some(level), _) => format!("{} {}", "#".repeat(level as usize), self.text.replace('\n', " ").trim()),
            (None, true) => format!("- {}", self.text.trim_start()),
            (None, false) => self.text,
        }
    }
}

enum Frame {
    Para(Paragraph),
    Table { text: String, rows: usize },
    Row(Vec<String>),
    Cell(String),
}

#[derive(Default)]
struct Walker {
    out: String,
    frames: Vec<Frame>,
    /// Depth of `w:r`: tabs and breaks count only inside runs (`w:tab` is also a tab stop).
    runs: usize,
    /// Inside `w:t`, the only element whose text is kept (not `w:delText`, `w:instrText`).
    in_text: bool,
}

pub(super) fn text(source: impl BufRead, styles: &Styles) -> Result<String, Malformed> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut walker = Walker::default();
    // Depth inside `mc:Fallback`, which repeats the text of its `mc:Choice` for old readers.
    let mut skip = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| Malformed)?;
        match event {
            Event::Eof if skip > 0 || !walker.frames.is_empty() => return Err(Malformed),
            Event::Eof => break,
            Event::Start(_) if skip > 0 => skip += 1,
            Event::End(_) if skip > 0 => skip -= 1,
            _ if skip > 0 => {}
            Event::Start(ref e) if e.local_name().as_ref() == "Fallback" => skip = 1,
            Event::Start(ref e) => walker.open(e, false, styles),
            Event::Empty(ref e) => walker.open(e, true, styles),
            Event::End(ref e) => walker.close(e.local_name().as_ref()),
            Event::Text(ref t) if walker.in_text => walker.push_text(&t.xml10_content()),
            Event::CData(ref t) if walker.in_text => walker.push_text(&t.xml10_content()),
            Event::GeneralRef(ref r) if walker.in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r.xml10_content()).map(str::to_string),
                    Err(_) => return Err(Malformed),
                };
                if let Some(text) = resolved {
                    walker.push_text(&text);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(walker.out)
}

impl Walker {
    fn open(&mut self, e: &BytesStart, empty: bool, styles: &Styles) {
        match (e.local_name().as_ref(), empty) {
            // An empty paragraph is a blank line.
            ("p", true) => self.emit(String::new()),
            ("p", false) => self.frames.push(Frame::Para(Paragraph::default())),
            ("tbl", false) => self.frames.push(Frame::Table { text: String::new(), rows: 0 }),
            ("tr", false) => self.frames.push(Frame::Row(Vec::new())),
            ("tc", false) => self.frames.push(Frame::Cell(String::new())),
            ("r", false) => self.runs += 1,
            ("t", false) => self.in_text = true,
            ("pStyle", _) => {
                if let (Some(Frame::Para(p)), Some(id)) = (self.frames.last_mut(), attr(e, "val")) {
                    let info = styles.get(&id);
                    p.heading = p.heading.or(info.heading);
                    p.list |= info.list;
                }
            }
            ("outlineLvl", _) => {
                if let (Some(Frame::Para(p)), Some(level)) = (self.frames.last_mut(), attr(e, "val").as_deref().and_then(outline_level)) {
                    p.heading = Some(level);
                }
            }
            ("numPr", _) => {
                if let Some(Frame::Para(p)) = self.frames.last_mut() {
                    p.list = true;
                }
            }
            // numId 0 switches off the numbering a list style would give.
            ("numId", _) => {
                if let (Some(Frame::Para(p)), Some("0")) = (self.frames.last_mut(), attr(e, "val").as_deref()) {
                    p.list = false;
                }
            }
            ("tab", _) if self.runs > 0 => self.push_text("\t"),
            ("br" | "cr", _) if self.runs > 0 => self.push_text("\n"),
            ("noBreakHyphen", _) if self.runs > 0 => self.push_text("-"),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "r" => self.runs = self.runs.saturating_sub(1),
            "p" => {
                if let Some(Frame::Para(p)) = self.pop_if(|f| matches!(f, Frame::Para(_))) {
                    self.emit(p.into_line());
                }
            }
            "tc" => {
                if let Some(Frame::Cell(cell)) = self.pop_if(|f| matches!(f, Frame::Cell(_))) {
                    let cell = cell.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
                    if let Some(Frame::Row(cells)) = self.frames.last_mut() {
                        cells.push(cell);
                    }
                }
            }
            "tr" => {
                if let Some(Frame::Row(cells)) = self.pop_if(|f| matches!(f, Frame::Row(_))) {
                    if let Some(Frame::Table { text, rows }) = self.frames.last_mut() {
                        if cells.iter().any(|c| !c.is_empty()) {
                            text.push_str(&format!("| {} |\n", cells.join(" | ")));
                            // The first row as a Markdown header, so the rows read as a table.
                            if *rows == 0 {
                                text.push_str(&format!("|{}|\n", vec![" --- "; cells.len()].join("|")));
                            }
                            *rows += 1;
                        }
                    }
                }
            }
            "tbl" => {
                if let Some(Frame::Table { text, .. }) = self.pop_if(|f| matches!(f, Frame::Table { .. })) {
                    if !text.is_empty() {
                        self.emit(format!("\n{}\n", text.trim_end()));
                    }
                }
            }
            _ => {}
        }
    }

    fn pop_if(&mut self, is: impl Fn(&Frame) -> bool) -> Option<Frame> {
        if self.frames.last().is_some_and(is) {
            self.frames.pop()
        } else {
            None
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Frame::Para(p)) = self.frames.last_mut() {
            p.text.push_str(text);
        }
    }

    /// Hands a finished paragraph's line (or a table's rows) to the frame around it.
    fn emit(&mut self, line: String) {
        match self.frames.last_mut() {
            None => {
                self.out.push_str(&line);
                self.out.push('\n');
            }
            _ if line.trim().is_empty() => {}
            // A text box's paragraph inside a paragraph: its own line.
            Some(Frame::Para(p)) => {
                if !p.text.is_empty() {
                    p.text.push('\n');
                }
                p.text.push_str(&line);
            }
            Some(Frame::Cell(cell)) => {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&line);
            }
            Some(Frame::Row(cells)) => cells.push(line),
            Some(Frame::Table { text, .. }) => {
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
}
