//! deckhand-cli: the same engine and journal as the app, for scripts and batch runs.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") | Some("-V") => println!("deckhand-cli {}", env!("CARGO_PKG_VERSION")),
        _ => {
            eprintln!("usage: deckhand-cli --version");
            std::process::exit(2);
        }
    }
}
