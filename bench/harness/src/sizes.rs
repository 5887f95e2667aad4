//! Benchmark 6: what a presenter downloads and installs, Deckhand against the bare window: the
//! release binary as built, the same stripped of every symbol (`strip --strip-all` on a copy;
//! equal when the release profile strips already), and the .deb and .rpm packages.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::Args;

fn size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Size of a copy of `bin` after `strip --strip-all`.
fn stripped(bin: &Path) -> Result<u64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let copy = dir.path().join("stripped");
    std::fs::copy(bin, &copy).map_err(|e| format!("{}: {e}", bin.display()))?;
    let ok = Command::new("strip").arg("--strip-all").arg(&copy).status().map_err(|e| format!("cannot run strip: {e}"))?;
    if !ok.success() {
        return Err(format!("strip failed on {}", bin.display()));
    }
    size(&copy)
}

/// One app's sizes; a package that was not built is null (the report says why).
fn of(bin: &Path, deb: Option<PathBuf>, rpm: Option<PathBuf>) -> Result<Value, String> {
    let pkg = |p: Option<PathBuf>| -> Result<Value, String> {
        Ok(match p {
            Some(p) => json!({ "bytes": size(&p)?, "file": p.file_name().map(|n| n.to_string_lossy().into_owned()) }),
            None => Value::Null,
        })
    };
    Ok(json!({
        "binary": size(bin)?,
        "stripped": stripped(bin)?,
        "deb": pkg(deb)?,
        "rpm": pkg(rpm)?,
    }))
}

pub fn run(args: &Args) -> Result<Value, String> {
    Ok(json!({
        "deckhand": of(&args.required("app")?, args.path("app-deb"), args.path("app-rpm"))?,
        "bare": of(&args.required("bare")?, args.path("bare-deb"), args.path("bare-rpm"))?,
        // Why a package is missing, for the report.
        "note": args.flags.get("note"),
    }))
}
