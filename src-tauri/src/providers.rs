//! How the app gets a provider for a resolved connection: one injected factory, so commands and
//! tests never name a concrete provider. Tests pass a factory that returns a fake.

use std::sync::Arc;

use deckhand_engine::connection::ProviderConnection;
use deckhand_engine::providers::Provider;
use deckhand_engine::Error;

pub type ProviderFactory = Arc<dyn Fn(&ProviderConnection) -> Result<Arc<dyn Provider>, Error> + Send + Sync>;

/// The real providers.
pub fn production_factory() -> ProviderFactory {
    Arc::new(deckhand_engine::providers::connect)
}
