//! A secret file's parse / merge / write round trip.
//!
//! Any bytes are put in a secret file, then one key is saved into it through
//! the library's own save (the code `fw_auth_save_token` runs). Properties:
//! - the save never panics;
//! - a file the library cannot read as a JSON object is refused with
//!   FW_ERR_SECRET_FILE and left byte-for-byte unchanged;
//! - an existing key without overwrite is FW_ERR_TOKEN_EXISTS, unchanged;
//! - otherwise the written file is exactly Python's `json.dump` of the old
//!   object with the key set, it parses again (through the library's reader)
//!   as an object holding every old key, in order, and the token, and
//!   dumping it again gives the same bytes (a second round trip is stable).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fwclient_core::secrets::file::{self, Saved};
use fwclient_core::secrets::pyjson;
use fwclient_core::secrets::pyload::{PyObject, PyStr, PyValue};
use fwclient_core::{ErrorKind, Token};
use libfuzzer_sys::fuzz_target;

/// Keys a save may use; bit 7 of the first byte instead picks the file's
/// own first key (so that existing keys are hit often).
const KEYS: [&str; 8] = [
    "token",
    "other",
    "a",
    "",
    "\u{e9}t\u{e9}",
    "\"q\"",
    "a\nb",
    "\u{1F600}",
];
const TOKENS: [&str; 4] = [
    "fake_token_123",
    "0123456789abcdef0123456789abcdef",
    "another_fake_token_678",
    "ABCdef+/==",
];

/// The input: one byte of choices, then the file's bytes.
///   bit 0: overwrite; bits 1-3: key; bits 4-5: token; bit 7: the file's first key.
struct Input<'a> {
    content: &'a [u8],
    key: String,
    token: &'static str,
    overwrite: bool,
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Option<Input<'a>> {
        let (&choice, content) = data.split_first()?;
        let mut key = KEYS[usize::from(choice >> 1) & 7].to_owned();
        if choice & 0x80 != 0
            && let Ok(PyValue::Object(m)) = fwclient_core::secrets::pyload::parse(content)
            && let Some(k) = m.keys().next().and_then(PyStr::as_str)
        {
            key = k.to_owned();
        }
        Some(Input {
            content,
            key,
            token: TOKENS[usize::from(choice >> 4) & 3],
            overwrite: choice & 1 != 0,
        })
    }
}

/// One directory for the whole run, on tmpfs when there is one (fsync is
/// then nearly free).
fn dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let b = tempfile::Builder::new()
            .prefix("fwfuzz-secret-")
            .tempdir_in(shm);
        b.or_else(|_| tempfile::tempdir())
            .expect("a temporary directory")
    })
    .path()
}

fn object_of(bytes: &[u8], path: &Path) -> Option<PyObject> {
    std::fs::write(path, bytes).unwrap();
    file::read_object(path).ok().flatten()
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::new(data) else {
        return;
    };
    let token = Token::new(input.token).unwrap();
    let path: PathBuf = dir().join("chunkedgraph-secret.json");
    std::fs::write(&path, input.content).unwrap();
    let before = file::read_object(&path);

    let result = file::save(&path, &input.key, &token, input.overwrite, false);
    let after = std::fs::read(&path).unwrap();

    let old = match before {
        Ok(Some(map)) => map,
        Ok(None) => unreachable!("the file exists"),
        Err(e) => {
            // Unreadable as an object: refused, nothing written.
            let err = result.expect_err("a save into an unreadable file must fail");
            assert_eq!(err.kind(), e.kind(), "{err}");
            assert!(
                matches!(err.kind(), ErrorKind::SecretFile | ErrorKind::Io),
                "{err}"
            );
            assert_eq!(after, input.content, "a refused save changed the file");
            return;
        }
    };
    let key = PyStr::from(input.key.as_str());
    match old.get(&key) {
        Some(_) if !input.overwrite => {
            let err = result.expect_err("an existing key needs overwrite");
            assert_eq!(err.kind(), ErrorKind::TokenExists, "{err}");
            assert_eq!(after, input.content, "a refused save changed the file");
            return;
        }
        Some(PyValue::Str(s)) if s.as_str() == Some(token.expose()) => {
            assert_eq!(result.expect("an identical save"), Saved::Unchanged);
            assert_eq!(after, input.content, "an identical save rewrote the file");
            return;
        }
        _ => {}
    }
    let saved = result.unwrap_or_else(|e| panic!("save failed: {:?} {}", e.kind(), e));
    assert_eq!(saved, Saved::Written);

    let mut expected = old.clone();
    expected.insert(key.clone(), PyValue::Str(token.expose().into()));
    let expected_bytes = pyjson::dump_object(&expected);
    assert_eq!(
        String::from_utf8_lossy(&after),
        expected_bytes,
        "the file is not json.dump of the merged object"
    );

    // The written file is readable again, by the library's own reader.
    let reread = object_of(&after, &dir().join("reread.json"))
        .expect("the written file must parse as a JSON object");
    let old_keys: Vec<&PyStr> = old.keys().collect();
    let new_keys: Vec<&PyStr> = reread.keys().collect();
    let kept = new_keys
        .iter()
        .filter(|k| ***k != key)
        .copied()
        .collect::<Vec<_>>();
    let old_kept = old_keys
        .iter()
        .filter(|k| ***k != key)
        .copied()
        .collect::<Vec<_>>();
    assert_eq!(kept, old_kept, "keys lost or reordered");
    assert_eq!(
        match reread.get(&key) {
            Some(PyValue::Str(s)) => s.as_str(),
            _ => None,
        },
        Some(token.expose()),
        "the token is not in the written file"
    );
    for k in old_kept {
        assert_eq!(
            pyjson::dump(&reread[k]),
            pyjson::dump(&old[k]),
            "the value of key {k:?} changed"
        );
    }
    // Stable: what was written, read and dumped again, is the same bytes.
    assert_eq!(pyjson::dump_object(&reread), expected_bytes, "not stable");
    assert_eq!(
        file::read_token(&path, &input.key).ok().flatten().as_ref(),
        Some(&token)
    );
});
