//! Gamma's 67 output languages (`textOptions.language`, REFERENCE §1.11), each with its name
//! in its own language (what a speaker looks for) and in English (for search).

/// `(code, own name, English name)`. `en` is Gamma's default. The literal `other` is not a
/// language Gamma accepts.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("af", "Afrikaans", "Afrikaans"),
    ("sq", "Shqip", "Albanian"),
    ("ar", "العربية", "Arabic"),
    ("ar-sa", "العربية (السعودية)", "Arabic (Saudi Arabia)"),
    ("bn", "বাংলা", "Bengali"),
    ("bs", "Bosanski", "Bosnian"),
    ("bg", "Български", "Bulgarian"),
    ("ca", "Català", "Catalan"),
    ("hr", "Hrvatski", "Croatian"),
    ("cs", "Čeština", "Czech"),
    ("da", "Dansk", "Danish"),
    ("nl", "Nederlands", "Dutch"),
    ("en-in", "English (India)", "English (India)"),
    ("en-gb", "English (UK)", "English (UK)"),
    ("en", "English (US)", "English (US)"),
    ("et", "Eesti", "Estonian"),
    ("fi", "Suomi", "Finnish"),
    ("fr", "Français", "French"),
    ("de", "Deutsch", "German"),
    ("el", "Ελληνικά", "Greek"),
    ("gu", "ગુજરાતી", "Gujarati"),
    ("ha", "Hausa", "Hausa"),
    ("he", "עברית", "Hebrew"),
    ("hi", "हिन्दी", "Hindi"),
    ("hu", "Magyar", "Hungarian"),
    ("is", "Íslenska", "Icelandic"),
    ("id", "Bahasa Indonesia", "Indonesian"),
    ("it", "Italiano", "Italian"),
    ("ja", "日本語 (です/ます)", "Japanese (polite)"),
    ("ja-da", "日本語 (だ/である)", "Japanese (plain)"),
    ("kn", "ಕನ್ನಡ", "Kannada"),
    ("kk", "Қазақ тілі", "Kazakh"),
    ("ko", "한국어", "Korean"),
    ("lv", "Latviešu", "Latvian"),
    ("lt", "Lietuvių", "Lithuanian"),
    ("mk", "Македонски", "Macedonian"),
    ("ms", "Bahasa Melayu", "Malay"),
    ("ml", "മലയാളം", "Malayalam"),
    ("mr", "मराठी", "Marathi"),
    ("nb", "Norsk bokmål", "Norwegian (Bokmål)"),
    ("fa", "فارسی", "Persian"),
    ("pl", "Polski", "Polish"),
    ("pt-br", "Português (Brasil)", "Portuguese (Brazil)"),
    ("pt-pt", "Português (Portugal)", "Portuguese (Portugal)"),
    ("ro", "Română", "Romanian"),
    ("ru", "Русский", "Russian"),
    ("sr", "Српски", "Serbian"),
    ("zh-cn", "简体中文", "Chinese (Simplified)"),
    ("sl", "Slovenščina", "Slovenian"),
    ("es", "Español", "Spanish"),
    ("es-419", "Español (Latinoamérica)", "Spanish (Latin America)"),
    ("es-mx", "Español (México)", "Spanish (Mexico)"),
    ("es-es", "Español (España)", "Spanish (Spain)"),
    ("sw", "Kiswahili", "Swahili"),
    ("sv", "Svenska", "Swedish"),
    ("tl", "Tagalog", "Tagalog"),
    ("ta", "தமிழ்", "Tamil"),
    ("te", "తెలుగు", "Telugu"),
    ("th", "ไทย", "Thai"),
    ("zh-tw", "繁體中文", "Chinese (Traditional)"),
    ("tr", "Türkçe", "Turkish"),
    ("uk", "Українська", "Ukrainian"),
    ("ur", "اردو", "Urdu"),
    ("uz", "Oʻzbekcha", "Uzbek"),
    ("vi", "Tiếng Việt", "Vietnamese"),
    ("cy", "Cymraeg", "Welsh"),
    ("yo", "Yorùbá", "Yoruba"),
];

/// The code Gamma expects for what a person typed (`pt-BR` → `pt-br`), if Gamma has it.
/// Gamma rejects codes in the wrong case, so the match is made here.
pub fn normalize(code: &str) -> Option<&'static str> {
    let wanted = code.trim().to_ascii_lowercase().replace('_', "-");
    LANGUAGES.iter().find(|(c, _, _)| *c == wanted).map(|(c, _, _)| *c)
}

/// Image model strings Gamma accepted in 2026-08 with their credits per image (§1.12). The
/// list changes often: it feeds the picker, and any other text is still sent as typed.
pub const IMAGE_MODELS: &[(&str, u32)] = &[
    ("flux-2-klein", 2), ("flux-kontext-fast", 2), ("imagen-3-flash", 2), ("luma-photon-flash-1", 2),
    ("flux-1-quick", 2), ("gpt-image-1-mini-low", 2), ("gpt-image-2-mini", 5), ("ideogram-v3-turbo", 6),
    ("flux-1-pro", 8), ("flux-2-pro", 8), ("imagen-3-pro", 8), ("gpt-image-1-mini-medium", 8),
    ("luma-photon-1", 10), ("recraft-v4", 12), ("leonardo-phoenix", 15), ("flux-2-flex", 20),
    ("flux-2-max", 20), ("flux-kontext-pro", 20), ("ideogram-v3", 20), ("imagen-4-pro", 20),
    ("recraft-v3", 20), ("gemini-2.5-flash-image", 20), ("gpt-image-2", 20), ("gpt-image-1-mini-high", 20),
    ("gpt-image-1-medium", 30), ("flux-1-ultra", 30), ("imagen-4-ultra", 30), ("dall-e-3", 33),
    ("gemini-3.1-flash-image-mini", 34), ("flux-kontext-max", 40), ("recraft-v3-svg", 40), ("recraft-v4-svg", 40),
    ("ideogram-v3-quality", 45), ("gemini-3.1-flash-image", 50), ("gemini-3-pro-image", 70),
    ("gemini-3.1-flash-image-hd", 75), ("gpt-image-2-hd", 115), ("gpt-image-1-high", 120),
    ("gemini-3-pro-image-hd", 120), ("recraft-v4-pro", 125),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_67_unique_codes_and_no_other() {
        assert_eq!(LANGUAGES.len(), 67);
        let codes: std::collections::HashSet<_> = LANGUAGES.iter().map(|l| l.0).collect();
        assert_eq!(codes.len(), 67);
        assert!(!codes.contains("other"));
        assert!(LANGUAGES.iter().all(|(c, own, en)| !c.is_empty() && !own.is_empty() && !en.is_empty()));
    }

    #[test]
    fn names_are_in_their_own_language() {
        let name = |code| LANGUAGES.iter().find(|l| l.0 == code).unwrap().1;
        assert_eq!(name("de"), "Deutsch");
        assert_eq!(name("pt-br"), "Português (Brasil)");
        assert_eq!(name("ja"), "日本語 (です/ます)");
    }

    #[test]
    fn normalize_fixes_case_and_refuses_unknown_codes() {
        assert_eq!(normalize(" pt-BR "), Some("pt-br"));
        assert_eq!(normalize("zh_TW"), Some("zh-tw"));
        assert_eq!(normalize("other"), None);
        assert_eq!(normalize("klingon"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn the_image_model_snapshot_has_40_models() {
        assert_eq!(IMAGE_MODELS.len(), 40);
    }
}
