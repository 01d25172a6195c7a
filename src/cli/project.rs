//! `minecalc project`: a fleet day by day across halvings.

use clap::Args;
use serde_json::Value;

use minecalc::analyses::sweep::Shard;
use minecalc::inputs::scenario::Plan;
use minecalc::model::fleet::{Fleet, FleetGroup, Retire, ShareBasis, Treasury};
use minecalc::model::projection::{self, Aggregator, Horizon, Period, Projection, ProjectionRow};
use minecalc::model::summary::Summary;
use minecalc::report::tables::network_line;
use minecalc::report::{num, power, signed_pct, usd, usd_small, Dest, Format, RowWriter};
use minecalc::Error;

use super::args::{parse_tag, tag_prefix, OutputArgs, PeriodArg};
use super::params::{ParamArgs, Projection as ProjectionSet};

/// Arguments of `minecalc project`.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// The scenario.
    #[command(flatten)]
    pub params: ParamArgs<ProjectionSet>,
    /// Rows per day, week, month, difficulty epoch or year [default: month for the table, day otherwise].
    #[arg(long, value_enum, help_heading = "Output")]
    pub period: Option<PeriodArg>,
    /// Rows for each machine group as well as the fleet, with a leading `group` column.
    #[arg(long, help_heading = "Output")]
    pub by_machine: bool,
    /// Add a constant leading column NAME with VALUE to every row (repeatable), to tell runs apart.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_tag, help_heading = "Output")]
    pub tag: Vec<(String, String)>,
    /// JSON: one object `{"meta": {...}, "rows": [...]}` whose meta holds the assumptions (the
    /// network state and its source, the defaults used, the version).
    #[arg(long, help_heading = "Output")]
    pub meta: bool,
    /// One row: the scenario's summary (the columns of a `sweep` row: totals, NPV, ROI, payback,
    /// first negative day, the halving block and the means before and after it), in any format.
    #[arg(long, help_heading = "Output", conflicts_with_all = ["period", "by_machine"])]
    pub summary: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub risk: super::risk::RiskArgs,
    /// With --paths: run only shard K of N of the paths (each path keeps its own random stream)
    /// and write them to a partial file, for batch runners (GNU parallel, Slurm job arrays,
    /// Kubernetes Indexed Jobs); `--merge` turns the shards' files into the whole run's output.
    #[arg(
        long,
        value_name = "K/N",
        value_parser = Shard::parse,
        help_heading = "Monte Carlo (--paths N --price-vol PCT)"
    )]
    pub shard: Option<Shard>,
    /// With --paths: read the partial files the shards of this run wrote (give the flags they
    /// ran with) and print what the unsharded run prints, in any format; a file from another
    /// run, a missing or repeated shard and a cut-short file exit 2.
    #[arg(
        long,
        value_name = "FILE",
        num_args = 1..,
        conflicts_with = "shard",
        help_heading = "Monte Carlo (--paths N --price-vol PCT)"
    )]
    pub merge: Vec<std::path::PathBuf>,
}

/// Runs `minecalc project`.
pub fn run(a: &ProjectArgs) -> Result<(), Error> {
    let setup = a.params.plan()?;
    let plan = &setup.plan;
    let s = &plan.scenario;
    let format: Format = a.output.format.into();
    if a.meta && format != Format::Json {
        return Err(Error::input("--meta goes with -f json"));
    }
    if a.meta && a.risk.is_monte_carlo() {
        return Err(Error::input(
            "--meta is written for a single scenario; leave it out with --paths",
        ));
    }
    let period: Period = super::args::period_or_default(a.period, format);
    let risk = &a.risk;
    if !risk.is_monte_carlo() {
        if a.shard.is_some() {
            return Err(Error::input(
                "--shard on project splits a Monte Carlo run's paths: it needs --paths N",
            ));
        }
        if !a.merge.is_empty() {
            return Err(Error::input(
                "--merge reads the partial files of a Monte Carlo run: it needs --paths N and the flags the shards ran with",
            ));
        }
    }
    let model = risk.model(&setup.spec, s)?;
    if a.summary {
        if risk.is_monte_carlo() {
            return Err(Error::input(
                "--summary is the summary of one scenario; with --paths use --summary-only",
            ));
        }
        let summary = model.summarize(s)?;
        let mut w = RowWriter::new(format, &a.output.style(), Dest::open(a.output.path())?);
        if a.meta {
            w.meta(meta(&setup.spec, &setup.source, plan));
        }
        if format == Format::Table {
            let p = model.project(s)?;
            let mut lines = preamble(plan, &setup.spec, &setup.source, &p, period);
            lines.extend(super::risk::model_preamble(&model));
            w.preamble(lines);
        }
        w.write_prefixed(&tag_prefix(&a.tag), &summary)?;
        return w.finish()?.commit();
    }
    if risk.is_monte_carlo() {
        let out = super::risk::McOutput {
            by_machine: a.by_machine,
            period: a.period,
            output: &a.output,
            tags: &a.tag,
            shard: a.shard,
            merge: &a.merge,
        };
        return risk.run_monte_carlo(&out, &model, s, &setup.source);
    }
    // CSV, JSON and NDJSON of the fleet alone stream: each day is written as it is worked
    // out, with no rows kept. A horizon that ends at a halving can fail after many days (the
    // halving never comes), so it runs whole before the first line is written.
    let open = || -> Result<RowWriter<Dest>, Error> {
        let mut w = RowWriter::new(format, &a.output.style(), Dest::open(a.output.path())?);
        if a.meta {
            w.meta(meta(&setup.spec, &setup.source, plan));
        }
        Ok(w)
    };
    let tags = tag_prefix(&a.tag);
    let bounded = !matches!(s.horizon, Horizon::Halving { .. });
    if format != Format::Table && !a.by_machine && risk.plot.is_none() && bounded {
        let mut w = open()?;
        write_periods(&mut w, &tags, period, |each| {
            model.for_each_day(s, |_, r| each(r))
        })?;
        return w.finish()?.commit();
    }
    let p = model.project(s)?;
    risk.plot_projection(&model, s, &p)?;
    // --by-machine keeps every group's days until the fleet's rows are written: bounded.
    let kept = s.fleet.groups.len().saturating_mul(p.rows.len());
    if a.by_machine && kept > MAX_BY_MACHINE_ROWS {
        return Err(Error::input(format!(
            "--by-machine: {} machine groups × {} days is more than {} rows; give fewer days or machines",
            s.fleet.groups.len(),
            p.rows.len(),
            num(MAX_BY_MACHINE_ROWS as f64, 0)
        )));
    }
    let mut groups: Vec<Vec<ProjectionRow>> = vec![Vec::new(); s.fleet.groups.len()];
    if a.by_machine {
        model.for_each_day_by_group(s, |_, _, g| {
            for (i, r) in g.iter().enumerate() {
                groups[i].push(r.clone());
            }
            Ok(())
        })?;
    }
    let mut w = open()?;
    let write_rows = |label: Option<&str>,
                      rows: &[ProjectionRow],
                      w: &mut RowWriter<Dest>|
     -> Result<(), Error> {
        let mut prefix = tags.clone();
        if let Some(l) = label {
            prefix.push(("group".to_string(), Value::String(l.to_string())));
        }
        write_periods(w, &prefix, period, |each| rows.iter().try_for_each(each))
    };
    if a.by_machine {
        write_rows(Some("fleet"), &p.rows, &mut w)?;
        for (g, rows) in s.fleet.groups.iter().zip(&groups) {
            write_rows(Some(&g.label), rows, &mut w)?;
        }
    } else {
        write_rows(None, &p.rows, &mut w)?;
    }
    if format == Format::Table {
        // The summary runs the same scenario again, streaming (a fraction of a millisecond).
        let summary = model.summarize(s)?;
        let mut lines = preamble(plan, &setup.spec, &setup.source, &p, period);
        lines.extend(super::risk::model_preamble(&model));
        w.preamble(lines);
        w.postamble(postamble(&summary, &s.fleet));
    }
    w.finish()?.commit()
}

/// Writes the daily rows `days` hands over, in order, summed into `period`s, each after
/// `prefix`.
fn write_periods(
    w: &mut RowWriter<Dest>,
    prefix: &[(String, Value)],
    period: Period,
    days: impl FnOnce(&mut dyn FnMut(&ProjectionRow) -> Result<(), Error>) -> Result<(), Error>,
) -> Result<(), Error> {
    if period == Period::Day {
        // Days are written as they are (no copy through the aggregator).
        return days(&mut |r| w.write_prefixed(prefix, r));
    }
    let mut agg = Aggregator::new(period);
    days(&mut |r| match agg.push(r, projection::epoch_of_row(r)) {
        Some(row) => w.write_prefixed(prefix, &row),
        None => Ok(()),
    })?;
    match agg.finish() {
        Some(row) => w.write_prefixed(prefix, &row),
        None => Ok(()),
    }
}

/// The assumptions behind the rows, for `--meta`: the version, the network the run starts
/// from and its source, and the parameters left at their defaults.
fn meta(spec: &minecalc::params::spec::Spec, source: &str, plan: &Plan) -> Value {
    use super::params::Accepts;
    let st = &plan.scenario.network;
    let defaults: serde_json::Map<String, Value> = minecalc::params::PARAMS
        .iter()
        .filter(|p| ProjectionSet::accepts(p) && !spec.has(p.name))
        .filter_map(|p| {
            p.default
                .map(|d| (p.name.to_string(), Value::String(d.value.to_string())))
        })
        .collect();
    serde_json::json!({
        "minecalc": env!("CARGO_PKG_VERSION"),
        "network": {
            "source": source,
            "date": st.date.to_string(),
            "height": st.height,
            "difficulty": st.difficulty,
            "network_hashrate_eh_s": minecalc::report::round_sig(st.hashrate_eh_s(), 12),
            "btc_price_usd": st.price_usd,
            "fees_btc_per_block": st.fees_btc_per_block,
        },
        "defaults": defaults,
    })
}

/// The most group-days `--by-machine` keeps (about 300 bytes each: a few hundred MB).
const MAX_BY_MACHINE_ROWS: usize = 1_000_000;

/// A group's dates, wear, hosting and resale, for the header (`None`: none of them).
fn life_line(g: &FleetGroup) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(e) = g.energize {
        parts.push(format!("energized {e}"));
    }
    match g.retire {
        Some(Retire::Date(d)) => parts.push(format!("retired {d}")),
        Some(Retire::Halving(h)) => parts.push(format!(
            "retired at the halving (block {})",
            num(h as f64, 0)
        )),
        None => {}
    }
    if g.degradation > 0.0 {
        parts.push(format!("hashrate -{}%/yr", g.degradation * 100.0));
    }
    if g.failure_rate > 0.0 {
        parts.push(format!("failures {}%/yr", g.failure_rate * 100.0));
    }
    if g.hosting_fee_usd_per_month > 0.0 {
        parts.push(format!(
            "hosting {}/machine-month",
            usd(g.hosting_fee_usd_per_month, 2)
        ));
    }
    if g.profit_share > 0.0 {
        parts.push(format!(
            "profit share {}% of {}",
            g.profit_share * 100.0,
            match g.profit_share_basis {
                ShareBasis::Revenue => "revenue",
                ShareBasis::Margin => "margin",
            }
        ));
    }
    if g.resale_usd_per_unit > 0.0 {
        parts.push(format!("resale {}/machine", usd(g.resale_usd_per_unit, 0)));
    }
    if g.depreciation_years > 0.0 && g.capex_usd > 0.0 {
        parts.push(format!("depreciated over {} years", g.depreciation_years));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The table's header of assumptions.
fn preamble(
    plan: &Plan,
    spec: &minecalc::params::spec::Spec,
    source: &str,
    p: &Projection,
    period: Period,
) -> Vec<String> {
    let solo = plan.solo;
    let s = &plan.scenario;
    let st = &s.network;
    let first = p.rows.first().map(|r| r.date).unwrap_or(st.date);
    let last = p.rows.last().map(|r| r.date).unwrap_or(st.date);
    let g = &plan.network.drivers;
    let mut lines = vec![
        format!(
            "minecalc project: {first} to {last} ({} days), rows by {}",
            num(p.rows.len() as f64, 0),
            format!("{period:?}").to_lowercase()
        ),
        network_line(source, st),
        format!(
            "paths    hashrate {}/yr{}{}, price {}/yr{}, fees {}/yr from the start; constant within each day; blocks as expected values",
            signed_pct(g.hashrate_hs.annual_growth),
            plan.growth_note,
            if g.hashrate_hs.points.is_empty() { "" } else { " after its path file" },
            signed_pct(g.price_usd.annual_growth),
            if g.price_usd.points.is_empty() { "" } else { " after its path file" },
            signed_pct(g.fees_btc_per_block.annual_growth)
        ),
    ];
    lines.extend(plan.hashprice_note.clone());
    let fl = &s.fleet;
    let many = fl.groups.len() > 1;
    if many {
        lines.push(format!(
            "fleet    {} groups, {} TH/s at {} J/TH on average",
            fl.groups.len(),
            num(fl.hashrate_ths(), 0),
            num(fl.efficiency_j_per_th(), 1)
        ));
    }
    for g0 in &fl.groups {
        let label = if plan.default_fleet {
            "default fleet: ".to_string()
        } else if g0.label.ends_with(" J/TH") {
            String::new()
        } else {
            format!("{}: ", g0.label)
        };
        lines.push(format!(
            "{}{label}{} TH/s at {} J/TH ({}), ${}/kWh, uptime {}%, pool fee {}%{}",
            if many { "         - " } else { "fleet    " },
            num(g0.hashrate_ths, if g0.hashrate_ths < 100.0 { 2 } else { 0 }),
            num(g0.efficiency_j_per_th, 1),
            power(g0.power_kw()),
            g0.power_cost_usd_per_kwh,
            g0.uptime * 100.0,
            g0.pool_fee * 100.0,
            if g0.opex_usd_per_day > 0.0 {
                format!(", opex {}/day", usd(g0.opex_usd_per_day, 0))
            } else {
                String::new()
            }
        ));
        if let Some(life) = life_line(g0) {
            lines.push(format!(
                "{}{life}",
                if many { "           " } else { "         " }
            ));
        }
    }
    if fl.opex_usd_per_day > 0.0 {
        lines.push(format!(
            "opex     {}/day for the whole fleet, running or not",
            usd(fl.opex_usd_per_day, 0)
        ));
    }
    let c = &fl.curtail;
    if c.shutdown || c.peak_hours > 0.0 {
        let mut parts = Vec::new();
        if c.shutdown {
            parts.push("switches off on days hashprice does not cover hashcost".to_string());
        }
        if c.peak_hours > 0.0 {
            parts.push(format!(
                "idles {} peak hours a day at ${}/kWh when they do not pay",
                c.peak_hours,
                c.peak_power_cost_usd_per_kwh.unwrap_or(0.0)
            ));
        }
        lines.push(format!("rule     {}", parts.join("; ")));
    }
    if fl.capex_usd > 0.0 || fl.discount_rate != 0.0 {
        let staged = fl
            .groups
            .iter()
            .any(|g| g.energize.is_some_and(|e| e > st.date));
        lines.push(format!(
            "finance  capex {} {}, discount rate {}%/yr{}{}",
            usd(fl.capex_usd, 0),
            if staged {
                "(each group's on its energization day)"
            } else {
                "on day 0"
            },
            fl.discount_rate * 100.0,
            if fl.depreciation_years > 0.0 {
                format!(", depreciated over {} years", fl.depreciation_years)
            } else {
                String::new()
            },
            if fl.tax_rate > 0.0 {
                format!(", tax {}% of operating income", fl.tax_rate * 100.0)
            } else {
                String::new()
            }
        ));
    } else if fl.tax_rate > 0.0 {
        lines.push(format!(
            "finance  tax {}% of operating income (losses carried forward)",
            fl.tax_rate * 100.0
        ));
    }
    use minecalc::inputs::machines::{catalog, catalog_priced_groups};
    for c in catalog_priced_groups(spec, catalog()) {
        lines.push(format!(
            "         capex of {}: the catalog's price, {} a unit as of {}{} (--unit-price sets another)",
            match c.units {
                Some(n) => format!("{} x {}", num(n, 0), c.model),
                None => format!("each {} deployed", c.model),
            },
            usd(c.price_usd, 0),
            c.price_as_of,
            if c.tier { ", a J/TH band's average $/TH" } else { "" }
        ));
    }
    match fl.treasury {
        Treasury::SellAll => {}
        Treasury::Hold(h) => lines.push(format!(
            "treasury holds {}% of each day's BTC and sells the rest the day it is mined",
            h * 100.0
        )),
        Treasury::SellToCover => lines.push(
            "treasury sells only the BTC that pays each day's cash costs (from holdings when the day's BTC falls short) and holds the rest"
                .to_string(),
        ),
    }
    if solo {
        lines.push(
            "solo     revenue is the expected value: a solo miner earns whole blocks or nothing; the odds are under the table"
                .to_string(),
        );
    }
    if let Horizon::Halving { height, .. } = s.horizon {
        if let Some(h) = projection::halving_summary(p, height) {
            lines.push(format!(
                "halving  block {} est. {} UTC: network subsidy {} -> {} BTC/day",
                num(h.height as f64, 0),
                h.estimated_at.format("%Y-%m-%d %H:%M"),
                num(h.network_btc_per_day_before, 0),
                num(h.network_btc_per_day_after, 0)
            ));
            lines.push(format!(
                "         hashprice {} -> {} /PH/day, fleet margin {} -> {} /day (means of the {} days before and {} after)",
                usd(h.hashprice_before_usd_per_ph_day, 2),
                usd(h.hashprice_after_usd_per_ph_day, 2),
                usd_small(h.margin_before_usd_per_day),
                usd_small(h.margin_after_usd_per_day),
                h.days_before,
                h.days_after
            ));
        }
    }
    lines
}

/// The table's lines under the rows: totals, capex, payback, NPV, the books, the treasury,
/// the odds of a block.
pub fn postamble(s: &Summary, fleet: &Fleet) -> Vec<String> {
    let mut lines = vec![format!(
        "total    {:.6} BTC mined, revenue {}, power {}, opex {}, margin {}",
        s.btc_mined,
        usd(s.revenue_usd, 0),
        usd(s.power_cost_usd, 0),
        usd(s.opex_usd, 0),
        usd(s.margin_usd, 0)
    )];
    if s.hosting_fee_usd > 0.0 || s.profit_share_usd > 0.0 {
        lines.push(format!(
            "hosting  fees {}, profit share {} (in the margin)",
            usd(s.hosting_fee_usd, 0),
            usd(s.profit_share_usd, 0)
        ));
    }
    if s.capex_usd > 0.0 {
        lines.push(format!(
            "capex    {}{}: payback {}, ROI {}, NPV {}",
            usd(s.capex_usd, 0),
            if s.salvage_usd > 0.0 {
                format!(", resale {}", usd(s.salvage_usd, 0))
            } else {
                String::new()
            },
            s.payback_date
                .map_or("not within the horizon".to_string(), |d| d.to_string()),
            s.roi_pct
                .map_or(String::new(), |r| format!("{}%", num(r, 1))),
            usd(s.npv_usd, 0)
        ));
    }
    if s.depreciation_usd > 0.0 || s.tax_usd > 0.0 || fleet.tax_rate > 0.0 {
        lines.push(format!(
            "books    EBITDA {}, depreciation {}, operating income {}, tax {}, NPV after tax {}",
            usd(s.margin_usd, 0),
            usd(s.depreciation_usd, 0),
            usd(s.operating_income_usd, 0),
            usd(s.tax_usd, 0),
            usd(s.npv_after_tax_usd, 0)
        ));
    }
    if fleet.treasury != Treasury::SellAll {
        lines.push(format!(
            "treasury sold {:.6} BTC, holds {:.6} BTC worth {} at the end; cash realized {}, cash + holdings {}",
            s.btc_sold,
            s.btc_held,
            usd(s.treasury_value_usd, 0),
            usd(s.realized_cash_usd, 0),
            usd(s.realized_cash_usd + s.treasury_value_usd, 0)
        ));
    }
    lines.push(format!(
        "blocks   {} expected over {} days; mined solo: a {} chance of at least one{}",
        num(
            s.expected_blocks,
            if s.expected_blocks < 10.0 { 4 } else { 1 }
        ),
        num(f64::from(s.days), 0),
        odds_pct(s.block_probability_pct),
        s.expected_days_to_block.map_or(String::new(), |d| format!(
            ", one every {} days{} on average",
            num(d, if d < 10.0 { 2 } else { 0 }),
            if d > 3652.5 {
                format!(" ({} years)", num(d / 365.25, 0))
            } else {
                String::new()
            }
        ))
    ));
    lines.push(format!(
        "margin   first negative day: {}",
        s.first_negative_margin_date
            .map_or("none".to_string(), |d| d.to_string())
    ));
    lines
}

/// A probability in percent, with the digits a small chance needs (0.0123%, 1.2e-6%).
fn odds_pct(p: f64) -> String {
    if p >= 99.995 {
        ">99.99%".to_string()
    } else if p >= 0.01 || p == 0.0 {
        format!("{}%", num(p, 2))
    } else if p >= 1e-4 {
        format!("{}%", num(p, 6))
    } else {
        format!("{p:.2e}%")
    }
}
