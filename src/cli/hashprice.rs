//! `minecalc hashprice`: one network state's hashvalue, hashprice, hashcost and breakevens.

use clap::Args;

use minecalc::model::hashprice::hashprice;
use minecalc::report::tables::hashprice_lines;
use minecalc::report::{write_all, Format};
use minecalc::Error;

use super::args::{parse_number, NetworkArgs, OutputArgs};

/// Arguments of `minecalc hashprice`.
#[derive(Debug, Clone, Args)]
pub struct HashpriceArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Efficiency, J/TH (adds hashcost and the breakeven power cost).
    #[arg(long, value_name = "J/TH", value_parser = parse_number, help_heading = "Costs")]
    pub efficiency: Option<f64>,
    /// Electricity price, USD/kWh (adds hashcost and the breakeven efficiency).
    #[arg(long, value_name = "USD/KWH", value_parser = parse_number, help_heading = "Costs")]
    pub power_cost: Option<f64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `minecalc hashprice`.
pub fn run(a: &HashpriceArgs) -> Result<(), Error> {
    let net = a.network.setup()?;
    let row = hashprice(&net.resolved.state, a.efficiency, a.power_cost)?;
    let format: Format = a.output.format.into();
    let header = !a.output.no_header;
    let out = a.output.output.as_deref();
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
