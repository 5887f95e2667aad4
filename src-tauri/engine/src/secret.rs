//! A credential in memory: printable only as `<redacted>`, never serializable, wiped on drop.

use std::fmt;
use zeroize::Zeroize;

/// An API key, password or token. There is deliberately no `Serialize`, no `Display` and no
/// way to get the text except [`Secret::expose`], so a key cannot reach a log, an event, the
/// journal or the webview by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret text, for the one place that must send it (an HTTP header) or store it
    /// (the keychain).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last four characters, which the UI may show so a person can tell keys apart.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let start = chars.len().saturating_sub(4);
        chars[start..].iter().collect()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("sk-gamma-very-secret-1234");
        let printed = format!("{s:?} {:#?}", s);
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn last4_counts_characters_not_bytes() {
        assert_eq!(Secret::new("abcdéfgh").last4(), "éfgh");
        assert_eq!(Secret::new("xy").last4(), "xy");
        assert_eq!(Secret::new("ключ-ёжик").last4(), "ёжик");
    }
}
