//! Opening a finished deck and showing it in its folder, through the person's desktop. When
//! that does not work (no program for .pptx, no file manager on the session bus, the file was
//! moved), the error says what happened in plain words and carries the file's full path, so
//! the window can offer "Copy path"; what the system said goes under Details. Behind a trait,
//! so tests stand in for the desktop.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deckhand_engine::{Details, Error};

/// How long a launcher (xdg-open, gio, open) is watched for a failure before it counts as
/// having opened the file: long enough for "no program for this type" to come back.
const LAUNCH_CHECK: Duration = Duration::from_secs(2);

pub trait Desktop: Send + Sync {
    /// Opens `path` with its default program; an error when the system reports that nothing
    /// opened it.
    fn open(&self, path: &Path) -> std::io::Result<()>;
    /// Shows `path` selected in the file manager; the system's words when it could not.
    fn reveal(&self, path: &Path) -> Result<(), String>;
}

/// The managed state the file commands use.
pub type DesktopHandle = Arc<dyn Desktop>;

/// The real desktop: the `open` crate's launchers (watched for [`LAUNCH_CHECK`]), and the
/// opener plugin's FileManager1 / portal call for "show in folder".
pub struct SystemDesktop;

impl Desktop for SystemDesktop {
    fn open(&self, path: &Path) -> std::io::Result<()> {
        open::that_detached_with_timeout(path, LAUNCH_CHECK)
    }

    fn reveal(&self, path: &Path) -> Result<(), String> {
        tauri_plugin_opener::reveal_item_in_dir(path).map_err(|e| e.to_string())
    }
}

fn file_action(message: String, path: &Path, said: Option<String>) -> Error {
    Error::FileAction {
        message,
        path: Some(path.display().to_string()),
        details: Details { provider_message: said, ..Details::default() },
    }
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn kind_of_file(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pptx") => "PowerPoint files",
        Some("pdf") => "PDF files",
        Some("png") => "PNG pictures",
        _ => "this kind of file",
    }
}

/// The deck's file, if it is still where it was saved.
pub fn still_there(path: &Path) -> Result<(), Error> {
    if path.is_file() {
        return Ok(());
    }
    Err(file_action(
        "The deck is no longer where Deckhand saved it. It may have been moved, renamed or deleted.".into(),
        path,
        None,
    ))
}

pub fn open_deck(desktop: &dyn Desktop, path: &Path) -> Result<(), Error> {
    still_there(path)?;
    desktop.open(path).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            "Deckhand found no program on this computer to open files with. Open the deck from its folder.".to_string()
        } else {
            format!(
                "No program on this computer opened “{}”. Install one that opens {} (LibreOffice does), or open it from its folder.",
                name_of(path),
                kind_of_file(path)
            )
        };
        file_action(message, path, Some(e.to_string()))
    })
}

/// Shows the deck in its folder; with no file manager answering, opens the folder itself.
pub fn show_deck(desktop: &dyn Desktop, path: &Path) -> Result<(), Error> {
    still_there(path)?;
    let revealed = desktop.reveal(path);
    let Err(first) = revealed else { return Ok(()) };
    let folder = path.parent().unwrap_or(path);
    desktop.open(folder).map_err(|e| {
        file_action(
            "No file manager answered, so Deckhand couldn't show the folder. The deck is here:".into(),
            path,
            Some(format!("{first}; opening the folder: {e}")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A desktop where opening and revealing fail or work as told, and every call is kept.
    #[derive(Default)]
    struct Fake {
        open_fails: Option<std::io::ErrorKind>,
        reveal_fails: bool,
        calls: Mutex<Vec<String>>,
    }

    impl Desktop for Fake {
        fn open(&self, path: &Path) -> std::io::Result<()> {
            self.calls.lock().unwrap().push(format!("open {}", path.display()));
            match self.open_fails {
                Some(kind) => Err(std::io::Error::new(kind, "Launcher \"xdg-open\" failed with exit status: 3")),
                None => Ok(()),
            }
        }
        fn reveal(&self, path: &Path) -> Result<(), String> {
            self.calls.lock().unwrap().push(format!("reveal {}", path.display()));
            if self.reveal_fails {
                Err("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.FileManager1 was not provided".into())
            } else {
                Ok(())
            }
        }
    }

    fn deck() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Water cycle.pptx");
        std::fs::write(&file, b"PK").unwrap();
        (dir, file)
    }

    #[test]
    fn a_file_no_program_opens_is_said_plainly_with_its_path() {
        let (_d, file) = deck();
        let fake = Fake { open_fails: Some(std::io::ErrorKind::Other), ..Fake::default() };
        let e = open_deck(&fake, &file).unwrap_err();
        assert_eq!(e.kind(), "file_action");
        assert!(e.message().starts_with("No program on this computer opened “Water cycle.pptx”. Install one that opens PowerPoint files"), "{}", e.message());
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["path"], file.display().to_string());
        assert!(v["details"]["provider_message"].as_str().unwrap().contains("xdg-open"));
        let none = Fake { open_fails: Some(std::io::ErrorKind::NotFound), ..Fake::default() };
        assert!(open_deck(&none, &file).unwrap_err().message().starts_with("Deckhand found no program"));
        assert!(open_deck(&Fake::default(), &file).is_ok());
    }

    #[test]
    fn without_a_file_manager_the_folder_is_opened_instead() {
        let (_d, file) = deck();
        let fake = Fake { reveal_fails: true, ..Fake::default() };
        show_deck(&fake, &file).unwrap();
        let calls = fake.calls.lock().unwrap().clone();
        assert_eq!(calls, vec![format!("reveal {}", file.display()), format!("open {}", file.parent().unwrap().display())]);
    }

    #[test]
    fn when_nothing_can_show_the_folder_the_message_says_so_and_keeps_the_bus_error_for_details() {
        let (_d, file) = deck();
        let fake = Fake { reveal_fails: true, open_fails: Some(std::io::ErrorKind::NotFound), ..Fake::default() };
        let e = show_deck(&fake, &file).unwrap_err();
        assert_eq!(e.kind(), "file_action");
        assert!(!e.message().contains("DBus") && !e.message().contains("unexpected"), "{}", e.message());
        assert!(e.details().provider_message.as_deref().unwrap().contains("org.freedesktop.DBus.Error.ServiceUnknown"));
    }

    #[test]
    fn a_moved_deck_is_not_opened() {
        let (dir, file) = deck();
        std::fs::remove_file(&file).unwrap();
        let fake = Fake::default();
        let e = open_deck(&fake, &file).unwrap_err();
        assert!(e.message().contains("no longer where Deckhand saved it"));
        assert!(show_deck(&fake, &file).is_err());
        assert!(fake.calls.lock().unwrap().is_empty());
        drop(dir);
    }
}
