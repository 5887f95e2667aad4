//! Themes and folders with Gamma's cursor paging (REFERENCE §1.8): `query`, `limit` (max 50),
//! `after`; `{data, hasMore, nextCursor}`; the last page has `nextCursor: null`.

use base64::Engine;
use serde_json::{json, Value};

const THEME_NAMES: &[&str] = &[
    "Standard Dark", "Standard Light", "Oasis", "Chisel", "Aurora", "Basalt", "Bee Happy", "Blues", "Breeze", "Chimney",
    "Cigar", "Clementa", "Coral Glow", "Cornflower", "Daydream", "Dialogue", "Dune", "Electric", "Finesse", "Flax",
    "Gleam", "Gold Leaf", "Howlite", "Icebreaker", "Indigo", "Kraft",
];
const COLORS: &[&str] = &["black", "white", "blue", "green", "orange", "pink", "gold", "grey"];
const TONES: &[&str] = &["modern", "playful", "professional", "calm", "bold"];

pub fn themes(count: usize) -> Vec<Value> {
    (0..count)
        .map(|i| {
            let base = THEME_NAMES[i % THEME_NAMES.len()];
            let name = match i / THEME_NAMES.len() {
                0 => base.to_string(),
                n => format!("{base} {}", n + 1),
            };
            // The last few are the workspace's own themes.
            let kind = if i + 5 >= count { "custom" } else { "standard" };
            json!({
                "id": format!("th{:010x}", 0x5eed_0000_u64 + i as u64),
                "name": name,
                "type": kind,
                "colorKeywords": [COLORS[i % COLORS.len()]],
                "toneKeywords": [TONES[i % TONES.len()]],
            })
        })
        .collect()
}

pub fn folders() -> Vec<Value> {
    ["Sales", "Board meetings", "Teaching"]
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"id": format!("fo{:08x}", 0xf01d_e000_u64 + i as u64), "name": name}))
        .collect()
}

/// One page, or the 400 message. The cursor encodes the offset and the query it belongs to.
pub fn page(items: &[Value], query: Option<&str>, limit: Option<&str>, after: Option<&str>, bare_exact: bool) -> Result<Value, String> {
    let limit = match limit {
        None => 20,
        Some(l) => match l.parse::<usize>() {
            Ok(0) => return Err("Input validation errors: 1. limit must not be less than 1".into()),
            Ok(n) if n > 50 => return Err("Input validation errors: 1. limit must not be greater than 50".into()),
            Ok(n) => n,
            Err(_) => return Err("Input validation errors: 1. limit must be an integer number".into()),
        },
    };
    let q = query.unwrap_or("").to_lowercase();
    let offset = match after {
        None => 0,
        Some(c) => decode_cursor(c).filter(|(_, cq)| *cq == q).map(|(o, _)| o).ok_or("Invalid cursor")?,
    };
    let name = |v: &Value| v["name"].as_str().unwrap_or_default().to_lowercase();
    let matching: Vec<&Value> = items.iter().filter(|v| name(v).contains(&q)).collect();
    if bare_exact && !q.is_empty() {
        let exact: Vec<&&Value> = matching.iter().filter(|v| name(v) == q).collect();
        if let [one] = exact.as_slice() {
            return Ok((**one).clone());
        }
    }
    let data: Vec<Value> = matching.iter().skip(offset).take(limit).map(|v| (*v).clone()).collect();
    let has_more = offset + data.len() < matching.len();
    let next = has_more.then(|| encode_cursor(offset + data.len(), &q));
    Ok(json!({"data": data, "hasMore": has_more, "nextCursor": next}))
}

fn encode_cursor(offset: usize, q: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{offset}:{q}"))
}

fn decode_cursor(c: &str) -> Option<(usize, String)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (o, q) = text.split_once(':')?;
    Some((o.parse().ok()?, q.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_cursor_to_the_end() {
        let all = themes(73);
        let mut seen = 0;
        let mut after: Option<String> = None;
        for _ in 0..10 {
            let p = page(&all, None, Some("50"), after.as_deref(), false).unwrap();
            seen += p["data"].as_array().unwrap().len();
            match p["nextCursor"].as_str() {
                Some(c) => after = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, 73);
        assert!(page(&all, None, Some("51"), None, false).is_err());
        assert!(page(&all, Some("oasis"), None, Some(&encode_cursor(1, "")), false).is_err(), "cursor from another query");
        assert_eq!(page(&all, Some("Oasis"), None, None, true).unwrap()["name"], "Oasis");
    }
}
