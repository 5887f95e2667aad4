//! The window's security settings stay as strict as capabilities/README.md says: a CSP with
//! no remote source and no `null`, a frozen prototype, and exactly the documented grants.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> Value {
    json(&dir().join("tauri.conf.json"))
}

/// directive -> sources, from the object form of the CSP (the string form is refused, so a
/// directive cannot hide in a long line).
fn csp() -> Vec<(String, Vec<String>)> {
    let cfg = config();
    let csp = &cfg["app"]["security"]["csp"];
    let obj = csp.as_object().expect("app.security.csp must be an object of directives");
    obj.iter()
        .map(|(k, v)| {
            let sources = v.as_str().expect("each CSP directive is one string");
            (k.clone(), sources.split_whitespace().map(str::to_owned).collect())
        })
        .collect()
}

#[test]
fn csp_allows_only_the_app_itself_and_tauri_ipc() {
    let csp = csp();
    let names: BTreeSet<&str> = csp.iter().map(|(k, _)| k.as_str()).collect();
    for needed in ["default-src", "script-src", "style-src", "connect-src", "object-src", "base-uri", "form-action", "frame-ancestors"] {
        assert!(names.contains(needed), "CSP lacks {needed}");
    }
    for (directive, sources) in &csp {
        assert!(!sources.is_empty(), "{directive} is empty");
        for s in sources {
            let allowed = match (directive.as_str(), s.as_str()) {
                (_, "'self'" | "'none'") => true,
                ("img-src", "data:") => true,
                // Tauri's IPC: the custom protocol, and its localhost form on some platforms.
                ("connect-src", "ipc:" | "http://ipc.localhost") => true,
                _ => false,
            };
            assert!(allowed, "CSP {directive} allows {s:?}; only 'self', 'none', data: images and Tauri's IPC are allowed");
        }
    }
    let all: Vec<&String> = csp.iter().flat_map(|(_, s)| s).collect();
    assert!(!all.iter().any(|s| s.contains("null")), "a CSP source of null would allow opaque origins");
    assert!(!all.iter().any(|s| s.contains('*')), "no wildcard sources");
    assert!(!all.iter().any(|s| s.contains("unsafe")), "no 'unsafe-inline' or 'unsafe-eval'");
}

#[test]
fn the_window_loads_the_bundled_page_with_a_frozen_prototype() {
    let cfg = config();
    assert_eq!(cfg["build"]["frontendDist"], "../ui");
    assert!(cfg["build"].get("devUrl").is_none(), "a devUrl would load the page from a server");
    assert_eq!(cfg["app"]["withGlobalTauri"], true, "ui/ has no bundler and uses window.__TAURI__");
    let sec = &cfg["app"]["security"];
    assert_eq!(sec["freezePrototype"], true);
    for risky in ["dangerousDisableAssetCspModification", "dangerousRemoteDomainIpcAccess", "devCsp", "assetProtocol"] {
        assert!(sec.get(risky).is_none(), "security.{risky} is set; explain it in capabilities/README.md and this test first");
    }
    let windows = cfg["app"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0]["label"], "main");
    assert_eq!(windows[0]["title"], "Deckhand");
}

/// The grants listed in the first column of the README's table, e.g.
/// "| `core:event:allow-listen`, `core:event:allow-unlisten` | why |".
fn documented_grants() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(dir().join("capabilities/README.md")).expect("capabilities/README.md");
    let mut grants = BTreeSet::new();
    for line in readme.lines().filter(|l| l.trim_start().starts_with('|')) {
        let first = line.trim().trim_start_matches('|').split('|').next().unwrap_or("");
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                grants.insert(part.to_string());
            }
        }
    }
    grants
}

#[test]
fn capabilities_grant_exactly_what_the_readme_explains() {
    let documented = documented_grants();
    assert!(!documented.is_empty(), "the README table lists no grants");

    let files: Vec<PathBuf> = std::fs::read_dir(dir().join("capabilities"))
        .expect("capabilities/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .collect();
    assert_eq!(files, vec![dir().join("capabilities/default.json")], "one capability file, documented in README.md");

    let cap = json(&files[0]);
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL may use the IPC");
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            // A scoped grant is {"identifier": …, "allow": …}; it must be documented too.
            other => other["identifier"].as_str().expect("permission identifier").to_string(),
        })
        .collect();
    assert_eq!(granted, documented, "capabilities/default.json and capabilities/README.md disagree");
    for p in &granted {
        assert!(!p.ends_with(":default") && !p.contains("allow-all"), "{p}: grant single commands, not bundles");
    }
}

#[test]
fn every_command_of_the_app_is_in_its_manifest_and_granted_to_the_main_window_only() {
    // build.rs declares `ipc_names::COMMANDS` in the app manifest, so each gets an `allow-…`
    // permission; the capability must grant exactly those (plus event listening).
    let build = std::fs::read_to_string(dir().join("build.rs")).expect("build.rs");
    assert!(build.contains("include!(\"src/ipc_names.rs\")") && build.contains(".commands(ipc_names::COMMANDS)"), "build.rs declares the commands");
    let cap = json(&dir().join("capabilities/default.json"));
    let granted: BTreeSet<String> = cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    let mut expected: BTreeSet<String> = deckhand_app::ipc_names::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    expected.insert("core:event:allow-listen".into());
    expected.insert("core:event:allow-unlisten".into());
    assert_eq!(granted, expected);
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("webviews").is_none() && cap.get("remote").is_none());
}
