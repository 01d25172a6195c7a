//! The network as a whole: installed and running hashrate, efficiency, power, energy, the
//! miners' revenue and electricity bill, each machine cohort's hashprice against its breakeven,
//! the regions' shares, and what happens when a region's mining leaves.
//!
//! - Installed and running mean what they mean in the response model
//!   ([`crate::model::response`]): the network hashrate of the state is the *running* hashrate
//!   (the machines that find the blocks); the *installed* base is the running hashrate plus the
//!   machines switched off. data/network_fleet.csv splits the installed base into dated, sourced
//!   cohorts (share, efficiency, power price). A cohort is *underwater* when its hashcost
//!   (efficiency x 24 h x USD/kWh per PH/s) is above today's hashprice, and is then off (the
//!   response model's rule with no spread of power costs within a cohort); the cohorts that
//!   cover their power run the state's hashrate, so installed = running / their share. Power,
//!   energy, revenue and the electricity bill are the running machines'. When no cohort covers
//!   its power (yet blocks are found), every cohort is counted as running.
//! - Hashprice now is the next block's subsidy plus the fees, at today's difficulty.
//! - data/regions.csv gives each region's share of the (running) hashrate. A region's power is
//!   its hashrate at an assumed efficiency (by default the running machines' average).
//! - A removal (`US=10GW` or `US=30%`) takes that hashrate off the network from the start day
//!   (GW become EH/s at the assumed efficiency). The engine then runs the network twice from the
//!   start, with and without the removal, on the same paths, until the removal run has passed
//!   two retargets: the difficulty after each, and the hashprice a day after the second, against
//!   the run without the removal on the same day. Hashprice does not move until the first
//!   retarget (blocks come slower, each miner's share is larger); the retargets pass the
//!   loss of hashrate on to every remaining miner.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::chain;
use crate::model::engine::Engine;
use crate::model::fleet::hashcost_usd_per_ph_day;
use crate::model::hashprice::hashprice;
use crate::model::network::{positive, NetworkState, Path, PathDrivers};
use crate::model::response::MIN_RUNNING_SHARE;
use crate::report::num;

/// The fleet cohorts embedded in the binary (data/network_fleet.csv).
pub const EMBEDDED_COHORTS_CSV: &str = include_str!("../../data/network_fleet.csv");
/// The regions embedded in the binary (data/regions.csv).
pub const EMBEDDED_REGIONS_CSV: &str = include_str!("../../data/regions.csv");
/// Days the engine runs at most to see two retargets after a removal.
pub const MAX_RESPONSE_DAYS: usize = 3 * 365;

/// A group of machines of one generation at one power price, as a share of the hashrate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    /// What the cohort is.
    #[serde(rename = "cohort")]
    pub name: String,
    /// Share of the network hashrate, %.
    pub share_pct: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Electricity price, USD/kWh.
    pub power_cost_usd_per_kwh: f64,
    /// Date of the figures.
    pub as_of: NaiveDate,
    /// Where the figures come from.
    pub source: String,
}

/// A region's share of the hashrate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Name.
    pub region: String,
    /// Short code (US, RU, CN, …).
    pub code: String,
    /// Share of the network hashrate, %.
    pub share_pct: f64,
    /// Date of the share.
    pub as_of: NaiveDate,
    /// Where it comes from.
    pub source: String,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, Error> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, r) in rdr.deserialize::<T>().enumerate() {
        out.push(r.map_err(|e| Error::input(format!("{name} row {}: {e}", i + 2)))?);
    }
    Ok(out)
}

/// Checks that shares are positive and sum to 100% (within 0.01).
fn check_shares(name: &str, shares: impl Iterator<Item = f64>) -> Result<(), Error> {
    let mut sum = 0.0;
    for s in shares {
        if !(s.is_finite() && s >= 0.0) {
            return Err(Error::input(format!("{name}: a share is {s}")));
        }
        sum += s;
    }
    if (sum - 100.0).abs() > 0.01 {
        return Err(Error::input(format!(
            "{name}: shares sum to {sum}%, not 100%"
        )));
    }
    Ok(())
}

/// Parses and checks a cohort table.
pub fn parse_cohorts(text: &str) -> Result<Vec<Cohort>, Error> {
    let v: Vec<Cohort> = parse_csv("network fleet table", text)?;
    check_shares("network fleet table", v.iter().map(|c| c.share_pct))?;
    for c in &v {
        positive("network fleet efficiency", c.efficiency_j_per_th)?;
    }
    Ok(v)
}

/// Parses and checks a region table.
pub fn parse_regions(text: &str) -> Result<Vec<Region>, Error> {
    let v: Vec<Region> = parse_csv("region table", text)?;
    check_shares("region table", v.iter().map(|r| r.share_pct))?;
    Ok(v)
}

/// The embedded cohorts.
pub fn cohorts() -> Vec<Cohort> {
    // Checked by a unit test; a failure here is a build defect.
    parse_cohorts(EMBEDDED_COHORTS_CSV)
        .unwrap_or_else(|e| panic!("embedded data/network_fleet.csv: {e}"))
}

/// The embedded regions.
pub fn regions() -> Vec<Region> {
    parse_regions(EMBEDDED_REGIONS_CSV).unwrap_or_else(|e| panic!("embedded data/regions.csv: {e}"))
}

/// Hashrate-weighted average efficiency of the cohorts, J/TH.
pub fn average_efficiency(cohorts: &[Cohort]) -> f64 {
    let s: f64 = cohorts.iter().map(|c| c.share_pct).sum();
    cohorts
        .iter()
        .map(|c| c.share_pct * c.efficiency_j_per_th)
        .sum::<f64>()
        / s
}

/// How much of a region's mining leaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Power, GW (turned into hashrate at the assumed efficiency).
    Gw(f64),
    /// Hashrate, EH/s.
    EhS(f64),
    /// A share of the region's hashrate, %.
    Pct(f64),
}

/// A region's mining that leaves the network (`--remove US=10GW`).
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    /// The region, by code or name (case-insensitive).
    pub region: String,
    /// How much.
    pub amount: Amount,
    /// The text the user gave, for messages.
    pub text: String,
}

/// One row of the cohort view: a cohort, or the whole network (`scope` says which). One flat
/// type for every format; the `_after` columns are empty without a removal.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CohortRow {
    /// `cohort` or `network`.
    pub scope: String,
    /// The cohort, or `network`.
    pub name: String,
    /// Share of the network hashrate, %.
    pub share_pct: f64,
    /// Installed hashrate, EH/s.
    pub hashrate_eh_s: f64,
    /// Hashrate whose hashcost today's hashprice covers, EH/s.
    pub running_hashrate_eh_s: f64,
    /// Efficiency, J/TH (the network row: hashrate-weighted average).
    pub efficiency_j_per_th: f64,
    /// Electricity price, USD/kWh (the network row: energy-weighted average).
    pub power_cost_usd_per_kwh: f64,
    /// Power draw, GW.
    pub power_gw: f64,
    /// Energy a year at that draw, TWh.
    pub energy_twh_per_year: f64,
    /// Revenue a day at today's hashprice, USD.
    pub revenue_usd_per_day: f64,
    /// Electricity bill a day, USD.
    pub electricity_usd_per_day: f64,
    /// Hashprice today, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// Electricity per PH/s per day, USD (the breakeven hashprice).
    pub hashcost_usd_per_ph_day: f64,
    /// hashprice - hashcost, USD per PH/s per day.
    pub margin_usd_per_ph_day: f64,
    /// Power price at which today's hashprice equals the hashcost, USD/kWh.
    pub breakeven_power_cost_usd_per_kwh: f64,
    /// True when the hashcost is above today's hashprice.
    pub underwater: bool,
    /// Hashprice a day after the removal's second retarget, USD/PH/day.
    pub hashprice_after_usd_per_ph_day: Option<f64>,
    /// Hashprice on the same day without the removal, USD/PH/day.
    pub hashprice_baseline_usd_per_ph_day: Option<f64>,
    /// after / baseline - 1, %.
    pub hashprice_change_pct: Option<f64>,
    /// hashprice after - hashcost, USD/PH/day.
    pub margin_after_usd_per_ph_day: Option<f64>,
    /// Network hashrate after the removal, EH/s (network row).
    pub hashrate_after_eh_s: Option<f64>,
    /// Network power draw after the removal, GW (network row).
    pub power_after_gw: Option<f64>,
    /// Difficulty now (network row).
    pub difficulty: Option<f64>,
    /// Difficulty after the removal's first retarget (network row).
    pub difficulty_after_first_retarget: Option<f64>,
    /// Difficulty after the removal's second retarget (network row).
    pub difficulty_after_second_retarget: Option<f64>,
    /// Date of the cohort figures.
    pub as_of: Option<NaiveDate>,
}

/// One row of the region view. One flat type for every format.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RegionRow {
    /// Region.
    pub region: String,
    /// Code.
    pub code: String,
    /// Share of the network hashrate, %.
    pub share_pct: f64,
    /// Hashrate, EH/s.
    pub hashrate_eh_s: f64,
    /// Efficiency assumed for the region's machines, J/TH.
    pub efficiency_j_per_th: f64,
    /// Power draw at that efficiency, GW.
    pub power_gw: f64,
    /// Hashrate that leaves, EH/s (empty without a removal).
    pub removed_eh_s: Option<f64>,
    /// Share after the removal, %.
    pub share_after_pct: Option<f64>,
    /// Hashrate after the removal, EH/s.
    pub hashrate_after_eh_s: Option<f64>,
    /// Power draw after the removal, GW.
    pub power_after_gw: Option<f64>,
    /// Date of the share.
    pub as_of: NaiveDate,
    /// Where the share comes from.
    pub source: String,
}

/// A retarget after a removal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retarget {
    /// The day it happens.
    pub date: NaiveDate,
    /// First height of the new epoch.
    pub height: u64,
    /// Difficulty after it.
    pub difficulty: f64,
    /// Difficulty after it in the run without the removal (its retarget of the same height).
    pub baseline_difficulty: Option<f64>,
}

/// What a removal does.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovalEffect {
    /// The region's name and code.
    pub region: String,
    /// Its code.
    pub code: String,
    /// The removal as the user wrote it.
    pub text: String,
    /// Hashrate that leaves, EH/s.
    pub removed_eh_s: f64,
    /// Power that leaves, GW.
    pub removed_gw: f64,
    /// Efficiency used to turn GW into EH/s, J/TH.
    pub efficiency_j_per_th: f64,
    /// The region's share before and after, %.
    pub share_before_pct: f64,
    /// After.
    pub share_after_pct: f64,
    /// Network hashrate before and after, EH/s.
    pub hashrate_before_eh_s: f64,
    /// After.
    pub hashrate_after_eh_s: f64,
    /// Minutes between blocks until the first retarget.
    pub block_interval_min: f64,
    /// The first two retargets after the removal (fewer if the engine saw fewer in 3 years).
    pub retargets: Vec<Retarget>,
    /// The day the hashprice is compared: a day after the second retarget.
    pub compared_on: Option<NaiveDate>,
    /// Hashprice on that day with the removal, USD/PH/day.
    pub hashprice_after_usd_per_ph_day: Option<f64>,
    /// And without it.
    pub hashprice_baseline_usd_per_ph_day: Option<f64>,
}

/// The whole view.
#[derive(Debug, Clone, PartialEq)]
pub struct NetView {
    /// The network state.
    pub state: NetworkState,
    /// Hashprice now, USD/PH/day.
    pub hashprice_usd_per_ph_day: f64,
    /// One row per cohort, then the network row.
    pub cohorts: Vec<CohortRow>,
    /// One row per region.
    pub regions: Vec<RegionRow>,
    /// Efficiency assumed for regions, J/TH.
    pub region_efficiency_j_per_th: f64,
    /// What the removal does, if one was asked for.
    pub removal: Option<RemovalEffect>,
}

/// Hours in a year.
const HOURS_PER_YEAR: f64 = 8760.0;

/// GW drawn by `eh_s` of hashrate at `j_per_th`.
pub fn gw(eh_s: f64, j_per_th: f64) -> f64 {
    eh_s * 1e6 * j_per_th / 1e9
}

/// EH/s that `gw` of power runs at `j_per_th`.
pub fn eh_s(gw: f64, j_per_th: f64) -> f64 {
    gw * 1e9 / j_per_th / 1e6
}

/// Builds the view. `region_efficiency` is the J/TH assumed for the regions' machines
/// (`None`: the cohorts' average).
pub fn view(
    state: &NetworkState,
    drivers: &PathDrivers,
    cohorts: &[Cohort],
    regions: &[Region],
    region_efficiency: Option<f64>,
    removal: Option<&Removal>,
) -> Result<NetView, Error> {
    let hp = hashprice(state, None, None)?.hashprice_usd_per_ph_day;
    // The state's hashrate is the running hashrate; the cohorts that cover their power run it.
    let h_run = state.hashrate_eh_s();
    let share_sum: f64 = cohorts.iter().map(|c| c.share_pct).sum();
    let covers =
        |c: &Cohort| hashcost_usd_per_ph_day(c.efficiency_j_per_th, c.power_cost_usd_per_kwh) <= hp;
    let running_share: f64 = cohorts
        .iter()
        .filter(|c| covers(c))
        .map(|c| c.share_pct / share_sum)
        .sum();
    let all_run = running_share < MIN_RUNNING_SHARE;
    let h_installed = if all_run {
        h_run
    } else {
        h_run / running_share
    };
    let mut rows: Vec<CohortRow> = cohorts
        .iter()
        .map(|c| {
            let h = h_installed * c.share_pct / share_sum;
            let hashcost = hashcost_usd_per_ph_day(c.efficiency_j_per_th, c.power_cost_usd_per_kwh);
            let underwater = hashcost > hp;
            let running = if all_run || !underwater { h } else { 0.0 };
            let p = gw(running, c.efficiency_j_per_th);
            CohortRow {
                scope: "cohort".into(),
                name: c.name.clone(),
                share_pct: c.share_pct / share_sum * 100.0,
                hashrate_eh_s: h,
                running_hashrate_eh_s: running,
                efficiency_j_per_th: c.efficiency_j_per_th,
                power_cost_usd_per_kwh: c.power_cost_usd_per_kwh,
                power_gw: p,
                energy_twh_per_year: p * HOURS_PER_YEAR / 1000.0,
                revenue_usd_per_day: hp * running * 1000.0,
                electricity_usd_per_day: p * 1e6 * 24.0 * c.power_cost_usd_per_kwh,
                hashprice_usd_per_ph_day: hp,
                hashcost_usd_per_ph_day: hashcost,
                margin_usd_per_ph_day: hp - hashcost,
                breakeven_power_cost_usd_per_kwh: hp / (c.efficiency_j_per_th * 24.0),
                underwater,
                as_of: Some(c.as_of),
                ..CohortRow::default()
            }
        })
        .collect();
    let sum = |f: fn(&CohortRow) -> f64| rows.iter().map(f).sum::<f64>();
    let power = sum(|r| r.power_gw);
    let bill = sum(|r| r.electricity_usd_per_day);
    let hashcost = bill / (h_run * 1000.0);
    // The running machines' average efficiency: their power over their hashrate.
    let avg_eff = power * 1e3 / h_run;
    let reg_eff = match region_efficiency {
        Some(e) => {
            positive("--region-efficiency", e)?;
            e
        }
        None => avg_eff,
    };
    let h_eh = h_run;
    let mut total = CohortRow {
        scope: "network".into(),
        name: "network".into(),
        share_pct: 100.0,
        hashrate_eh_s: h_installed,
        running_hashrate_eh_s: h_run,
        efficiency_j_per_th: avg_eff,
        power_cost_usd_per_kwh: bill / (power * 1e6 * 24.0),
        power_gw: power,
        energy_twh_per_year: power * HOURS_PER_YEAR / 1000.0,
        revenue_usd_per_day: sum(|r| r.revenue_usd_per_day),
        electricity_usd_per_day: bill,
        hashprice_usd_per_ph_day: hp,
        hashcost_usd_per_ph_day: hashcost,
        margin_usd_per_ph_day: hp - hashcost,
        breakeven_power_cost_usd_per_kwh: hp / (avg_eff * 24.0),
        underwater: hashcost > hp,
        difficulty: Some(state.difficulty),
        as_of: cohorts.iter().map(|c| c.as_of).max(),
        ..CohortRow::default()
    };
    let reg_sum: f64 = regions.iter().map(|r| r.share_pct).sum();
    let mut region_rows: Vec<RegionRow> = regions
        .iter()
        .map(|r| {
            let h = h_eh * r.share_pct / reg_sum;
            RegionRow {
                region: r.region.clone(),
                code: r.code.clone(),
                share_pct: r.share_pct / reg_sum * 100.0,
                hashrate_eh_s: h,
                efficiency_j_per_th: reg_eff,
                power_gw: gw(h, reg_eff),
                as_of: r.as_of,
                source: r.source.clone(),
                ..RegionRow::default()
            }
        })
        .collect();
    let removal = match removal {
        None => None,
        Some(rm) => {
            let eff = apply_removal(state, drivers, rm, reg_eff, &mut region_rows)?;
            let hp_after = eff.hashprice_after_usd_per_ph_day;
            let hp_base = eff.hashprice_baseline_usd_per_ph_day;
            for r in rows.iter_mut().chain(std::iter::once(&mut total)) {
                r.hashprice_after_usd_per_ph_day = hp_after;
                r.hashprice_baseline_usd_per_ph_day = hp_base;
                r.hashprice_change_pct = hp_after.zip(hp_base).map(|(a, b)| (a / b - 1.0) * 100.0);
                r.margin_after_usd_per_ph_day = hp_after.map(|a| a - r.hashcost_usd_per_ph_day);
            }
            total.hashrate_after_eh_s = Some(eff.hashrate_after_eh_s);
            total.power_after_gw = Some(power - eff.removed_gw);
            total.difficulty_after_first_retarget = eff.retargets.first().map(|r| r.difficulty);
            total.difficulty_after_second_retarget = eff.retargets.get(1).map(|r| r.difficulty);
            Some(eff)
        }
    };
    rows.push(total);
    Ok(NetView {
        state: state.clone(),
        hashprice_usd_per_ph_day: hp,
        cohorts: rows,
        regions: region_rows,
        region_efficiency_j_per_th: reg_eff,
        removal,
    })
}

fn apply_removal(
    state: &NetworkState,
    drivers: &PathDrivers,
    rm: &Removal,
    reg_eff: f64,
    regions: &mut [RegionRow],
) -> Result<RemovalEffect, Error> {
    let want = rm.region.trim();
    let codes: Vec<String> = regions.iter().map(|r| r.code.clone()).collect();
    let idx = regions
        .iter()
        .position(|r| r.code.eq_ignore_ascii_case(want) || r.region.eq_ignore_ascii_case(want))
        .ok_or_else(|| {
            Error::input(format!(
                "--remove {}: no region \"{want}\"; regions: {}",
                rm.text,
                codes.join(", ")
            ))
        })?;
    let region_h = regions[idx].hashrate_eh_s;
    let removed = match rm.amount {
        Amount::Gw(g) => {
            positive(&format!("--remove {} (GW)", rm.text), g)?;
            eh_s(g, reg_eff)
        }
        Amount::EhS(h) => {
            positive(&format!("--remove {} (EH/s)", rm.text), h)?;
            h
        }
        Amount::Pct(p) => {
            if !(p.is_finite() && p > 0.0 && p <= 100.0) {
                return Err(Error::input(format!(
                    "--remove {}: the share must be more than 0% and at most 100%, got {p}%",
                    rm.text
                )));
            }
            region_h * p / 100.0
        }
    };
    if removed > region_h * (1.0 + 1e-12) {
        return Err(Error::input(format!(
            "--remove {} is more than {}'s mining: {} EH/s ({}% of {} EH/s) draws {} GW at {} J/TH",
            rm.text,
            regions[idx].code,
            num(region_h, 1),
            num(regions[idx].share_pct, 2),
            num(state.hashrate_eh_s(), 1),
            num(gw(region_h, reg_eff), 2),
            num(reg_eff, 1)
        )));
    }
    let removed = removed.min(region_h);
    let h_before = state.hashrate_eh_s();
    let h_after = h_before - removed;
    if h_after <= 0.0 {
        return Err(Error::input(format!(
            "--remove {} leaves no hashrate on the network",
            rm.text
        )));
    }
    for (i, r) in regions.iter_mut().enumerate() {
        let h = if i == idx {
            r.hashrate_eh_s - removed
        } else {
            r.hashrate_eh_s
        };
        r.removed_eh_s = Some(if i == idx { removed } else { 0.0 });
        r.hashrate_after_eh_s = Some(h);
        r.share_after_pct = Some(h / h_after * 100.0);
        r.power_after_gw = Some(gw(h, r.efficiency_j_per_th));
    }
    // The engine, with and without the removal, on the same paths.
    let scale = h_after / h_before;
    let mut reduced = drivers.clone();
    reduced.hashrate_hs = scaled(&drivers.hashrate_hs, scale);
    let mut base = Engine::new(state, drivers.clone());
    let mut cut = Engine::new(state, reduced);
    let mut retargets: Vec<Retarget> = Vec::new();
    let mut base_retargets: Vec<(u64, f64)> = Vec::new();
    let mut compared = None;
    for _ in 0..MAX_RESPONSE_DAYS {
        let b = base.step();
        let c = cut.step();
        for &(h, _) in &b.retargets {
            base_retargets.push((h, base.difficulty()));
        }
        if retargets.len() >= 2 {
            compared = Some((
                c.date,
                c.hashprice_usd_per_ph_day(),
                b.hashprice_usd_per_ph_day(),
            ));
            break;
        }
        for &(h, _) in &c.retargets {
            if retargets.len() < 2 {
                retargets.push(Retarget {
                    date: c.date,
                    height: h,
                    difficulty: cut.difficulty(),
                    baseline_difficulty: None,
                });
            }
        }
    }
    // A day holds at most one retarget at these rates; with two, the engine's difficulty at the
    // day's end is the second one's. Match the baseline's retargets by height.
    for r in &mut retargets {
        r.baseline_difficulty = base_retargets
            .iter()
            .find(|(h, _)| *h == r.height)
            .map(|(_, d)| *d);
    }
    let rr = &regions[idx];
    Ok(RemovalEffect {
        region: rr.region.clone(),
        code: rr.code.clone(),
        text: rm.text.clone(),
        removed_eh_s: removed,
        removed_gw: gw(removed, reg_eff),
        efficiency_j_per_th: reg_eff,
        share_before_pct: rr.share_pct,
        share_after_pct: rr.share_after_pct.unwrap_or_default(),
        hashrate_before_eh_s: h_before,
        hashrate_after_eh_s: h_after,
        block_interval_min: chain::TARGET_SPACING_S / 60.0
            * (chain::hashrate_from_difficulty(state.difficulty) / (h_after * 1e18)),
        retargets,
        compared_on: compared.map(|c| c.0),
        hashprice_after_usd_per_ph_day: compared.map(|c| c.1),
        hashprice_baseline_usd_per_ph_day: compared.map(|c| c.2),
    })
}

/// A path with every value scaled by `k` (the growth unchanged).
fn scaled(p: &Path, k: f64) -> Path {
    let pts: Vec<(NaiveDate, f64)> = p
        .points
        .iter()
        .map(|&(d, v)| (p.reference + chrono::Duration::days(d), v * k))
        .collect();
    let out = Path::growth(p.value * k, p.reference, p.annual_growth);
    if pts.is_empty() {
        out
    } else {
        out.with_points(&pts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Path;
    use crate::test_util::d;

    /// 1,000 EH/s at equilibrium, at the first block of an epoch, $100,000, no fees.
    fn state() -> NetworkState {
        let h = 1e21;
        NetworkState {
            date: d("2026-01-01"),
            height: 2016 * 480 - 1,
            difficulty: chain::difficulty_from_hashrate(h),
            hashrate_hs: h,
            fees_btc_per_block: 0.0,
            price_usd: 100_000.0,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        }
    }

    fn drivers(s: &NetworkState) -> PathDrivers {
        PathDrivers {
            hashrate_hs: Path::growth(s.hashrate_hs, s.date, 0.0),
            price_usd: Path::growth(s.price_usd, s.date, 0.0),
            fees_btc_per_block: Path::growth(0.0, s.date, 0.0),
            hashprice_usd_per_ph_day: None,
        }
    }

    fn two_cohorts() -> Vec<Cohort> {
        parse_cohorts(
            "cohort,share_pct,efficiency_j_per_th,power_cost_usd_per_kwh,as_of,source\n\
             new,50,15,0.05,2025-12-31,test\n\
             old,50,25,0.08,2025-12-31,test\n",
        )
        .unwrap()
    }

    fn two_regions() -> Vec<Region> {
        parse_regions(
            "region,code,share_pct,as_of,source\n\
             United States,US,40,2025-06-30,test\n\
             Rest of world,ROW,60,2025-06-30,test\n",
        )
        .unwrap()
    }

    #[test]
    fn embedded_tables_parse_and_the_average_is_20_8() {
        let c = cohorts();
        assert_eq!(c.len(), 10);
        // 0.12x14 + 0.22x16.5 + 0.12x17.5 + 0.14x19 + 0.10x22 + 0.05x22 + 0.04x26 + 0.10x29.5
        // + 0.06x29.5 + 0.05x33 = 20.78 J/TH.
        assert!((average_efficiency(&c) - 20.78).abs() < 1e-9);
        let r = regions();
        assert_eq!(r[0].code, "US");
        assert!((r[0].share_pct - 35.81).abs() < 1e-12);
    }

    #[test]
    fn totals_by_hand() {
        // Hashprice = 1e15 x 86,400 / (D x 2^32) x 3.125 x 1e5 with D x 2^32 = 1e21 x 600:
        // 1e15 x 86,400 / 6e23 x 312,500 = $45.00 /PH/day.
        let s = state();
        let v = view(&s, &drivers(&s), &two_cohorts(), &two_regions(), None, None).unwrap();
        assert!((v.hashprice_usd_per_ph_day - 45.0).abs() < 1e-9);
        // The state's 1,000 EH/s is the running hashrate. New: 15 x 24 x 0.05 = $18/PH/day, runs;
        // old: 25 x 24 x 0.08 = $48/PH/day > $45, off. New is half the installed base, so
        // installed = 2,000 EH/s: 1,000 new (all running) and 1,000 old (all off).
        let new = &v.cohorts[0];
        assert!((new.hashrate_eh_s - 1000.0).abs() < 1e-9);
        assert!((new.running_hashrate_eh_s - 1000.0).abs() < 1e-9);
        // 1,000 EH/s at 15 J/TH = 15 GW = 131.4 TWh/yr; bill 15e6 kW x 24 x 0.05 = $18.0M/day.
        assert!((new.power_gw - 15.0).abs() < 1e-9);
        assert!((new.energy_twh_per_year - 131.4).abs() < 1e-9);
        assert!((new.electricity_usd_per_day - 18.0e6).abs() < 1e-3);
        assert!((new.hashcost_usd_per_ph_day - 18.0).abs() < 1e-12);
        assert!(!new.underwater);
        // Old: off, so it draws and bills nothing.
        let old = &v.cohorts[1];
        assert!(old.underwater);
        assert!((old.hashrate_eh_s - 1000.0).abs() < 1e-9);
        assert_eq!(old.running_hashrate_eh_s, 0.0);
        assert_eq!(old.power_gw, 0.0);
        assert_eq!(old.electricity_usd_per_day, 0.0);
        assert!((old.breakeven_power_cost_usd_per_kwh - 0.075).abs() < 1e-12);
        let net = &v.cohorts[2];
        assert_eq!(net.scope, "network");
        assert!((net.hashrate_eh_s - 2000.0).abs() < 1e-9);
        assert!((net.running_hashrate_eh_s - 1000.0).abs() < 1e-9);
        assert!((net.power_gw - 15.0).abs() < 1e-9);
        assert!((net.efficiency_j_per_th - 15.0).abs() < 1e-12);
        // Revenue: 1,000,000 PH x $45 = $45M a day = 144 x 3.125 x $100,000.
        assert!((net.revenue_usd_per_day - 45e6).abs() < 1e-3);
        assert!((net.electricity_usd_per_day - 18e6).abs() < 1e-3);
        // US: 400 EH/s at the running machines' 15 J/TH = 6 GW.
        assert!((v.regions[0].power_gw - 6.0).abs() < 1e-9);
        assert!(net.hashprice_after_usd_per_ph_day.is_none());
    }

    #[test]
    fn removal_by_hand() {
        // Remove 2 GW of US mining at 20 J/TH = 100 EH/s: 10% of the network, 25% of the US.
        // US share: (400 - 100) / 900 = 33.33%. Blocks come every 600 / 0.9 = 666.7 s until the
        // retarget; the epoch's 2016 blocks take 1,344,000 s, so D x 1,209,600 / 1,344,000 =
        // 0.9 D; the next epoch runs at 600 s and keeps it. Hashprice: $45 / 0.9 = $50 (+11.1%).
        let s = state();
        let rm = Removal {
            region: "us".into(),
            amount: Amount::Gw(2.0),
            text: "us=2GW".into(),
        };
        let v = view(
            &s,
            &drivers(&s),
            &two_cohorts(),
            &two_regions(),
            Some(20.0),
            Some(&rm),
        )
        .unwrap();
        let e = v.removal.as_ref().unwrap();
        assert!((e.removed_eh_s - 100.0).abs() < 1e-9);
        assert!((e.hashrate_after_eh_s - 900.0).abs() < 1e-9);
        assert!((e.share_after_pct - 100.0 / 3.0).abs() < 1e-9);
        assert!((e.block_interval_min - 600.0 / 0.9 / 60.0).abs() < 1e-9);
        assert_eq!(e.retargets.len(), 2);
        // 2016 blocks at 129.6 a day: 15.56 days, so the retarget falls on day 15 (Jan 16).
        assert_eq!(e.retargets[0].date, d("2026-01-16"));
        assert_eq!(e.retargets[0].height, 2016 * 481);
        assert!((e.retargets[0].difficulty / s.difficulty - 0.9).abs() < 1e-9);
        assert!((e.retargets[1].difficulty / s.difficulty - 0.9).abs() < 1e-9);
        // Without the removal the difficulty stays.
        assert!((e.retargets[0].baseline_difficulty.unwrap() / s.difficulty - 1.0).abs() < 1e-9);
        assert!((e.hashprice_after_usd_per_ph_day.unwrap() - 50.0).abs() < 1e-6);
        assert!((e.hashprice_baseline_usd_per_ph_day.unwrap() - 45.0).abs() < 1e-6);
        let net = v.cohorts.last().unwrap();
        assert!((net.hashprice_change_pct.unwrap() - 100.0 / 9.0).abs() < 1e-6);
        // The old cohort: $48 hashcost, $2 margin after instead of -$3.
        assert!((v.cohorts[1].margin_after_usd_per_ph_day.unwrap() - 2.0).abs() < 1e-6);
        // The running machines drew 15 GW; 2 GW leave.
        assert!((net.power_after_gw.unwrap() - 13.0).abs() < 1e-9);
        // The same removal as a share: 25% of the US.
        let pct = Removal {
            region: "United States".into(),
            amount: Amount::Pct(25.0),
            text: "United States=25%".into(),
        };
        let w = view(
            &s,
            &drivers(&s),
            &two_cohorts(),
            &two_regions(),
            None,
            Some(&pct),
        )
        .unwrap();
        assert!((w.removal.unwrap().removed_eh_s - 100.0).abs() < 1e-9);
        let row = &w.regions[1];
        assert!((row.share_after_pct.unwrap() - 600.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn removal_errors_name_the_input() {
        let s = state();
        let run = |region: &str, amount: Amount, text: &str| {
            let rm = Removal {
                region: region.into(),
                amount,
                text: text.into(),
            };
            view(
                &s,
                &drivers(&s),
                &two_cohorts(),
                &two_regions(),
                None,
                Some(&rm),
            )
            .unwrap_err()
            .to_string()
        };
        // 10 GW at 20 J/TH = 500 EH/s > the US's 400 EH/s (8 GW).
        assert_eq!(
            run("US", Amount::Gw(10.0), "US=10GW"),
            "--remove US=10GW is more than US's mining: 400.0 EH/s (40.00% of 1,000.0 EH/s) draws 6.00 GW at 15.0 J/TH"
        );
        assert!(run("XX", Amount::Pct(5.0), "XX=5%")
            .starts_with("--remove XX=5%: no region \"XX\"; regions: US, ROW"));
        assert!(run("US", Amount::Pct(120.0), "US=120%").contains("at most 100%, got 120%"));
        assert!(run("US", Amount::Gw(-1.0), "US=-1GW").contains("must be a positive number"));
    }

    #[test]
    fn bad_tables_are_caught() {
        let e = parse_regions("region,code,share_pct,as_of,source\nA,A,60,2025-01-01,s\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "region table: shares sum to 60%, not 100%");
    }
}
