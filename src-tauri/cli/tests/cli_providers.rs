//! The built CLI against the fake Gamma and Presenton servers: every provider end to end, and
//! the main faults with their exit statuses.

mod support;

use deckhand_engine::jobs::content_check::check_file;
use deckhand_engine::providers::ExportFormat;
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, GAMMA_KEY};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation, BASIC_PASSWORD, BASIC_USER, HOSTED_KEY, SELF_HOSTED_KEY};
use support::*;

async fn gamma(cfg: FakeGammaConfig) -> (deckhand_tests::gamma::FakeGammaHandle, Place) {
    let fake = FakeGamma::start(cfg).await.unwrap();
    let place = Place::new().with("DECKHAND_GAMMA_API_KEY", GAMMA_KEY).with("DECKHAND_GAMMA_BASE_URL", &fake.base_url);
    (fake, place)
}

fn assert_done_with_file(run: &Run, format: ExportFormat) -> std::path::PathBuf {
    assert_eq!(run.code, Some(0), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["state"], "done");
    assert_eq!(v["error"], serde_json::Value::Null);
    let file = std::path::PathBuf::from(v["file"].as_str().expect("a file path"));
    assert!(file.is_absolute());
    check_file(&file, format).unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gamma_makes_a_pptx() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power", "--title", "Solar", "--slides", "5"]).await;
    let file = assert_done_with_file(&run, ExportFormat::Pptx);
    assert_eq!(file, place.out().join("Solar.pptx"));
    let v = run.json();
    assert!(v["edit_url"].as_str().is_some_and(|u| u.starts_with("http")), "{v}");
    assert!(v["credits"].is_object(), "{v}");
    assert_eq!(fake.submit_count(), 1);
    // A second deck of the same title never overwrites the first.
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power", "--title", "Solar"]).await;
    assert_eq!(assert_done_with_file(&run, ExportFormat::Pptx), place.out().join("Solar (2).pptx"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presenton_hosted_makes_a_pdf() {
    let fake = FakePresenton::start(FakePresentonConfig::hosted().with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new().with("DECKHAND_PRESENTON_API_KEY", HOSTED_KEY).with("DECKHAND_PRESENTON_BASE_URL", &fake.base_url);
    let run = place.run(&["--json", "generate", "--provider", "presenton", "--content", "Bees", "--format", "pdf", "--slides", "5"]).await;
    assert_done_with_file(&run, ExportFormat::Pdf);
    assert_eq!(fake.submits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presenton_self_hosted_with_each_sign_in() {
    let basic = FakePresenton::start(FakePresentonConfig::self_hosted(Generation::V0_8_9).with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new()
        .with("DECKHAND_PRESENTON_USER", BASIC_USER)
        .with("DECKHAND_PRESENTON_PASSWORD", BASIC_PASSWORD)
        .with("DECKHAND_PRESENTON_BASE_URL", &basic.base_url);
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--content", "Rivers", "--slides", "5"]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);
    assert_eq!(basic.submits(), 1);

    let bearer = FakePresenton::start(FakePresentonConfig::self_hosted(Generation::Latest).with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new().with("DECKHAND_PRESENTON_SELF_API_KEY", SELF_HOSTED_KEY);
    let url = bearer.base_url.to_string();
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--base-url", &url, "--content", "Lakes", "--slides", "5"]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);

    let open = FakePresenton::start(FakePresentonConfig::self_hosted(Generation::V0_7_3).with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new().with("DECKHAND_PRESENTON_BASE_URL", &open.base_url);
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--content", "Seas", "--slides", "5"]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_that_may_have_arrived_needs_attention_and_is_never_repeated() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    fake.faults().push(Route::Submit, Fault::ProcessThenReset);
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power"]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["state"], "needs_attention");
    assert_eq!(v["error"]["kind"], "submit_uncertain");
    assert_eq!(fake.submit_count(), 1);
    // Resuming does not send it again.
    let run = place.run(&["--json", "resume"]).await;
    assert_eq!(run.code, Some(0));
    assert_eq!(fake.submit_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_failures_have_their_exit_statuses() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    let wrong_key = Place::new().with("DECKHAND_GAMMA_API_KEY", "sk-gamma-wrong").with("DECKHAND_GAMMA_BASE_URL", &fake.base_url);
    let run = wrong_key.run(&["--json", "generate", "--provider", "gamma", "--content", "x"]).await;
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.json()["error"]["kind"], "auth");

    // Too many cards for the plan: refused before anything is sent.
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "x", "--slides", "500"]).await;
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert_eq!(fake.submit_count(), 0);

    let (failing, place) = gamma(FakeGammaConfig { fail_with: Some("Generation failed".into()), ..Default::default() }).await;
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "x"]).await;
    assert_eq!(run.code, Some(1));
    assert_eq!(run.json()["error"]["kind"], "provider_failed");
    assert_eq!(failing.submit_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_page_instead_of_the_file_is_retried_not_saved() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    fake.faults().push(Route::Download, Fault::HtmlPage);
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power"]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);
    assert_eq!(final_files(&place.out()).len(), 1, "only the deck, no page saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_wait_then_download_later() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power", "--no-wait"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = run.json();
    let id = v["id"].as_str().unwrap().to_string();
    assert!(["running", "downloading", "done"].contains(&v["state"].as_str().unwrap()), "{v}");
    let run = place.run(&["--json", "download", &id]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);
    assert_eq!(fake.submit_count(), 1);
    let run = place.run(&["--json", "status", &id]).await;
    assert_eq!(run.json()["state"], "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deck_still_running_at_the_deadline_exits_3() {
    let (_fake, place) = gamma(FakeGammaConfig { never_finish: true, ..Default::default() }).await;
    // 10 minutes of polling at 1/100 speed: about six seconds.
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power"]).await;
    assert_eq!(run.code, Some(3), "{}", run.stdout);
    assert_eq!(run.json()["still_running"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_makes_every_deck() {
    let g = FakeGamma::start(FakeGammaConfig::default()).await.unwrap();
    let p = FakePresenton::start(FakePresentonConfig::hosted().with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new()
        .with("DECKHAND_GAMMA_API_KEY", GAMMA_KEY)
        .with("DECKHAND_GAMMA_BASE_URL", &g.base_url)
        .with("DECKHAND_PRESENTON_API_KEY", HOSTED_KEY)
        .with("DECKHAND_PRESENTON_BASE_URL", &p.base_url);
    std::fs::write(place.out().join("decks.csv"), "content,title,provider,format\nSolar,Sun,gamma,pptx\nBees,Bees,presenton,pdf\nWind,Wind,gamma,pdf\n").unwrap();
    let run = place.run(&["--json", "batch", "decks.csv", "--slides", "5"]).await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let jobs = run.json();
    assert_eq!(jobs.as_array().unwrap().len(), 3);
    assert!(jobs.as_array().unwrap().iter().all(|j| j["state"] == "done"), "{jobs}");
    assert_eq!((g.submit_count(), p.submits()), (2, 1));
    let names: Vec<String> = final_files(&place.out()).iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["Bees.pdf", "Sun.pptx", "Wind.pdf", "decks.csv"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_json_a_person_reads_plain_progress_and_the_result() {
    let (_fake, place) = gamma(FakeGammaConfig::default()).await;
    let run = place.run(&["generate", "--provider", "gamma", "--content", "Solar power", "--title", "Solar"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Not a terminal here: one plain line per change on stderr, no bar drawing.
    assert!(run.stderr.contains(": being made") && run.stderr.contains(": done"), "{}", run.stderr);
    assert!(!run.stderr.contains('\r'), "no progress-bar redraws in a log");
    assert!(run.stdout.contains("done") && run.stdout.contains("file: ") && run.stdout.contains("Solar.pptx"), "{}", run.stdout);
    assert!(!run.stdout.contains(GAMMA_KEY) && !run.stderr.contains(GAMMA_KEY), "the key is never printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_hosted_decks_are_named_after_their_title_cut_at_a_word_not_the_servers_cut_name() {
    let fake = FakePresenton::start(FakePresentonConfig::self_hosted(Generation::V0_7_3).with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new().with("DECKHAND_PRESENTON_BASE_URL", &fake.base_url);
    // The title the server gives this deck is longer than the 95 characters it keeps in its
    // own file name, which it cuts mid-word ("… the first mile.pptx").
    let topic = "Why our school is switching to a four-day week and what it means for families in the first milestone year";
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--content", topic, "--slides", "5"]).await;
    let file = assert_done_with_file(&run, ExportFormat::Pptx);
    assert_eq!(file, place.out().join("Why our school is switching to a four-day week and what it means for families in.pptx"));
    let served = fake.requests().iter().map(|r| r.path.clone()).find(|p| p.starts_with("/app_data/exports/")).unwrap();
    assert!(served.ends_with("the%20first%20mile.pptx"), "the server's own name is cut mid-word: {served}");
    // What the card shows, read from the service and the file itself.
    let v = run.json();
    assert_eq!(v["deck_title"], topic);
    assert_eq!(v["slide_count"], 5, "0.7.3 keeps no counters: counted in the file");
    assert_eq!(v["file_size"], std::fs::metadata(&file).unwrap().len());
    assert_eq!(v["preview"]["source"], "slide_picture", "not python-pptx's blank thumbnail: {v}");
    // The same deck again keeps the uniqueness rule.
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--content", topic, "--slides", "5"]).await;
    assert_eq!(
        assert_done_with_file(&run, ExportFormat::Pptx),
        place.out().join("Why our school is switching to a four-day week and what it means for families in (2).pptx")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosted_and_gamma_decks_without_a_title_are_named_after_the_services_title() {
    let fake = FakePresenton::start(FakePresentonConfig::hosted().with_time_scale(TIME_SCALE)).await.unwrap();
    let place = Place::new().with("DECKHAND_PRESENTON_API_KEY", HOSTED_KEY).with("DECKHAND_PRESENTON_BASE_URL", &fake.base_url);
    let run = place.run(&["--json", "generate", "--provider", "presenton", "--content", "Bees and their keepers\nnotes", "--format", "pdf", "--slides", "5"]).await;
    // The hosted file is "Bees_and_their_keepers.pdf"; the deck is named as its title reads.
    assert_eq!(assert_done_with_file(&run, ExportFormat::Pdf), place.out().join("Bees and their keepers.pdf"));
    assert_eq!(run.json()["slide_count"], 1, "counted in the PDF");

    let (_gamma, place) = gamma(FakeGammaConfig::default()).await;
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Tides explained\nfor year 6", "--slides", "5"]).await;
    assert_eq!(assert_done_with_file(&run, ExportFormat::Pptx), place.out().join("Tides explained.pptx"));
    assert_eq!(run.json()["deck_title"], "Tides explained");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deck_made_on_a_server_that_gives_no_way_to_its_file_needs_attention() {
    let cfg = FakePresentonConfig { lookup_routes: false, ..FakePresentonConfig::self_hosted(Generation::V0_8_9).with_time_scale(TIME_SCALE) };
    let fake = FakePresenton::start(cfg).await.unwrap();
    let place = Place::new()
        .with("DECKHAND_PRESENTON_USER", BASIC_USER)
        .with("DECKHAND_PRESENTON_PASSWORD", BASIC_PASSWORD)
        .with("DECKHAND_PRESENTON_BASE_URL", &fake.base_url);
    let run = place.run(&["--json", "generate", "--provider", "presenton-self", "--content", "Rivers", "--slides", "5"]).await;
    assert_eq!(run.code, Some(3), "needs your attention, not failed: {}", run.stdout);
    let v = run.json();
    assert_eq!((v["state"].as_str(), v["error"]["kind"].as_str()), (Some("needs_attention"), Some("file_unavailable")));
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(fake.base_url.as_str()) && message.contains("Nothing was charged twice"), "{message}");
    assert_eq!(fake.submits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gamma_without_its_export_route_needs_attention_with_the_gamma_link() {
    let (fake, place) = gamma(FakeGammaConfig::default()).await;
    // The signed link is refused (expired), and the export route is not there.
    fake.faults().push(Route::Download, Fault::Status(403));
    for _ in 0..4 {
        fake.faults().push(Route::Export, Fault::Status(405));
    }
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power"]).await;
    assert_eq!(run.code, Some(3), "{}", run.stdout);
    let v = run.json();
    assert_eq!(v["error"]["kind"], "file_unavailable", "{v}");
    let gamma_url = v["edit_url"].as_str().expect("the gamma's own link");
    assert!(v["error"]["message"].as_str().unwrap().contains(gamma_url), "{v}");
    assert_eq!(fake.submit_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gamma_tries_the_status_link_before_exporting_again() {
    let (fake, place) =
        gamma(FakeGammaConfig { opaque_links: true, status_resigns_links: true, ..FakeGammaConfig::default() }).await;
    // The first link and the status answer's newer one both fail; then an export.
    fake.faults().push(Route::Download, Fault::Status(403));
    fake.faults().push(Route::Download, Fault::Status(403));
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar power"]).await;
    assert_done_with_file(&run, ExportFormat::Pptx);
    let downloads: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/files/"))
        .map(|r| r.path.split('/').nth(2).unwrap_or_default().to_string())
        .collect();
    assert_eq!(downloads.len(), 3, "{downloads:?}");
    assert!(downloads[0] != downloads[1] && downloads[1] != downloads[2], "three different links: {downloads:?}");
    assert_eq!(fake.export_count(), 1, "exported once, after the status link failed too");
}
