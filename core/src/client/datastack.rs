//! The datastack's info, fetched on first need and cached: it names the
//! local server, whose origin then receives the token too.

use std::sync::Arc;

use serde_json::Value;

use super::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http::Origin;

impl Client {
    /// `{server}/info/api/v2/datastack/full/{datastack}`, fetched once.
    /// Learning it makes the local server a trusted origin and tells the
    /// auth, whose saves then also write the local server's file (cave layout).
    pub fn datastack_info(&self) -> Result<Arc<Value>> {
        let mut cached = self.info.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(info) = cached.as_ref() {
            return Ok(Arc::clone(info));
        }
        let datastack = self.datastack.as_deref().ok_or_else(|| {
            Error::invalid_argument("this client was created without a datastack name")
        })?;
        let url = format!(
            "{}/info/api/v2/datastack/full/{datastack}",
            self.server_address()
        );
        let info = self.get_json(&url)?;
        if let Some(local) = info.get("local_server").and_then(Value::as_str) {
            self.transport.trust(Origin::of_server(local)?);
            self.auth.set_local_server(Some(local.to_owned()));
        }
        let info = Arc::new(info);
        *cached = Some(Arc::clone(&info));
        Ok(info)
    }

    /// The datastack's local server (from its info).
    pub fn local_server(&self) -> Result<String> {
        let info = self.datastack_info()?;
        info.get("local_server")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadResponse,
                    "the datastack info has no \"local_server\" field",
                )
            })
    }
}
