//! The HTTP layer every provider shares: credentials bound to one origin, redirects followed by
//! hand so a credential never crosses to another origin, `Retry-After` and `x-request-id` read,
//! and send errors classified by whether the request may have reached the server.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, LOCATION, RETRY_AFTER};
use reqwest::{Method, Response, StatusCode};
use url::Url;

pub use crate::providers::send_error::classify_send_error;
use crate::providers::Delivery;
use crate::{Details, Error, Secret};

/// How a provider proves who it is. Every variant is attached only to requests for the API's
/// own origin.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    /// A custom header such as Gamma's `X-API-KEY` (reqwest would keep it across redirects).
    Header { name: HeaderName, value: Secret },
    Bearer(Secret),
    Basic { user: String, password: Secret },
}

/// Largest API answer (status, lists, exports) Deckhand reads: real ones are a few KB.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// Largest part of an error answer kept: only its start is shown in the details.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Per-request timeout: long enough for a slow status answer, short enough that a dead
/// connection is noticed. Downloads use their own read timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(45);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_REDIRECTS: usize = 5;

/// How long to wait for a connection, and for a whole API answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: CONNECT_TIMEOUT, request: REQUEST_TIMEOUT }
    }
}

/// A client for one API: its base URL and credential.
#[derive(Clone, Debug)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    timeouts: Timeouts,
}

impl ApiClient {
    pub fn new(base: Url, auth: Auth) -> Result<Self, Error> {
        Self::with_timeouts(base, auth, Timeouts::default())
    }

    /// Shorter waits, for tests of servers that never answer.
    pub fn with_timeouts(base: Url, auth: Auth, timeouts: Timeouts) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            // Redirects are followed in `send` so the credential is dropped across origins.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .user_agent(concat!("Deckhand/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::internal(format!("could not start the HTTP client: {e}")))?;
        Ok(ApiClient { http, base: normalize_base(base), auth, timeouts })
    }

    /// The same API and credential with other waits.
    pub fn retimed(&self, timeouts: Timeouts) -> Result<Self, Error> {
        Self::with_timeouts(self.base.clone(), self.auth.clone(), timeouts)
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `base` joined with an API path such as `/v1.0/generations` (the base may carry a path
    /// prefix of its own, e.g. behind a proxy).
    pub fn url(&self, path: &str) -> Result<Url, Error> {
        join_path(&self.base, path)
    }

    /// Whether `url` is on the API's own origin (scheme, host and port).
    pub fn is_own_origin(&self, url: &Url) -> bool {
        same_origin(&self.base, url)
    }

    /// A request with the credential attached when `url` is on the API's origin.
    pub fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        let own = self.is_own_origin(&url);
        let rb = self.http.request(method, url).timeout(self.timeouts.request);
        if own {
            self.authorize(rb)
        } else {
            rb
        }
    }

    fn authorize(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::None => rb,
            Auth::Header { name, value } => match HeaderValue::from_str(value.expose()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    rb.header(name.clone(), v)
                }
                Err(_) => rb,
            },
            Auth::Bearer(token) => match HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    rb.header(AUTHORIZATION, v)
                }
                Err(_) => rb,
            },
            Auth::Basic { user, password } => rb.basic_auth(user, Some(password.expose())),
        }
    }

    /// GET that follows up to five redirects by hand. Each hop carries the credential only if
    /// it is on the API's origin, so a signed link on a storage host never sees the key.
    pub async fn get(&self, url: Url, timeout: Option<Duration>) -> Result<Response, Error> {
        let mut url = url;
        for _ in 0..=MAX_REDIRECTS {
            let mut rb = self.request(Method::GET, url.clone());
            if let Some(t) = timeout {
                rb = rb.timeout(t);
            }
            let resp = rb.send().await.map_err(|e| classify_send_error(&e).0)?;
            if resp.status().is_redirection() {
                if let Some(next) = redirect_target(&url, resp.headers()) {
                    url = next;
                    continue;
                }
            }
            return Ok(resp);
        }
        Err(Error::Server {
            message: "The service redirected too many times.".into(),
            details: Details::default(),
        })
    }

    /// Send a request that is not followed across redirects (POSTs). Errors are classified by
    /// whether the request may have reached the server.
    pub async fn send(&self, rb: reqwest::RequestBuilder) -> Result<Response, (Error, Delivery)> {
        rb.send().await.map_err(|e| classify_send_error(&e))
    }
}

/// Drop a trailing slash so `join_path` can append `/v1.0/...` whatever the person typed.
fn normalize_base(mut base: Url) -> Url {
    let trimmed = base.path().trim_end_matches('/').to_string();
    base.set_path(&trimmed);
    base.set_query(None);
    base.set_fragment(None);
    base
}

/// Append `path` (which may hold a query) to the base's own path.
pub fn join_path(base: &Url, path: &str) -> Result<Url, Error> {
    let (p, q) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}/{}", p.trim_start_matches('/')));
    url.set_query(q);
    Ok(url)
}

pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

fn redirect_target(from: &Url, headers: &HeaderMap) -> Option<Url> {
    let loc = headers.get(LOCATION)?.to_str().ok()?;
    from.join(loc).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// `Retry-After` as seconds or as an HTTP date, relative to `now`. A date keeps the
/// sub-second part of the wait (the date has whole seconds, `now` does not).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait `Retry-After` asks for in whole seconds, rounded up: a wait is never shortened,
/// since a server that enforces its limit answers 429 again to a request a moment early.
pub fn retry_after_secs(headers: &HeaderMap, now: SystemTime) -> Option<u64> {
    retry_after(headers, now).map(ceil_secs)
}

/// Whole seconds, rounded up.
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-amzn-requestid", "cf-ray"]
        .iter()
        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_string))
}

/// The parts of an HTTP answer an error needs, read once.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    /// Read the body, bounded: a broken or hostile server may send gigabytes, and no API
    /// answer is anywhere near [`MAX_ANSWER_BYTES`]. A success over it is an error; an error
    /// answer is cut at [`MAX_ERROR_BODY_BYTES`] (only its start is ever quoted) and keeps its
    /// status. Files are streamed elsewhere, with checks of their own.
    pub async fn read(mut resp: Response) -> Result<Answer, (Error, Delivery)> {
        let status = resp.status();
        let headers = resp.headers().clone();
        let limit = if status.is_success() { MAX_ANSWER_BYTES } else { MAX_ERROR_BODY_BYTES };
        let too_large = || {
            let details = Details { request_id: request_id(&headers), status: Some(status.as_u16()), ..Details::default() };
            let message = format!(
                "The service sent an answer far larger than any it should ({} MB or more), so Deckhand stopped reading it.",
                MAX_ANSWER_BYTES / (1024 * 1024)
            );
            // Whatever the request was, the server received it: a submit may have started a deck.
            (Error::Server { message, details }, Delivery::Uncertain)
        };
        if status.is_success() && resp.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = bytes::BytesMut::new();
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err((classify_send_error(&e).0, Delivery::Uncertain)),
            };
            if body.len() + chunk.len() > limit {
                if status.is_success() {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk[..limit - body.len()]);
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, headers, body: body.freeze() })
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Internal {
            message: "The service sent an answer Deckhand does not understand.".into(),
            details: Details {
                provider_message: Some(format!("{e}: {}", self.body_excerpt())),
                request_id: request_id(&self.headers),
                status: Some(self.status.as_u16()),
            },
        })
    }

    /// The start of the body as text, for details (bounded: an HTML error page can be large).
    pub fn body_excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut s: String = text.chars().take(500).collect();
        if text.chars().count() > 500 {
            s.push('…');
        }
        s
    }

    pub fn details(&self, provider_message: Option<String>) -> Details {
        Details {
            provider_message: provider_message.or_else(|| Some(self.body_excerpt()).filter(|s| !s.is_empty())),
            request_id: request_id(&self.headers),
            status: Some(self.status.as_u16()),
        }
    }

    /// `Retry-After` in whole seconds, rounded up (see [`retry_after_secs`]).
    pub fn retry_after_secs(&self) -> Option<u64> {
        retry_after_secs(&self.headers, SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(k: &'static str, v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(k, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn retry_after_in_seconds_and_as_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        assert_eq!(retry_after(&hm("retry-after", "30"), now), Some(Duration::from_secs(30)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        assert_eq!(retry_after(&hm("retry-after", &later), now), Some(Duration::from_secs(120)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(120));
        assert_eq!(retry_after(&hm("retry-after", &past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&hm("retry-after", "soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn a_date_is_never_rounded_down_to_an_earlier_second() {
        // 12:00:03.400 now, the server says 12:00:05: the wait is 1.6 s, so 2 s, not 1 s.
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_790_000_003_400);
        let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_005));
        assert_eq!(retry_after(&hm("retry-after", &date), now), Some(Duration::from_millis(1_600)));
        assert_eq!(retry_after_secs(&hm("retry-after", &date), now), Some(2));
        assert_eq!(retry_after_secs(&hm("retry-after", "7"), now), Some(7));
        assert_eq!(ceil_secs(Duration::ZERO), 0);
        assert_eq!(ceil_secs(Duration::from_nanos(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(3)), 3);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://public-api.gamma.app"), &u("https://public-api.gamma.app:443/x")));
        assert!(!same_origin(&u("https://public-api.gamma.app"), &u("http://public-api.gamma.app")));
        assert!(!same_origin(&u("https://public-api.gamma.app"), &u("https://cdn.gamma.app/x")));
        assert!(!same_origin(&u("http://127.0.0.1:5001"), &u("http://127.0.0.1:5002/x")));
    }

    #[test]
    fn join_keeps_a_base_path_prefix_and_queries() {
        let base = normalize_base(Url::parse("http://proxy.local/presenton/").unwrap());
        assert_eq!(join_path(&base, "/api/v1/ppt/template/all?include_defaults=true").unwrap().as_str(),
            "http://proxy.local/presenton/api/v1/ppt/template/all?include_defaults=true");
        let root = normalize_base(Url::parse("https://public-api.gamma.app").unwrap());
        assert_eq!(join_path(&root, "/v1.0/themes").unwrap().as_str(), "https://public-api.gamma.app/v1.0/themes");
    }

    #[test]
    fn credentials_are_attached_only_on_the_own_origin() {
        let c = ApiClient::new(
            Url::parse("https://public-api.gamma.app").unwrap(),
            Auth::Header { name: HeaderName::from_static("x-api-key"), value: Secret::new("sk-gamma-k") },
        )
        .unwrap();
        let own = c.request(Method::GET, Url::parse("https://public-api.gamma.app/v1.0/themes").unwrap()).build().unwrap();
        assert_eq!(own.headers().get("x-api-key").unwrap(), "sk-gamma-k");
        let other = c.request(Method::GET, Url::parse("https://exports.example.com/f.pptx").unwrap()).build().unwrap();
        assert!(other.headers().get("x-api-key").is_none());
        assert!(other.headers().get(AUTHORIZATION).is_none());
    }
}
