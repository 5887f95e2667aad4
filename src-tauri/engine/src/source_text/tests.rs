//! Real files made here (a .docx zipped from its XML parts, PDFs with Helvetica text
//! objects, UTF-8/UTF-16 text), read back through the public functions; and garbage and
//! damaged copies of each, which must come back as a plain `InvalidInput`, never a panic.

use std::io::Write;

use proptest::prelude::*;

use super::*;

/// The unit tests parse in this process: the test binary cannot be the reader child. The
/// child process itself is tested with the built CLI (`src-tauri/cli/tests/cli_documents.rs`).
fn read_source_file(path: &std::path::Path) -> Result<SourceText, Error> {
    read_checked(path, |name, _, bytes| source_text_from_bytes(name, &bytes))
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A .docx from its parts, deflated as Word does.
fn docx(document_body: &str, styles: Option<&str>) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut part = |name: &str, body: &str| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        };
        part("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#);
        part("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#);
        part("word/document.xml", &format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{document_body}</w:body></w:document>"#));
        if let Some(styles) = styles {
            part("word/styles.xml", &format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{styles}</w:styles>"#));
        }
        zip.finish().unwrap();
    }
    buf
}

fn para(style: Option<&str>, runs: &str) -> String {
    let ppr = style.map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)).unwrap_or_default();
    format!("<w:p>{ppr}{runs}</w:p>")
}

fn run(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// A one-page PDF showing `lines` in Helvetica, one `Td` line each; the same kind of file as
/// `deckhand-tests`' `files::pdf`, with several lines.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut stream = String::from("BT /F1 18 Tf 72 720 Td");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            stream.push_str(" 0 -24 Td");
        }
        stream.push_str(&format!(" ({line}) Tj"));
    }
    stream.push_str(" ET");
    pdf_with_content(&stream, HELVETICA)
}

const HELVETICA: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

fn pdf_with_content(stream: &str, font: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        font.to_string(),
    ];
    crate::test_pdf::pdf_of(&objects.map(String::into_bytes))
}

/// The error's field and message, after checking it is the presenter-facing kind.
fn refused(result: Result<SourceText, Error>) -> String {
    match result {
        Err(Error::InvalidInput { field, message, .. }) => {
            assert_eq!(field.as_deref(), Some(SOURCE_FIELD));
            assert!(!message.is_empty());
            message
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

// ---- plain text ----

#[test]
fn markdown_file_is_read_whole_with_name_and_char_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "Notes.md", "# Plan\r\n\r\n- café ☕\r\n- second\r\n".as_bytes());
    let source = read_source_file(&path).unwrap();
    assert_eq!(source.name, "Notes.md");
    assert_eq!(source.text, "# Plan\n\n- café ☕\n- second");
    assert_eq!(source.chars, source.text.chars().count());
    assert_eq!(source.chars, 25);
    assert_ne!(source.chars, source.text.len(), "counted in characters, not bytes");
}

#[test]
fn utf16_text_file_with_bom_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Agenda\r\nÜberblick".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let path = write_temp(&dir, "agenda.TXT", &bytes);
    assert_eq!(read_source_file(&path).unwrap().text, "Agenda\nÜberblick");
}

#[test]
fn latin1_text_file_is_read() {
    assert_eq!(source_text_from_bytes("old.txt", b"Na\xefve r\xe9sum\xe9").unwrap().text, "Naïve résumé");
}

#[test]
fn long_text_is_returned_whole() {
    let long = "word ".repeat(100_000);
    let source = source_text_from_bytes("long.txt", long.as_bytes()).unwrap();
    assert_eq!(source.chars, 499_999, "no truncation: the provider decides what is too long");
}

#[test]
fn serializes_name_text_and_chars() {
    let source = source_text_from_bytes("a.txt", b"Hi").unwrap();
    assert_eq!(serde_json::to_value(&source).unwrap(), serde_json::json!({"name": "a.txt", "text": "Hi", "chars": 2}));
}

// ---- Word ----

#[test]
fn docx_paragraphs_headings_lists_tabs_and_breaks() {
    let body = [
        para(Some("Title"), &run("Quarterly Review")),
        para(Some("Heading2"), &run("Results")),
        format!(r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>{}<w:r><w:tab/><w:t>Q3</w:t><w:br/><w:t>next line</w:t></w:r></w:p>"#, run("Revenue")),
        format!(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{}</w:p>"#, run("First point")),
        "<w:p/>".to_string(),
        para(None, &format!("{}{}", run("Profit &amp; loss &#x2014; "), run("up 12%"))),
    ]
    .concat();
    let source = source_text_from_bytes("review.docx", &docx(&body, None)).unwrap();
    assert_eq!(source.text, "# Quarterly Review\n## Results\nRevenue\tQ3\nnext line\n- First point\n\nProfit & loss — up 12%");
}

#[test]
fn docx_headings_follow_styles_xml_for_localized_style_ids() {
    let styles = r#"<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Standard"><w:name w:val="Normal"/></w:style>"#;
    let body = [para(Some("berschrift1"), &run("Einleitung")), para(Some("Kapitel"), &run("Teil")), para(Some("Standard"), &run("Text"))].concat();
    let source = source_text_from_bytes("bericht.docx", &docx(&body, Some(styles))).unwrap();
    assert_eq!(source.text, "# Einleitung\n### Teil\nText");
}

#[test]
fn docx_tables_become_markdown_rows_and_list_styles_become_items() {
    let styles = r#"<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#;
    let cell = |text: &str| format!("<w:tc>{}</w:tc>", para(None, &run(text)));
    let body = [
        para(None, &run("Sales by region")),
        format!(
            "<w:tbl><w:tblPr/><w:tr>{}{}</w:tr><w:tr>{}<w:tc>{}{}</w:tc></w:tr></w:tbl>",
            cell("Region"),
            cell("Sales | units"),
            cell("North"),
            para(None, &run("42")),
            para(None, &run("(est.)"))
        ),
        para(Some("ListBullet"), &run("Bulleted by its style")),
        r#"<w:p><w:pPr><w:pStyle w:val="ListBullet"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Numbering switched off</w:t></w:r></w:p>"#.to_string(),
    ]
    .concat();
    let source = source_text_from_bytes("table.docx", &docx(&body, Some(styles))).unwrap();
    assert_eq!(
        source.text,
        "Sales by region\n\n| Region | Sales \\| units |\n| --- | --- |\n| North | 42 (est.) |\n\n- Bulleted by its style\nNumbering switched off"
    );
}

#[test]
fn docx_skips_deleted_text_field_codes_and_fallback_copies() {
    let body = format!(
        r#"<w:p><w:del><w:r><w:delText>removed </w:delText></w:r></w:del><w:r><w:instrText> PAGE </w:instrText></w:r>{}<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p>{}</w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p>{}</w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        run("kept"),
        run("box text"),
        run("box text"),
    );
    let source = source_text_from_bytes("edits.docx", &docx(&body, None)).unwrap();
    assert_eq!(source.text, "kept\nbox text");
}

#[test]
fn docx_with_only_empty_paragraphs_has_no_text() {
    let message = refused(source_text_from_bytes("pictures.docx", &docx("<w:p/><w:p><w:r><w:drawing/></w:r></w:p>", None)));
    assert!(message.contains("no text"), "{message}");
}

#[test]
fn zip_without_a_document_part_is_a_damaged_word_file() {
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        zip.start_file("hello.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"hi").unwrap();
        zip.finish().unwrap();
    }
    let message = refused(source_text_from_bytes("fake.docx", &buf));
    assert!(message.starts_with("Deckhand could not read this Word file"), "{message}");
}

#[test]
fn broken_xml_is_a_damaged_word_file() {
    let message = refused(source_text_from_bytes("broken.docx", &docx("<w:p><w:r><w:t>open</w:r></w:p>", None)));
    assert!(message.starts_with("Deckhand could not read this Word file"), "{message}");
}

#[test]
fn old_doc_or_protected_docx_is_named_as_such() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0u8; 504]);
    let message = refused(source_text_from_bytes("secret.docx", &ole));
    assert!(message.contains("password-protected or in the old Word"), "{message}");
}

// ---- PDF ----

#[test]
fn pdf_text_objects_are_read_back_line_by_line() {
    let source = source_text_from_bytes("talk.pdf", &pdf(&["Hello Deckhand", "Second line of notes"])).unwrap();
    assert_eq!(source.text, "Hello Deckhand\nSecond line of notes");
}

#[test]
fn pdf_win_ansi_accents_and_word_spacing_are_read() {
    // \351 is é in WinAnsiEncoding; the TJ gap of -600 thousandths of an em is a word space.
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let source = source_text_from_bytes("accents.pdf", &pdf_with_content(r"BT /F1 18 Tf 72 720 Td [(caf\351) -600 (cr\350me)] TJ ET", font)).unwrap();
    assert_eq!(source.text, "café crème");
}

/// Files made by real tools (see `tests/fixtures/source_text/make_fixtures.sh`).
fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/source_text").join(name)
}

#[test]
fn chromium_pdf_with_compressed_subset_fonts_is_read() {
    let source = read_source_file(&fixture("chromium.pdf")).unwrap();
    assert_eq!(
        source.text,
        "Quarterly Review\n\nRevenue grew 12% in the third quarter, driven by café sales — naïve forecasts missed it.\n\nFirst point\nSecond point"
    );
}

#[test]
fn python_docx_file_from_words_template_is_read() {
    let source = read_source_file(&fixture("python-docx.docx")).unwrap();
    assert_eq!(
        source.text,
        "# Quarterly Review\n# Results\nRevenue grew 12% — café sales & more.\n- First bullet\n- Second numbered\n## Details\n\n| Region | Sales |\n| --- | --- |\n| North | 42 |\n\nLine one\nLine two\tafter tab"
    );
}

#[test]
fn pdf_file_on_disk_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "Slides.PDF", &pdf(&["From disk"]));
    let source = read_source_file(&path).unwrap();
    assert_eq!((source.name.as_str(), source.text.as_str(), source.chars), ("Slides.PDF", "From disk", 9));
}

#[test]
fn pdf_without_text_says_it_may_be_scanned() {
    // A page that only paints a rectangle, as a scan paints its image.
    let message = refused(source_text_from_bytes("scan.pdf", &pdf_with_content("0 0 1 rg 10 10 200 200 re f", HELVETICA)));
    assert!(message.starts_with("This PDF has no text Deckhand can read (it may be scanned)"), "{message}");
}

#[test]
fn truncated_pdf_is_damaged() {
    let whole = pdf(&["Cut short"]);
    let message = refused(source_text_from_bytes("cut.pdf", &whole[..whole.len() / 3]));
    assert!(message.starts_with("Deckhand could not read this PDF"), "{message}");
}

// ---- the file itself ----

#[test]
fn missing_file_is_a_plain_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let message = refused(read_source_file(&dir.path().join("gone.docx")));
    assert!(message.contains("could not find “gone.docx”"), "{message}");
}

#[test]
fn folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("notes.txt")).unwrap();
    let message = refused(read_source_file(&dir.path().join("notes.txt")));
    assert!(message.contains("is a folder"), "{message}");
}

#[test]
fn unsupported_types_list_the_supported_ones() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["deck.pptx", "README", "photo.png", "old.doc"] {
        // Refused by type alone, whether or not the file exists.
        let message = refused(read_source_file(&dir.path().join(name)));
        for ext in [".txt", ".md", ".docx", ".pdf"] {
            assert!(message.contains(ext), "{name}: {message}");
        }
    }
}

#[test]
fn every_listed_extension_is_read_in_either_case() {
    for ext in SUPPORTED_EXTENSIONS {
        assert!(Format::from_name(&format!("a.{ext}")).is_some(), "{ext}");
        assert!(Format::from_name(&format!("A.{}", ext.to_uppercase())).is_some(), "{ext}");
    }
    assert_eq!(Format::from_name("notes.txt.exe"), None);
    assert_eq!(Format::from_name(".pdf.zip"), None);
}

#[test]
fn files_over_50_mb_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.pdf");
    // Sparse: costs no disk and would take seconds to parse if it were read.
    std::fs::File::create(&path).unwrap().set_len(MAX_SOURCE_BYTES + 1).unwrap();
    let message = refused(read_source_file(&path));
    assert!(message.contains("51 MB") && message.contains("up to 50 MB"), "{message}");
    // Exactly 50 MB is allowed through to the reader (which then finds no text in zeros).
    std::fs::File::create(&path).unwrap().set_len(MAX_SOURCE_BYTES).unwrap();
    let message = refused(read_source_file(&path));
    assert!(!message.contains("50 MB"), "{message}");
}

#[test]
fn empty_files_are_refused_for_every_type() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.md", "c.docx", "d.pdf"] {
        let message = refused(read_source_file(&write_temp(&dir, name, b"")));
        assert!(message.contains("is empty"), "{name}: {message}");
    }
    let message = refused(source_text_from_bytes("blank.txt", b" \r\n\t\n"));
    assert!(message.contains("is empty"), "{message}");
}

#[test]
fn garbage_with_each_extension_is_refused_plainly() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for (name, start) in [
        ("g.txt", "“g.txt” does not look like a text file"),
        ("g.md", "“g.md” does not look like a text file"),
        ("g.docx", "Deckhand could not read this Word file"),
        ("g.pdf", "Deckhand could not read this PDF"),
    ] {
        let message = refused(source_text_from_bytes(name, &garbage));
        assert!(message.starts_with(start), "{name}: {message}");
    }
}

// ---- never a panic, on any bytes ----

fn assert_answered(name: &str, bytes: &[u8]) {
    match source_text_from_bytes(name, bytes) {
        Ok(source) => assert_eq!(source.chars, source.text.chars().count()),
        Err(err) => {
            refused(Err(err));
        }
    }
}

/// Flips `flips` bytes at positions drawn from `seeds`, and maybe cuts the tail.
fn damage(mut bytes: Vec<u8>, flips: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    for (pos, value) in flips {
        let len = bytes.len();
        bytes[pos % len] = *value;
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_with_any_extension_get_an_answer(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        ext in prop::sample::select(vec!["txt", "md", "docx", "pdf"]),
    ) {
        assert_answered(&format!("f.{ext}"), &bytes);
    }

    #[test]
    fn damaged_pdfs_get_an_answer(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        assert_answered("d.pdf", &damage(pdf(&["Damaged but maybe readable", "line two"]), &flips, cut));
    }

    #[test]
    fn damaged_docx_files_get_an_answer(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let body = [para(Some("Heading1"), &run("Title")), para(None, &run("Body &amp; more"))].concat();
        assert_answered("d.docx", &damage(docx(&body, None), &flips, cut));
    }

    #[test]
    fn damaged_document_xml_gets_an_answer(cut in 0usize..400, junk in "[<>&;/a-z:\" =]{0,20}") {
        let mut body = [para(Some("Heading1"), &run("Title")), para(None, &run("Body &amp; more"))].concat();
        let at = body.char_indices().map(|(i, _)| i).nth(cut % body.chars().count()).unwrap_or(0);
        body.insert_str(at, &junk);
        assert_answered("x.docx", &docx(&body, None));
    }
}
