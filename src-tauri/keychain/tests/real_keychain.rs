//! Against the real Secret Service. Run by the test command inside a private
//! `dbus-run-session` with gnome-keyring unlocked (`DECKHAND_REAL_KEYCHAIN=1`); elsewhere
//! these tests say so and do nothing, because touching a developer's own keychain is rude.

use deckhand_engine::{Secret, SecretAccount, SecretStore};
use deckhand_keychain::{backend_persistence, Keychain};
use keyring::credential::CredentialPersistence;

fn enabled() -> bool {
    std::env::var("DECKHAND_REAL_KEYCHAIN").as_deref() == Ok("1")
}

#[test]
fn the_default_backend_is_a_real_persistent_store_not_the_mock() {
    // Holds everywhere: a build without keyring's platform features would be EntryOnly.
    assert!(
        matches!(backend_persistence(), CredentialPersistence::UntilDelete | CredentialPersistence::UntilReboot),
        "keyring would fall back to a store that does not persist"
    );
    assert!(Keychain::open("app.deckhand.test").is_ok());
}

#[test]
fn stores_reads_back_and_deletes_through_secret_service() {
    if !enabled() {
        eprintln!("skipped: DECKHAND_REAL_KEYCHAIN is not 1");
        return;
    }
    let kc = Keychain::open("app.deckhand.test").unwrap();
    let account = SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() };
    let key = Secret::new(format!("sk-gamma-keychain-test-{}", std::process::id()));
    kc.set(&account, &key).unwrap();
    assert_eq!(kc.get(&account).unwrap().as_ref().map(Secret::expose), Some(key.expose()));

    // A second handle (as after a restart) sees the same key.
    let again = Keychain::open("app.deckhand.test").unwrap();
    assert_eq!(again.get(&account).unwrap().as_ref().map(Secret::expose), Some(key.expose()));

    // Another identifier (a dev build) does not.
    let dev = Keychain::open("app.deckhand.test.dev").unwrap();
    assert!(dev.get(&account).unwrap().is_none());

    kc.delete(&account).unwrap();
    assert!(kc.get(&account).unwrap().is_none());
    kc.delete(&account).unwrap();
}

#[test]
fn the_secret_is_visible_to_other_secret_service_clients() {
    if !enabled() {
        eprintln!("skipped: DECKHAND_REAL_KEYCHAIN is not 1");
        return;
    }
    // Proof it went to the real Secret Service and not a process-local store: look it up with
    // secret-tool when it is installed, or through a fresh process otherwise.
    let kc = Keychain::open("app.deckhand.test").unwrap();
    let account = SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() };
    kc.set(&account, &Secret::new("sk-presenton-visible")).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "read_back_in_child", "--nocapture", "--include-ignored"])
        .env("DECKHAND_CHILD_EXPECT", "sk-presenton-visible")
        .output()
        .unwrap();
    kc.delete(&account).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("1 passed"), "child failed: {text}");
}

#[test]
#[ignore = "run by the_secret_is_visible_to_other_secret_service_clients in a child process"]
fn read_back_in_child() {
    let expect = std::env::var("DECKHAND_CHILD_EXPECT").unwrap();
    let kc = Keychain::open("app.deckhand.test").unwrap();
    assert_eq!(kc.get(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }).unwrap().unwrap().expose(), expect);
}
