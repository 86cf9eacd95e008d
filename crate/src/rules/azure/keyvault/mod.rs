//! Azure Key Vault rules.

pub mod public_network;
