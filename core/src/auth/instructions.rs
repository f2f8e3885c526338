//! The text that tells a user how to get and save a token: caveclient's
//! `get_new_token` steps, written for C, C++, Go, Python and Node (koffi,
//! calling the C functions as examples/node does).

/// The instructions, pointing at `create_token` (which adds a key) and never
/// at the deprecated `refresh_token` (which deletes the user's existing key).
/// When a token is saved already (`saved`), the save lines carry the
/// overwrite flag, so that following them does not end in "already exists".
pub fn new_token(create_url: &str, tokens_page_url: &str, saved: bool) -> String {
    let (c_flags, cpp_save, go_opts, py_flags, node_flags, note) = if saved {
        (
            "FW_SAVE_OVERWRITE",
            "fw::SaveOptions o; o.overwrite = true; auth.save_token(\"PASTE_YOUR_TOKEN_HERE\", o);",
            "&fwclient.SaveOptions{Overwrite: true}",
            ", flags=fwclient.SaveFlags.OVERWRITE",
            "1 /* FW_SAVE_OVERWRITE */",
            " (replacing the token saved now)",
        )
    } else {
        (
            "0",
            "auth.save_token(\"PASTE_YOUR_TOKEN_HERE\");",
            "nil",
            "",
            "0",
            "",
        )
    };
    format!(
        "New tokens need to be acquired by hand. Please follow these steps:
    1) Go to: {create_url} to create a new token.
    2) Log in with your Google credentials and copy the token shown afterward.
    3a) Save it to your computer{note} with:
          C:   fw_auth_save_token(auth, \"PASTE_YOUR_TOKEN_HERE\", NULL, NULL, {c_flags}, &err);
          C++: {cpp_save}
          Go:  auth.SaveToken(\"PASTE_YOUR_TOKEN_HERE\", {go_opts})
          Python: auth.save_token(\"PASTE_YOUR_TOKEN_HERE\"{py_flags})
          Node: fw_auth_save_token(auth, 'PASTE_YOUR_TOKEN_HERE', null, null, {node_flags}, null)
    or
    3b) Set it for the current session only with:
          C:   fw_auth_set_token(auth, \"PASTE_YOUR_TOKEN_HERE\", &err);
          C++: auth.set_token(\"PASTE_YOUR_TOKEN_HERE\");
          Go:  auth.SetToken(\"PASTE_YOUR_TOKEN_HERE\")
          Python: auth.set_token(\"PASTE_YOUR_TOKEN_HERE\")
          Node: fw_auth_set_token(auth, 'PASTE_YOUR_TOKEN_HERE', null)
    Note: creating a new token does not invalidate your other tokens; you can
    see and delete them at {tokens_page_url}.
    Note: if you need to save or load several tokens, see the token_file and
    token_key options in the documentation.
"
    )
}
