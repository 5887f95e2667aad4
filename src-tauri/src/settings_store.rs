//! The settings file: read once at start (a corrupt or hand-broken file is copied aside and
//! replaced, with a notice for the person), written atomically on every change
//! (`deckhand_engine::atomic_file`).
//!
//! Why not through tauri-plugin-store: its `save` is `fs::write` on the file itself, so a crash
//! mid-write leaves a truncated file, and its loader discards parse errors (`let _ = load()`),
//! so a corrupt file would silently become an empty store and be overwritten without a backup.
//! The file sits where the store would put it (the app data folder) and is plain JSON, so it
//! can be read by the store later if that ever helps; the plugin stays registered but the page
//! is granted none of its commands.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use deckhand_engine::atomic_file;
use deckhand_engine::settings::{self, Settings};
use deckhand_engine::Error;

pub use deckhand_engine::settings::FILE_NAME;

pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
    /// Said once per session until the person saves settings again.
    notice: Mutex<Option<String>>,
}

impl SettingsStore {
    /// Never fails: whatever is on disk, the app gets usable settings.
    pub fn open(dir: &Path) -> Self {
        let path = dir.join(FILE_NAME);
        // Only this app writes the file, and only one app runs per data folder.
        atomic_file::remove_leftovers(&path);
        let (settings, notice) = read_or_repair(&path);
        SettingsStore { path, current: Mutex::new(settings), notice: Mutex::new(notice) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Settings {
        lock(&self.current).clone()
    }

    pub fn notice(&self) -> Option<String> {
        lock(&self.notice).clone()
    }

    /// Check, write durably, then use. On a failed write the old settings stay in effect.
    pub fn save(&self, next: Settings) -> Result<Settings, Error> {
        self.save_with(|_| Ok(next))
    }

    /// Saves what the page asked for, with what only the person may decide kept from the
    /// settings in use, under the same lock (see `Settings::with_changes_from_page`).
    pub fn save_from_page(&self, asked: Settings) -> Result<Settings, Error> {
        self.save_with(|current| current.with_changes_from_page(asked))
    }

    fn save_with(&self, next: impl FnOnce(&Settings) -> Result<Settings, Error>) -> Result<Settings, Error> {
        let mut current = lock(&self.current);
        let mut next = next(&current)?;
        next.schema_version = settings::SCHEMA_VERSION;
        next.validate()?;
        write_atomically(&self.path, &encode(&next)?)?;
        *current = next.clone();
        *lock(&self.notice) = None;
        Ok(next)
    }

    /// Change one thing under the lock, so two changes never lose each other.
    pub fn update(&self, change: impl FnOnce(&mut Settings) -> Result<bool, Error>) -> Result<Settings, Error> {
        let mut current = lock(&self.current);
        let mut next = current.clone();
        if change(&mut next)? {
            next.validate()?;
            write_atomically(&self.path, &encode(&next)?)?;
            *current = next;
        }
        Ok(current.clone())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave Settings half-changed (it is replaced whole).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read_or_repair(path: &Path) -> (Settings, Option<String>) {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Settings::default(), None),
        Err(e) => {
            // Unreadable (permissions): do not overwrite what we cannot see.
            let notice = format!("Deckhand could not open its settings file ({e}), so it is using the defaults for now.");
            return (Settings::default(), Some(notice));
        }
    };
    let loaded = settings::load(&bytes);
    let Some(problem) = loaded.problem else { return (loaded.settings, None) };
    let backup = backup_path(path);
    let kept = atomic_file::write_new(&backup, &bytes).is_ok();
    let rewritten = encode(&loaded.settings).and_then(|b| write_atomically(path, &b));
    let mut notice = problem.notice(kept.then(|| backup.display().to_string()).as_deref());
    if rewritten.is_err() {
        notice.push_str(" The repaired settings could not be written yet; they will be when you next change a setting.");
    }
    tracing::warn!(file = %path.display(), "settings file reset or repaired");
    (loaded.settings, Some(notice))
}

fn backup_path(path: &Path) -> PathBuf {
    let ts = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".bak-{ts}"));
    path.with_file_name(name)
}

fn encode(s: &Settings) -> Result<Vec<u8>, Error> {
    serde_json::to_vec_pretty(s).map_err(|e| Error::internal(format!("The settings could not be encoded: {e}")))
}

/// At any instant the file on disk is either the old settings or the new ones, never half of each.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().ok_or_else(|| Error::internal("the settings path has no folder"))?;
    let written = fs::create_dir_all(dir).and_then(|_| atomic_file::write(path, bytes));
    written.map_err(|e| {
        Error::disk(format!(
            "Deckhand could not save its settings in {}: {e}. Free some disk space or check the folder's permissions.",
            dir.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_missing_file_gives_defaults_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        assert_eq!(store.get(), Settings::default());
        assert_eq!(store.notice(), None);
        assert!(files(dir.path()).is_empty());
    }

    #[test]
    fn saves_atomically_and_reads_back_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        let mut s = store.get();
        s.notifications = false;
        s.concurrency.gamma = 5;
        store.save(s.clone()).unwrap();
        assert_eq!(files(dir.path()), vec!["settings.json"], "no temp file is left behind");
        let again = SettingsStore::open(dir.path());
        assert_eq!(again.get(), s);
        assert_eq!(again.notice(), None);
    }

    #[test]
    fn an_invalid_save_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        let mut s = store.get();
        s.concurrency.presenton = 99;
        let err = store.save(s).unwrap_err();
        assert_eq!(err.kind(), "invalid_input");
        assert_eq!(store.get(), Settings::default());
        assert!(files(dir.path()).is_empty());
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_replaced_with_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = b"{\"schema_version\": 1, \"concurrency\": {\"gamma\": 3"; // cut off mid-write
        fs::write(dir.path().join(FILE_NAME), garbage).unwrap();
        let store = SettingsStore::open(dir.path());
        assert_eq!(store.get(), Settings::default());
        let notice = store.notice().expect("a notice");
        let names = files(dir.path());
        assert_eq!(names.len(), 2, "{names:?}");
        let backup = names.iter().find(|n| n.starts_with("settings.json.bak-")).expect("a backup");
        assert!(notice.contains(backup.as_str()), "{notice}");
        assert_eq!(fs::read(dir.path().join(backup)).unwrap(), garbage);
        // The file now on disk is the defaults, readable without a notice.
        assert_eq!(SettingsStore::open(dir.path()).notice(), None);
        // Saving clears the notice for this session.
        store.save(store.get()).unwrap();
        assert_eq!(store.notice(), None);
    }

    #[test]
    fn a_failed_write_keeps_the_settings_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let store = SettingsStore::open(&data);
        let mut s = store.get();
        s.notifications = false;
        store.save(s.clone()).unwrap();
        // The data folder is gone and a file stands where it was: nothing can be written.
        // (That the file itself is never half-written is atomic_file's test.)
        fs::remove_dir_all(&data).unwrap();
        fs::write(&data, b"not a folder").unwrap();
        let mut t = s.clone();
        t.notifications = true;
        let err = store.save(t).unwrap_err();
        assert_eq!(err.kind(), "disk");
        assert!(err.message().contains("could not save its settings"), "{}", err.message());
        assert_eq!(store.get(), s, "the settings in use are what was last written");
    }

    #[test]
    fn temp_files_left_by_a_crash_are_cleared_at_start_and_the_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        let s = Settings { notifications: false, ..Settings::default() };
        store.save(s.clone()).unwrap();
        // What a crash between "write temp" and "rename" leaves: a half temp file beside a whole one.
        fs::write(dir.path().join(".settings.json.Ab12Cd.tmp"), b"{\"schema_vers").unwrap();
        let again = SettingsStore::open(dir.path());
        assert_eq!((again.get(), again.notice()), (s, None));
        assert_eq!(files(dir.path()), vec!["settings.json"]);
    }

    #[test]
    fn update_changes_one_thing_and_skips_the_write_when_nothing_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        store.update(|_| Ok(false)).unwrap();
        assert!(files(dir.path()).is_empty());
        let s = store.update(|s| { s.appearance = settings::Appearance::Dark; Ok(true) }).unwrap();
        assert_eq!(SettingsStore::open(dir.path()).get(), s);
    }
}
