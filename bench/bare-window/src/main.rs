// A bare Tauri window, the baseline of Deckhand's start-up and memory benchmarks.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The page has drawn its first screen: said on stdout, as Deckhand says it for the benchmark.
#[tauri::command]
fn page_ready() {
    println!("bare-window: page ready");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![page_ready])
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
