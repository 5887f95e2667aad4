//! The Presenton provider against the fake: hosted and each self-hosted generation from
//! submit to a valid file, uploads, sign-in modes, and where credentials go.

use std::time::Duration;

use deckhand_engine::providers::presenton::{PresentonProvider, SelfHostedAuth};
use deckhand_engine::providers::{ChoiceKind, ChoiceQuery, DeckRequest, ExportFormat, Provider, RemoteState};
use deckhand_engine::Secret;
use deckhand_tests::files;
use deckhand_tests::presenton::helpers::{generate, provider_for};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation, Origin, BASIC_USER};

fn req(content: &str) -> DeckRequest {
    DeckRequest { content: content.into(), slides: Some(5), ..DeckRequest::default() }
}

async fn start(cfg: FakePresentonConfig) -> FakePresenton {
    FakePresenton::start(cfg).await.expect("fake presenton starts")
}

#[tokio::test]
async fn self_hosted_0_7_3_pending_then_completed_with_a_path_with_spaces() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let p = provider_for(&fake);
    let (st, bytes) = generate(&p, &req("Quarterly Sales Review #3: 100% growth")).await.unwrap();
    assert_eq!(bytes, files::PPTX, "the captured deck arrives intact");
    let link = st.download.unwrap();
    assert_eq!(link.url.path(), "/app_data/exports/Quarterly%20Sales%20Review%20%233%20100%25%20growth.pptx");
    assert_eq!(link.file_name_hint.as_deref(), Some("Quarterly Sales Review #3 100% growth.pptx"));
    assert_eq!(st.edit_url.unwrap().path(), "/presentation");
    assert!(fake.requests().iter().filter(|r| r.path.contains("/status/")).count() >= 2, "polled while pending");
    assert!(fake.requests().iter().all(|r| r.authorization.is_none()), "no credentials configured, none sent");
    assert_eq!(fake.submits(), 1);
}

#[tokio::test]
async fn self_hosted_0_8_9_with_basic_auth_finds_the_deck_without_a_path() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_8_9)).await;
    let p = provider_for(&fake);
    let mut r = req("Introduction to Machine Learning");
    r.format = ExportFormat::Pdf;
    let (st, bytes) = generate(&p, &r).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF arrives");
    assert!(st.download.is_none(), "0.8.9 gives no path");
    assert!(st.file_id.is_some(), "the deck was found in /presentation/all");
    let reqs = fake.requests();
    assert!(reqs.iter().any(|r| r.path == "/api/v1/ppt/presentation/all"));
    // No /export route on 0.8.9: the edit endpoint re-exports.
    let edit = reqs.iter().find(|r| r.path == "/api/v1/ppt/presentation/edit").expect("re-export through /edit");
    assert_eq!(edit.body.as_ref().unwrap()["export_as"], "pdf");
    assert!(reqs.iter().filter(|r| r.origin == Origin::Api).all(|r| r.authorization.as_deref().is_some_and(|a| a.starts_with("Basic "))));
    assert_eq!(fake.submits(), 1);
}

#[tokio::test]
async fn two_0_8_9_decks_side_by_side_are_not_mixed_up() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_8_9)).await;
    let p = provider_for(&fake);
    let a = p.submit(&req("Alpha deck")).await.unwrap().remote;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let b = p.submit(&req("Beta deck")).await.unwrap().remote;
    for (remote, title) in [(a, "Alpha deck"), (b, "Beta deck")] {
        let st = deckhand_tests::presenton::helpers::poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
        assert_eq!(st.state, RemoteState::Completed);
        assert_eq!(st.title.as_deref(), Some(title));
    }
}

#[tokio::test]
async fn self_hosted_latest_with_an_api_key_reports_the_id_early() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::Latest)).await;
    let p = provider_for(&fake);
    let submitted = p.submit(&req("Solar power for schools")).await.unwrap();
    assert!(submitted.remote.id.starts_with("task-"));
    assert!(submitted.remote.file_id.is_some(), "presentation_id is in data from queueing");
    let (st, bytes) = generate(&p, &req("Solar power for schools")).await.unwrap();
    assert_eq!(bytes, files::PPTX);
    assert_eq!(st.download.unwrap().url.path(), "/app_data/exports/Solar%20power%20for%20schools.pptx");
    // A fresh link by exporting again.
    let remote = deckhand_engine::providers::RemoteJob { id: submitted.remote.id, file_id: submitted.remote.file_id };
    let link = p.refresh_download(&remote, ExportFormat::Pdf).await.unwrap();
    assert!(link.url.path().ends_with(".pdf"));
    assert!(p.open_download(&link).await.unwrap().bytes().await.unwrap().starts_with(b"%PDF-"));
    assert!(fake.requests().iter().any(|r| r.path.ends_with("/export")));
    assert!(fake.requests().iter().all(|r| r.authorization.as_deref() == Some(&format!("Bearer {}", deckhand_tests::presenton::SELF_HOSTED_KEY) as &str)));
}

#[tokio::test]
async fn hosted_end_to_end_with_absolute_links_on_another_origin_and_credits() {
    let fake = start(FakePresentonConfig::hosted()).await;
    let p = provider_for(&fake);
    let mut r = req("Climate change basics");
    r.theme = Some("mint-blue".into());
    r.options.insert("image_type".into(), serde_json::json!("ai-generated"));
    let (st, bytes) = generate(&p, &r).await.unwrap();
    assert_eq!(bytes, files::PPTX);
    let link = st.download.unwrap();
    assert_eq!(link.url.origin(), fake.files_url.origin(), "hosted links are absolute, on the file host");
    assert_eq!(st.credits.unwrap().used, Some(5.0));
    assert_eq!(fake.credits_left(), 95.0);
    let reqs = fake.requests();
    let sent = reqs.iter().find(|r| r.path.ends_with("/generate/async")).unwrap().body.clone().unwrap();
    assert_eq!((sent["theme"].as_str(), sent["image_type"].as_str()), (Some("mint-blue"), Some("ai-generated")));
    assert_eq!((sent["n_slides"].as_u64(), sent["language"].as_str()), (Some(5), Some("English")));
    for r in &reqs {
        match r.origin {
            Origin::Api => assert!(r.authorization.as_deref().is_some_and(|a| a.starts_with("Bearer sk-presenton-")), "{r:?}"),
            Origin::Files => assert_eq!(r.authorization, None, "the key never goes to another origin: {r:?}"),
        }
    }
    assert!(reqs.iter().any(|r| r.origin == Origin::Files));
}

#[tokio::test]
async fn hosted_only_fields_never_reach_a_self_hosted_server() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::Latest)).await;
    let p = provider_for(&fake);
    let mut r = req("Topic");
    r.theme = Some("mint-blue".into());
    r.template = Some("modern".into());
    r.options.insert("image_type".into(), serde_json::json!("stock"));
    r.options.insert("tone".into(), serde_json::json!("funny"));
    p.submit(&r).await.unwrap();
    let body = fake.requests().into_iter().find(|r| r.path.ends_with("/generate/async")).unwrap().body.unwrap();
    assert_eq!((body["template"].as_str(), body["tone"].as_str()), (Some("modern"), Some("funny")));
    assert!(body.get("theme").is_none() && body.get("image_type").is_none(), "{body}");
}

#[tokio::test]
async fn a_source_file_is_uploaded_and_its_server_path_sent() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("meeting notes.md");
    std::fs::write(&notes, "# Plan\n- one\n- two\n").unwrap();
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_8_9)).await;
    let p = provider_for(&fake);
    let mut r = req("");
    r.source_files = vec![notes];
    let (_, bytes) = generate(&p, &r).await.unwrap();
    assert_eq!(bytes, files::PPTX);
    assert_eq!(fake.uploads(), vec![("meeting notes.md".to_string(), 19)]);
    let body = fake.requests().into_iter().find(|r| r.path.ends_with("/generate/async")).unwrap().body.unwrap();
    assert_eq!(body["content"], "", "content is sent, empty, when only files are given");
    let files_sent = body["files"].as_array().unwrap();
    assert_eq!(files_sent.len(), 1);
    assert!(files_sent[0].as_str().unwrap().ends_with("/meeting notes.md"));
}

#[tokio::test]
async fn an_oversized_upload_is_refused_and_nothing_is_generated() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pdf");
    std::fs::write(&big, vec![b'x'; 4096]).unwrap();
    let mut cfg = FakePresentonConfig::self_hosted(Generation::V0_7_3);
    cfg.max_upload_bytes = 1024;
    let fake = start(cfg).await;
    let p = provider_for(&fake);
    let mut r = req("");
    r.source_files = vec![big];
    let f = p.submit(&r).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("invalid_input", deckhand_engine::providers::Delivery::Rejected));
    assert_eq!(fake.submits(), 0);
    assert!(!fake.requests().iter().any(|r| r.path.ends_with("/generate/async")), "generate never sent");
}

#[tokio::test]
async fn setup_required_and_wrong_sign_in() {
    let mut cfg = FakePresentonConfig::self_hosted(Generation::V0_8_9);
    cfg.setup_required = true;
    let fake = start(cfg).await;
    let p = provider_for(&fake);
    let e = p.test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "setup_required");
    assert!(e.message().starts_with("Finish setting up your Presenton server"));
    assert_eq!(p.submit(&req("x")).await.unwrap_err().error.kind(), "setup_required");
    fake.set_setup_required(false);
    assert!(p.test_connection().await.is_ok());

    let wrong = PresentonProvider::self_hosted(
        fake.base_url.clone(),
        SelfHostedAuth::Basic { user: BASIC_USER.into(), password: Secret::new("not-the-password") },
    )
    .unwrap();
    let e = wrong.test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "auth");
    assert_eq!(e.details().provider_message.as_deref(), Some("Unauthorized"));
    let none = PresentonProvider::self_hosted(fake.base_url.clone(), SelfHostedAuth::None).unwrap();
    assert_eq!(none.submit(&req("x")).await.unwrap_err().error.kind(), "auth");
    assert_eq!(fake.submits(), 0);
}

#[tokio::test]
async fn a_wrong_hosted_key_is_an_auth_error_and_a_good_one_connects() {
    let fake = start(FakePresentonConfig::hosted()).await;
    let bad = PresentonProvider::hosted(fake.base_url.clone(), Secret::new("sk-presenton-wrong-key-9")).unwrap();
    assert_eq!(bad.test_connection().await.unwrap_err().kind(), "auth");
    let good = provider_for(&fake);
    assert!(good.test_connection().await.unwrap().message.contains("key works"));
}

#[tokio::test]
async fn a_server_that_is_not_running_is_named() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let base = fake.base_url.clone();
    drop(fake);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let p = PresentonProvider::self_hosted(base.clone(), SelfHostedAuth::None).unwrap();
    let e = p.test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "connection_refused");
    assert!(e.message().contains("Is your Presenton server started?"), "{}", e.message());
}

#[tokio::test]
async fn a_redirected_download_carries_no_credentials_to_the_other_origin() {
    let mut cfg = FakePresentonConfig::self_hosted(Generation::V0_8_9);
    cfg.redirect_downloads = true;
    let fake = start(cfg).await;
    let p = provider_for(&fake);
    let (_, bytes) = generate(&p, &req("Redirected deck")).await.unwrap();
    assert_eq!(bytes, files::PPTX);
    let reqs = fake.requests();
    let own = reqs.iter().find(|r| r.origin == Origin::Api && r.path.starts_with("/app_data/")).expect("asked its own origin first");
    assert!(own.authorization.is_some(), "same-origin downloads are signed in");
    let other = reqs.iter().find(|r| r.origin == Origin::Files).expect("followed the redirect");
    assert_eq!(other.authorization, None);
}

#[tokio::test]
async fn choices_templates_themes_and_languages() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::Latest)).await;
    let p = provider_for(&fake);
    let q = |kind| ChoiceQuery { kind: Some(kind), ..ChoiceQuery::default() };
    let t = p.list_choices(&q(ChoiceKind::Templates)).await.unwrap();
    assert!(t.items.iter().any(|c| c.id == "neo-modern"));
    let again = p.list_choices(&q(ChoiceKind::Templates)).await.unwrap();
    assert_eq!(again, t);
    let asked = fake.requests().iter().filter(|r| r.path.starts_with("/api/v1/ppt/template/all")).count();
    assert_eq!(asked, 1, "the list is cached");
    assert!(fake.requests()[0].path.ends_with("?include_defaults=true"));
    let langs = p.list_choices(&ChoiceQuery { kind: Some(ChoiceKind::Languages), search: Some("deutsch".into()), cursor: None }).await.unwrap();
    assert_eq!(langs.items.len(), 1);
    assert_eq!(langs.items[0].id, "German (Deutsch)");
    assert!(p.list_choices(&q(ChoiceKind::Themes)).await.unwrap().items.is_empty(), "self-hosted has no themes");

    let hosted = start(FakePresentonConfig::hosted()).await;
    let hp = provider_for(&hosted);
    let themes = hp.list_choices(&q(ChoiceKind::Themes)).await.unwrap();
    assert!(themes.items.iter().any(|c| c.id == "professional-dark"));
}

/// How each generation reports progress: 0.7.3 stays `pending` with changing messages;
/// 0.8.9 and later go `pending → processing` and count slides.
#[tokio::test]
async fn progress_looks_like_each_generation() {
    for g in [Generation::V0_7_3, Generation::V0_8_9] {
        // 12 simulated seconds in 2.4 real ones: several polls per stage even on a busy machine.
        let fake = start(FakePresentonConfig::self_hosted(g).with_time_scale(0.2)).await;
        let p = provider_for(&fake);
        let remote = p.submit(&req("Progress")).await.unwrap().remote;
        let mut states = Vec::new();
        let mut messages = Vec::new();
        let mut counted = false;
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let st = p.status(&remote).await.unwrap();
            counted |= st.progress.slides_total == Some(5);
            if let Some(m) = st.progress.message.clone() {
                if messages.last() != Some(&m) {
                    messages.push(m);
                }
            }
            if st.state.is_terminal() {
                assert_eq!(st.state, RemoteState::Completed);
                break;
            }
            if states.last() != Some(&st.state) {
                states.push(st.state.clone());
            }
            assert!(std::time::Instant::now() < deadline, "{g:?} never finished");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(messages.len() >= 3, "{g:?}: messages change while it runs: {messages:?}");
        assert_eq!(messages.last().map(String::as_str), Some("Presentation generation completed"));
        match g {
            Generation::V0_7_3 => {
                assert_eq!(states, vec![RemoteState::Pending]);
                assert!(!counted);
            }
            _ => {
                // The first poll may already see `processing` on a slow machine.
                assert_eq!(states.last(), Some(&RemoteState::Running), "{states:?}");
                assert!(states.len() <= 2 && states.iter().all(|s| matches!(s, RemoteState::Pending | RemoteState::Running)), "{states:?}");
                assert!(counted);
            }
        }
    }
}

#[tokio::test]
async fn a_latest_server_takes_the_admin_login_as_well_as_api_keys() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::Latest)).await;
    let basic = PresentonProvider::self_hosted(
        fake.base_url.clone(),
        SelfHostedAuth::Basic { user: BASIC_USER.into(), password: Secret::new(deckhand_tests::presenton::BASIC_PASSWORD) },
    )
    .unwrap();
    let (_, bytes) = generate(&basic, &req("Basic login")).await.unwrap();
    assert_eq!(bytes, files::PPTX, "the download is signed in the same way");
    let wrong = PresentonProvider::self_hosted(fake.base_url.clone(), SelfHostedAuth::Bearer(Secret::new("sk-presenton-not-this-one"))).unwrap();
    assert_eq!(wrong.test_connection().await.unwrap_err().kind(), "auth");
}

/// A 0.8.9 server behind a proxy that passes only generate, status and files: the task says
/// completed with no path, and every way to the file answers 404/405. The deck exists, so
/// this is "made, fetch it yourself", never "unknown deck".
#[tokio::test]
async fn a_finished_deck_on_a_server_without_lookup_routes_is_made_not_unknown() {
    let fake = start(FakePresentonConfig { lookup_routes: false, ..FakePresentonConfig::self_hosted(Generation::V0_8_9) }).await;
    let p = provider_for(&fake);
    let remote = p.submit(&req("Rivers of Europe")).await.unwrap().remote;
    let st = deckhand_tests::presenton::helpers::poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    assert_eq!((st.state, st.download.is_none()), (RemoteState::Completed, true));
    let e = p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap_err();
    assert_eq!(e.kind(), "file_unavailable", "{e:?}");
    assert_eq!(e.details().status, Some(404));
    for words in ["made this deck", fake.base_url.as_str(), "Nothing was charged twice"] {
        assert!(e.message().contains(words), "{words:?} missing: {}", e.message());
    }

    // Known deck id, export and edit routes missing: the deck's own page is named.
    let id = "d3000f96-096c-4768-b67b-e99aed029b57";
    let e = p.refresh_download(&deckhand_engine::providers::RemoteJob { id: remote.id.clone(), file_id: Some(id.into()) }, ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "file_unavailable");
    assert!(e.message().contains(&format!("presentation?id={id}")), "{}", e.message());
    assert_eq!(fake.submits(), 1);
}
