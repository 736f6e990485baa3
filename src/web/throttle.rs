//! Counting failures per client address over a sliding window: wrong
//! passwords at sign-in, wrong invitation links.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `limit` failures from one address within `window`.
pub struct Throttle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle {
            limit,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long `ip` must wait before it is heard again, if it must.
    pub fn wait(&self, ip: IpAddr) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let list = failures.get_mut(&ip)?;
        list.retain(|t| now.duration_since(*t) < self.window);
        if list.is_empty() {
            failures.remove(&ip);
            return None;
        }
        (list.len() >= self.limit).then(|| {
            let oldest = list.iter().min().copied().unwrap_or(now);
            self.window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1))
        })
    }

    /// Counts a failure from `ip`.
    pub fn fail(&self, ip: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Forget addresses whose failures have all aged out, so the map stays small.
        if failures.len() > 10_000 {
            let now = Instant::now();
            failures.retain(|_, l| l.iter().any(|t| now.duration_since(*t) < self.window));
        }
        failures.entry(ip).or_default().push(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_held_back_only_after_its_limit_and_others_are_not() {
        let t = Throttle::new(3, Duration::from_secs(600));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(t.wait(a).is_none());
            t.fail(a);
        }
        let wait = t.wait(a).expect("held back");
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));
        assert!(t.wait(b).is_none());
    }

    #[test]
    fn failures_age_out_of_the_window() {
        let t = Throttle::new(1, Duration::from_millis(30));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        t.fail(a);
        assert!(t.wait(a).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.wait(a).is_none());
    }
}
