//! How the Monte Carlo rows read in the human table.

use super::{num, usd, usd_whole, TableRow};
use crate::analyses::montecarlo::{BandRow, McSummary};

impl TableRow for BandRow {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "date",
            "days",
            "price P5",
            "P50",
            "P95",
            "hashprice P5",
            "P50",
            "P95",
            "margin P5",
            "P50",
            "P95",
            "cum. margin P5",
            "P50",
            "P95",
            "P(loss)",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.date.to_string(),
            self.days.to_string(),
            usd(self.btc_price_usd_p5, 0),
            usd(self.btc_price_usd_p50, 0),
            usd(self.btc_price_usd_p95, 0),
            usd(self.hashprice_usd_per_ph_day_p5, 2),
            usd(self.hashprice_usd_per_ph_day_p50, 2),
            usd(self.hashprice_usd_per_ph_day_p95, 2),
            usd_whole(self.margin_usd_p5),
            usd_whole(self.margin_usd_p50),
            usd_whole(self.margin_usd_p95),
            usd_whole(self.cumulative_margin_usd_p5),
            usd_whole(self.cumulative_margin_usd_p50),
            usd_whole(self.cumulative_margin_usd_p95),
            format!("{}%", num(self.cumulative_loss_probability_pct, 1)),
        ]
    }
}

impl TableRow for McSummary {
    fn table_headers() -> Vec<&'static str> {
        vec![
            "paths",
            "days",
            "P(loss)",
            "net P5",
            "P50",
            "P95",
            "paid back",
            "payback P5",
            "P50",
            "P95",
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        let date = |d: Option<chrono::NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
        vec![
            super::num(self.paths as f64, 0),
            super::num(self.days as f64, 0),
            format!("{}%", num(self.loss_probability_pct, 1)),
            usd_whole(self.net_usd_p5),
            usd_whole(self.net_usd_p50),
            usd_whole(self.net_usd_p95),
            self.paid_back_pct
                .map_or(String::new(), |v| format!("{}%", num(v, 1))),
            date(self.payback_date_p5),
            date(self.payback_date_p50),
            date(self.payback_date_p95),
        ]
    }
}
