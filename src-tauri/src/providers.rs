//! How the app gets a provider for a resolved connection: one injected factory, so commands and
//! tests never name a concrete provider. Tests pass a factory that returns a fake.

use std::sync::Arc;

use deckhand_engine::connection::ProviderConnection;
use deckhand_engine::providers::Provider;
use deckhand_engine::Error;

pub type ProviderFactory = Arc<dyn Fn(&ProviderConnection) -> Result<Arc<dyn Provider>, Error> + Send + Sync>;

/// The real providers.
///
/// INTEGRATION: the provider constructors (`GammaProvider::new`, `PresentonProvider::hosted`,
/// `PresentonProvider::self_hosted`) live on another branch; once merged, the body of this
/// function becomes one call, e.g.
/// `Arc::new(|c| deckhand_engine::providers::connect(c))`, mapping
/// `Credentials::{ApiKey, None, Basic, Bearer}` to each constructor. Until then every service
/// answers with this error rather than pretending to work.
pub fn production_factory() -> ProviderFactory {
    Arc::new(|c: &ProviderConnection| {
        Err(Error::internal(format!(
            "This build of Deckhand cannot talk to {} yet.",
            c.kind.display_name()
        )))
    })
}
