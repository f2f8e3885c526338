//! The datastack's info, fetched on first need and cached: it names the
//! local server, whose origin then receives the token too, if the info
//! came straight from the server and the local server is safe to send to.

use std::sync::Arc;

use serde_json::Value;

use super::{Client, parse_json};
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::http::answer::Withheld;
use crate::http::{Origin, path};

impl Client {
    /// `{server}/info/api/v2/datastack/full/{datastack}`, fetched once.
    /// Learning it makes the local server a trusted origin when the answer
    /// came from the server itself (no redirect to another origin on the
    /// way) and the local server is https, loopback, or plain http allowed;
    /// it also tells the auth, whose saves then write the local server's
    /// file (cave layout).
    pub fn datastack_info(&self) -> Result<Arc<Value>> {
        let mut cached = self.info.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(info) = cached.as_ref() {
            return Ok(Arc::clone(info));
        }
        let datastack = self.datastack.as_deref().ok_or_else(|| {
            Error::invalid_argument("this client was created without a datastack name")
        })?;
        let url = format!(
            "{}/info/api/v2/datastack/full/{}",
            self.server_address(),
            path::segment(datastack, "datastack name")?
        );
        let resp = self.get(&url)?;
        if resp.crossed_origin {
            return Err(Error::new(
                ErrorKind::UntrustedOrigin,
                format!(
                    "the info of datastack \"{datastack}\" was answered by {} after a redirect \
                     from {} to another origin; it is not adopted (its local server would \
                     receive the token). Set the server address to the server that answers \
                     the info itself",
                    resp.url,
                    Origin::of(&url)?
                ),
            ));
        }
        let info = parse_json(&resp)?;
        if let Some(local) = info.get("local_server").and_then(Value::as_str) {
            self.adopt_local_server(datastack, local)?;
        }
        let info = Arc::new(info);
        *cached = Some(Arc::clone(&info));
        Ok(info)
    }

    /// Trusts the local server `local` of `datastack` if it is safe to send
    /// the token to; otherwise records why not.
    fn adopt_local_server(&self, datastack: &str, local: &str) -> Result<()> {
        let origin = Origin::of_server(local).map_err(|e| {
            // A URL with user-info stays INVALID_URL, as wherever a URL enters.
            let kind = match e.remedy() {
                Remedy::UseAddress(_) => e.kind(),
                _ => ErrorKind::BadResponse,
            };
            Error::new(
                kind,
                format!(
                    "the info of datastack \"{datastack}\" names an unusable local server: {}",
                    e.message()
                ),
            )
            .with_remedy(e.remedy().clone())
        })?;
        if origin.is_https()
            || self.transport.is_loopback(&origin)
            || self.transport.allows_insecure_http()
        {
            self.transport.trust(origin);
            self.auth.set_local_server(Some(local.to_owned()));
        } else {
            let remedy = Remedy::AllowInsecureHttp(origin.to_string());
            let why = format!(
                "it is the local server of datastack \"{datastack}\" but uses plain http, \
                 which is trusted only on loopback or when plain http is allowed"
            );
            self.transport.decline(origin, Withheld { why, remedy });
        }
        Ok(())
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

    /// Before a request with the token to `url`: if its origin is not
    /// trusted and may be the datastack's local server, whose info is not
    /// known yet, fetches the info first. So what a client trusts does not
    /// depend on the order of its calls.
    pub(super) fn learn_trust_for(&self, url: &str) -> Result<()> {
        let Some(datastack) = self.datastack.as_deref() else {
            return Ok(());
        };
        // A bad URL is reported by the request itself.
        let Ok(origin) = Origin::of(url) else {
            return Ok(());
        };
        // The info's own request goes to the (trusted) server: no recursion.
        if self.transport.is_trusted(&origin) || self.info_known() {
            return Ok(());
        }
        self.datastack_info().map(|_| ()).map_err(|e| {
            e.context(&format!(
                "the token goes to {origin} only if it is the local server of datastack \
                 \"{datastack}\", and that datastack's info could not be fetched: "
            ))
        })
    }

    fn info_known(&self) -> bool {
        self.info
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }
}
