//! Calls the minecalc library directly: the 2028 halving for an S21 XP-class fleet at three
//! power prices, without the CLI. Run: `cargo run --example library`.

use minecalc::model::fleet::{Fleet, FleetGroup};
use minecalc::model::network::Snapshot;
use minecalc::model::projection::{halving_summary, project, Growth, Horizon, Scenario};

fn main() -> Result<(), minecalc::Error> {
    let network = Snapshot::embedded().state();
    for power_cost in [0.03, 0.05, 0.07] {
        let fleet = Fleet::single(FleetGroup {
            label: "100 x S21 XP".into(),
            hashrate_ths: 100.0 * 270.0,
            efficiency_j_per_th: 13.5,
            power_cost_usd_per_kwh: power_cost,
            uptime: 0.97,
            pool_fee: 0.02,
            opex_usd_per_day: 0.0,
            ..FleetGroup::default()
        });
        let growth = Growth {
            hashrate: 0.25,
            fees: 0.0,
            price: 0.30,
        };
        let horizon = Horizon::Halving {
            height: 1_050_000,
            after_days: 365,
        };
        let scenario = Scenario::with_growth(network.clone(), growth, fleet, horizon);
        let p = project(&scenario)?;
        let h = halving_summary(&p, 1_050_000)
            .ok_or_else(|| minecalc::Error::runtime("no halving in the horizon"))?;
        let last = p
            .rows
            .last()
            .ok_or_else(|| minecalc::Error::runtime("no rows"))?;
        // Writing to stdout from an example is fine; the CLI goes through the output writers.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "${power_cost:.2}/kWh: halving {} | margin/day {:.0} -> {:.0} USD | {:.4} BTC, cumulative margin {:.0} USD by {}",
            h.estimated_at.format("%Y-%m-%d"),
            h.margin_before_usd_per_day,
            h.margin_after_usd_per_day,
            last.cumulative_btc,
            last.cumulative_margin_usd,
            last.date
        )?;
    }
    Ok(())
}
