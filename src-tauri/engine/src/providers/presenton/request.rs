//! Checking a request before anything is sent, and building the generate body (REFERENCE
//! §2.3 self-hosted, §2.6 hosted). Pure, apart from reading file sizes.

use std::path::Path;

use serde_json::{json, Map, Value};

use super::languages::DEFAULT_LANGUAGE;
use crate::providers::{DeckRequest, ExportFormat};
use crate::Error;

pub const MAX_CONTENT_CHARS: usize = 100_000;
pub const MAX_INSTRUCTIONS_CHARS: usize = 10_000;
pub const MAX_SLIDES: u32 = 50;
/// Sent when the person leaves the count to the service: the hosted default, sent explicitly
/// because self-hosted servers changed theirs from 8 to "auto" (§2.8.3).
pub const DEFAULT_SLIDES: u32 = 8;
pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES_HOSTED: u64 = 50 * 1024 * 1024;
pub const MAX_FILE_BYTES_SELF_HOSTED: u64 = 100 * 1024 * 1024;

/// File types the upload endpoint accepts (§2.3).
pub const UPLOAD_EXTENSIONS: &[&str] = &[
    "pdf", "txt", "md", "doc", "docx", "docm", "odt", "rtf", "ppt", "pptx", "pptm", "odp", "xls", "xlsx", "xlsm",
    "ods", "csv", "tsv", "jpg", "jpeg", "png", "gif", "bmp", "tiff", "tif", "webp", "svg",
];

pub const TONES: &[&str] = &["default", "casual", "professional", "funny", "educational", "sales_pitch"];
pub const VERBOSITIES: &[&str] = &["concise", "standard", "text-heavy"];
pub const IMAGE_TYPES: &[&str] = &["stock", "ai-generated"];
pub const CONTENT_GENERATION: &[&str] = &["preserve", "enhance", "condense"];

/// Options both surfaces take, by API name.
const SHARED_OPTIONS: &[&str] =
    &["tone", "verbosity", "web_search", "include_table_of_contents", "include_title_slide", "slides_markdown"];
/// Options only the hosted service knows; a self-hosted server would drop them silently, so
/// they are not sent there.
const HOSTED_OPTIONS: &[&str] = &["markdown_emphasis", "image_type", "allow_access_to_user_info", "content_generation"];

/// Refuse what Presenton would refuse (or charge for and then fail).
pub fn validate(req: &DeckRequest, hosted: bool) -> Result<(), Error> {
    let slides_markdown = slides_markdown(req)?;
    let has_markdown = slides_markdown.as_ref().is_some_and(|m| !m.is_empty());
    if req.content.trim().is_empty() && req.source_files.is_empty() && !has_markdown {
        return Err(Error::invalid_input("content", "Type a topic or some notes, or add a source file."));
    }
    if req.content.chars().count() > MAX_CONTENT_CHARS {
        return Err(Error::invalid_input(
            "content",
            format!("The text is too long for Presenton: at most {MAX_CONTENT_CHARS} characters. Shorten it or send it as a file."),
        ));
    }
    if let Some(i) = &req.instructions {
        if i.chars().count() > MAX_INSTRUCTIONS_CHARS {
            return Err(Error::invalid_input(
                "instructions",
                format!("The instructions are too long: at most {MAX_INSTRUCTIONS_CHARS} characters."),
            ));
        }
    }
    if req.format == ExportFormat::Png {
        return Err(Error::invalid_input("format", "Presenton makes PowerPoint and PDF files only. Choose PPTX or PDF."));
    }
    let slides = effective_slides(req, slides_markdown.as_deref());
    if !(1..=MAX_SLIDES).contains(&slides) {
        return Err(Error::invalid_input("slides", format!("Choose between 1 and {MAX_SLIDES} slides.")));
    }
    for (key, value) in &req.options {
        check_option(key, value)?;
    }
    if bool_option(req, "include_table_of_contents") == Some(true) && slides < 3 {
        return Err(Error::invalid_input(
            "include_table_of_contents",
            "A deck with a table of contents needs at least 3 slides. Add slides or leave out the table of contents.",
        ));
    }
    if let Some(lang) = &req.language {
        if lang.chars().count() > 100 {
            return Err(Error::invalid_input("language", "The language name is too long."));
        }
    }
    check_files(&req.source_files, hosted)
}

/// Hosted-only options are checked on both surfaces (a wrong value is a mistake either way)
/// but only sent to hosted; see [`body`].
fn check_option(key: &str, value: &Value) -> Result<(), Error> {
    let one_of = |allowed: &[&str], what: &str| match value.as_str() {
        Some(s) if allowed.contains(&s) => Ok(()),
        _ => Err(Error::invalid_input(key, format!("Choose a {what} Presenton knows: {}.", allowed.join(", ")))),
    };
    let boolean = || {
        if value.is_boolean() {
            Ok(())
        } else {
            Err(Error::invalid_input(key, format!("The option “{key}” must be on or off.")))
        }
    };
    match key {
        "tone" => one_of(TONES, "tone"),
        "verbosity" => one_of(VERBOSITIES, "text amount"),
        "image_type" => one_of(IMAGE_TYPES, "image type"),
        "content_generation" => one_of(CONTENT_GENERATION, "way of handling your text"),
        "web_search" | "include_table_of_contents" | "include_title_slide" | "markdown_emphasis"
        | "allow_access_to_user_info" => boolean(),
        "slides_markdown" => Ok(()), // checked by `slides_markdown`
        _ => Err(Error::invalid_input(key, format!("Presenton has no option called “{key}”."))),
    }
}

fn check_files(files: &[std::path::PathBuf], hosted: bool) -> Result<(), Error> {
    if files.len() > MAX_FILES {
        return Err(Error::invalid_input("source_files", format!("Add at most {MAX_FILES} source files.")));
    }
    let max = if hosted { MAX_FILE_BYTES_HOSTED } else { MAX_FILE_BYTES_SELF_HOSTED };
    for f in files {
        let name = display_name(f);
        let ext = f.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        if !UPLOAD_EXTENSIONS.contains(&ext.as_str()) {
            return Err(Error::invalid_input(
                "source_files",
                format!("Presenton cannot read “{name}”. Use PDF, Word, PowerPoint, Excel, text or image files."),
            ));
        }
        let meta = std::fs::metadata(f).map_err(|_| {
            Error::invalid_input("source_files", format!("The file “{name}” could not be found. Choose it again."))
        })?;
        if !meta.is_file() {
            return Err(Error::invalid_input("source_files", format!("“{name}” is not a file.")));
        }
        if meta.len() > max {
            return Err(Error::invalid_input(
                "source_files",
                format!("“{name}” is larger than {} MB, the most Presenton accepts per file.", max / (1024 * 1024)),
            ));
        }
    }
    Ok(())
}

fn display_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// `options.slides_markdown` as a list of strings, if present.
fn slides_markdown(req: &DeckRequest) -> Result<Option<Vec<String>>, Error> {
    let Some(v) = req.options.get("slides_markdown") else { return Ok(None) };
    if v.is_null() {
        return Ok(None);
    }
    let bad = || Error::invalid_input("slides_markdown", "Slide texts must be a list of texts, one per slide.");
    let items = v.as_array().ok_or_else(bad)?;
    items.iter().map(|i| i.as_str().map(str::to_string).ok_or_else(bad)).collect::<Result<Vec<_>, _>>().map(Some)
}

/// The slide count sent: one per markdown slide when given, else the person's choice.
fn effective_slides(req: &DeckRequest, markdown: Option<&[String]>) -> u32 {
    match markdown {
        Some(m) if !m.is_empty() => u32::try_from(m.len()).unwrap_or(u32::MAX),
        _ => req.slides.unwrap_or(DEFAULT_SLIDES),
    }
}

fn bool_option(req: &DeckRequest, key: &str) -> Option<bool> {
    req.options.get(key).and_then(Value::as_bool)
}

/// The generate body. `files` are the server paths the upload returned. Call after
/// [`validate`].
pub fn body(req: &DeckRequest, hosted: bool, files: &[String]) -> Value {
    let markdown = slides_markdown(req).ok().flatten();
    let language = req.language.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or(DEFAULT_LANGUAGE);
    let mut b = Map::new();
    // Required by the self-hosted schema even when only files are given (§2.3).
    b.insert("content".into(), json!(req.content));
    b.insert("n_slides".into(), json!(effective_slides(req, markdown.as_deref())));
    b.insert("language".into(), json!(language));
    b.insert("export_as".into(), json!(if req.format == ExportFormat::Pdf { "pdf" } else { "pptx" }));
    if let Some(i) = req.instructions.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        b.insert("instructions".into(), json!(i));
    }
    if let Some(t) = req.template.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        b.insert("template".into(), json!(t));
    }
    if !files.is_empty() {
        b.insert("files".into(), json!(files));
    }
    for key in SHARED_OPTIONS.iter().chain(if hosted { HOSTED_OPTIONS } else { &[] }) {
        if let Some(v) = req.options.get(*key).filter(|v| !v.is_null()) {
            b.insert((*key).to_string(), v.clone());
        }
    }
    if hosted {
        if let Some(t) = req.theme.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            b.insert("theme".into(), json!(t));
        }
    }
    Value::Object(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(content: &str) -> DeckRequest {
        DeckRequest { content: content.into(), ..DeckRequest::default() }
    }

    fn with(mut r: DeckRequest, k: &str, v: Value) -> DeckRequest {
        r.options.insert(k.into(), v);
        r
    }

    fn field(r: Result<(), Error>) -> Option<String> {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn count_and_language_are_always_sent() {
        let b = body(&req("Solar power"), false, &[]);
        assert_eq!(b["n_slides"], 8);
        assert_eq!(b["language"], "English");
        assert_eq!(b["export_as"], "pptx");
        assert_eq!(b["content"], "Solar power");
        let mut r = req("x");
        r.slides = Some(12);
        r.language = Some("German (Deutsch)".into());
        r.format = ExportFormat::Pdf;
        let b = body(&r, true, &[]);
        assert_eq!((b["n_slides"].as_u64(), b["language"].as_str(), b["export_as"].as_str()), (Some(12), Some("German (Deutsch)"), Some("pdf")));
    }

    #[test]
    fn hosted_only_fields_stay_off_self_hosted() {
        let mut r = with(with(with(req("x"), "tone", json!("funny")), "image_type", json!("ai-generated")), "markdown_emphasis", json!(false));
        r.theme = Some("mint-blue".into());
        r.template = Some("modern".into());
        let own = body(&r, false, &[]);
        assert_eq!(own["tone"], "funny");
        assert_eq!(own["template"], "modern");
        for k in ["image_type", "markdown_emphasis", "theme"] {
            assert!(own.get(k).is_none(), "{k} sent to a self-hosted server");
        }
        let hosted = body(&r, true, &[]);
        assert_eq!(hosted["image_type"], "ai-generated");
        assert_eq!(hosted["markdown_emphasis"], false);
        assert_eq!(hosted["theme"], "mint-blue");
    }

    #[test]
    fn files_only_sends_empty_content_and_the_server_paths() {
        let b = body(&req(""), false, &["/tmp/abc/notes.pdf".to_string()]);
        assert_eq!(b["content"], "");
        assert_eq!(b["files"], json!(["/tmp/abc/notes.pdf"]));
    }

    #[test]
    fn slides_markdown_sets_the_count() {
        let r = with(req(""), "slides_markdown", json!(["# A", "# B", "# C"]));
        assert!(validate(&r, false).is_ok());
        assert_eq!(body(&r, false, &[])["n_slides"], 3);
        assert_eq!(field(validate(&with(req("x"), "slides_markdown", json!("# A")), false)).as_deref(), Some("slides_markdown"));
    }

    #[test]
    fn bad_input_is_refused_with_its_field() {
        assert_eq!(field(validate(&req("  "), false)).as_deref(), Some("content"));
        assert_eq!(field(validate(&req(&"a".repeat(MAX_CONTENT_CHARS + 1)), true)).as_deref(), Some("content"));
        assert!(validate(&req(&"a".repeat(MAX_CONTENT_CHARS)), true).is_ok());
        let mut r = req("x");
        r.instructions = Some("i".repeat(MAX_INSTRUCTIONS_CHARS + 1));
        assert_eq!(field(validate(&r, true)).as_deref(), Some("instructions"));
        for n in [0, 51] {
            let mut r = req("x");
            r.slides = Some(n);
            assert_eq!(field(validate(&r, false)).as_deref(), Some("slides"), "{n}");
        }
        let mut r = with(req("x"), "include_table_of_contents", json!(true));
        r.slides = Some(2);
        assert_eq!(field(validate(&r, false)).as_deref(), Some("include_table_of_contents"));
        r.slides = Some(3);
        assert!(validate(&r, false).is_ok());
        assert_eq!(field(validate(&with(req("x"), "tone", json!("angry")), false)).as_deref(), Some("tone"));
        assert_eq!(field(validate(&with(req("x"), "verbosity", json!("long")), false)).as_deref(), Some("verbosity"));
        assert_eq!(field(validate(&with(req("x"), "web_search", json!("yes")), false)).as_deref(), Some("web_search"));
        assert_eq!(field(validate(&with(req("x"), "image_type", json!("clipart")), true)).as_deref(), Some("image_type"));
        assert_eq!(field(validate(&with(req("x"), "textMode", json!("generate")), true)).as_deref(), Some("textMode"));
        let mut r = req("x");
        r.format = ExportFormat::Png;
        assert_eq!(field(validate(&r, true)).as_deref(), Some("format"));
    }

    #[test]
    fn hosted_only_options_are_accepted_but_not_sent_to_self_hosted() {
        let r = with(req("x"), "image_type", json!("stock"));
        assert!(validate(&r, false).is_ok());
        assert!(body(&r, false, &[]).get("image_type").is_none());
    }

    #[test]
    fn source_files_are_checked_locally() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("notes.md");
        std::fs::write(&ok, "# Notes").unwrap();
        let exe = dir.path().join("tool.exe");
        std::fs::write(&exe, "MZ").unwrap();
        let mut r = req("");
        r.source_files = vec![ok.clone()];
        assert!(validate(&r, false).is_ok(), "files alone are enough");
        r.source_files = vec![exe];
        assert_eq!(field(validate(&r, false)).as_deref(), Some("source_files"));
        r.source_files = vec![dir.path().join("missing.pdf")];
        assert_eq!(field(validate(&r, false)).as_deref(), Some("source_files"));
        r.source_files = vec![ok; 11];
        assert_eq!(field(validate(&r, true)).as_deref(), Some("source_files"));
        let big = dir.path().join("big.pdf");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES_HOSTED + 1).unwrap();
        r.source_files = vec![big];
        assert_eq!(field(validate(&r, true)).as_deref(), Some("source_files"), "over 50 MB on hosted");
        assert!(validate(&r, false).is_ok(), "self-hosted takes up to 100 MB");
    }
}
