//! One dispatcher per listener: record the request, apply a scripted fault, check setup and
//! sign-in, then answer the route.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use crate::serve::Connection;
use super::state::{Inner, Recorded, Upload};
use super::{validate, FakeAuth, Generation, Mode, Origin, Shared};
use crate::faults::{Fault, Route};

#[derive(Clone)]
struct Ctx {
    shared: Arc<Shared>,
    origin: Origin,
}

pub(crate) fn router(shared: Arc<Shared>, origin: Origin) -> Router {
    Router::new().fallback(handle).with_state(Ctx { shared, origin })
}

/// Which fault route a request belongs to.
fn route_of(method: &Method, path: &str, origin: Origin) -> Route {
    if origin == Origin::Files || !path.starts_with("/api/") {
        return Route::Download;
    }
    match (method.as_str(), path) {
        ("POST", "/api/v1/ppt/presentation/generate/async") => Route::Submit,
        ("POST", "/api/v1/ppt/files/upload") => Route::Upload,
        ("GET", p) if p.starts_with("/api/v1/ppt/presentation/status/") => Route::Status,
        ("POST", p) if p.ends_with("/export") || p == "/api/v1/ppt/presentation/edit" => Route::Export,
        _ => Route::List,
    }
}

fn json_response(status: u16, v: &Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

fn detail(status: u16, text: &str) -> Response {
    json_response(status, &json!({ "detail": text }))
}

async fn handle(State(ctx): State<Ctx>, req: Request) -> Response {
    let hosted_api = ctx.shared.cfg.mode == Mode::Hosted && ctx.origin == Origin::Api;
    let mut resp = handle_request(&ctx, req).await;
    // The hosted service tags answers with a request id (the SDK reads `x-request-id`).
    if hosted_api {
        let id = format!("req-{}", ctx.shared.inner.lock().unwrap().hex(16));
        if let Ok(v) = id.parse() {
            resp.headers_mut().insert("x-request-id", v);
        }
    }
    resp
}

async fn handle_request(ctx: &Ctx, req: Request) -> Response {
    let conn = req.extensions().get::<Connection>().cloned();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let path_and_query = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone());
    let limit = ctx.shared.cfg.max_upload_bytes.saturating_mul(11).saturating_add(1 << 20);
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return detail(413, "File size must be less than 100MB.");
    };
    let is_multipart = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("multipart/"));
    ctx.shared.inner.lock().unwrap().requests.push(Recorded {
        origin: ctx.origin,
        method: parts.method.to_string(),
        path: path_and_query,
        authorization: parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string),
        headers: crate::header_list(&parts.headers),
        body: if is_multipart { None } else { serde_json::from_slice(&bytes).ok() },
    });
    let route = route_of(&parts.method, &path, ctx.origin);
    let fault = ctx.shared.faults.take(route);
    let after = match fault {
        Some(Fault::RateLimitSeconds(s)) => return limited(Some(s.to_string())),
        Some(Fault::RateLimitDate(s)) => {
            return limited(Some(httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(s))))
        }
        Some(Fault::RateLimitBare) => return limited(None),
        Some(Fault::HugeBody { status, bytes }) => return ctx.shared.faults.huge_body(status, bytes),
        Some(Fault::Status(code)) => return detail(code, &format!("Injected failure {code}")),
        Some(Fault::Reset) => {
            if let Some(c) = &conn {
                c.drop_connection().await;
            }
            return detail(500, "reset");
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            None
        }
        Some(Fault::HtmlPage) => {
            return (StatusCode::OK, [(header::CONTENT_TYPE, "text/html")], crate::files::HTML_ERROR_PAGE).into_response()
        }
        other => other,
    };
    if let Some(r) = gate(ctx, &parts.headers, &path) {
        return r;
    }
    let resp = answer(ctx, &parts.method, &path, &parts.headers, bytes, &after).await;
    match after {
        Some(Fault::ProcessThenReset) => {
            if let Some(c) = &conn {
                c.drop_connection().await;
            }
            resp
        }
        Some(Fault::Truncate(n)) => truncate(resp, n).await,
        _ => resp,
    }
}

fn limited(retry_after: Option<String>) -> Response {
    let mut r = detail(429, "Too many requests");
    if let Some(v) = retry_after.and_then(|v| v.parse().ok()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Send the headers (with the full length) and `n` bytes of the body, then break off.
async fn truncate(resp: Response, n: usize) -> Response {
    let (parts, body) = resp.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let head = Bytes::copy_from_slice(&full[..n.min(full.len())]);
    // The pause lets the headers and the first bytes leave before the break, as on a real
    // connection that drops mid-transfer.
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let head = head.clone();
        async move {
            match step {
                0 => Some((Ok::<Bytes, std::io::Error>(head), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Some((Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "truncated")), 2))
                }
                _ => None,
            }
        }
    });
    let mut r = Response::from_parts(parts, Body::from_stream(stream));
    r.headers_mut().insert(header::CONTENT_LENGTH, full.len().into());
    r
}

/// Setup and sign-in. Hosted file links are open (they stand for signed URLs).
fn gate(ctx: &Ctx, headers: &HeaderMap, path: &str) -> Option<Response> {
    if ctx.origin == Origin::Files {
        return None;
    }
    let cfg = &ctx.shared.cfg;
    let self_hosted = matches!(cfg.mode, Mode::SelfHosted(_));
    let guarded = path.starts_with("/api/") || (self_hosted && path.starts_with("/app_data/"));
    if !guarded || path.starts_with("/api/v1/auth/") {
        return None;
    }
    if self_hosted && ctx.shared.setup_required.load(Ordering::SeqCst) {
        return Some(json_response(428, &json!({"detail": "Login setup is required", "setup_required": true})));
    }
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let basic_ok = |user: &str, password: &str| {
        given
            .strip_prefix("Basic ")
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
            .is_some_and(|raw| raw == format!("{user}:{password}").as_bytes())
    };
    let ok = match &cfg.auth {
        FakeAuth::None => true,
        // Servers with API keys still take the administrator's Basic login (§2.1).
        FakeAuth::Bearer(token) => {
            given.strip_prefix("Bearer ") == Some(token.as_str())
                || (cfg.mode == Mode::SelfHosted(Generation::Latest) && basic_ok(super::BASIC_USER, super::BASIC_PASSWORD))
        }
        FakeAuth::Basic { user, password } => basic_ok(user, password),
    };
    if ok {
        None
    } else if cfg.mode == Mode::Hosted {
        Some(detail(401, "Invalid or missing API key"))
    } else {
        Some(detail(401, "Unauthorized"))
    }
}

async fn answer(ctx: &Ctx, method: &Method, path: &str, headers: &HeaderMap, body: Bytes, fault: &Option<Fault>) -> Response {
    let shared = &ctx.shared;
    let cfg = &shared.cfg;
    let generation = match cfg.mode {
        Mode::SelfHosted(g) => Some(g),
        Mode::Hosted => None,
    };
    if ctx.origin == Origin::Files || !path.starts_with("/api/") {
        return download(ctx, method, path);
    }
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/ppt/").split('/').collect();
    if !cfg.lookup_routes {
        match (method.as_str(), segments.as_slice()) {
            ("GET", ["presentation", "all"]) | ("POST", ["presentation", "edit"]) => return detail(404, "Not Found"),
            ("GET", ["presentation", id]) if *id != "all" => return detail(404, "Not Found"),
            (_, ["presentation", _, "export"]) => return detail(405, "Method Not Allowed"),
            _ => {}
        }
    }
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["presentation", "generate", "async"]) => {
            let known: Vec<String> = shared.inner.lock().unwrap().uploads.iter().map(|u| u.server_path.clone()).collect();
            let g = match validate::generate(&body, cfg.mode, &known) {
                Ok(g) => g,
                Err((status, v)) => return json_response(status, &v),
            };
            let mut inner = shared.inner.lock().unwrap();
            if cfg.mode == Mode::Hosted {
                if inner.credits < cfg.credits_per_deck {
                    return detail(cfg.credits_error_status, "Insufficient credits. Please add credits to continue.");
                }
                inner.credits -= cfg.credits_per_deck;
            }
            let id = inner.create_task(&g.content, g.n_slides, &g.export_as, cfg.credits_per_deck);
            // Right after queueing: what the submit answer holds (captures `submit-async.json`).
            let mut v = inner.task_view(cfg, &shared.files_origin, &id).unwrap_or(Value::Null);
            drop(inner);
            v["status"] = json!("pending");
            v["message"] = json!("Queued for generation");
            dress(&mut v, fault);
            json_response(200, &v)
        }
        ("GET", ["presentation", "status", id]) => {
            let view = shared.inner.lock().unwrap().task_view(cfg, &shared.files_origin, id);
            match view {
                Some(mut v) => {
                    dress(&mut v, fault);
                    json_response(200, &v)
                }
                None => detail(404, "No presentation generation task found"),
            }
        }
        ("POST", ["files", "upload"]) => upload(ctx, headers, body).await,
        ("GET", ["template", "all"]) => {
            let list: Vec<Value> = validate::templates(cfg.mode)
                .iter()
                .map(|t| json!({"id": t, "name": t, "total_layouts": 8 + t.len() % 5}))
                .collect();
            json_response(200, &Value::Array(list))
        }
        ("GET", ["presentation", "all"]) => {
            let inner = shared.inner.lock().unwrap();
            let list: Vec<Value> = inner.presentations.iter().rev().map(Inner::presentation_json).collect();
            json_response(200, &Value::Array(list))
        }
        ("GET", ["presentation", id]) => {
            let inner = shared.inner.lock().unwrap();
            match inner.presentations.iter().find(|p| p.id == *id) {
                Some(p) => json_response(200, &Inner::presentation_json(p)),
                None => detail(404, "Presentation not found"),
            }
        }
        // The export endpoint arrived in 2026-08 (PR #831): older servers have no such route.
        ("POST", ["presentation", id, "export"]) if !matches!(generation, Some(Generation::V0_7_3 | Generation::V0_8_9)) => {
            let export_as = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["export_as"].as_str().map(str::to_string));
            re_export(ctx, id, export_as.as_deref().unwrap_or("pptx"))
        }
        ("POST", ["presentation", "edit"]) => {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let Some(id) = v["presentation_id"].as_str() else {
                return json_response(422, &json!({"detail": [{"type": "missing", "loc": ["body", "presentation_id"], "msg": "Field required", "input": v}]}));
            };
            re_export(ctx, id, v["export_as"].as_str().unwrap_or("pptx"))
        }
        _ => detail(404, "Not Found"),
    }
}

/// Unknown fields and odd statuses, as later server versions might send.
fn dress(v: &mut Value, fault: &Option<Fault>) {
    match fault {
        Some(Fault::UnknownFields) => {
            v["x_future_field"] = json!({"nested": [1, 2, 3]});
            v["progress_percent"] = json!(42.5);
            if let Some(d) = v["data"].as_object_mut() {
                d.insert("thumbnail".into(), json!("/app_data/thumbs/x.png"));
            }
        }
        Some(Fault::WeirdStatus(s)) => v["status"] = json!(s),
        _ => {}
    }
}

fn re_export(ctx: &Ctx, id: &str, export_as: &str) -> Response {
    if !["pptx", "pdf"].contains(&export_as) {
        return json_response(422, &json!({"detail": [{"type": "literal_error", "loc": ["body", "export_as"], "msg": "Input should be 'pptx' or 'pdf'", "input": export_as, "ctx": {"expected": "'pptx' or 'pdf'"}}]}));
    }
    let shared = &ctx.shared;
    let mut inner = shared.inner.lock().unwrap();
    if !inner.presentations.iter().any(|p| p.id == id) {
        return detail(404, "Presentation not found");
    }
    match inner.export(&shared.cfg, &shared.files_origin, id, export_as) {
        Some((path, edit_path)) => json_response(200, &json!({"presentation_id": id, "path": path, "edit_path": edit_path})),
        None => detail(500, "Presentation export failed"),
    }
}

/// The accepted upload types (§2.3).
const UPLOAD_EXTENSIONS: &[&str] = &[
    "pdf", "txt", "md", "doc", "docx", "docm", "odt", "rtf", "ppt", "pptx", "pptm", "odp", "xls", "xlsx", "xlsm",
    "ods", "csv", "tsv", "jpg", "jpeg", "png", "gif", "bmp", "tiff", "tif", "webp", "svg",
];

async fn upload(ctx: &Ctx, headers: &HeaderMap, body: Bytes) -> Response {
    let mut req = Request::new(Body::from(body));
    *req.headers_mut() = headers.clone();
    let Ok(mut multipart) = Multipart::from_request(req, &()).await else {
        return json_response(422, &json!({"detail": [{"type": "missing", "loc": ["body", "files"], "msg": "Field required", "input": null}]}));
    };
    let mut paths = Vec::new();
    let mut stored = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return detail(400, "Malformed upload"),
        };
        if field.name() != Some("files") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_string();
        let Ok(data) = field.bytes().await else { return detail(400, "Malformed upload") };
        if data.len() > ctx.shared.cfg.max_upload_bytes {
            return detail(413, "File size must be less than 100MB.");
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if !UPLOAD_EXTENSIONS.contains(&ext.as_str()) {
            return detail(400, &format!("File '{name}' not accepted. Accepted types: pdf, txt, docx, pptx, xlsx, images"));
        }
        let dir = ctx.shared.inner.lock().unwrap().hex(12);
        let server_path = format!("/tmp/presenton/{dir}/{name}");
        paths.push(server_path.clone());
        stored.push(Upload { name, bytes: data.len(), server_path });
    }
    if paths.is_empty() {
        return json_response(422, &json!({"detail": [{"type": "missing", "loc": ["body", "files"], "msg": "Field required", "input": null}]}));
    }
    ctx.shared.inner.lock().unwrap().uploads.extend(stored);
    json_response(200, &json!(paths))
}

/// Files: self-hosted at `/app_data/exports/<Title>.pptx` on the API origin (nginx), hosted
/// and redirected ones on the other origin.
fn download(ctx: &Ctx, method: &Method, raw_path: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return detail(405, "Method Not Allowed");
    }
    let path = percent_encoding::percent_decode_str(raw_path).decode_utf8_lossy().into_owned();
    let shared = &ctx.shared;
    if ctx.origin == Origin::Api && shared.cfg.redirect_downloads {
        let target = format!("{}{}", shared.files_origin.as_str().trim_end_matches('/'), raw_path);
        return (StatusCode::FOUND, [(header::LOCATION, target)]).into_response();
    }
    let inner = shared.inner.lock().unwrap();
    match inner.files.get(&path) {
        // Headers as in captures/download.headers: a type and a length, no Content-Disposition.
        Some(f) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, f.content_type.to_string()), (header::ACCEPT_RANGES, "bytes".to_string())],
            f.bytes.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html")], "<html><body><h1>404 Not Found</h1></body></html>").into_response(),
    }
}
