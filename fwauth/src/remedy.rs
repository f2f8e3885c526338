//! What fixes an error: the core's remedies in fwauth's words (the option,
//! the variable or the shell command a user types), and the one fwauth
//! finds itself, a variable whose token wins over the saved one.

use fwclient_core::address::ENV_SERVER_ADDRESS;
use fwclient_core::auth::{ENV_CAVE_TOKEN, ENV_TOKEN};
use fwclient_core::{Auth, Error, ErrorKind, Remedy, TokenSource};

/// The line that tells a shell user how to fix an error with `remedy`, or
/// `None` when fwauth has nothing to add to the message (the remedies said
/// elsewhere, such as `--overwrite`, and those fwauth cannot act on).
pub fn render(remedy: &Remedy) -> Option<String> {
    match remedy {
        Remedy::UseAddress(address) => Some(format!(
            "use {address}: --server {address}, or export {ENV_SERVER_ADDRESS}={address} \
             for the whole shell"
        )),
        Remedy::SetServer => Some(format!(
            "name the server: --server URL, or export {ENV_SERVER_ADDRESS}=URL for the whole \
             shell (fw-devserver prints its URL when it starts)"
        )),
        Remedy::UnsetVariable(variable) => Some(format!(
            "${variable} is set and wins over every saved token; run `unset {variable}` \
             (and remove it from your shell's startup file) to use the saved one"
        )),
        _ => None,
    }
}

/// Whether the setup-token hint would send the user in a circle: the fix
/// is elsewhere (a variable to unset, an address to use).
pub fn replaces_setup_hint(remedy: &Remedy) -> bool {
    matches!(
        remedy,
        Remedy::UseAddress(_) | Remedy::SetServer | Remedy::UnsetVariable(_)
    )
}

/// The variable whose token wins over every saved file, when one does.
pub fn winning_variable(source: &TokenSource) -> Option<&'static str> {
    match source {
        TokenSource::Environment => Some(ENV_TOKEN),
        TokenSource::CaveEnvironment => Some(ENV_CAVE_TOKEN),
        TokenSource::VariableFile { variable, .. } => Some(variable),
        _ => None,
    }
}

/// A token a variable gave, refused by the server: saving another token
/// (setup-token) changes nothing while the variable is set, so the fix is
/// unsetting it.
pub fn blame_variable(auth: &Auth, e: Error) -> Error {
    let refused = matches!(e.kind(), ErrorKind::InvalidToken | ErrorKind::BadAuthHeader);
    match winning_variable(&auth.source()) {
        Some(variable) if refused => e.with_remedy(Remedy::UnsetVariable(variable.to_owned())),
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remedies_in_fwauth_words() {
        let r = render(&Remedy::UseAddress("http://127.0.0.1:39741".into())).unwrap();
        assert!(r.starts_with("use http://127.0.0.1:39741: --server http://127.0.0.1:39741"));
        assert!(
            render(&Remedy::SetServer)
                .unwrap()
                .contains("FW_SERVER_ADDRESS")
        );
        let r = render(&Remedy::UnsetVariable("CAVE_TOKEN".into())).unwrap();
        assert!(r.contains("`unset CAVE_TOKEN`"), "{r}");
        assert_eq!(render(&Remedy::None), None);
        assert!(!replaces_setup_hint(&Remedy::LogIn));
    }
}
