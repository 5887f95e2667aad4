//! How the app gets a provider for a resolved connection: one injected factory, so commands and
//! tests never name a concrete provider. Tests pass a factory that returns a fake.

use std::sync::Arc;

use deckhand_engine::connection::ProviderConnection;
use deckhand_engine::providers::Provider;
use deckhand_engine::Error;

pub type ProviderFactory = Arc<dyn Fn(&ProviderConnection) -> Result<Arc<dyn Provider>, Error> + Send + Sync>;

/// The real providers.
///
/// INTEGRATION: the provider constructors live on the `providers` branch. Once it is merged,
/// replace the body of this function with (names as on that branch at the time of writing):
///
/// ```ignore
/// use deckhand_engine::connection::Credentials;
/// use deckhand_engine::providers::{gamma::GammaProvider, presenton::{PresentonProvider, SelfHostedAuth}, ProviderKind};
/// Arc::new(|c: &ProviderConnection| -> Result<Arc<dyn Provider>, Error> {
///     let base = c.base.clone();
///     Ok(match (c.kind, c.credentials.clone()) {
///         (ProviderKind::Gamma, Credentials::ApiKey(k)) => Arc::new(GammaProvider::new(base, k)?),
///         (ProviderKind::Presenton, Credentials::ApiKey(k)) => Arc::new(PresentonProvider::hosted(base, k)?),
///         (ProviderKind::PresentonSelf, Credentials::None) => Arc::new(PresentonProvider::self_hosted(base, SelfHostedAuth::None)?),
///         (ProviderKind::PresentonSelf, Credentials::Basic { user, password }) =>
///             Arc::new(PresentonProvider::self_hosted(base, SelfHostedAuth::Basic { user, password })?),
///         (ProviderKind::PresentonSelf, Credentials::Bearer(k)) => Arc::new(PresentonProvider::self_hosted(base, SelfHostedAuth::Bearer(k))?),
///         (kind, _) => return Err(Error::internal(format!("Deckhand has no credential of that kind for {}.", kind.display_name()))),
///     })
/// })
/// ```
///
/// Until then every service answers with this error rather than pretending to work.
pub fn production_factory() -> ProviderFactory {
    Arc::new(|c: &ProviderConnection| {
        Err(Error::internal(format!(
            "This build of Deckhand cannot talk to {} yet.",
            c.kind.display_name()
        )))
    })
}
