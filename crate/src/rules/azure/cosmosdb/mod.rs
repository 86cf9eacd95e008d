//! Azure Cosmos DB rules.

pub mod public_network;
