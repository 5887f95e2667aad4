//! A stand-in for the desktop's file manager on the D-Bus session bus, for end-to-end tests:
//! it owns `org.freedesktop.FileManager1` (the interface "Show in folder" uses on Linux, as
//! Nautilus, Dolphin and Thunar implement it) and writes every item it is asked to show to a
//! log file, one URI per line.
//!
//! ```text
//! fake-file-manager --log FILE [--exit-after SECONDS]
//! ```
//!
//! Prints "ready" once it owns the name; stops by itself after `--exit-after` (default 600 s).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

struct FileManager {
    log: PathBuf,
}

impl FileManager {
    fn record(&self, method: &str, uris: &[String]) {
        let mut f = match std::fs::OpenOptions::new().create(true).append(true).open(&self.log) {
            Ok(f) => f,
            Err(e) => return eprintln!("fake-file-manager: cannot write {}: {e}", self.log.display()),
        };
        for uri in uris {
            let _ = writeln!(f, "{method} {uri}");
        }
        let _ = f.sync_all();
    }
}

#[zbus::interface(name = "org.freedesktop.FileManager1")]
impl FileManager {
    fn show_items(&self, uris: Vec<String>, _startup_id: String) {
        self.record("ShowItems", &uris);
    }

    fn show_folders(&self, uris: Vec<String>, _startup_id: String) {
        self.record("ShowFolders", &uris);
    }

    fn show_item_properties(&self, uris: Vec<String>, _startup_id: String) {
        self.record("ShowItemProperties", &uris);
    }
}

fn main() {
    let mut log = None;
    let mut exit_after = 600.0_f64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match (flag.as_str(), it.next()) {
            ("--log", Some(v)) => log = Some(PathBuf::from(v)),
            ("--exit-after", Some(v)) => match v.parse::<f64>() {
                Ok(s) if s > 0.0 && s.is_finite() => exit_after = s,
                _ => fail("--exit-after must be a positive number of seconds"),
            },
            _ => fail("usage: fake-file-manager --log FILE [--exit-after SECONDS]"),
        }
    }
    let Some(log) = log else { fail("usage: fake-file-manager --log FILE [--exit-after SECONDS]") };
    let built = zbus::blocking::connection::Builder::session()
        .and_then(|b| b.name("org.freedesktop.FileManager1"))
        .and_then(|b| b.serve_at("/org/freedesktop/FileManager1", FileManager { log }))
        .and_then(|b| b.build());
    let _connection = match built {
        Ok(c) => c,
        Err(e) => fail(&format!("could not take org.freedesktop.FileManager1 on the session bus: {e}")),
    };
    println!("ready");
    std::thread::sleep(Duration::from_secs_f64(exit_after));
}

fn fail(message: &str) -> ! {
    eprintln!("fake-file-manager: {message}");
    std::process::exit(2);
}
