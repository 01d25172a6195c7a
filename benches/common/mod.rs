//! The scenario the benchmarks share: 1 PH/s at 15 J/TH on the embedded snapshot, with
//! hashrate, fees and price all growing.

use minecalc::model::fleet::{Fleet, FleetGroup};
use minecalc::model::network::Snapshot;
use minecalc::model::projection::{Growth, Horizon, Scenario};

/// The shared scenario over `days` days.
pub fn scenario(days: i64) -> Scenario {
    let net = Snapshot::embedded().state();
    let fleet = Fleet::single(FleetGroup {
        uptime: 0.98,
        pool_fee: 0.02,
        opex_usd_per_day: 1.0,
        ..FleetGroup::new(1000.0, 15.0, 0.05)
    });
    let growth = Growth {
        hashrate: 0.3,
        fees: 0.05,
        price: 0.25,
    };
    Scenario::with_growth(net, growth, fleet, Horizon::Days(days))
}
