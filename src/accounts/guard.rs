//! The sign-in's guard: a failed attempt is counted (reserved) BEFORE the
//! password is checked, so that parallel attempts all count; limits per
//! address (IPv6 by /64, an IPv4-mapped address as IPv4) and per account;
//! a bounded number of password checks at once; and at most one audit line
//! per blocked address and window.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts one address may make within [`WINDOW`] without success.
pub const PER_ADDRESS: usize = 5;
/// Attempts at one account within [`WINDOW`] without success, from anywhere.
pub const PER_ACCOUNT: usize = 10;
/// The window over which attempts are counted.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Password checks (argon2, some 19 MiB each) run at once at most.
pub const CHECKS_AT_ONCE: usize = 2;
/// How long an attempt waits for its turn to be checked before it is
/// answered "busy".
pub const CHECK_QUEUE_WAIT: Duration = Duration::from_secs(20);

/// The address an attempt counts against: an IPv4-mapped IPv6 address as
/// its IPv4, any other IPv6 address by its /64 (what one subscriber gets).
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

/// Why an attempt is not heard.
#[derive(Debug, PartialEq, Eq)]
pub struct Blocked {
    /// Seconds to wait.
    pub wait: Duration,
    /// Whether this is the first refusal of this address in this window:
    /// only that one is written to the audit log.
    pub note: bool,
}

#[derive(Default)]
struct State {
    by_address: HashMap<IpAddr, Vec<Instant>>,
    by_account: HashMap<String, Vec<Instant>>,
    /// When a blocked address was last written to the audit log.
    noted: HashMap<IpAddr, Instant>,
}

/// The counts of attempts, and the threads that check passwords.
pub struct Guard {
    per_address: usize,
    per_account: usize,
    window: Duration,
    state: Mutex<State>,
    /// Turns for a password check: one per checking thread.
    checks: tokio::sync::Semaphore,
    /// Jobs for the checking threads.
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

type Job = Box<dyn FnOnce() + Send>;

/// No turn to check a password came within [`CHECK_QUEUE_WAIT`].
#[derive(Debug)]
pub struct Busy;

/// Starts `n` threads that run password checks one at a time each. Each
/// argon2 check takes some 19 MiB; freed, the allocator keeps it for its
/// thread, so checks on a few long-lived threads keep memory at a few
/// times that, where checks on a growing pool of threads kept it per thread.
fn checking_threads(n: usize) -> std::sync::mpsc::Sender<Job> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = std::sync::Arc::new(Mutex::new(rx));
    for i in 0..n {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("password-check-{i}"))
            .spawn(move || {
                loop {
                    let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "a password-checking thread could not start");
        }
    }
    tx
}

/// An attempt counted in advance; [`Reservation::succeeded`] takes it back.
#[must_use]
pub struct Reservation<'a> {
    guard: &'a Guard,
    address: IpAddr,
    account: String,
    at: Instant,
}

fn wait_of(list: &[Instant], limit: usize, window: Duration, now: Instant) -> Option<Duration> {
    (list.len() >= limit).then(|| {
        let oldest = list.iter().min().copied().unwrap_or(now);
        window
            .saturating_sub(now.duration_since(oldest))
            .max(Duration::from_secs(1))
    })
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new(PER_ADDRESS, PER_ACCOUNT, WINDOW, CHECKS_AT_ONCE)
    }
}

impl Guard {
    pub fn new(per_address: usize, per_account: usize, window: Duration, checks: usize) -> Guard {
        Guard {
            per_address,
            per_account,
            window,
            state: Mutex::new(State::default()),
            checks: tokio::sync::Semaphore::new(checks.max(1)),
            jobs: Mutex::new(checking_threads(checks.max(1))),
        }
    }

    /// Runs a password check `f` on a checking thread when one is free;
    /// [`Busy`] when none is within [`CHECK_QUEUE_WAIT`].
    pub async fn check<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let _turn = tokio::time::timeout(CHECK_QUEUE_WAIT, self.checks.acquire())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .map_err(|_| Busy)?;
        rx.await.map_err(|_| Busy)
    }

    pub fn per_address(&self) -> usize {
        self.per_address
    }

    /// Counts an attempt from `ip` at `account` (the name as typed), or
    /// refuses it when either is at its limit. The count and the check of
    /// it are one step under one lock: a hundred attempts at once get
    /// exactly the limit's worth of reservations.
    pub fn reserve(&self, ip: IpAddr, account: &str) -> Result<Reservation<'_>, Blocked> {
        let address = address_key(ip);
        let account = account.trim().to_lowercase();
        let now = Instant::now();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        let fresh = |l: &mut Vec<Instant>| l.retain(|t| now.duration_since(*t) < window);
        // Forget what aged out, so that the maps stay small under a flood.
        if st.by_address.len() + st.by_account.len() > 10_000 {
            st.by_address.retain(|_, l| {
                fresh(l);
                !l.is_empty()
            });
            st.by_account.retain(|_, l| {
                fresh(l);
                !l.is_empty()
            });
            st.noted.retain(|_, t| now.duration_since(*t) < window);
        }
        let a = st.by_address.entry(address).or_default();
        fresh(a);
        let mut wait = wait_of(a, self.per_address, window, now);
        let n = st.by_account.entry(account.clone()).or_default();
        fresh(n);
        wait = wait.max(wait_of(n, self.per_account, window, now));
        if let Some(wait) = wait {
            let note = match st.noted.get(&address) {
                Some(t) if now.duration_since(*t) < window => false,
                _ => {
                    st.noted.insert(address, now);
                    true
                }
            };
            return Err(Blocked { wait, note });
        }
        st.by_address.entry(address).or_default().push(now);
        st.by_account.entry(account.clone()).or_default().push(now);
        Ok(Reservation {
            guard: self,
            address,
            account,
            at: now,
        })
    }
}

impl Reservation<'_> {
    /// The attempt succeeded: it no longer counts against anyone.
    pub fn succeeded(self) {
        let mut st = self.guard.state.lock().unwrap_or_else(|e| e.into_inner());
        let at = self.at;
        let take = |l: &mut Vec<Instant>| {
            if let Some(i) = l.iter().position(|t| *t == at) {
                l.swap_remove(i);
            }
        };
        if let Some(l) = st.by_address.get_mut(&self.address) {
            take(l);
        }
        if let Some(l) = st.by_account.get_mut(&self.account) {
            take(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_ipv6_address_counts_by_its_64_and_a_mapped_one_as_ipv4() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(address_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(address_key(ip("192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn attempts_are_counted_before_they_are_checked_and_a_success_is_taken_back() {
        let g = Guard::new(3, 100, Duration::from_secs(600), 1);
        let held: Vec<_> = (0..3)
            .map(|_| g.reserve(ip("192.0.2.1"), "ana").unwrap())
            .collect();
        // Three attempts still being checked fill the limit: a fourth waits.
        let blocked = g.reserve(ip("192.0.2.1"), "ana").err().unwrap();
        assert!(blocked.note && blocked.wait > Duration::from_secs(590));
        assert!(
            !g.reserve(ip("192.0.2.1"), "ana").err().unwrap().note,
            "noted once per window"
        );
        for r in held {
            r.succeeded();
        }
        assert!(g.reserve(ip("192.0.2.1"), "ana").is_ok());
    }

    #[test]
    fn rotating_ipv6_addresses_in_one_64_share_its_limit_and_an_account_has_its_own() {
        let g = Guard::new(2, 3, Duration::from_secs(600), 1);
        let _a = g.reserve(ip("2001:db8::1"), "ana").unwrap();
        let _b = g.reserve(ip("2001:db8::2"), "bo").unwrap();
        assert!(g.reserve(ip("2001:db8::3"), "cy").is_err());
        let _c = g.reserve(ip("192.0.2.1"), "ana").unwrap();
        let _d = g.reserve(ip("192.0.2.2"), "ana").unwrap();
        assert!(
            g.reserve(ip("192.0.2.3"), "ANA").is_err(),
            "the account's own limit"
        );
    }
}
