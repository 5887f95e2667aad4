//! The one way Deckhand replaces a file it must neither lose nor half-write: the settings, the
//! job journal, the lock's holder note, the cache of choices.
//!
//! The new bytes go to a temporary file with a random name in the same folder, created with
//! `O_EXCL` (`tempfile`), so a file or symlink planted under a predictable name cannot redirect
//! the write elsewhere. It is fsynced, renamed over the target (a rename replaces a symlink at
//! the target instead of following it), and the folder is fsynced so the rename survives a
//! power cut. At any instant the target holds either the old bytes or the new ones.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes`, atomically and durably. The folder must exist.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let mut temp = tempfile::Builder::new().prefix(&temp_prefix(&name)).suffix(TEMP_SUFFIX).tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    // On failure the temporary file is removed when `PersistError` drops.
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Writes a file that must not exist yet (a copy kept aside): never follows or replaces
/// anything already at `path`.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, _) = split(path)?;
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    let written = f.write_all(bytes).and_then(|_| f.sync_all());
    if let Err(e) = written {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(e);
    }
    sync_dir(dir);
    Ok(())
}

/// Removes the temporary files a crash between "write" and "rename" left beside `path` (the
/// target itself is whole). Call it only while no one else can be writing `path`.
pub fn remove_leftovers(path: &Path) {
    let Ok((dir, name)) = split(path) else { return };
    let prefix = temp_prefix(&name);
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let file_name = file_name.to_string_lossy();
        if file_name.starts_with(&prefix) && file_name.ends_with(TEMP_SUFFIX) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Makes a rename in `dir` durable. Folders cannot be opened for syncing on Windows, where the
/// rename itself is durable (MoveFileEx); best effort elsewhere too.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

const TEMP_SUFFIX: &str = ".tmp";

/// `.settings.json.` for `settings.json`: hidden, and recognisably ours.
fn temp_prefix(name: &OsString) -> String {
    format!(".{}.", name.to_string_lossy())
}

fn split(path: &Path) -> io::Result<(&Path, OsString)> {
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Ok((dir, name.to_os_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(dir.path()), vec!["settings.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_where_a_temporary_file_used_to_go_redirects_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        // The fixed names earlier versions used for their temporary files.
        for planted in ["journal.json.tmp", &format!("settings.json.tmp-{}", std::process::id()), ".settings.json.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
        }
        write(&dir.path().join("journal.json"), b"{}").unwrap();
        write(&dir.path().join("settings.json"), b"{}").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        let target = dir.path().join("journal.lock.holder");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write(&target, b"app 1\n").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(!fs::symlink_metadata(&target).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"app 1\n");
    }

    #[test]
    fn write_new_never_touches_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json.bak-1");
        write_new(&path, b"kept").unwrap();
        assert_eq!(write_new(&path, b"other").unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"kept");
    }

    #[test]
    fn leftovers_of_a_crash_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, b"whole").unwrap();
        fs::write(dir.path().join(".settings.json.a1B2c3.tmp"), b"{\"half").unwrap();
        fs::write(dir.path().join(".journal.json.x.tmp"), b"other file's").unwrap();
        remove_leftovers(&path);
        assert_eq!(names(dir.path()), vec![".journal.json.x.tmp", "settings.json"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("settings.json");
        assert!(write(&path, b"x").is_err(), "the folder does not exist");
        fs::create_dir(dir.path().join("sub")).unwrap();
        write(&path, b"old").unwrap();
        // A folder where the file is: the rename fails, the temporary file goes away.
        let blocked = dir.path().join("sub").join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), b"x").unwrap();
        assert!(write(&blocked, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(&dir.path().join("sub")), vec!["blocked", "settings.json"]);
    }
}
