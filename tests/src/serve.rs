//! The fakes' accept loop (Gamma's and Presenton's), in which a handler can drop its own
//! connection without answering, which `axum::serve` cannot do: faults such as "reset" and "process, then reset" need it.

use std::sync::Arc;

use axum::extract::Request;
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Put into every request's extensions: `drop_connection` closes the connection the request
/// came on, with no answer.
#[derive(Clone)]
pub struct Connection(Arc<Notify>);

impl Connection {
    pub async fn drop_connection(&self) -> ! {
        self.0.notify_one();
        // The connection task drops this future together with the connection.
        match std::future::pending::<std::convert::Infallible>().await {}
    }
}

/// Serve `app` on `listener` until `stop` turns true.
pub async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = stop.changed() => return,
        };
        let app = app.clone();
        let kill = Arc::new(Notify::new());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let conn_kill = kill.clone();
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(Connection(conn_kill.clone()));
                let req: Request = req.map(axum::body::Body::new);
                app.clone().oneshot(req)
            });
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            // Dropping `conn` closes the socket, mid-request if need be.
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
}
