//! The generate body checked as the real server checks it: pydantic's 422 schema errors first
//! (shapes from the captures), then the endpoint's 400 messages (§2.5).

use serde_json::{json, Value};

use super::{Generation, Mode};

pub struct Generate {
    pub content: String,
    pub n_slides: u32,
    pub export_as: String,
}

const OLD_TEMPLATES: &[&str] = &["general", "modern", "standard", "swift"];
const NEW_TEMPLATES: &[&str] = &[
    "general", "modern", "standard", "swift", "code", "education", "product-overview", "report", "pitch-deck",
    "neo-general", "neo-standard", "neo-modern", "neo-swift",
];

pub fn templates(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::SelfHosted(Generation::V0_7_3) => OLD_TEMPLATES,
        _ => NEW_TEMPLATES,
    }
}

fn literal(field: &str, input: &Value, allowed: &[&str]) -> Value {
    let expected = match allowed.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} or '{last}'", rest.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(", "))
        }
        _ => allowed.iter().map(|a| format!("'{a}'")).collect(),
    };
    json!({"type": "literal_error", "loc": ["body", field], "msg": format!("Input should be {expected}"),
           "input": input, "ctx": {"expected": expected}})
}

/// `Ok` with what the fake needs, or `(status, body)`.
pub fn generate(body: &[u8], mode: Mode, known_files: &[String]) -> Result<Generate, (u16, Value)> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        (422, json!({"detail": [{"type": "json_invalid", "loc": ["body", 0], "msg": "JSON decode error", "input": {}, "ctx": {"error": e.to_string()}}]}))
    })?;
    let Some(obj) = v.as_object() else {
        return Err((422, json!({"detail": [{"type": "model_attributes_type", "loc": ["body"], "msg": "Input should be a valid dictionary or object to extract fields from", "input": v}]})));
    };
    let mut errors = Vec::new();
    match obj.get("content") {
        // Hosted documents `content` as nullable; the self-hosted model requires the key.
        None if mode != Mode::Hosted => {
            errors.push(json!({"type": "missing", "loc": ["body", "content"], "msg": "Field required", "input": v}))
        }
        Some(c) if !(c.is_string() || (c.is_null() && mode == Mode::Hosted)) => {
            errors.push(json!({"type": "string_type", "loc": ["body", "content"], "msg": "Input should be a valid string", "input": c}))
        }
        _ => {}
    }
    let enums: [(&str, &[&str]); 3] = [
        ("export_as", &["pptx", "pdf"]),
        ("tone", &["default", "casual", "professional", "funny", "educational", "sales_pitch"]),
        ("verbosity", &["concise", "standard", "text-heavy"]),
    ];
    for (field, allowed) in enums {
        if let Some(x) = obj.get(field) {
            if !x.as_str().is_some_and(|s| allowed.contains(&s)) {
                errors.push(literal(field, x, allowed));
            }
        }
    }
    if mode == Mode::Hosted {
        if let Some(x) = obj.get("image_type") {
            if !x.as_str().is_some_and(|s| ["stock", "ai-generated"].contains(&s)) {
                errors.push(literal("image_type", x, &["stock", "ai-generated"]));
            }
        }
    }
    let n = obj.get("n_slides");
    if let Some(n) = n.filter(|n| !n.is_null() && !n.is_i64()) {
        errors.push(json!({"type": "int_type", "loc": ["body", "n_slides"], "msg": "Input should be a valid integer", "input": n}));
    }
    if !errors.is_empty() {
        return Err((422, json!({"detail": errors})));
    }
    let bad = |m: &str| Err((400, json!({"detail": m})));
    let content = obj.get("content").and_then(Value::as_str).unwrap_or("").to_string();
    let files: Vec<String> = obj.get("files").and_then(Value::as_array).map(|a| a.iter().filter_map(|f| f.as_str().map(str::to_string)).collect()).unwrap_or_default();
    let markdown = obj.get("slides_markdown").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    if content.trim().is_empty() && files.is_empty() && markdown == 0 {
        return bad("Either content or slides markdown or files is required to generate presentation");
    }
    let n_slides = n.and_then(Value::as_i64).unwrap_or(8);
    if n_slides <= 0 {
        return bad("Number of slides must be greater than 0");
    }
    if n_slides > 50 {
        return bad("Number of slides cannot be greater than 50");
    }
    if obj.get("include_table_of_contents").and_then(Value::as_bool) == Some(true) && n_slides < 3 {
        return bad("Number of slides cannot be less than 3 if table of contents is included");
    }
    if let Some(t) = obj.get("template").and_then(Value::as_str) {
        if !templates(mode).contains(&t) {
            return bad("Template not found. Please use a valid template.");
        }
    }
    if let Some(f) = files.iter().find(|f| !known_files.contains(f)) {
        return Err((400, json!({"detail": format!("File not found: {f}")})));
    }
    Ok(Generate {
        content,
        n_slides: n_slides as u32,
        export_as: obj.get("export_as").and_then(Value::as_str).unwrap_or("pptx").to_string(),
    })
}
