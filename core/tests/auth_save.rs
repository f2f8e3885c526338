//! `save_token` as the Python clients document it (python-clients.md §2,
//! checklist items 11-21) with DESIGN.md's safer file handling: which files
//! each layout writes and in what order, the exact bytes, merging, the
//! overwrite refusal (all-or-nothing), switch_token, the local server file,
//! and read-only directories.
// Some tests are #[cfg(unix)] (modes, links, owners): their imports are
// unused in the Windows build.
#![cfg_attr(windows, allow(unused_imports))]

mod common;

use std::fs;
use std::path::PathBuf;

use common::{
    CAVE_FILE, FRAMEWORK_FILE, GLOBAL_SERVER_FILE, Sandbox, age, identity, path_str, read,
    save_default, tok, token_of,
};
#[cfg(unix)]
use common::{ReadOnlyDir, mode};
use fwclient_core::secrets::file::Saved;
use fwclient_core::{Auth, ErrorKind, Layout, Options, SaveOptions, TokenSource};

const LOCAL_SERVER: &str = "https://local.example.org";
const LOCAL_SERVER_FILE: &str = "local.example.org-cave-secret.json";

fn overwrite() -> SaveOptions {
    SaveOptions {
        overwrite: true,
        ..SaveOptions::default()
    }
}

fn from_file(path: PathBuf, key: &str) -> TokenSource {
    TokenSource::File {
        path,
        key: key.to_owned(),
    }
}

fn exists_message(key: &str, path: &std::path::Path) -> String {
    format!(
        "Key \"{key}\" already exists in token file \"{}\"",
        path.display()
    )
}

#[test]
fn save_options_default_to_caveclients_defaults() {
    assert_eq!(
        SaveOptions::default(),
        SaveOptions {
            overwrite: false,
            switch_token: true,
            write_to_server_file: true,
            local_server: true,
            ignore_readonly: true,
            replace_invalid: false,
        }
    );
}

// ---------------------------------------------------------------- framework

#[test]
fn framework_save_on_a_fresh_dir_writes_only_chunkedgraph_secret() {
    let sb = Sandbox::new();
    let auth = sb.auth();
    assert_eq!(auth.layout(), Layout::Framework);

    let report = save_default(&auth, "fake_token_123").unwrap();

    let file = sb.file(FRAMEWORK_FILE);
    assert_eq!(report, vec![(file.clone(), Saved::Written)]);
    assert_eq!(sb.names(), vec![FRAMEWORK_FILE]);
    assert_eq!(read(&file), r#"{"token": "fake_token_123"}"#);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    #[cfg(unix)]
    assert_eq!(mode(&sb.secrets()), 0o700);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(file, "token"));
}

#[test]
fn framework_save_writes_the_server_file_when_it_was_in_use() {
    let sb = Sandbox::new();
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"other": 1}"#);
    let auth = sb.auth_in(Layout::Framework);

    let report = save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(report, vec![(server.clone(), Saved::Written)]);
    assert_eq!(sb.names(), vec![GLOBAL_SERVER_FILE]);
    assert_eq!(read(&server), r#"{"other": 1, "token": "fake_token_123"}"#);
}

#[test]
fn framework_save_ignores_the_local_server() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Framework);
    auth.set_local_server(Some(LOCAL_SERVER.into()));

    save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(sb.names(), vec![FRAMEWORK_FILE]);
}

// --------------------------------------------------------------------- cave

#[test]
fn cave_save_on_a_fresh_dir_writes_the_server_file_then_cave_secret() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);

    let report = save_default(&auth, "fake_token_123").unwrap();

    let server = sb.file(GLOBAL_SERVER_FILE);
    let cave = sb.file(CAVE_FILE);
    assert_eq!(
        report,
        vec![
            (server.clone(), Saved::Written),
            (cave.clone(), Saved::Written)
        ]
    );
    assert_eq!(sb.names(), vec![CAVE_FILE, GLOBAL_SERVER_FILE]);
    for f in [&server, &cave] {
        assert_eq!(read(f), r#"{"token": "fake_token_123"}"#);
        #[cfg(unix)]
        assert_eq!(mode(f), 0o600);
    }
    #[cfg(unix)]
    assert_eq!(mode(&sb.secrets()), 0o700);
    assert_eq!(auth.source(), from_file(cave.clone(), "token"));
    assert_eq!(auth.token_file(), cave);
}

#[test]
fn cave_save_with_a_custom_key_adds_it_next_to_token_in_both_files() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    save_default(&auth, "fake_token_123").unwrap();

    auth.save_token(
        Some(&tok("another_fake_token_678")),
        Some("other"),
        None,
        SaveOptions::default(),
    )
    .unwrap();

    for name in [GLOBAL_SERVER_FILE, CAVE_FILE] {
        assert_eq!(
            read(&sb.file(name)),
            r#"{"token": "fake_token_123", "other": "another_fake_token_678"}"#,
            "{name}"
        );
    }
    assert_eq!(auth.source(), from_file(sb.file(CAVE_FILE), "other"));
}

#[test]
fn cave_save_with_a_local_server_writes_its_file_and_switches_to_it() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));
    assert_eq!(auth.local_server().as_deref(), Some(LOCAL_SERVER));

    let report = save_default(&auth, "fake_token_123").unwrap();

    let local = sb.file(LOCAL_SERVER_FILE);
    assert_eq!(
        report,
        vec![
            (sb.file(GLOBAL_SERVER_FILE), Saved::Written),
            (sb.file(CAVE_FILE), Saved::Written),
            (local.clone(), Saved::Written),
        ]
    );
    assert_eq!(
        sb.names(),
        vec![CAVE_FILE, GLOBAL_SERVER_FILE, LOCAL_SERVER_FILE]
    );
    for name in [GLOBAL_SERVER_FILE, CAVE_FILE, LOCAL_SERVER_FILE] {
        assert_eq!(
            read(&sb.file(name)),
            r#"{"token": "fake_token_123"}"#,
            "{name}"
        );
        #[cfg(unix)]
        assert_eq!(mode(&sb.file(name)), 0o600, "{name}");
    }
    assert_eq!(auth.token_file(), local);
    assert_eq!(auth.source(), from_file(local, "token"));
}

#[test]
fn cave_save_leaves_a_local_server_file_that_already_holds_the_token() {
    let sb = Sandbox::new();
    let local = sb.put(LOCAL_SERVER_FILE, r#"{"token": "fake_token_123"}"#);
    let before = {
        age(&local);
        identity(&local)
    };
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));

    let report = save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(report.len(), 2, "{report:?}");
    assert_eq!(identity(&local), before);
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn cave_save_replaces_a_different_token_in_the_local_server_file() {
    // caveclient saves the local file with overwrite=True.
    let sb = Sandbox::new();
    let local = sb.put(LOCAL_SERVER_FILE, r#"{"x": 1, "token": "old_fake_token"}"#);
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));

    save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(read(&local), r#"{"x": 1, "token": "fake_token_123"}"#);
}

#[test]
fn cave_save_without_local_server_option_skips_the_local_file() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));

    auth.save_token(
        Some(&tok("fake_token_123")),
        None,
        None,
        SaveOptions {
            local_server: false,
            ..SaveOptions::default()
        },
    )
    .unwrap();

    assert_eq!(sb.names(), vec![CAVE_FILE, GLOBAL_SERVER_FILE]);
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn cave_save_with_the_global_server_as_local_server_writes_its_file_once() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some("https://global.daf-apis.com".into()));

    let report = save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(
        report,
        vec![
            (sb.file(GLOBAL_SERVER_FILE), Saved::Written),
            (sb.file(CAVE_FILE), Saved::Written),
        ]
    );
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn cave_save_with_a_malformed_local_server_file_writes_nothing() {
    let sb = Sandbox::new();
    sb.put(LOCAL_SERVER_FILE, "{broken");
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::SecretFile);
    assert!(
        err.message()
            .contains(&path_str(&sb.file(LOCAL_SERVER_FILE))),
        "{err}"
    );
    assert_eq!(sb.snapshot(), before);
    assert_eq!(token_of(&auth), None);
}

#[test]
fn cave_save_without_server_file_option_writes_only_cave_secret() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);

    auth.save_token(
        Some(&tok("fake_token_123")),
        None,
        None,
        SaveOptions {
            write_to_server_file: false,
            ..SaveOptions::default()
        },
    )
    .unwrap();

    assert_eq!(sb.names(), vec![CAVE_FILE]);
}

#[test]
fn cave_save_writes_only_the_server_file_when_it_was_in_use() {
    let sb = Sandbox::new();
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    let auth = sb.auth_in(Layout::Cave);
    assert_eq!(auth.token_file(), server);

    let report = save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(report, vec![(server.clone(), Saved::Written)]);
    assert_eq!(sb.names(), vec![GLOBAL_SERVER_FILE]);
    assert_eq!(
        read(&server),
        r#"{"other": "x", "token": "fake_token_123"}"#
    );
}

#[test]
fn cave_save_with_an_explicit_token_file_writes_the_server_file_and_that_file() {
    // caveclient raises AttributeError here; the right thing is both files.
    let sb = Sandbox::new();
    let mine = sb.file("mine.json");
    let auth = Auth::new(&Options {
        token_file: Some(path_str(&mine)),
        ..sb.opts_in(Layout::Cave)
    })
    .unwrap();

    let report = save_default(&auth, "fake_token_123").unwrap();

    let server = sb.file(GLOBAL_SERVER_FILE);
    assert_eq!(
        report,
        vec![
            (server.clone(), Saved::Written),
            (mine.clone(), Saved::Written)
        ]
    );
    assert_eq!(sb.names(), vec![GLOBAL_SERVER_FILE, "mine.json"]);
    assert_eq!(read(&server), r#"{"token": "fake_token_123"}"#);
    assert_eq!(read(&mine), r#"{"token": "fake_token_123"}"#);
    assert_eq!(auth.token_file(), mine);
}

#[test]
fn cave_save_to_a_file_argument_writes_the_server_file_and_switches_to_it() {
    let sb = Sandbox::new();
    let other = sb.root().join("elsewhere").join("other.json");
    let auth = sb.auth_in(Layout::Cave);

    auth.save_token(
        Some(&tok("fake_token_123")),
        None,
        Some(&path_str(&other)),
        SaveOptions::default(),
    )
    .unwrap();

    assert_eq!(sb.names(), vec![GLOBAL_SERVER_FILE]);
    assert_eq!(read(&other), r#"{"token": "fake_token_123"}"#);
    #[cfg(unix)]
    assert_eq!(mode(&other), 0o600);
    #[cfg(unix)]
    assert_eq!(mode(other.parent().unwrap()), 0o700);
    assert_eq!(auth.token_file(), other);
    assert_eq!(auth.source(), from_file(other, "token"));
}

#[test]
fn cave_save_for_a_server_with_a_port_names_the_file_by_netloc() {
    let sb = Sandbox::new();
    let auth = Auth::new(&Options {
        server_address: Some("http://localhost:8080".into()),
        ..sb.opts_in(Layout::Cave)
    })
    .unwrap();

    save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(
        sb.names(),
        vec![CAVE_FILE, "localhost:8080-cave-secret.json"]
    );
}

// ------------------------------------------------------- refusal: overwrite

#[test]
fn existing_key_is_refused_with_caveclients_message_even_when_identical() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::TokenExists);
    assert_eq!(err.message(), exists_message("token", &file));
    assert_eq!(err.to_string(), exists_message("token", &file));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn existing_custom_key_is_refused_naming_that_key() {
    let sb = Sandbox::new();
    let file = sb.put(
        FRAMEWORK_FILE,
        r#"{"token": "fake_token_123", "mykey": "x"}"#,
    );
    let auth = sb.auth();
    let before = sb.snapshot();

    let err = auth
        .save_token(
            Some(&tok("another_fake_token_678")),
            Some("mykey"),
            None,
            SaveOptions::default(),
        )
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::TokenExists);
    assert_eq!(err.message(), exists_message("mykey", &file));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn cave_refusal_on_cave_secret_writes_no_server_file() {
    // caveclient wrote the server file and then raised; nothing may be written.
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "old_fake_token", "extra": 1}"#);
    let auth = sb.auth_in(Layout::Cave);
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::TokenExists);
    assert_eq!(err.message(), exists_message("token", &cave));
    assert_eq!(sb.snapshot(), before);
    assert!(!sb.file(GLOBAL_SERVER_FILE).exists());
    assert_eq!(token_of(&auth).as_deref(), Some("old_fake_token"));
    assert_eq!(auth.source(), from_file(cave.clone(), "token"));
    assert_eq!(auth.token_file(), cave);
}

#[test]
fn cave_refusal_on_cave_secret_leaves_an_existing_server_file_unchanged() {
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "old_fake_token"}"#);
    let auth = sb.auth_in(Layout::Cave);
    // Appears after construction, without the key: no conflict there.
    sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.message(), exists_message("token", &cave));
    assert_eq!(sb.snapshot(), before);
    assert_eq!(token_of(&auth).as_deref(), Some("old_fake_token"));
}

#[test]
fn cave_refusal_on_the_server_file_leaves_cave_secret_unwritten() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "fake_token_123"}"#);
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::TokenExists);
    assert_eq!(err.message(), exists_message("token", &server));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn second_cave_save_without_overwrite_is_refused_on_the_server_file() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    save_default(&auth, "fake_token_123").unwrap();
    let before = sb.snapshot();

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(
        err.message(),
        exists_message("token", &sb.file(GLOBAL_SERVER_FILE))
    );
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn overwrite_replaces_the_token_in_every_file() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    save_default(&auth, "fake_token_123").unwrap();

    let report = auth
        .save_token(
            Some(&tok("another_fake_token_678")),
            None,
            None,
            overwrite(),
        )
        .unwrap();

    assert!(
        report.iter().all(|(_, s)| *s == Saved::Written),
        "{report:?}"
    );
    for name in [GLOBAL_SERVER_FILE, CAVE_FILE] {
        assert_eq!(
            read(&sb.file(name)),
            r#"{"token": "another_fake_token_678"}"#,
            "{name}"
        );
    }
    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
}

#[test]
fn overwrite_with_the_identical_token_does_not_rewrite_the_file() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token":"fake_token_123"}"#);
    age(&file);
    let before = identity(&file);
    let auth = sb.auth();

    let report = auth
        .save_token(Some(&tok("fake_token_123")), None, None, overwrite())
        .unwrap();

    assert_eq!(report, vec![(file.clone(), Saved::Unchanged)]);
    assert_eq!(identity(&file), before);
    // Not even reformatted to Python's separators.
    assert_eq!(read(&file), r#"{"token":"fake_token_123"}"#);
}

// ------------------------------------------------------------------- merge

#[test]
fn merge_keeps_other_keys_their_order_and_escapes() {
    let sb = Sandbox::new();
    let file = sb.put(
        FRAMEWORK_FILE,
        r#"{"a": 1, "token": "x", "z": 2, "uni": "t\u00f6k"}"#,
    );
    let auth = sb.auth();

    auth.save_token(Some(&tok("y")), None, None, overwrite())
        .unwrap();

    assert_eq!(
        read(&file),
        r#"{"a": 1, "token": "y", "z": 2, "uni": "t\u00f6k"}"#
    );
}

#[test]
fn merge_writes_python_json_dump_bytes_from_any_input_layout() {
    let sb = Sandbox::new();
    let file = sb.put(
        FRAMEWORK_FILE,
        "{\n  \"a\":1,\n  \"uni\":\"tök 😀\",\n  \"list\":[1,2,{\"k\":null}],\n  \"t\":true\n}\n",
    );
    let auth = sb.auth();

    save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(
        read(&file),
        r#"{"a": 1, "uni": "t\u00f6k \ud83d\ude00", "list": [1, 2, {"k": null}], "t": true, "token": "fake_token_123"}"#
    );
}

#[test]
fn a_new_key_is_appended_at_the_end() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"b": "1", "a": "2"}"#);
    let auth = sb.auth();

    save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(
        read(&file),
        r#"{"b": "1", "a": "2", "token": "fake_token_123"}"#
    );
}

#[test]
fn big_integers_in_other_keys_survive_a_save() {
    let sb = Sandbox::new();
    let file = sb.put(
        FRAMEWORK_FILE,
        r#"{"big": 123456789012345678901234567890, "neg": -98765432109876543210987654321, "token": "x"}"#,
    );
    let auth = sb.auth();

    auth.save_token(Some(&tok("y")), None, None, overwrite())
        .unwrap();

    assert_eq!(
        read(&file),
        r#"{"big": 123456789012345678901234567890, "neg": -98765432109876543210987654321, "token": "y"}"#
    );
}

// ------------------------------------------------------ token argument

#[test]
fn save_without_a_token_argument_saves_the_token_in_use() {
    let sb = Sandbox::new();
    let auth = Auth::new(&Options {
        token: Some(tok("fake_token_123")),
        ..sb.opts()
    })
    .unwrap();
    assert_eq!(auth.source(), TokenSource::Explicit);

    auth.save_token(None, None, None, SaveOptions::default())
        .unwrap();

    let file = sb.file(FRAMEWORK_FILE);
    assert_eq!(read(&file), r#"{"token": "fake_token_123"}"#);
    assert_eq!(auth.source(), from_file(file, "token"));
}

#[test]
fn save_without_any_token_is_an_invalid_argument_and_writes_nothing() {
    let sb = Sandbox::new();
    let auth = sb.auth();

    let err = auth
        .save_token(None, None, None, SaveOptions::default())
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!sb.secrets().exists());
}

#[test]
fn save_with_an_empty_key_is_an_invalid_argument() {
    let sb = Sandbox::new();
    let auth = sb.auth();

    let err = auth
        .save_token(
            Some(&tok("fake_token_123")),
            Some(""),
            None,
            SaveOptions::default(),
        )
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!sb.secrets().exists());
}

// ------------------------------------------------------------ switch_token

#[test]
fn switch_token_true_makes_the_saved_token_key_and_file_active() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();
    let other = sb.file("other.json");

    auth.save_token(
        Some(&tok("another_fake_token_678")),
        Some("mykey"),
        Some(&path_str(&other)),
        SaveOptions::default(),
    )
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(other.clone(), "mykey"));
    assert_eq!(auth.token_file(), other);
    assert_eq!(
        auth.request_header().as_deref().map(String::as_str),
        Some("Bearer another_fake_token_678")
    );

    // The next save without a file goes to the switched-to file.
    auth.save_token(
        Some(&tok("third_fake_token_9")),
        Some("k2"),
        None,
        SaveOptions::default(),
    )
    .unwrap();
    assert_eq!(
        read(&other),
        r#"{"mykey": "another_fake_token_678", "k2": "third_fake_token_9"}"#
    );
}

#[test]
fn switch_token_false_keeps_the_token_in_use() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();
    let other = sb.file("other.json");

    auth.save_token(
        Some(&tok("another_fake_token_678")),
        None,
        Some(&path_str(&other)),
        SaveOptions {
            switch_token: false,
            ..SaveOptions::default()
        },
    )
    .unwrap();

    assert_eq!(read(&other), r#"{"token": "another_fake_token_678"}"#);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(file.clone(), "token"));
    assert_eq!(auth.token_file(), file);
}

#[test]
fn switch_token_false_with_a_local_server_keeps_the_token_file() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);
    auth.set_local_server(Some(LOCAL_SERVER.into()));

    auth.save_token(
        Some(&tok("fake_token_123")),
        None,
        None,
        SaveOptions {
            switch_token: false,
            ..SaveOptions::default()
        },
    )
    .unwrap();

    assert_eq!(
        sb.names(),
        vec![CAVE_FILE, GLOBAL_SERVER_FILE, LOCAL_SERVER_FILE]
    );
    assert_eq!(token_of(&auth), None);
    assert_eq!(auth.source(), TokenSource::None);
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn failed_save_keeps_the_token_in_use() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();

    save_default(&auth, "another_fake_token_678").unwrap_err();

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(file.clone(), "token"));
    assert_eq!(auth.token_file(), file);
}

// --------------------------------------------------------------- read-only

#[cfg(unix)]
#[test]
fn cave_save_in_a_read_only_dir_skips_silently_and_switches_the_token() {
    let sb = Sandbox::new();
    let cave_bytes = r#"{"other": "x"}"#;
    let _ro = ReadOnlyDir::new(&sb.secrets(), |dir| {
        fs::write(dir.join(CAVE_FILE), cave_bytes).unwrap();
    });
    let auth = sb.auth_in(Layout::Cave);
    let before = sb.snapshot();

    let report = save_default(&auth, "fake_token_123").unwrap();

    assert_eq!(
        report,
        vec![
            (sb.file(GLOBAL_SERVER_FILE), Saved::SkippedReadOnly),
            (sb.file(CAVE_FILE), Saved::SkippedReadOnly),
        ]
    );
    assert_eq!(sb.snapshot(), before);
    assert_eq!(read(&sb.file(CAVE_FILE)), cave_bytes);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    // Nothing on disk holds it: it is a session token now.
    assert_eq!(auth.source(), TokenSource::Explicit);
}

#[cfg(unix)]
#[test]
fn cave_save_in_a_read_only_dir_without_ignore_readonly_is_an_io_error() {
    let sb = Sandbox::new();
    let _ro = ReadOnlyDir::new(&sb.secrets(), |dir| {
        fs::write(dir.join(CAVE_FILE), r#"{"other": "x"}"#).unwrap();
    });
    let auth = sb.auth_in(Layout::Cave);
    let before = sb.snapshot();

    let err = auth
        .save_token(
            Some(&tok("fake_token_123")),
            None,
            None,
            SaveOptions {
                ignore_readonly: false,
                ..SaveOptions::default()
            },
        )
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains(&path_str(&sb.secrets())), "{err}");
    assert_eq!(sb.snapshot(), before);
    assert_eq!(token_of(&auth), None);
    assert_eq!(auth.source(), TokenSource::None);
}

#[cfg(unix)]
#[test]
fn framework_save_in_a_read_only_dir_is_an_io_error() {
    // annotationframeworkclient has no ignore_readonly: the OS error surfaces.
    let sb = Sandbox::new();
    let _ro = ReadOnlyDir::new(&sb.secrets(), |_| {});
    let auth = sb.auth_in(Layout::Framework);

    let err = save_default(&auth, "fake_token_123").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(sb.names().is_empty());
    assert_eq!(token_of(&auth), None);
}
