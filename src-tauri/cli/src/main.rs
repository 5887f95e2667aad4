//! deckhand-cli: the same engine and job store as the app, for scripts and batch runs.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Started again as the reader of one notes file (source_text::isolation)?
    if let Some(code) = deckhand_engine::source_text::run_child_if_asked() {
        return std::process::ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = deckhand_cli::args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("deckhand-cli: could not start: {e}");
            return std::process::ExitCode::from(deckhand_cli::output::EXIT_FAILED);
        }
    };
    let code = runtime.block_on(deckhand_cli::commands::run(cli));
    // Job tasks still running (with --no-wait) stop here; the job store says where they stood.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::ExitCode::from(code)
}
