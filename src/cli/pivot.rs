//! `minecalc pivot`: keep mining or convert the site to AI/HPC; `--deals` lists the deals.

use chrono::NaiveDate;
use clap::Args;
use serde_json::Value;

use minecalc::analyses::pivot::{
    self, GrowthBreakeven, Pivot, PivotInputs, DEFAULT_CONVERSION_CAPEX_USD_PER_MW,
    DEFAULT_CONVERSION_MONTHS, DEFAULT_DISCOUNT_RATE_PCT, DEFAULT_LEASE_YEARS,
    DEFAULT_NOI_MARGIN_PCT, DEFAULT_PARTIAL_MINING_PCT, DEFAULT_PUE, DEFAULT_SITE_MW,
    GROWTH_SEARCH_PCT,
};
use minecalc::analyses::sweep::{self, parse_axis_with, Axis, Shard};
use minecalc::inputs::deals;
use minecalc::inputs::scenario::{self, Plan};
use minecalc::model::projection::Scenario;
use minecalc::params::spec::Spec;
use minecalc::params::Section;
use minecalc::report::{musd, num, signed_pct, usd, write_all, Dest, Format, RowWriter};
use minecalc::Error;

use super::args::OutputArgs;
use super::params::{Accepts, ParamArgs, PivotSet, PlanSetup};
use super::progress::Progress;

mod risk;

/// Arguments of `minecalc pivot`.
#[derive(Debug, Clone, Args)]
pub struct PivotArgs {
    /// List the public miner-to-AI/HPC deals (data/hpc_deals.csv) and the default lease rate.
    #[arg(long)]
    pub deals: bool,
    /// The decision map: vary a parameter over NAME=0,25,50 (a list) or NAME=START:STOP:STEP
    /// (a range); repeatable (every combination runs, one summary row each: NPVs, breakevens
    /// and `decision`). NAME is a site or lease flag (lease-usd-per-kw-month, lease-years,
    /// lease-escalator, noi-margin, conversion-capex-usd-per-mw, conversion-months, site-mw,
    /// it-mw, pue, mine-during-conversion-pct) or a scenario one as in `sweep` (price-growth,
    /// hashrate-growth, power-cost, efficiency, discount-rate, …), in the flag's units.
    #[arg(long, value_name = "NAME=SPEC", value_parser = parse_vary, conflicts_with = "deals")]
    pub vary: Vec<Axis>,
    /// The mining case, the site and the lease (with --scenario FILE: as `project --scenario`,
    /// and its [pivot] table; its [horizon] is not used: the horizon is the conversion plus
    /// the lease term).
    #[command(flatten)]
    pub params: ParamArgs<PivotSet>,
    #[command(flatten)]
    pub risk: risk::PivotRiskArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// With --vary: run only shard K of N of the combinations, for batch runners (GNU
    /// parallel, Slurm job arrays, Kubernetes Indexed Jobs): the shards' CSV or NDJSON outputs
    /// joined in order are the whole run's, byte for byte (shards after the first print no
    /// header). A single case's `--paths` runs whole.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, help_heading = "Output")]
    #[arg(conflicts_with = "deals")]
    pub shard: Option<Shard>,
}

/// Whether the site mines while it is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MineDuring {
    /// The whole fleet keeps mining until the lease starts.
    Full,
    /// A share of the fleet keeps mining (--mine-during-conversion-pct, default 50).
    Partial,
    /// Mining stops on day 0.
    None,
}

/// Runs `minecalc pivot`.
pub fn run(a: &PivotArgs) -> Result<(), Error> {
    let format: Format = a.output.format.into();
    let header = &a.output.style();
    let out = a.output.path();
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
                    "default lease rate: {}/kW-month, the median implied rate of the {n} colocation leases (rows repeating an earlier deal's cumulative total and GPU-cloud contracts left out)",
                    usd(m, 2)
                ),
            ],
            None => Vec::new(),
        };
        return write_all(format, header, out, pre, Vec::new(), &table);
    }
    if a.shard.is_some() && a.vary.is_empty() {
        return Err(Error::input(
            "--shard splits the combinations of --vary (a decision map); one case, and its --paths, runs whole",
        ));
    }
    let setup = a.params.plan()?;
    a.risk.check(!a.vary.is_empty())?;
    if !a.vary.is_empty() {
        return map(a, &setup, median);
    }
    let mut scenario: Scenario = setup.plan.scenario.clone();
    let Resolved { inputs, notes } = resolve(&setup.spec, &mut scenario, median)?;
    if let Some(mc) = a.risk.settings() {
        return risk::run(a, &mc, &scenario, &inputs, |p| {
            preamble(&setup.plan, &setup.source, &scenario, &inputs, p, &notes)
        });
    }
    let plot = risk::PlotFile::open(a.risk.plot.as_deref())?;
    let p = pivot::pivot(&scenario, &inputs)?;
    if let Some(file) = plot {
        risk::draw(file, &scenario, &inputs, &p, None)?;
    }
    let pre = if format == Format::Table {
        preamble(&setup.plan, &setup.source, &scenario, &inputs, &p, &notes)
    } else {
        Vec::new()
    };
    write_all(format, header, out, pre, Vec::new(), &p.rows)
}

/// One run's inputs, and what its header must say about them.
struct Resolved {
    inputs: PivotInputs,
    notes: Notes,
}

/// The site and lease flags, with their defaults, as the model's inputs. Without a fleet
/// (--hashrate, --machine) the scenario's fleet is scaled to fill the site.
fn resolve(
    spec: &Spec,
    scenario: &mut Scenario,
    median: Option<(f64, usize)>,
) -> Result<Resolved, Error> {
    let fleet_given = scenario::gives_fleet(spec);
    // The mining case is run rationally: machines switch off on days the hashprice does not
    // cover their power cost (the curtailment rule), unless --always-on keeps them running.
    let always_on = spec.switch("always-on");
    if always_on && spec.switch("curtail") {
        return Err(Error::input(
            "--always-on cannot be used with --curtail: the mining case either switches off on losing days (the default) or runs every day (--always-on)",
        ));
    }
    scenario.fleet.curtail.shutdown = !always_on;
    let site_mw = match (spec.num("site-mw")?, fleet_given) {
        (Some(mw), _) => mw,
        (None, true) => pivot::fleet_mw(&scenario.fleet),
        (None, false) => DEFAULT_SITE_MW,
    };
    if !fleet_given {
        pivot::fill_site(&mut scenario.fleet, site_mw)?;
    }
    let (pue, it_given) = (spec.num("pue")?, spec.num("it-mw")?);
    if let (Some(_), Some(_)) = (pue, it_given) {
        return Err(Error::input(
            "--pue cannot be used with --it-mw: the IT load is --it-mw, or --site-mw / --pue",
        ));
    }
    let it_mw = match it_given {
        Some(mw) => mw,
        None => pivot::it_mw_from_pue(site_mw, pue.unwrap_or(DEFAULT_PUE))?,
    };
    let (lease_rate, lease_default) = match (spec.num("lease-usd-per-kw-month")?, median) {
        (Some(r), _) => (r, None),
        (None, Some((m, n))) => (m, Some(n)),
        (None, None) => {
            return Err(Error::runtime(
                "data/hpc_deals.csv has no colocation lease to take a default rate from; give --lease-usd-per-kw-month",
            ))
        }
    };
    let discount_given = spec.has("discount-rate");
    let discount_rate = if discount_given {
        scenario.fleet.discount_rate
    } else {
        DEFAULT_DISCOUNT_RATE_PCT / 100.0
    };
    let mode = match spec.choice("mine-during-conversion")? {
        Some("full") => MineDuring::Full,
        Some("none") => MineDuring::None,
        _ => MineDuring::Partial,
    };
    let share = match (mode, spec.num("mine-during-conversion-pct")?) {
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
        lease_years: spec.num("lease-years")?.unwrap_or(DEFAULT_LEASE_YEARS),
        lease_escalator: spec.num("lease-escalator")?.unwrap_or(0.0) / 100.0,
        noi_margin: spec.num("noi-margin")?.unwrap_or(DEFAULT_NOI_MARGIN_PCT) / 100.0,
        conversion_capex_usd_per_mw: spec
            .num("conversion-capex-usd-per-mw")?
            .unwrap_or(DEFAULT_CONVERSION_CAPEX_USD_PER_MW),
        conversion_months: spec
            .num("conversion-months")?
            .unwrap_or(DEFAULT_CONVERSION_MONTHS),
        mining_share_during_conversion: share,
        discount_rate,
    };
    let notes = Notes {
        fleet_filled: !fleet_given,
        site_default: !spec.has("site-mw") && !fleet_given,
        pue: it_given.is_none().then(|| pue.unwrap_or(DEFAULT_PUE)),
        pue_default: it_given.is_none() && pue.is_none(),
        lease_default,
        discount_default: !discount_given,
        mode,
    };
    Ok(Resolved { inputs, notes })
}

fn parse_vary(s: &str) -> Result<Axis, String> {
    let name = s
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("--");
    if minecalc::params::lookup(name).is_some_and(|p| p.section == Section::Horizon) {
        return Err(format!(
            "pivot's horizon is the conversion plus the lease term; vary conversion-months or lease-years instead of {name}"
        ));
    }
    parse_axis_with(s, &|p| PivotSet::accepts(p)).map_err(|e| {
        let m = e.to_string();
        m.split_once(": ")
            .map_or(m.clone(), |(_, rest)| rest.to_string())
    })
}

/// The map's base case: the flags, the planned scenario, the default lease and today (read
/// once, for a `--start today`).
struct MapBase<'a> {
    setup: &'a PlanSetup,
    median: Option<(f64, usize)>,
    today: Option<NaiveDate>,
}

/// The inputs of one combination of the map: the flags with `values` set on the axes.
fn combination_inputs(
    b: &MapBase,
    axes: &[Axis],
    values: &[f64],
) -> Result<(Scenario, Resolved), Error> {
    let setup = b.setup;
    let mut spec = setup.spec.clone();
    let mut replan = false;
    for (axis, v) in axes.iter().zip(values) {
        spec.set(&axis.name, *v)?;
        replan |= !matches!(axis.param().section, Section::Site | Section::Lease);
    }
    let mut scenario = if replan {
        // A scenario parameter varies: plan the scenario again, as `sweep` does.
        scenario::plan(&spec, &setup.base, &setup.series, b.today)?.scenario
    } else {
        setup.plan.scenario.clone()
    };
    let r = resolve(&spec, &mut scenario, b.median)?;
    Ok((scenario, r))
}

/// `pivot --vary`: one summary row per combination, in parallel, streamed in order.
fn map(a: &PivotArgs, setup: &PlanSetup, median: Option<(f64, usize)>) -> Result<(), Error> {
    let names: Vec<&str> = a.vary.iter().map(|x| x.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::input(format!("--vary {} is given twice", w[0])));
    }
    for (varied, other, other_given) in [
        ("pue", "it-mw", setup.spec.has("it-mw")),
        ("it-mw", "pue", setup.spec.has("pue")),
    ] {
        if names.contains(&varied) && (other_given || names.contains(&other)) {
            let with = if other_given {
                format!("--{other}")
            } else {
                format!("--vary {other}")
            };
            return Err(Error::input(format!(
                "--vary {varied} cannot be used with {with}: the IT load is --it-mw, or --site-mw / --pue"
            )));
        }
    }
    let total = sweep::count(&a.vary)?;
    let base = MapBase {
        setup,
        median,
        today: Some(chrono::Utc::now().date_naive()),
    };
    // Each value alone on the base case, before any row is written: a value the model
    // rejects (a 60-year lease, a PUE below 1) stops the run with nothing on stdout.
    for axis in &a.vary {
        for v in &axis.values {
            let one = std::slice::from_ref(axis);
            combination_inputs(&base, one, &[*v])
                .and_then(|(_, r)| r.inputs.validate())
                .map_err(|e| Error::input(format!("--vary {}={v}: {e}", axis.name)))?;
        }
    }
    let shard = a.shard.unwrap_or(Shard::WHOLE);
    if a.shard.is_some() {
        super::sweep::check_shard(a.output.format.into(), a.risk.plot.is_some())?;
    }
    let (first, end) = shard.range(total);
    let bar = Progress::new((end - first) as u64, "combinations");
    let format: Format = a.output.format.into();
    let mut style = a.output.style();
    style.header &= shard.carries_header(total);
    let mut w = RowWriter::new(format, &style, Dest::open(a.output.path())?);
    if format == Format::Table {
        w.preamble(map_preamble(a, setup, median, total));
    }
    // Combinations with the same network-side values (any site, lease, fleet or finance
    // values) have the same days: each network is walked once per horizon.
    let chains = sweep::ChainCache::default();
    let result = sweep::run_shard(
        &a.vary,
        shard,
        |values| {
            let (scenario, r) = combination_inputs(&base, &a.vary, values)?;
            let network: Vec<u64> = a
                .vary
                .iter()
                .zip(values)
                .filter(|(axis, _)| {
                    let p = axis.param();
                    !(sweep::fleet_side(p) || matches!(p.section, Section::Site | Section::Lease))
                })
                .map(|(_, v)| v.to_bits())
                .collect();
            pivot::summary_shared(&scenario, &r.inputs, &chains, &network)
        },
        |values, row| {
            let prefix: Vec<(String, Value)> = a
                .vary
                .iter()
                .zip(values)
                .map(|(axis, v)| {
                    let n = serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number);
                    (axis.column(), n)
                })
                .collect();
            w.write_prefixed(&prefix, row)
        },
        |done| bar.set(done as u64),
    );
    bar.finish();
    result?;
    w.finish()?.commit()
}

/// The map's header: what a row is, the base case the axes replace, how `decision` reads.
fn map_preamble(
    a: &PivotArgs,
    setup: &PlanSetup,
    median: Option<(f64, usize)>,
    total: usize,
) -> Vec<String> {
    let varied: Vec<&str> = a.vary.iter().map(|x| x.name.as_str()).collect();
    let mut lines = vec![format!(
        "minecalc pivot --vary: {total} combinations of {}, network from {}; each row is a whole `pivot` run (the conversion plus the lease term) with those values",
        varied.join(" x "),
        setup.source
    )];
    let mut scenario = setup.plan.scenario.clone();
    if let Ok(Resolved { inputs: i, notes }) = resolve(&setup.spec, &mut scenario, median) {
        let g = &setup.plan.network.drivers;
        lines.push(format!(
            "base     site {} MW, {} MW of IT; lease {}/kW-month{} for {} years, escalator {}/yr, NOI {}%; capex {} per MW of IT over {} months, {}% of the fleet mining meanwhile; discount {}%/yr; price {}/yr, hashrate {}/yr from {}. Each row's varied values replace these",
            num(i.site_mw, 1),
            num(i.it_mw, 1),
            usd(i.lease_usd_per_kw_month, 2),
            if notes.lease_default.is_some() { " (the deals' median)" } else { "" },
            num(i.lease_years, 1),
            signed_pct(i.lease_escalator),
            num(i.noi_margin * 100.0, 0),
            musd(i.conversion_capex_usd_per_mw, 1),
            num(i.conversion_months, 1),
            num(i.mining_share_during_conversion * 100.0, 0),
            num(i.discount_rate * 100.0, 1),
            signed_pct(g.price_usd.annual_growth),
            signed_pct(g.hashrate_hs.annual_growth),
            usd(scenario.network.price_usd, 0),
        ));
    }
    lines.push(format!(
        "mining   {}",
        if setup.spec.switch("always-on") {
            "runs every day, at a loss too (--always-on)"
        } else {
            "switches off on days the hashprice does not cover its power cost, and back on when it does (--always-on keeps it running)"
        }
    ));
    lines.extend(setup.plan.hashprice_note.clone());
    lines.push(
        "decision `mine` where NPV mining - NPV converting (NPV diff) is above 0, else `convert`"
            .to_string(),
    );
    lines
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
        minecalc::report::tables::network_line(source, st),
        format!(
            "paths    hashrate {}/yr{}, price {}/yr, fees {}/yr from the start; the same engine as `project`",
            signed_pct(g.hashrate_hs.annual_growth),
            plan.growth_note,
            signed_pct(g.price_usd.annual_growth),
            signed_pct(g.fees_btc_per_block.annual_growth)
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
                "switches off on days the hashprice does not cover its power cost, and back on when it does (--always-on keeps it running)"
            } else {
                "runs every day, at a loss too (--always-on)"
            },
            if fl.capex_usd > 0.0 {
                format!("fleet capex {} on day 0", musd(fl.capex_usd, 1))
            } else {
                "machines already owned (no capex)".to_string()
            }
        ),
        format!(
            "convert  capex {} per MW of IT = {}, spread over {} months ({} days) while {}",
            musd(i.conversion_capex_usd_per_mw, 1),
            musd(p.capex_usd, 1),
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
                    " (default: the median implied rate of the {k} colocation leases in data/hpc_deals.csv; --deals lists them)"
                ),
                None => String::new(),
            },
            num(i.lease_years, 1),
            signed_pct(i.lease_escalator),
            num(i.noi_margin * 100.0, 0),
            musd(i.first_year_rent_usd(), 1),
            musd(i.first_year_rent_usd() * i.noi_margin, 1)
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
    if let Some(note) = &plan.hashprice_note {
        lines.push(note.clone());
        lines.push("         the breakeven BTC growth and --paths scale that revenue with the BTC price (the hashvalue, BTC a PH/s earns, is the path's / the price path's)".to_string());
    }
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
        format!("mining is worth {} more than converting", musd(d, 1))
    } else if d < 0.0 {
        format!("converting is worth {} more than mining", musd(-d, 1))
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
        musd(p.npv_mining_usd, 1),
        musd(p.npv_convert_usd, 1),
        musd(p.npv_mining_usd / i.site_mw, 1),
        musd(p.npv_convert_usd / i.site_mw, 1),
    );
    if !lease.is_empty() {
        s.push_str("; ");
        s.push_str(&lease);
    }
    s
}
