//! A fleet: groups of machines, each with its hashrate, efficiency, power cost and uptime.

use crate::engine::NetDay;
use crate::error::Error;
use crate::network::{non_negative, positive};

/// Hours in a day.
const HOURS_PER_DAY: f64 = 24.0;

/// One group of identical machines (or a bare hashrate) with its own costs.
#[derive(Debug, Clone, PartialEq)]
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
}

impl FleetGroup {
    /// Checks each figure; errors name the flag that sets it.
    pub fn validate(&self) -> Result<(), Error> {
        positive("--hashrate", self.hashrate_ths)?;
        positive("--efficiency", self.efficiency_j_per_th)?;
        non_negative("--power-cost", self.power_cost_usd_per_kwh)?;
        non_negative("--opex", self.opex_usd_per_day)?;
        fraction("--uptime", self.uptime)?;
        fraction("--pool-fee", self.pool_fee)?;
        Ok(())
    }

    /// Power draw at full uptime, kW.
    pub fn power_kw(&self) -> f64 {
        self.hashrate_ths * self.efficiency_j_per_th / 1000.0
    }

    /// USD of electricity per PH/s per day at this group's efficiency and power cost.
    pub fn hashcost_usd_per_ph_day(&self) -> f64 {
        hashcost_usd_per_ph_day(self.efficiency_j_per_th, self.power_cost_usd_per_kwh)
    }

    /// The group's economics on a network day; `running` is the share of the day (0..=1) the
    /// operator keeps the machines on, on top of uptime (1 unless curtailing).
    pub fn day(&self, net: &NetDay, running: f64) -> GroupDay {
        let on = self.uptime * running;
        let hashrate_ths = self.hashrate_ths * on;
        let btc_mined =
            net.hashvalue_btc_per_ph_day * hashrate_ths / 1000.0 * (1.0 - self.pool_fee);
        let revenue_usd = btc_mined * net.price_usd;
        let energy_kwh = self.power_kw() * HOURS_PER_DAY * on;
        let power_cost_usd = energy_kwh * self.power_cost_usd_per_kwh;
        GroupDay {
            hashrate_ths,
            btc_mined,
            revenue_usd,
            energy_kwh,
            power_cost_usd,
            opex_usd: self.opex_usd_per_day,
            margin_usd: revenue_usd - power_cost_usd - self.opex_usd_per_day,
        }
    }
}

/// USD of electricity per PH/s per day at `efficiency_j_per_th` and `power_cost_usd_per_kwh`.
pub fn hashcost_usd_per_ph_day(efficiency_j_per_th: f64, power_cost_usd_per_kwh: f64) -> f64 {
    // 1 PH/s = 1000 TH/s; J/TH * TH/s = W; W * 24 h / 1000 = kWh.
    efficiency_j_per_th * 1000.0 * HOURS_PER_DAY / 1000.0 * power_cost_usd_per_kwh
}

fn fraction(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{name} must be between 0 and 100, got {}",
            v * 100.0
        )))
    }
}

/// A group's flows over one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupDay {
    /// Hashrate actually running, averaged over the day, TH/s.
    pub hashrate_ths: f64,
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
    /// revenue - power cost - opex, USD.
    pub margin_usd: f64,
}

impl GroupDay {
    /// Adds another group's flows.
    pub fn add(&mut self, o: &GroupDay) {
        self.hashrate_ths += o.hashrate_ths;
        self.btc_mined += o.btc_mined;
        self.revenue_usd += o.revenue_usd;
        self.energy_kwh += o.energy_kwh;
        self.power_cost_usd += o.power_cost_usd;
        self.opex_usd += o.opex_usd;
        self.margin_usd += o.margin_usd;
    }
}

/// A fleet of one or more groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    /// The groups.
    pub groups: Vec<FleetGroup>,
}

impl Fleet {
    /// A fleet of one group.
    pub fn single(group: FleetGroup) -> Fleet {
        Fleet {
            groups: vec![group],
        }
    }

    /// Checks every group.
    pub fn validate(&self) -> Result<(), Error> {
        if self.groups.is_empty() {
            return Err(Error::input("the fleet has no machines"));
        }
        self.groups.iter().try_for_each(FleetGroup::validate)
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

    /// The fleet's economics on a network day (every group running as its uptime says).
    pub fn day(&self, net: &NetDay) -> GroupDay {
        let mut total = GroupDay::default();
        for g in &self.groups {
            total.add(&g.day(net, 1.0));
        }
        total
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
    fn validate_names_the_flag() {
        let g = FleetGroup {
            label: "x".into(),
            hashrate_ths: 1000.0,
            efficiency_j_per_th: 15.0,
            power_cost_usd_per_kwh: 0.05,
            uptime: 1.4,
            pool_fee: 0.0,
            opex_usd_per_day: 0.0,
        };
        let e = g.validate().unwrap_err().to_string();
        assert_eq!(e, "--uptime must be between 0 and 100, got 140");
    }
}
