//! Secret files on disk, laid out and written as the Python clients do.

pub mod audit;
pub mod datastack_map;
pub mod dir_stat;
pub mod file;
pub mod layout;
pub(crate) mod lock;
mod platform;
pub mod pyjson;
pub mod pyload;
