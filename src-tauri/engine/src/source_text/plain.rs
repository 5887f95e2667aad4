//! Bytes of a .txt or .md file to text. Presenters' notes come from every editor: UTF-8 (with
//! or without a BOM), UTF-16 from Windows Notepad's "Unicode", and old Windows files in
//! Windows-1252, which also covers Latin-1 for every printable character.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The text, or `None` when the bytes do not look like text in any of those encodings.
pub(super) fn decode(bytes: &[u8]) -> Option<String> {
    let text = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        encoding.decode_without_bom_handling(&bytes[bom_len..]).0.into_owned()
    } else if let Some(encoding) = bomless_utf16(bytes) {
        // Before UTF-8: ASCII text in UTF-16 is also valid UTF-8, full of NULs.
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    } else if let Ok(utf8) = std::str::from_utf8(bytes) {
        utf8.to_string()
    } else {
        WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
    };
    looks_like_text(&text).then_some(text)
}

/// UTF-16 saved without a BOM shows as a zero byte in every other place for Latin text.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 10 >= pairs * 4 && even * 20 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Binary files decode to "text" too; they give themselves away by control characters,
/// which real notes almost never contain (tabs, line ends and form feeds aside).
fn looks_like_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return false;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            control += 1;
        }
    }
    control * 100 <= total
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("Café ☕".as_bytes()).as_deref(), Some("Café ☕"));
        assert_eq!(decode(b"\xEF\xBB\xBFHello").as_deref(), Some("Hello"));
    }

    #[test]
    fn utf16_with_bom_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Ünïcode ✓".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("Ünïcode ✓".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&le).as_deref(), Some("Ünïcode ✓"));
        assert_eq!(decode(&be).as_deref(), Some("Ünïcode ✓"));
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "Plain notes here".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "Plain notes here".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&le).as_deref(), Some("Plain notes here"));
        assert_eq!(decode(&be).as_deref(), Some("Plain notes here"));
    }

    #[test]
    fn non_utf8_falls_back_to_windows_1252() {
        // "café “quoted”" as Windows-1252: é = E9, curly quotes = 93/94.
        assert_eq!(decode(b"caf\xE9 \x93quoted\x94").as_deref(), Some("café “quoted”"));
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(decode(&[0x01, 0x02, 0x03, 0x04, b'a', b'b']), None);
    }
}
