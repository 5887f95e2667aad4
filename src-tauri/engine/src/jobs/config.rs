//! The engine's knobs: where the job store lives, how many decks per service at once, how to
//! poll and for how long.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::jobs::poll_schedule::PollRules;
use crate::providers::ProviderKind;

/// Overrides the data folder (the job store's home), for tests, the CLI and portable setups.
pub const DATA_DIR_ENV: &str = "DECKHAND_DATA_DIR";

#[derive(Debug, Clone, PartialEq)]
pub struct PollConfig {
    pub rules: HashMap<ProviderKind, PollRules>,
    /// After this long polling without an answer, the job is marked "still running on the
    /// server — check again later" and polling stops.
    pub deadlines: HashMap<ProviderKind, Duration>,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            rules: ProviderKind::ALL.into_iter().map(|k| (k, PollRules::for_provider(k))).collect(),
            deadlines: HashMap::from([
                (ProviderKind::Gamma, Duration::from_secs(10 * 60)),
                (ProviderKind::Presenton, Duration::from_secs(30 * 60)),
                (ProviderKind::PresentonSelf, Duration::from_secs(30 * 60)),
            ]),
        }
    }
}

impl PollConfig {
    pub fn rules(&self, kind: ProviderKind) -> PollRules {
        self.rules.get(&kind).copied().unwrap_or_else(|| PollRules::for_provider(kind))
    }

    pub fn deadline(&self, kind: ProviderKind) -> Duration {
        self.deadlines.get(&kind).copied().unwrap_or(Duration::from_secs(30 * 60))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    pub data_dir: PathBuf,
    /// Decks generated at once per service; the rest wait in line.
    pub concurrency: HashMap<ProviderKind, usize>,
    pub poll: PollConfig,
    /// Automatic submit retries when the request certainly never left this machine.
    pub submit_retries: u32,
    /// Retries of a download after network trouble or an expired link.
    pub download_retries: u32,
}

impl EngineConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        EngineConfig {
            data_dir,
            concurrency: HashMap::from([
                (ProviderKind::Gamma, 2),
                (ProviderKind::Presenton, 2),
                (ProviderKind::PresentonSelf, 1),
            ]),
            poll: PollConfig::default(),
            submit_retries: 3,
            download_retries: 3,
        }
    }

    /// `DECKHAND_DATA_DIR` when set (and not empty), else `default_data_dir`.
    pub fn from_env_or(default_data_dir: PathBuf) -> Self {
        let dir = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(default_data_dir);
        EngineConfig::new(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_providers_guidance() {
        let c = EngineConfig::new("/d".into());
        assert_eq!(c.poll.deadline(ProviderKind::Gamma), Duration::from_secs(600));
        assert_eq!(c.poll.deadline(ProviderKind::Presenton), Duration::from_secs(1800));
        assert_eq!(c.poll.rules(ProviderKind::Gamma).base_gap, Duration::from_secs(5));
        assert_eq!(c.concurrency[&ProviderKind::PresentonSelf], 1);
    }

    #[test]
    fn the_environment_overrides_the_data_folder() {
        // The only test that touches this variable, so no other test can race with it.
        std::env::set_var(DATA_DIR_ENV, "/tmp/deckhand-env-test");
        let c = EngineConfig::from_env_or("/default".into());
        std::env::set_var(DATA_DIR_ENV, "");
        let empty = EngineConfig::from_env_or("/default".into());
        std::env::remove_var(DATA_DIR_ENV);
        assert_eq!(c.data_dir, PathBuf::from("/tmp/deckhand-env-test"));
        assert_eq!(empty.data_dir, PathBuf::from("/default"));
        assert_eq!(EngineConfig::from_env_or("/default".into()).data_dir, PathBuf::from("/default"));
    }
}
