//! Batch files: either one deck per line (the line is the content; blank lines and lines
//! starting with `#` are skipped), or CSV whose header names the fields. A file is CSV when
//! its first line is a header with a `content` (or `content_file`) column. Every line is checked before any
//! deck is sent, so one bad line costs nothing.

use std::path::Path;

use crate::args::{option_value, parse_format, parse_provider, plan, read_notes_file, DeckOptions, InputError, Planned};

/// Columns with a meaning of their own; any other column is a provider option.
const FIELDS: &[&str] = &[
    "content", "content_file", "title", "slides", "language", "format", "theme", "template", "instructions", "provider", "out", "files",
];

/// One deck per entry, in file order. Errors name the line (1-based, as an editor shows it).
pub fn parse_batch(text: &str, defaults: &DeckOptions, cwd: &Path) -> Result<Vec<Planned>, InputError> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let decks = if is_csv_header(first) { parse_csv(text, defaults, cwd)? } else { parse_lines(text, defaults, cwd)? };
    if decks.is_empty() {
        return Err(InputError::new("batch", "The batch file holds no decks."));
    }
    Ok(decks)
}

fn is_csv_header(line: &str) -> bool {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
    match r.records().next() {
        Some(Ok(rec)) => rec.iter().any(|f| ["content", "content_file"].iter().any(|c| f.trim().eq_ignore_ascii_case(c))),
        _ => false,
    }
}

fn parse_lines(text: &str, defaults: &DeckOptions, cwd: &Path) -> Result<Vec<Planned>, InputError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(plan(line.to_string(), None, defaults, cwd).map_err(|e| at_line(i + 1, e))?);
    }
    Ok(out)
}

fn parse_csv(text: &str, defaults: &DeckOptions, cwd: &Path) -> Result<Vec<Planned>, InputError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| InputError::new("batch", format!("The CSV header could not be read: {e}")))?
        .iter()
        .map(|h| h.to_string())
        .collect();
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            InputError::new("batch", format!("Line {line}: {e}"))
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let mut opts = defaults.clone();
        let mut content = String::new();
        let mut title = None;
        for (h, v) in headers.iter().zip(rec.iter()) {
            if v.is_empty() {
                continue;
            }
            let bad = |m: String| at_line(line, InputError::new(h.clone(), m));
            match h.to_ascii_lowercase().as_str() {
                "content" => content = v.to_string(),
                // A notes file, read as the app reads a dropped one; `content` wins when both are there.
                "content_file" if content.is_empty() => content = read_notes_file(Path::new(v), cwd, h).map_err(|e| at_line(line, e))?,
                "content_file" => {}
                "title" => title = Some(v.to_string()),
                "slides" => opts.slides = Some(v.parse().map_err(|_| bad(format!("slides must be a whole number, not `{v}`")))?),
                "language" => opts.language = Some(v.to_string()),
                "format" => opts.format = Some(parse_format(v).map_err(bad)?),
                "theme" => opts.theme = Some(v.to_string()),
                "template" => opts.template = Some(v.to_string()),
                "instructions" => opts.instructions = Some(v.to_string()),
                "provider" => opts.provider = Some(parse_provider(v).map_err(bad)?),
                "out" => opts.out = Some(v.into()),
                "files" => opts.files = v.split(';').map(str::trim).filter(|f| !f.is_empty()).map(Into::into).collect(),
                _ => {
                    debug_assert!(!FIELDS.contains(&h.as_str()));
                    opts.options.retain(|(k, _)| k != h);
                    opts.options.push((h.clone(), option_value(v)));
                }
            }
        }
        out.push(plan(content, title, &opts, cwd).map_err(|e| at_line(line, e))?);
    }
    Ok(out)
}

fn at_line(line: usize, e: InputError) -> InputError {
    InputError { field: e.field, message: format!("Line {line}: {}", e.message) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand_engine::providers::{ExportFormat, ProviderKind};
    use serde_json::Value;

    fn gamma() -> DeckOptions {
        DeckOptions { provider: Some(ProviderKind::Gamma), ..Default::default() }
    }

    #[test]
    fn one_deck_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let decks = parse_batch("Solar power\n\n# a comment\n  Wind energy  \n", &gamma(), dir.path()).unwrap();
        let contents: Vec<_> = decks.iter().map(|d| d.request.content.as_str()).collect();
        assert_eq!(contents, vec!["Solar power", "Wind energy"]);
        assert!(decks.iter().all(|d| d.provider == ProviderKind::Gamma && d.out_dir == dir.path()));
    }

    #[test]
    fn a_line_without_a_provider_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let e = parse_batch("# x\nSolar\n", &DeckOptions::default(), dir.path()).unwrap_err();
        assert!(e.message.starts_with("Line 2:"), "{}", e.message);
    }

    #[test]
    fn csv_with_fields_and_options() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("decks")).unwrap();
        let text = "content,title,slides,format,provider,tone,out\n\
                    \"Solar, wind and water\",Energy,8,pdf,presenton,casual,decks\n\
                    Bees,,,,gamma,,\n";
        let decks = parse_batch(text, &gamma(), dir.path()).unwrap();
        assert_eq!(decks.len(), 2);
        assert_eq!(decks[0].request.content, "Solar, wind and water");
        assert_eq!(decks[0].request.title.as_deref(), Some("Energy"));
        assert_eq!(decks[0].request.slides, Some(8));
        assert_eq!(decks[0].request.format, ExportFormat::Pdf);
        assert_eq!(decks[0].provider, ProviderKind::Presenton);
        assert_eq!(decks[0].request.options.get("tone"), Some(&Value::from("casual")));
        assert_eq!(decks[0].out_dir, dir.path().join("decks"));
        assert_eq!(decks[1].provider, ProviderKind::Gamma, "empty cells keep the defaults");
        assert_eq!(decks[1].request.slides, None);
        assert!(decks[1].request.options.is_empty());
    }

    #[test]
    fn csv_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let e = parse_batch("content,slides\nA,3\nB,many\n", &gamma(), dir.path()).unwrap_err();
        assert_eq!(e.message, "Line 3: slides must be a whole number, not `many`");
        let e = parse_batch("content,format\nA,docx\n", &gamma(), dir.path()).unwrap_err();
        assert!(e.message.starts_with("Line 2:") && e.message.contains("docx"), "{}", e.message);
        let e = parse_batch("content,title\nA,x,extra\n", &gamma(), dir.path()).unwrap_err();
        assert!(e.message.starts_with("Line 2"), "{}", e.message);
        let e = parse_batch("content,title\n,only a title\n", &gamma(), dir.path()).unwrap_err();
        assert_eq!(e.field, "content");
    }

    #[test]
    fn a_content_header_alone_is_csv() {
        let dir = tempfile::tempdir().unwrap();
        let decks = parse_batch("content\nSolar\n", &gamma(), dir.path()).unwrap();
        assert_eq!(decks.len(), 1);
        assert_eq!(decks[0].request.content, "Solar");
        assert!(parse_batch("\n# nothing\n", &gamma(), dir.path()).is_err());
    }
}
