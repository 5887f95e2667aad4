//! Notes files are parsed in a child process of the program itself (`source_text::isolation`),
//! here the built CLI: good files read as in-process, and hostile ones (a PDF that recurses
//! until the stack overflows, one that would take hours, one that inflates past the memory
//! limit, one with too much text) end that child, never the caller.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use deckhand_engine::source_text::{read_source_file_with, Isolation};
use deckhand_tests::files::pdf_of;

fn reader() -> Isolation {
    Isolation::program(env!("CARGO_BIN_EXE_deckhand-cli"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/source_text").join(name)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
    o.extend_from_slice(content);
    o.extend_from_slice(b"\nendstream");
    o
}

/// One page whose content draws form `/F` (object 5 on).
fn page_drawing_forms(forms: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R /Resources << /XObject << /F 5 0 R >> >> >>".to_vec(),
        stream("", b"/F Do"),
    ];
    objects.extend(forms);
    pdf_of(&objects)
}

/// A form that draws itself: the parser recurses until the stack overflows.
fn self_drawing_form() -> Vec<u8> {
    page_drawing_forms(vec![stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /F 5 0 R >> >>", b"/F Do")])
}

/// Forty forms each drawing the next twice: 2^40 draws, effectively endless.
fn doubling_forms() -> Vec<u8> {
    let depth = 40;
    let forms = (0..depth)
        .map(|i| {
            let object = 5 + i;
            if i + 1 < depth {
                let dict = format!("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /F {} 0 R >> >>", object + 1);
                stream(&dict, b"/F Do /F Do")
            } else {
                stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"0 0 m")
            }
        })
        .collect();
    page_drawing_forms(forms)
}

/// zlib data that inflates to `1 + 258 * copies` zero bytes: one fixed-Huffman block, a
/// literal 0 and then length-258, distance-1 copies (13 bits each), written by hand so the
/// test does not spend seconds compressing.
fn zeros_zlib(copies: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
    }
    let mut b = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    b.put(1, 1); // the last block
    b.put(1, 2); // fixed Huffman codes
    b.code(0b0011_0000, 8); // literal 0
    for _ in 0..copies {
        b.code(0b1100_0101, 8); // length 258 (symbol 285)
        b.code(0, 5); // distance 1
    }
    b.code(0, 7); // end of block
    if b.n > 0 {
        b.put(0, 8 - b.n);
    }
    let total = (1 + 258 * copies as u64) % 65521;
    b.out.extend_from_slice(&(((total as u32) << 16) | 1).to_be_bytes()); // Adler-32 of zeros
    b.out
}

/// A page whose content stream inflates to about 600 MB.
fn inflating_content() -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>".to_vec(),
    ];
    objects.push(stream("/Filter /FlateDecode", &zeros_zlib(600 * 1024 * 1024 / 258)));
    pdf_of(&objects)
}

#[test]
fn real_documents_read_the_same_through_the_child() {
    let pdf = read_source_file_with(&fixture("chromium.pdf"), &reader()).unwrap();
    assert!(pdf.text.starts_with("Quarterly Review\n\nRevenue grew 12%"), "{:?}", pdf.text);
    let docx = read_source_file_with(&fixture("python-docx.docx"), &reader()).unwrap();
    assert!(docx.text.starts_with("# Quarterly Review\n# Results"), "{:?}", docx.text);
    assert_eq!(docx.chars, docx.text.chars().count());
    // The reader's own refusals come back whole.
    let dir = tempfile::tempdir().unwrap();
    let e = read_source_file_with(&write(&dir, "scan.pdf", &page_drawing_forms(vec![stream("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", b"0 0 m")])), &reader())
        .unwrap_err();
    assert!(e.message().contains("no text Deckhand can read"), "{}", e.message());
}

#[test]
fn a_pdf_that_overflows_the_stack_ends_only_the_child() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_source_file_with(&write(&dir, "loop.pdf", &self_drawing_form()), &reader()).unwrap_err();
    assert_eq!(e.kind(), "invalid_input");
    assert!(e.message().contains("could not read this PDF (“loop.pdf”)"), "{}", e.message());
}

#[test]
fn a_pdf_that_would_take_hours_is_stopped_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "endless.pdf", &doubling_forms());
    let mut isolation = reader();
    isolation.deadline = Duration::from_secs(2);
    let started = Instant::now();
    let e = read_source_file_with(&path, &isolation).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(20), "stopped at the deadline, not at the end: {:?}", started.elapsed());
    assert!(e.message().contains("stopped reading “endless.pdf” after 2 seconds"), "{}", e.message());
}

#[test]
fn a_pdf_that_inflates_past_the_memory_limit_ends_only_the_child() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "bomb.pdf", &inflating_content());
    assert!(std::fs::metadata(&path).unwrap().len() < 8 * 1024 * 1024, "a small file");
    let mut isolation = reader();
    isolation.memory_bytes = 256 * 1024 * 1024;
    let e = read_source_file_with(&path, &isolation).unwrap_err();
    assert!(e.message().contains("could not read this PDF (“bomb.pdf”)"), "{}", e.message());
}

#[test]
fn more_answer_than_the_cap_is_refused() {
    let mut isolation = reader();
    isolation.output_bytes = 64;
    let e = read_source_file_with(&fixture("python-docx.docx"), &isolation).unwrap_err();
    assert!(e.message().contains("far more text than a deck can use"), "{}", e.message());
}

#[test]
fn generate_refuses_a_hostile_file_plainly_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "loop.pdf", &self_drawing_form());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deckhand-cli"))
        .args(["--json", "generate", "--provider", "gamma", "--content-file", "loop.pdf"])
        .current_dir(dir.path())
        .env("DECKHAND_DATA_DIR", dir.path().join("data"))
        .env("DECKHAND_GAMMA_API_KEY", "sk-gamma-not-used")
        // Nothing listens here: a request would fail differently.
        .env("DECKHAND_GAMMA_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["error"]["kind"].as_str(), v["error"]["field"].as_str()), (Some("invalid_input"), Some("content_file")));
    assert!(!dir.path().join("data/journal.json").exists(), "nothing journaled, nothing sent");
}
