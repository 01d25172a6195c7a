//! `minecalc network` with no subcommand: the network's power, energy, cohorts and regions, and
//! what a region's removal does (`--remove US=10GW`).

use clap::{Args, ValueEnum};

use minecalc::analyses::netview::{self, Amount, NetView, Removal};
use minecalc::report::{musd, num, tera, usd, write_all, Format};
use minecalc::Error;

use super::args::{parse_number, OutputArgs};
use super::params::{NetworkSetup, NetworkView, ParamArgs};

/// The view's flags (flattened into `minecalc network`).
#[derive(Debug, Clone, Args)]
pub struct NetViewArgs {
    /// The network.
    #[command(flatten)]
    pub params: ParamArgs<NetworkView>,
    /// Take a region's mining off the network: REGION=10GW (power, at --region-efficiency),
    /// REGION=30% (of the region's hashrate) or REGION=100EH. REGION is a code or name from
    /// data/regions.csv (US, RU, CN, PY, AE, OM, CA, ROW).
    #[arg(long, value_name = "REGION=AMOUNT", value_parser = parse_removal, help_heading = "View")]
    pub remove: Option<Removal>,
    /// Efficiency assumed for the regions' machines, J/TH: turns --remove GW into EH/s and a
    /// region's hashrate into GW [default: the running machines' average from
    /// data/network_fleet.csv].
    #[arg(long, value_name = "J/TH", value_parser = parse_number, help_heading = "View")]
    pub region_efficiency: Option<f64>,
    /// Rows: one per machine cohort plus the network, or one per region.
    #[arg(long, value_enum, default_value = "cohort", help_heading = "View")]
    pub by: ViewBy,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What the rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewBy {
    /// Machine cohorts (data/network_fleet.csv), then the whole network.
    Cohort,
    /// Regions (data/regions.csv).
    Region,
}

/// Parses `REGION=10GW`, `REGION=500MW`, `REGION=30%` or `REGION=100EH`.
pub fn parse_removal(s: &str) -> Result<Removal, String> {
    let (region, amount) = s
        .split_once('=')
        .ok_or_else(|| "expected REGION=AMOUNT, e.g. US=10GW or US=30%".to_string())?;
    let region = region.trim();
    if region.is_empty() {
        return Err("expected REGION=AMOUNT, e.g. US=10GW or US=30%".into());
    }
    let a = amount.trim().to_ascii_lowercase();
    let a = a.strip_suffix("/s").unwrap_or(&a);
    let number = |t: &str| {
        parse_number(t.trim()).map_err(|_| {
            format!("\"{amount}\" is not an amount: give GW, MW, EH or % (10GW, 500MW, 100EH, 30%)")
        })
    };
    let amount = if let Some(t) = a.strip_suffix('%') {
        Amount::Pct(number(t)?)
    } else if let Some(t) = a.strip_suffix("gw") {
        Amount::Gw(number(t)?)
    } else if let Some(t) = a.strip_suffix("mw") {
        Amount::Gw(number(t)? / 1000.0)
    } else if let Some(t) = a.strip_suffix("eh") {
        Amount::EhS(number(t)?)
    } else if let Some(t) = a.strip_suffix("ph") {
        Amount::EhS(number(t)? / 1000.0)
    } else {
        return Err(format!(
            "\"{amount}\" needs a unit: GW, MW, EH or % (10GW, 500MW, 100EH, 30%)"
        ));
    };
    Ok(Removal {
        region: region.to_string(),
        amount,
        text: s.trim().to_string(),
    })
}

/// Runs the view.
pub fn run(a: &NetViewArgs) -> Result<(), Error> {
    let net = a.params.network_setup()?;
    let cohorts = netview::cohorts();
    let regions = netview::regions();
    let v = netview::view(
        &net.resolved.state,
        &net.resolved.drivers,
        &cohorts,
        &regions,
        a.region_efficiency,
        a.remove.as_ref(),
    )?;
    let format: Format = a.output.format.into();
    let header = &a.output.style();
    let out = a.output.path();
    let pre = if format == Format::Table {
        preamble(&net, &v, a.region_efficiency.is_none())
    } else {
        Vec::new()
    };
    match a.by {
        ViewBy::Cohort => write_all(format, header, out, pre, Vec::new(), &v.cohorts),
        ViewBy::Region => write_all(format, header, out, pre, Vec::new(), &v.regions),
    }
}

fn preamble(net: &NetworkSetup, v: &NetView, eff_default: bool) -> Vec<String> {
    let st = &v.state;
    let Some(total) = v.cohorts.last() else {
        return Vec::new();
    };
    let underwater: Vec<&str> = v
        .cohorts
        .iter()
        .filter(|c| c.scope == "cohort" && c.underwater)
        .map(|c| c.name.split(' ').next().unwrap_or(""))
        .collect();
    let mut lines = vec![
        format!(
            "minecalc network: {} on {}: height {}, difficulty {}, {}/BTC, fees {} BTC/block; hashprice {}/PH/day",
            net.source,
            st.date,
            num(st.height as f64, 0),
            tera(st.difficulty),
            usd(st.price_usd, 0),
            st.fees_btc_per_block,
            usd(v.hashprice_usd_per_ph_day, 2)
        ),
        format!(
            "hashrate running {} EH/s (the network's: the machines finding the blocks, those whose hashcost today's hashprice covers); installed {} EH/s; {} EH/s underwater and off ({} cohorts: {})",
            num(total.running_hashrate_eh_s, 1),
            num(total.hashrate_eh_s, 1),
            num(total.hashrate_eh_s - total.running_hashrate_eh_s, 1),
            underwater.len(),
            if underwater.is_empty() { "none".to_string() } else { underwater.join(", ") }
        ),
        format!(
            "power    {} J/TH on average (the running cohorts of data/network_fleet.csv, hashrate-weighted, as of {}): {} GW, {} TWh a year",
            num(total.efficiency_j_per_th, 2),
            total.as_of.map(|d| d.to_string()).unwrap_or_default(),
            num(total.power_gw, 2),
            num(total.energy_twh_per_year, 1)
        ),
        format!(
            "money    the miners earn {} a day (subsidy + fees at today's difficulty) and pay {} for electricity (${:.4}/kWh on average)",
            musd(total.revenue_usd_per_day, 2),
            musd(total.electricity_usd_per_day, 2),
            total.power_cost_usd_per_kwh
        ),
    ];
    let first = v.regions.first();
    if let Some(r) = first {
        lines.push(format!(
            "regions  data/regions.csv as of {}: {} {}% = {} EH/s, {} GW at {} J/TH{}",
            r.as_of,
            r.code,
            num(r.share_pct, 2),
            num(r.hashrate_eh_s, 1),
            num(r.power_gw, 2),
            num(v.region_efficiency_j_per_th, 2),
            if eff_default {
                " (the running average; --region-efficiency)"
            } else {
                ""
            }
        ));
    }
    if let Some(e) = &v.removal {
        lines.push(format!(
            "remove   {}: {} EH/s leaves ({} GW at {} J/TH); network {} -> {} EH/s; {} share {}% -> {}%",
            e.text,
            num(e.removed_eh_s, 1),
            num(e.removed_gw, 2),
            num(e.efficiency_j_per_th, 2),
            num(e.hashrate_before_eh_s, 1),
            num(e.hashrate_after_eh_s, 1),
            e.code,
            num(e.share_before_pct, 2),
            num(e.share_after_pct, 2)
        ));
        let mut rt = format!(
            "         blocks every {} min until the next retarget",
            num(e.block_interval_min, 1)
        );
        for (i, r) in e.retargets.iter().enumerate() {
            rt.push_str(&format!(
                "; {} retarget {} (height {}): difficulty {}{}",
                if i == 0 { "1st" } else { "2nd" },
                r.date,
                num(r.height as f64, 0),
                tera(r.difficulty),
                r.baseline_difficulty
                    .map(|b| format!(" vs {} without the removal", tera(b)))
                    .unwrap_or_default()
            ));
        }
        lines.push(rt);
        if let (Some(d), Some(a), Some(b)) = (
            e.compared_on,
            e.hashprice_after_usd_per_ph_day,
            e.hashprice_baseline_usd_per_ph_day,
        ) {
            let still_under: Vec<&str> = v
                .cohorts
                .iter()
                .filter(|c| c.scope == "cohort")
                .filter(|c| c.margin_after_usd_per_ph_day.is_some_and(|m| m < 0.0))
                .map(|c| c.name.split(' ').next().unwrap_or(""))
                .collect();
            lines.push(format!(
                "         hashprice on {d}: {}/PH/day with the removal vs {} without ({:+.1}%) for every remaining miner; underwater after: {}",
                usd(a, 2),
                usd(b, 2),
                (a / b - 1.0) * 100.0,
                if still_under.is_empty() { "none".to_string() } else { still_under.join(", ") }
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_amounts() {
        let r = parse_removal("US=10GW").unwrap();
        assert_eq!((r.region.as_str(), r.amount), ("US", Amount::Gw(10.0)));
        assert_eq!(parse_removal("us = 30%").unwrap().amount, Amount::Pct(30.0));
        assert_eq!(parse_removal("RU=500MW").unwrap().amount, Amount::Gw(0.5));
        assert_eq!(
            parse_removal("CN=100EH/s").unwrap().amount,
            Amount::EhS(100.0)
        );
        assert!(parse_removal("US").is_err());
        assert!(parse_removal("US=10").unwrap_err().contains("needs a unit"));
        assert!(parse_removal("=10GW").is_err());
        assert!(parse_removal("US=lotsGW").is_err());
    }
}
