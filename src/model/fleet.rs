//! A fleet: groups of machines, each with its hashrate, efficiency, power cost and uptime.

use chrono::{NaiveDate, Timelike};

use crate::error::Error;
use crate::model::engine::NetDay;
use crate::params::check_model;

/// Hours in a day.
const HOURS_PER_DAY: f64 = 24.0;
/// Days in a year, for rates given per year (wear, failures, depreciation).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// When a group stops running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    /// At 00:00 UTC of this date: the day before is its last.
    Date(NaiveDate),
    /// When the halving block at this height is mined: the group runs the part of that day
    /// before the block.
    Halving(u64),
}

/// What a hosting contract's profit share is a share of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ShareBasis {
    /// Revenue (BTC mined at the day's price).
    #[default]
    Revenue,
    /// The day's margin before the share (revenue - power - hosting fee), when positive.
    Margin,
}

/// One group of identical machines (or a bare hashrate) with its own costs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetGroup {
    /// What the group is ("1 PH/s at 15 J/TH", "Antminer S21 XP x 1000").
    pub label: String,
    /// Installed hashrate, TH/s.
    pub hashrate_ths: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Electricity price, USD/kWh.
    pub power_cost_usd_per_kwh: f64,
    /// Share of the day the machines run, 0..=1.
    pub uptime: f64,
    /// Pool fee, 0..=1.
    pub pool_fee: f64,
    /// Other operating costs, USD per day.
    pub opex_usd_per_day: f64,
    /// Machines in the group (0: a bare hashrate). Hosting fees and resale count them.
    pub units: f64,
    /// First day the group runs (energization), 00:00 UTC; `None`: from the first day.
    pub energize: Option<NaiveDate>,
    /// When the group stops; `None`: it runs to the end.
    pub retire: Option<Retire>,
    /// The day the group's age counts from (wear, failures, depreciation); `None`: it never
    /// ages. Plans set it to the energization date or the projection's first day.
    pub installed_on: Option<NaiveDate>,
    /// Hashrate lost to wear, fraction a year, compounding (the power drawn stays: J/TH rises).
    pub degradation: f64,
    /// Machines failing, fraction a year, compounding (their hashrate, power and fees go).
    pub failure_rate: f64,
    /// Capital spent on the group, USD, on its energization day (or the first day).
    pub capex_usd: f64,
    /// What one surviving machine sells for when the group stops or the horizon ends, USD.
    pub resale_usd_per_unit: f64,
    /// Hosting fee per machine, USD a month, while the group is installed.
    pub hosting_fee_usd_per_month: f64,
    /// The host's profit share, 0..=1.
    pub profit_share: f64,
    /// What the profit share is a share of.
    pub profit_share_basis: ShareBasis,
    /// Straight-line depreciation life of the group's capex, years (0: none).
    pub depreciation_years: f64,
}

impl FleetGroup {
    /// A group running all day with no pool fee and no opex, labelled by its figures.
    pub fn new(
        hashrate_ths: f64,
        efficiency_j_per_th: f64,
        power_cost_usd_per_kwh: f64,
    ) -> FleetGroup {
        FleetGroup {
            label: format!("{hashrate_ths} TH/s at {efficiency_j_per_th} J/TH"),
            hashrate_ths,
            efficiency_j_per_th,
            power_cost_usd_per_kwh,
            uptime: 1.0,
            ..FleetGroup::default()
        }
    }

    /// Checks each figure; errors name the flag that sets it.
    pub fn validate(&self) -> Result<(), Error> {
        check_model("hashrate", self.hashrate_ths, 1.0)?;
        check_model("efficiency", self.efficiency_j_per_th, 1.0)?;
        check_model("power-cost", self.power_cost_usd_per_kwh, 1.0)?;
        check_model("opex", self.opex_usd_per_day, 1.0)?;
        check_model("uptime", self.uptime, 100.0)?;
        check_model("pool-fee", self.pool_fee, 100.0)?;
        check_model("degradation", self.degradation, 100.0)?;
        check_model("failure-rate", self.failure_rate, 100.0)?;
        check_model("hosting-fee", self.hosting_fee_usd_per_month, 1.0)?;
        check_model("profit-share", self.profit_share, 100.0)?;
        if self.depreciation_years != 0.0 {
            check_model("depreciation-years", self.depreciation_years, 1.0)?;
        }
        check_model("resale", self.resale_usd_per_unit, 1.0)?;
        if let (Some(e), Some(Retire::Date(r))) = (self.energize, self.retire) {
            if r <= e {
                return Err(Error::input(format!(
                    "group \"{}\": --retire {r} is not after --energize {e}",
                    self.label
                )));
            }
        }
        Ok(())
    }

    /// The share of `net`'s day the group is installed: 0 before its energization and after
    /// its retirement, the part of the day before the halving block on a halving retirement.
    pub fn online(&self, net: &NetDay) -> f64 {
        if self.energize.is_some_and(|e| net.date < e) {
            return 0.0;
        }
        match self.retire {
            None => 1.0,
            Some(Retire::Date(d)) => f64::from(u8::from(net.date < d)),
            Some(Retire::Halving(h)) => match net.halving {
                Some((hh, at)) if hh == h => {
                    f64::from(at.num_seconds_from_midnight()) / (HOURS_PER_DAY * 3600.0)
                }
                _ => f64::from(u8::from(net.height < h)),
            },
        }
    }

    /// True on the day the group stops (its retirement date, or the halving day).
    pub fn retires_on(&self, net: &NetDay) -> bool {
        match self.retire {
            Some(Retire::Date(d)) => net.date == d,
            Some(Retire::Halving(h)) => net.halving.is_some_and(|(hh, _)| hh == h),
            None => false,
        }
    }

    /// The group's age on `net`'s day, years (0 without an install date).
    pub fn age_years(&self, date: NaiveDate) -> f64 {
        self.installed_on.map_or(0.0, |d| {
            ((date - d).num_days() as f64).max(0.0) / DAYS_PER_YEAR
        })
    }

    /// Share of the machines still working on `date` (failures), and the hashrate each keeps
    /// (wear), both 1 when new.
    pub fn wear(&self, date: NaiveDate) -> (f64, f64) {
        if self.failure_rate == 0.0 && self.degradation == 0.0 {
            return (1.0, 1.0);
        }
        let age = self.age_years(date);
        (
            (1.0 - self.failure_rate).powf(age),
            (1.0 - self.degradation).powf(age),
        )
    }

    /// What the surviving machines sell for on `date`, USD.
    pub fn resale_on(&self, date: NaiveDate) -> f64 {
        if self.resale_usd_per_unit == 0.0 {
            return 0.0;
        }
        self.resale_usd_per_unit * self.units * self.wear(date).0
    }

    /// Straight-line depreciation of the group's capex on `date`'s day, USD: the fall in book
    /// value over the day, so the days of the life sum to the capex exactly.
    pub fn depreciation_on(&self, date: NaiveDate) -> f64 {
        let (Some(from), true) = (
            self.installed_on,
            self.depreciation_years > 0.0 && self.capex_usd > 0.0,
        ) else {
            return 0.0;
        };
        let life_days = self.depreciation_years * DAYS_PER_YEAR;
        let age = (date - from).num_days() as f64;
        let book = |d: f64| (d / life_days).clamp(0.0, 1.0);
        self.capex_usd * (book(age + 1.0) - book(age))
    }

    /// Power draw at full uptime, kW.
    pub fn power_kw(&self) -> f64 {
        self.hashrate_ths * self.efficiency_j_per_th / 1000.0
    }

    /// USD of electricity per PH/s per day at this group's efficiency and power cost.
    pub fn hashcost_usd_per_ph_day(&self) -> f64 {
        hashcost_usd_per_ph_day(self.efficiency_j_per_th, self.power_cost_usd_per_kwh)
    }

    /// The group's economics on a network day with every hour at the group's power cost and
    /// the machines running as uptime says; `running` (0..=1) scales the day.
    pub fn day(&self, net: &NetDay, running: f64) -> GroupDay {
        self.day_with(net, &Curtail::default(), running)
    }

    /// The group's economics on a network day under an operating rule. `running` (0..=1)
    /// scales the hours the rule leaves on (1 in normal use).
    pub fn day_with(&self, net: &NetDay, rule: &Curtail, running: f64) -> GroupDay {
        let online = self.online(net);
        if online == 0.0 {
            return GroupDay::default();
        }
        let running = running * online;
        if !rule.shutdown && rule.peak_hours == 0.0 {
            return self.flows(
                net,
                running,
                self.power_cost_usd_per_kwh * HOURS_PER_DAY * running,
            );
        }
        let on = self.tiers_on(net, rule);
        self.tier_flows(net, rule, running, on)
    }

    /// Revenue of one TH/s for one hour at `price_usd` on `net`'s day, at this group's pool
    /// fee (what [`Self::tiers_on`] compares with the hour's power cost).
    #[inline]
    fn revenue_per_th_hour(&self, hashvalue_btc_per_ph_day: f64, price_usd: f64) -> f64 {
        hashvalue_btc_per_ph_day * price_usd / 1000.0 / HOURS_PER_DAY * (1.0 - self.pool_fee)
    }

    /// kWh one TH/s draws in an hour on `date` (worn machines draw the same power for less
    /// hashrate).
    #[inline]
    fn kwh_per_th_hour(&self, date: NaiveDate) -> f64 {
        self.efficiency_j_per_th / 1000.0 / self.wear(date).1
    }

    /// The peak tier's hours and price under `rule`.
    fn peak(&self, rule: &Curtail) -> (f64, f64) {
        let peak_hours = rule.peak_hours.clamp(0.0, HOURS_PER_DAY);
        let peak_price = rule
            .peak_power_cost_usd_per_kwh
            .unwrap_or(self.power_cost_usd_per_kwh);
        (peak_hours, peak_price)
    }

    /// Whether the base and the peak tiers run on `net`'s day under `rule`.
    fn tiers_on(&self, net: &NetDay, rule: &Curtail) -> [bool; 2] {
        let revenue_per_th_hour =
            self.revenue_per_th_hour(net.hashvalue_btc_per_ph_day, net.price_usd);
        let kwh_per_th_hour = self.kwh_per_th_hour(net.date);
        let pays = |price: f64| revenue_per_th_hour >= kwh_per_th_hour * price;
        let (_, peak_price) = self.peak(rule);
        [
            !rule.shutdown || pays(self.power_cost_usd_per_kwh),
            !(rule.shutdown || rule.idle_peak) || pays(peak_price),
        ]
    }

    /// Flows of `net`'s day when the base and peak tiers run as `on` says.
    fn tier_flows(&self, net: &NetDay, rule: &Curtail, running: f64, on: [bool; 2]) -> GroupDay {
        let (peak_hours, peak_price) = self.peak(rule);
        let base = self.power_cost_usd_per_kwh;
        let tiers = [
            (HOURS_PER_DAY - peak_hours, base, on[0]),
            (peak_hours, peak_price, on[1]),
        ];
        let mut run_hours = 0.0;
        let mut price_hours = 0.0; // sum of hours x USD/kWh over the hours that run
        for (hours, price, on) in tiers {
            if on && hours > 0.0 {
                run_hours += hours;
                price_hours += hours * price;
            }
        }
        self.flows(
            net,
            run_hours / HOURS_PER_DAY * running,
            price_hours * running,
        )
    }

    /// Revenue, profit share and margin of a day's flows at `price_usd`: the only part of
    /// [`Self::flows`] the BTC price moves.
    #[inline]
    fn priced(
        &self,
        btc_mined: f64,
        price_usd: f64,
        power_cost_usd: f64,
        opex_usd: f64,
        hosting_fee_usd: f64,
    ) -> (f64, f64, f64) {
        let revenue_usd = btc_mined * price_usd;
        let profit_share_usd = self.profit_share
            * match self.profit_share_basis {
                ShareBasis::Revenue => revenue_usd,
                ShareBasis::Margin => (revenue_usd - power_cost_usd - hosting_fee_usd).max(0.0),
            };
        let margin_usd =
            revenue_usd - power_cost_usd - opex_usd - hosting_fee_usd - profit_share_usd;
        (revenue_usd, profit_share_usd, margin_usd)
    }

    /// Flows for a day on which the machines run `running_fraction` of the day and pay
    /// `price_hours` (the sum of hours x USD/kWh over the hours that run, before uptime).
    fn flows(&self, net: &NetDay, running_fraction: f64, price_hours: f64) -> GroupDay {
        let (alive, kept) = self.wear(net.date);
        let online = self.online(net);
        let on = self.uptime * running_fraction;
        let hashrate_ths = self.hashrate_ths * alive * kept * on;
        let btc_mined =
            net.hashvalue_btc_per_ph_day * hashrate_ths / 1000.0 * (1.0 - self.pool_fee);
        let power_kw = self.power_kw() * alive;
        let energy_kwh = power_kw * HOURS_PER_DAY * on;
        let power_cost_usd = power_kw * self.uptime * price_hours;
        let units_online = self.units * alive * online;
        let hosting_fee_usd = if self.hosting_fee_usd_per_month > 0.0 {
            self.hosting_fee_usd_per_month * 12.0 / DAYS_PER_YEAR * units_online
        } else {
            0.0
        };
        let opex_usd = self.opex_usd_per_day * online;
        let (revenue_usd, profit_share_usd, margin_usd) = self.priced(
            btc_mined,
            net.price_usd,
            power_cost_usd,
            opex_usd,
            hosting_fee_usd,
        );
        GroupDay {
            hashrate_ths,
            installed_ths: self.hashrate_ths * alive * kept * online,
            running_fraction: if online > 0.0 {
                running_fraction / online
            } else {
                0.0
            },
            btc_mined,
            revenue_usd,
            energy_kwh,
            power_cost_usd,
            opex_usd,
            hosting_fee_usd,
            profit_share_usd,
            margin_usd,
            units_online,
            expected_blocks: if net.hashrate_hs > 0.0 {
                hashrate_ths * 1e12 / net.hashrate_hs * net.blocks
            } else {
                0.0
            },
            depreciation_usd: self.depreciation_on(net.date),
        }
    }
}

/// USD of electricity per PH/s per day at `efficiency_j_per_th` and `power_cost_usd_per_kwh`.
pub fn hashcost_usd_per_ph_day(efficiency_j_per_th: f64, power_cost_usd_per_kwh: f64) -> f64 {
    // 1 PH/s = 1000 TH/s; J/TH * TH/s = W; W * 24 h / 1000 = kWh.
    efficiency_j_per_th * 1000.0 * HOURS_PER_DAY / 1000.0 * power_cost_usd_per_kwh
}

/// The operator's rule for switching machines off.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Curtail {
    /// Switch off on days when the hashprice (after pool fee) does not cover the hashcost.
    pub shutdown: bool,
    /// Peak hours a day priced at `peak_power_cost_usd_per_kwh` (time-of-use tariff).
    pub peak_hours: f64,
    /// Electricity price in the peak hours, USD/kWh (`None`: the group's own price).
    pub peak_power_cost_usd_per_kwh: Option<f64>,
    /// Idle the peak hours on days when they do not pay.
    pub idle_peak: bool,
}

impl Curtail {
    /// Checks the rule; errors name the flags.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.peak_hours.is_finite() && (0.0..=24.0).contains(&self.peak_hours)) {
            return Err(Error::input(format!(
                "--curtail-hours must be between 0 and 24, got {}",
                self.peak_hours
            )));
        }
        if let Some(p) = self.peak_power_cost_usd_per_kwh {
            check_model("peak-power-cost", p, 1.0)?;
        }
        Ok(())
    }
}

/// A group's flows over one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupDay {
    /// Hashrate actually running, averaged over the day, TH/s.
    pub hashrate_ths: f64,
    /// Installed hashrate, TH/s.
    pub installed_ths: f64,
    /// Share of the day the operator's rule keeps the machines on (before uptime), 0..=1.
    pub running_fraction: f64,
    /// BTC credited after the pool fee.
    pub btc_mined: f64,
    /// USD value of `btc_mined` at the day's price.
    pub revenue_usd: f64,
    /// Electricity used, kWh.
    pub energy_kwh: f64,
    /// Electricity cost, USD.
    pub power_cost_usd: f64,
    /// Other operating costs, USD.
    pub opex_usd: f64,
    /// Hosting fees per machine, USD.
    pub hosting_fee_usd: f64,
    /// The host's profit share, USD.
    pub profit_share_usd: f64,
    /// revenue - power cost - opex - hosting fee - profit share, USD.
    pub margin_usd: f64,
    /// Machines installed and working, averaged over the day.
    pub units_online: f64,
    /// Blocks the running hashrate finds on average (its share of the network's blocks).
    pub expected_blocks: f64,
    /// Straight-line depreciation, USD.
    pub depreciation_usd: f64,
}

impl GroupDay {
    /// Adds another group's flows.
    pub fn add(&mut self, o: &GroupDay) {
        let installed = self.installed_ths + o.installed_ths;
        if installed > 0.0 {
            self.running_fraction = (self.running_fraction * self.installed_ths
                + o.running_fraction * o.installed_ths)
                / installed;
        }
        self.installed_ths = installed;
        self.hashrate_ths += o.hashrate_ths;
        self.btc_mined += o.btc_mined;
        self.revenue_usd += o.revenue_usd;
        self.energy_kwh += o.energy_kwh;
        self.power_cost_usd += o.power_cost_usd;
        self.opex_usd += o.opex_usd;
        self.hosting_fee_usd += o.hosting_fee_usd;
        self.profit_share_usd += o.profit_share_usd;
        self.margin_usd += o.margin_usd;
        self.units_online += o.units_online;
        self.expected_blocks += o.expected_blocks;
        self.depreciation_usd += o.depreciation_usd;
    }
}

/// What the miner does with the BTC it mines.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Treasury {
    /// Sells every BTC the day it is mined.
    #[default]
    SellAll,
    /// Holds this share (0..=1) of each day's BTC and sells the rest.
    Hold(f64),
    /// Sells only the BTC that pays the day's cash costs (from holdings when the day's BTC
    /// falls short) and holds the rest.
    SellToCover,
}

/// A fleet of one or more groups, its operating rule and its finances.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fleet {
    /// The groups.
    pub groups: Vec<FleetGroup>,
    /// When the operator switches machines off.
    pub curtail: Curtail,
    /// Capital cost of the whole fleet, USD: the groups' own capex (each spent on its
    /// energization day) plus a lump spent on the first day (`capex_usd` less the groups').
    pub capex_usd: f64,
    /// Operating costs of the whole fleet beyond the groups' own, USD per day (paid whether
    /// or not the machines run).
    pub opex_usd_per_day: f64,
    /// Annual discount rate for NPV, fraction (0.1 = 10% a year).
    pub discount_rate: f64,
    /// Straight-line depreciation life of the first-day lump of capex, years (0: none).
    pub depreciation_years: f64,
    /// Tax on operating income, 0..=1 (losses carried forward).
    pub tax_rate: f64,
    /// What happens to the BTC mined.
    pub treasury: Treasury,
}

impl Fleet {
    /// A fleet of one group, no capex, no curtailment.
    pub fn single(group: FleetGroup) -> Fleet {
        Fleet {
            groups: vec![group],
            ..Fleet::default()
        }
    }

    /// Checks every group, the rule and the finances.
    pub fn validate(&self) -> Result<(), Error> {
        if self.groups.is_empty() {
            return Err(Error::input("the fleet has no machines"));
        }
        self.groups.iter().try_for_each(FleetGroup::validate)?;
        self.curtail.validate()?;
        check_model("capex", self.capex_usd, 1.0)?;
        check_model("opex", self.opex_usd_per_day, 1.0)?;
        check_model("tax-rate", self.tax_rate, 100.0)?;
        if self.depreciation_years != 0.0 {
            check_model("depreciation-years", self.depreciation_years, 1.0)?;
        }
        if let Treasury::Hold(h) = self.treasury {
            check_model("hold", h, 100.0)?;
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(Error::input(format!(
                "--discount-rate must be above -100, got {}",
                self.discount_rate * 100.0
            )));
        }
        Ok(())
    }

    /// The lump of capex not attributed to any group (spent on the first day), USD.
    pub fn lump_capex_usd(&self) -> f64 {
        (self.capex_usd - self.groups.iter().map(|g| g.capex_usd).sum::<f64>()).max(0.0)
    }

    /// Installed hashrate, TH/s.
    pub fn hashrate_ths(&self) -> f64 {
        self.groups.iter().map(|g| g.hashrate_ths).sum()
    }

    /// Hashrate-weighted efficiency, J/TH.
    pub fn efficiency_j_per_th(&self) -> f64 {
        let p: f64 = self.groups.iter().map(FleetGroup::power_kw).sum();
        p * 1000.0 / self.hashrate_ths()
    }

    /// The fleet's economics on a network day, under its operating rule.
    pub fn day(&self, net: &NetDay) -> GroupDay {
        let mut total = GroupDay::default();
        for g in self.group_days(net) {
            total.add(&g);
        }
        total.opex_usd += self.opex_usd_per_day;
        total.margin_usd -= self.opex_usd_per_day;
        total
    }

    /// Each group's economics on a network day, under the fleet's operating rule.
    pub fn group_days<'a>(&'a self, net: &'a NetDay) -> impl Iterator<Item = GroupDay> + 'a {
        self.groups
            .iter()
            .map(move |g| g.day_with(net, &self.curtail, 1.0))
    }
}

/// The price-free parts of one group's day in one running state: what [`FleetGroup::flows`]
/// computes before the price comes in.
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    btc_mined: f64,
    power_cost_usd: f64,
    opex_usd: f64,
    hosting_fee_usd: f64,
}

impl From<GroupDay> for Parts {
    fn from(g: GroupDay) -> Parts {
        Parts {
            btc_mined: g.btc_mined,
            power_cost_usd: g.power_cost_usd,
            opex_usd: g.opex_usd,
            hosting_fee_usd: g.hosting_fee_usd,
        }
    }
}

/// One group on one day: offline, or its flows in each running state with the thresholds that
/// pick the state from the price.
#[derive(Debug, Clone, Copy)]
struct Lane {
    online: bool,
    /// kWh per TH-hour x the base and the peak tiers' power costs (the shutdown tests).
    thresholds: [f64; 2],
    /// Flows with the tiers on as the index's bits say (bit 0 base, bit 1 peak).
    states: [Parts; 4],
}

/// A fleet over given network days with each day's price-free parts worked out once, so the
/// day's margin at another BTC price is a few operations: the same floating-point operations,
/// in the same order, as [`Fleet::day`]`(net).margin_usd` with `net.price_usd` set to that
/// price. The days' chain (blocks, hashvalue, dates, heights) is what the days say; only the
/// price changes.
#[derive(Debug, Clone)]
pub struct PricedDays<'a> {
    fleet: &'a Fleet,
    groups: usize,
    hashvalue: Vec<f64>,
    lanes: Vec<Lane>,
    /// True when the rule never looks at the price (no shutdown, no peak hours).
    fixed_rule: bool,
}

impl<'a> PricedDays<'a> {
    /// The fleet's parts over `days`.
    pub fn new(fleet: &'a Fleet, days: &[NetDay]) -> PricedDays<'a> {
        let rule = &fleet.curtail;
        let fixed_rule = !rule.shutdown && rule.peak_hours == 0.0;
        let mut lanes = Vec::with_capacity(days.len() * fleet.groups.len());
        for net in days {
            for g in &fleet.groups {
                // As `day_with` with `running` 1.
                let online = g.online(net);
                if online == 0.0 {
                    lanes.push(Lane {
                        online: false,
                        thresholds: [0.0; 2],
                        states: [Parts::default(); 4],
                    });
                    continue;
                }
                let running = 1.0 * online;
                let mut states = [Parts::default(); 4];
                if fixed_rule {
                    let all = g.flows(
                        net,
                        running,
                        g.power_cost_usd_per_kwh * HOURS_PER_DAY * running,
                    );
                    states = [Parts::from(all); 4];
                } else if g.peak(rule).0 > 0.0 {
                    for (i, st) in states.iter_mut().enumerate() {
                        *st = g
                            .tier_flows(net, rule, running, [i & 1 != 0, i & 2 != 0])
                            .into();
                    }
                } else {
                    // No peak hours: the peak tier's switch changes nothing.
                    let off = g.tier_flows(net, rule, running, [false, false]).into();
                    let on = g.tier_flows(net, rule, running, [true, false]).into();
                    states = [off, on, off, on];
                }
                let kwh = g.kwh_per_th_hour(net.date);
                let (_, peak_price) = g.peak(rule);
                lanes.push(Lane {
                    online: true,
                    thresholds: [kwh * g.power_cost_usd_per_kwh, kwh * peak_price],
                    states,
                });
            }
        }
        PricedDays {
            fleet,
            groups: fleet.groups.len(),
            hashvalue: days.iter().map(|n| n.hashvalue_btc_per_ph_day).collect(),
            lanes,
            fixed_rule,
        }
    }

    /// The fleet's margin on day `d` at `price_usd`, USD.
    #[inline]
    pub fn margin_usd(&self, d: usize, price_usd: f64) -> f64 {
        let rule = &self.fleet.curtail;
        let lanes = &self.lanes[d * self.groups..(d + 1) * self.groups];
        let mut margin = 0.0;
        for (g, lane) in self.fleet.groups.iter().zip(lanes) {
            if !lane.online {
                margin += 0.0;
                continue;
            }
            let p = if self.fixed_rule {
                &lane.states[0]
            } else {
                let revenue_per_th_hour = g.revenue_per_th_hour(self.hashvalue[d], price_usd);
                let pays = |t: f64| revenue_per_th_hour >= t;
                let base = !rule.shutdown || pays(lane.thresholds[0]);
                let peak = !(rule.shutdown || rule.idle_peak) || pays(lane.thresholds[1]);
                &lane.states[usize::from(base) | usize::from(peak) << 1]
            };
            let (_, _, m) = g.priced(
                p.btc_mined,
                price_usd,
                p.power_cost_usd,
                p.opex_usd,
                p.hosting_fee_usd,
            );
            margin += m;
        }
        margin - self.fleet.opex_usd_per_day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashcost_known_answer() {
        // 20 J/TH at $0.05/kWh: 1 PH/s draws 20 kW, 480 kWh a day, $24.00.
        assert!((hashcost_usd_per_ph_day(20.0, 0.05) - 24.0).abs() < 1e-12);
    }

    #[test]
    fn validate_names_the_parameter() {
        let g = FleetGroup {
            label: "x".into(),
            hashrate_ths: 1000.0,
            efficiency_j_per_th: 15.0,
            power_cost_usd_per_kwh: 0.05,
            uptime: 1.4,
            pool_fee: 0.0,
            opex_usd_per_day: 0.0,
            ..FleetGroup::default()
        };
        let e = g.validate().unwrap_err().to_string();
        assert_eq!(e, "uptime must be between 0 and 100, got 140");
    }
}
