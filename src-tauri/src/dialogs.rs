//! What only the person may decide, asked in the system's own dialogs, which a script in the
//! window can neither draw nor click: whether plain http to a server is OK, which file to read
//! or upload, which folder decks go to. Behind a trait because Tauri's mock runtime (the
//! commands' tests) has no dialogs: tests answer for the person; the app shows the real ones
//! (tauri-plugin-dialog), attached to the main window.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::chosen_files::SOURCE_EXTENSIONS;

/// The person, through native dialogs. Managed by Tauri as `Arc<dyn Dialogs>`.
#[async_trait]
pub trait Dialogs: Send + Sync {
    /// Shows `question` with its two buttons; true only when the person chose `yes`.
    async fn confirm(&self, question: &Question) -> bool;
    /// One notes file from the system's file picker; `None` when it was closed.
    async fn pick_file(&self) -> Option<PathBuf>;
    /// A folder from the system's folder picker; `None` when it was closed.
    async fn pick_folder(&self) -> Option<PathBuf>;
}

/// A yes/no question; "no" is the safe answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub title: String,
    pub message: String,
    pub yes: String,
    pub no: String,
}

impl Question {
    /// Before a password, a key or notes may travel unencrypted to `origin`.
    pub fn plain_http(origin: &str) -> Question {
        Question {
            title: "Use this server without encryption?".into(),
            message: format!(
                "{origin} uses plain http, so your password or key and your notes travel unencrypted over the network. Only continue if this server is on a network you trust."
            ),
            yes: "Use plain http".into(),
            no: "Go back".into(),
        }
    }

    /// Before notes, files and a sign-in go to a server of the person's own for the first time.
    pub fn own_server(origin: &str) -> Question {
        Question {
            title: "Use this server for your decks?".into(),
            message: format!(
                "Deckhand will send your notes, the files you add and your sign-in to {origin} to make your decks. Only continue if this is your Presenton server or one you trust."
            ),
            yes: "Use this server".into(),
            no: "Go back".into(),
        }
    }
}

/// The system's dialogs.
pub struct SystemDialogs<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SystemDialogs<R> {
    pub fn managed(app: &AppHandle<R>) -> Arc<dyn Dialogs> {
        Arc::new(SystemDialogs(app.clone()))
    }
}

#[async_trait]
impl<R: Runtime> Dialogs for SystemDialogs<R> {
    async fn confirm(&self, q: &Question) -> bool {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut dialog = self
            .0
            .dialog()
            .message(q.message.clone())
            .title(q.title.clone())
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(q.yes.clone(), q.no.clone()));
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.parent(&window);
        }
        dialog.show(move |yes| {
            let _ = tx.send(yes);
        });
        rx.await.unwrap_or(false)
    }

    async fn pick_file(&self) -> Option<PathBuf> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut picker = self.0.dialog().file().add_filter("Notes and documents", &SOURCE_EXTENSIONS);
        if let Some(window) = self.0.get_webview_window("main") {
            picker = picker.set_parent(&window);
        }
        picker.pick_file(move |p| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        });
        rx.await.ok().flatten()
    }

    async fn pick_folder(&self) -> Option<PathBuf> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut picker = self.0.dialog().file();
        if let Some(window) = self.0.get_webview_window("main") {
            picker = picker.set_parent(&window);
        }
        picker.pick_folder(move |p| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        });
        rx.await.ok().flatten()
    }
}
