//! Files the person chose. A path reaches Deckhand only from the system's file picker or from a
//! drop onto the window (Tauri's drag-drop window event, handled here in Rust); the page gets
//! an opaque token for each, and reading or uploading takes a token, never a path. So a script
//! in the window can only ever name files the person picked or dropped in this session.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use deckhand_engine::providers::DeckRequest;
use deckhand_engine::Error;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::ipc_names::FILES_EVENT;

/// What Deckhand reads as notes (and Presenton takes as source documents).
pub const SOURCE_EXTENSIONS: [&str; 4] = ["txt", "md", "docx", "pdf"];

/// What the page learns about a chosen file: a token to name it by, and its name to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenFile {
    pub token: String,
    pub name: String,
}

/// The payload of [`FILES_EVENT`]: files just dropped onto the window.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedFiles {
    pub files: Vec<ChosenFile>,
}

/// Tokens handed out this session and the paths they stand for. Managed by Tauri.
#[derive(Default)]
pub struct ChosenFiles {
    paths: Mutex<HashMap<String, PathBuf>>,
}

impl ChosenFiles {
    /// A new token for `path`, which came from the person.
    pub fn remember(&self, path: PathBuf) -> ChosenFile {
        let token = format!("file-{}", uuid::Uuid::new_v4().simple());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        self.lock().insert(token.clone(), path);
        ChosenFile { token, name }
    }

    /// The path a token stands for; anything else (a path, a made-up token) is refused.
    pub fn path(&self, token: &str) -> Result<PathBuf, Error> {
        self.lock().get(token).cloned().ok_or_else(|| {
            Error::invalid_input("source_files", "Deckhand does not know that file. Choose it again with “Choose a file…” or drop it onto the window.")
        })
    }

    /// Replaces the tokens the page sent in `request.source_files` with the paths they stand for.
    pub fn resolve_request(&self, request: &mut DeckRequest) -> Result<(), Error> {
        let tokens = std::mem::take(&mut request.source_files);
        request.source_files = tokens.iter().map(|t| self.path(&t.to_string_lossy())).collect::<Result<_, _>>()?;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, PathBuf>> {
        self.paths.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Files dropped onto the window: each gets a token, and the page hears of them through
/// [`FILES_EVENT`]. (Tauri also tells the page the raw paths, which it can do nothing with.)
pub fn dropped<R: Runtime>(app: &AppHandle<R>, paths: &[PathBuf]) {
    let Some(chosen) = app.try_state::<ChosenFiles>() else { return };
    let files = paths.iter().filter(|p| is_file(p)).map(|p| chosen.remember(p.clone())).collect::<Vec<_>>();
    if !files.is_empty() {
        let _ = app.emit(FILES_EVENT, DroppedFiles { files });
    }
}

/// A dropped folder is not a notes file; anything else is left for the reader to judge.
fn is_file(path: &Path) -> bool {
    !path.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_handed_out_resolve() {
        let files = ChosenFiles::default();
        let a = files.remember(PathBuf::from("/home/ana/notes/plan.md"));
        assert_eq!(a.name, "plan.md");
        assert!(a.token.starts_with("file-") && a.token.len() > 30, "{}", a.token);
        assert_ne!(files.remember(PathBuf::from("/home/ana/notes/plan.md")).token, a.token, "a fresh token each time");
        assert_eq!(files.path(&a.token).unwrap(), PathBuf::from("/home/ana/notes/plan.md"));
        for hostile in ["/home/ana/notes/plan.md", "/etc/passwd", "file-0000", ""] {
            assert_eq!(files.path(hostile).unwrap_err().kind(), "invalid_input", "{hostile}");
        }

        let mut request = DeckRequest { source_files: vec![a.token.clone().into()], ..Default::default() };
        files.resolve_request(&mut request).unwrap();
        assert_eq!(request.source_files, vec![PathBuf::from("/home/ana/notes/plan.md")]);
        let mut request = DeckRequest { source_files: vec![a.token.into(), "/home/ana/.ssh/id_rsa.pdf".into()], ..Default::default() };
        assert_eq!(files.resolve_request(&mut request).unwrap_err().kind(), "invalid_input");
    }
}
