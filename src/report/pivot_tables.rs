//! The human table's cells for the pivot's rows, its risk summary and the lease deals.

use super::{musd, num, usd, TableRow};
use crate::analyses::pivot::risk::{PivotRisk, PivotRiskRow};
use crate::analyses::pivot::{GrowthBreakeven, PivotRow, PivotSummary, GROWTH_SEARCH_PCT};
use crate::inputs::deals::DealRow;

impl TableRow for PivotRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "year",
            "from",
            "phase",
            "BTC price",
            "hashprice $/PH/d",
            "mining cash",
            "convert cash",
            "cum. mining",
            "cum. convert",
            "NPV mining",
            "NPV convert",
            "NPV diff",
            "b/e lease $/kW-mo",
            "b/e growth",
            "events",
        ]
    }

    fn table_keys() -> Vec<&'static str> {
        vec![
            "year",
            "start_date",
            "phase",
            "btc_price_usd",
            "hashprice_usd_per_ph_day",
            "mining_cash_usd",
            "convert_cash_usd",
            "cumulative_mining_cash_usd",
            "cumulative_convert_cash_usd",
            "npv_mining_usd",
            "npv_convert_usd",
            "npv_difference_usd",
            "breakeven_lease_usd_per_kw_month",
            "breakeven_price_growth_pct",
            "events",
        ]
    }

    fn table_drop_order() -> Vec<usize> {
        vec![14, 7, 8, 3, 4, 9, 10, 12, 13, 2, 5, 6, 1]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.start_date.to_string(),
            self.phase.clone(),
            usd(self.btc_price_usd, 0),
            usd(self.hashprice_usd_per_ph_day, 2),
            musd(self.mining_cash_usd, 1),
            musd(self.convert_cash_usd, 1),
            musd(self.cumulative_mining_cash_usd, 1),
            musd(self.cumulative_convert_cash_usd, 1),
            musd(self.npv_mining_usd, 1),
            musd(self.npv_convert_usd, 1),
            musd(self.npv_difference_usd, 1),
            self.breakeven_lease_usd_per_kw_month
                .map(|v| usd(v, 1))
                .unwrap_or_else(|| "-".into()),
            growth_cell(
                self.breakeven_price_growth_pct,
                &self.breakeven_price_growth_status,
            ),
            // "halving 1050000 2028-04-11T…" reads as "halving 2028-04-11" here.
            self.events
                .split("; ")
                .filter_map(|e| e.split(' ').nth(2))
                .map(|t| format!("halving {}", t.split('T').next().unwrap_or(t)))
                .collect::<Vec<_>>()
                .join("; "),
        ]
    }
}

impl TableRow for PivotSummary {
    fn table_headers() -> Vec<&'static str> {
        // The decision first: the table's first row column is its (left-aligned) label.
        vec![
            "decision",
            "NPV mining",
            "NPV convert",
            "NPV diff",
            "b/e lease $/kW-mo",
            "b/e growth",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.decision.clone(),
            musd(self.npv_mining_usd, 1),
            musd(self.npv_convert_usd, 1),
            musd(self.npv_difference_usd, 1),
            self.breakeven_lease_usd_per_kw_month
                .map(|v| usd(v, 2))
                .unwrap_or_else(|| "-".into()),
            growth_cell(
                self.breakeven_price_growth_pct,
                &self.breakeven_price_growth_status,
            ),
        ]
    }
}

/// The breakeven growth for the table: `+17.4%/yr`, or which side wins outside the range.
fn growth_cell(pct: Option<f64>, status: &str) -> String {
    match (pct, status) {
        (Some(v), _) => format!("{v:+.1}%/yr"),
        (None, "mining_ahead") => format!("< {}%", GROWTH_SEARCH_PCT.0),
        (None, "converting_ahead") => format!("> +{}%", GROWTH_SEARCH_PCT.1),
        _ => "-".into(),
    }
}

impl TableRow for DealRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "announced",
            "landlord",
            "tenant",
            "MW IT",
            "years",
            "value $bn",
            "$/kW-month",
            "type",
            "in median",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        let ty = if self.cumulative {
            format!("{} (cumulative)", self.lease_type)
        } else {
            self.lease_type.clone()
        };
        vec![
            self.announced.clone(),
            self.landlord.clone(),
            self.tenant.clone(),
            num(self.mw_it, 0),
            num(self.term_years, 0),
            num(self.contract_value_usd_bn, 2),
            self.implied_usd_per_kw_month
                .map(|v| usd(v, 1))
                .unwrap_or_else(|| "n/a".into()),
            ty,
            if self.in_default_median { "yes" } else { "no" }.into(),
        ]
    }
}

/// The pivot risk table's header line: the probability, the spread, and the deterministic
/// answer.
pub fn pivot_risk_headline(risk: &PivotRisk) -> String {
    let r = &risk.row;
    let central = match risk.central.breakeven_price_growth {
        GrowthBreakeven::At(g) => format!(
            "; at the price path itself {} ({} NPV diff), and mining matches the lease at {}% a year of growth",
            r.central_decision,
            musd(r.central_npv_difference_usd, 1),
            num(g * 100.0, 1)
        ),
        _ => format!(
            "; at the price path itself {} ({} NPV diff)",
            r.central_decision,
            musd(r.central_npv_difference_usd, 1)
        ),
    };
    format!(
        "risk     {} paths, price volatility {}% a year (seed {}): mining beats the lease on {}% of paths; NPV diff P5 {}, P50 {}, P95 {} (mean {}){central}",
        num(r.paths as f64, 0),
        num(r.price_vol_pct, 1),
        r.seed,
        num(r.prob_mining_beats_lease_pct, 1),
        musd(r.npv_difference_usd_p5, 1),
        musd(r.npv_difference_usd_p50, 1),
        musd(r.npv_difference_usd_p95, 1),
        musd(r.npv_difference_usd_mean, 1),
    )
}

impl TableRow for PivotRiskRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "P(mining wins)",
            "paths",
            "vol",
            "NPV mining P5",
            "P50",
            "P95",
            "NPV diff P5",
            "P25",
            "P50",
            "P75",
            "P95",
            "at price path",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            format!("{}%", num(self.prob_mining_beats_lease_pct, 1)),
            num(self.paths as f64, 0),
            format!("{}%", num(self.price_vol_pct, 1)),
            musd(self.npv_mining_usd_p5, 1),
            musd(self.npv_mining_usd_p50, 1),
            musd(self.npv_mining_usd_p95, 1),
            musd(self.npv_difference_usd_p5, 1),
            musd(self.npv_difference_usd_p25, 1),
            musd(self.npv_difference_usd_p50, 1),
            musd(self.npv_difference_usd_p75, 1),
            musd(self.npv_difference_usd_p95, 1),
            format!(
                "{} {}",
                self.central_decision,
                musd(self.central_npv_difference_usd, 1)
            ),
        ]
    }
}
