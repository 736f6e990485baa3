//! Limits on every connection, so that slow or numerous clients cannot
//! hold the server: a deadline on each request body, and a cap on the
//! connections one client address holds at once.
//!
//! actix cuts a request whose headers are slow (`client_request_timeout`,
//! 5 s) but not a body that stops arriving; without [`body_deadline`] one
//! could sit idle for ever, each holding a file descriptor.

use crate::store::admit;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use futures_util::Stream;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// A body that sends nothing for this long is dropped.
pub const BODY_IDLE: Duration = Duration::from_secs(10);
/// A body must have arrived whole this long after its headers (1 MiB at
/// 20 KiB/s, a poor mobile link, takes 50 s; a typical save is a few KiB).
pub const BODY_TOTAL: Duration = Duration::from_secs(60);
/// Connections one address may hold open at once unless set otherwise: a
/// browser opens at most six per server, so this is an office of ten people
/// or more behind one address. Past it a new connection is closed as soon
/// as it is accepted.
pub const CONNECTIONS_PER_ADDRESS: usize = 64;

/// The limits an operator may set (`spam-survey serve --help`); 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct Limits {
    /// Saves one member (one link) may make in a minute; past it a save is
    /// answered 429 with the typed answers kept (0: no limit).
    #[arg(long, env = "SPAM_SURVEY_SAVES_PER_MINUTE", default_value_t = admit::SAVES_PER_MINUTE)]
    pub saves_per_minute: usize,
    /// Revisions one member may store in one edition (0: no limit).
    #[arg(long, env = "SPAM_SURVEY_MAX_REVISIONS", default_value_t = admit::MAX_REVISIONS)]
    pub max_revisions: usize,
    /// MiB of stored rows one member may have in one edition (0: no limit).
    #[arg(long, env = "SPAM_SURVEY_MAX_MEMBER_MIB", default_value_t = admit::MAX_MIB)]
    pub max_member_mib: u64,
    /// Connections one client address may hold open at once (not counted
    /// with --trust-proxy: then every connection is the proxy's; 0: no cap).
    #[arg(long, env = "SPAM_SURVEY_CONNECTIONS_PER_ADDRESS", default_value_t = CONNECTIONS_PER_ADDRESS)]
    pub connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            saves_per_minute: admit::SAVES_PER_MINUTE,
            max_revisions: admit::MAX_REVISIONS,
            max_member_mib: admit::MAX_MIB,
            connections_per_address: CONNECTIONS_PER_ADDRESS,
        }
    }
}

impl Limits {
    /// The quotas of one member's saves.
    pub fn quotas(&self) -> admit::Quotas {
        admit::Quotas {
            saves_per_minute: self.saves_per_minute,
            max_revisions: self.max_revisions,
            max_bytes: self.max_member_mib.saturating_mul(1 << 20),
        }
    }
}

/// The largest body the member's form of `survey` may post: [`MAX_BODY`]
/// for its answers, and, for an edition with `file` questions, each one's
/// size limit on top. Only that route reads a body this long; every other
/// keeps [`MAX_BODY`], and the body deadline holds for all.
///
/// [`MAX_BODY`]: super::MAX_BODY
pub fn form_body(survey: &crate::definition::Survey) -> usize {
    let files: u64 = survey.file_questions().map(|(_, r)| r.max_bytes).sum();
    super::MAX_BODY.saturating_add(usize::try_from(files).unwrap_or(usize::MAX))
}

/// The message of the error a body past its deadline ends with.
pub const TIMED_OUT: &str = "the form did not arrive in time";

/// Whether an error from a request body is its deadline passing.
pub fn is_deadline(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// A body stream that ends with an error when it is idle for
/// [`BODY_IDLE`] or still not whole after [`BODY_TOTAL`].
struct Deadline {
    inner: Payload,
    timer: Pin<Box<Sleep>>,
    until: Instant,
    expired: Arc<AtomicBool>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let next = (Instant::now() + BODY_IDLE).min(this.until);
                this.timer.as_mut().reset(next);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.expired.store(true, Ordering::Relaxed);
                    let e = std::io::Error::new(std::io::ErrorKind::TimedOut, TIMED_OUT);
                    Poll::Ready(Some(Err(PayloadError::Io(e))))
                }
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}

/// Middleware: puts every request's body under its deadline, and closes
/// the connection of a request whose body ran out of time (what is still
/// to come of it must not be read as a next request).
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let expired = Arc::new(AtomicBool::new(false));
    // A request without a body (a GET) has no deadline to keep.
    let inner = req.take_payload();
    if !matches!(inner, Payload::None) {
        let start = Instant::now();
        let stream = Deadline {
            inner,
            timer: Box::pin(tokio::time::sleep_until(start + BODY_IDLE)),
            until: start + BODY_TOTAL,
            expired: expired.clone(),
        };
        let boxed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
        req.set_payload(Payload::from(boxed));
    }
    let mut res = next.call(req).await?;
    if expired.load(Ordering::Relaxed) {
        res.response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(res)
}

/// Open connections per client address, shared by every worker.
#[derive(Clone, Default)]
pub struct Connections(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One counted connection: counted down when the connection ends.
struct Held {
    key: IpAddr,
    all: Connections,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut all = self.all.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = all.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                all.remove(&self.key);
            }
        }
    }
}

/// The address a limit counts: an IPv6 client usually has a whole /64 to
/// itself, so its connections count together.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl Connections {
    /// Counts a new connection from `ip`: the guard to keep while it is
    /// open, or None when the address already holds `limit`.
    fn admit(&self, ip: IpAddr, limit: usize) -> Option<Held> {
        let key = key(ip);
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = all.entry(key).or_default();
        if *n >= limit {
            return None;
        }
        *n += 1;
        Some(Held {
            key,
            all: self.clone(),
        })
    }

    /// For `HttpServer::on_connect`: counts the connection, or shuts it
    /// down at once when its address holds `limit` already (the server
    /// then reads its end and lets the descriptor go).
    pub fn on_connect(
        &self,
        limit: usize,
        io: &dyn std::any::Any,
        ext: &mut actix_web::dev::Extensions,
    ) {
        let Some(stream) = io.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        match self.admit(peer.ip(), limit) {
            Some(held) => {
                ext.insert(held);
            }
            None => {
                tracing::warn!(address = %peer.ip(), limit, "too many connections from one address; closing one");
                let _ = socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_limit_and_a_closed_connection_frees_its_place() {
        let c = Connections::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let held: Vec<_> = (0..3).map(|_| c.admit(a, 3).expect("admitted")).collect();
        assert!(c.admit(a, 3).is_none());
        assert!(c.admit("192.0.2.2".parse().unwrap(), 3).is_some());
        drop(held);
        assert!(c.admit(a, 3).is_some());
    }

    #[test]
    fn the_addresses_of_one_ipv6_network_count_together() {
        let c = Connections::default();
        let _one = c
            .admit("2001:db8::1".parse().unwrap(), 1)
            .expect("admitted");
        assert!(c.admit("2001:db8::2".parse().unwrap(), 1).is_none());
        assert!(c.admit("2001:db8:0:1::1".parse().unwrap(), 1).is_some());
    }
}
