//! `minecalc halvings`: every subsidy era, with actual and estimated dates.

use clap::Args;

use minecalc::model::halvings::{self, LAST_ERA};
use minecalc::model::projection;
use minecalc::report::{num, tera, write_all};
use minecalc::Error;

use super::args::OutputArgs;
use super::params::{HalvingsSet, ParamArgs};

/// Arguments of `minecalc halvings`.
#[derive(Debug, Clone, Args)]
pub struct HalvingsArgs {
    /// The chain's state and the hashrate's growth (they date the future halvings).
    #[command(flatten)]
    pub params: ParamArgs<HalvingsSet>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc halvings`.
pub fn run(a: &HalvingsArgs) -> Result<(), Error> {
    let net = a.params.network_setup()?;
    let st = &net.resolved.state;
    let remaining =
        (LAST_ERA + 1).saturating_sub(minecalc::model::chain::halvings_at(st.height)) as usize;
    let estimates = projection::estimate_halvings(st, &net.resolved.drivers, remaining);
    let rows = halvings::schedule(&estimates);
    let pre = vec![
        "minecalc halvings: subsidy by Bitcoin Core's rule (50 BTC >> halvings, 0 from 64); supply in sats, exact".to_string(),
        format!(
            "estimates from {}: height {}, difficulty {}, {} EH/s, hashrate growth {}%/yr, blocks as expected values",
            net.source,
            num(st.height as f64, 0),
            tera(st.difficulty),
            num(st.hashrate_eh_s(), 1),
            net.resolved.drivers.hashrate_hs.annual_growth * 100.0
        ),
    ];
    write_all(
        a.output.format.into(),
        &a.output.style(),
        a.output.path(),
        pre,
        Vec::new(),
        &rows,
    )
}
