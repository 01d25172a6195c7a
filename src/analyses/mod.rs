//! Analyses built on the model: sweeps, Monte Carlo, backtests, the pivot to AI/HPC, and the
//! network view.

pub mod backtest;
pub mod mc_shard;
pub mod montecarlo;
pub mod netview;
pub mod pivot;
pub mod sweep;
