//! The create body checked the way Gamma checks it (REFERENCE §1.4): hard errors become one
//! 400 "Input validation errors: 1. … 2. …"; parameters Gamma drops or replaces become the
//! `warnings` string of a 200.

use serde_json::{Map, Value};

const LANGUAGES: &str = "af sq ar ar-sa bn bs bg ca hr cs da nl en-in en-gb en et fi fr de el gu ha he hi hu is id it ja ja-da kn kk ko lv lt mk ms ml mr nb fa pl pt-br pt-pt ro ru sr zh-cn sl es es-419 es-mx es-es sw sv tl ta te th zh-tw tr uk ur uz vi cy yo";
const IMAGE_SOURCES: &[&str] = &[
    "aiGenerated", "giphy", "noImages", "pexels", "pictographic", "placeholder", "themeAccent", "webAllImages",
    "webFreeToUse", "webFreeToUseCommercially",
];

/// What a valid body asks for.
#[derive(Debug)]
pub struct Accepted {
    pub cards: u32,
    pub export_as: Option<String>,
    pub title: Option<String>,
    pub warnings: Vec<String>,
}

pub fn check(body: &Value, card_cap: u32, theme_exists: impl Fn(&str) -> bool) -> Result<Accepted, String> {
    let mut errors: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    let Some(b) = body.as_object() else {
        return Err("Input validation errors: 1. body must be an object".into());
    };
    match b.get("inputText") {
        Some(Value::String(s)) if s.trim().is_empty() => errors.push("inputText should not be empty".into()),
        Some(Value::String(s)) if s.chars().count() > 400_000 => {
            errors.push("inputText must be shorter than or equal to 400000 characters".into())
        }
        Some(Value::String(_)) => {}
        _ => errors.push("inputText must be a string".into()),
    }
    let text_mode = enumerated(b, "textMode", &["generate", "condense", "preserve"], true, &mut errors);
    let format = enumerated(b, "format", &["presentation", "document", "social", "webpage"], false, &mut errors)
        .unwrap_or_else(|| "presentation".into());
    let split = enumerated(b, "cardSplit", &["auto", "inputTextBreaks"], false, &mut errors);
    let mut cards = 10;
    match b.get("numCards") {
        None => {}
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) if n < 1 => errors.push("numCards must not be less than 1".into()),
            Some(n) if n > u64::from(card_cap) => errors.push(format!("numCards must not be greater than {card_cap}")),
            Some(n) => cards = n as u32,
            None => errors.push("numCards must be an integer number".into()),
        },
        Some(_) => errors.push("numCards must be an integer number".into()),
    }
    if split.as_deref() == Some("inputTextBreaks") {
        let text = b.get("inputText").and_then(Value::as_str).unwrap_or_default();
        cards = u32::try_from(text.matches("\n---\n").count() + 1).unwrap_or(u32::MAX).min(card_cap);
        if b.contains_key("numCards") {
            warnings.push("numCards is ignored when cardSplit is inputTextBreaks.".to_string());
        }
    }
    length(b, "additionalInstructions", 5000, &mut errors);
    length(b, "title", 500, &mut errors);
    let export_as = enumerated(b, "exportAs", &["pdf", "pptx", "png"], false, &mut errors);
    if let Some(t) = b.get("themeId") {
        match t.as_str() {
            Some(id) if theme_exists(id) => {}
            Some(id) => errors.push(format!("themeId {id} was not found")),
            None => errors.push("themeId must be a string".into()),
        }
    }
    if let Some(ids) = b.get("folderIds") {
        if ids.as_array().is_none_or(|a| a.len() > 1) {
            errors.push("folderIds must contain no more than 1 elements".into());
        }
    }
    if b.get("folderId").is_some_and(|f| !f.is_string()) {
        errors.push("folderId must be a string".into());
    }

    let text = object(b, "textOptions", &mut errors);
    let amount = enumerated(&text, "textOptions.amount", &["brief", "medium", "detailed", "extensive"], false, &mut errors);
    if amount.is_some() && text_mode.as_deref() == Some("preserve") {
        warnings.push("textOptions.amount is ignored when textMode is preserve.".into());
    }
    length(&text, "textOptions.tone", 500, &mut errors);
    length(&text, "textOptions.audience", 500, &mut errors);
    if let Some(l) = text.get("textOptions.language") {
        if !l.as_str().is_some_and(|l| LANGUAGES.split(' ').any(|c| c == l)) {
            errors.push("textOptions.language must be one of the accepted language codes".into());
        }
    }

    let image = object(b, "imageOptions", &mut errors);
    let source = enumerated(&image, "imageOptions.source", IMAGE_SOURCES, false, &mut errors);
    if image.contains_key("imageOptions.model") && source.as_deref().is_some_and(|s| s != "aiGenerated") {
        warnings.push("imageOptions.model is ignored when imageOptions.source is not aiGenerated.".into());
    }
    length(&image, "imageOptions.style", 500, &mut errors);

    let card = object(b, "cardOptions", &mut errors);
    if let Some(d) = card.get("cardOptions.dimensions") {
        let allowed: &[&str] = match format.as_str() {
            "document" => &["fluid", "pageless", "letter", "a4"],
            "social" => &["1x1", "4x5", "9x16"],
            "webpage" => &["fluid"],
            _ => &["fluid", "16x9", "4x3"],
        };
        let default = if format == "social" { "4x5" } else { "fluid" };
        match d.as_str() {
            Some(d) if allowed.contains(&d) => {}
            Some(d) => warnings.push(format!("cardOptions.dimensions {d} is not valid for format {format}. Using default: {default}.")),
            None => errors.push("cardOptions.dimensions must be a string".into()),
        }
    }

    let sharing = object(b, "sharingOptions", &mut errors);
    enumerated(&sharing, "sharingOptions.workspaceAccess", &["noAccess", "view", "comment", "edit", "fullAccess"], false, &mut errors);
    enumerated(&sharing, "sharingOptions.externalAccess", &["noAccess", "view", "comment", "edit"], false, &mut errors);
    let email = object(&sharing, "sharingOptions.emailOptions", &mut errors);
    if let Some(r) = email.get("sharingOptions.emailOptions.recipients") {
        if r.as_array().is_none_or(|a| a.len() > 25) {
            errors.push("sharingOptions.emailOptions.recipients must contain no more than 25 elements".into());
        }
    }
    enumerated(&email, "sharingOptions.emailOptions.access", &["view", "comment", "edit", "fullAccess"], false, &mut errors);

    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().enumerate().map(|(i, e)| format!("{}. {e}", i + 1)).collect();
        return Err(format!("Input validation errors: {}", list.join(" ")));
    }
    Ok(Accepted {
        cards,
        export_as,
        title: b.get("title").and_then(Value::as_str).map(str::to_string),
        warnings,
    })
}

/// A nested object, its keys prefixed with the parent's name so messages name the full path.
fn object(parent: &Map<String, Value>, key: &str, errors: &mut Vec<String>) -> Map<String, Value> {
    let short = key.rsplit('.').next().unwrap_or(key);
    match parent.get(key).or_else(|| parent.get(short)) {
        None => Map::new(),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (format!("{key}.{k}"), v.clone())).collect(),
        Some(_) => {
            errors.push(format!("{key} must be an object"));
            Map::new()
        }
    }
}

fn enumerated(map: &Map<String, Value>, key: &str, allowed: &[&str], required: bool, errors: &mut Vec<String>) -> Option<String> {
    match map.get(key).or_else(|| map.get(key.rsplit('.').next().unwrap_or(key))) {
        None if required => {
            errors.push(format!("{key} should not be empty"));
            None
        }
        None => None,
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => {
            errors.push(format!("{key} must be one of the following values: {}", allowed.join(", ")));
            None
        }
    }
}

fn length(map: &Map<String, Value>, key: &str, max: usize, errors: &mut Vec<String>) {
    match map.get(key).or_else(|| map.get(key.rsplit('.').next().unwrap_or(key))) {
        None => {}
        Some(Value::String(s)) if s.is_empty() => errors.push(format!("{key} must be longer than or equal to 1 characters")),
        Some(Value::String(s)) if s.chars().count() > max => {
            errors.push(format!("{key} must be shorter than or equal to {max} characters"))
        }
        Some(Value::String(_)) => {}
        Some(_) => errors.push(format!("{key} must be a string")),
    }
}
