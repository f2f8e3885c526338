//! `fw_remedy`: what fixes an error (the core's `Remedy`), its number in
//! the header, and the fix in C's words (appended to `fw_error_message`).

use fwclient_core::error::Remedy;
use fwclient_core::secrets::file::INVALID_SUFFIX;

/// What fixes an error, read with fw_error_remedy; its data (a path, an
/// origin, ...) with fw_error_remedy_data. Given as a uint32_t holding one
/// of these values. Numbers are fixed forever and never reused; a newer
/// library may add remedies, so treat an unknown number as FW_REMEDY_NONE.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fw_remedy {
    /// Nothing specific: the message says what there is to say.
    FW_REMEDY_NONE = 0,
    /// Save the token again with FW_SAVE_OVERWRITE: a token is already
    /// saved under the key, or the one saved is unusable. No data.
    FW_REMEDY_OVERWRITE = 1,
    /// Save with FW_SAVE_OVERWRITE | FW_SAVE_REPLACE_INVALID: the secret
    /// file (data: its path) is not JSON; it is kept aside, a fresh one written.
    FW_REMEDY_REPLACE_INVALID = 2,
    /// Trust the origin (data: `scheme://host[:port]`) with
    /// fw_options_add_trusted_origin, if you do trust it.
    FW_REMEDY_TRUST_ORIGIN = 3,
    /// Use https, or allow plain http to the origin (data) with
    /// fw_options_set_allow_insecure_http.
    FW_REMEDY_ALLOW_INSECURE_HTTP = 4,
    /// Name the server address (fw_options_set_server_address). No data.
    FW_REMEDY_SET_SERVER = 5,
    /// Use the address in the data instead of the one given.
    FW_REMEDY_USE_ADDRESS = 6,
    /// Unset the environment variable named in the data (without `$`).
    FW_REMEDY_UNSET_VARIABLE = 7,
    /// Get a token and save it (fw_auth_new_token_instructions gives the steps). No data.
    FW_REMEDY_LOG_IN = 8,
    /// Accept the terms of service at the URL in the data, in a browser.
    FW_REMEDY_ACCEPT_TERMS = 9,
    /// Run the shell command in the data (a `chmod` or `chown`).
    FW_REMEDY_RUN_COMMAND = 10,
    /// Choose the proxy with fw_options_set_proxy ("none" or an http://
    /// proxy), or exempt the host with `NO_PROXY`. No data.
    FW_REMEDY_CHOOSE_PROXY = 11,
    /// A browser login did not finish: copy a token from the server's
    /// tokens page (fw_auth_new_token_url) and save it with
    /// fw_auth_save_token. No data.
    FW_REMEDY_SAVE_TOKEN_BY_HAND = 12,
}

impl From<&Remedy> for fw_remedy {
    fn from(remedy: &Remedy) -> fw_remedy {
        match remedy {
            Remedy::None => fw_remedy::FW_REMEDY_NONE,
            Remedy::Overwrite => fw_remedy::FW_REMEDY_OVERWRITE,
            Remedy::ReplaceInvalid(_) => fw_remedy::FW_REMEDY_REPLACE_INVALID,
            Remedy::TrustOrigin(_) => fw_remedy::FW_REMEDY_TRUST_ORIGIN,
            Remedy::AllowInsecureHttp(_) => fw_remedy::FW_REMEDY_ALLOW_INSECURE_HTTP,
            Remedy::SetServer => fw_remedy::FW_REMEDY_SET_SERVER,
            Remedy::UseAddress(_) => fw_remedy::FW_REMEDY_USE_ADDRESS,
            Remedy::UnsetVariable(_) => fw_remedy::FW_REMEDY_UNSET_VARIABLE,
            Remedy::LogIn => fw_remedy::FW_REMEDY_LOG_IN,
            Remedy::AcceptTerms(_) => fw_remedy::FW_REMEDY_ACCEPT_TERMS,
            Remedy::RunCommand(_) => fw_remedy::FW_REMEDY_RUN_COMMAND,
            Remedy::ChooseProxy => fw_remedy::FW_REMEDY_CHOOSE_PROXY,
            Remedy::SaveTokenByHand => fw_remedy::FW_REMEDY_SAVE_TOKEN_BY_HAND,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/fw_remedy_table.rs"));

/// The fix in C's words, for the end of the message; `None` for
/// `Remedy::None`.
pub fn in_c(remedy: &Remedy) -> Option<String> {
    Some(match remedy {
        Remedy::None => return None,
        Remedy::Overwrite => {
            "to replace it, call fw_auth_save_token with FW_SAVE_OVERWRITE".to_owned()
        }
        Remedy::ReplaceInvalid(path) => format!(
            "fix it by hand, or call fw_auth_save_token with FW_SAVE_OVERWRITE | \
             FW_SAVE_REPLACE_INVALID, which keeps this file as \"{path}{INVALID_SUFFIX}<timestamp>\""
        ),
        Remedy::TrustOrigin(origin) => {
            format!("to trust it, call fw_options_add_trusted_origin(opts, \"{origin}\")")
        }
        Remedy::AllowInsecureHttp(_) => {
            "to allow plain http, call fw_options_set_allow_insecure_http(opts, true, &err)"
                .to_owned()
        }
        Remedy::SetServer => "name the server with fw_options_set_server_address".to_owned(),
        Remedy::UseAddress(address) => format!("use \"{address}\""),
        Remedy::UnsetVariable(variable) => format!("unset ${variable}"),
        Remedy::LogIn => "then save it with fw_auth_save_token (fw_auth_new_token_instructions \
                          gives the steps)"
            .to_owned(),
        Remedy::SaveTokenByHand => "copy a token from the page fw_auth_new_token_url gives and \
                                    save it with fw_auth_save_token"
            .to_owned(),
        Remedy::AcceptTerms(url) => format!("open {url} in a browser and accept them"),
        Remedy::RunCommand(command) => format!("run `{command}`"),
        Remedy::ChooseProxy => "set NO_PROXY for this host, or choose the proxy with \
                                fw_options_set_proxy (\"none\" or an http:// proxy)"
            .to_owned(),
    })
}

/// The message a C caller reads: the problem, then the fix in C's words.
pub fn c_message(problem: &str, remedy: &Remedy) -> String {
    match in_c(remedy) {
        Some(fix) => format!("{problem}; {fix}"),
        None => problem.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fixed_and_names_are_the_variants() {
        assert_eq!(fw_remedy::FW_REMEDY_NONE as u32, 0);
        assert_eq!(fw_remedy::FW_REMEDY_CHOOSE_PROXY as u32, 11);
        for r in fw_remedy::ALL {
            assert_eq!(fw_remedy::from_u32(r as u32), Some(r));
            assert_eq!(r.name().to_str().unwrap(), format!("{r:?}"));
        }
    }

    #[test]
    fn every_fix_in_c_names_a_c_call_or_a_step() {
        let fix = in_c(&Remedy::TrustOrigin("https://o.org".into())).unwrap();
        assert_eq!(
            fix,
            "to trust it, call fw_options_add_trusted_origin(opts, \"https://o.org\")"
        );
        assert_eq!(c_message("p", &Remedy::None), "p");
        assert!(c_message("p", &Remedy::Overwrite).ends_with("with FW_SAVE_OVERWRITE"));
    }
}
