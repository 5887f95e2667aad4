//! From a resolved connection (base URL + credential) to the provider object that speaks its
//! API. The one place that names the concrete providers; the app and the CLI both call it.

use std::sync::Arc;

use crate::connection::{Credentials, ProviderConnection};
use crate::providers::gamma::GammaProvider;
use crate::providers::presenton::{PresentonProvider, SelfHostedAuth};
use crate::providers::{Provider, ProviderKind};
use crate::{Details, Error};

pub fn connect(c: &ProviderConnection) -> Result<Arc<dyn Provider>, Error> {
    let base = c.base.clone();
    Ok(match (c.kind, &c.credentials) {
        (ProviderKind::Gamma, Credentials::ApiKey(k) | Credentials::Bearer(k)) => Arc::new(GammaProvider::new(base, k.clone())?),
        (ProviderKind::Presenton, Credentials::ApiKey(k) | Credentials::Bearer(k)) => Arc::new(PresentonProvider::hosted(base, k.clone())?),
        (ProviderKind::PresentonSelf, Credentials::None) => Arc::new(PresentonProvider::self_hosted(base, SelfHostedAuth::None)?),
        (ProviderKind::PresentonSelf, Credentials::Basic { user, password }) => Arc::new(PresentonProvider::self_hosted(
            base,
            SelfHostedAuth::Basic { user: user.clone(), password: password.clone() },
        )?),
        (ProviderKind::PresentonSelf, Credentials::ApiKey(k) | Credentials::Bearer(k)) => {
            Arc::new(PresentonProvider::self_hosted(base, SelfHostedAuth::Bearer(k.clone()))?)
        }
        (kind, _) => {
            return Err(Error::Auth {
                message: match kind {
                    ProviderKind::PresentonSelf => "Add the server's password or key in Settings first.".into(),
                    other => format!("Add your {} key in Settings first.", other.display_name()),
                },
                details: Details::default(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn conn(kind: ProviderKind, credentials: Credentials) -> ProviderConnection {
        ProviderConnection { kind, base: url::Url::parse("http://127.0.0.1:9").unwrap(), credentials }
    }

    #[test]
    fn every_service_gets_its_own_provider_and_a_missing_key_is_an_auth_error() {
        let key = |k: &str| Credentials::ApiKey(Secret::new(k));
        assert_eq!(connect(&conn(ProviderKind::Gamma, key("sk-gamma-1234abcd"))).unwrap().kind(), ProviderKind::Gamma);
        assert_eq!(
            connect(&conn(ProviderKind::Presenton, key("sk-presenton-1234abcd"))).unwrap().kind(),
            ProviderKind::Presenton
        );
        assert_eq!(connect(&conn(ProviderKind::PresentonSelf, Credentials::None)).unwrap().kind(), ProviderKind::PresentonSelf);
        let basic = Credentials::Basic { user: "admin".into(), password: Secret::new("pw-123456") };
        assert_eq!(connect(&conn(ProviderKind::PresentonSelf, basic)).unwrap().kind(), ProviderKind::PresentonSelf);
        assert_eq!(connect(&conn(ProviderKind::Gamma, Credentials::None)).err().unwrap().kind(), "auth");
    }
}
