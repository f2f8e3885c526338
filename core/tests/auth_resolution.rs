//! Which token an `Auth` finds, and what it reports, as the Python clients
//! document it (python-clients.md §1, checklist items 1-9 and 21-24) and as
//! DESIGN.md "Secrets on disk" extends it: the two layouts, the per-server
//! file, the fallbacks, explicit tokens and files, the URLs and the
//! instructions, and token validation. Nothing here touches the environment:
//! every test passes its own secrets directory.

mod common;

use std::path::PathBuf;

use common::{CAVE_FILE, FRAMEWORK_FILE, GLOBAL_SERVER_FILE, Sandbox, path_str, tok, token_of};
use fwclient_core::{Auth, ErrorKind, Layout, Options, Token, TokenSource};

fn from_file(path: PathBuf, key: &str) -> TokenSource {
    TokenSource::File {
        path,
        key: key.to_owned(),
    }
}

// ---------------------------------------------------------------- framework

#[test]
fn framework_layout_reads_chunkedgraph_secret() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth();

    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(file.clone(), "token"));
    assert_eq!(auth.token_file(), file);
    assert_eq!(auth.secrets_dir(), sb.secrets());
}

#[test]
fn framework_layout_uses_the_server_file_instead_when_it_exists() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "another_fake_token_678"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(server.clone(), "token"));
    assert_eq!(auth.token_file(), server);
}

#[test]
fn framework_server_file_without_the_key_falls_back_to_cave_secret() {
    let sb = Sandbox::new();
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let cave = sb.put(CAVE_FILE, r#"{"token": "another_fake_token_678"}"#);

    let auth = sb.auth_in(Layout::Framework);

    // The server file is the token file; chunkedgraph-secret.json is not read
    // (annotationframeworkclient 3.1: no fallback between files); the other
    // layout's default file is the last fallback and the source names it.
    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(cave, "token"));
    assert_eq!(auth.token_file(), server);
}

#[test]
fn framework_server_file_without_the_key_ignores_chunkedgraph_secret() {
    let sb = Sandbox::new();
    sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(token_of(&auth), None);
    assert_eq!(auth.source(), TokenSource::None);
}

#[test]
fn framework_layout_falls_back_to_cave_secret_when_its_file_is_missing() {
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(cave, "token"));
    assert_eq!(auth.token_file(), sb.file(FRAMEWORK_FILE));
}

#[test]
fn framework_layout_falls_back_when_its_file_lacks_the_key() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"other": "x"}"#);
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(cave, "token"));
}

#[test]
fn null_token_value_counts_as_missing() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": null}"#);
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(auth.source(), from_file(cave, "token"));
}

// --------------------------------------------------------------------- cave

#[test]
fn cave_layout_reads_cave_secret() {
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(auth.layout(), Layout::Cave);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(cave.clone(), "token"));
    assert_eq!(auth.token_file(), cave);
}

#[test]
fn cave_layout_uses_the_server_file_instead_when_it_exists() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "another_fake_token_678"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(server.clone(), "token"));
    assert_eq!(auth.token_file(), server);
}

#[test]
fn a_server_file_answers_alone_and_the_layout_is_still_the_one_asked_or_found() {
    // The server's file answers the lookup; the layout, asked for or
    // detected from the files present, is what it would be otherwise.
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "another_fake_token_678"}"#);
    for (asked, want) in [
        (None, Layout::Cave),
        (Some(Layout::Framework), Layout::Framework),
        (Some(Layout::Cave), Layout::Cave),
    ] {
        let auth = match asked {
            Some(layout) => sb.auth_in(layout),
            None => sb.auth(),
        };
        assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
        assert_eq!(auth.source(), from_file(server.clone(), "token"));
        assert_eq!(auth.layout(), want, "asked {asked:?}");
    }
}

#[test]
fn cave_layout_falls_back_to_legacy_chunkedgraph_secret() {
    let sb = Sandbox::new();
    let legacy = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(legacy, "token"));
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn cave_layout_falls_back_to_legacy_file_when_cave_secret_lacks_the_key() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"other": "x"}"#);
    let legacy = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(auth.source(), from_file(legacy, "token"));
}

#[test]
fn cave_server_file_without_the_key_skips_cave_secret_for_the_legacy_file() {
    let sb = Sandbox::new();
    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let legacy = sb.put(FRAMEWORK_FILE, r#"{"token": "another_fake_token_678"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(legacy, "token"));
    assert_eq!(auth.token_file(), server);
}

#[test]
fn cave_server_file_without_the_key_and_no_legacy_file_gives_no_token() {
    let sb = Sandbox::new();
    sb.put(GLOBAL_SERVER_FILE, r#"{"other": "x"}"#);
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Cave);

    assert_eq!(token_of(&auth), None);
    assert_eq!(auth.source(), TokenSource::None);
}

#[test]
fn cave_layout_looks_up_a_custom_key_in_the_legacy_file_too() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let legacy = sb.put(FRAMEWORK_FILE, r#"{"mykey": "another_fake_token_678"}"#);

    let auth = Auth::new(&Options {
        token_key: Some("mykey".into()),
        ..sb.opts_in(Layout::Cave)
    })
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(legacy, "mykey"));
}

// ------------------------------------------------------ server file names

#[test]
fn server_file_name_is_the_netloc_of_the_server_address() {
    // (address given, its normal form, the file name caveclient computes)
    let cases = [
        (
            "https://global.daf-apis.com",
            "https://global.daf-apis.com",
            "global.daf-apis.com-cave-secret.json",
        ),
        (
            "https://global.daf-apis.com/",
            "https://global.daf-apis.com",
            "global.daf-apis.com-cave-secret.json",
        ),
        (
            "global.daf-apis.com",
            "https://global.daf-apis.com",
            "global.daf-apis.com-cave-secret.json",
        ),
        (
            "http://localhost:8080",
            "http://localhost:8080",
            "localhost:8080-cave-secret.json",
        ),
        (
            "https://a.b.c/some/path",
            "https://a.b.c/some/path",
            "a.b.c-cave-secret.json",
        ),
        (
            "https://GLOBAL.daf-apis.com:443/",
            "https://GLOBAL.daf-apis.com:443",
            "GLOBAL.daf-apis.com:443-cave-secret.json",
        ),
        (
            "https://user:pw@host.org:443/x",
            "https://user:pw@host.org:443/x",
            "user:pw@host.org:443-cave-secret.json",
        ),
        (
            "127.0.0.1:8080",
            "https://127.0.0.1:8080",
            "127.0.0.1:8080-cave-secret.json",
        ),
    ];
    for layout in [Layout::Framework, Layout::Cave] {
        for (address, normal, name) in cases {
            if cfg!(windows) && name.matches(':').count() > 1 {
                continue; // not a file name there: tests/windows_names.rs
            }
            let sb = Sandbox::new();
            let path = sb.put(name, r#"{"token": "fake_token_123"}"#);
            let auth = Auth::new(&Options {
                server_address: Some(address.into()),
                ..sb.opts_in(layout)
            })
            .unwrap();
            assert_eq!(auth.token_file(), path, "{layout:?} {address}");
            assert_eq!(
                auth.source(),
                from_file(path, "token"),
                "{layout:?} {address}"
            );
            assert_eq!(auth.server_address(), normal);
        }
    }
}

// ---------------------------------------------------------- layout choice

#[test]
fn layout_is_cave_when_the_dir_holds_only_cave_secret() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth();

    assert_eq!(auth.layout(), Layout::Cave);
    assert_eq!(auth.token_file(), sb.file(CAVE_FILE));
}

#[test]
fn layout_is_framework_when_the_dir_holds_both_files() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let framework = sb.put(FRAMEWORK_FILE, r#"{"token": "another_fake_token_678"}"#);

    let auth = sb.auth();

    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(auth.source(), from_file(framework, "token"));
}

#[test]
fn layout_is_framework_when_the_dir_holds_neither_file() {
    let sb = Sandbox::new();
    sb.put(GLOBAL_SERVER_FILE, r#"{"token": "fake_token_123"}"#);
    assert_eq!(sb.auth().layout(), Layout::Framework);

    let missing = Sandbox::new();
    assert_eq!(missing.auth().layout(), Layout::Framework);
    assert_eq!(missing.auth().token_file(), missing.file(FRAMEWORK_FILE));
}

#[test]
fn layout_is_framework_when_the_dir_holds_only_chunkedgraph_secret() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    assert_eq!(sb.auth().layout(), Layout::Framework);
}

#[test]
fn automatic_framework_layout_without_the_key_falls_back_to_cave_secret() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"other": "x"}"#);
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth();

    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(auth.token_file(), sb.file(FRAMEWORK_FILE));
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(cave, "token"));
}

#[cfg(unix)]
#[test]
fn a_dangling_chunkedgraph_secret_link_beside_cave_secret_chooses_cave() {
    // Path::exists is false for a link to nothing, as os.path.exists is in
    // Python: the directory holds only caveclient's file.
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    std::os::unix::fs::symlink("nowhere.json", sb.file(FRAMEWORK_FILE)).unwrap();

    let auth = sb.auth();

    assert_eq!(auth.layout(), Layout::Cave);
    assert_eq!(auth.source(), from_file(cave, "token"));
    // Without the key there, the legacy fallback is the dangling link: an error.
    sb.put(CAVE_FILE, r#"{"other": "x"}"#);
    let e = common::lookup_err(&sb.opts());
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    assert!(
        e.message().contains("symbolic link to nothing"),
        "{}",
        e.message()
    );
}

#[test]
fn repeated_lookups_in_one_directory_follow_files_created_and_removed() {
    // A lookup asks with a cheaper call about files the last lookup in the
    // same directory found absent (auth/probe.rs); the answer must be the
    // one the directory gives now. Each state is looked up twice: the first
    // lookup after a change runs on the previous state's memory, the second
    // on its own.
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "cave_token_1"}"#);
    let twice = |want_token: &str, want_layout: Layout, want_file: &PathBuf| {
        for _ in 0..2 {
            let auth = sb.auth();
            assert_eq!(token_of(&auth).as_deref(), Some(want_token));
            assert_eq!(auth.layout(), want_layout);
            assert_eq!(auth.source(), from_file(want_file.clone(), "token"));
        }
    };
    twice("cave_token_1", Layout::Cave, &cave);

    let server = sb.put(GLOBAL_SERVER_FILE, r#"{"token": "server_token_2"}"#);
    for _ in 0..2 {
        let auth = sb.auth();
        assert_eq!(token_of(&auth).as_deref(), Some("server_token_2"));
        assert_eq!(auth.source(), from_file(server.clone(), "token"));
    }

    std::fs::remove_file(&server).unwrap();
    let framework = sb.put(FRAMEWORK_FILE, r#"{"token": "framework_token_3"}"#);
    twice("framework_token_3", Layout::Framework, &framework);

    std::fs::remove_file(&framework).unwrap();
    twice("cave_token_1", Layout::Cave, &cave);

    // A framework file that cannot be read is found, not skipped.
    sb.put(FRAMEWORK_FILE, "{not json");
    for _ in 0..2 {
        let e = common::lookup_err(&sb.opts());
        assert_eq!(e.kind(), ErrorKind::SecretFile);
        assert!(e.message().contains(FRAMEWORK_FILE), "{}", e.message());
    }
}

#[test]
fn chosen_layout_beats_the_automatic_choice() {
    let sb = Sandbox::new();
    let cave = sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);

    let auth = sb.auth_in(Layout::Framework);

    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(auth.token_file(), sb.file(FRAMEWORK_FILE));
    // Found by the last fallback; the source says so.
    assert_eq!(auth.source(), from_file(cave, "token"));
}

// ------------------------------------------------------- nothing found

#[test]
fn nothing_found_is_no_token_and_no_error() {
    let sb = Sandbox::new();

    let auth = sb.auth();

    assert_eq!(token_of(&auth), None);
    assert_eq!(auth.source(), TokenSource::None);
    assert!(matches!(auth.source(), TokenSource::None));
    assert!(auth.request_header().is_none());
}

#[test]
fn constructing_an_auth_creates_no_directory() {
    let sb = Sandbox::new();
    let deep = sb.root().join("not").join("there").join("secrets");
    let opts = Options {
        secrets_dir: Some(path_str(&deep)),
        ..Options::default()
    };

    for layout in [None, Some(Layout::Framework), Some(Layout::Cave)] {
        let auth = Auth::new(&Options {
            layout,
            ..opts.clone()
        })
        .unwrap();
        let _ = (auth.token(), auth.source(), auth.request_header());
        let _ = auth.new_token_steps();
        auth.set_token(tok("fake_token_123"));
    }

    assert!(!sb.root().join("not").exists());
    assert_eq!(std::fs::read_dir(sb.root()).unwrap().count(), 0);
}

#[test]
fn constructing_an_auth_writes_nothing_in_an_existing_dir() {
    let sb = Sandbox::new();
    sb.put(CAVE_FILE, r#"{"token": "fake_token_123"}"#);
    let before = sb.snapshot();

    for layout in [None, Some(Layout::Framework), Some(Layout::Cave)] {
        Auth::new(&Options {
            layout,
            ..sb.opts()
        })
        .unwrap();
    }

    assert_eq!(sb.snapshot(), before);
}

// ------------------------------------------------------------- explicit

#[test]
fn explicit_token_wins_and_no_file_is_read() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, "{not json");
    sb.put(CAVE_FILE, "[1, 2]");
    sb.put(GLOBAL_SERVER_FILE, r#"{"token": 12345}"#);

    for layout in [Layout::Framework, Layout::Cave] {
        let auth = Auth::new(&Options {
            token: Some(tok("fake_token_123")),
            ..sb.opts_in(layout)
        })
        .expect("an explicit token means no file is read");
        assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
        assert_eq!(auth.source(), TokenSource::Explicit);
        assert!(matches!(auth.source(), TokenSource::Explicit));
    }
}

#[test]
fn explicit_token_file_is_read_with_a_custom_key() {
    let sb = Sandbox::new();
    sb.put(GLOBAL_SERVER_FILE, r#"{"token": "fake_token_123"}"#);
    let mine = sb.root().join("my-secret.json");
    std::fs::write(
        &mine,
        r#"{"token": "x", "mykey": "another_fake_token_678"}"#,
    )
    .unwrap();

    let auth = Auth::new(&Options {
        token_file: Some(path_str(&mine)),
        token_key: Some("mykey".into()),
        ..sb.opts()
    })
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(mine.clone(), "mykey"));
    assert!(matches!(auth.source(), TokenSource::File { .. }));
    assert_eq!(auth.token_file(), mine);
}

#[test]
fn missing_explicit_token_file_falls_back_to_the_legacy_file_in_cave_layout() {
    // caveclient: AuthClient(token_file="~/missing.json") returned the token
    // of chunkedgraph-secret.json.
    let sb = Sandbox::new();
    let legacy = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let missing = sb.root().join("missing.json");

    let auth = Auth::new(&Options {
        token_file: Some(path_str(&missing)),
        ..sb.opts_in(Layout::Cave)
    })
    .unwrap();

    assert_eq!(auth.source(), from_file(legacy, "token"));
    assert_eq!(auth.token_file(), missing);
}

#[test]
fn empty_token_key_is_an_invalid_argument() {
    let sb = Sandbox::new();
    let err = common::lookup_err(&Options {
        token_key: Some(String::new()),
        ..sb.opts()
    });
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

// ------------------------------------------------------------ in memory

#[test]
fn set_token_makes_the_source_explicit_and_writes_no_file() {
    let sb = Sandbox::new();
    let file = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();
    let before = sb.snapshot();

    auth.set_token(tok("another_fake_token_678"));

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), TokenSource::Explicit);
    assert_eq!(auth.token_file(), file);
    assert_eq!(
        auth.request_header().as_deref().map(String::as_str),
        Some("Bearer another_fake_token_678")
    );
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn set_token_on_an_auth_without_token() {
    let sb = Sandbox::new();
    let auth = sb.auth();

    auth.set_token(tok("fake_token_123"));

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), TokenSource::Explicit);
    assert!(!sb.secrets().exists());
}

#[test]
fn request_header_is_bearer_and_the_token() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);

    let header = sb.auth().request_header().expect("a header");

    assert_eq!(header.as_str(), "Bearer fake_token_123");
}

#[test]
fn request_header_is_none_without_a_token() {
    let sb = Sandbox::new();
    assert!(sb.auth().request_header().is_none());
}

#[test]
fn new_token_url_is_create_token_on_the_server() {
    let sb = Sandbox::new();
    let auth = sb.auth();
    assert_eq!(auth.server_address(), "https://global.daf-apis.com");
    assert_eq!(
        auth.new_token_url(),
        "https://global.daf-apis.com/auth/api/v1/create_token"
    );
}

#[test]
fn urls_take_the_server_address_without_its_trailing_slash() {
    // caveclient substitutes the address verbatim (a double slash, and a 404);
    // here the normal form is used everywhere.
    let sb = Sandbox::new();
    for given in ["https://global.daf-apis.com/", "global.daf-apis.com"] {
        let auth = Auth::new(&Options {
            server_address: Some(given.into()),
            ..sb.opts()
        })
        .unwrap();
        assert_eq!(
            auth.new_token_url(),
            "https://global.daf-apis.com/auth/api/v1/create_token"
        );
        assert_eq!(
            auth.token_page_url(),
            "https://global.daf-apis.com/sticky_auth/settings/tokens"
        );
    }
}

#[test]
fn token_page_url_is_sticky_auth_settings_tokens() {
    let sb = Sandbox::new();
    let auth = Auth::new(&Options {
        server_address: Some("http://127.0.0.1:18080".into()),
        ..sb.opts()
    })
    .unwrap();
    assert_eq!(
        auth.token_page_url(),
        "http://127.0.0.1:18080/sticky_auth/settings/tokens"
    );
    assert_eq!(
        auth.new_token_url(),
        "http://127.0.0.1:18080/auth/api/v1/create_token"
    );
}

#[test]
fn new_token_steps_point_at_create_token_and_know_a_token_is_saved() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let auth = sb.auth();

    let steps = auth.new_token_steps();

    assert_eq!(
        steps.create_url,
        "https://global.daf-apis.com/auth/api/v1/create_token"
    );
    assert_eq!(
        steps.tokens_page_url,
        "https://global.daf-apis.com/sticky_auth/settings/tokens"
    );
    assert!(steps.saved);
    let text = steps.render(&[]);
    assert!(!text.contains("refresh_token"), "{text}");
    assert!(!text.contains("fake_token_123"), "{text}");
}

// ---------------------------------------------------------- validation

#[test]
fn seed_tokens_are_accepted() {
    for t in [
        "fake_token_123",
        "another_fake_token_678",
        "0123456789abcdef0123456789abcdef",
    ] {
        assert_eq!(Token::new(t).unwrap().expose(), t);
    }
}

#[test]
fn tokens_that_could_break_a_header_are_invalid_token_format() {
    let bad = [
        ("space", "fake_tok en_4711"),
        ("tab", "fake_tok\ten_4711"),
        ("CR", "fake_tok\ren_4711"),
        ("LF", "fake_tok\nen_4711"),
        ("CRLF header injection", "fake_tok\r\nX-Evil: en_4711"),
        ("NUL", "fake_tok\0en_4711"),
        ("non-ASCII", "fake_tök_en_4711"),
        ("DEL", "fake_tok\x7fen_4711"),
        ("empty", ""),
    ];
    for (what, value) in bad {
        let err = Token::new(value).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidTokenFormat, "{what}");
        let shown = format!("{err} {err:?} {}", err.message());
        assert!(!shown.contains("fake_tok"), "{what}: {shown}");
        assert!(!shown.contains("en_4711"), "{what}: {shown}");
    }
}

#[test]
fn a_file_holding_an_invalid_token_is_a_secret_file_error_without_the_token() {
    for (what, json) in [
        ("space", r#"{"token": "fake_tok en_4711"}"#),
        ("CRLF", r#"{"token": "fake_tok\r\nen_4711"}"#),
        ("NUL", r#"{"token": "fake_tok\u0000en_4711"}"#),
        ("non-ASCII", r#"{"token": "fake_t\u00f6k_en_4711"}"#),
        ("empty", r#"{"token": ""}"#),
    ] {
        let sb = Sandbox::new();
        let path = sb.put(FRAMEWORK_FILE, json);

        let err = common::lookup_err(&sb.opts());

        assert_eq!(err.kind(), ErrorKind::SecretFile, "{what}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(&path_str(&path)), "{what}: {shown}");
        assert!(!shown.contains("fake_t"), "{what}: {shown}");
        assert!(!shown.contains("en_4711"), "{what}: {shown}");
    }
}

#[test]
fn debug_output_never_shows_the_token() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_debug_5150"}"#);
    let auth = sb.auth();
    let token = auth.token().unwrap();
    let opts = Options {
        token: Some(token.clone()),
        ..sb.opts()
    };
    let explicit = Auth::new(&opts).unwrap();

    let shown = format!(
        "{auth:?} {explicit:?} {token:?} {:?} {opts:?} {:?}",
        auth.source(),
        Some(&token)
    );

    assert!(!shown.contains("fake_token_debug_5150"), "{shown}");
    assert!(!shown.contains("5150"), "{shown}");
}

#[test]
fn error_messages_never_show_the_token() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_secret_8086"}"#);
    let auth = sb.auth();

    // Refused save: the message names key and file, not the value.
    let err = auth
        .save_token(None, None, None, fwclient_core::SaveOptions::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TokenExists);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("fake_token_secret_8086"), "{shown}");
    assert!(!shown.contains("8086"), "{shown}");
}
