//! The steps to get and save a token, as fw_auth_new_token_instructions gives them:
//! the core's steps with C's lines, and beside them those of the bindings
//! built on this library (C++, Go, Python, and Node through koffi calling
//! the C functions as examples/node does), so that one text serves each.

use fwclient_core::auth::Auth;
use fwclient_core::auth::instructions::Lines;

/// What a user pastes in place of the token.
const PASTE: &str = "\"PASTE_YOUR_TOKEN_HERE\"";

/// The steps for `auth`, with the overwrite flag in every save line when a
/// token is saved already.
pub fn new_token(auth: &Auth) -> String {
    let steps = auth.new_token_steps();
    let (c_flags, cpp_save, go_opts, py_flags, node_flags) = if steps.saved {
        (
            "FW_SAVE_OVERWRITE",
            format!("fw::SaveOptions o; o.overwrite = true; auth.save_token({PASTE}, o);"),
            "&fwclient.SaveOptions{Overwrite: true}",
            ", flags=fwclient.SaveFlags.OVERWRITE",
            "1 /* FW_SAVE_OVERWRITE */",
        )
    } else {
        ("0", format!("auth.save_token({PASTE});"), "nil", "", "0")
    };
    const NODE_PASTE: &str = "'PASTE_YOUR_TOKEN_HERE'";
    steps.render(&[
        Lines {
            label: "C",
            save: format!("fw_auth_save_token(auth, {PASTE}, NULL, NULL, {c_flags}, &err);"),
            set: format!("fw_auth_set_token(auth, {PASTE}, &err);"),
        },
        Lines {
            label: "C++",
            save: cpp_save,
            set: format!("auth.set_token({PASTE});"),
        },
        Lines {
            label: "Go",
            save: format!("auth.SaveToken({PASTE}, {go_opts})"),
            set: format!("auth.SetToken({PASTE})"),
        },
        Lines {
            label: "Python",
            save: format!("auth.save_token({PASTE}{py_flags})"),
            set: format!("auth.set_token({PASTE})"),
        },
        Lines {
            label: "Node",
            save: format!("fw_auth_save_token(auth, {NODE_PASTE}, null, null, {node_flags}, null)"),
            set: format!("fw_auth_set_token(auth, {NODE_PASTE}, null)"),
        },
    ])
}
