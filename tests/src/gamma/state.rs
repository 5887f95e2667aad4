//! The fake's memory: generations, exports, signed links, the request log and the credits.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::Origin;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub origin: Origin,
    /// The port it arrived on (the two origins differ only by port).
    pub port: u16,
    pub method: String,
    /// Path and query as sent.
    pub path: String,
    pub has_api_key: bool,
    pub has_authorization: bool,
    /// Every header as it arrived (name, value), so a test can look for a credential that
    /// reached the wrong origin under any header name.
    pub headers: Vec<(String, String)>,
    /// JSON bodies, parsed.
    pub body: Option<Value>,
}

pub struct Generation {
    pub id: String,
    pub gamma_id: String,
    pub title: String,
    pub cards: u32,
    pub export_as: Option<String>,
    /// Credits charged at completion (once).
    pub charged: Option<f64>,
    pub link: Option<String>,
    pub timing: crate::timing::GenerationTiming,
}

pub struct Export {
    pub gamma_id: String,
    pub format: String,
    pub created: Instant,
    pub link: Option<String>,
}

pub struct Link {
    pub format: String,
    pub title: String,
}

pub struct Inner {
    pub requests: Vec<Recorded>,
    pub submits: usize,
    pub credits: f64,
    pub generations: HashMap<String, Generation>,
    pub exports: HashMap<String, Export>,
    pub links: HashMap<String, Link>,
    counter: u64,
}

/// Signs links; a fake needs no real cryptography, only a check that a link was not edited.
const SIGNING_SALT: &str = "fake-gamma-storage-secret";

impl Inner {
    pub fn new(credits: f64) -> Self {
        Inner {
            requests: Vec::new(),
            submits: 0,
            credits,
            generations: HashMap::new(),
            exports: HashMap::new(),
            links: HashMap::new(),
            counter: 0,
        }
    }

    pub fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A new signed link for a file: `(token, expires in unix ms, signature)`.
    pub fn sign(&mut self, format: &str, title: &str, lifetime: Duration) -> (String, u128, String) {
        let token = format!("f{:06}x{}", self.next(), format);
        let expires = (SystemTime::now() + lifetime).duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
        self.links.insert(token.clone(), Link { format: format.into(), title: title.into() });
        let sig = signature(&token, expires);
        (token, expires, sig)
    }
}

pub fn signature(token: &str, expires: u128) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (SIGNING_SALT, token, expires).hash(&mut h);
    format!("{:016x}", h.finish())
}

pub fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()
}
