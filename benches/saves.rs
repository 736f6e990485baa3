//! Durable saves over HTTP: concurrent clients post complete answers to the
//! real server binary on loopback; every save is on disk (fsync) before its
//! answer. Beside it, the raw fsync rate of the same disk, measured in the
//! same run: the physical reference that group commit has to beat.
//!
//!     cargo bench --bench saves -- [--clients 1,16,64] [--seconds 5] [--dir DIR]

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

/// Writes 1.5 KB and fdatasyncs it, again and again, for `seconds`.
fn fsync_rate(dir: &Path, seconds: f64) -> f64 {
    let path = dir.join("fsync-probe");
    let mut f = std::fs::File::create(&path).unwrap();
    let row = vec![b'x'; 1500];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        f.write_all(&row).unwrap();
        f.sync_data().unwrap();
        n += 1;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(path);
    rate
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo test` runs this once, small, so that it does not rot;
    // `cargo bench` passes --bench and gets the real run.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let (default_clients, default_seconds) = if smoke {
        ("1,4", "0.3")
    } else {
        ("1,16,64", "5")
    };
    let clients: Vec<usize> = arg("--clients", default_clients)
        .split(',')
        .filter_map(|c| c.parse().ok())
        .collect();
    let seconds: f64 = arg("--seconds", default_seconds).parse().unwrap_or(5.0);
    let base_dir = arg("--dir", &std::env::temp_dir().display().to_string());
    let data = tempfile::tempdir_in(&base_dir).unwrap();

    let surveys = spam_survey::definition::load_dir(&common::bundled_surveys()).unwrap();
    let members: Vec<String> = surveys
        .iter()
        .find(|s| s.id == "spam-2022")
        .unwrap()
        .members
        .iter()
        .map(|m| m.code.clone())
        .collect();
    let tokens: Vec<String> = {
        let store = spam_survey::store::Store::open_for_invitations(data.path(), surveys).unwrap();
        members
            .iter()
            .map(|m| store.invitations.issue("spam-2022", m).unwrap())
            .collect()
    };
    // A flood of saves on purpose, over many connections: neither is limited here.
    let (mut server, base) = common::start_binary_with(
        data.path(),
        &[
            "--saves-per-minute",
            "0",
            "--max-revisions",
            "0",
            "--max-member-mib",
            "0",
            "--connections-per-address",
            "0",
        ],
        None,
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let mut bodies = Vec::new();
    for t in &tokens {
        let page = http
            .get(format!("{base}/r/{t}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = common::csrf_of(&page);
        let mut fields = vec![("csrf", csrf.as_str()), ("action", "draft")];
        fields.extend(common::full_2022());
        bodies.push((format!("{base}/r/{t}"), common::encode(&fields)));
    }
    println!(
        "body of one save: {} bytes; {} s per level",
        bodies[0].1.len(),
        seconds
    );
    println!("| clients | saves/s | p50 ms | p99 ms | saves |");
    println!("|---:|---:|---:|---:|---:|");
    for &c in &clients {
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..c {
            let (url, body) = bodies[i % bodies.len()].clone();
            let http = http.clone();
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let r = http
                        .post(&url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 303, "a save is acknowledged");
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let elapsed = started.elapsed().as_secs_f64();
        all.sort_unstable();
        println!(
            "| {c} | {:.0} | {:.2} | {:.2} | {} |",
            all.len() as f64 / elapsed,
            percentile(&all, 0.50).as_secs_f64() * 1000.0,
            percentile(&all, 0.99).as_secs_f64() * 1000.0,
            all.len()
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let rows = csv::Reader::from_path(data.path().join("spam-2022").join("responses.csv"))
        .unwrap()
        .records()
        .count();
    println!("rows in the responses file: {rows}");
    println!(
        "raw fsync rate of the same disk (1.5 KB write + fdatasync, one thread): {:.0}/s",
        fsync_rate(data.path(), 2.0)
    );
}
