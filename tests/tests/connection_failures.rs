//! Each way a connection can fail gets its own error kind and advice, and says whether a
//! submit may have reached the service: only failures before the connection was up are
//! "certainly never sent".

use std::time::Duration;

use deckhand_engine::providers::gamma::GammaProvider;
use deckhand_engine::providers::http::Timeouts;
use deckhand_engine::providers::presenton::{PresentonProvider, SelfHostedAuth};
use deckhand_engine::providers::{DeckRequest, Delivery, Provider, RemoteJob};
use deckhand_engine::{Error, Secret, TimeoutPhase};
use deckhand_tests::unreachable;
use url::Url;

/// Short waits, so a server that never answers costs a second, not 45.
const QUICK: Timeouts = Timeouts { connect: Duration::from_millis(800), request: Duration::from_millis(1500) };

fn gamma(base: &Url) -> GammaProvider {
    GammaProvider::new(base.clone(), Secret::new("sk-gamma-test")).unwrap().with_timeouts(QUICK).unwrap()
}

fn own_server(base: &Url) -> PresentonProvider {
    PresentonProvider::self_hosted(base.clone(), SelfHostedAuth::None).unwrap().with_timeouts(QUICK).unwrap()
}

fn deck() -> DeckRequest {
    DeckRequest { content: "Rivers".into(), slides: Some(5), ..Default::default() }
}

async fn submit_failure(p: &dyn Provider) -> (Error, Delivery) {
    let f = p.submit(&deck()).await.expect_err("nothing can answer");
    (f.error, f.delivery)
}

#[tokio::test]
async fn a_refused_connection_asks_whether_the_server_is_started() {
    let base = unreachable::refused_url();
    let (e, delivery) = submit_failure(&own_server(&base)).await;
    assert_eq!((e.kind(), delivery), ("connection_refused", Delivery::NotSent));
    assert!(e.message().contains("Is your Presenton server started?") && e.message().contains(base.as_str()), "{}", e.message());
    assert!(e.is_transient(), "a server being restarted comes back");
    let (e, delivery) = submit_failure(&gamma(&base)).await;
    assert_eq!((e.kind(), delivery), ("connection_refused", Delivery::NotSent));
}

#[tokio::test]
async fn a_name_that_cannot_be_found_says_to_check_the_address() {
    let base = unreachable::unresolvable_url();
    let (e, delivery) = submit_failure(&own_server(&base)).await;
    assert_eq!((e.kind(), delivery), ("name_not_found", Delivery::NotSent));
    assert!(e.message().contains("could not be found") && e.message().contains("Check the address in Settings"), "{}", e.message());
    let e = own_server(&base).test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "name_not_found");
}

#[tokio::test]
async fn a_connection_that_is_never_taken_is_a_connect_timeout_and_never_sent() {
    let server = unreachable::never_accepting().await.unwrap();
    let (e, delivery) = submit_failure(&gamma(&server.base_url)).await;
    assert!(matches!(e, Error::Timeout { phase: Some(TimeoutPhase::Connect), .. }), "{e:?}");
    assert_eq!(delivery, Delivery::NotSent);
    let (e, _) = submit_failure(&own_server(&server.base_url)).await;
    assert!(e.message().contains("Is it started, and is the address right?"), "{}", e.message());
}

#[tokio::test]
async fn a_server_that_takes_the_request_and_never_answers_may_have_it() {
    let server = unreachable::silent().await.unwrap();
    let (e, delivery) = submit_failure(&gamma(&server.base_url)).await;
    assert!(matches!(e, Error::Timeout { phase: Some(TimeoutPhase::Read), .. }), "{e:?}");
    assert_eq!(delivery, Delivery::Uncertain, "the request was sent: never repeated on its own");
    let e = gamma(&server.base_url).status(&RemoteJob { id: "gen-1".into(), file_id: None }).await.unwrap_err();
    assert!(e.is_transient(), "a poll tries again");
}

#[tokio::test]
async fn a_self_signed_certificate_is_named_with_what_to_do() {
    let server = unreachable::self_signed_tls().await.unwrap();
    let (e, delivery) = submit_failure(&own_server(&server.base_url)).await;
    assert_eq!((e.kind(), delivery), ("tls", Delivery::NotSent));
    for words in ["certificate Deckhand does not trust", "self-signed", "Let's Encrypt", "http://"] {
        assert!(e.message().contains(words), "{words:?} missing: {}", e.message());
    }
    assert!(!e.is_transient(), "a certificate does not fix itself: the person is asked");
    let e = gamma(&server.base_url).test_connection().await.unwrap_err();
    assert_eq!(e.kind(), "tls");
    assert!(e.message().contains("may be self-signed"), "{}", e.message());
}
