//! `minecalc pivot`: keep mining or convert the site to AI/HPC; `--deals` lists the deals.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use minecalc::output::{num, tera, usd, write_all, Format};
use minecalc::pivot::{
    self, deals, GrowthBreakeven, Pivot, PivotInputs, DEFAULT_CONVERSION_CAPEX_USD_PER_MW,
    DEFAULT_CONVERSION_MONTHS, DEFAULT_DISCOUNT_RATE_PCT, DEFAULT_LEASE_YEARS,
    DEFAULT_NOI_MARGIN_PCT, DEFAULT_PARTIAL_MINING_PCT, DEFAULT_PUE, DEFAULT_SITE_MW,
    GROWTH_SEARCH_PCT,
};
use minecalc::projection::Scenario;
use minecalc::scenario::Plan;
use minecalc::Error;

use super::args::{parse_number, parse_percent, FleetArgs, NetworkArgs, OutputArgs, ScenarioArgs};

/// Arguments of `minecalc pivot`.
#[derive(Debug, Clone, Args)]
pub struct PivotArgs {
    /// List the public miner-to-AI/HPC deals (data/hpc_deals.csv) and the default lease rate.
    #[arg(long)]
    pub deals: bool,
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub lease: LeaseArgs,
    /// Read the mining case from a scenario TOML file (as `project --scenario`); flags override
    /// it. Its [horizon] is not used: the horizon is the conversion plus the lease term.
    #[arg(long, value_name = "FILE", help_heading = "Mining case")]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The site.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Site")]
pub struct SiteArgs {
    /// Power of the site, MW: what the mining fleet draws [default: the fleet's draw with
    /// --hashrate or --machine; else 245]. Without a fleet, the fleet fills the site.
    #[arg(long, value_name = "MW", value_parser = parse_number)]
    pub site_mw: Option<f64>,
    /// Site power / IT power after the conversion [default: 1.45, Cipher Barber Lake's
    /// 244 MW gross for 168 MW IT].
    #[arg(long, value_name = "RATIO", value_parser = parse_number, conflicts_with = "it_mw")]
    pub pue: Option<f64>,
    /// Critical IT load the conversion yields, MW (instead of --pue).
    #[arg(long, value_name = "MW", value_parser = parse_number)]
    pub it_mw: Option<f64>,
}

/// Whether the site mines while it is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MineDuring {
    /// The whole fleet keeps mining until the lease starts.
    Full,
    /// A share of the fleet keeps mining (--mine-during-conversion-pct, default 50).
    Partial,
    /// Mining stops on day 0.
    None,
}

/// The lease case.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Lease case")]
pub struct LeaseArgs {
    /// Lease rate in the first lease year, USD per kW of IT per month [default: the median
    /// implied rate of the powered-shell deals in data/hpc_deals.csv, see --deals].
    #[arg(long, value_name = "USD", value_parser = parse_number)]
    pub lease_usd_per_kw_month: Option<f64>,
    /// Lease term, years (at most 50) [default: 15].
    #[arg(long, value_name = "YEARS", value_parser = parse_number)]
    pub lease_years: Option<f64>,
    /// Lease escalator, % a year, applied on each lease anniversary [default: 0; the deals'
    /// implied rates are averages over their terms].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub lease_escalator: Option<f64>,
    /// Net operating income as % of rent [default: 85].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub noi_margin: Option<f64>,
    /// Conversion capex, USD per MW of IT [default: 9500000, the middle of $8-11M].
    #[arg(long, value_name = "USD", value_parser = parse_number)]
    pub conversion_capex_usd_per_mw: Option<f64>,
    /// Conversion time before the lease starts, months [default: 18].
    #[arg(long, value_name = "MONTHS", value_parser = parse_number)]
    pub conversion_months: Option<f64>,
    /// Whether the site mines during the conversion [default: partial].
    #[arg(long, value_enum, value_name = "HOW")]
    pub mine_during_conversion: Option<MineDuring>,
    /// Share of the fleet that mines during a partial conversion, % [default: 50].
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub mine_during_conversion_pct: Option<f64>,
}

/// Runs `minecalc pivot`.
pub fn run(a: &PivotArgs) -> Result<(), Error> {
    let format: Format = a.output.format.into();
    let header = !a.output.no_header;
    let out = a.output.output.as_deref();
    let table = deals::embedded();
    let median = deals::median_lease_usd_per_kw_month(&table);
    if a.deals {
        let pre = match median {
            Some((m, n)) => vec![
                format!(
                    "minecalc pivot --deals: {} public miner-to-AI/HPC deals (data/hpc_deals.csv; sources in the CSV and JSON output)",
                    table.len()
                ),
                format!(
                    "default lease rate: {}/kW-month, the median implied rate of the {n} powered-shell leases (rows repeating an earlier deal's cumulative total and GPU-cloud contracts left out)",
                    usd(m, 2)
                ),
            ],
            None => Vec::new(),
        };
        return write_all(format, header, out, pre, Vec::new(), &table);
    }
    let setup = ScenarioArgs {
        scenario: a.scenario.clone(),
        network: a.network.clone(),
        fleet: a.fleet.clone(),
        ..ScenarioArgs::default()
    }
    .plan()?;
    let mut scenario: Scenario = setup.plan.scenario.clone();
    let fleet_given = setup.spec.fleet.hashrate.is_some() || !setup.spec.fleet.groups.is_empty();
    let site_mw = match (a.site.site_mw, fleet_given) {
        (Some(mw), _) => mw,
        (None, true) => pivot::fleet_mw(&scenario.fleet),
        (None, false) => DEFAULT_SITE_MW,
    };
    if !fleet_given {
        pivot::fill_site(&mut scenario.fleet, site_mw)?;
    }
    let it_mw = match a.site.it_mw {
        Some(mw) => mw,
        None => pivot::it_mw_from_pue(site_mw, a.site.pue.unwrap_or(DEFAULT_PUE))?,
    };
    let (lease_rate, lease_default) = match (a.lease.lease_usd_per_kw_month, median) {
        (Some(r), _) => (r, None),
        (None, Some((m, n))) => (m, Some(n)),
        (None, None) => {
            return Err(Error::runtime(
                "data/hpc_deals.csv has no powered-shell lease to take a default rate from; give --lease-usd-per-kw-month",
            ))
        }
    };
    let discount_given = setup.spec.fleet.discount_rate.is_some();
    let discount_rate = if discount_given {
        scenario.fleet.discount_rate
    } else {
        DEFAULT_DISCOUNT_RATE_PCT / 100.0
    };
    let mode = a
        .lease
        .mine_during_conversion
        .unwrap_or(MineDuring::Partial);
    let share = match (mode, a.lease.mine_during_conversion_pct) {
        (MineDuring::Partial, pct) => pct.unwrap_or(DEFAULT_PARTIAL_MINING_PCT) / 100.0,
        (MineDuring::Full, None) => 1.0,
        (MineDuring::None, None) => 0.0,
        (m, Some(p)) => {
            return Err(Error::input(format!(
            "--mine-during-conversion-pct {p} applies to --mine-during-conversion partial, not {}",
            format!("{m:?}").to_lowercase()
        )))
        }
    };
    let inputs = PivotInputs {
        site_mw,
        it_mw,
        lease_usd_per_kw_month: lease_rate,
        lease_years: a.lease.lease_years.unwrap_or(DEFAULT_LEASE_YEARS),
        lease_escalator: a.lease.lease_escalator.unwrap_or(0.0) / 100.0,
        noi_margin: a.lease.noi_margin.unwrap_or(DEFAULT_NOI_MARGIN_PCT) / 100.0,
        conversion_capex_usd_per_mw: a
            .lease
            .conversion_capex_usd_per_mw
            .unwrap_or(DEFAULT_CONVERSION_CAPEX_USD_PER_MW),
        conversion_months: a
            .lease
            .conversion_months
            .unwrap_or(DEFAULT_CONVERSION_MONTHS),
        mining_share_during_conversion: share,
        discount_rate,
    };
    let p = pivot::pivot(&scenario, &inputs)?;
    let pre = if format == Format::Table {
        let notes = Notes {
            fleet_filled: !fleet_given,
            site_default: a.site.site_mw.is_none() && !fleet_given,
            pue: a
                .site
                .it_mw
                .is_none()
                .then(|| a.site.pue.unwrap_or(DEFAULT_PUE)),
            pue_default: a.site.it_mw.is_none() && a.site.pue.is_none(),
            lease_default,
            discount_default: !discount_given,
            mode,
        };
        preamble(&setup.plan, &setup.source, &scenario, &inputs, &p, &notes)
    } else {
        Vec::new()
    };
    write_all(format, header, out, pre, Vec::new(), &p.rows)
}

/// What the header must say about defaults.
struct Notes {
    fleet_filled: bool,
    site_default: bool,
    pue: Option<f64>,
    pue_default: bool,
    lease_default: Option<usize>,
    discount_default: bool,
    mode: MineDuring,
}

fn pct(fraction: f64) -> String {
    format!("{:+}%", (fraction * 1000.0).round() / 10.0)
}

fn musd(v: f64) -> String {
    format!("{}M", usd(v / 1e6, 1))
}

/// The table's header: every assumption, then the decision in words.
fn preamble(
    plan: &Plan,
    source: &str,
    s: &Scenario,
    i: &PivotInputs,
    p: &Pivot,
    n: &Notes,
) -> Vec<String> {
    let st = &s.network;
    let g = &plan.network.drivers;
    let fl = &s.fleet;
    let years = (p.conversion_days + p.lease_days) as f64 / 365.0;
    let mut lines = vec![
        format!(
            "minecalc pivot: keep mining or convert to AI/HPC, {} to {} ({} years: {} days of conversion, then {} years of lease); rows are model years of 365 days",
            p.start,
            p.end,
            num(years, 1),
            p.conversion_days,
            num(i.lease_years, 1)
        ),
        format!(
            "site     {} MW of power{}; {} MW of IT after the conversion{}",
            num(i.site_mw, 1),
            if n.site_default {
                " (default: the size of Hut 8's River Bend lease)"
            } else {
                ""
            },
            num(i.it_mw, 1),
            match n.pue {
                Some(pue) if n.pue_default => format!(
                    " (PUE {pue}, default: Cipher Barber Lake's 244 MW gross for 168 MW IT)"
                ),
                Some(pue) => format!(" (PUE {pue})"),
                None => String::new(),
            }
        ),
        format!(
            "network  {source}: height {}, difficulty {}, {} EH/s, {}/BTC, fees {} BTC/block",
            num(st.height as f64, 0),
            tera(st.difficulty),
            num(st.hashrate_eh_s(), 1),
            usd(st.price_usd, 0),
            st.fees_btc_per_block
        ),
        format!(
            "paths    hashrate {}/yr, price {}/yr, fees {}/yr from the start; the same engine as `project`",
            pct(g.hashrate_hs.annual_growth),
            pct(g.price_usd.annual_growth),
            pct(g.fees_btc_per_block.annual_growth)
        ),
        format!(
            "mining   {} TH/s at {} J/TH drawing {} MW{}, {}; {}; {}",
            num(p.fleet_ths, 0),
            num(fl.efficiency_j_per_th(), 1),
            num(p.fleet_mw, 1),
            if n.fleet_filled {
                " (the fleet fills the site)"
            } else {
                ""
            },
            fleet_costs(s),
            if fl.curtail.shutdown {
                "switches off on days the hashprice does not cover the hashcost (--curtail)"
            } else {
                "runs every day, at a loss too (--curtail switches it off on losing days)"
            },
            if fl.capex_usd > 0.0 {
                format!("fleet capex {} on day 0", musd(fl.capex_usd))
            } else {
                "machines already owned (no capex)".to_string()
            }
        ),
        format!(
            "convert  capex {} per MW of IT = {}, spread over {} months ({} days) while {}",
            musd(i.conversion_capex_usd_per_mw),
            musd(p.capex_usd),
            num(i.conversion_months, 1),
            p.conversion_days,
            match n.mode {
                MineDuring::Full => "the whole fleet keeps mining".to_string(),
                MineDuring::None => "the site does not mine".to_string(),
                MineDuring::Partial => format!(
                    "{}% of the fleet keeps mining (partial)",
                    num(i.mining_share_during_conversion * 100.0, 0)
                ),
            }
        ),
        format!(
            "lease    {}/kW-month{} for {} years, escalator {}/yr, NOI margin {}%: first-year rent {}, NOI {}",
            usd(i.lease_usd_per_kw_month, 2),
            match n.lease_default {
                Some(k) => format!(
                    " (default: the median implied rate of the {k} powered-shell leases in data/hpc_deals.csv; --deals lists them)"
                ),
                None => String::new(),
            },
            num(i.lease_years, 1),
            pct(i.lease_escalator),
            num(i.noi_margin * 100.0, 0),
            musd(i.first_year_rent_usd()),
            musd(i.first_year_rent_usd() * i.noi_margin)
        ),
        format!(
            "finance  discount rate {}% a year{}, daily: day d's cash x (1 + r)^(-d/365); no value after the lease on either path (no renewal, no resale)",
            num(i.discount_rate * 100.0, 1),
            if n.discount_default {
                " (default; --discount-rate)"
            } else {
                ""
            }
        ),
    ];
    if let (Some(&(h, at)), Some((before, after))) = (
        p.halvings.first(),
        p.mining_margin_around_halving_usd_per_day,
    ) {
        lines.push(format!(
            "halving  block {} est. {} UTC: the mining path's margin goes from {}/day to {}/day (30-day means)",
            num(h as f64, 0),
            at.format("%Y-%m-%d"),
            usd(before, 0),
            usd(after, 0)
        ));
    }
    lines.push(decision(i, p, st.price_usd));
    lines
}

fn fleet_costs(s: &Scenario) -> String {
    match s.fleet.groups.as_slice() {
        [g] => format!(
            "${}/kWh, uptime {}%, pool fee {}%, opex {}/day",
            g.power_cost_usd_per_kwh,
            g.uptime * 100.0,
            g.pool_fee * 100.0,
            usd(g.opex_usd_per_day, 0)
        ),
        gs => format!("{} machine groups, each at its own costs", gs.len()),
    }
}

/// The decision in words.
fn decision(i: &PivotInputs, p: &Pivot, start_price: f64) -> String {
    let d = p.npv_difference_usd;
    let winner = if d > 0.0 {
        format!("mining is worth {} more than converting", musd(d))
    } else if d < 0.0 {
        format!("converting is worth {} more than mining", musd(-d))
    } else {
        "the two paths are worth the same".to_string()
    };
    let growth = match p.breakeven_price_growth {
        GrowthBreakeven::At(g) => format!(
            "mining would match the lease if BTC grew {}% a year from {}",
            num(g * 100.0, 1),
            usd(start_price, 0)
        ),
        GrowthBreakeven::MiningAheadThroughout => format!(
            "mining stays ahead at any BTC growth down to {}% a year",
            GROWTH_SEARCH_PCT.0
        ),
        GrowthBreakeven::ConvertingAheadThroughout => format!(
            "no BTC growth up to +{}% a year lets mining match the lease",
            GROWTH_SEARCH_PCT.1
        ),
    };
    let lease = match p.breakeven_lease_usd_per_kw_month {
        Some(l) if l <= 0.0 => "converting is ahead at any lease rate".to_string(),
        Some(l) if d < 0.0 => format!(
            "converting stays ahead down to a lease of {}/kW-month",
            usd(l, 2)
        ),
        Some(l) => format!("converting would need a lease above {}/kW-month", usd(l, 2)),
        None => String::new(),
    };
    let mut s = format!(
        "decision over {} years at {}%: {winner} (NPV {} mining vs {} converting; {} vs {} per MW of site); {growth}",
        num((p.conversion_days + p.lease_days) as f64 / 365.0, 1),
        num(i.discount_rate * 100.0, 1),
        musd(p.npv_mining_usd),
        musd(p.npv_convert_usd),
        musd(p.npv_mining_usd / i.site_mw),
        musd(p.npv_convert_usd / i.site_mw),
    );
    if !lease.is_empty() {
        s.push_str("; ");
        s.push_str(&lease);
    }
    s
}
