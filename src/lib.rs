//! # minecalc
//!
//! Bitcoin miner economics, day by day across halvings. The model is pure: it takes values
//! (dates included) and returns rows; it prints nothing and reads no clock, environment or file.
//!
//! The crate is in layers; arrows point one way (analyses → model; inputs and report beside
//! them; nothing here knows the command line):
//!
//! - [`model`]: pure. Consensus ([`model::chain`]: subsidy in satoshis, the retarget rule), the
//!   network's state and paths, the day engine, fleets, projections, hashprice, and the network
//!   models (fixed, response).
//! - [`inputs`]: what users have: scenario files, series CSV, Bitcoin Core and mempool.space
//!   documents, the embedded machine and deal catalogs.
//! - [`analyses`]: built on the model: sweeps, Monte Carlo, backtests, the pivot to AI/HPC,
//!   the network view.
//! - [`report`]: one writer per format (table, CSV, JSON, NDJSON), SVG charts, atomic files.
//!
//! Features: `cli` (default) builds the `minecalc` binary and turns on `table` (the human table
//! writer, comfy-table) and `charts` (SVG charts and heat maps, plotters). With
//! `default-features = false` the library needs none of the command-line crates.
//!
//! ```
//! use minecalc::model::{chain, network::Snapshot, projection::*, fleet::*};
//! let snap = Snapshot::embedded();
//! let net = snap.state();
//! let fleet = Fleet::single(FleetGroup {
//!     label: "1 PH/s".into(), hashrate_ths: 1000.0, efficiency_j_per_th: 15.0,
//!     power_cost_usd_per_kwh: 0.05, uptime: 1.0, pool_fee: 0.0, opex_usd_per_day: 0.0,
//!     ..FleetGroup::default()
//! });
//! let s = Scenario::with_growth(net, Growth::default(), fleet, Horizon::Days(30));
//! let p = project(&s).unwrap();
//! assert_eq!(p.rows.len(), 30);
//! assert_eq!(chain::subsidy_sats(1_050_000), 156_250_000);
//! ```

#![warn(missing_docs)]

pub mod analyses;
pub mod error;
pub mod inputs;
pub mod model;
pub mod params;
pub mod report;
#[cfg(test)]
mod test_util;

pub use error::{Error, Result};
