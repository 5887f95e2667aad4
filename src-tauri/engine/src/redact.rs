//! Redaction of every line Deckhand writes to its log file (and of the diagnostic text a
//! person copies into a bug report).
//!
//! Nothing secret is logged on purpose: keys are [`Secret`]s (printed `<redacted>`), our own log
//! lines carry ids, states and error kinds, never a request's text, and libraries log at
//! warning level only. This is the second line of defence, for what a library or a future
//! change might print anyway:
//! - a URL loses its user name and password and its query (signed download links carry their
//!   signature there) and fragment;
//! - the value after `Authorization`, `X-API-KEY`, `password`, `token`, `api_key`, `cookie` …
//!   (as a header, `key=value` or a JSON field) and after `Bearer` / `Basic` is replaced;
//! - anything shaped like a service key (`sk-…`) is replaced;
//! - every secret Deckhand has handled in this run ([`Redactor::learn`]) is replaced wherever
//!   it appears, also JSON-escaped or percent-encoded;
//! - control characters become spaces, so one record is one line, and a line is cut at
//!   [`MAX_LINE_CHARS`], so no library can dump a whole request body (and the notes in it).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::RwLock;

use regex::{Captures, Regex};

use crate::Secret;

/// What replaces a secret.
pub const MASK: &str = "<redacted>";
/// The longest line kept; the rest is dropped with a note of how much was dropped.
pub const MAX_LINE_CHARS: usize = 2_000;
/// Secrets remembered per run: enough for every key and password a person uses; a page
/// calling `set_key` in a loop cannot grow it (or the cost of a log line) without bound.
const MAX_KNOWN: usize = 32;
/// Shorter secrets are not looked for: masking every "abc" would garble the log and such a
/// password is not worth protecting from it.
const MIN_KNOWN_CHARS: usize = 6;

pub struct Redactor {
    url: Regex,
    field: Regex,
    scheme: Regex,
    service_key: Regex,
    /// Each known secret in every form it is looked for, longest first.
    known: RwLock<VecDeque<Vec<Secret>>>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    pub fn new() -> Self {
        // The patterns are constants: they compile, or the unit tests fail.
        let re = |p: &str| Regex::new(p).expect("a valid pattern");
        Redactor {
            // scheme://[userinfo@]host[/path][?query][#fragment], up to whitespace or a quote.
            url: re(r#"(?i)\b([a-z][a-z0-9+.\-]*://)(?:[^\s/?#@"'<>]*@)?([^\s?#"'<>]*)(\?[^\s#"'<>]*)?(#[^\s"'<>]*)?"#),
            // name, then `:` or `=` (JSON quotes allowed around both), then the value: a quoted
            // string or one word.
            field: re(
                r#"(?i)\b(authorization|proxy-authorization|x-api-key|api[_-]?key|apikey|password|passwd|secret|access[_-]?token|refresh[_-]?token|token|cookie|set-cookie)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"',;}\]]+)"#,
            ),
            scheme: re(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{4,}"),
            service_key: re(r"\bsk-[A-Za-z0-9_\-]{6,}"),
            known: RwLock::new(VecDeque::new()),
        }
    }

    /// Remember a secret for the rest of the run, so it is masked wherever it turns up.
    pub fn learn(&self, secret: &Secret) {
        let value = secret.expose();
        if value.chars().count() < MIN_KNOWN_CHARS {
            return;
        }
        let json = serde_json::to_string(value).unwrap_or_default();
        let mut forms = vec![
            value.to_string(),
            json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_string(),
            percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string(),
        ];
        // Longest first, so a form containing another is masked whole.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        let Ok(mut known) = self.known.write() else { return };
        if known.iter().flatten().any(|f| f.expose() == value) {
            return;
        }
        let forms: Vec<Secret> = forms.into_iter().map(Secret::new).collect();
        if known.len() == MAX_KNOWN {
            known.pop_front();
        }
        known.push_back(forms);
    }

    /// The line with every secret-looking part masked, on one line, at most
    /// [`MAX_LINE_CHARS`] long.
    pub fn redact<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed(line);
        if let Ok(known) = self.known.read() {
            for secret in known.iter().flatten() {
                if out.contains(secret.expose()) {
                    out = Cow::Owned(out.replace(secret.expose(), MASK));
                }
            }
        }
        out = replace(out, &self.scheme, |c| format!("{} {MASK}", &c[1]));
        out = replace(out, &self.field, |c| {
            let quoted = c[3].starts_with('"') || c[3].starts_with('\'');
            if quoted {
                format!("{}{}\"{MASK}\"", &c[1], &c[2])
            } else {
                format!("{}{}{MASK}", &c[1], &c[2])
            }
        });
        out = replace(out, &self.url, |c| {
            let mut s = format!("{}{}", &c[1], &c[2]);
            if c.get(3).is_some() {
                s.push('?');
                s.push_str(MASK);
            }
            s
        });
        out = replace(out, &self.service_key, |_| format!("sk-{MASK}"));
        one_bounded_line(out)
    }
}

fn replace<'a>(text: Cow<'a, str>, re: &Regex, with: impl Fn(&Captures) -> String) -> Cow<'a, str> {
    if !re.is_match(&text) {
        return text;
    }
    Cow::Owned(re.replace_all(&text, |c: &Captures| with(c)).into_owned())
}

fn one_bounded_line(text: Cow<'_, str>) -> Cow<'_, str> {
    let too_long = text.chars().count() > MAX_LINE_CHARS;
    if !too_long && !text.chars().any(char::is_control) {
        return text;
    }
    let mut out: String = text.chars().take(MAX_LINE_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if too_long {
        let dropped = text.chars().count() - MAX_LINE_CHARS;
        out.push_str(&format!(" … ({dropped} more characters not logged)"));
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> String {
        Redactor::new().redact(line).into_owned()
    }

    #[test]
    fn headers_lose_their_values_whatever_their_spelling() {
        for line in [
            "Authorization: Bearer abcdefgh12345678",
            "authorization=Basic YWRtaW46c2VjcmV0cGFzcw==",
            r#"headers: {"x-api-key": "gsk-raw-value-123456", "accept": "*/*"}"#,
            "X-API-KEY: gsk-raw-value-123456",
            "request with api_key=gsk-raw-value-123456&x=1",
            r#"{"password":"hunter2hunter2","user":"ana"}"#,
            "cookie: session=gsk-raw-value-123456",
        ] {
            let out = r(line);
            for secret in ["abcdefgh12345678", "YWRtaW46c2VjcmV0cGFzcw", "gsk-raw-value-123456", "hunter2hunter2"] {
                assert!(!out.contains(secret), "{line:?} -> {out:?}");
            }
            assert!(out.contains(MASK), "{line:?} -> {out:?}");
        }
        assert_eq!(r(r#"{"password":"hunter2hunter2","user":"ana"}"#), r#"{"password":"<redacted>","user":"ana"}"#);
    }

    #[test]
    fn urls_keep_where_they_go_and_lose_credentials_and_queries() {
        assert_eq!(
            r("GET https://cdn.example.com/exports/deck.pptx?X-Amz-Signature=abc123&X-Amz-Expires=900 -> 200"),
            "GET https://cdn.example.com/exports/deck.pptx?<redacted> -> 200"
        );
        assert_eq!(r("server http://ana:s3cretpass@10.0.0.5:5001/api/v1 down"), "server http://10.0.0.5:5001/api/v1 down");
        assert_eq!(r("see https://gamma.app/docs/abc#section"), "see https://gamma.app/docs/abc");
        assert_eq!(r("plain http://localhost:5001/"), "plain http://localhost:5001/");
    }

    #[test]
    fn service_keys_are_masked_anywhere() {
        let out = r("the key sk-presenton-0123456789abcdef was refused");
        assert_eq!(out, "the key sk-<redacted> was refused");
        assert_eq!(r("sk-gamma-AbC_123-xyz9"), "sk-<redacted>");
    }

    #[test]
    fn learned_secrets_are_masked_in_every_form() {
        let red = Redactor::new();
        let password = "pässwörd \"q\" 5e6f/7a8b";
        red.learn(&Secret::new(password));
        let json = serde_json::to_string(password).unwrap();
        let encoded = percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC).to_string();
        for line in [format!("raw {password} end"), format!("json {json} end"), format!("url /login/{encoded} end")] {
            let out = red.redact(&line);
            assert!(!out.contains(password) && !out.contains(&json[1..json.len() - 1]) && !out.contains(&encoded), "{line} -> {out}");
            assert!(out.contains(MASK), "{out}");
        }
        // Too short to be worth masking: left alone rather than garbling every line.
        red.learn(&Secret::new("abc"));
        assert_eq!(red.redact("abc def"), "abc def");
    }

    #[test]
    fn the_known_list_is_bounded() {
        let red = Redactor::new();
        for i in 0..(MAX_KNOWN + 10) {
            red.learn(&Secret::new(format!("secret-number-{i:04}")));
        }
        assert_eq!(red.known.read().unwrap().len(), MAX_KNOWN);
        // The newest are kept.
        assert!(!red.redact(&format!("secret-number-{:04}", MAX_KNOWN + 9)).contains("secret-number"));
    }

    #[test]
    fn a_record_stays_one_bounded_line() {
        assert_eq!(r("two\nlines\r\tand a tab"), "two lines  and a tab");
        let long = "x".repeat(MAX_LINE_CHARS + 500);
        let out = r(&long);
        assert!(out.starts_with(&"x".repeat(MAX_LINE_CHARS)));
        assert!(out.ends_with("(500 more characters not logged)"), "{}", &out[MAX_LINE_CHARS..]);
    }

    #[test]
    fn ordinary_lines_pass_unchanged() {
        for line in [
            "job 3f2a gamma: running (remote id abc123)",
            "Deckhand 0.1.0 on Debian GNU/Linux 12, WebKit 2.50.6",
            "the token bucket is empty",
            "error kind=auth status=401 request_id=req-77",
        ] {
            assert!(matches!(Redactor::new().redact(line), Cow::Borrowed(_)), "{line}");
        }
    }
}
