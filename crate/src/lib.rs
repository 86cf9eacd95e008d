//! Keyhole's audit core: exported cloud configuration in, exposure findings
//! out. Plain Rust with no I/O of its own, so the CLI, the wasm page and the
//! npm package share it unchanged.

pub mod decode;
pub mod model;
pub mod net;
pub mod policy;
pub mod report;
pub mod rules;
pub mod sensitive;
pub mod sources;

mod engine;
mod lean;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use engine::{audit, InputFile, Options};

/// The crate version, shown in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
