//! What `word/styles.xml` says about paragraph styles: which are headings (by name
//! "heading N"/"Title" or by outline level) and which are list styles (with numbering).
//! Style ids are localized ("berschrift1" in German Word), so the id alone is not enough.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct StyleInfo {
    pub heading: Option<u8>,
    pub list: bool,
}

/// Style id → what the style makes of a paragraph.
#[derive(Debug, Default)]
pub(super) struct Styles(HashMap<String, StyleInfo>);

impl Styles {
    /// From styles.xml, else from the English ids Word and most tools write ("Heading2").
    pub fn get(&self, style_id: &str) -> StyleInfo {
        self.0.get(style_id).copied().unwrap_or(StyleInfo { heading: heading_from_name(style_id), list: false })
    }
}

pub(super) fn read(source: impl BufRead) -> Result<Styles, quick_xml::Error> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut styles = HashMap::new();
    let mut current: Option<(String, StyleInfo)> = None;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(ref e) | Event::Empty(ref e) => match (e.local_name().as_ref(), current.as_mut()) {
                ("style", _) => current = attr(e, "styleId").map(|id| (id, StyleInfo::default())),
                ("name", Some((_, info))) => {
                    if let Some(level) = attr(e, "val").as_deref().and_then(heading_from_name) {
                        info.heading = Some(level);
                    }
                }
                ("outlineLvl", Some((_, info))) => {
                    info.heading = info.heading.or_else(|| attr(e, "val").as_deref().and_then(outline_level));
                }
                ("numPr", Some((_, info))) => info.list = true,
                _ => {}
            },
            Event::End(ref e) if e.local_name().as_ref() == "style" => {
                if let Some((id, info)) = current.take() {
                    styles.insert(id, info);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(Styles(styles))
}

/// An attribute by local name, whatever prefix the file gives the Word namespace.
pub(super) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Word's outline levels are 0-based (0 = Heading 1); 9 means body text.
pub(super) fn outline_level(value: &str) -> Option<u8> {
    value.trim().parse::<u8>().ok().filter(|l| *l < 6).map(|l| l + 1)
}

/// "Title" and "heading 1".."heading 9" (style names) or "Heading1" (style ids).
fn heading_from_name(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    if lower == "title" {
        return Some(1);
    }
    let number = lower.strip_prefix("heading")?.trim();
    number.parse::<u8>().ok().filter(|n| (1..=9).contains(n)).map(|n| n.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outline_levels_and_numbering() {
        let xml = r#"<w:styles xmlns:w="x"><w:style w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style><w:style w:styleId="Kapitel"><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style></w:styles>"#;
        let styles = read(xml.as_bytes()).unwrap();
        assert_eq!(styles.get("berschrift2"), StyleInfo { heading: Some(2), list: false });
        assert_eq!(styles.get("Kapitel"), StyleInfo { heading: Some(1), list: false });
        assert_eq!(styles.get("ListBullet"), StyleInfo { heading: None, list: true });
        assert_eq!(styles.get("Normal"), StyleInfo::default());
        // Not in styles.xml: the English id still says heading.
        assert_eq!(styles.get("Heading3").heading, Some(3));
        assert_eq!(styles.get("Heading12").heading, None);
    }
}
