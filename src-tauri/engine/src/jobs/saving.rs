//! Giving a checked download its final name, with the job store as the truth. The name chosen
//! and the file's fingerprint (size and checksum) are journaled *before* the name is claimed,
//! so after a crash between "the file got its name" and "the journal says done", a restart
//! finds the file, proves it is this job's own, and finishes without downloading a second
//! copy. A file is taken as ours only when it stands under the journaled name (which was free
//! when it was journaled) with exactly the journaled size and hash, and passes the content
//! check; and never while our `.part` still exists as a different file, which means our claim
//! did not happen and whatever holds the name belongs to someone else.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::jobs::content_check;
use crate::jobs::file_names::{numbered_name, MAX_CANDIDATES};
use crate::providers::ExportFormat;

/// A finished download on its way to its final name, as journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saving {
    /// The checked `.part` file.
    pub part: PathBuf,
    /// The final name chosen for it; no file had it when this was journaled.
    pub path: PathBuf,
    /// The sanitized base name, for picking the next name if this one gets taken.
    pub base: String,
    pub size: u64,
    /// The checksum of the whole file, journaled as `"blake3": "<hex>"` (or, by Deckhand
    /// before BLAKE3, `"sha256": "<hex>"`).
    #[serde(flatten)]
    pub checksum: Checksum,
}

/// A file's checksum, lower-case hex. New downloads get BLAKE3: as safe a proof that a file is
/// ours as SHA-256, at about a fifth of the CPU per byte (with SHA instructions SHA-256 cost
/// half a second per GiB, the largest part of what a fast download spent beyond `curl -o`:
/// bench/results.md, benchmark 2). A fingerprint journaled before keeps its SHA-256 and is
/// checked with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Checksum {
    Blake3(String),
    Sha256(String),
}

impl Checksum {
    /// (size, checksum of the same kind as `self`) of the file at `path`.
    fn of_file(&self, path: &Path) -> std::io::Result<(u64, Checksum)> {
        match self {
            Checksum::Blake3(_) => fingerprint(path),
            Checksum::Sha256(_) => {
                let mut hasher = sha2::Sha256::new();
                let size = read_through(path, &mut |bytes| hasher.update(bytes))?;
                Ok((size, Checksum::Sha256(hex(&hasher.finalize()))))
            }
        }
    }
}

/// The first name `base (n).ext` in `dir`, from the `from`-th on, that no file has and no
/// other job is claiming (`claimed`): (n, path). Another process may still take it before we
/// claim it; the claim itself is atomic ([`crate::jobs::download::claim_name`]).
pub fn next_free_name(dir: &Path, base: &str, ext: &str, from: u32, claimed: &dyn Fn(&Path) -> bool) -> Option<(u32, PathBuf)> {
    (from..=MAX_CANDIDATES)
        .map(|n| (n, dir.join(numbered_name(base, ext, n))))
        .find(|(_, path)| std::fs::symlink_metadata(path).is_err() && !claimed(path))
}

/// What a restart finds of a [`Saving`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// The final file is ours: the job is done.
    Saved,
    /// The name was never claimed, but the checked `.part` is whole: claim it, no download.
    Part,
    /// Nothing usable: download again.
    Nothing,
}

/// Size and BLAKE3 of a file, incrementally, as it is written.
#[derive(Default)]
pub struct Fingerprint {
    hasher: blake3::Hasher,
    size: u64,
}

impl Fingerprint {
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// (size, BLAKE3).
    pub fn finish(self) -> (u64, Checksum) {
        (self.size, Checksum::Blake3(self.hasher.finalize().to_hex().to_string()))
    }
}

/// (size, BLAKE3) of the file at `path`.
pub fn fingerprint(path: &Path) -> std::io::Result<(u64, Checksum)> {
    let mut fp = Fingerprint::default();
    read_through(path, &mut |bytes| fp.update(bytes))?;
    Ok(fp.finish())
}

/// Hands every byte of the file at `path` to `each`, in order; returns how many there were.
fn read_through(path: &Path, each: &mut dyn FnMut(&[u8])) -> std::io::Result<u64> {
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(size);
        }
        each(&buf[..n]);
        size += n as u64;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Saving {
    /// Whether `file` is a regular file with exactly the journaled size and content.
    fn matches(&self, file: &Path) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(file) else { return false };
        meta.is_file() && meta.len() == self.size && self.checksum.of_file(file).is_ok_and(|(size, sum)| size == self.size && sum == self.checksum)
    }

    /// Looks at the disk after a restart (blocking: it reads the files). A stray `.part` that
    /// is the final file itself (hard-linked, the crash came before its removal) is removed.
    pub fn inspect(&self, format: ExportFormat) -> Leftover {
        let part_exists = std::fs::symlink_metadata(&self.part).is_ok();
        let linked = part_exists && same_file::is_same_file(&self.part, &self.path).unwrap_or(false);
        if part_exists && !linked {
            // Our claim never happened: the name is not ours, whatever holds it now.
            return if self.matches(&self.part) && content_check::check_file(&self.part, format).is_ok() {
                Leftover::Part
            } else {
                Leftover::Nothing
            };
        }
        if self.matches(&self.path) && content_check::check_file(&self.path, format).is_ok() {
            if linked {
                let _ = std::fs::remove_file(&self.part);
            }
            return Leftover::Saved;
        }
        Leftover::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

    fn saving(dir: &Path, bytes: &[u8]) -> Saving {
        let part = dir.join("Deck.pdf.part");
        std::fs::write(&part, bytes).unwrap();
        let (size, checksum) = fingerprint(&part).unwrap();
        Saving { part, path: dir.join("Deck.pdf"), base: "Deck".into(), size, checksum }
    }

    #[test]
    fn the_fingerprint_is_blake3() {
        let mut fp = Fingerprint::default();
        fp.update(b"ab");
        fp.update(b"c");
        // BLAKE3("abc"), from the BLAKE3 reference implementation.
        let abc = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";
        assert_eq!(fp.finish(), (3, Checksum::Blake3(abc.into())));
    }

    #[test]
    fn a_fingerprint_journaled_before_blake3_is_read_and_checked_with_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("Deck.pdf.part");
        std::fs::write(&part, PDF).unwrap();
        let sha256 = hex(&sha2::Sha256::digest(PDF));
        let journaled = serde_json::json!({
            "part": part, "path": dir.path().join("Deck.pdf"), "base": "Deck", "size": PDF.len(), "sha256": sha256,
        });
        let s: Saving = serde_json::from_value(journaled.clone()).unwrap();
        assert_eq!(s.checksum, Checksum::Sha256(sha256.clone()));
        assert_eq!(serde_json::to_value(&s).unwrap(), journaled, "written back as it was read");
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Part);
        // The same record with another SHA-256 is not ours.
        let wrong: Saving = serde_json::from_value(serde_json::json!({
            "part": part, "path": dir.path().join("Deck.pdf"), "base": "Deck", "size": PDF.len(), "sha256": "00".repeat(32),
        }))
        .unwrap();
        assert_eq!(wrong.inspect(ExportFormat::Pdf), Leftover::Nothing);
        // New records say which checksum they hold.
        let new = saving(dir.path(), PDF);
        assert!(serde_json::to_value(&new).unwrap()["blake3"].is_string());
    }

    #[test]
    fn what_a_restart_finds() {
        let dir = tempfile::tempdir().unwrap();
        let s = saving(dir.path(), PDF);
        // Journaled, not yet claimed: the whole part is used.
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Part);
        // Claimed by a hard link, the part not yet removed: ours, and the part goes.
        std::fs::hard_link(&s.part, &s.path).unwrap();
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Saved);
        assert!(!s.part.exists() && s.path.exists());
        // Claimed and the part removed: still ours.
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Saved);
    }

    #[test]
    fn a_file_that_is_not_exactly_ours_is_never_taken() {
        let dir = tempfile::tempdir().unwrap();
        let s = saving(dir.path(), PDF);
        // Someone else's file under the name while our part is still there: not ours.
        std::fs::write(&s.path, PDF).unwrap();
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Part);
        // Same size, other bytes, our part gone: not ours.
        std::fs::remove_file(&s.part).unwrap();
        let mut other = PDF.to_vec();
        other[10] = b'2';
        std::fs::write(&s.path, &other).unwrap();
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Nothing);
        assert_eq!(std::fs::read(&s.path).unwrap(), other, "left as it was");
        // Nothing at all.
        std::fs::remove_file(&s.path).unwrap();
        assert_eq!(s.inspect(ExportFormat::Pdf), Leftover::Nothing);
    }
}
