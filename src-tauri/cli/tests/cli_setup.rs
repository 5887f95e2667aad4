//! What the CLI takes from around it: the app's settings file (read, never written), notes
//! files in every format the app reads, and the `--out` folder, created when missing.

mod support;

use deckhand_engine::providers::ExportFormat;
use deckhand_engine::settings::{SelfHostedAuthMode, Settings};
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, GAMMA_KEY};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation, BASIC_PASSWORD, BASIC_USER};
use support::*;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/source_text").join(name)
}

/// Writes the app's settings file into the place's data folder, as the app would.
fn save_app_settings(place: &Place, settings: &Settings) -> Vec<u8> {
    std::fs::create_dir_all(place.data()).unwrap();
    let bytes = serde_json::to_vec_pretty(settings).unwrap();
    std::fs::write(place.data().join(deckhand_engine::settings::FILE_NAME), &bytes).unwrap();
    bytes
}

fn assert_done(run: &Run) -> std::path::PathBuf {
    assert_eq!(run.code, Some(0), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    let v = run.json();
    assert_eq!(v["state"], "done", "{v}");
    std::path::PathBuf::from(v["file"].as_str().expect("a file"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_own_server_sign_in_and_defaults_are_used_and_the_file_is_left_alone() {
    let fake = FakePresenton::start(FakePresentonConfig::self_hosted(Generation::V0_8_9).with_time_scale(TIME_SCALE)).await.unwrap();
    // Only the password is given, as a keychain stand-in: address, sign-in name, the service
    // and the deck's defaults all come from the app's settings.
    let place = Place::new().with("DECKHAND_PRESENTON_PASSWORD", BASIC_PASSWORD);
    let mut app = Settings { default_provider: deckhand_engine::providers::ProviderKind::PresentonSelf, ..Settings::default() };
    app.servers.presenton_self.enabled = true;
    app.servers.presenton_self.base_url = fake.base_url.to_string();
    app.servers.presenton_self.auth = SelfHostedAuthMode::Basic;
    app.servers.presenton_self.user = Some(BASIC_USER.into());
    app.defaults.presenton_self.slides = Some(6);
    app.defaults.presenton_self.format = Some(ExportFormat::Pdf);
    let saved = save_app_settings(&place, &app);

    let run = place.run(&["--json", "generate", "--content", "Rivers"]).await;
    let file = assert_done(&run);
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("pdf"), "the app's default format");
    let submit = fake.requests().into_iter().find(|r| r.path.ends_with("/generate/async")).expect("a submit");
    let body = submit.body.expect("a JSON body");
    assert_eq!((body["n_slides"].as_u64(), body["export_as"].as_str()), (Some(6), Some("pdf")));
    assert!(submit.authorization.is_some_and(|a| a.starts_with("Basic ")), "the app's sign-in name with the password");

    // The command line wins over the app's defaults.
    let run = place.run(&["--json", "generate", "--content", "Lakes", "--format", "pptx", "--slides", "4"]).await;
    assert_eq!(assert_done(&run).extension().and_then(|e| e.to_str()), Some("pptx"));
    assert_eq!(std::fs::read(place.data().join("settings.json")).unwrap(), saved, "the CLI never writes the app's settings");
}

async fn gamma_place() -> (deckhand_tests::gamma::FakeGammaHandle, Place) {
    let fake = FakeGamma::start(FakeGammaConfig::default()).await.unwrap();
    let place = Place::new().with("DECKHAND_GAMMA_API_KEY", GAMMA_KEY).with("DECKHAND_GAMMA_BASE_URL", &fake.base_url);
    (fake, place)
}

fn sent_input_texts(fake: &deckhand_tests::gamma::FakeGammaHandle) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v1.0/generations")
        .filter_map(|r| r.body.and_then(|b| b["inputText"].as_str().map(str::to_string)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_files_are_read_like_the_app_reads_them() {
    let (fake, place) = gamma_place().await;
    let pdf = fixture("chromium.pdf");
    let docx = fixture("python-docx.docx");
    std::fs::write(place.out().join("talk.md"), "# Talk\n\nRivers and lakes").unwrap();

    for file in [pdf.to_str().unwrap(), docx.to_str().unwrap(), "talk.md"] {
        let run = place.run(&["--json", "generate", "--provider", "gamma", "--content-file", file, "--title", "From notes"]).await;
        assert_done(&run);
    }
    let sent = sent_input_texts(&fake);
    assert_eq!(sent.len(), 3);
    assert!(sent[0].starts_with("Quarterly Review\n\nRevenue grew 12%"), "{:?}", sent[0]);
    assert!(sent[1].starts_with("# Quarterly Review\n# Results"), "{:?}", sent[1]);
    assert_eq!(sent[2], "# Talk\n\nRivers and lakes");

    // The same in a CSV batch, one notes file per deck.
    let csv = format!("content_file,title\n{},A\ntalk.md,B\n", docx.display());
    std::fs::write(place.out().join("decks.csv"), csv).unwrap();
    let run = place.run(&["--json", "batch", "decks.csv", "--provider", "gamma"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = sent_input_texts(&fake);
    assert_eq!(sent.len(), 5);
    // Decks of a batch run side by side: either may be sent first.
    assert!(sent[3..].iter().any(|t| t.starts_with("# Quarterly Review")), "{sent:?}");
    assert!(sent[3..].iter().any(|t| t == "# Talk\n\nRivers and lakes"), "{sent:?}");

    // A file the app would refuse is refused the same way, before anything is sent.
    std::fs::write(place.out().join("slides.pptx"), b"PK").unwrap();
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content-file", "slides.pptx"]).await;
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.json()["error"]["message"].as_str().unwrap().contains("Word (.docx) and PDF (.pdf)"), "{}", run.stdout);
    assert_eq!(fake.submit_count(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_out_folder_is_created_and_a_file_in_its_place_is_refused() {
    let (fake, place) = gamma_place().await;
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar", "--title", "Solar", "--out", "decks/2027/may"]).await;
    let file = assert_done(&run);
    let folder = place.out().join("decks/2027/may");
    assert_eq!(file, folder.join("Solar.pptx"));
    assert!(run.stderr.contains(&format!("created the folder {}", folder.display())), "{}", run.stderr);
    assert!(!run.stdout.contains("created the folder"), "stdout stays one JSON object");

    std::fs::write(place.out().join("taken"), b"x").unwrap();
    let run = place.run(&["--json", "generate", "--provider", "gamma", "--content", "Solar", "--out", "taken"]).await;
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert_eq!(run.json()["error"]["field"], "out");
    assert_eq!(fake.submit_count(), 1, "nothing sent for the refused one");
}
