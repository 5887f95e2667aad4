//! Keys and passwords go to the keychain and to their own service, and nowhere else — checked
//! over a whole working session against the real fake servers over HTTP, with the production
//! providers and job engine: keys saved (and refused), connections tested, a self-hosted
//! server set up with each sign-in, decks made on every service, and the failure paths a
//! person meets (a refused key, an expired download link, server errors while polling, a
//! download that keeps failing) together with the controls that recover from them (retry,
//! check again, download again, cancel).
//!
//! Then everything Deckhand wrote or said is searched for every credential: each file in its
//! data folder (settings, journal, history, choices cache, the log file) and in the folders
//! decks went to, every event sent to the window, every command result and error, and every
//! line logged. The log file, written by the app's own logger (`logging.rs`) as in the real
//! app, must also hold no word of the notes the decks were made from.
//! The fakes' request logs show what reached each origin: a credential may reach only the API
//! it belongs to, never another service and never a file host.

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use deckhand_app::logging;
use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::jobs::content_check::check_file;
use deckhand_engine::providers::ExportFormat;
use deckhand_engine::redact::Redactor;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{SecretAccount, SecretStore};
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::gamma::{self, FakeGamma, FakeGammaConfig};
use deckhand_tests::presenton::{self, FakeAuth, FakePresenton, FakePresentonConfig, Generation};
use serde_json::{json, Value};
use support::leak_scan::{Finding, LeakScan};
use support::log_capture;
use support::session::Session;
use tauri::test::{mock_builder, mock_context, noop_assets};

// Canary credentials: unique strings that appear nowhere else, so any match is a leak.
const GAMMA_KEY: &str = "sk-gamma-c4n4ryG-7d1e0b2a9f63";
const GAMMA_WRONG_KEY: &str = "sk-gamma-wr0ngG-3b8c5d1e4a07";
const PRESENTON_KEY: &str = "sk-presenton-c4n4ryP-44f9c3e1d8b2";
const PRESENTON_WRONG_KEY: &str = "sk-presenton-wr0ngP-0a9b8c7d6e5f";
const SELF_USER: &str = "ana.admin";
const SELF_PASSWORD: &str = "c4n4ry pässwörd \"q\" 5e6f7a8b";
const SELF_WRONG_PASSWORD: &str = "wr0ng pässwörd 91c2d3e4f5";
const SELF_BEARER: &str = "selfhosted-c4n4ryB-1f2e3d4c5b6a";

/// Whose API a credential belongs to: the only origin it may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Gamma,
    PresentonHosted,
    SelfBasic,
    SelfBearer,
}

struct Canary {
    label: &'static str,
    value: &'static str,
    /// A Basic password is also looked for as its `Authorization` header.
    basic_user: Option<&'static str>,
    owner: Owner,
}

const CANARIES: [Canary; 7] = [
    Canary { label: "Gamma key", value: GAMMA_KEY, basic_user: None, owner: Owner::Gamma },
    Canary { label: "refused Gamma key", value: GAMMA_WRONG_KEY, basic_user: None, owner: Owner::Gamma },
    Canary { label: "Presenton key", value: PRESENTON_KEY, basic_user: None, owner: Owner::PresentonHosted },
    Canary { label: "refused Presenton key", value: PRESENTON_WRONG_KEY, basic_user: None, owner: Owner::PresentonHosted },
    Canary { label: "self-hosted password", value: SELF_PASSWORD, basic_user: Some(SELF_USER), owner: Owner::SelfBasic },
    Canary { label: "refused self-hosted password", value: SELF_WRONG_PASSWORD, basic_user: Some(SELF_USER), owner: Owner::SelfBasic },
    Canary { label: "self-hosted API key", value: SELF_BEARER, basic_user: None, owner: Owner::SelfBearer },
];

/// A scan for every credential except those `allowed` to be where it looks.
fn scan_except(allowed: Option<Owner>) -> LeakScan {
    CANARIES.iter().filter(|c| Some(c.owner) != allowed).fold(LeakScan::new(), |scan, c| match c.basic_user {
        Some(user) => scan.basic(c.label, user, c.value),
        None => scan.secret(c.label, c.value),
    })
}

/// The running fakes. Their tasks live on `_rt`.
struct Fakes {
    gamma: gamma::FakeGammaHandle,
    hosted: FakePresenton,
    basic: FakePresenton,
    bearer: FakePresenton,
    _rt: tokio::runtime::Runtime,
}

impl Fakes {
    fn start() -> Fakes {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (gamma, hosted, basic, bearer) = rt.block_on(async {
            // Gamma's export links point at its API, which redirects to the storage origin: the
            // custom `X-API-KEY` header is the one reqwest would carry across a redirect.
            let gamma = FakeGamma::start(FakeGammaConfig { keys: vec![GAMMA_KEY.into()], redirect_exports: true, ..Default::default() });
            let hosted = FakePresenton::start(FakePresentonConfig { auth: FakeAuth::Bearer(PRESENTON_KEY.into()), ..FakePresentonConfig::hosted() });
            // Downloads redirected to the server's second origin: `Authorization` must not follow.
            let basic = FakePresenton::start(FakePresentonConfig {
                auth: FakeAuth::Basic { user: SELF_USER.into(), password: SELF_PASSWORD.into() },
                redirect_downloads: true,
                ..FakePresentonConfig::self_hosted(Generation::V0_8_9)
            });
            let bearer = FakePresenton::start(FakePresentonConfig {
                auth: FakeAuth::Bearer(SELF_BEARER.into()),
                ..FakePresentonConfig::self_hosted(Generation::Latest)
            });
            (gamma.await.unwrap(), hosted.await.unwrap(), basic.await.unwrap(), bearer.await.unwrap())
        });
        Fakes { gamma, hosted, basic, bearer, _rt: rt }
    }
}

/// The deck a finished job saved: present, and really a deck of its format.
fn assert_deck(job: &Value, format: ExportFormat) -> PathBuf {
    assert_eq!(job["state"], "done", "{job}");
    let file = PathBuf::from(job["file"].as_str().unwrap_or_else(|| panic!("no file: {job}")));
    check_file(&file, format).unwrap_or_else(|e| panic!("{} is not a {format:?} deck: {e:?}", file.display()));
    file
}

// The notes each deck is made from: none of it may reach the log file.
const NOTES: [&str; 5] = [
    "Solar power for schools: panels on every gym roof (note 1a7c)",
    "Wind farms at sea and the fishing villages nearby (note 2b8d)",
    "Bees and pollination in city allotments (note 3c9e)",
    "Rivers of Europe from source to delta (note 4daf)",
    "Lakes of Finland and their winter ice roads (note 5eb0)",
];

/// The app's log file logger, writing to `dir` (the app's data folder's `logs/`, as with
/// `DECKHAND_DATA_DIR`); any mock app lends it the handle the plugin asks for.
fn app_log_file(dir: &std::path::Path, redactor: Arc<Redactor>) -> Box<dyn log::Log> {
    let lender = mock_builder().build(mock_context(noop_assets())).unwrap();
    logging::builder(dir, redactor).split(lender.handle()).unwrap().2
}

fn deck(content: &str, title: &str, format: &str) -> Value {
    json!({"content": content, "title": title, "slides": 5, "format": format})
}

#[test]
fn a_whole_session_against_the_fake_servers_leaves_no_credential_anywhere() {
    let data = tempfile::tempdir().unwrap();
    let log_dir = data.path().join("logs");
    let redactor = Arc::new(Redactor::new());
    let logs = log_capture::install_with(app_log_file(&log_dir, redactor.clone()));
    let fakes = Fakes::start();
    let home = tempfile::tempdir().unwrap();
    let documents = home.path().join("Documents");
    let decks = home.path().join("Decks");
    std::fs::create_dir_all(&decks).unwrap();
    let keychain = Arc::new(MemorySecretStore::default());
    let env = EnvOverrides {
        gamma_base_url: Some(fakes.gamma.base_url.to_string()),
        presenton_base_url: Some(fakes.hosted.base_url.to_string()),
    };
    let s = Session::start_with_redactor(data.path(), &documents, keychain.clone(), env, redactor);

    // Keys: refused ones are errors and are not kept; a wrong Gamma key saved unchecked.
    assert_eq!(s.set_key("gamma", GAMMA_WRONG_KEY, true).unwrap_err()["kind"], "auth");
    assert_eq!(s.ok("key_status", json!({"provider": "gamma"}))["set"], false);
    s.set_key("gamma", GAMMA_WRONG_KEY, false).unwrap();
    assert_eq!(s.refused("test_connection", json!({"provider": "gamma"})), "auth");
    assert_eq!(s.set_key("presenton", PRESENTON_WRONG_KEY, true).unwrap_err()["kind"], "auth");
    assert_eq!(s.ok("key_status", json!({"provider": "presenton"}))["set"], false);
    s.set_key("presenton", PRESENTON_KEY, true).unwrap();
    s.ok("test_connection", json!({"provider": "presenton"}));
    s.ok("list_choices", json!({"provider": "presenton", "kind": "themes"}));

    // A deck with the wrong key: refused by Gamma, so the job fails with a sign-in error.
    let g0 = s.submit("gamma", deck(NOTES[0], "Solar", "pptx"));
    let failed = s.wait_for(&g0, "failed");
    assert_eq!(failed["error"]["kind"], "auth", "{failed}");

    // The right key, checked, and the deck made again as a new job.
    s.set_key("gamma", GAMMA_KEY, true).unwrap();
    s.ok("test_connection", json!({"provider": "gamma"}));
    s.ok("list_choices", json!({"provider": "gamma", "kind": "themes"}));
    s.ok("list_choices", json!({"provider": "gamma", "kind": "folders", "search": "team"}));

    // A password typed into the server's address is refused, and neither kept nor repeated.
    let port = fakes.basic.base_url.port().unwrap();
    let typed = format!("http://{SELF_USER}:{SELF_PASSWORD}@127.0.0.1:{port}");
    let mut settings = s.ok("get_settings", json!({}))["settings"].clone();
    settings["servers"]["presenton_self"] = json!({"base_url": typed, "auth": "basic", "user": SELF_USER});
    assert_eq!(s.refused("save_settings", json!({"settings": settings})), "invalid_input");
    assert_eq!(s.refused("confirm_insecure_server", json!({"baseUrl": typed})), "invalid_input");

    // A self-hosted server with Basic sign-in: the user in Settings, the password as its key.
    s.self_hosted_server(&fakes.basic.base_url, "basic", Some(SELF_USER));
    assert_eq!(s.set_key("presenton-self", SELF_WRONG_PASSWORD, true).unwrap_err()["kind"], "auth");
    s.set_key("presenton-self", SELF_PASSWORD, true).unwrap();
    s.ok("test_connection", json!({"provider": "presenton-self"}));
    s.ok("list_choices", json!({"provider": "presenton-self", "kind": "templates"}));
    for p in ["gamma", "presenton", "presenton-self"] {
        s.ok("key_status", json!({"provider": p}));
    }

    // Faults. Hosted Presenton: server errors while polling, then a refusal that needs the
    // person, then an expired file link. Self-hosted: a file that is gone every time.
    for code in [500, 502, 401] {
        fakes.hosted.faults().push(Route::Status, Fault::Status(code));
    }
    fakes.hosted.faults().push(Route::Download, Fault::Status(403));
    for _ in 0..4 {
        fakes.basic.faults().push(Route::Download, Fault::Status(404));
    }

    let g1 = s.ok("retry_job", json!({"id": g0}))["id"].as_str().unwrap().to_string();
    // The person picks another folder for the next decks in the system's folder picker.
    s.person.will_pick_folder(&decks);
    s.ok("pick_out_dir", json!({}));
    let g2 = s.submit("gamma", deck(NOTES[1], "Wind", "pdf"));
    let p1 = s.submit("presenton", deck(NOTES[2], "Bees", "pdf"));
    let s1 = s.submit("presenton-self", deck(NOTES[3], "Rivers", "pptx"));

    // Cancel one while the service works on it.
    s.wait_for(&g2, "running");
    assert_eq!(s.ok("cancel_job", json!({"id": g2}))["state"], "cancelled");

    // The self-hosted file keeps failing: the job fails, and "download again" gets it.
    let failed = s.wait_for(&s1, "failed");
    assert_eq!(failed["error"]["kind"], "expired_link", "{failed}");
    s.ok("retry_download", json!({"id": s1}));
    let s1_done = s.wait_for(&s1, "done");

    // Now the same kind of server with an API key.
    s.self_hosted_server(&fakes.bearer.base_url, "bearer", None);
    s.set_key("presenton-self", SELF_BEARER, true).unwrap();
    s.ok("test_connection", json!({"provider": "presenton-self"}));
    let s2 = s.submit("presenton-self", deck(NOTES[4], "Lakes", "pptx"));

    // Hosted: retried through two server errors, then stopped by a 401 for the person to see.
    let attention = s.wait_for(&p1, "needs_attention");
    assert_eq!(attention["error"]["kind"], "auth", "{attention}");
    s.ok("check_again", json!({"id": p1}));

    let g1_done = s.wait_for(&g1, "done");
    let p1_done = s.wait_for(&p1, "done");
    let s2_done = s.wait_for(&s2, "done");
    s.ok("remove_job", json!({"id": g2}));
    s.ok("typical_duration", json!({"provider": "gamma", "slides": 5}));
    s.ok("key_status", json!({"provider": "presenton-self"}));
    s.ok("get_settings", json!({}));
    s.ok("list_jobs", json!({}));
    s.ok("list_jobs", json!({"query": {"text": "lakes", "states": ["done"]}}));
    s.ok("job_counts", json!({}));
    s.ok("resumed_decks", json!({}));
    for id in [&g1, &p1, &s1, &s2] {
        s.ok("job_preview", json!({"id": id}));
    }
    s.ok("get_job", json!({"id": g1}));

    // The flow did what it says: four real decks, each service paid once per deck, every fault
    // used, the keys in the keychain, the expired link seen and renewed.
    let files = [
        assert_deck(&g1_done, ExportFormat::Pptx),
        assert_deck(&p1_done, ExportFormat::Pdf),
        assert_deck(&s1_done, ExportFormat::Pptx),
        assert_deck(&s2_done, ExportFormat::Pptx),
    ];
    assert!(files[0].starts_with(&documents), "the default save folder: {}", files[0].display());
    assert!(files[1..].iter().all(|f| f.starts_with(&decks)), "the folder the person picked: {files:?}");
    assert_eq!((fakes.gamma.submit_count(), fakes.hosted.submits(), fakes.basic.submits(), fakes.bearer.submits()), (2, 1, 1, 1));
    assert!(fakes.hosted.faults().is_empty() && fakes.basic.faults().is_empty());
    // Each key is kept for the origin it was saved for (here the fakes', named in the environment).
    let gamma_origin = fakes.gamma.base_url.origin().ascii_serialization();
    let hosted_origin = fakes.hosted.base_url.origin().ascii_serialization();
    assert_eq!(keychain.get(&SecretAccount::GammaApiKey { origin: gamma_origin }).unwrap().unwrap().expose(), GAMMA_KEY);
    assert_eq!(keychain.get(&SecretAccount::PresentonApiKey { origin: hosted_origin }).unwrap().unwrap().expose(), PRESENTON_KEY);
    let basic_origin = fakes.basic.base_url.origin().ascii_serialization();
    let password = keychain.get(&SecretAccount::PresentonSelfPassword { origin: basic_origin, user: SELF_USER.into() }).unwrap();
    assert_eq!(password.unwrap().expose(), SELF_PASSWORD);
    let events = s.events.lock().unwrap().clone();
    assert!(events.iter().any(|e| e.contains(&p1) && e.contains("download link had expired")), "the expired link was renewed");
    assert!(events.iter().any(|e| e.contains("download_progress")) && events.iter().any(|e| e.contains("job_removed")));

    // Credentials reached only their own API: never a file host, never another service.
    let mut findings = request_log_findings(&fakes);

    // Positive control: a key planted in the data folder is found, then removed.
    let planted = data.path().join("planted").join("planted.log");
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::write(&planted, format!("sending X-API-KEY: {GAMMA_KEY}\n")).unwrap();
    let caught = scan_except(None).scan_dir(data.path());
    assert!(caught.iter().any(|f| f.place.ends_with("planted.log") && f.secret == "Gamma key"), "{caught:?}");
    std::fs::remove_dir_all(planted.parent().unwrap()).unwrap();

    // Everything Deckhand wrote and said.
    let scan = scan_except(None);
    let written: Vec<PathBuf> = support::leak_scan::files_under(data.path());
    assert!(written.iter().any(|p| p.ends_with("settings.json")), "{written:?}");
    assert!(written.len() >= 3, "settings, journal and caches were written: {written:?}");
    findings.extend(scan.scan_dir(data.path()));
    findings.extend(scan.scan_dir(home.path()));
    for (place, text) in s.everything_said() {
        findings.extend(scan.scan_text(&place, &text));
    }
    let logged = logs.lock().unwrap().clone();
    for (i, line) in logged.iter().enumerate() {
        findings.extend(scan.scan_text(&format!("log line #{i}"), line));
    }

    // The log file: there, and saying what happened to each deck, in words of its own.
    log::logger().flush();
    let log_file = log_dir.join("deckhand.log");
    let written = std::fs::read_to_string(&log_file).unwrap_or_else(|e| panic!("no log file at {}: {e}", log_file.display()));
    for (id, state) in [(&g0, "failed"), (&g1, "done"), (&g2, "cancelled"), (&p1, "needs_attention"), (&p1, "done"), (&s1, "done"), (&s2, "done")] {
        assert!(written.lines().any(|l| l.contains(&format!("job {id} ")) && l.contains(&format!(": {state} "))), "{id} {state} is in the log:\n{written}");
    }
    assert!(written.contains("error auth status 401"), "a failure says its kind and status: {written}");
    let notes = NOTES.iter().enumerate().fold(LeakScan::new(), |scan, (i, n)| scan.secret(&format!("notes of deck {i}"), n));
    findings.extend(notes.scan_text(&log_file.display().to_string(), &written));
    findings.extend(scan.scan_text(&log_file.display().to_string(), &written));
    // Deckhand's own code never logs notes, at any level (libraries' debug output, which the
    // file never takes, may echo a request).
    for (i, line) in logged.iter().enumerate().filter(|(_, l)| l.contains(" deckhand_")) {
        findings.extend(notes.scan_text(&format!("log line #{i}"), line));
    }
    scan.assert_clean(findings);
}

/// What the fakes received, origin by origin: each API may see its own credentials (and must
/// have: Deckhand signed in), file hosts none at all, under any header, path or body.
fn request_log_findings(fakes: &Fakes) -> Vec<Finding> {
    let mut findings = Vec::new();
    let everything = scan_except(None);

    let (api, storage): (Vec<_>, Vec<_>) = fakes.gamma.requests().into_iter().partition(|r| r.origin == gamma::Origin::Api);
    assert!(api.iter().all(|r| r.has_api_key && !r.has_authorization), "Gamma's API gets X-API-KEY only");
    assert!(!storage.is_empty(), "the Gamma deck was fetched from the storage origin");
    for r in &storage {
        assert!(!r.has_api_key && !r.has_authorization, "a credential reached Gamma's storage: {} {}", r.method, r.path);
    }
    let own = scan_except(Some(Owner::Gamma));
    findings.extend(api.iter().flat_map(|r| own.scan_text("a request to Gamma's API", &format!("{r:?}"))));
    findings.extend(storage.iter().flat_map(|r| everything.scan_text("a request to Gamma's storage", &format!("{r:?}"))));

    for (name, fake, owner, file_host_used) in [
        ("hosted Presenton", &fakes.hosted, Owner::PresentonHosted, true),
        ("the Basic server", &fakes.basic, Owner::SelfBasic, true),
        ("the API-key server", &fakes.bearer, Owner::SelfBearer, false),
    ] {
        let (api, files): (Vec<_>, Vec<_>) = fake.requests().into_iter().partition(|r| r.origin == presenton::Origin::Api);
        assert!(api.iter().all(|r| r.authorization.is_some()), "{name}: every API call signed in");
        assert_eq!(!files.is_empty(), file_host_used, "{name}: requests to the file host: {files:?}");
        for r in &files {
            assert_eq!(r.authorization, None, "{name}: Authorization reached the file host: {} {}", r.method, r.path);
        }
        let own = scan_except(Some(owner));
        findings.extend(api.iter().flat_map(|r| own.scan_text(&format!("a request to {name}'s API"), &format!("{r:?}"))));
        findings.extend(files.iter().flat_map(|r| everything.scan_text(&format!("a request to {name}'s file host"), &format!("{r:?}"))));
    }
    findings
}
