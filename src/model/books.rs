//! A fleet's books as its days stream past: capex when it is spent, resale when machines go,
//! depreciation, EBITDA and operating income, tax, what is sold and held, cash and NPV.
//!
//! The one place the model turns a fleet's daily flows ([`GroupDay`]) into money over time:
//! projections, summaries, the shared-chain sweep and the per-group rows all go through
//! [`Books::day`].

use chrono::NaiveDate;

use crate::model::engine::NetDay;
use crate::model::finance::Discount;
use crate::model::fleet::{Fleet, FleetGroup, GroupDay, Treasury, DAYS_PER_YEAR};

/// One day of a fleet's books: the day's flows and the running totals after it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BookDay {
    /// The day's flows (hashrate, BTC, revenue, costs, margin, blocks, depreciation).
    pub flows: GroupDay,
    /// Capex spent this day, USD.
    pub capex_usd: f64,
    /// Resale of machines that stop this day (or still run on the last day), USD.
    pub salvage_usd: f64,
    /// Straight-line depreciation, USD (the groups' and the first-day lump's).
    pub depreciation_usd: f64,
    /// EBITDA: the margin (revenue less every cash operating cost), USD.
    pub ebitda_usd: f64,
    /// EBITDA less depreciation, USD.
    pub operating_income_usd: f64,
    /// Tax due on the operating income to date beyond what was paid (losses carried
    /// forward), USD.
    pub tax_usd: f64,
    /// BTC sold this day.
    pub btc_sold: f64,
    /// BTC held at the end of the day.
    pub btc_held: f64,
    /// The holdings at the day's price, USD.
    pub treasury_value_usd: f64,
    /// Cash in less cash out: BTC sold at the day's price, less cash costs, tax and capex,
    /// plus resale, USD.
    pub cash_flow_usd: f64,
    /// Cash flow since the start, USD.
    pub cumulative_cash_usd: f64,
    /// BTC mined since the start.
    pub cumulative_btc: f64,
    /// Margin since the start, USD.
    pub cumulative_margin_usd: f64,
    /// Cumulative margin less capex spent plus resale, USD.
    pub cumulative_net_usd: f64,
    /// Net present value to the end of the day: discounted margins less capex plus resale, USD.
    pub npv_usd: f64,
    /// As `npv_usd`, after tax, USD.
    pub npv_after_tax_usd: f64,
    /// Capex spent since the start, USD.
    pub cumulative_capex_usd: f64,
    /// Resale received since the start, USD.
    pub cumulative_salvage_usd: f64,
    /// Depreciation since the start, USD.
    pub cumulative_depreciation_usd: f64,
    /// Tax since the start, USD.
    pub cumulative_tax_usd: f64,
    /// Expected blocks found since the start.
    pub cumulative_expected_blocks: f64,
}

/// The running books of a fleet, or of one of its groups.
#[derive(Debug, Clone)]
pub struct Books<'a> {
    fleet: &'a Fleet,
    /// `None`: the whole fleet (with its own opex and first-day lump); `Some(i)`: group i alone.
    group: Option<usize>,
    discount: Discount,
    first_day: Option<NaiveDate>,
    day_index: i64,
    acc: BookDay,
    cum_operating_income: f64,
    cum_tax: f64,
}

impl<'a> Books<'a> {
    /// The books of the whole fleet.
    pub fn new(fleet: &'a Fleet) -> Books<'a> {
        Books::of(fleet, None)
    }

    /// The books of group `i` alone (its own capex, resale, depreciation, tax and treasury).
    pub fn group(fleet: &'a Fleet, i: usize) -> Books<'a> {
        Books::of(fleet, Some(i))
    }

    fn of(fleet: &'a Fleet, group: Option<usize>) -> Books<'a> {
        Books {
            fleet,
            group,
            discount: Discount::new(fleet.discount_rate),
            first_day: None,
            day_index: 0,
            acc: BookDay::default(),
            cum_operating_income: 0.0,
            cum_tax: 0.0,
        }
    }

    fn groups(&self) -> &'a [FleetGroup] {
        match self.group {
            None => &self.fleet.groups,
            Some(i) => std::slice::from_ref(&self.fleet.groups[i]),
        }
    }

    /// Books one more day; `last` marks the horizon's last day (machines still running are
    /// valued at their resale then).
    pub fn day(&mut self, net: &NetDay, last: bool) -> BookDay {
        let fleet = self.fleet;
        let first_day = *self.first_day.get_or_insert(net.date);
        let first = self.day_index == 0;
        let age_days = self.day_index;
        let factor = self.discount.factor(self.day_index);
        self.day_index += 1;
        let mut flows = GroupDay::default();
        let (mut capex, mut salvage) = (0.0, 0.0);
        for g in self.groups() {
            flows.add(&g.day_with(net, &fleet.curtail, 1.0));
            match g.energize {
                Some(e) if e > first_day => {
                    if net.date == e {
                        capex += g.capex_usd;
                    }
                }
                _ => {
                    if first {
                        capex += g.capex_usd;
                    }
                }
            }
            if g.resale_usd_per_unit > 0.0 && (g.retires_on(net) || (last && g.online(net) > 0.0)) {
                salvage += g.resale_on(net.date);
            }
        }
        let mut depreciation = flows.depreciation_usd;
        if self.group.is_none() {
            flows.opex_usd += fleet.opex_usd_per_day;
            flows.margin_usd -= fleet.opex_usd_per_day;
            let lump = fleet.lump_capex_usd();
            if first {
                capex += lump;
            }
            if fleet.depreciation_years > 0.0 && lump > 0.0 {
                let life = fleet.depreciation_years * DAYS_PER_YEAR;
                let book = |d: f64| (d / life).clamp(0.0, 1.0);
                depreciation += lump * (book(age_days as f64 + 1.0) - book(age_days as f64));
            }
        }
        let a = &mut self.acc;
        let margin = flows.margin_usd;
        let operating_income = margin - depreciation;
        self.cum_operating_income += operating_income;
        let tax = if fleet.tax_rate > 0.0 {
            let due = fleet.tax_rate * self.cum_operating_income.max(0.0);
            let t = (due - self.cum_tax).max(0.0);
            self.cum_tax += t;
            t
        } else {
            0.0
        };
        // The treasury: what is sold of the day's BTC (and of the holdings, to cover costs).
        let price = net.price_usd;
        let cash_costs = flows.power_cost_usd
            + flows.opex_usd
            + flows.hosting_fee_usd
            + flows.profit_share_usd
            + tax;
        let mined = flows.btc_mined;
        let sold = match fleet.treasury {
            Treasury::SellAll => mined,
            Treasury::Hold(h) => mined * (1.0 - h),
            Treasury::SellToCover => {
                let need = if price > 0.0 { cash_costs / price } else { 0.0 };
                need.min(mined + a.btc_held).max(0.0)
            }
        };
        a.btc_held = (a.btc_held + mined - sold).max(0.0);
        let cash_flow = sold * price - cash_costs - capex + salvage;
        a.cumulative_cash_usd += cash_flow;
        a.cumulative_btc += mined;
        a.cumulative_margin_usd += margin;
        a.cumulative_capex_usd += capex;
        a.cumulative_depreciation_usd += depreciation;
        a.cumulative_tax_usd += tax;
        a.cumulative_expected_blocks += flows.expected_blocks;
        a.cumulative_salvage_usd += salvage;
        a.cumulative_net_usd =
            a.cumulative_margin_usd - a.cumulative_capex_usd + a.cumulative_salvage_usd;
        a.npv_usd += (margin - capex + salvage) * factor;
        a.npv_after_tax_usd += (margin - capex + salvage - tax) * factor;
        BookDay {
            flows,
            capex_usd: capex,
            salvage_usd: salvage,
            depreciation_usd: depreciation,
            ebitda_usd: margin,
            operating_income_usd: operating_income,
            tax_usd: tax,
            btc_sold: sold,
            treasury_value_usd: a.btc_held * price,
            cash_flow_usd: cash_flow,
            ..*a
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chain;
    use crate::model::fleet::{FleetGroup, Retire, ShareBasis};
    use crate::model::network::NetworkState;
    use crate::model::projection::{project, Growth, Horizon, ProjectionRow, Scenario};
    use crate::model::summary::{summarize, summarize_on};
    use crate::test_util::d;

    const D: f64 = 100e12;

    /// A flat network at equilibrium: 144 blocks a day at 3.125 BTC, no fees, $100,000.
    fn flat(height: u64) -> NetworkState {
        NetworkState {
            date: d("2027-01-01"),
            height,
            difficulty: D,
            hashrate_hs: chain::hashrate_from_difficulty(D),
            fees_btc_per_block: 0.0,
            price_usd: 100_000.0,
            epoch_elapsed_s: None,
            block_progress: 0.0,
        }
    }

    /// 1 PH/s at 20 J/TH and $0.05/kWh: $24 of power a day.
    fn group() -> FleetGroup {
        FleetGroup {
            units: 10.0,
            installed_on: Some(d("2027-01-01")),
            ..FleetGroup::new(1000.0, 20.0, 0.05)
        }
    }

    fn rows(height: u64, fleet: Fleet, days: i64) -> Vec<ProjectionRow> {
        let s = Scenario::with_growth(flat(height), Growth::default(), fleet, Horizon::Days(days));
        project(&s).unwrap().rows
    }

    /// BTC 1 PH/s earns a day on the flat network: 144 blocks x 3.125 x (1 PH / H).
    fn btc_per_ph_day() -> f64 {
        144.0 * 3.125 * 1e15 / chain::hashrate_from_difficulty(D)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
    }

    #[test]
    fn a_deployment_mid_epoch_starts_on_its_day_with_its_capex() {
        // Height 2016 x 500 + 1000: the epoch is half mined; the group arrives on day 10.
        let g = FleetGroup {
            energize: Some(d("2027-01-11")),
            installed_on: Some(d("2027-01-11")),
            capex_usd: 50_000.0,
            ..group()
        };
        let fleet = Fleet {
            capex_usd: 50_000.0,
            ..Fleet::single(g)
        };
        let r = rows(2016 * 500 + 1000, fleet, 20);
        for day in &r[..10] {
            assert_eq!(day.btc_mined, 0.0, "{}", day.date);
            assert_eq!(day.power_cost_usd, 0.0);
            assert_eq!(day.capex_usd, 0.0);
            assert_eq!(day.cumulative_net_usd, 0.0);
        }
        assert_eq!(r[10].date, d("2027-01-11"));
        assert_eq!(r[10].capex_usd, 50_000.0);
        assert!(close(r[10].btc_mined, btc_per_ph_day()));
        assert!(close(r[10].power_cost_usd, 24.0));
        assert!(close(r[10].units_online, 10.0));
        let margin = btc_per_ph_day() * 100_000.0 - 24.0;
        assert!(close(r[19].cumulative_net_usd, 10.0 * margin - 50_000.0));
        // The NPV at 0% is the same sum.
        assert!(close(r[19].npv_usd, 10.0 * margin - 50_000.0));
    }

    #[test]
    fn a_retirement_on_the_halving_day_runs_until_the_block_and_sells_the_machines() {
        // Tip 1,049,899: the halving block is the 101st of the day, mined at 16:50:00 UTC.
        let g = FleetGroup {
            retire: Some(Retire::Halving(1_050_000)),
            resale_usd_per_unit: 300.0,
            ..group()
        };
        let r = rows(1_049_899, Fleet::single(g), 3);
        let online = (16.0 * 3600.0 + 50.0 * 60.0) / 86_400.0;
        // The day's hashvalue: 100 blocks at 3.125 and 44 at 1.5625, per PH/s.
        let hashvalue = (100.0 * 3.125 + 44.0 * 1.5625) * 1e15 / chain::hashrate_from_difficulty(D);
        assert!(
            close(r[0].btc_mined, online * hashvalue),
            "{}",
            r[0].btc_mined
        );
        assert!(close(r[0].power_cost_usd, online * 24.0));
        assert_eq!(r[0].salvage_usd, 3000.0);
        assert_eq!(
            (r[1].btc_mined, r[1].power_cost_usd, r[1].units_online),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(r[2].salvage_usd, 0.0, "resale is counted once");
        assert!(close(r[2].cumulative_net_usd, r[0].margin_usd + 3000.0));
    }

    #[test]
    fn wear_and_failures_compound_from_installation() {
        let g = FleetGroup {
            degradation: 0.10,
            failure_rate: 0.05,
            ..group()
        };
        let r = rows(900_000, Fleet::single(g), 1096);
        let day = &r[1095]; // 1095 days after installation: 2.998 years
        let age = 1095.0 / 365.25;
        let alive = 0.95_f64.powf(age);
        assert!(close(
            day.fleet_hashrate_th_s,
            1000.0 * alive * 0.9_f64.powf(age)
        ));
        assert!(close(day.units_online, 10.0 * alive));
        // Failed machines draw nothing; worn ones draw their full power.
        assert!(close(day.energy_kwh, 480.0 * alive));
        assert!(close(r[0].fleet_hashrate_th_s, 1000.0));
    }

    #[test]
    fn profit_share_of_revenue_or_margin_and_hosting_fees() {
        let hosted = |basis| FleetGroup {
            hosting_fee_usd_per_month: 30.0,
            profit_share: 0.15,
            profit_share_basis: basis,
            ..group()
        };
        let revenue = btc_per_ph_day() * 100_000.0;
        let fee = 30.0 * 12.0 / 365.25 * 10.0;
        let r = rows(900_000, Fleet::single(hosted(ShareBasis::Revenue)), 2);
        assert!(close(r[0].hosting_fee_usd, fee));
        assert!(close(r[0].profit_share_usd, 0.15 * revenue));
        assert!(close(
            r[0].margin_usd,
            revenue - 24.0 - fee - 0.15 * revenue
        ));
        let r = rows(900_000, Fleet::single(hosted(ShareBasis::Margin)), 2);
        assert!(close(r[0].profit_share_usd, 0.15 * (revenue - 24.0 - fee)));
    }

    #[test]
    fn sell_to_cover_sells_the_costs_and_holds_the_rest() {
        let fleet = Fleet {
            treasury: Treasury::SellToCover,
            opex_usd_per_day: 6.0, // $30 of cash costs a day with the power
            ..Fleet::single(group())
        };
        let r = rows(900_000, fleet.clone(), 10);
        let mined = btc_per_ph_day(); // $62.86 a day
        for (i, day) in r.iter().enumerate() {
            assert!(close(day.btc_sold, 30.0 / 100_000.0), "{day:?}");
            assert!(close(day.btc_held, (i + 1) as f64 * (mined - 0.0003)));
            assert!(day.cash_flow_usd.abs() < 1e-9);
        }
        assert!(close(r[9].treasury_value_usd, r[9].btc_held * 100_000.0));
        // Costs above the day's BTC come out of the holdings, then out of cash.
        let fleet = Fleet {
            opex_usd_per_day: 76.0,
            ..fleet
        };
        let r = rows(900_000, fleet, 2);
        assert!(close(r[0].btc_sold, mined));
        assert_eq!(r[0].btc_held, 0.0);
        assert!(close(r[0].cash_flow_usd, mined * 100_000.0 - 100.0));
        // Holding half: half is sold whatever the costs.
        let fleet = Fleet {
            treasury: Treasury::Hold(0.5),
            ..Fleet::single(group())
        };
        let r = rows(900_000, fleet, 2);
        assert!(close(r[1].btc_held, mined));
        assert!(close(r[1].cumulative_cash_usd, mined * 100_000.0 - 48.0));
    }

    #[test]
    fn straight_line_depreciation_sums_to_the_capex_and_tax_carries_losses() {
        // $1,095,750 over 3 years of 365.25 days: $1,000 a day.
        let g = FleetGroup {
            capex_usd: 1_095_750.0,
            depreciation_years: 3.0,
            ..group()
        };
        let fleet = Fleet {
            capex_usd: 1_095_750.0,
            tax_rate: 0.2,
            ..Fleet::single(g)
        };
        let r = rows(900_000, fleet, 1200);
        assert!(close(r[0].depreciation_usd, 1000.0));
        assert!(close(r[1000].depreciation_usd, 1000.0));
        assert!(close(r[1095].depreciation_usd, 750.0)); // the last three quarters of a day
        assert_eq!(r[1096].depreciation_usd, 0.0);
        let total: f64 = r.iter().map(|x| x.depreciation_usd).sum();
        assert!(close(total, 1_095_750.0));
        let margin = r[0].margin_usd;
        assert!(close(r[0].operating_income_usd, margin - 1000.0));
        // Tax: 20% of the operating income to date once it is positive, never refunded.
        let mut cum = 0.0_f64;
        let mut paid = 0.0_f64;
        for day in &r {
            cum += day.operating_income_usd;
            let t = (0.2 * cum.max(0.0) - paid).max(0.0);
            assert!((day.tax_usd - t).abs() < 1e-6, "{}", day.date);
            paid += t;
        }
    }

    #[test]
    fn solo_odds_for_a_bitaxe() {
        // 1.2 TH/s against the flat network for a year: lambda = 365 x 144 x 1.2e12 / H.
        let fleet = Fleet::single(FleetGroup::new(1.2, 18.0, 0.1));
        let s = Scenario::with_growth(flat(900_000), Growth::default(), fleet, Horizon::Days(365));
        let sm = summarize(&s).unwrap();
        let lambda = 365.0 * 144.0 * 1.2e12 / chain::hashrate_from_difficulty(D);
        assert!(close(sm.expected_blocks, lambda));
        assert!(close(
            sm.block_probability_pct,
            (1.0 - (-lambda).exp()) * 100.0
        ));
        assert!(close(sm.expected_days_to_block.unwrap(), 365.0 / lambda));
    }

    #[test]
    fn the_shared_walk_keeps_the_books_identical() {
        let g = FleetGroup {
            energize: Some(d("2027-03-01")),
            retire: Some(Retire::Date(d("2028-06-01"))),
            installed_on: Some(d("2027-03-01")),
            degradation: 0.03,
            failure_rate: 0.02,
            capex_usd: 2e6,
            resale_usd_per_unit: 500.0,
            hosting_fee_usd_per_month: 20.0,
            profit_share: 0.1,
            depreciation_years: 3.0,
            ..group()
        };
        let fleet = Fleet {
            groups: vec![g, group()],
            capex_usd: 2.5e6,
            tax_rate: 0.21,
            treasury: Treasury::SellToCover,
            discount_rate: 0.1,
            depreciation_years: 2.0,
            ..Fleet::default()
        };
        let growth = Growth {
            hashrate: 0.3,
            price: 0.2,
            fees: 0.0,
        };
        let s = Scenario::with_growth(flat(1_030_000), growth, fleet, Horizon::Days(1000));
        let path = crate::model::projection::ChainPath::new(&s).unwrap();
        assert_eq!(summarize(&s).unwrap(), summarize_on(&s, &path).unwrap());
    }
}
