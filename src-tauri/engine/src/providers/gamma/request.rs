//! Checking a [`DeckRequest`] against Gamma's rules (REFERENCE §1.4) and building the body of
//! `POST /v1.0/generations`. Pure: one function does both, so what is checked is exactly what
//! is sent. Every refusal names the option it is about.

use serde_json::{json, Map, Value};

use super::languages;
use crate::providers::DeckRequest;
use crate::Error;

/// v1.0 reference limit on `inputText`.
pub const MAX_INPUT_CHARS: usize = 400_000;
/// Gamma's sources disagree (5000 in the OpenAPI reference, 2000 in the guides and Gamma's own
/// n8n node, §1.13). The lower one is accepted under either reading.
pub const MAX_INSTRUCTIONS_CHARS: usize = 2000;
/// Ultra's cap. Pro, Teams and Business stop at 60; Gamma itself refuses 61–75 on those
/// plans, and the person's plan is not knowable without an undocumented call.
pub const MAX_CARDS: u32 = 75;
pub const PLAN_CARDS_NOTE: &str = "Pro, Teams and Business plans allow up to 60 cards, Ultra up to 75.";
pub const MAX_FREE_TEXT: usize = 500;
pub const MAX_RECIPIENTS: usize = 25;

pub const TEXT_MODES: &[&str] = &["generate", "condense", "preserve"];
pub const FORMATS: &[&str] = &["presentation", "document", "social", "webpage"];
pub const CARD_SPLITS: &[&str] = &["auto", "inputTextBreaks"];
pub const AMOUNTS: &[&str] = &["brief", "medium", "detailed", "extensive"];
pub const IMAGE_SOURCES: &[&str] = &[
    "aiGenerated", "giphy", "noImages", "pexels", "pictographic", "placeholder", "themeAccent", "webAllImages",
    "webFreeToUse", "webFreeToUseCommercially",
];
pub const WORKSPACE_ACCESS: &[&str] = &["noAccess", "view", "comment", "edit", "fullAccess"];
pub const EXTERNAL_ACCESS: &[&str] = &["noAccess", "view", "comment", "edit"];
pub const EMAIL_ACCESS: &[&str] = &["view", "comment", "edit", "fullAccess"];
const HEADER_FOOTER_SLOTS: &[&str] = &["topLeft", "topCenter", "topRight", "bottomLeft", "bottomCenter", "bottomRight"];

/// The card shapes each format allows.
pub fn dimensions_for(format: &str) -> &'static [&'static str] {
    match format {
        "presentation" => &["fluid", "16x9", "4x3"],
        "document" => &["fluid", "pageless", "letter", "a4"],
        "social" => &["1x1", "4x5", "9x16"],
        "webpage" => &["fluid"],
        _ => &[],
    }
}

/// Every option key Gamma understands, by its API name. `folderIds` is accepted for old
/// settings and sent as `folderId`.
pub const OPTION_KEYS: &[&str] = &[
    "textMode", "format", "cardSplit", "textOptions.amount", "textOptions.tone", "textOptions.audience",
    "imageOptions.source", "imageOptions.model", "imageOptions.style", "imageOptions.stylePreset",
    "cardOptions.dimensions", "cardOptions.headerFooter", "folderId", "folderIds",
    "sharingOptions.workspaceAccess", "sharingOptions.externalAccess", "sharingOptions.emailOptions.recipients",
    "sharingOptions.emailOptions.access", "sharingOptions.enableSearchEngineIndexing",
];

/// Refuse what Gamma would refuse, without building anything to send.
pub fn validate(request: &DeckRequest) -> Result<(), Error> {
    build(request).map(|_| ())
}

/// The JSON body for `POST /v1.0/generations`, or the first problem found.
pub fn build(request: &DeckRequest) -> Result<Value, Error> {
    let opts = Options(&request.options);
    if let Some(key) = request.options.keys().find(|k| !OPTION_KEYS.contains(&k.as_str())) {
        return Err(Error::invalid_input(key.clone(), format!("Gamma has no option called “{key}”.")));
    }
    if request.template.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return Err(Error::invalid_input("template", "Gamma decks are made from a theme, not a template. Clear the template, or pick a theme."));
    }
    if !request.source_files.is_empty() {
        return Err(Error::invalid_input(
            "source_files",
            "Gamma takes text only. Open the file with “Read from file” so its text goes into the content.",
        ));
    }

    let mut body = Map::new();
    let content = request.content.trim();
    if content.is_empty() {
        return Err(Error::invalid_input("content", "Write a topic or paste your notes first."));
    }
    let chars = request.content.chars().count();
    if chars > MAX_INPUT_CHARS {
        return Err(Error::invalid_input(
            "content",
            format!("The content is {chars} characters long; Gamma takes at most {MAX_INPUT_CHARS}. Shorten it or split it into two decks."),
        ));
    }
    body.insert("inputText".into(), json!(request.content));

    let text_mode = opts.choice("textMode", TEXT_MODES)?.unwrap_or("generate");
    body.insert("textMode".into(), json!(text_mode));
    let format = opts.choice("format", FORMATS)?.unwrap_or("presentation");
    body.insert("format".into(), json!(format));

    let card_split = opts.choice("cardSplit", CARD_SPLITS)?;
    if let Some(split) = card_split {
        body.insert("cardSplit".into(), json!(split));
    }
    if let Some(n) = request.slides {
        if card_split == Some("inputTextBreaks") {
            return Err(Error::invalid_input(
                "slides",
                "With “split at ---” each --- in the text starts a new card, so the number of cards cannot be set too. Clear one of the two.",
            ));
        }
        if !(1..=MAX_CARDS).contains(&n) {
            return Err(Error::invalid_input("slides", format!("Ask for between 1 and {MAX_CARDS} cards. {PLAN_CARDS_NOTE}")));
        }
        body.insert("numCards".into(), json!(n));
    }

    if let Some(theme) = nonempty(request.theme.as_deref()) {
        body.insert("themeId".into(), json!(theme));
    }
    if let Some(text) = nonempty(request.instructions.as_deref()) {
        let n = text.chars().count();
        if n > MAX_INSTRUCTIONS_CHARS {
            return Err(Error::invalid_input(
                "instructions",
                format!("The instructions are {n} characters long; keep them to {MAX_INSTRUCTIONS_CHARS}."),
            ));
        }
        body.insert("additionalInstructions".into(), json!(text));
    }
    if let Some(title) = nonempty(request.title.as_deref()) {
        check_len("title", "The title", title)?;
        body.insert("title".into(), json!(title));
    }
    body.insert("exportAs".into(), json!(request.format.extension()));

    let mut text = Map::new();
    if let Some(a) = opts.choice("textOptions.amount", AMOUNTS)? {
        text.insert("amount".into(), json!(a));
    }
    for (key, name, what) in [("textOptions.tone", "tone", "The tone"), ("textOptions.audience", "audience", "The audience")] {
        if let Some(v) = opts.text(key)? {
            check_len(key, what, &v)?;
            text.insert(name.into(), json!(v));
        }
    }
    if let Some(lang) = nonempty(request.language.as_deref()) {
        let code = languages::normalize(lang).ok_or_else(|| {
            Error::invalid_input("language", format!("Gamma cannot write in “{lang}”. Pick a language from the list."))
        })?;
        text.insert("language".into(), json!(code));
    }
    insert_object(&mut body, "textOptions", text);

    let mut image = Map::new();
    if let Some(source) = opts.text("imageOptions.source")? {
        if source.eq_ignore_ascii_case("unsplash") {
            return Err(Error::invalid_input(
                "imageOptions.source",
                "Gamma no longer takes images from Unsplash. Pick “pexels” or “webFreeToUse” for free photos.",
            ));
        }
        image.insert("source".into(), json!(one_of("imageOptions.source", &source, IMAGE_SOURCES)?));
    }
    if let Some(model) = opts.text("imageOptions.model")? {
        // An open list (§1.12): Gamma is the judge of model names.
        if model.chars().count() > 100 {
            return Err(Error::invalid_input("imageOptions.model", "That image model name is too long to be real."));
        }
        image.insert("model".into(), json!(model));
    }
    if let Some(style) = opts.text("imageOptions.style")? {
        check_len("imageOptions.style", "The image style", &style)?;
        image.insert("style".into(), json!(style));
    }
    if let Some(preset) = opts.text("imageOptions.stylePreset")? {
        check_len("imageOptions.stylePreset", "The image style preset", &preset)?;
        image.insert("stylePreset".into(), json!(preset));
    }
    insert_object(&mut body, "imageOptions", image);

    let mut card = Map::new();
    if let Some(d) = opts.text("cardOptions.dimensions")? {
        let allowed = dimensions_for(format);
        if !allowed.contains(&d.as_str()) {
            return Err(Error::invalid_input(
                "cardOptions.dimensions",
                format!("“{d}” is not a card shape for a {format}. Pick one of: {}.", allowed.join(", ")),
            ));
        }
        card.insert("dimensions".into(), json!(d));
    }
    if let Some(hf) = request.options.get("cardOptions.headerFooter").filter(|v| !v.is_null()) {
        if format == "webpage" {
            return Err(Error::invalid_input("cardOptions.headerFooter", "Webpages have no headers or footers."));
        }
        check_header_footer(hf)?;
        card.insert("headerFooter".into(), hf.clone());
    }
    insert_object(&mut body, "cardOptions", card);

    if let Some(folder) = folder_id(&opts)? {
        // Gamma's own client sends `folderId`; `folderIds` is deprecated (§1.13 item 4).
        body.insert("folderId".into(), json!(folder));
    }

    let mut sharing = Map::new();
    if let Some(a) = opts.choice("sharingOptions.workspaceAccess", WORKSPACE_ACCESS)? {
        sharing.insert("workspaceAccess".into(), json!(a));
    }
    if let Some(a) = opts.choice("sharingOptions.externalAccess", EXTERNAL_ACCESS)? {
        sharing.insert("externalAccess".into(), json!(a));
    }
    let mut email = Map::new();
    if let Some(list) = request.options.get("sharingOptions.emailOptions.recipients").filter(|v| !v.is_null()) {
        let recipients = recipients(list)?;
        if !recipients.is_empty() {
            email.insert("recipients".into(), json!(recipients));
        }
    }
    if let Some(a) = opts.choice("sharingOptions.emailOptions.access", EMAIL_ACCESS)? {
        email.insert("access".into(), json!(a));
    }
    insert_object(&mut sharing, "emailOptions", email);
    if let Some(v) = request.options.get("sharingOptions.enableSearchEngineIndexing").filter(|v| !v.is_null()) {
        let b = v.as_bool().ok_or_else(|| {
            Error::invalid_input("sharingOptions.enableSearchEngineIndexing", "Search engine indexing is either on or off (true or false).")
        })?;
        sharing.insert("enableSearchEngineIndexing".into(), json!(b));
    }
    insert_object(&mut body, "sharingOptions", sharing);

    Ok(Value::Object(body))
}

/// Option values by API name; `null` and blank strings mean "not set" (a cleared field).
struct Options<'a>(&'a Map<String, Value>);

impl Options<'_> {
    fn text(&self, key: &str) -> Result<Option<String>, Error> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(nonempty(Some(s)).map(str::to_string)),
            Some(_) => Err(Error::invalid_input(key, format!("The option “{key}” must be text."))),
        }
    }

    fn choice(&self, key: &str, allowed: &'static [&'static str]) -> Result<Option<&'static str>, Error> {
        match self.text(key)? {
            None => Ok(None),
            Some(v) => one_of(key, &v, allowed).map(Some),
        }
    }
}

/// Gamma's enums are case-sensitive; the exact spelling is required.
fn one_of(key: &str, value: &str, allowed: &'static [&'static str]) -> Result<&'static str, Error> {
    allowed.iter().copied().find(|a| *a == value).ok_or_else(|| {
        Error::invalid_input(key, format!("“{value}” is not a value Gamma takes for {key}. Pick one of: {}.", allowed.join(", ")))
    })
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn check_len(field: &str, what: &str, value: &str) -> Result<(), Error> {
    let n = value.chars().count();
    if n > MAX_FREE_TEXT {
        return Err(Error::invalid_input(field, format!("{what} is {n} characters long; Gamma takes at most {MAX_FREE_TEXT}.")));
    }
    Ok(())
}

fn insert_object(parent: &mut Map<String, Value>, key: &str, object: Map<String, Value>) {
    if !object.is_empty() {
        parent.insert(key.into(), Value::Object(object));
    }
}

fn folder_id(opts: &Options) -> Result<Option<String>, Error> {
    if let Some(id) = opts.text("folderId")? {
        return Ok(Some(id));
    }
    match opts.0.get("folderIds") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(ids)) => {
            let ids: Vec<&str> = ids.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).collect();
            match ids.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(one.to_string())),
                _ => Err(Error::invalid_input("folderIds", "Gamma saves a deck into one folder only. Pick one.")),
            }
        }
        Some(_) => Err(Error::invalid_input("folderIds", "The folder must be a folder id from the list.")),
    }
}

fn recipients(list: &Value) -> Result<Vec<String>, Error> {
    const KEY: &str = "sharingOptions.emailOptions.recipients";
    let items: Vec<String> = match list {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(|s| s.trim().to_string()).ok_or_else(|| Error::invalid_input(KEY, "Each recipient must be an email address.")))
            .collect::<Result<_, _>>()?,
        // A text field with addresses separated by commas or spaces.
        Value::String(s) => s.split([',', ';', ' ', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        _ => return Err(Error::invalid_input(KEY, "List the email addresses to share the deck with.")),
    };
    let items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
    if items.len() > MAX_RECIPIENTS {
        return Err(Error::invalid_input(KEY, format!("Gamma shares with at most {MAX_RECIPIENTS} people at once; {} were listed.", items.len())));
    }
    if let Some(bad) = items.iter().find(|s| !looks_like_email(s)) {
        return Err(Error::invalid_input(KEY, format!("“{bad}” does not look like an email address.")));
    }
    Ok(items)
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, host)) => !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !s.contains(char::is_whitespace),
        None => false,
    }
}

fn check_header_footer(hf: &Value) -> Result<(), Error> {
    const KEY: &str = "cardOptions.headerFooter";
    let bad = |why: String| Error::invalid_input(KEY, why);
    let obj = hf.as_object().ok_or_else(|| bad("The header and footer settings are not in the expected shape.".into()))?;
    for (slot, item) in obj {
        if slot == "hideFromFirstCard" || slot == "hideFromLastCard" {
            if !item.is_boolean() {
                return Err(bad(format!("“{slot}” is either on or off (true or false).")));
            }
            continue;
        }
        if !HEADER_FOOTER_SLOTS.contains(&slot.as_str()) {
            return Err(bad(format!("“{slot}” is not a header or footer position. Use one of: {}.", HEADER_FOOTER_SLOTS.join(", "))));
        }
        let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "text" if item.get("value").and_then(Value::as_str).is_some_and(|v| !v.trim().is_empty()) => {}
            "text" => return Err(bad(format!("The text for {slot} is empty."))),
            "cardNumber" => {}
            "image" => {
                let source = item.get("source").and_then(Value::as_str).unwrap_or_default();
                if !matches!(source, "themeLogo" | "custom") {
                    return Err(bad(format!("The image for {slot} must be the theme logo or a custom image.")));
                }
                if source == "custom" && !item.get("src").and_then(Value::as_str).is_some_and(|s| s.starts_with("https://")) {
                    return Err(bad(format!("The custom image for {slot} needs an https:// address.")));
                }
                if let Some(size) = item.get("size") {
                    if !matches!(size.as_str(), Some("sm" | "md" | "lg" | "xl")) {
                        return Err(bad(format!("The image size for {slot} must be sm, md, lg or xl.")));
                    }
                }
            }
            other => return Err(bad(format!("“{other}” is not something Gamma can show in {slot}: use text, image or cardNumber."))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ExportFormat;

    fn req(content: &str) -> DeckRequest {
        DeckRequest { content: content.into(), ..DeckRequest::default() }
    }

    fn with(mut r: DeckRequest, key: &str, v: Value) -> DeckRequest {
        r.options.insert(key.into(), v);
        r
    }

    fn field_of(r: &DeckRequest) -> String {
        match build(r) {
            Err(Error::InvalidInput { field: Some(f), message, .. }) => {
                assert!(!message.is_empty() && message.ends_with('.'), "{message}");
                f
            }
            other => panic!("expected invalid_input, got {other:?}"),
        }
    }

    #[test]
    fn minimal_request_gets_the_required_fields_and_the_export() {
        let body = build(&req("Q3 launch")).unwrap();
        assert_eq!(body, json!({"inputText":"Q3 launch","textMode":"generate","format":"presentation","exportAs":"pptx"}));
    }

    #[test]
    fn every_field_maps_to_its_api_name() {
        let mut r = req("Notes");
        r.title = Some("Launch".into());
        r.slides = Some(12);
        r.language = Some("pt-BR".into());
        r.format = ExportFormat::Pdf;
        r.theme = Some("abc123".into());
        r.instructions = Some("Keep it short".into());
        for (k, v) in [
            ("textMode", json!("condense")), ("format", json!("document")), ("cardSplit", json!("auto")),
            ("textOptions.amount", json!("brief")), ("textOptions.tone", json!("warm")), ("textOptions.audience", json!("board")),
            ("imageOptions.source", json!("aiGenerated")), ("imageOptions.model", json!("some-new-model-9")),
            ("imageOptions.style", json!("flat")), ("imageOptions.stylePreset", json!("minimal")),
            ("cardOptions.dimensions", json!("a4")), ("folderId", json!("f1")),
            ("sharingOptions.workspaceAccess", json!("fullAccess")), ("sharingOptions.externalAccess", json!("noAccess")),
            ("sharingOptions.emailOptions.recipients", json!(["a@b.co", "c@d.org"])),
            ("sharingOptions.emailOptions.access", json!("comment")), ("sharingOptions.enableSearchEngineIndexing", json!(true)),
            ("cardOptions.headerFooter", json!({"topRight":{"type":"cardNumber"},"bottomLeft":{"type":"text","value":"ACME"},"hideFromFirstCard":true})),
        ] {
            r.options.insert(k.into(), v);
        }
        let body = build(&r).unwrap();
        assert_eq!(body, json!({
            "inputText":"Notes","textMode":"condense","format":"document","cardSplit":"auto","numCards":12,
            "themeId":"abc123","additionalInstructions":"Keep it short","title":"Launch","exportAs":"pdf",
            "textOptions":{"amount":"brief","tone":"warm","audience":"board","language":"pt-br"},
            "imageOptions":{"source":"aiGenerated","model":"some-new-model-9","style":"flat","stylePreset":"minimal"},
            "cardOptions":{"dimensions":"a4","headerFooter":{"topRight":{"type":"cardNumber"},"bottomLeft":{"type":"text","value":"ACME"},"hideFromFirstCard":true}},
            "folderId":"f1",
            "sharingOptions":{"workspaceAccess":"fullAccess","externalAccess":"noAccess",
                "emailOptions":{"recipients":["a@b.co","c@d.org"],"access":"comment"},"enableSearchEngineIndexing":true}
        }));
    }

    #[test]
    fn content_limits() {
        assert_eq!(field_of(&req("   \n")), "content");
        assert_eq!(field_of(&req(&"x".repeat(MAX_INPUT_CHARS + 1))), "content");
        assert!(build(&req(&"é".repeat(MAX_INPUT_CHARS))).is_ok(), "the limit counts characters, not bytes");
    }

    #[test]
    fn instructions_limit_is_the_safe_2000() {
        let mut r = req("x");
        r.instructions = Some("i".repeat(2000));
        assert!(build(&r).is_ok());
        r.instructions = Some("i".repeat(2001));
        assert_eq!(field_of(&r), "instructions");
    }

    #[test]
    fn card_count_range_and_the_split_conflict() {
        for (n, ok) in [(0, false), (1, true), (60, true), (75, true), (76, false)] {
            let mut r = req("x");
            r.slides = Some(n);
            assert_eq!(build(&r).is_ok(), ok, "{n}");
        }
        let mut r = with(req("a\n---\nb"), "cardSplit", json!("inputTextBreaks"));
        assert!(build(&r).unwrap().get("numCards").is_none());
        r.slides = Some(5);
        assert_eq!(field_of(&r), "slides");
    }

    #[test]
    fn closed_enums_refuse_unknown_values_and_wrong_case() {
        for (k, v) in [
            ("textMode", "Generate"), ("textMode", "summarize"), ("format", "slides"), ("cardSplit", "manual"),
            ("textOptions.amount", "huge"), ("imageOptions.source", "unsplash"), ("imageOptions.source", "bing"),
            ("sharingOptions.workspaceAccess", "owner"), ("sharingOptions.externalAccess", "fullAccess"),
            ("sharingOptions.emailOptions.access", "noAccess"),
        ] {
            assert_eq!(field_of(&with(req("x"), k, json!(v))), k, "{k}={v}");
        }
    }

    #[test]
    fn unsplash_gets_its_own_explanation() {
        let e = build(&with(req("x"), "imageOptions.source", json!("unsplash"))).unwrap_err();
        assert!(e.message().contains("Unsplash"), "{}", e.message());
    }

    #[test]
    fn dimensions_depend_on_the_format() {
        assert!(build(&with(req("x"), "cardOptions.dimensions", json!("16x9"))).is_ok());
        assert_eq!(field_of(&with(req("x"), "cardOptions.dimensions", json!("1x1"))), "cardOptions.dimensions");
        let social = with(req("x"), "format", json!("social"));
        assert!(build(&with(social.clone(), "cardOptions.dimensions", json!("9x16"))).is_ok());
        assert_eq!(field_of(&with(social, "cardOptions.dimensions", json!("16x9"))), "cardOptions.dimensions");
        let web = with(req("x"), "format", json!("webpage"));
        assert_eq!(field_of(&with(web.clone(), "cardOptions.dimensions", json!("16x9"))), "cardOptions.dimensions");
        assert_eq!(field_of(&with(web, "cardOptions.headerFooter", json!({"topLeft":{"type":"cardNumber"}}))), "cardOptions.headerFooter");
    }

    #[test]
    fn free_text_lengths() {
        for k in ["textOptions.tone", "textOptions.audience", "imageOptions.style"] {
            assert!(build(&with(req("x"), k, json!("a".repeat(500)))).is_ok());
            assert_eq!(field_of(&with(req("x"), k, json!("a".repeat(501)))), k);
            assert_eq!(field_of(&with(req("x"), k, json!(42))), k, "wrong type");
        }
        let mut r = req("x");
        r.title = Some("t".repeat(501));
        assert_eq!(field_of(&r), "title");
    }

    #[test]
    fn blank_and_null_options_mean_not_set() {
        let r = with(with(req("x"), "textOptions.tone", json!("  ")), "imageOptions.source", Value::Null);
        assert_eq!(build(&r).unwrap(), build(&req("x")).unwrap());
    }

    #[test]
    fn image_models_are_an_open_list() {
        assert!(build(&with(req("x"), "imageOptions.model", json!("brand-new-model-2027"))).is_ok());
    }

    #[test]
    fn languages_are_checked_and_other_is_refused() {
        for bad in ["other", "xx", "english"] {
            let mut r = req("x");
            r.language = Some(bad.into());
            assert_eq!(field_of(&r), "language");
        }
    }

    #[test]
    fn recipients_at_most_25_valid_addresses() {
        let k = "sharingOptions.emailOptions.recipients";
        let many: Vec<String> = (0..26).map(|i| format!("p{i}@example.com")).collect();
        assert_eq!(field_of(&with(req("x"), k, json!(many))), k);
        assert_eq!(field_of(&with(req("x"), k, json!(["not-an-address"]))), k);
        let body = build(&with(req("x"), k, json!("a@b.co, c@d.org"))).unwrap();
        assert_eq!(body["sharingOptions"]["emailOptions"]["recipients"], json!(["a@b.co", "c@d.org"]));
    }

    #[test]
    fn one_folder_sent_as_folder_id() {
        let body = build(&with(req("x"), "folderIds", json!(["f9"]))).unwrap();
        assert_eq!(body["folderId"], "f9");
        assert!(body.get("folderIds").is_none());
        assert_eq!(field_of(&with(req("x"), "folderIds", json!(["a", "b"]))), "folderIds");
    }

    #[test]
    fn unknown_options_templates_and_files_are_refused() {
        assert_eq!(field_of(&with(req("x"), "verbosity", json!("concise"))), "verbosity");
        let mut r = req("x");
        r.template = Some("general".into());
        assert_eq!(field_of(&r), "template");
        let mut r = req("x");
        r.source_files = vec!["a.pdf".into()];
        assert_eq!(field_of(&r), "source_files");
    }

    #[test]
    fn header_footer_shapes_are_checked() {
        let k = "cardOptions.headerFooter";
        for bad in [
            json!("footer"), json!({"middle":{"type":"cardNumber"}}), json!({"topLeft":{"type":"video"}}),
            json!({"topLeft":{"type":"text","value":""}}), json!({"topLeft":{"type":"image","source":"custom","src":"http://x"}}),
            json!({"topLeft":{"type":"image","source":"themeLogo","size":"xxl"}}), json!({"hideFromLastCard":"yes"}),
        ] {
            assert_eq!(field_of(&with(req("x"), k, bad.clone())), k, "{bad}");
        }
        assert!(build(&with(req("x"), k, json!({"topLeft":{"type":"image","source":"themeLogo","size":"sm"}}))).is_ok());
    }
}
