//! Run a fake provider server on its own, for manual tests, the UI and end-to-end runs:
//!
//! ```text
//! cargo run -p deckhand-tests --bin fake-server -- --provider presenton|presenton-self|gamma \
//!     --port N [--time-scale 0.01] [--generation 0.7.3|0.8.9|latest] [--auth none|basic|bearer]
//!     [--generation-secs SECONDS] [--fail-pdf] [--exit-after SECONDS]
//! ```
//!
//! Prints the base URL and the credentials it accepts, then serves until Ctrl-C or, with
//! `--exit-after` (as tests use it, so a forgotten server still stops), until that time is up.

use deckhand_tests::faults::TimeScale;
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, GAMMA_KEY};
use deckhand_tests::presenton::{
    FakeAuth, FakePresenton, FakePresentonConfig, Generation, BASIC_PASSWORD, BASIC_USER, HOSTED_KEY, SELF_HOSTED_KEY,
};

struct Args {
    provider: String,
    port: u16,
    time_scale: f64,
    generation: Generation,
    auth: Option<String>,
    /// Simulated seconds a generation takes (each fake has its own default).
    generation_secs: Option<f64>,
    fail_pdf: bool,
    exit_after: Option<f64>,
}

const USAGE: &str = "usage: fake-server --provider presenton|presenton-self|gamma --port N [--time-scale 0.01] [--generation 0.7.3|0.8.9|latest] [--auth none|basic|bearer] [--generation-secs SECONDS] [--fail-pdf] [--exit-after SECONDS]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args { provider: String::new(), port: 0, time_scale: 1.0, generation: Generation::Latest, auth: None, generation_secs: None, fail_pdf: false, exit_after: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--provider" => args.provider = value()?,
            "--port" => args.port = value()?.parse().map_err(|_| "--port must be a number".to_string())?,
            "--time-scale" => {
                args.time_scale = value()?.parse().map_err(|_| "--time-scale must be a number".to_string())?
            }
            "--generation" => {
                let v = value()?;
                args.generation = Generation::parse(&v).ok_or(format!("unknown generation {v}"))?;
            }
            "--auth" => args.auth = Some(value()?),
            "--generation-secs" => {
                let v: f64 = value()?.parse().map_err(|_| "--generation-secs must be a number of seconds".to_string())?;
                if !(v >= 0.0 && v.is_finite()) {
                    return Err("--generation-secs must be zero or more seconds".into());
                }
                args.generation_secs = Some(v);
            }
            // Presenton: PDF decks fail at export as a real server's did; PowerPoint works.
            "--fail-pdf" => args.fail_pdf = true,
            "--exit-after" => {
                let v: f64 = value()?.parse().map_err(|_| "--exit-after must be a number of seconds".to_string())?;
                if !(v > 0.0 && v.is_finite()) {
                    return Err("--exit-after must be a positive number of seconds".into());
                }
                args.exit_after = Some(v);
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut cfg = match args.provider.as_str() {
        "presenton" => FakePresentonConfig::hosted(),
        "presenton-self" => FakePresentonConfig::self_hosted(args.generation),
        "gamma" => {
            // Gamma has one sign-in (X-API-KEY) and no server generations.
            let mut cfg = FakeGammaConfig { port: args.port, time_scale: TimeScale(args.time_scale), ..FakeGammaConfig::default() };
            if let Some(secs) = args.generation_secs {
                cfg.generation_secs = secs;
            }
            let fake = FakeGamma::start(cfg).await.unwrap_or_else(|e| could_not_start(e));
            println!("fake Gamma API on {} (files on {}); X-API-KEY: {GAMMA_KEY}", fake.base_url, fake.storage_url);
            report_submits(|| fake.submit_count(), stop_signal(args.exit_after)).await;
            fake.stop();
            return;
        }
        other => {
            eprintln!("unknown provider {other:?}\n{USAGE}");
            std::process::exit(2);
        }
    };
    cfg.port = args.port;
    cfg.time_scale = TimeScale(args.time_scale);
    if let Some(secs) = args.generation_secs {
        cfg.generation_secs = secs;
    }
    if args.fail_pdf {
        cfg.fail_pdf_with = Some((500, "Presentation generation failed".into()));
    }
    match args.auth.as_deref() {
        None => {}
        Some("none") => cfg.auth = FakeAuth::None,
        Some("basic") => cfg.auth = FakeAuth::Basic { user: BASIC_USER.into(), password: BASIC_PASSWORD.into() },
        Some("bearer") if args.provider == "presenton" => cfg.auth = FakeAuth::Bearer(HOSTED_KEY.into()),
        Some("bearer") => cfg.auth = FakeAuth::Bearer(SELF_HOSTED_KEY.into()),
        Some(other) => {
            eprintln!("unknown auth {other:?}\n{USAGE}");
            std::process::exit(2);
        }
    }
    let auth = cfg.auth.clone();
    let fake = FakePresenton::start(cfg).await.unwrap_or_else(|e| could_not_start(e));
    println!("fake {} listening on {}", args.provider, fake.base_url);
    println!("file host (other origin): {}", fake.files_url);
    // Test credentials only: printing them is the point of this runner.
    match auth {
        FakeAuth::None => println!("auth: none"),
        FakeAuth::Basic { user, password } => println!("auth: basic {user} / {password}"),
        FakeAuth::Bearer(token) => println!("auth: bearer {token}"),
    }
    report_submits(|| fake.submits(), stop_signal(args.exit_after)).await;
    fake.stop();
}

fn could_not_start(e: std::io::Error) -> ! {
    eprintln!("could not start: {e}");
    std::process::exit(1);
}

/// Until `stop` completes, print "submits: N" whenever the number of generations the fake
/// accepted (and would charge for) changes, so a test driving it from outside can count them.
async fn report_submits(count: impl Fn() -> usize, stop: impl std::future::Future<Output = ()>) {
    let report = async {
        let mut last = None;
        loop {
            let n = count();
            if last != Some(n) {
                println!("submits: {n}");
                last = Some(n);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    tokio::select! {
        _ = stop => {}
        _ = report => {}
    }
}

/// Ctrl-C, or the end of `--exit-after` when it was given.
async fn stop_signal(exit_after: Option<f64>) {
    let limit = async {
        match exit_after {
            Some(s) => tokio::time::sleep(std::time::Duration::from_secs_f64(s)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = limit => eprintln!("fake-server: --exit-after reached, stopping"),
    }
}
