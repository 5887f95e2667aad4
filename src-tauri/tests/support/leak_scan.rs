//! Search everything Deckhand wrote or said for a credential: files under a folder (settings,
//! backups, journal, logs, downloads), event payloads, command results and error messages.
//!
//! Reusable for any flow: register the secrets, collect the outputs, call `assert_clean`.
//! Besides each secret verbatim it looks for the forms a leak usually takes: JSON-escaped,
//! percent-encoded (in a URL), base64 of Basic `user:password` (an `Authorization` header
//! written out), and any 12-character piece of the secret's private part (a truncated or
//! wrapped copy). Public prefixes such as `sk-presenton-` are not secret and are left out of
//! the pieces. A finding shows where the secret is, with every form of it masked.

use std::path::{Path, PathBuf};

use base64::Engine;

const PUBLIC_PREFIXES: [&str; 3] = ["sk-presenton-", "sk-gamma-", "sk-"];
const PIECE: usize = 12;
const MASK: &str = "<SECRET>";

#[derive(Default, Clone)]
pub struct LeakScan {
    /// (what it is, text that must not appear)
    needles: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Finding {
    pub secret: String,
    pub place: String,
    pub excerpt: String,
}

impl LeakScan {
    pub fn new() -> Self {
        LeakScan::default()
    }

    /// A key, token or password, by a label used in failure messages (never the value).
    pub fn secret(mut self, label: &str, value: &str) -> Self {
        assert!(value.chars().count() >= 8, "use test secrets of at least 8 characters so a match means something");
        self.needles.push((label.into(), value.into()));
        let escaped = serde_json::to_string(value).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        if escaped != value {
            self.needles.push((format!("{label} (JSON-escaped)"), escaped.into()));
        }
        // Written into a URL (user info, query): spaces as `+` or `%20`, the rest as `%XX`.
        let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        if form != value {
            self.needles.push((format!("{label} (URL-encoded)"), form.replace('+', "%20")));
            self.needles.push((format!("{label} (form-encoded)"), form));
        }
        let private = PUBLIC_PREFIXES.iter().find_map(|p| value.strip_prefix(p)).unwrap_or(value);
        let chars: Vec<char> = private.chars().collect();
        if chars.len() > PIECE {
            for w in chars.windows(PIECE) {
                self.needles.push((format!("{label} (a piece of it)"), w.iter().collect()));
            }
        }
        self
    }

    /// A Basic-auth password: also its `Authorization` header form.
    pub fn basic(self, label: &str, user: &str, password: &str) -> Self {
        let header = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut s = self.secret(label, password);
        s.needles.push((format!("{label} (Basic header)"), header));
        s
    }

    pub fn scan_text(&self, place: &str, text: &str) -> Vec<Finding> {
        let mut out: Vec<Finding> = Vec::new();
        for (label, needle) in &self.needles {
            // One finding per secret and form per place is enough to point at the leak.
            if out.iter().any(|f| &f.secret == label) {
                continue;
            }
            if text.contains(needle.as_str()) {
                // The excerpt comes from the masked text, so a failure message shows where a
                // secret is, never any piece of it.
                let masked = self.mask(text);
                let i = masked.find(MASK).unwrap_or(0);
                let start = masked[..i].char_indices().rev().nth(20).map_or(0, |(j, _)| j);
                let excerpt: String = masked[start..].chars().take(60).collect();
                out.push(Finding { secret: label.clone(), place: place.into(), excerpt });
            }
        }
        out
    }

    /// `text` with every occurrence of every form of every secret replaced by [`MASK`]
    /// (overlapping pieces merged into one).
    fn mask(&self, text: &str) -> String {
        let mut ranges: Vec<(usize, usize)> =
            self.needles.iter().flat_map(|(_, n)| text.match_indices(n.as_str()).map(|(i, m)| (i, i + m.len()))).collect();
        ranges.sort_unstable();
        let (mut out, mut at) = (String::new(), 0);
        for (start, end) in ranges {
            if start >= at {
                out.push_str(&text[at..start]);
                out.push_str(MASK);
            }
            at = at.max(end);
        }
        out.push_str(&text[at..]);
        out
    }

    /// Every file under `dir`, whatever its name or encoding.
    pub fn scan_dir(&self, dir: &Path) -> Vec<Finding> {
        files_under(dir)
            .into_iter()
            .flat_map(|p| {
                let bytes = std::fs::read(&p).unwrap_or_default();
                self.scan_text(&p.display().to_string(), &String::from_utf8_lossy(&bytes))
            })
            .collect()
    }

    /// Fails the test with where each secret was found (the secret itself is masked).
    pub fn assert_clean(&self, findings: Vec<Finding>) {
        assert!(findings.is_empty(), "credentials leaked:\n{}", findings.iter().map(|f| format!("- {} in {}: …{}…", f.secret, f.place, f.excerpt)).collect::<Vec<_>>().join("\n"));
    }
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
