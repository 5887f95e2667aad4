//! Presenton takes the output language as free text that goes straight into the model's
//! prompt. These are the names the vendor's SDK offers, in the form "English name (own name)";
//! the value sent is the whole name, which the model reads best. Anything else typed by a
//! person is sent as typed.

pub const LANGUAGES: &[&str] = &[
    "English",
    "Arabic (العربية)",
    "Bengali (বাংলা)",
    "Bulgarian (Български)",
    "Chinese (Simplified - 中文, 汉语)",
    "Chinese (Traditional - 中文, 漢語)",
    "Croatian (Hrvatski)",
    "Czech (Čeština)",
    "Danish (Dansk)",
    "Dutch (Nederlands)",
    "Estonian (Eesti)",
    "Filipino (Filipino)",
    "Finnish (Suomi)",
    "French (Français)",
    "German (Deutsch)",
    "Greek (Ελληνικά)",
    "Hebrew (עברית)",
    "Hindi (हिन्दी)",
    "Hungarian (Magyar)",
    "Indonesian (Bahasa Indonesia)",
    "Italian (Italiano)",
    "Japanese (日本語)",
    "Korean (한국어)",
    "Latvian (Latviešu)",
    "Lithuanian (Lietuvių)",
    "Malay (Bahasa Melayu)",
    "Nepali (नेपाली)",
    "Norwegian (Norsk)",
    "Persian (فارسی)",
    "Polish (Polski)",
    "Portuguese (Português)",
    "Romanian (Română)",
    "Russian (Русский)",
    "Serbian (Српски)",
    "Slovak (Slovenčina)",
    "Slovenian (Slovenščina)",
    "Spanish (Español)",
    "Swahili (Kiswahili)",
    "Swedish (Svenska)",
    "Tamil (தமிழ்)",
    "Telugu (తెలుగు)",
    "Thai (ไทย)",
    "Turkish (Türkçe)",
    "Ukrainian (Українська)",
    "Urdu (اردو)",
    "Vietnamese (Tiếng Việt)",
];

/// The language sent when the person chose none: the hosted default, sent explicitly because
/// self-hosted servers changed their default to "auto" (REFERENCE §2.8.3).
pub const DEFAULT_LANGUAGE: &str = "English";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_show_their_own_name() {
        let mut seen = std::collections::HashSet::new();
        for l in LANGUAGES {
            assert!(seen.insert(*l), "duplicate {l}");
            assert!(*l == "English" || (l.contains(" (") && l.ends_with(')')), "{l}");
        }
        assert!(LANGUAGES.contains(&"German (Deutsch)"));
    }
}
