//! What a pasted key or password must look like before it is kept: caught here, a stray space
//! or the wrong service's key gives a clear sentence instead of a confusing 401 later.
//! Error messages never repeat the text that was pasted.

use crate::{Error, Secret, SecretAccount};

const PRESENTON_PREFIX: &str = "sk-presenton-";
/// Long enough for any API key or token we have seen, short enough to catch a pasted document.
const MAX_TOKEN_LEN: usize = 512;
const MIN_TOKEN_LEN: usize = 8;
/// Presenton's own rules for the administrator password (`POST /api/v1/auth/setup`).
const PASSWORD_LEN: std::ops::RangeInclusive<usize> = 6..=256;

/// The secret to keep for `account`, cleaned up (keys are trimmed; a password loses only a
/// trailing line break from pasting, because spaces may be part of it), or why it cannot be.
pub fn check(account: &SecretAccount, pasted: &Secret) -> Result<Secret, Error> {
    match account {
        SecretAccount::GammaApiKey { .. } => {
            let key = token(pasted.expose(), "Gamma")?;
            if key.starts_with(PRESENTON_PREFIX) {
                return Err(bad("This looks like a Presenton key. Paste the API key from gamma.app → Settings → API keys."));
            }
            Ok(Secret::new(key))
        }
        SecretAccount::PresentonApiKey { .. } => {
            let key = token(pasted.expose(), "Presenton")?;
            if !key.starts_with(PRESENTON_PREFIX) || key.len() < PRESENTON_PREFIX.len() + MIN_TOKEN_LEN {
                return Err(bad("Presenton keys start with sk-presenton-. Copy the whole key from presenton.ai → API keys."));
            }
            Ok(Secret::new(key))
        }
        SecretAccount::PresentonSelfKey { .. } => Ok(Secret::new(token(pasted.expose(), "your Presenton server")?)),
        SecretAccount::PresentonSelfPassword { .. } => password(pasted.expose()),
    }
}

fn token(raw: &str, service: &str) -> Result<String, Error> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(bad("Paste the key; the field is empty."));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("The key has a space or line break in the middle. Copy it again in one piece."));
    }
    if !key.is_ascii() {
        return Err(bad(&format!("The key contains characters that {service} keys never have. Copy it again from {service}.")));
    }
    if key.len() < MIN_TOKEN_LEN {
        return Err(bad("The key is too short to be a whole key. Copy all of it."));
    }
    if key.len() > MAX_TOKEN_LEN {
        return Err(bad("That is much longer than a key. Copy only the key itself."));
    }
    Ok(key.to_owned())
}

fn password(raw: &str) -> Result<Secret, Error> {
    let pw = raw.trim_end_matches(['\r', '\n']);
    if pw.is_empty() {
        return Err(bad("Enter the password; the field is empty."));
    }
    if pw.chars().any(char::is_control) {
        return Err(bad("The password contains a line break or another invisible character. Type it again."));
    }
    if !PASSWORD_LEN.contains(&pw.chars().count()) {
        return Err(bad("Presenton passwords are 6 to 256 characters long. Check the password of your server."));
    }
    Ok(Secret::new(pw))
}

fn bad(message: &str) -> Error {
    Error::invalid_input("key", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_key() -> SecretAccount {
        SecretAccount::PresentonSelfKey { origin: "http://localhost:5001".into() }
    }
    fn self_pw() -> SecretAccount {
        SecretAccount::PresentonSelfPassword { origin: "http://localhost:5001".into(), user: "admin".into() }
    }
    fn ok(account: &SecretAccount, raw: &str) -> String {
        check(account, &Secret::new(raw)).unwrap().expose().to_owned()
    }
    fn refused(account: &SecretAccount, raw: &str) -> String {
        match check(account, &Secret::new(raw)) {
            Err(Error::InvalidInput { field, message, .. }) => {
                assert_eq!(field.as_deref(), Some("key"));
                assert!(raw.trim().len() <= PRESENTON_PREFIX.len() || !message.contains(raw.trim()), "the message repeats the key: {message}");
                message
            }
            other => panic!("{raw:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn keys_are_trimmed() {
        assert_eq!(ok(&SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() }, "  sk-gamma-abcDEF123456\n"), "sk-gamma-abcDEF123456");
        assert_eq!(ok(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }, "\tsk-presenton-0123456789abcdef "), "sk-presenton-0123456789abcdef");
        assert_eq!(ok(&self_key(), " eyJhbGciOiJIUzI1NiJ9.e30.sig "), "eyJhbGciOiJIUzI1NiJ9.e30.sig");
    }

    #[test]
    fn gamma_keys_are_opaque_but_whole() {
        let g = SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() };
        assert_eq!(ok(&g, "gma_opaque_format_4242"), "gma_opaque_format_4242");
        assert!(refused(&g, "   ").contains("empty"));
        assert!(refused(&g, "sk-gamma-abc def123").contains("space"));
        assert!(refused(&g, "sk-gamma-abc\u{200b}def").contains("characters"));
        assert!(refused(&g, "sk-gam").contains("too short"));
        assert!(refused(&g, &"k".repeat(600)).contains("longer"));
        assert!(refused(&g, "sk-presenton-0123456789abcdef").contains("Presenton key"));
    }

    #[test]
    fn presenton_hosted_keys_have_their_prefix() {
        let p = SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() };
        assert!(refused(&p, "sk-gamma-abcdef123456").contains("sk-presenton-"));
        assert!(refused(&p, "sk-presenton-").contains("sk-presenton-"));
        assert!(refused(&p, "sk-presenton-abc").contains("sk-presenton-"));
    }

    #[test]
    fn passwords_keep_their_spaces_and_lose_only_a_pasted_line_break() {
        assert_eq!(ok(&self_pw(), " correct horse battery \r\n"), " correct horse battery ");
        assert!(refused(&self_pw(), "\n").contains("empty"));
        assert!(refused(&self_pw(), "12345").contains("6 to 256"));
        assert!(refused(&self_pw(), "pass\tword").contains("invisible"));
        assert_eq!(ok(&self_pw(), "пароль-ёж"), "пароль-ёж");
    }
}
