//! How each row type reads in the human table (the only place numbers are rounded).

use super::{musd, num, tera, usd, usd_whole, TableRow};
use crate::model::halvings::HalvingRow;
use crate::model::hashprice::HashpriceRow;
use crate::model::projection::ProjectionRow;

impl TableRow for ProjectionRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "date",
            "days",
            "height",
            "difficulty",
            "hashrate EH/s",
            "BTC price",
            "hashprice $/PH/d",
            "BTC mined",
            "revenue",
            "power cost",
            "margin",
            "cum. margin",
            "events",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "date",
            "days",
            "height",
            "difficulty",
            "network_hashrate_eh_s",
            "btc_price_usd",
            "hashprice_usd_per_ph_day",
            "btc_mined",
            "revenue_usd",
            "power_cost_usd",
            "margin_usd",
            "cumulative_margin_usd",
            "events",
        ]
    }

    fn table_drop_order() -> Vec<usize> {
        // Kept longest: the date, the fleet's money and hashprice.
        vec![3, 2, 1, 4, 5, 12, 11, 9, 8, 6, 7]
    }

    fn table_cells(&self) -> Vec<String> {
        let events = if self.days == 1 {
            // Drop the timestamp for the table; CSV and JSON keep it.
            self.events
                .split("; ")
                .map(|e| {
                    e.split(' ')
                        .filter(|w| !w.contains('T'))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("; ")
        } else if self.events.contains("halving") {
            "halving".to_string()
        } else {
            String::new()
        };
        vec![
            self.date.to_string(),
            self.days.to_string(),
            num(self.height as f64, 0),
            tera(self.difficulty),
            num(self.network_hashrate_eh_s, 1),
            usd(self.btc_price_usd, 0),
            usd(self.hashprice_usd_per_ph_day, 2),
            format!("{:.6}", self.btc_mined),
            usd_whole(self.revenue_usd),
            usd_whole(self.power_cost_usd),
            usd_whole(self.margin_usd),
            usd_whole(self.cumulative_margin_usd),
            events,
        ]
    }
}

impl TableRow for HalvingRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "halving",
            "height",
            "subsidy BTC",
            "subsidy sats",
            "BTC/day",
            "supply at era end BTC",
            "date (UTC)",
            "",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.halving.to_string(),
            num(self.height as f64, 0),
            format!("{:.8}", self.subsidy_btc),
            num(self.subsidy_sats as f64, 0),
            num(self.network_btc_per_day, 2),
            num(self.cumulative_supply_sats as f64 / 1e8, 8),
            self.date.replace('T', " ").replace('Z', ""),
            if self.date.is_empty() {
                String::new()
            } else if self.estimated {
                "estimated".into()
            } else {
                "mined".into()
            },
        ]
    }
}

/// A metric, its value and unit: one line of a transposed table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MetricRow {
    /// What is measured.
    pub metric: String,
    /// The value, formatted.
    pub value: String,
    /// Its unit.
    pub unit: String,
}

impl TableRow for MetricRow {
    fn table_headers() -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![self.metric.clone(), self.value.clone(), self.unit.clone()]
    }
}

impl TableRow for HashpriceRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "date",
            "height",
            "difficulty",
            "hashvalue sats/PH/d",
            "hashprice $/PH/d",
            "hashcost $/PH/d",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.date.to_string(),
            num(self.height as f64, 0),
            tera(self.difficulty),
            num(self.hashvalue_sats_per_ph_day, 0),
            usd(self.hashprice_usd_per_ph_day, 2),
            self.hashcost_usd_per_ph_day
                .map(|h| usd(h, 2))
                .unwrap_or_default(),
        ]
    }
}

/// The hashprice row as (metric, value, unit) lines for the human table.
pub fn hashprice_lines(r: &HashpriceRow) -> Vec<MetricRow> {
    let mut v = vec![
        ["date".into(), r.date.to_string(), String::new()],
        ["height".into(), num(r.height as f64, 0), "blocks".into()],
        ["difficulty".into(), tera(r.difficulty), String::new()],
        [
            "subsidy".into(),
            format!("{:.8}", r.subsidy_btc),
            "BTC/block".into(),
        ],
        [
            "fees".into(),
            format!("{:.8}", r.fees_btc_per_block),
            "BTC/block".into(),
        ],
        ["BTC price".into(), usd(r.btc_price_usd, 0), "USD".into()],
        [
            "hashvalue".into(),
            num(r.hashvalue_sats_per_ph_day, 0),
            "sats/PH/day".into(),
        ],
        [
            "hashprice".into(),
            usd(r.hashprice_usd_per_ph_day, 2),
            "USD/PH/day".into(),
        ],
    ];
    if let Some(e) = r.efficiency_j_per_th {
        v.push(["efficiency".into(), num(e, 2), "J/TH".into()]);
    }
    if let Some(p) = r.power_cost_usd_per_kwh {
        v.push(["power cost".into(), format!("${p:.4}"), "USD/kWh".into()]);
    }
    if let Some(h) = r.hashcost_usd_per_ph_day {
        v.push(["hashcost".into(), usd(h, 2), "USD/PH/day".into()]);
    }
    if let Some(m) = r.margin_usd_per_ph_day {
        v.push(["margin".into(), usd(m, 2), "USD/PH/day".into()]);
    }
    if let Some(b) = r.breakeven_power_cost_usd_per_kwh {
        v.push([
            "breakeven power cost".into(),
            format!("${b:.4}"),
            "USD/kWh".into(),
        ]);
    }
    if let Some(b) = r.breakeven_efficiency_j_per_th {
        v.push(["breakeven efficiency".into(), num(b, 2), "J/TH".into()]);
    }
    v.into_iter()
        .map(|[metric, value, unit]| MetricRow {
            metric,
            value,
            unit,
        })
        .collect()
}

impl TableRow for crate::inputs::machines::MachineRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "model",
            "TH/s",
            "W",
            "J/TH",
            "year",
            "cooling",
            "figures",
            "revenue $/day",
            "power $/day",
            "margin $/day",
            "breakeven $/kWh",
            "price $",
            "$/TH",
            "payback days",
            "ROI 1y",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "model",
            "hashrate_ths",
            "power_w",
            "efficiency_j_per_th",
            "release_year",
            "cooling",
            "verification",
            "revenue_usd_per_day",
            "power_cost_usd_per_day",
            "margin_usd_per_day",
            "breakeven_power_cost_usd_per_kwh",
            "price_usd",
            "usd_per_th",
            "payback_days",
            "roi_1y_pct",
        ]
    }

    fn table_drop_order() -> Vec<usize> {
        vec![6, 5, 4, 8, 7, 2, 10, 1, 12, 3, 9, 11]
    }

    fn table_cells(&self) -> Vec<String> {
        let opt = |v: Option<f64>, d: usize| v.map_or(String::new(), |x| usd(x, d));
        vec![
            self.model.clone(),
            num(self.hashrate_ths, 1),
            num(self.power_w, 0),
            num(self.efficiency_j_per_th, 1),
            self.release_year.to_string(),
            self.cooling.clone(),
            self.verification.clone(),
            opt(self.revenue_usd_per_day, 2),
            opt(self.power_cost_usd_per_day, 2),
            opt(self.margin_usd_per_day, 2),
            self.breakeven_power_cost_usd_per_kwh
                .map_or(String::new(), |b| format!("${b:.4}")),
            opt(self.price_usd, 0),
            opt(self.usd_per_th, 2),
            self.payback_days.map_or(String::new(), |d| num(d, 0)),
            self.roi_1y_pct
                .map_or(String::new(), |r| format!("{r:+.1}%")),
        ]
    }
}

impl TableRow for crate::model::summary::Summary {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "BTC mined",
            "revenue",
            "power cost",
            "margin",
            "margin/day before halving",
            "after",
            "first negative day",
            "payback",
            "NPV",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "btc_mined",
            "revenue_usd",
            "power_cost_usd",
            "margin_usd",
            "margin_before_halving_usd_per_day",
            "margin_after_halving_usd_per_day",
            "first_negative_margin_date",
            "payback_date",
            "npv_usd",
        ]
    }

    fn table_drop_order() -> Vec<usize> {
        vec![2, 1, 4, 5, 7, 6, 8, 0]
    }

    fn table_cells(&self) -> Vec<String> {
        let opt = |v: Option<f64>| v.map_or(String::new(), usd_whole);
        let date = |d: Option<chrono::NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
        vec![
            format!("{:.4}", self.btc_mined),
            usd_whole(self.revenue_usd),
            usd_whole(self.power_cost_usd),
            usd_whole(self.margin_usd),
            opt(self.margin_before_halving_usd_per_day),
            opt(self.margin_after_halving_usd_per_day),
            date(self.first_negative_margin_date),
            if self.capex_usd > 0.0 {
                date(self.payback_date)
            } else {
                String::new()
            },
            usd_whole(self.npv_usd),
        ]
    }
}

impl TableRow for crate::analyses::sweep::Breakeven {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "parameter",
            "metric",
            "found",
            "bracket",
            "metric at ends",
            "iterations",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.parameter.clone(),
            self.metric.clone(),
            self.found.to_string(),
            format!("[{}, {}]", self.bracket_low, self.bracket_high),
            format!(
                "{} / {}",
                usd(self.metric_at_low_usd, 0),
                usd(self.metric_at_high_usd, 0)
            ),
            self.iterations.to_string(),
        ]
    }
}

/// The table header's line describing the network a run starts from.
pub fn network_line(source: &str, st: &crate::model::network::NetworkState) -> String {
    format!(
        "network  {source}: height {}, difficulty {}, {} EH/s, {}/BTC, fees {} BTC/block",
        num(st.height as f64, 0),
        tera(st.difficulty),
        num(st.hashrate_eh_s(), 1),
        usd(st.price_usd, 0),
        st.fees_btc_per_block
    )
}

impl TableRow for crate::analyses::sweep::SweepRow {
    fn table_headers() -> Vec<&'static str> {
        let mut h = crate::model::summary::Summary::table_headers();
        h.extend(["P(loss)", "net P5", "net P50", "net P95"]);
        h
    }

    fn table_keys() -> Vec<&'static str> {
        let mut k = crate::model::summary::Summary::table_keys();
        k.extend([
            "loss_probability_pct",
            "net_usd_p5",
            "net_usd_p50",
            "net_usd_p95",
        ]);
        k
    }

    fn table_drop_order() -> Vec<usize> {
        // The risk columns before the summary's least read ones.
        let mut d = vec![2, 1, 4, 5, 10, 12, 7, 6];
        d.extend([11, 8, 9, 0]);
        d
    }

    fn table_cells(&self) -> Vec<String> {
        let mut c = self.summary.table_cells();
        let opt = |v: Option<f64>| v.map_or(String::new(), usd_whole);
        c.push(
            self.loss_probability_pct
                .map_or(String::new(), |p| format!("{p:.1}%")),
        );
        c.extend([
            opt(self.net_usd_p5),
            opt(self.net_usd_p50),
            opt(self.net_usd_p95),
        ]);
        c
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

impl TableRow for crate::analyses::netview::CohortRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "cohort",
            "share",
            "EH/s",
            "J/TH",
            "$/kWh",
            "GW",
            "TWh/yr",
            "revenue/day",
            "power bill/day",
            "hashcost $/PH/d",
            "margin $/PH/d",
            "b/e $/kWh",
            "after: hashprice",
            "after: margin",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "name",
            "share_pct",
            "hashrate_eh_s",
            "efficiency_j_per_th",
            "power_cost_usd_per_kwh",
            "power_gw",
            "energy_twh_per_year",
            "revenue_usd_per_day",
            "electricity_usd_per_day",
            "hashcost_usd_per_ph_day",
            "margin_usd_per_ph_day",
            "breakeven_power_cost_usd_per_kwh",
            "hashprice_after_usd_per_ph_day",
            "margin_after_usd_per_ph_day",
        ]
    }

    fn table_drop_order() -> Vec<usize> {
        vec![6, 5, 8, 7, 9, 13, 12, 4, 3, 11, 2]
    }

    fn table_cells(&self) -> Vec<String> {
        // The table keeps the cohort's name up to its list of models (CSV and JSON keep it all).
        let mut name = self
            .name
            .split(" (")
            .next()
            .unwrap_or(&self.name)
            .to_string();
        if self.underwater {
            name.push_str(" [underwater]");
        }
        vec![
            name,
            format!("{}%", num(self.share_pct, 1)),
            num(self.hashrate_eh_s, 1),
            num(self.efficiency_j_per_th, 1),
            format!("{:.4}", self.power_cost_usd_per_kwh),
            num(self.power_gw, 2),
            num(self.energy_twh_per_year, 1),
            musd(self.revenue_usd_per_day, 2),
            musd(self.electricity_usd_per_day, 2),
            usd(self.hashcost_usd_per_ph_day, 2),
            usd(self.margin_usd_per_ph_day, 2),
            format!("{:.4}", self.breakeven_power_cost_usd_per_kwh),
            opt(self.hashprice_after_usd_per_ph_day, |v| usd(v, 2)),
            opt(self.margin_after_usd_per_ph_day, |v| usd(v, 2)),
        ]
    }
}

impl TableRow for crate::analyses::netview::RegionRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "region",
            "code",
            "share",
            "EH/s",
            "GW",
            "leaves EH/s",
            "share after",
            "EH/s after",
            "GW after",
            "as of",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "region",
            "code",
            "share_pct",
            "hashrate_eh_s",
            "power_gw",
            "removed_eh_s",
            "share_after_pct",
            "hashrate_after_eh_s",
            "power_after_gw",
            "as_of",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.region.clone(),
            self.code.clone(),
            format!("{}%", num(self.share_pct, 2)),
            num(self.hashrate_eh_s, 1),
            num(self.power_gw, 2),
            opt(self.removed_eh_s, |v| num(v, 1)),
            opt(self.share_after_pct, |v| format!("{}%", num(v, 2))),
            opt(self.hashrate_after_eh_s, |v| num(v, 1)),
            opt(self.power_after_gw, |v| num(v, 2)),
            self.as_of.to_string(),
        ]
    }
}
