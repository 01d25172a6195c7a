//! `minecalc hashprice`: one network state's hashvalue, hashprice, hashcost and breakevens.

use clap::Args;

use minecalc::model::hashprice::hashprice;
use minecalc::report::tables::hashprice_lines;
use minecalc::report::{write_all, Format};
use minecalc::Error;

use super::args::OutputArgs;
use super::params::{HashpriceSet, ParamArgs};

/// Arguments of `minecalc hashprice`.
#[derive(Debug, Clone, Args)]
pub struct HashpriceArgs {
    /// The network, and a machine's efficiency and power cost (each adds hashcost and a
    /// breakeven).
    #[command(flatten)]
    pub params: ParamArgs<HashpriceSet>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc hashprice`.
pub fn run(a: &HashpriceArgs) -> Result<(), Error> {
    let net = a.params.network_setup()?;
    let row = hashprice(
        &net.resolved.state,
        net.spec.num("efficiency")?,
        net.spec.num("power-cost")?,
    )?;
    let format: Format = a.output.format.into();
    let header = &a.output.style();
    let out = a.output.path();
    if format == Format::Table {
        let pre = vec![format!(
            "minecalc hashprice: network from {}; 1 PH/s for one day, 100% uptime, no pool fee",
            net.source
        )];
        write_all(format, header, out, pre, Vec::new(), &hashprice_lines(&row))
    } else {
        write_all(format, header, out, Vec::new(), Vec::new(), &[row])
    }
}
