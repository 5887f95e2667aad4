// Every command of the app is declared in its app manifest, so Tauri checks it against the
// capabilities like a plugin's: a window (or remote page) without the grant cannot call it.
// The list is the one in src/ipc_names.rs, which the page's ui/js/ipc.js mirrors.
mod ipc_names {
    #![allow(dead_code)]
    include!("src/ipc_names.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=src/ipc_names.rs");
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(ipc_names::COMMANDS)))
        .expect("the app manifest and capabilities could not be built");
}
