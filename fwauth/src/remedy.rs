//! What fixes a library error (its `Remedy`), in fwauth's words: commands
//! and options of this program, never a library call; and the one fix
//! fwauth finds itself, a variable whose token wins over the saved one.

use fwclient_core::address::ENV_SERVER_ADDRESS;
use fwclient_core::auth::diagnose::{SAVE_TOKEN_FOUND_IN, SAVE_TOKEN_IN_USE_TO};
use fwclient_core::auth::{ENV_CAVE_TOKEN, ENV_TOKEN};
use fwclient_core::secrets::file::INVALID_SUFFIX;
use fwclient_core::{Auth, Error, ErrorKind, Remedy, TokenSource};
use serde_json::Value;

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
        Remedy::SetServer => format!(
            "name the server: --server URL, or export {ENV_SERVER_ADDRESS}=URL for the whole \
             shell (fw-devserver prints its URL when it starts)"
        ),
        Remedy::UseAddress(address) => format!(
            "use {address}: --server {address}, or export {ENV_SERVER_ADDRESS}={address} \
             for the whole shell"
        ),
        Remedy::UnsetVariable(variable) => format!(
            "${variable} is set and wins over every saved token; run `unset {variable}` \
             (and remove it from your shell's startup file) to use the saved one"
        ),
        Remedy::SaveTokenByHand => format!("to paste a token instead, run `{fwauth} setup-token`"),
        Remedy::AcceptTerms(url) => format!("open {url} in a browser and accept them"),
        Remedy::RunCommand(command) => format!("run `{command}`"),
        Remedy::ChooseProxy => "set NO_PROXY for this host, or HTTPS_PROXY (HTTP_PROXY for \
                                http) to an http:// proxy"
            .to_owned(),
    })
}

/// The variable whose token wins over every saved file, when one does.
pub fn winning_variable(source: &TokenSource) -> Option<&'static str> {
    match source {
        TokenSource::Environment => Some(ENV_TOKEN),
        TokenSource::CaveEnvironment => Some(ENV_CAVE_TOKEN),
        TokenSource::VariableFile { variable, .. } => Some(variable.name()),
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

/// `report` (the library's diagnosis) with the fix of each disagreement
/// said as the commands that do it.
pub fn diagnosis_with_commands(mut report: Value) -> Value {
    if let Some(list) = report
        .get_mut("disagreements")
        .and_then(Value::as_array_mut)
    {
        for d in list {
            let fix = d.get("fix").unwrap_or(&Value::Null);
            let text = |key| fix.get(key).and_then(Value::as_str);
            let command = match (text(SAVE_TOKEN_IN_USE_TO), text(SAVE_TOKEN_FOUND_IN)) {
                (Some(file), _) => {
                    format!("fwauth token --show | fwauth save-token --overwrite --file \"{file}\"")
                }
                (None, Some(dir)) => {
                    format!("FW_SECRETS_DIR=\"{dir}\" fwauth token --show | fwauth save-token")
                }
                (None, None) => continue,
            };
            d["fix"] = Value::String(command);
        }
    }
    report
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
            Remedy::SaveTokenByHand,
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
        let r = in_fwauth(
            &Remedy::UseAddress("http://127.0.0.1:39741".into()),
            "fwauth",
        )
        .unwrap();
        assert!(r.starts_with("use http://127.0.0.1:39741: --server http://127.0.0.1:39741"));
        let r = in_fwauth(&Remedy::UnsetVariable("CAVE_TOKEN".into()), "fwauth").unwrap();
        assert!(r.contains("`unset CAVE_TOKEN`"), "{r}");
    }
}
