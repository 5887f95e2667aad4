//! The fake Gamma itself, spoken to over raw HTTP: it must behave as REFERENCE.md PART 1 says,
//! or the provider tests prove nothing.

use std::time::Duration;

use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, FakeGammaHandle, GAMMA_KEY};
use serde_json::{json, Value};

async fn fake() -> FakeGammaHandle {
    FakeGamma::start(FakeGammaConfig::default()).await.unwrap()
}

async fn post(f: &FakeGammaHandle, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(f.base_url.join("/v1.0/generations").unwrap())
        .header("x-api-key", GAMMA_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn get(f: &FakeGammaHandle, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new().get(f.base_url.join(path).unwrap()).header("x-api-key", GAMMA_KEY).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn until_completed(f: &FakeGammaHandle, id: &str) -> Value {
    for _ in 0..600 {
        let (_, st) = get(f, &format!("/v1.0/generations/{id}")).await;
        if st["status"] == "completed" {
            return st;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never completed");
}

#[tokio::test]
async fn create_answers_200_with_a_generation_id_and_validates_like_gamma() {
    let f = fake().await;
    let (s, v) = post(&f, json!({"inputText":"Hello","textMode":"generate"})).await;
    assert_eq!(s, 200);
    assert!(v["generationId"].is_string());
    assert!(v.get("warnings").is_none());

    let (s, v) = post(&f, json!({"inputText":"Hello","textMode":"Generate","numCards":61,
        "imageOptions":{"source":"unsplash"},"textOptions":{"language":"other"}})).await;
    assert_eq!(s, 400);
    assert_eq!(v["statusCode"], 400);
    let m = v["message"].as_str().unwrap();
    assert!(m.starts_with("Input validation errors: 1. textMode"), "{m}");
    assert!(m.contains("numCards must not be greater than 60") && m.contains("imageOptions.source") && m.contains("textOptions.language"), "{m}");

    let (s, v) = post(&f, json!({"textMode":"generate","inputText":"x","cardOptions":{"dimensions":"1x1"}})).await;
    assert_eq!(s, 200);
    assert_eq!(v["warnings"], "cardOptions.dimensions 1x1 is not valid for format presentation. Using default: fluid.");
    assert_eq!(f.submit_count(), 2);
}

#[tokio::test]
async fn status_runs_pending_to_completed_and_charges_per_card_once() {
    let f = FakeGamma::start(FakeGammaConfig { generation_secs: 150.0, ..FakeGammaConfig::default() }).await.unwrap();
    let (_, v) = post(&f, json!({"inputText":"a\n---\nb\n---\nc","textMode":"preserve","cardSplit":"inputTextBreaks"})).await;
    let id = v["generationId"].as_str().unwrap().to_string();
    let (_, st) = get(&f, &format!("/v1.0/generations/{id}")).await;
    assert_eq!(st, json!({"generationId": id, "status": "pending"}));
    let st = until_completed(&f, &id).await;
    assert!(st.get("exportUrl").is_none(), "no exportAs, no exportUrl");
    assert_eq!(st["credits"], json!({"deducted": 9.0, "remaining": 991.0}), "3 cards from the --- breaks");
    let (_, again) = get(&f, &format!("/v1.0/generations/{id}")).await;
    assert_eq!(again["credits"]["remaining"], 991.0, "charged once");
    let (s, nf) = get(&f, "/v1.0/generations/unknown").await;
    assert_eq!(s, 404);
    assert_eq!(nf["credits"]["remaining"], 991.0);
}

#[tokio::test]
async fn lists_refuse_more_than_50_and_me_reports_the_cap() {
    let f = fake().await;
    let (s, v) = get(&f, "/v1.0/themes?limit=51").await;
    assert_eq!((s, v["message"].as_str().unwrap()), (400, "Input validation errors: 1. limit must not be greater than 50"));
    let (s, v) = get(&f, "/v1.0/folders?limit=2").await;
    assert_eq!(s, 200);
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["hasMore"], true);
    let (_, me) = get(&f, "/v1.0/me").await;
    assert_eq!(me["maxGenerateCards"], 60);
}

#[tokio::test]
async fn storage_links_need_their_signature_and_carry_a_request_id() {
    let f = fake().await;
    let (_, v) = post(&f, json!({"inputText":"x","textMode":"generate","exportAs":"pdf"})).await;
    let id = v["generationId"].as_str().unwrap().to_string();
    let st = until_completed(&f, &id).await;
    let url = url::Url::parse(st["exportUrl"].as_str().unwrap()).unwrap();
    assert_eq!(url.port(), f.storage_url.port());
    let r = reqwest::get(url.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    let mut bare = url.clone();
    bare.set_query(None);
    let r = reqwest::get(bare).await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("<Code>AccessDenied</Code>"));
}
