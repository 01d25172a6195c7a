//! # minecalc
//!
//! Bitcoin miner economics, day by day across halvings. The model is pure: it takes values
//! (dates included) and returns rows; it prints nothing and reads no clock, environment or file.
//!
//! - [`chain`]: consensus facts, exact (subsidy in satoshis, the retarget rule).
//! - [`network`]: the network's state and the paths its hashrate, price and fees follow.
//! - [`engine`]: the day-by-day expected-value block flow, split at halvings and retargets.
//! - [`fleet`]: machines, their power and costs.
//! - [`projection`]: a fleet over the engine's days, periods, the halving summary.
//! - [`hashprice`]: one network state's hashvalue, hashprice and breakevens.
//! - [`netview`]: the network's power, energy, cohorts and regions, and a region's removal.
//! - [`pivot`]: keep mining or convert the site to AI/HPC: both paths' cash flows and NPVs.
//! - [`netinput`]: network documents (Bitcoin Core RPC, mempool.space API, snapshot files)
//!   read into network figures.
//!
//! ```
//! use minecalc::{chain, network::Snapshot, projection::*, fleet::*};
//! let snap = Snapshot::embedded();
//! let net = snap.state();
//! let fleet = Fleet::single(FleetGroup {
//!     label: "1 PH/s".into(), hashrate_ths: 1000.0, efficiency_j_per_th: 15.0,
//!     power_cost_usd_per_kwh: 0.05, uptime: 1.0, pool_fee: 0.0, opex_usd_per_day: 0.0,
//! });
//! let s = Scenario::with_growth(net, Growth::default(), fleet, Horizon::Days(30));
//! let p = project(&s).unwrap();
//! assert_eq!(p.rows.len(), 30);
//! assert_eq!(chain::subsidy_sats(1_050_000), 156_250_000);
//! ```

#![warn(missing_docs)]

pub mod backtest;
pub mod chain;
pub mod engine;
pub mod error;
pub mod fleet;
pub mod halvings;
pub mod hashprice;
pub mod heatmap;
pub mod machines;
pub mod montecarlo;
pub mod netinput;
pub mod netview;
pub mod network;
pub mod output;
pub mod pivot;
pub mod plot;
pub mod projection;
pub mod response;
pub mod scenario;
pub mod summary;
pub mod sweep;

pub use error::{Error, Result};
