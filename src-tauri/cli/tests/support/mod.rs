//! Running the built CLI against the fake servers of `deckhand-tests`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use deckhand_engine::jobs::record::Stored;
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::Job;
use serde_json::Value;

/// Fakes and CLI both run with this time scale: a "60-second" generation takes 0.6 s.
pub const TIME_SCALE: f64 = 0.01;

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// A data folder, an output folder and the environment for one CLI "installation".
pub struct Place {
    pub root: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Place {
    pub fn new() -> Place {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("out")).unwrap();
        let env = vec![
            ("DECKHAND_DATA_DIR".to_string(), root.path().join("data").display().to_string()),
            ("DECKHAND_CLI_TIME_SCALE".to_string(), TIME_SCALE.to_string()),
        ];
        Place { root, env }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Place {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn out(&self) -> PathBuf {
        self.root.path().join("out")
    }

    pub fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_deckhand-cli"));
        c.args(args).current_dir(self.out()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for k in ["DECKHAND_GAMMA_API_KEY", "DECKHAND_PRESENTON_API_KEY", "DECKHAND_PRESENTON_USER", "DECKHAND_PRESENTON_PASSWORD",
            "DECKHAND_PRESENTON_SELF_API_KEY", "DECKHAND_GAMMA_BASE_URL", "DECKHAND_PRESENTON_BASE_URL"]
        {
            c.env_remove(k);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.kill_on_drop(true);
        c
    }

    /// Runs to the end (at most two minutes).
    pub async fn run(&self, args: &[&str]) -> Run {
        let out = tokio::time::timeout(Duration::from_secs(120), self.command(args).output())
            .await
            .expect("the CLI finished within two minutes")
            .expect("the CLI ran");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The job store as another process sees it now (`None` before the CLI created it).
    pub fn journal(&self) -> Option<Journal> {
        let store = Store::open_reader(&self.data()).unwrap_or_else(|e| panic!("the job store does not open: {e}"))?;
        let stored = store.all().unwrap_or_else(|e| panic!("the job store cannot be read: {e}"));
        let jobs = stored
            .into_iter()
            .map(|s| match s {
                Stored::Known(job) => *job,
                Stored::Newer(record) => panic!("a record this Deckhand cannot read: {record:?}"),
            })
            .collect();
        Some(Journal { jobs })
    }
}

/// Every job the store holds, oldest first.
pub struct Journal {
    pub jobs: Vec<Job>,
}

/// Every file in `dir` whose name is final (not `.part`) must be a complete deck.
pub fn final_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("part"))
        .collect();
    v.sort();
    v
}
