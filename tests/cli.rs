//! The command line as a newcomer meets it, on the real binary: a command
//! that cannot do what was asked exits non-zero at once with a message that
//! says what to do, and creates nothing; the server's hints work when
//! pasted; the commands' actions are in the audit log.

mod common;

use common::bundled_surveys;
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs the binary in `cwd` with `args`, the bundled definitions unless
/// `args` names others, and no environment that could change its defaults.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spam-survey"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("SPAM_SURVEY_DATA")
        .env_remove("SPAM_SURVEY_SURVEYS")
        .env_remove("SPAM_SURVEY_BASE_URL")
        .env_remove("RUST_LOG");
    let takes_surveys = !matches!(args.first(), Some(&"check"));
    if takes_surveys && !args.contains(&"--surveys") && !args.contains(&"--help") {
        cmd.arg("--surveys").arg(bundled_surveys());
    }
    cmd.output().expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every path under `dir`, to show that a failed command made nothing.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p.clone());
            }
            out.insert(p);
        }
    }
    out
}

/// Fails unless `out` failed, said every one of `words` on stderr, and left
/// `dir` as it was.
fn refused(out: &Output, words: &[&str], dir: &Path, before: &BTreeSet<PathBuf>) {
    let err = stderr(out);
    assert!(!out.status.success(), "it should fail: {err}");
    for w in words {
        assert!(err.contains(w), "`{w}` is not in: {err}");
    }
    assert_eq!(&tree(dir), before, "nothing was created: {err}");
}

/// A data directory as the server makes it at its first start.
fn data_dir(root: &Path) -> PathBuf {
    let data = root.join("data");
    let surveys = spam_survey::definition::load_dir(&bundled_surveys()).expect("the definitions");
    drop(spam_survey::store::Store::open(&data, surveys).expect("a data directory"));
    data
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

// Point 1: a mistyped --data, or a failing command, creates nothing.

#[test]
fn invite_with_a_mistyped_data_directory_fails_naming_it_and_creates_nothing() {
    let root = tempfile::tempdir().unwrap();
    data_dir(root.path());
    let before = tree(root.path());
    let out = run_in(
        root.path(),
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--data",
            "dat",
        ],
    );
    refused(
        &out,
        &["there is no data directory dat", "--data", "serve"],
        root.path(),
        &before,
    );
    assert!(out.stdout.is_empty(), "no link is printed");
}

#[test]
fn a_failing_invite_or_demo_creates_no_data_directory() {
    let root = tempfile::tempdir().unwrap();
    let before = tree(root.path());
    let out = run_in(
        root.path(),
        &[
            "invite",
            "--survey",
            "spam-2099",
            "--member",
            "KR",
            "--data",
            "new",
        ],
    );
    refused(
        &out,
        &["no edition `spam-2099`", "spam-2022"],
        root.path(),
        &before,
    );
    let out = run_in(
        root.path(),
        &["demo", "--survey", "spam-2099", "--data", "new"],
    );
    refused(&out, &["no edition `spam-2099`"], root.path(), &before);
    let out = run_in(
        root.path(),
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "ZZ",
            "--data",
            "new",
        ],
    );
    refused(&out, &["`ZZ` is not a member"], root.path(), &before);
}

#[test]
fn demo_says_that_it_makes_a_new_data_directory() {
    let root = tempfile::tempdir().unwrap();
    let out = run_in(
        root.path(),
        &["demo", "--survey", "spam-2021", "--data", "demo-data"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Made the data directory demo-data"),
        "{}",
        stderr(&out)
    );
    assert!(root.path().join("demo-data/secret.key").is_file());
    // Its report has a name of its own, beside the real one's.
    let out = run_in(
        root.path(),
        &["report", "--survey", "spam-2021", "--data", "demo-data"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.path().join("reports/demo-spam-2021.html").is_file());
    assert!(!root.path().join("reports/spam-2021.html").exists());
}

// Point 2: the server's hint is a command that works when pasted, on any port.

#[tokio::test]
async fn the_servers_invite_hint_works_when_pasted_and_invite_finds_the_servers_port() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("elsewhere");
    let mut child = Command::new(env!("CARGO_BIN_EXE_spam-survey"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            s(&data),
            "--surveys",
        ])
        .arg(bundled_surveys())
        .current_dir(root.path())
        .env("SPAM_SURVEY_ADMIN_PASSWORD", common::ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .env_remove("SPAM_SURVEY_BASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let hint = loop {
        let line = lines.next().expect("the server prints its hints").unwrap();
        said.push(line.clone());
        if let Some(cmd) = line.trim().strip_prefix("cargo run --release -- ") {
            break cmd.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    assert!(
        said.iter().any(|l| l.contains("(new: made now")),
        "serve says it made the data directory: {said:?}"
    );
    let base = said[0]
        .strip_prefix("spam-survey is listening on ")
        .unwrap()
        .to_string();
    assert!(hint.contains(&format!("--base-url {base}")), "{hint}");
    assert!(hint.contains(&format!("--data {}", s(&data))), "{hint}");

    // Pasted as printed, from the same folder.
    let args: Vec<&str> = hint.split_whitespace().collect();
    let out = run_in(root.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(link.starts_with(&format!("{base}/r/")), "{link}");
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 200);

    // Without --base-url, invite uses the address this server announced.
    let out = run_in(
        root.path(),
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "TH",
            "--data",
            s(&data),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(link.starts_with(&format!("{base}/r/")), "{link}");
    assert!(
        stderr(&out).contains("announced by the server"),
        "{}",
        stderr(&out)
    );
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
}

// Point 3: export and report need the data directory.

#[test]
fn export_and_report_on_a_missing_data_directory_fail_and_write_nothing() {
    let root = tempfile::tempdir().unwrap();
    let before = tree(root.path());
    let out = run_in(
        root.path(),
        &[
            "export",
            "--survey",
            "spam-2022",
            "--data",
            "missing",
            "--out",
            "r.csv",
        ],
    );
    refused(
        &out,
        &["there is no data directory missing", "--data"],
        root.path(),
        &before,
    );
    let out = run_in(
        root.path(),
        &["export", "--survey", "spam-2022", "--data", "missing"],
    );
    refused(
        &out,
        &["there is no data directory missing"],
        root.path(),
        &before,
    );
    assert!(out.stdout.is_empty(), "no header-only CSV");
    let out = run_in(
        root.path(),
        &["report", "--survey", "spam-2022", "--data", "missing"],
    );
    refused(
        &out,
        &["there is no data directory missing", "--data"],
        root.path(),
        &before,
    );
}

// Point 7: arguments checked before anything is done.

#[test]
fn invite_refuses_a_closed_edition_unless_asked_and_says_how() {
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let before = tree(root.path());
    let invitations = std::fs::read(data.join("invitations.csv")).unwrap();
    // spam-2021 closed on its date.
    let args = [
        "invite",
        "--survey",
        "spam-2021",
        "--member",
        "KR",
        "--data",
        s(&data),
    ];
    let out = run_in(root.path(), &args);
    refused(
        &out,
        &["spam-2021 is closed", "--even-if-closed", "Reopen"],
        root.path(),
        &before,
    );
    assert_eq!(
        std::fs::read(data.join("invitations.csv")).unwrap(),
        invitations
    );
    let mut anyway = args.to_vec();
    anyway.push("--even-if-closed");
    let out = run_in(root.path(), &anyway);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("is closed"), "it still says so");
}

#[test]
fn a_base_url_without_its_scheme_is_refused_before_the_old_link_is_ended() {
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let issue = [
        "invite",
        "--survey",
        "spam-2022",
        "--member",
        "KR",
        "--data",
        s(&data),
    ];
    assert!(run_in(root.path(), &issue).status.success());
    let before = tree(root.path());
    let invitations = std::fs::read(data.join("invitations.csv")).unwrap();
    let mut bad = issue.to_vec();
    bad.extend(["--base-url", "survey.example.org"]);
    let out = run_in(root.path(), &bad);
    refused(&out, &["https://survey.example.org"], root.path(), &before);
    assert_eq!(
        std::fs::read(data.join("invitations.csv")).unwrap(),
        invitations,
        "the link in force is untouched"
    );
}

#[test]
fn report_compares_only_with_an_earlier_edition() {
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let before = tree(root.path());
    for (survey, compare, says) in [
        ("spam-2022", "spam-2022", "the edition of the report itself"),
        ("spam-2021", "spam-2022", "is not earlier than spam-2021"),
        ("spam-2022", "spam-1999", "no edition `spam-1999`"),
    ] {
        let out = run_in(
            root.path(),
            &[
                "report",
                "--survey",
                survey,
                "--compare",
                compare,
                "--data",
                s(&data),
            ],
        );
        refused(&out, &[says], root.path(), &before);
    }
}

#[test]
fn report_out_into_a_missing_folder_fails_like_export_and_makes_no_folder() {
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let before = tree(root.path());
    let target = root.path().join("no-such-folder").join("x.html");
    let out = run_in(
        root.path(),
        &[
            "report",
            "--survey",
            "spam-2022",
            "--data",
            s(&data),
            "--out",
            s(&target),
        ],
    );
    refused(
        &out,
        &["there is no folder", "no-such-folder"],
        root.path(),
        &before,
    );
    let target = root.path().join("no-such-folder").join("x.csv");
    let out = run_in(
        root.path(),
        &[
            "export",
            "--survey",
            "spam-2022",
            "--data",
            s(&data),
            "--out",
            s(&target),
        ],
    );
    refused(
        &out,
        &["there is no folder", "no-such-folder"],
        root.path(),
        &before,
    );
}

// Point 8: the messages of a newcomer's usual mistakes.

#[test]
fn a_file_given_as_data_directory_gets_a_clear_message() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("notes.txt"), "x").unwrap();
    let before = tree(root.path());
    for args in [
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--data",
            "notes.txt",
        ][..],
        &["serve", "--addr", "127.0.0.1:0", "--data", "notes.txt"],
        &["demo", "--survey", "spam-2022", "--data", "notes.txt"],
        &["report", "--survey", "spam-2022", "--data", "notes.txt"],
    ] {
        let out = run_in(root.path(), args);
        refused(
            &out,
            &["notes.txt", "is a file", "--data"],
            root.path(),
            &before,
        );
        assert!(!stderr(&out).contains("os error"), "{}", stderr(&out));
    }
}

#[test]
fn serve_refuses_a_folder_of_other_files_as_its_data_directory() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("src")).unwrap();
    std::fs::write(root.path().join("src/main.rs"), "fn main() {}").unwrap();
    let before = tree(root.path());
    let out = run_in(
        root.path(),
        &["serve", "--addr", "127.0.0.1:0", "--data", "src"],
    );
    refused(
        &out,
        &["not a spam-survey data directory", "new or empty folder"],
        root.path(),
        &before,
    );
}

#[test]
fn running_from_another_folder_points_to_surveys_instead_of_calling_the_definitions_broken() {
    let root = tempfile::tempdir().unwrap();
    let before = tree(root.path());
    for args in [
        &["invite", "--survey", "spam-2022", "--member", "KR"][..],
        &["serve", "--addr", "127.0.0.1:0"],
        &["export", "--survey", "spam-2022"],
    ] {
        let mut with = args.to_vec();
        with.extend(["--surveys", "surveys"]);
        let out = run_in(root.path(), &with);
        refused(
            &out,
            &["--surveys", "project's folder"],
            root.path(),
            &before,
        );
        assert!(!stderr(&out).contains("broken"), "{}", stderr(&out));
    }
    let out = run_in(root.path(), &["check"]);
    refused(
        &out,
        &["project's folder", "name the files"],
        root.path(),
        &before,
    );
}

#[test]
fn a_bare_port_as_addr_gets_a_host_and_port_hint_and_creates_nothing() {
    let root = tempfile::tempdir().unwrap();
    let before = tree(root.path());
    let out = run_in(root.path(), &["serve", "--addr", "8093"]);
    refused(&out, &["127.0.0.1:8093", "HOST:PORT"], root.path(), &before);
}

#[test]
fn a_port_in_use_is_named_with_another_to_try_and_no_data_directory_is_made() {
    let root = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let before = tree(root.path());
    let out = run_in(root.path(), &["serve", "--addr", &addr, "--data", "d"]);
    refused(
        &out,
        &["the port is in use", "choose another port"],
        root.path(),
        &before,
    );
}

#[test]
fn serve_help_tells_of_the_secretariat_password_variable() {
    let root = tempfile::tempdir().unwrap();
    let out = run_in(root.path(), &["serve", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("SPAM_SURVEY_ADMIN_PASSWORD"), "{help}");
    assert!(help.contains("HOST:PORT"), "{help}");
}

// Point 6: what the commands write to the audit log, as the README says.

#[test]
fn command_line_invites_revokes_exports_and_reports_are_in_the_audit_log() {
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let d = s(&data);
    let csv = root.path().join("r.csv");
    let html = root.path().join("r.html");
    for args in [
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--data",
            d,
        ][..],
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "kr",
            "--revoke",
            "--data",
            d,
        ],
        // Nothing to revoke: nothing happens, nothing is logged.
        &[
            "invite",
            "--survey",
            "spam-2022",
            "--member",
            "KR",
            "--revoke",
            "--data",
            d,
        ],
        &[
            "export",
            "--survey",
            "spam-2022",
            "--data",
            d,
            "--out",
            s(&csv),
        ],
        &[
            "export",
            "--survey",
            "spam-2022",
            "--kind",
            "codebook",
            "--data",
            d,
        ],
        &[
            "report",
            "--survey",
            "spam-2022",
            "--data",
            d,
            "--out",
            s(&html),
        ],
    ] {
        let out = run_in(root.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let log = std::fs::read_to_string(data.join("audit.csv")).unwrap();
    let rows: Vec<Vec<&str>> = log
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let seen: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[1], r[3], r[4], r[5], r[6]))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("command line", "invitation issued", "spam-2022", "KR", ""),
            ("command line", "invitation revoked", "spam-2022", "KR", ""),
            ("command line", "export", "spam-2022", "", s(&csv)),
            ("command line", "export", "spam-2022", "", "standard output"),
            (
                "command line",
                "report generated",
                "spam-2022",
                "",
                s(&html)
            ),
        ],
        "{log}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains("write one line to `audit.csv`"),
        "the README says what exports and reports write"
    );
}
