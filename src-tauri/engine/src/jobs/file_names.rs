//! Safe file names. A deck's title (typed by a person) or a file name sent by a server becomes
//! the base of the saved file's name, so it must be harmless on Windows, macOS and Linux: no
//! path separators or `..` (a server must not choose where the file lands), no characters
//! Windows refuses, no reserved device names, no hidden files, and a bounded length.

use std::path::{Path, PathBuf};

/// Longest base name in bytes. Leaves room for ` (NNNN).pptx.NN.part` within the 255-byte
/// limit of common file systems, and keeps full paths short on Windows.
pub const MAX_BASE_BYTES: usize = 120;

/// The name used when nothing usable is left.
pub const FALLBACK_BASE: &str = "Deck";

/// Device names Windows reserves, with or without an extension (`CON`, `con.txt`, `COM1.pptx`).
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
    "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Characters that hide or reorder text (zero-width, bidi overrides, BOM): a name with them can
/// look like `deck.pptx` while being `deck\u{202e}xtpp.exe`.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

/// A safe base name (no extension) for `raw`. Never empty; at most [`MAX_BASE_BYTES`] bytes.
pub fn sanitize_base(raw: &str) -> String {
    // 1. Separators and characters Windows refuses become spaces (so "Q1/Q2" stays readable);
    //    control and invisible characters go.
    let mut cleaned = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => cleaned.push(' '),
            c if c.is_whitespace() => cleaned.push(' '),
            c if c.is_control() || is_invisible(c) => {}
            c => cleaned.push(c),
        }
    }
    // 2. Collapse whitespace runs and dot runs ("..", "...") so no `..` survives.
    let mut collapsed = String::with_capacity(cleaned.len());
    let mut prev = '\0';
    for c in cleaned.chars() {
        if (c == ' ' || c == '.') && c == prev {
            continue;
        }
        collapsed.push(c);
        prev = c;
    }
    // 3. Bound the length, then trim: no hidden files, no trailing dot or space (Windows drops
    //    them silently, so the name on disk would differ from the one we checked).
    let bounded = truncate_bytes(&collapsed, MAX_BASE_BYTES);
    let trimmed = bounded.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return FALLBACK_BASE.to_string();
    }
    if is_reserved(trimmed) {
        // "CON" → "CON deck", "aux.txt" → "aux deck.txt": recognisable, no longer a device.
        let (stem, rest) = trimmed.split_at(trimmed.find('.').unwrap_or(trimmed.len()));
        return format!("{} deck{rest}", stem.trim_end());
    }
    trimmed.to_string()
}

/// A base name from a server's file name (`Quarterly review.pptx`): the known deck extension
/// is dropped (we add our own), the rest sanitized.
pub fn base_from_server_name(name: &str) -> String {
    // Only the last path component counts: a server may send `../../x.pptx` or `C:\x.pptx`.
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    let stem = [".pptx", ".pdf", ".png"]
        .iter()
        .find(|ext| lower.ends_with(*ext))
        .map(|ext| &last[..last.len() - ext.len()])
        .unwrap_or(last);
    sanitize_base(stem)
}

/// Longest title a deck's file is named after, in characters; a longer one is cut at a word
/// boundary (a server's own file name is cut mid-word: "… - Overview of Introduct.pptx").
pub const MAX_TITLE_CHARS: usize = 80;

/// The base name of a deck's file: the first of `candidates` (best first: the person's title,
/// the service's deck title, the topic's first line, the server's file name) that has a letter
/// or digit in it, cut at a word boundary and made safe.
pub fn deck_base_name(candidates: &[Option<&str>]) -> String {
    candidates
        .iter()
        .flatten()
        .map(|c| c.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or(""))
        .find(|c| c.chars().any(char::is_alphanumeric))
        .map(|c| sanitize_base(&cut_at_word(c, MAX_TITLE_CHARS)))
        .unwrap_or_else(|| FALLBACK_BASE.to_string())
}

/// `text` shortened to at most `max` characters, at the last space that keeps at least half of
/// it (else mid-word), without a dangling separator (" -", ":", ",").
pub fn cut_at_word(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max + 1).collect();
    let cut = match head.rfind(char::is_whitespace) {
        Some(i) if head[..i].chars().count() >= max / 2 => &head[..i],
        _ => &head[..head.char_indices().nth(max).map_or(head.len(), |(i, _)| i)],
    };
    cut.trim_end_matches(|c: char| c.is_whitespace() || "-–—:;,/|&+".contains(c)).to_string()
}

/// Whether Windows reserves `name` (its part before the first dot, case-insensitive, trailing
/// spaces ignored).
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The file name for the `n`-th candidate: `Deck.pptx`, `Deck (2).pptx`, `Deck (3).pptx`, …
pub fn numbered_name(base: &str, ext: &str, n: u32) -> String {
    if n <= 1 {
        format!("{base}.{ext}")
    } else {
        format!("{base} ({n}).{ext}")
    }
}

/// How many numbered names we try before giving up (a folder with 10 000 decks of one title).
pub const MAX_CANDIDATES: u32 = 10_000;

/// The first path in `dir` for `base`.`ext` that does not exist yet. Only a preview: another
/// process may take it before we write. The downloader claims its name atomically instead
/// (see `download.rs`); this is for showing where a file will go.
pub fn unique_path(dir: &Path, base: &str, ext: &str) -> Option<PathBuf> {
    (1..=MAX_CANDIDATES)
        .map(|n| dir.join(numbered_name(base, ext, n)))
        .find(|p| std::fs::symlink_metadata(p).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(sanitize_base("Quarterly review"), "Quarterly review");
        assert_eq!(sanitize_base("Q1/Q2 review"), "Q1 Q2 review");
        assert_eq!(sanitize_base("../../etc/passwd"), "etc passwd");
        assert_eq!(sanitize_base("..\\..\\Windows\\System32"), "Windows System32");
        assert_eq!(sanitize_base("a<b>c:d\"e|f?g*h"), "a b c d e f g h");
        assert_eq!(sanitize_base("  lots \t of\n\nspace  "), "lots of space");
        assert_eq!(sanitize_base("trailing dots..."), "trailing dots");
        assert_eq!(sanitize_base(".hidden"), "hidden");
        assert_eq!(sanitize_base(""), "Deck");
        assert_eq!(sanitize_base(" . .. / \\ "), "Deck");
        assert_eq!(sanitize_base("\u{0}\u{7}\u{1b}"), "Deck");
        assert_eq!(sanitize_base("Café 日本 Präsentation"), "Café 日本 Präsentation");
        assert_eq!(sanitize_base("deck\u{202e}xtpp.exe"), "deckxtpp.exe");
        assert_eq!(sanitize_base("Wait... what"), "Wait. what");
    }

    #[test]
    fn reserved_windows_names_are_changed() {
        for n in ["CON", "con", "Nul", "aux.txt", "COM1", "lpt9.pptx", "COM¹", "CON "] {
            let s = sanitize_base(n);
            assert!(!is_reserved(&s), "{n} → {s}");
        }
        assert!(!is_reserved("CONSOLE"));
        assert_eq!(sanitize_base("Console"), "Console");
    }

    #[test]
    fn long_names_are_cut_on_a_char_boundary() {
        let s = sanitize_base(&"é".repeat(200));
        assert!(s.len() <= MAX_BASE_BYTES);
        assert!(s.chars().all(|c| c == 'é'));
        assert_eq!(s.len(), 120);
        let s = sanitize_base(&format!("{} tail", "x".repeat(119)));
        assert_eq!(s, "x".repeat(119), "trailing space after the cut is trimmed");
    }

    #[test]
    fn server_names_lose_their_path_and_extension() {
        assert_eq!(base_from_server_name("../../x/Deck.pptx"), "Deck");
        assert_eq!(base_from_server_name("C:\\Users\\a\\Report.PDF"), "Report");
        assert_eq!(base_from_server_name("notes.txt"), "notes.txt");
        assert_eq!(base_from_server_name(".pptx"), "Deck");
    }

    #[test]
    fn deck_names_come_from_the_best_title_cut_at_a_word() {
        // The person's title wins; then the service's; then the topic; the server's file name last.
        assert_eq!(deck_base_name(&[Some("Mine"), Some("Service"), Some("Topic")]), "Mine");
        assert_eq!(deck_base_name(&[None, Some("  "), Some("Why our school is switching\nmore notes"), Some("x.pptx")]), "Why our school is switching");
        assert_eq!(deck_base_name(&[Some("???"), None, Some("Q3 review")]), "Q3 review");
        assert_eq!(deck_base_name(&[None, None]), "Deck");
        // The real server's name for a deck, 95 characters cut mid-word by the server.
        let server = "Why our school is switching to a four-day week - Presenter Fake LLM - Date 2026-12-02 - Overvie";
        let name = deck_base_name(&[None, Some(server)]);
        assert_eq!(name, "Why our school is switching to a four-day week - Presenter Fake LLM - Date");
        assert!(name.chars().count() <= MAX_TITLE_CHARS);
    }

    #[test]
    fn cutting_at_a_word() {
        assert_eq!(cut_at_word("short", 80), "short");
        assert_eq!(cut_at_word("one two three four", 12), "one two");
        assert_eq!(cut_at_word("Quarterly review: the numbers", 18), "Quarterly review");
        // One long word is cut where it must be.
        assert_eq!(cut_at_word(&"x".repeat(100), 10), "x".repeat(10));
        assert_eq!(cut_at_word("Präsentation über Äpfel und Birnen", 20), "Präsentation über");
        assert_eq!(cut_at_word("日本語のタイトル 長い", 5), "日本語のタ");
    }

    #[test]
    fn numbered_names_and_unique_path() {
        assert_eq!(numbered_name("Deck", "pptx", 1), "Deck.pptx");
        assert_eq!(numbered_name("Deck", "pptx", 2), "Deck (2).pptx");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unique_path(dir.path(), "Deck", "pptx").unwrap(), dir.path().join("Deck.pptx"));
        std::fs::write(dir.path().join("Deck.pptx"), b"x").unwrap();
        std::fs::write(dir.path().join("Deck (2).pptx"), b"x").unwrap();
        assert_eq!(unique_path(dir.path(), "Deck", "pptx").unwrap(), dir.path().join("Deck (3).pptx"));
    }

    proptest! {
        #[test]
        fn any_input_gives_a_safe_name(raw in "\\PC{0,300}|[./\\\\ <>:\"|?*\\x00-\\x1f]{0,40}") {
            let s = sanitize_base(&raw);
            prop_assert!(!s.is_empty());
            prop_assert!(s.len() <= MAX_BASE_BYTES + " deck".len());
            prop_assert!(!s.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']));
            prop_assert!(!s.contains(".."));
            prop_assert!(!s.chars().any(|c| c.is_control() || is_invisible(c)));
            prop_assert!(!s.starts_with(['.', ' ']));
            prop_assert!(!s.ends_with(['.', ' ']));
            prop_assert!(!s.contains("  "));
            prop_assert!(!is_reserved(&s));
            // A safe name is a single normal path component.
            let p = Path::new(&s);
            prop_assert_eq!(p.components().count(), 1);
            prop_assert!(matches!(p.components().next(), Some(std::path::Component::Normal(_))));
        }

        #[test]
        fn sanitizing_is_idempotent(raw in "\\PC{0,200}") {
            let once = sanitize_base(&raw);
            prop_assert_eq!(sanitize_base(&once), once.clone());
        }

        #[test]
        fn letters_and_digits_are_kept(raw in "[\\p{L}\\p{N}]{1,30}") {
            // Unless it happens to be a reserved name, ordinary words come through unchanged.
            prop_assume!(!is_reserved(&raw));
            prop_assert_eq!(sanitize_base(&raw), raw);
        }
    }
}
