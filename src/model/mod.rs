//! The pure model: consensus rules, the network's state and paths, the day engine, fleets,
//! projections and the network models (fixed, response) behind one type,
//! [`network_model::NetworkModel`]. No I/O, no clock, no flag names: values in, rows or
//! typed errors out.

pub mod books;
pub mod chain;
pub mod engine;
pub mod finance;
pub mod fleet;
pub mod halvings;
pub mod hashprice;
pub mod lean;
pub mod network;
pub mod network_model;
pub mod projection;
pub mod response;
pub mod summary;
