//! One dispatcher per listener: number and record the request, apply a scripted fault, check
//! `X-API-KEY` (before routing, as Gamma does), then answer the route.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use crate::serve::Connection;
use super::state::{now_ms, signature, Export, Generation, Inner, Recorded};
use super::{catalog, validate, Origin, Shared};
use crate::faults::{Fault, Route};

#[derive(Clone)]
struct Ctx {
    shared: Arc<Shared>,
    origin: Origin,
}

pub(crate) fn router(shared: Arc<Shared>, origin: Origin) -> Router {
    Router::new().fallback(handle).with_state(Ctx { shared, origin })
}

fn route_of(method: &Method, path: &str, origin: Origin) -> Route {
    if origin == Origin::Storage || path.starts_with("/files/") {
        return Route::Download;
    }
    match (method.as_str(), path) {
        ("POST", "/v1.0/generations") => Route::Submit,
        ("GET", p) if p.starts_with("/v1.0/generations/") => Route::Status,
        ("POST", p) if p.starts_with("/v1.0/gammas/") && p.ends_with("/export") => Route::Export,
        ("GET", p) if p.starts_with("/v1.0/exports/") => Route::Export,
        _ => Route::List,
    }
}

fn json_response(status: u16, v: &Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], v.to_string()).into_response()
}

/// Gamma's error envelope.
fn envelope(status: u16, message: &str) -> Response {
    json_response(status, &json!({"message": message, "statusCode": status}))
}

const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// What S3 answers for a stale or tampered signed link.
fn s3_denied(message: &str) -> Response {
    let xml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>{message}</Message><RequestId>FAKE0001</RequestId></Error>");
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}

fn injected(status: u16, route: Route) -> Response {
    match (status, route) {
        (502, _) => (StatusCode::BAD_GATEWAY, [(header::CONTENT_TYPE, "text/html")], NGINX_502).into_response(),
        (403, Route::Download) => s3_denied("Access Denied"),
        (402, _) => envelope(402, "Insufficient credits"),
        (401, _) => envelope(401, "Unauthorized"),
        (404, _) => envelope(404, "Not found"),
        (422, _) => envelope(422, "Failed to generate text. Please try again with different input."),
        (code, _) if code >= 500 => envelope(code, "Internal server error"),
        (code, _) => envelope(code, &format!("Injected failure {code}")),
    }
}

async fn handle(State(ctx): State<Ctx>, req: Request) -> Response {
    let id = ctx.shared.inner.lock().unwrap().next();
    let mut resp = dispatch(ctx, req).await;
    if let Ok(v) = HeaderValue::from_str(&format!("req-fake-{id:06}")) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn dispatch(ctx: Ctx, req: Request) -> Response {
    let conn = req.extensions().get::<Connection>().cloned();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let Ok(bytes) = axum::body::to_bytes(body, 8 << 20).await else {
        return envelope(413, "Request body too large");
    };
    let port = match ctx.origin {
        Origin::Api => ctx.shared.api_origin.port(),
        Origin::Storage => ctx.shared.storage_origin.port(),
    };
    ctx.shared.inner.lock().unwrap().requests.push(Recorded {
        origin: ctx.origin,
        port: port.unwrap_or(0),
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone()),
        has_api_key: parts.headers.contains_key("x-api-key"),
        has_authorization: parts.headers.contains_key(header::AUTHORIZATION),
        headers: crate::header_list(&parts.headers),
        body: serde_json::from_slice(&bytes).ok(),
    });
    let route = route_of(&parts.method, &path, ctx.origin);
    let after = match ctx.shared.faults.take(route) {
        Some(Fault::RateLimitSeconds(s)) => return limited(Some(s.to_string())),
        Some(Fault::RateLimitDate(s)) => return limited(Some(httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(s)))),
        Some(Fault::RateLimitBare) => return limited(None),
        Some(Fault::HugeBody { status, bytes }) => return ctx.shared.faults.huge_body(status, bytes),
        Some(Fault::Status(code)) => return injected(code, route),
        Some(Fault::Reset) => {
            if let Some(c) = &conn {
                c.drop_connection().await;
            }
            return envelope(500, "reset");
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
    let resp = match ctx.origin {
        Origin::Storage => serve_file(&ctx, &path, &query),
        Origin::Api => match authorized(&ctx, &parts.headers) {
            false => envelope(401, "Unauthorized"),
            true => answer(&ctx, &parts.method, &path, &query, &bytes),
        },
    };
    match after {
        Some(Fault::ProcessThenReset) => {
            if let Some(c) = &conn {
                c.drop_connection().await;
            }
            resp
        }
        Some(Fault::Truncate(n)) => truncate(resp, n).await,
        Some(Fault::UnknownFields) => rewrite_json(resp, |v| {
            if let Some(o) = v.as_object_mut() {
                o.insert("newTopLevelField".into(), json!({"nested": [1, 2, 3], "flag": true}));
                o.insert("analytics".into(), json!(null));
            }
        })
        .await,
        Some(Fault::WeirdStatus(word)) => rewrite_json(resp, move |v| {
            if let Some(o) = v.as_object_mut() {
                o.insert("status".into(), json!(word));
            }
        })
        .await,
        _ => resp,
    }
}

/// Gamma checks the key before routing: a Bearer token or a wrong key is 401 on any path.
fn authorized(ctx: &Ctx, headers: &HeaderMap) -> bool {
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|k| ctx.shared.cfg.keys.iter().any(|valid| valid == k))
}

fn limited(retry_after: Option<String>) -> Response {
    let mut r = envelope(429, "Too many requests");
    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

async fn rewrite_json(resp: Response, edit: impl FnOnce(&mut Value)) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    edit(&mut v);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(v.to_string()))
}

/// Send the headers (with the full length) and `n` bytes of the body, then break off.
async fn truncate(resp: Response, n: usize) -> Response {
    let (parts, body) = resp.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let head = Bytes::copy_from_slice(&full[..n.min(full.len())]);
    let stream = futures_util::stream::unfold(0u8, move |step| {
        let head = head.clone();
        async move {
            match step {
                0 => Some((Ok::<Bytes, std::io::Error>(head), 1)),
                1 => {
                    // Let the headers and first bytes leave before the break.
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

fn answer(ctx: &Ctx, method: &Method, path: &str, query: &str, body: &[u8]) -> Response {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["v1.0", "generations"]) => create(ctx, body),
        ("GET", ["v1.0", "generations", id]) => status(ctx, id),
        ("GET", ["v1.0", "themes"]) => list(ctx, query, true),
        ("GET", ["v1.0", "folders"]) => list(ctx, query, false),
        ("POST", ["v1.0", "gammas", id, "export"]) => export_start(ctx, id, body),
        ("GET", ["v1.0", "exports", id]) => export_status(ctx, id),
        ("GET", ["v1.0", "me"]) => json_response(200, &json!({
            "email": "presenter@example.com", "displayName": "Fake Presenter", "profileImageUrl": null,
            "workspaceName": "Fake Workspace", "maxGenerateCards": ctx.shared.cfg.card_cap,
            "availableImageModels": ["imagen-4-pro", "flux-2-pro"],
        })),
        // An export link on the API origin (config `redirect_exports`): off to storage.
        ("GET", ["files", ..]) => {
            let mut to = ctx.shared.storage_origin.clone();
            to.set_path(path);
            to.set_query(Some(query).filter(|q| !q.is_empty()));
            (StatusCode::FOUND, [(header::LOCATION, to.to_string())]).into_response()
        }
        _ => envelope(404, &format!("Cannot {method} {path}")),
    }
}

fn real(ctx: &Ctx, simulated_secs: f64) -> Duration {
    ctx.shared.cfg.time_scale.real(Duration::from_secs_f64(simulated_secs.max(0.0)))
}

fn create(ctx: &Ctx, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return envelope(400, "Input validation errors: 1. body must be valid JSON");
    };
    let themes = catalog::themes(ctx.shared.cfg.theme_count);
    let accepted = match validate::check(&v, ctx.shared.cfg.card_cap, |id| themes.iter().any(|t| t["id"] == id)) {
        Ok(a) => a,
        Err(message) => return envelope(400, &message),
    };
    let cfg = &ctx.shared.cfg;
    let mut inner = ctx.shared.inner.lock().unwrap();
    let cost = f64::from(accepted.cards) * cfg.credits_per_card;
    if inner.credits < cost {
        let message = if cfg.credits_error_status == 403 { "Insufficient credits remaining".to_string() } else { "Insufficient credits".to_string() };
        return envelope(cfg.credits_error_status, &message);
    }
    let n = inner.next();
    let text = v["inputText"].as_str().unwrap_or_default();
    let title = accepted.title.clone().unwrap_or_else(|| text.lines().next().unwrap_or("Untitled").chars().take(60).collect());
    let generation = Generation {
        id: format!("Xq{n:05}vKp"),
        gamma_id: format!("g_{:012x}", 0xabc0_0000_u64 + n),
        title,
        cards: accepted.cards,
        export_as: accepted.export_as,
        created: std::time::Instant::now(),
        charged: None,
        link: None,
    };
    let id = generation.id.clone();
    inner.generations.insert(id.clone(), generation);
    inner.submits += 1;
    let mut out = json!({"generationId": id});
    if !accepted.warnings.is_empty() {
        out["warnings"] = json!(accepted.warnings.join(" "));
    }
    json_response(200, &out)
}

/// A signed link to a file on the storage origin (or, redirected, on the API origin).
fn link(ctx: &Ctx, inner: &mut Inner, format: &str, title: &str) -> String {
    let (token, expires, sig) = inner.sign(format, title, real(ctx, ctx.shared.cfg.link_secs));
    let origin = if ctx.shared.cfg.redirect_exports { &ctx.shared.api_origin } else { &ctx.shared.storage_origin };
    let slug: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if ctx.shared.cfg.opaque_links {
        return format!("{}files/{token}/{slug}.{format}?sig={expires}.{sig}", origin);
    }
    format!("{}files/{token}/{slug}.{format}?expires={expires}&signature={sig}", origin)
}

fn status(ctx: &Ctx, id: &str) -> Response {
    let cfg = &ctx.shared.cfg;
    let duration = real(ctx, cfg.generation_secs);
    let mut guard = ctx.shared.inner.lock().unwrap();
    let inner = &mut *guard;
    let remaining = inner.credits;
    let Some(g) = inner.generations.get(id) else {
        return json_response(404, &json!({
            "message": format!("Generation ID not found. generationId: {id}"), "statusCode": 404,
            "credits": {"deducted": 0, "remaining": remaining},
        }));
    };
    if cfg.never_finish || g.created.elapsed() < duration {
        return json_response(200, &json!({"generationId": id, "status": "pending"}));
    }
    if let Some(message) = &cfg.fail_with {
        return json_response(200, &json!({
            "generationId": id, "status": "failed", "error": {"message": message, "statusCode": 422},
            "credits": {"deducted": 0, "remaining": remaining},
        }));
    }
    let (export_as, title, cards, charged, has_link) = (g.export_as.clone(), g.title.clone(), g.cards, g.charged, g.link.is_some());
    let deducted = match charged {
        Some(c) => c,
        None => {
            let cost = (f64::from(cards) * cfg.credits_per_card).min(inner.credits);
            inner.credits -= cost;
            cost
        }
    };
    let fresh = match &export_as {
        Some(format) if cfg.status_resigns_links || !has_link => Some(link(ctx, inner, format, &title)),
        _ => None,
    };
    let credits_left = inner.credits;
    let Some(g) = inner.generations.get_mut(id) else {
        return envelope(500, "generation vanished");
    };
    g.charged = Some(deducted);
    if fresh.is_some() {
        g.link = fresh;
    }
    let mut out = json!({
        "generationId": id, "status": "completed", "gammaId": g.gamma_id,
        "gammaUrl": format!("https://gamma.app/docs/{}-{}", g.title.to_lowercase().replace(' ', "-"), g.gamma_id),
        "title": g.title, "credits": {"deducted": deducted, "remaining": credits_left},
    });
    if let Some(l) = &g.link {
        out["exportUrl"] = json!(l);
    }
    json_response(200, &out)
}

fn list(ctx: &Ctx, query: &str, themes: bool) -> Response {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let items = if themes { catalog::themes(ctx.shared.cfg.theme_count) } else { catalog::folders() };
    let bare = themes && ctx.shared.cfg.bare_object_for_exact_name;
    match catalog::page(&items, get("query"), get("limit"), get("after"), bare) {
        Ok(v) => json_response(200, &v),
        Err(message) => envelope(400, &message),
    }
}

fn export_start(ctx: &Ctx, gamma_id: &str, body: &[u8]) -> Response {
    let format = serde_json::from_slice::<Value>(body).ok().and_then(|v| v["exportAs"].as_str().map(str::to_string));
    let Some(format) = format.filter(|f| matches!(f.as_str(), "pdf" | "pptx" | "png")) else {
        return envelope(400, "Input validation errors: 1. exportAs must be one of the following values: pdf, pptx, png");
    };
    let mut inner = ctx.shared.inner.lock().unwrap();
    if !inner.generations.values().any(|g| g.gamma_id == gamma_id && g.charged.is_some()) {
        return envelope(404, &format!("Gamma not found: {gamma_id}"));
    }
    let id = format!("ex_{:06}", inner.next());
    inner.exports.insert(id.clone(), Export { gamma_id: gamma_id.into(), format, created: std::time::Instant::now(), link: None });
    json_response(200, &json!({"exportId": id}))
}

fn export_status(ctx: &Ctx, id: &str) -> Response {
    let cfg = &ctx.shared.cfg;
    let duration = real(ctx, cfg.export_secs);
    let mut guard = ctx.shared.inner.lock().unwrap();
    let inner = &mut *guard;
    let Some(e) = inner.exports.get(id) else {
        return envelope(404, &format!("Export not found: {id}"));
    };
    if e.created.elapsed() < duration {
        return json_response(200, &json!({"exportId": id, "status": "pending"}));
    }
    if let Some(reason) = &cfg.export_fail_reason {
        return json_response(200, &json!({"exportId": id, "status": "failed", "error": "Export failed", "reason": reason}));
    }
    let (format, gamma_id, existing) = (e.format.clone(), e.gamma_id.clone(), e.link.clone());
    let title = inner.generations.values().find(|g| g.gamma_id == gamma_id).map(|g| g.title.clone()).unwrap_or_default();
    let url = match existing {
        Some(u) => u,
        None => link(ctx, inner, &format, &title),
    };
    if let Some(e) = inner.exports.get_mut(id) {
        e.link = Some(url.clone());
    }
    json_response(200, &json!({"exportId": id, "status": "completed", "exportUrl": url}))
}

/// The storage origin: a file for a valid, unexpired signature; S3's 403 otherwise.
fn serve_file(ctx: &Ctx, path: &str, query: &str) -> Response {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let token = path.trim_start_matches("/files/").split('/').next().unwrap_or_default().to_string();
    let opaque = get("sig").and_then(|s| s.split_once('.').map(|(e, s)| (e.to_string(), s.to_string())));
    let (expires, sig) = match opaque {
        Some((e, s)) => (e.parse::<u128>().ok(), Some(s)),
        None => (get("expires").and_then(|e| e.parse::<u128>().ok()), get("signature")),
    };
    let (Some(expires), Some(sig)) = (expires, sig) else {
        return s3_denied("Query-string authentication requires the Signature and Expires parameters");
    };
    if signature(&token, expires) != sig {
        return s3_denied("The request signature we calculated does not match the signature you provided.");
    }
    if now_ms() >= expires {
        return s3_denied("Request has expired");
    }
    let inner = ctx.shared.inner.lock().unwrap();
    let Some(link) = inner.links.get(&token) else {
        return s3_denied("Access Denied");
    };
    let content_type = match link.format.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        _ => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    };
    let bytes = crate::files::for_format(&link.format, &link.title);
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
}
