//! Authenticated requests: the token goes only where it is safe, and every
//! answer becomes a response or an error a program can act on.

pub(crate) mod agents;
pub mod answer;
pub mod cancel;
mod failure;
pub mod origin;
pub mod path;
pub mod proxy;
mod redirect;
mod request_secrets;
mod resolve;
pub mod response;
pub mod retry;
pub mod secret_url;
pub mod secrets;
pub mod stream;
pub mod tls;
pub mod transport;

pub use cancel::{Cancel, RequestOptions};
pub use origin::Origin;
pub use response::Response;
pub use stream::Stream;
pub use transport::{Request, Transport};
