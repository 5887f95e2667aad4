//! GammaProvider against the fake Gamma: the whole path of a deck, key handling, lists,
//! credits, warnings and refusals that never leave the machine.

mod gamma_support;

use deckhand_engine::providers::{ChoiceKind, ChoiceQuery, Delivery, ExportFormat, Provider, RemoteJob, RemoteState};
use deckhand_engine::Secret;
use deckhand_tests::gamma::{FakeGammaConfig, Origin, GAMMA_KEY};
use gamma_support::*;
use serde_json::json;

#[tokio::test]
async fn a_deck_goes_from_submit_to_a_valid_pptx_on_the_storage_origin() {
    // 3 s of real time, so the first poll surely sees "pending" even on a busy machine.
    let (fake, p) = start(FakeGammaConfig { generation_secs: 300.0, ..FakeGammaConfig::default() }).await;
    let mut req = deck("Q3 product launch strategy");
    req.slides = Some(8);
    req.language = Some("de".into());
    let submitted = p.submit(&req).await.expect("submit");
    assert!(submitted.request_id.as_deref().is_some_and(|r| r.starts_with("req-fake-")));
    assert!(submitted.warnings.is_empty());
    let first = p.status(&submitted.remote).await.unwrap();
    assert_eq!(first.state, RemoteState::Pending);
    let status = wait_done(&p, &submitted.remote).await;
    assert_eq!(status.state, RemoteState::Completed);
    assert!(status.file_id.as_deref().is_some_and(|g| g.starts_with("g_")));
    assert!(status.edit_url.as_ref().is_some_and(|u| u.as_str().starts_with("https://gamma.app/docs/")));
    assert_eq!(status.title.as_deref(), Some("Q3 product launch strategy"));
    let credits = status.credits.clone().unwrap();
    assert_eq!(credits.used, Some(24.0), "8 cards at 3 credits");
    assert_eq!(credits.remaining, Some(976.0));
    assert_eq!(fake.credits_left(), 976.0);

    let link = status.download.expect("exportUrl");
    assert_eq!(link.url.port(), fake.storage_url.port(), "the file is on the storage origin");
    let body = bytes(p.open_download(&link).await.unwrap()).await;
    assert!(body.starts_with(b"PK\x03\x04"), "a PPTX is a ZIP");
    assert_eq!(body, deckhand_tests::files::PPTX);

    let sent = fake.requests().into_iter().find(|r| r.method == "POST").unwrap().body.unwrap();
    assert_eq!(sent["numCards"], 8);
    assert_eq!(sent["exportAs"], "pptx");
    assert_eq!(sent["textOptions"]["language"], "de");
    assert_eq!(fake.submit_count(), 1);
    assert_key_only_on_api(&fake);
}

#[tokio::test]
async fn pdf_and_png_exports_are_real_files() {
    let (_fake, p) = start(FakeGammaConfig::default()).await;
    for (format, magic) in [(ExportFormat::Pdf, &b"%PDF-"[..]), (ExportFormat::Png, &b"\x89PNG"[..])] {
        let mut req = deck("Formats");
        req.format = format;
        let (_, status) = submit_and_finish(&p, &req).await;
        let body = bytes(p.open_download(&status.download.unwrap()).await.unwrap()).await;
        assert!(body.starts_with(magic), "{format:?}");
    }
}

#[tokio::test]
async fn gamma_warnings_reach_the_person() {
    let (_fake, p) = start(FakeGammaConfig::default()).await;
    let mut req = deck("Keep my words");
    req.options.insert("textMode".into(), json!("preserve"));
    req.options.insert("textOptions.amount".into(), json!("detailed"));
    req.options.insert("imageOptions.source".into(), json!("pexels"));
    req.options.insert("imageOptions.model".into(), json!("imagen-4-pro"));
    let submitted = p.submit(&req).await.unwrap();
    let all = submitted.warnings.join(" ");
    assert!(all.contains("textOptions.amount is ignored"), "{all}");
    assert!(all.contains("imageOptions.model is ignored"), "{all}");
}

#[tokio::test]
async fn the_fake_refuses_bearer_and_checks_the_key_before_routing() {
    let (fake, _p) = start(FakeGammaConfig::default()).await;
    let http = reqwest::Client::new();
    let themes = fake.base_url.join("/v1.0/themes").unwrap();
    let r = http.get(themes.clone()).bearer_auth(GAMMA_KEY).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v, json!({"message":"Unauthorized","statusCode":401}));
    let nowhere = fake.base_url.join("/v1.0/does-not-exist").unwrap();
    let r = http.get(nowhere.clone()).send().await.unwrap();
    assert_eq!(r.status(), 401, "auth runs before routing");
    assert!(r.headers().contains_key("x-request-id"));
    let r = http.get(nowhere).header("x-api-key", GAMMA_KEY).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = http.get(themes).header("x-api-key", GAMMA_KEY).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_wrong_key_is_an_auth_error_that_names_the_plans() {
    let (fake, _) = start(FakeGammaConfig::default()).await;
    let p = provider(&fake, "sk-gamma-wrong");
    let e = p.test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "auth");
    assert!(e.message().contains("Pro, Ultra, Teams or Business"));
    assert!(e.details().request_id.is_some());
    let f = p.submit(&deck("x")).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("auth", Delivery::Rejected));
    let shown = format!("{} {:?} {}", serde_json::to_string(&f.error).unwrap(), f, e);
    assert!(!shown.contains("sk-gamma-wrong"), "the key never appears in an error: {shown}");
    let ok = provider(&fake, GAMMA_KEY).test_connection().await.unwrap();
    assert!(ok.message.contains("Gamma"));
    assert!(fake.requests().last().unwrap().path.contains("limit=1"));
}

#[tokio::test]
async fn bad_requests_are_refused_before_anything_is_sent() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    let mut cases = Vec::new();
    cases.push(deck("   "));
    let mut r = deck("x");
    r.slides = Some(0);
    cases.push(r);
    let mut r = deck("a\n---\nb");
    r.slides = Some(3);
    r.options.insert("cardSplit".into(), json!("inputTextBreaks"));
    cases.push(r);
    let mut r = deck("x");
    r.options.insert("imageOptions.source".into(), json!("unsplash"));
    cases.push(r);
    let mut r = deck("x");
    r.language = Some("other".into());
    cases.push(r);
    let mut r = deck("x");
    r.options.insert("cardOptions.dimensions".into(), json!("9x16"));
    cases.push(r);
    let mut r = deck("x");
    r.instructions = Some("i".repeat(2001));
    cases.push(r);
    for req in &cases {
        let e = p.validate(req).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        let f = p.submit(req).await.unwrap_err();
        assert_eq!(f.delivery, Delivery::NotSent);
        assert_eq!(f.error, e);
    }
    assert!(fake.requests().is_empty(), "nothing reached Gamma");
}

#[tokio::test]
async fn the_server_is_the_final_judge_of_the_card_cap() {
    let (fake, p) = start(FakeGammaConfig { card_cap: 60, ..FakeGammaConfig::default() }).await;
    let mut req = deck("Many cards");
    req.slides = Some(70);
    assert!(p.validate(&req).is_ok(), "70 is fine on Ultra");
    let f = p.submit(&req).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("invalid_input", Delivery::Rejected));
    assert!(f.error.details().provider_message.as_deref().unwrap().contains("numCards must not be greater than 60"));
    assert_eq!(fake.submit_count(), 0);
}

#[tokio::test]
async fn no_credits_is_a_credits_error_with_the_billing_link() {
    for status in [402, 403] {
        let (fake, p) = start(FakeGammaConfig { credits: 5.0, credits_error_status: status, ..FakeGammaConfig::default() }).await;
        let f = p.submit(&deck("x")).await.unwrap_err();
        assert_eq!((f.error.kind(), f.delivery), ("credits", Delivery::Rejected), "{status}");
        assert!(f.error.message().contains("gamma.app/settings/billing"));
        assert_eq!(f.error.details().status, Some(status));
        assert_eq!(fake.submit_count(), 0);
    }
}

#[tokio::test]
async fn unknown_and_failed_generations() {
    let (_fake, p) = start(FakeGammaConfig::default()).await;
    let e = p.status(&RemoteJob { id: "nope".into(), file_id: None }).await.unwrap_err();
    assert_eq!(e.kind(), "not_found");
    assert!(e.details().provider_message.as_deref().unwrap().contains("Generation ID not found"));

    let (_fake, p) = start(FakeGammaConfig { fail_with: Some("Failed to generate text".into()), ..FakeGammaConfig::default() }).await;
    let s = p.submit(&deck("x")).await.unwrap();
    let status = wait_done(&p, &s.remote).await;
    assert_eq!(status.state, RemoteState::Failed);
    let e = status.error.unwrap();
    assert_eq!(e.kind(), "provider_failed");
    assert_eq!(e.details().provider_message.as_deref(), Some("Failed to generate text"));
    assert_eq!(e.details().status, Some(422));
    assert!(e.details().request_id.is_some());
    assert_eq!(status.credits.unwrap().used, Some(0.0));
}

#[tokio::test]
async fn themes_page_by_cursor_and_repeat_opens_come_from_the_cache() {
    let (fake, p) = start(FakeGammaConfig { theme_count: 73, ..FakeGammaConfig::default() }).await;
    let q = |cursor: Option<String>| ChoiceQuery { kind: Some(ChoiceKind::Themes), search: None, cursor };
    let first = p.list_choices(&q(None)).await.unwrap();
    assert_eq!(first.items.len(), 50);
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = p.list_choices(&q(Some(cursor.clone()))).await.unwrap();
    assert_eq!(second.items.len(), 23);
    assert_eq!(second.next_cursor, None);
    assert!(second.items.iter().any(|c| c.detail.as_deref().is_some_and(|d| d.starts_with("Your workspace"))));
    let before = fake.requests().len();
    assert_eq!(p.list_choices(&q(None)).await.unwrap(), first);
    assert_eq!(p.list_choices(&q(Some(cursor))).await.unwrap(), second);
    assert_eq!(fake.requests().len(), before, "served from the cache");
    assert!(fake.requests().iter().all(|r| r.path.contains("limit=50")));

    let found = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::Themes), search: Some("oasis".into()), cursor: None }).await.unwrap();
    assert!(found.items.iter().any(|c| c.name == "Oasis"));
    assert!(fake.requests().last().unwrap().path.contains("query=oasis"));
    let folders = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::Folders), ..ChoiceQuery::default() }).await.unwrap();
    assert_eq!(folders.items.len(), 3);
}

#[tokio::test]
async fn a_single_bare_theme_object_is_accepted() {
    let (_fake, p) = start(FakeGammaConfig { bare_object_for_exact_name: true, ..FakeGammaConfig::default() }).await;
    let page = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::Themes), search: Some("Oasis".into()), cursor: None }).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name, "Oasis");
}

#[tokio::test]
async fn languages_and_image_models_are_local() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    let langs = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::Languages), ..ChoiceQuery::default() }).await.unwrap();
    assert_eq!(langs.items.len(), 67);
    assert!(langs.items.iter().any(|c| c.id == "pt-br" && c.name == "Português (Brasil)"));
    let models = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::ImageModels), search: Some("flux".into()), cursor: None }).await.unwrap();
    assert!(models.items.len() >= 5 && models.items.iter().all(|c| c.id.contains("flux")));
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_key_never_follows_a_redirect_to_another_origin() {
    let (fake, p) = start(FakeGammaConfig { redirect_exports: true, ..FakeGammaConfig::default() }).await;
    let (_, status) = submit_and_finish(&p, &deck("Redirected")).await;
    let link = status.download.unwrap();
    assert_eq!(link.url.port(), fake.base_url.port(), "this link starts on the API origin");
    let body = bytes(p.open_download(&link).await.unwrap()).await;
    assert!(body.starts_with(b"PK\x03\x04"));
    let reqs = fake.requests();
    let hop = reqs.iter().find(|r| r.origin == Origin::Api && r.path.starts_with("/files/")).expect("the API hop");
    assert!(hop.has_api_key, "its own origin gets the key");
    assert!(reqs.iter().any(|r| r.origin == Origin::Storage), "the redirect was followed");
    assert_key_only_on_api(&fake);
}

#[tokio::test]
async fn a_connect_failure_is_certainly_not_sent() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let p = deckhand_engine::providers::gamma::GammaProvider::new(
        url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        Secret::new(GAMMA_KEY),
    )
    .unwrap();
    let f = p.submit(&deck("x")).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("connection_refused", Delivery::NotSent));
}
