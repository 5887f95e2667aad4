//! Servers that fail before any API answer, one per way a connection can fail: nothing
//! listening, a queue that never takes the connection, a server that takes it and never
//! answers, and one whose certificate is self-signed. All bind 127.0.0.1, and every loop is
//! bounded: each stops when dropped, and by itself after [`LIFETIME`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;
use url::Url;

/// No test needs one of these servers longer.
pub const LIFETIME: Duration = Duration::from_secs(120);
/// Connections a server takes before it stops accepting.
const MAX_CONNECTIONS: usize = 64;

/// A server task that ends when its handle is dropped.
pub struct Running {
    pub base_url: Url,
    task: JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn url(scheme: &str, addr: SocketAddr) -> Url {
    Url::parse(&format!("{scheme}://{addr}")).expect("a loopback URL")
}

/// An address where nothing listens: the connection is refused.
pub fn refused_url() -> Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    url("http", addr)
}

/// A name that cannot exist (RFC 6761 reserves `.invalid`): the lookup fails.
pub fn unresolvable_url() -> Url {
    Url::parse("http://deckhand-test-server.invalid:5001").expect("a URL")
}

/// A listener whose one-place queue is full and never taken from: the kernel drops further
/// connection attempts, so connecting waits until the client gives up.
pub async fn never_accepting() -> std::io::Result<Running> {
    let socket = TcpSocket::new_v4()?;
    socket.bind("127.0.0.1:0".parse().expect("an address"))?;
    let listener = socket.listen(1)?;
    let addr = listener.local_addr()?;
    // Fill the queue (it holds one more than its size) with connections that wait there.
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await??);
    }
    let task = tokio::spawn(async move {
        let _keep = (listener, held);
        tokio::time::sleep(LIFETIME).await;
    });
    Ok(Running { base_url: url("http", addr), task })
}

/// Takes connections and reads what arrives, but never answers.
pub async fn silent() -> std::io::Result<Running> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let _ = tokio::time::timeout(LIFETIME, async {
            let mut open = Vec::new();
            while open.len() < MAX_CONNECTIONS {
                let Ok((mut stream, _)) = listener.accept().await else { break };
                open.push(tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                }));
            }
            futures_util::future::join_all(open).await;
        })
        .await;
    });
    Ok(Running { base_url: url("http", addr), task })
}

/// HTTPS with a certificate made here and signed by nobody. A client that trusted it would get
/// `{}`; Deckhand must refuse it.
pub async fn self_signed_tls() -> std::io::Result<Running> {
    let other = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()]).map_err(|e| other(&e))?;
    let key = rustls_pki_types::PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![made.cert.der().clone()], key)
        .map_err(|e| other(&e))?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let _ = tokio::time::timeout(LIFETIME, async {
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else { break };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // The handshake fails when the client refuses the certificate.
                    if let Ok(mut tls) = acceptor.accept(stream).await {
                        let mut buf = [0u8; 4096];
                        let _ = tls.read(&mut buf).await;
                        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        })
        .await;
    });
    Ok(Running { base_url: url("https", addr), task })
}
