//! The person at the keyboard, for the mock runtime, which has no native dialogs: answers
//! questions and picks files and folders as a test scripts it, and remembers what was asked.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use deckhand_app::dialogs::{Dialogs, Question};

#[derive(Default)]
pub struct ScriptedPerson {
    /// Answers to questions, in order; "no" once they run out.
    pub answers: Mutex<VecDeque<bool>>,
    /// What the file picker returns, in order; closed once they run out.
    pub files: Mutex<VecDeque<PathBuf>>,
    /// What the folder picker returns, in order; closed once they run out.
    pub folders: Mutex<VecDeque<PathBuf>>,
    /// Every question shown.
    pub asked: Mutex<Vec<Question>>,
}

impl ScriptedPerson {
    pub fn new() -> Arc<ScriptedPerson> {
        Arc::new(ScriptedPerson::default())
    }

    /// As managed state: what the commands find.
    pub fn dialogs(self: &Arc<Self>) -> Arc<dyn Dialogs> {
        self.clone()
    }

    pub fn will_answer(&self, yes: bool) {
        self.answers.lock().unwrap().push_back(yes);
    }

    pub fn will_pick_file(&self, path: impl Into<PathBuf>) {
        self.files.lock().unwrap().push_back(path.into());
    }

    pub fn will_pick_folder(&self, path: impl Into<PathBuf>) {
        self.folders.lock().unwrap().push_back(path.into());
    }

    pub fn questions(&self) -> Vec<Question> {
        self.asked.lock().unwrap().clone()
    }
}

#[async_trait]
impl Dialogs for ScriptedPerson {
    async fn confirm(&self, question: &Question) -> bool {
        self.asked.lock().unwrap().push(question.clone());
        self.answers.lock().unwrap().pop_front().unwrap_or(false)
    }

    async fn pick_file(&self) -> Option<PathBuf> {
        self.files.lock().unwrap().pop_front()
    }

    async fn pick_folder(&self) -> Option<PathBuf> {
        self.folders.lock().unwrap().pop_front()
    }
}
