//! A job is finished at the server it was sent to: `deckhand-cli generate --base-url …` killed
//! while the service works, then `deckhand-cli resume` with no address at all (or another one),
//! polls and downloads from the recorded address, and the other server hears nothing.

mod support;

use std::time::Duration;

use deckhand_engine::jobs::content_check::check_file;
use deckhand_engine::providers::ExportFormat;
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, GAMMA_KEY};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation};
use support::*;

/// Starts `args`, and kills it once the journal shows the job running on the service.
async fn kill_while_running(place: &Place, args: &[&str]) {
    let mut child = place.command(args).spawn().expect("the CLI starts");
    let running = async {
        loop {
            if place.journal().and_then(|j| j.jobs.first().map(|j| j.state.as_str() == "running")).unwrap_or(false) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::select! {
        status = child.wait() => panic!("the CLI ended before it could be killed mid-generation: {status:?}"),
        _ = tokio::time::timeout(Duration::from_secs(60), running) => {}
    }
    child.start_kill().expect("SIGKILL");
    let _ = child.wait().await;
}

fn assert_done(run: &Run) {
    assert_eq!(run.code, Some(0), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    let v = run.json();
    let job = if v.is_array() { v[0].clone() } else { v };
    assert_eq!(job["state"], "done", "{job}");
    check_file(std::path::Path::new(job["file"].as_str().unwrap()), ExportFormat::Pptx).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_polls_the_self_hosted_address_given_to_generate() {
    // A server without sign-in, on a port that is not the default 5001; a slow generation so
    // the kill lands while it works.
    let cfg = FakePresentonConfig { generation_secs: 300.0, ..FakePresentonConfig::self_hosted(Generation::V0_7_3).with_time_scale(TIME_SCALE) };
    let server = FakePresenton::start(cfg).await.unwrap();
    let place = Place::new();
    let url = server.base_url.to_string();
    kill_while_running(&place, &["generate", "--provider", "presenton-self", "--base-url", &url, "--content", "Tides", "--slides", "5"]).await;
    let recorded = place.journal().unwrap().jobs[0].origin.clone().expect("the job records its server");
    assert_eq!(recorded.base_url, server.base_url);
    let asked_before = server.requests().len();

    let run = place.run(&["--json", "resume"]).await;
    assert_done(&run);
    assert_eq!(server.submits(), 1, "resumed, never sent again");
    assert!(server.requests().len() > asked_before, "the status requests went to the recorded address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_with_another_address_in_the_environment_still_finishes_at_the_first() {
    let first = FakeGamma::start(FakeGammaConfig { generation_secs: 300.0, ..FakeGammaConfig::default() }).await.unwrap();
    let other = FakeGamma::start(FakeGammaConfig::default()).await.unwrap();
    let place = Place::new().with("DECKHAND_GAMMA_API_KEY", GAMMA_KEY).with("DECKHAND_GAMMA_BASE_URL", &first.base_url);
    kill_while_running(&place, &["generate", "--provider", "gamma", "--content", "Solar power", "--slides", "5"]).await;

    let moved = Place { env: place.env.iter().filter(|(k, _)| k != "DECKHAND_GAMMA_BASE_URL").cloned().collect(), root: place.root }
        .with("DECKHAND_GAMMA_BASE_URL", &other.base_url);
    let run = moved.run(&["--json", "resume"]).await;
    assert_done(&run);
    assert_eq!(first.submit_count(), 1);
    assert!(other.requests().is_empty(), "the other server heard nothing: {:?}", other.requests());
}
