use super::*;

const PW: &str = "violet lantern over the harbour";

#[test]
fn an_account_is_added_once_with_a_good_password_and_read_back_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(dir.path()).unwrap();
    accounts.add("ana", Role::Editor, PW).unwrap();
    assert!(matches!(
        accounts.add("ANA", Role::Viewer, PW),
        Err(AccountError::Refused(_))
    ));
    assert!(matches!(
        accounts.add("bo", Role::Viewer, "short"),
        Err(AccountError::Refused(_))
    ));
    assert!(matches!(
        accounts.add("bad name", Role::Viewer, PW),
        Err(AccountError::Refused(_))
    ));
    let text = std::fs::read_to_string(dir.path().join(ACCOUNTS_FILE)).unwrap();
    assert!(text.contains("$argon2id$") && !text.contains(PW));
    let again = Accounts::open(dir.path()).unwrap();
    let a = again.get("ana").unwrap().unwrap();
    assert_eq!(a.role, Role::Editor);
    assert_eq!(again.verify("ana", PW, "").unwrap().unwrap().name, "ana");
    assert!(
        again
            .verify("ana", "wrong password here", "")
            .unwrap()
            .is_none()
    );
    assert!(again.verify("nobody", PW, "").unwrap().is_none());
}

#[test]
fn a_change_by_another_process_is_seen_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Accounts::open(dir.path()).unwrap();
    let command = Accounts::open(dir.path()).unwrap();
    command.add("ana", Role::Viewer, PW).unwrap();
    assert!(!server.get("ana").unwrap().unwrap().disabled);
    command.set_disabled("ana", true).unwrap();
    assert!(server.get("ana").unwrap().unwrap().disabled);
    assert!(
        server.verify("ana", PW, "").unwrap().is_none(),
        "a disabled account cannot sign in"
    );
}

#[test]
fn the_first_start_makes_an_admin_once_and_the_environment_never_resets_it() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(dir.path()).unwrap();
    let FirstStart::Generated(p) = accounts.first_start(None).unwrap() else {
        panic!("a new password");
    };
    assert!(accounts.verify(FIRST_ACCOUNT, &p, "").unwrap().is_some());
    assert_eq!(
        accounts.first_start(Some(PW)).unwrap(),
        FirstStart::Existing
    );
    assert!(accounts.verify(FIRST_ACCOUNT, PW, "").unwrap().is_none());
    assert!(accounts.verify(FIRST_ACCOUNT, &p, "").unwrap().is_some());
}

#[test]
fn the_single_password_of_an_earlier_version_becomes_the_admins_and_its_file_goes() {
    let dir = tempfile::tempdir().unwrap();
    let old = password::hash(PW).unwrap();
    std::fs::write(dir.path().join(OLD_PASSWORD_FILE), &old).unwrap();
    let accounts = Accounts::open(dir.path()).unwrap();
    assert_eq!(accounts.first_start(None).unwrap(), FirstStart::Migrated);
    assert!(!dir.path().join(OLD_PASSWORD_FILE).exists());
    assert!(accounts.verify(FIRST_ACCOUNT, PW, "").unwrap().is_some());
}

#[test]
fn a_weak_password_in_the_environment_is_refused_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(dir.path()).unwrap();
    assert!(accounts.first_start(Some("qwerty123456")).is_err());
    assert!(accounts.all().unwrap().is_empty());
}

#[test]
fn a_session_lasts_until_its_idle_time_and_ends_with_the_accounts_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(dir.path()).unwrap();
    accounts.add("ana", Role::Viewer, PW).unwrap();
    let lifetimes = sessions::Lifetimes {
        idle: std::time::Duration::from_secs(3600),
        absolute: std::time::Duration::from_secs(7200),
    };
    let s = sessions::Sessions::open(dir.path(), lifetimes).unwrap();
    let a = accounts.get("ana").unwrap().unwrap();
    s.start(&a, "id-1").unwrap();
    let text = std::fs::read_to_string(dir.path().join(sessions::SESSIONS_FILE)).unwrap();
    assert!(!text.contains("id-1"), "only a hash of the id is on disk");
    let lookup = |n: &str| accounts.get(n).ok().flatten();
    assert!(s.check("id-1", lookup).is_some());
    let reopened = sessions::Sessions::open(dir.path(), lifetimes).unwrap();
    assert!(
        reopened.check("id-1", lookup).is_some(),
        "it survives a restart"
    );
    accounts.sign_out_everywhere("ana").unwrap();
    assert!(reopened.check("id-1", lookup).is_none());
}
