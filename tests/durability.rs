//! Nothing acknowledged is lost: the real server binary killed with SIGKILL
//! under concurrent saves, over and over; and a full disk refused cleanly.

mod common;

use common::{SmallDisk, TestApp, bundled_surveys, csrf_of, encode, fill};
use rand::Rng;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const CLIENTS: usize = 32;
const ROUNDS: usize = 12;

/// One client: saves drafts for its member as fast as it can until told to
/// stop; returns the markers of the saves the server acknowledged.
async fn client(
    base: String,
    token: String,
    member: String,
    round: usize,
    stop: Arc<AtomicBool>,
    acks: Arc<AtomicUsize>,
) -> Vec<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut acked = Vec::new();
    let Ok(page) = http.get(format!("{base}/r/{token}")).send().await else {
        return acked;
    };
    let Ok(page) = page.text().await else {
        return acked;
    };
    if !page.contains("name=\"csrf\"") {
        return acked;
    }
    let csrf = csrf_of(&page);
    let mut seq = 0;
    while !stop.load(Ordering::Relaxed) {
        seq += 1;
        let marker = format!("{member}/{round}/{seq}");
        // A long text with quotes, commas and line breaks, so a torn row would show.
        let text = format!("{marker}\n\"quoted\", {}", "x".repeat(seq % 300));
        let body = encode(&[
            ("csrf", &csrf),
            ("action", "draft"),
            ("G4", &text),
            ("P1", &marker),
        ]);
        let sent = http
            .post(format!("{base}/r/{token}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().as_u16() == 303 => {
                acked.push(marker);
                acks.fetch_add(1, Ordering::Relaxed);
            }
            Ok(r) => panic!("a save got {} while the server was up", r.status()),
            Err(_) => break, // killed mid-request: not acknowledged
        }
    }
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_save_survives_repeated_sigkill_and_no_row_is_torn_or_mixed() {
    let data = tempfile::tempdir().unwrap();
    let surveys = spam_survey::definition::load_dir(&bundled_surveys()).unwrap();
    let members: Vec<String> = surveys[1]
        .members
        .iter()
        .take(CLIENTS)
        .map(|m| m.code.clone())
        .collect();
    let tokens: Vec<String> = {
        let store = spam_survey::store::Store::open_for_invitations(data.path(), surveys).unwrap();
        members
            .iter()
            .map(|m| store.invitations.issue("spam-2022", m).unwrap())
            .collect()
    };
    let mut acknowledged: Vec<String> = Vec::new();
    let mut rng = rand::rng();
    for round in 0..ROUNDS {
        let (mut server, base) =
            common::start_binary_with(data.path(), &["--saves-per-minute", "0"], None);
        let stop = Arc::new(AtomicBool::new(false));
        let acks = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = members
            .iter()
            .zip(&tokens)
            .map(|(m, t)| {
                tokio::spawn(client(
                    base.clone(),
                    t.clone(),
                    m.clone(),
                    round,
                    stop.clone(),
                    acks.clone(),
                ))
            })
            .collect();
        // The kill falls at a random moment once saves are flowing (on a
        // busy machine the clients may take a while to get their pages).
        let flowing = std::time::Instant::now();
        while acks.load(Ordering::Relaxed) < CLIENTS && flowing.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..400))).await;
        server.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            acknowledged.extend(t.await.unwrap());
        }
    }
    assert!(
        acknowledged.len() > ROUNDS * CLIENTS,
        "the clients saved while the server lived ({} saves)",
        acknowledged.len()
    );

    // One more clean start: it must load everything, setting aside at most a torn last row.
    let (mut server, base) =
        common::start_binary_with(data.path(), &["--saves-per-minute", "0"], None);
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    server.kill().unwrap();
    server.wait().unwrap();

    let path = data.path().join("spam-2022").join("responses.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (rev, member, p1, g4) = (col("revision"), col("member"), col("P1"), col("G4"));
    let mut stored: HashMap<String, usize> = HashMap::new();
    let mut last = 0u64;
    for row in reader.records() {
        let row = row.expect("every row in the file is whole");
        assert_eq!(
            row.len(),
            header.len(),
            "no row has a field too many or too few"
        );
        let n: u64 = row[rev].parse().unwrap();
        assert!(n > last, "revisions only grow");
        last = n;
        let marker = &row[p1];
        assert!(
            marker.starts_with(&format!("{}/", &row[member])),
            "row {n} is not mixed with another member's"
        );
        assert!(
            row[g4].starts_with(&format!("{marker}\n\"quoted\", ")),
            "row {n} holds its own text whole"
        );
        *stored.entry(marker.to_string()).or_default() += 1;
    }
    let acked: HashSet<&String> = acknowledged.iter().collect();
    let lost: Vec<&&String> = acked
        .iter()
        .filter(|m| !stored.contains_key(m.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged saves are missing, e.g. {:?}",
        lost.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );
    assert!(stored.values().all(|&c| c == 1), "no save is stored twice");
    println!(
        "crash test: {ROUNDS} SIGKILLs, {} saves acknowledged, all {} found; {} rows in the file",
        acknowledged.len(),
        acked.len(),
        stored.len()
    );
}

#[tokio::test]
async fn a_full_disk_gets_a_503_with_the_typed_answers_kept_and_saving_recovers_when_space_returns()
{
    let Some(disk) = SmallDisk::mount("2m") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must be able to mount a small tmpfs"
        );
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    };
    let data = tempfile::TempDir::new_in(disk.path()).unwrap();
    let data_path = data.path().to_path_buf();
    let app = TestApp::spawn_on(&bundled_surveys(), data).await;
    let token = app.invite("spam-2022", "KR");
    let (status, _) = app
        .save(&token, "draft", &[("P1", "saved before the disk filled")])
        .await;
    assert_eq!(status, 303);
    let csv_path = data_path.join("spam-2022").join("responses.csv");
    let before = std::fs::read(&csv_path).unwrap();

    let filler = fill(disk.path());
    let long_answer = format!(
        "A long answer that took an hour to write. {}",
        "Ω".repeat(3000)
    );
    let (status, page) = app
        .save(
            &token,
            "draft",
            &[
                ("P1", "typed while the disk was full"),
                ("G5", &long_answer),
            ],
        )
        .await;
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("could not be saved: please retry"));
    assert!(
        page.contains("value=\"typed while the disk was full\""),
        "the typed answers are kept in the form"
    );
    assert!(page.contains(&long_answer));
    assert_eq!(
        std::fs::read(&csv_path).unwrap(),
        before,
        "nothing half-written is left in the file"
    );
    let (status, _) = app.get_text(&format!("/r/{token}")).await;
    assert_eq!(status, 200, "the server keeps serving");

    std::fs::remove_file(filler).unwrap();
    let (status, _) = app
        .save(
            &token,
            "draft",
            &[
                ("P1", "typed while the disk was full"),
                ("G5", &long_answer),
            ],
        )
        .await;
    assert_eq!(status, 303, "saving recovers when space returns");
    let rows = app.rows("spam-2022");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["G5"], long_answer);
    assert_eq!(rows[1]["revision"], "2");
    drop(app);
}
