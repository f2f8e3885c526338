//! fw_auth_diagnose's report: the core's, with the fix of each
//! disagreement said as the shell command that does it (with `fwauth`, the
//! command that comes with the library).

use fwclient_core::auth::Auth;
use fwclient_core::auth::diagnose::{self, SAVE_TOKEN_FOUND_IN, SAVE_TOKEN_IN_USE_TO};
use serde_json::Value;

/// The report as JSON text.
pub fn report(auth: &Auth) -> String {
    let mut report = diagnose::report(auth);
    if let Some(list) = report
        .get_mut("disagreements")
        .and_then(Value::as_array_mut)
    {
        for d in list {
            if let Some(command) = d.get("fix").and_then(command) {
                d["fix"] = Value::String(command);
            }
        }
    }
    report.to_string()
}

/// The shell command for the facts of a `fix`.
fn command(fix: &Value) -> Option<String> {
    let text = |key| fix.get(key).and_then(Value::as_str);
    if let Some(file) = text(SAVE_TOKEN_IN_USE_TO) {
        return Some(format!(
            "fwauth token --show | fwauth save-token --overwrite --file \"{file}\""
        ));
    }
    text(SAVE_TOKEN_FOUND_IN)
        .map(|dir| format!("FW_SECRETS_DIR=\"{dir}\" fwauth token --show | fwauth save-token"))
}
