//! The same clean text out of every reader: `\n` line ends, no trailing spaces, no runs of
//! blank lines (PDF extraction and empty Word paragraphs leave many), no stray control
//! characters, and nothing blank at either end.

pub(super) fn tidy(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    let mut blank_run = 0usize;
    for line in unified.split('\n') {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .filter(|c| *c != '\u{feff}')
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn line_ends_blank_runs_and_edges() {
        assert_eq!(tidy("\n\n  \r\nTitle  \r\n\r\n\r\n\r\nBody\tcell\rnext\x0c\n\n"), "Title\n\nBody\tcell\nnext");
    }

    #[test]
    fn control_characters_and_bom_are_dropped() {
        assert_eq!(tidy("\u{feff}a\u{7}b\u{0}c"), "abc");
        assert_eq!(tidy(" \t \n \u{0} "), "");
    }

    #[test]
    fn indentation_is_kept() {
        assert_eq!(tidy("- item\n    code"), "- item\n    code");
    }
}
