//! Lookups in a directory where earlier lookups found files absent: a
//! lookup skips asking about them while the directory's version says
//! nothing was added (`core/src/auth/probe.rs`), and must still find every
//! file that appears, however it appears. The memory is one per process,
//! so the tests here run one at a time (`one_at_a_time`): another lookup in
//! between would only make them ask again, and prove less.

mod common;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use common::{CAVE_FILE, FRAMEWORK_FILE, GLOBAL_SERVER_FILE, Sandbox, token_of};
use fwclient_core::{Layout, TokenSource};

fn from_file(path: PathBuf, key: &str) -> TokenSource {
    TokenSource::File {
        path,
        key: key.to_owned(),
    }
}

fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Longer than the margin after which a directory's version may vouch for
/// an absence (`secrets/dir_stat.rs`: 20 ms; 3 s where stamps are whole
/// seconds, which the test directories' file system does not have).
fn let_the_directory_settle() {
    std::thread::sleep(std::time::Duration::from_millis(120));
}

#[test]
fn lookups_in_a_settled_directory_find_files_created_after_they_found_them_absent() {
    // In a directory whose last change is past the margin, the third lookup
    // on asks nothing about the files the earlier ones found absent, for as
    // long as the directory's version stays the same (auth/probe.rs). A new
    // entry changes the version: the next lookup must find it.
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "cave_token_1"}"#);
    let lookups = |n: usize, want_token: &str, want_file: &PathBuf| {
        for _ in 0..n {
            let auth = sb.auth();
            assert_eq!(token_of(&auth).as_deref(), Some(want_token));
            assert_eq!(auth.source(), from_file(want_file.clone(), "token"));
        }
    };
    let_the_directory_settle();
    lookups(4, "cave_token_1", &cave);

    // The server's file appears: it answers at once.
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "server_token_2"}"#);
    lookups(1, "server_token_2", &server);

    // Gone again, then the framework file appears in a settled directory.
    std::fs::remove_file(&server).unwrap();
    let_the_directory_settle();
    lookups(4, "cave_token_1", &cave);
    let framework = sb.put(FRAMEWORK_FILE, r#"{"token": "framework_token_3"}"#);
    lookups(1, "framework_token_3", &framework);
    assert_eq!(sb.auth().layout(), Layout::Framework);

    // A file replaced by a rename (how every save writes) is read anew.
    let_the_directory_settle();
    lookups(3, "framework_token_3", &framework);
    let staged = sb.put("staged.json", r#"{"token": "framework_token_4"}"#);
    std::fs::rename(&staged, &framework).unwrap();
    lookups(1, "framework_token_4", &framework);
}

#[cfg(unix)]
#[test]
fn a_link_to_nothing_is_followed_again_once_its_target_appears_elsewhere() {
    // The link's target lives in another directory, whose changes do not
    // change the secrets directory's version: an absence seen through a
    // link is never remembered as one.
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "cave_token_1"}"#);
    let elsewhere = sb.root().join("mounted");
    std::fs::create_dir(&elsewhere).unwrap();
    let target = elsewhere.join("server-token.json");
    let link = sb.file(GLOBAL_SERVER_FILE);
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let_the_directory_settle();
    for _ in 0..4 {
        let auth = sb.auth();
        assert_eq!(token_of(&auth).as_deref(), Some("cave_token_1"));
        assert_eq!(auth.source(), from_file(cave.clone(), "token"));
    }

    std::fs::write(&target, r#"{"token": "server_token_2"}"#).unwrap();
    let auth = sb.auth();
    assert_eq!(token_of(&auth).as_deref(), Some("server_token_2"));
    assert_eq!(auth.source(), from_file(link, "token"));
}
