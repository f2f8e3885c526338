//! What fixes a library error (its `Remedy`), in fwauth's words: commands
//! and options of this program, never a library call.

use fwclient_core::Remedy;
use fwclient_core::secrets::file::INVALID_SUFFIX;

/// The fix for `remedy`, for the end of an error's line; `fwauth` is how
/// the user ran this program (`fwauth --server URL` when they named one).
/// `None` when the remedy says nothing the message and the setup hint do
/// not (no remedy, or a token to get).
pub fn in_fwauth(remedy: &Remedy, fwauth: &str) -> Option<String> {
    Some(match remedy {
        Remedy::None | Remedy::LogIn => return None,
        Remedy::Overwrite => format!("to replace it, run `{fwauth} save-token --overwrite`"),
        Remedy::ReplaceInvalid(path) => format!(
            "fix it by hand, or run `{fwauth} save-token --overwrite --replace-invalid`, \
             which keeps this file as \"{path}{INVALID_SUFFIX}<timestamp>\""
        ),
        Remedy::TrustOrigin(origin) => format!(
            "fwauth sends the token only to the server and the local server of a datastack \
             named with --datastack; if {origin} is the local server of a datastack, add \
             --datastack NAME"
        ),
        Remedy::AllowInsecureHttp(_) => {
            "fwauth sends a token over plain http only to loopback; use https".to_owned()
        }
        Remedy::SetServer => "name the server with --server URL".to_owned(),
        Remedy::UseAddress(address) => format!("use --server {address}"),
        Remedy::UnsetVariable(variable) => format!("unset ${variable}"),
        Remedy::AcceptTerms(url) => format!("open {url} in a browser and accept them"),
        Remedy::RunCommand(command) => format!("run `{command}`"),
        Remedy::ChooseProxy => "set NO_PROXY for this host, or HTTPS_PROXY (HTTP_PROXY for \
                                http) to an http:// proxy"
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_name_fwauth_commands_and_options_never_a_library_call() {
        let remedies = [
            Remedy::Overwrite,
            Remedy::ReplaceInvalid("/s/cave-secret.json".into()),
            Remedy::TrustOrigin("https://o.org:443".into()),
            Remedy::AllowInsecureHttp("http://o.org:80".into()),
            Remedy::SetServer,
            Remedy::UseAddress("https://o.org".into()),
            Remedy::UnsetVariable("FW_SERVER_ADDRESS".into()),
            Remedy::AcceptTerms("https://o.org/tos".into()),
            Remedy::RunCommand("chmod 600 \"/s/f\"".into()),
            Remedy::ChooseProxy,
        ];
        for r in &remedies {
            let fix = in_fwauth(r, "fwauth").unwrap();
            for word in ["fw_", "FW_SAVE", "Auth::", "SaveToken", "save_token"] {
                assert!(!fix.contains(word), "{r:?}: {fix}");
            }
        }
        assert_eq!(
            in_fwauth(&Remedy::Overwrite, "fwauth --server https://h.org").unwrap(),
            "to replace it, run `fwauth --server https://h.org save-token --overwrite`"
        );
        assert!(
            in_fwauth(&Remedy::TrustOrigin("https://o.org:443".into()), "fwauth")
                .unwrap()
                .ends_with("add --datastack NAME")
        );
        assert_eq!(in_fwauth(&Remedy::LogIn, "fwauth"), None);
    }
}
