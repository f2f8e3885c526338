//! Server addresses: the one normalisation every use goes through (requests,
//! secret file names, `fwauth`), and where the address in use comes from
//! (option > `$FW_SERVER_ADDRESS` > the default).
//!
//! The rule: an address without a scheme gets `https://` (loopback too, as
//! in caveclient: a local plain-http server is written `http://...`, which
//! is what `fw-devserver` prints), a scheme is lower-cased, trailing slashes
//! are dropped. Host, port, user-info and path are kept as given, so the
//! netloc, and with it the per-server file name, is what the Python clients
//! compute. Anything else that is not a usable http(s) address is refused,
//! with the corrected form in the message when there is one.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::secrets::{datastack_map, layout};

/// The global server the Python clients use by default.
pub const DEFAULT_SERVER_ADDRESS: &str = "https://global.daf-apis.com";

/// Environment variable giving the default server address for a whole shell.
pub const ENV_SERVER_ADDRESS: &str = "FW_SERVER_ADDRESS";

/// Where the server address in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressSource {
    /// Given by the caller (`fw_options_set_server_address`, `--server`).
    Option,
    /// `$FW_SERVER_ADDRESS`.
    Environment,
    /// caveclient's datastack → server map, for the client's datastack.
    DatastackMap,
    /// [`DEFAULT_SERVER_ADDRESS`].
    Default,
}

/// `address` in its one normal form, or `InvalidUrl` saying what is wrong
/// and, when it can be guessed, the address to use instead.
pub fn normalize(address: &str) -> Result<String> {
    let trimmed = address.trim();
    if trimmed.is_empty() {
        return Err(refused(
            address,
            "is empty",
            Some(DEFAULT_SERVER_ADDRESS.to_owned()),
        ));
    }
    if trimmed.len() != address.len() {
        return Err(refused(
            address,
            "has spaces around it",
            normalize(trimmed).ok(),
        ));
    }
    let (scheme, rest) = match address.split_once("://") {
        // Borrowed when already lower case: this is on every lookup's path.
        Some((scheme, rest)) if !scheme.bytes().any(|b| b.is_ascii_uppercase()) => {
            (Cow::Borrowed(scheme), rest)
        }
        Some((scheme, rest)) => (Cow::Owned(scheme.to_ascii_lowercase()), rest),
        None => match scheme_typo(address) {
            Some((scheme, rest)) => {
                // The user's scheme is kept: `http:/h` means http.
                return Err(refused(
                    address,
                    "has a malformed scheme (it needs \"://\")",
                    normalize(&format!("{scheme}://{rest}")).ok(),
                ));
            }
            None => (Cow::Borrowed("https"), address),
        },
    };
    if scheme != "https" && scheme != "http" {
        return Err(refused(
            address,
            &format!("has scheme \"{scheme}\"; only https and http are supported"),
            normalize(rest).ok().filter(|_| !rest.contains("://")),
        ));
    }
    let cut = rest.find(['?', '#']);
    if let Some(i) = cut {
        return Err(refused(
            address,
            "has a query or fragment (? or #)",
            normalize(&format!("{scheme}://{}", &rest[..i])).ok(),
        ));
    }
    let rest = rest.trim_end_matches('/');
    let netloc = layout::netloc(rest);
    if netloc.is_empty() {
        return Err(refused(address, "has no host", None));
    }
    if rest
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(refused(address, "holds spaces or control characters", None));
    }
    let normal = [&*scheme, "://", rest].concat();
    normal
        .parse::<ureq::http::Uri>()
        .map_err(|e| refused(address, &format!("is not a valid URL ({e})"), None))?;
    Ok(normal)
}

/// For `http:/host`, `https:host` and the like: the scheme meant (lower
/// case) and the address after the mistyped scheme.
fn scheme_typo(address: &str) -> Option<(&'static str, &str)> {
    let lower = address.get(..6)?.to_ascii_lowercase();
    let scheme = if lower.starts_with("https:") {
        "https"
    } else if lower.starts_with("http:") {
        "http"
    } else {
        return None;
    };
    let rest = address[scheme.len() + 1..].trim_start_matches('/');
    // `http:8080` is a host named http with a port, not a typo.
    (!rest.is_empty() && !rest.bytes().all(|b| b.is_ascii_digit())).then_some((scheme, rest))
}

/// The refusal of `address`, with the corrected form `instead` (also as
/// the error's [`Remedy::UseAddress`]) when there is one.
fn refused(address: &str, what: &str, instead: Option<String>) -> Error {
    let fix = match &instead {
        Some(good) => format!("; use \"{good}\""),
        None => format!(
            "; a server address looks like \"{DEFAULT_SERVER_ADDRESS}\" or \"http://127.0.0.1:8080\""
        ),
    };
    let error = Error::new(
        ErrorKind::InvalidUrl,
        format!("server address \"{address}\" {what}{fix}"),
    );
    match instead {
        Some(good) => error.with_remedy(Remedy::UseAddress(good)),
        None => error,
    }
}

/// The server address in use and where it came from: `chosen` (an option)
/// > `$FW_SERVER_ADDRESS` > [`DEFAULT_SERVER_ADDRESS`], normalised.
pub fn resolve(chosen: Option<&str>) -> Result<(String, AddressSource)> {
    resolve_for(chosen, None)
}

/// As [`resolve`], for a client of `datastack`: caveclient 8.2.1's
/// `handle_server_address` (`datastack_lookup.py`) returns an explicit
/// `server_address` as is, else `read_map().get(datastack)`, and
/// `CAVEclientFull` falls back to the default server only when that is
/// `None`. So: `chosen` > the map's entry for `datastack` (read from
/// caveclient's file, see [`datastack_map::caveclient_path`]) >
/// `$FW_SERVER_ADDRESS` (our shell-wide default, below the per-datastack
/// entry) > [`DEFAULT_SERVER_ADDRESS`].
pub fn resolve_for(
    chosen: Option<&str>,
    datastack: Option<&str>,
) -> Result<(String, AddressSource)> {
    if let Some(address) = chosen {
        return Ok((normalize(address)?, AddressSource::Option));
    }
    let entry = match datastack {
        Some(d) => datastack_map::caveclient_entry(d)?,
        None => None,
    };
    if let Some((file, address)) = entry {
        return normalize(&address)
            .map(|a| (a, AddressSource::DatastackMap))
            .map_err(|e| {
                let remedy = e.remedy().clone();
                Error::new(
                    e.kind(),
                    format!(
                        "the datastack map \"{}\" gives datastack \"{}\" a bad server: {}; \
                         fix that entry or give the server address",
                        file.display(),
                        datastack.unwrap_or_default(),
                        e.message()
                    ),
                )
                .with_remedy(remedy)
            });
    }
    match layout::env_nonempty(ENV_SERVER_ADDRESS)? {
        Some(value) => normalize(&value)
            .map(|a| (a, AddressSource::Environment))
            .map_err(|e| {
                let remedy = e.remedy().clone();
                Error::new(
                    e.kind(),
                    format!(
                        "${ENV_SERVER_ADDRESS}: {}; or unset it to use {DEFAULT_SERVER_ADDRESS}",
                        e.message()
                    ),
                )
                .with_remedy(remedy)
            }),
        None => Ok((DEFAULT_SERVER_ADDRESS.to_owned(), AddressSource::Default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_get_one_normal_form() {
        for (given, normal) in [
            ("https://global.daf-apis.com", "https://global.daf-apis.com"),
            ("global.daf-apis.com", "https://global.daf-apis.com"),
            ("global.daf-apis.com/", "https://global.daf-apis.com"),
            (
                "https://global.daf-apis.com//",
                "https://global.daf-apis.com",
            ),
            ("localhost:40481", "https://localhost:40481"),
            ("127.0.0.1:8080", "https://127.0.0.1:8080"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("HTTP://Host.org", "http://Host.org"),
            ("https://a.b.c/some/path/", "https://a.b.c/some/path"),
            ("https://[::1]:8080", "https://[::1]:8080"),
            (
                "https://user:pw@host.org:443",
                "https://user:pw@host.org:443",
            ),
        ] {
            assert_eq!(normalize(given).unwrap(), normal, "{given}");
            // Normal forms are fixed points, and keep the file name.
            assert_eq!(normalize(normal).unwrap(), normal);
            assert_eq!(
                layout::server_file_name(normal),
                layout::server_file_name(given)
            );
        }
    }

    #[test]
    fn invalid_addresses_are_refused_with_the_corrected_form() {
        for (given, shown) in [
            (" https://h.org ", "use \"https://h.org\""),
            ("ftp://h.org", "use \"https://h.org\""),
            ("http:/h.org", "use \"http://h.org\""),
            ("HTTP:/127.0.0.1:39741", "use \"http://127.0.0.1:39741\""),
            ("https:h.org", "use \"https://h.org\""),
            ("https://h.org/?x=1", "use \"https://h.org\""),
            ("https://h.org#top", "use \"https://h.org\""),
            ("", "use \"https://global.daf-apis.com\""),
            ("https://", "looks like"),
            ("https:///x", "looks like"),
            ("https://h .org", "looks like"),
        ] {
            let e = normalize(given).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{given}");
            assert!(e.message().contains(shown), "{given}: {}", e.message());
            // The corrected form is also the remedy, for front ends to say.
            match e.remedy() {
                Remedy::UseAddress(good) => assert!(shown.contains(&format!("\"{good}\""))),
                other => assert!(shown == "looks like" && *other == Remedy::None, "{given}"),
            }
        }
    }
}
