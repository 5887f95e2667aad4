//! Faults a test can script into a fake server, consumed one per matching request, in order.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Submit,
    Status,
    Download,
    List,
    Export,
    Upload,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After: <secs>`.
    RateLimitSeconds(u64),
    /// 429 with `Retry-After` as an HTTP date this many seconds ahead.
    RateLimitDate(u64),
    /// 429 with no `Retry-After`.
    RateLimitBare,
    /// This HTTP status with the service's usual error envelope.
    Status(u16),
    /// Close the connection without an answer (after reading the request).
    Reset,
    /// Answer only after this delay (in real time, not scaled).
    Delay(Duration),
    /// Send the first `n` bytes of the body, then close.
    Truncate(usize),
    /// Status 200 with an HTML page instead of the expected body.
    HtmlPage,
    /// Add unknown fields to a JSON answer.
    UnknownFields,
    /// Report this status string instead of the real one.
    WeirdStatus(String),
    /// The request is processed (the job is created!) but the connection is then closed with
    /// no answer: the client cannot know.
    ProcessThenReset,
    /// This status with a body of `bytes` bytes (the start of a JSON answer that never
    /// closes), streamed without a length as fast as the client reads. Bounded by `bytes`; it
    /// stops early when the client hangs up. [`FaultPlan::streamed`] counts what left.
    HugeBody { status: u16, bytes: u64 },
}

/// A queue of faults per route, shared by the fake's handlers.
#[derive(Debug, Default)]
pub struct FaultPlan {
    queue: Mutex<VecDeque<(Route, Fault)>>,
    /// Bytes of [`Fault::HugeBody`] bodies handed to the connection so far.
    streamed: Arc<AtomicU64>,
}

impl FaultPlan {
    pub fn push(&self, route: Route, fault: Fault) {
        self.queue.lock().unwrap().push_back((route, fault));
    }

    /// The first queued fault for `route` (or for `Any`), removed from the queue.
    pub fn take(&self, route: Route) -> Option<Fault> {
        let mut q = self.queue.lock().unwrap();
        let i = q.iter().position(|(r, _)| *r == route || *r == Route::Any)?;
        q.remove(i).map(|(_, f)| f)
    }

    pub fn is_empty(&self) -> bool {
        self.queue.lock().unwrap().is_empty()
    }

    /// Bytes of huge bodies sent so far (what the client read, plus what socket buffers hold).
    pub fn streamed(&self) -> u64 {
        self.streamed.load(Ordering::SeqCst)
    }

    /// The answer for [`Fault::HugeBody`].
    pub fn huge_body(&self, status: u16, bytes: u64) -> Response {
        const CHUNK: usize = 64 * 1024;
        let streamed = self.streamed.clone();
        let opening = Bytes::from_static(b"{\"detail\":\"");
        let filler = Bytes::from(vec![b'x'; CHUNK]);
        let chunks = futures_util::stream::unfold(0u64, move |sent| {
            let (opening, filler, streamed) = (opening.clone(), filler.clone(), streamed.clone());
            async move {
                if sent >= bytes {
                    return None;
                }
                let mut chunk = if sent == 0 { opening } else { filler };
                chunk.truncate((bytes - sent).min(chunk.len() as u64) as usize);
                streamed.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                Some((Ok::<Bytes, std::io::Error>(chunk.clone()), sent + chunk.len() as u64))
            }
        });
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(header::CONTENT_TYPE, "application/json")], Body::from_stream(chunks)).into_response()
    }
}

/// Real seconds per simulated second: 0.01 makes a "90-second" generation last 0.9 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeScale(pub f64);

impl Default for TimeScale {
    fn default() -> Self {
        TimeScale(1.0)
    }
}

impl TimeScale {
    pub fn real(self, simulated: Duration) -> Duration {
        simulated.mul_f64(self.0.max(0.0))
    }
}
