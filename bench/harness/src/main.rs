//! `deckhand-bench`: the measuring half of `scripts/bench.sh`. Each subcommand runs one
//! benchmark and prints one JSON object on stdout or into `--out FILE` (progress goes to
//! stderr); `collect` gathers
//! them into `bench/results.json` and `report` turns that into `bench/results.md`. (Benchmark
//! 4 drives the real window and is `bench/many-decks.mjs`; 5 is the store's `bench/journal.sh`.)
//!
//! ```text
//! deckhand-bench poll     [--reps N] [--decks N] [--train N] [--scale S] [--seed N]
//! deckhand-bench download [--reps N] [--mib N] [--dir DIR]
//! deckhand-bench start    --app BIN --bare BIN [--reps N] [--history-dir DIR] [--history-decks N] [--settle-ms N]
//! deckhand-bench sizes    --app BIN --bare BIN [--app-deb F] [--app-rpm F] [--bare-deb F] [--bare-rpm F] [--note TEXT]
//! deckhand-bench collect  DIR > results.json     (DIR/meta.json, DIR/<name>.json or DIR/<name>.skipped)
//! deckhand-bench report   results.json > results.md
//! ```

mod download;
mod poll;
mod procs;
mod report;
mod sizes;
mod start;
mod stats;
mod xwatch;

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

const USAGE: &str = "usage: deckhand-bench poll|download|start|sizes|collect|report [options] (see src/main.rs)";

/// `--name value` pairs and bare arguments.
struct Args {
    flags: HashMap<String, String>,
    rest: Vec<String>,
}

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
        let (mut flags, mut rest) = (HashMap::new(), Vec::new());
        let mut it = args.peekable();
        while let Some(a) = it.next() {
            match a.strip_prefix("--") {
                Some(name) => {
                    let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                    flags.insert(name.to_string(), v);
                }
                None => rest.push(a),
            }
        }
        Ok(Args { flags, rest })
    }

    fn num<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.flags.get(name) {
            Some(v) => v.parse().map_err(|_| format!("--{name} must be a number")),
            None => Ok(default),
        }
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.flags.get(name).map(PathBuf::from)
    }

    fn required(&self, name: &str) -> Result<PathBuf, String> {
        self.path(name).ok_or_else(|| format!("--{name} is required"))
    }
}

fn main() {
    let mut argv = std::env::args().skip(1);
    let Some(cmd) = argv.next() else { fail(USAGE) };
    let args = Args::parse(argv).unwrap_or_else(|e| fail(&e));
    let out = run(&cmd, &args).unwrap_or_else(|e| fail(&format!("deckhand-bench {cmd}: {e}")));
    let text = match out {
        Value::String(text) => text,
        v => serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
    };
    // --out: into a file (a desktop session wrapped around the harness may print on stdout too).
    match args.path("out") {
        Some(path) => std::fs::write(&path, text).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display()))),
        None => print!("{text}"),
    }
}

fn run(cmd: &str, args: &Args) -> Result<Value, String> {
    let rt = || tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| e.to_string());
    let engine_err = |e: deckhand_engine::Error| e.message().to_string();
    match cmd {
        "poll" => {
            let opts = poll::Options {
                reps: args.num("reps", 5)?,
                train: args.num("train", 30)?,
                decks: args.num("decks", 40)?,
                scale: args.flags.get("scale").map(|s| s.parse().map_err(|_| "--scale must be a number".to_string())).transpose()?,
                seed: args.num("seed", 2026)?,
            };
            rt()?.block_on(poll::run(&opts)).map_err(engine_err)
        }
        "download" => download::run(args.num("reps", 3)?, args.num("mib", 1024)?, args.path("dir")),
        "download-child" => download::child(args),
        "start" => start::run(&start::Options {
            app: args.required("app")?,
            bare: args.required("bare")?,
            reps: args.num("reps", 5)?,
            history_dir: args.path("history-dir"),
            history_decks: args.num("history-decks", 0)?,
            settle: std::time::Duration::from_millis(args.num("settle-ms", 3000)?),
        }),
        "sizes" => sizes::run(args),
        "collect" => {
            let [dir] = args.rest.as_slice() else { return Err("usage: collect DIR".into()) };
            report::collect(std::path::Path::new(dir))
        }
        "report" => {
            let [file] = args.rest.as_slice() else { return Err("usage: report results.json".into()) };
            let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            let v: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
            Ok(Value::String(report::markdown(&v)))
        }
        _ => Err(USAGE.into()),
    }
}

fn fail(why: &str) -> ! {
    eprintln!("{why}");
    std::process::exit(2)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn read(rel: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The `[name]` table of a TOML file, as its non-empty, non-comment lines.
    fn table(toml: &str, name: &str) -> Vec<String> {
        let header = format!("[{name}]");
        let mut lines = toml.lines().map(str::trim).skip_while(|l| *l != header);
        lines.next();
        lines.take_while(|l| !l.starts_with('[')).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
    }

    fn locked_version(lock: &str, package: &str) -> Option<String> {
        let key = format!("name = \"{package}\"\n");
        let at = lock.find(&key)? + key.len();
        lock[at..].lines().next()?.strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string)
    }

    /// The comparison is fair only while the bare window is built like Deckhand: the same
    /// release profile and the same Tauri.
    #[test]
    fn the_bare_window_is_built_like_deckhand() {
        let (root, bare) = (read("../../Cargo.toml"), read("../bare-window/Cargo.toml"));
        assert_eq!(table(&bare, "profile.release"), table(&root, "profile.release"), "copy the root [profile.release] into bench/bare-window/Cargo.toml");
        let (root_lock, bare_lock) = (read("../../Cargo.lock"), read("../bare-window/Cargo.lock"));
        for package in ["tauri", "tauri-runtime-wry", "wry", "webkit2gtk", "tauri-build"] {
            let v = locked_version(&root_lock, package);
            assert!(v.is_some(), "{package} not in Cargo.lock");
            assert_eq!(locked_version(&bare_lock, package), v, "{package}: update bench/bare-window/Cargo.lock (cargo update -p {package} --precise …)");
        }
        let features = |toml: &str| table(toml, "dependencies").into_iter().find(|l| l.starts_with("tauri =")).map(|l| l.split("features").nth(1).map(str::to_string));
        assert_eq!(features(&bare), features(&read("../../src-tauri/Cargo.toml")), "the same tauri features as the app");
    }
}
