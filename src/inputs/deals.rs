//! The public miner-to-AI/HPC deals (data/hpc_deals.csv) and the default lease rate they give.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The deal table embedded in the binary.
pub const EMBEDDED_DEALS_CSV: &str = include_str!("../../data/hpc_deals.csv");

/// The `lease_type` of a colocation lease: the landlord builds and runs a turnkey data hall
/// (power, cooling, the building and its fit-out); the tenant brings the GPUs. The deals' sources
/// describe these, not bare powered shells, which is also what $8–11M per MW of IT buys.
pub const COLOCATION: &str = "colocation";

/// One deal, as the CSV holds it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct DealRecord {
    announced: String,
    landlord: String,
    tenant: String,
    backstop: String,
    site: String,
    mw_it: f64,
    term_years: f64,
    contract_value_usd_bn: f64,
    implied_usd_per_kw_month: Option<f64>,
    lease_type: String,
    source: String,
}

/// One deal, with what the default lease rate makes of it. One flat row for every format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealRow {
    /// Announcement date (YYYY-MM-DD, or YYYY-MM when the day is not confirmed).
    pub announced: String,
    /// The miner that owns the site.
    pub landlord: String,
    /// The tenant.
    pub tenant: String,
    /// Who guarantees the tenant's payments, if anyone.
    pub backstop: String,
    /// The site.
    pub site: String,
    /// Critical IT load leased, MW.
    pub mw_it: f64,
    /// Base term, years.
    pub term_years: f64,
    /// Headline contract value over the base term, USD billions.
    pub contract_value_usd_bn: f64,
    /// value / years / kW / 12, USD per kW-month (empty for GPU-cloud contracts).
    pub implied_usd_per_kw_month: Option<f64>,
    /// `colocation` or `gpu_cloud` (a contract that includes the GPUs).
    pub lease_type: String,
    /// True when the row repeats an earlier deal's total (an expansion reported cumulatively).
    pub cumulative: bool,
    /// True when the row counts towards the default lease rate (the median).
    pub in_default_median: bool,
    /// Where the figures come from.
    pub source: String,
}

/// Parses a deal table.
pub fn parse(csv_text: &str) -> Result<Vec<DealRow>, Error> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<DealRecord>().enumerate() {
        let r = rec.map_err(|e| Error::input(format!("deal table row {}: {e}", i + 2)))?;
        let cumulative = r.site.to_ascii_lowercase().contains("cumulative");
        let in_default_median = r.lease_type == COLOCATION
            && !cumulative
            && r.implied_usd_per_kw_month.is_some_and(f64::is_finite);
        out.push(DealRow {
            announced: r.announced,
            landlord: r.landlord,
            tenant: r.tenant,
            backstop: r.backstop,
            site: r.site,
            mw_it: r.mw_it,
            term_years: r.term_years,
            contract_value_usd_bn: r.contract_value_usd_bn,
            implied_usd_per_kw_month: r.implied_usd_per_kw_month,
            lease_type: r.lease_type,
            cumulative,
            in_default_median,
            source: r.source,
        });
    }
    Ok(out)
}

/// The deal table embedded in the binary.
pub fn embedded() -> Vec<DealRow> {
    // The embedded file is checked by a unit test; a parse failure here is a build defect.
    parse(EMBEDDED_DEALS_CSV).unwrap_or_else(|e| panic!("embedded data/hpc_deals.csv: {e}"))
}

/// The default lease rate: the median implied USD per kW-month of the rows marked
/// `in_default_median` (colocation leases, cumulative repeats and GPU-cloud contracts
/// left out), and how many rows it took. `None` when no row qualifies.
pub fn median_lease_usd_per_kw_month(deals: &[DealRow]) -> Option<(f64, usize)> {
    let mut v: Vec<f64> = deals
        .iter()
        .filter(|d| d.in_default_median)
        .filter_map(|d| d.implied_usd_per_kw_month)
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some((m, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_and_checks() {
        let d = embedded();
        assert_eq!(d.len(), 12);
        // Each implied rate is value / years / kW / 12, to the table's rounding.
        for r in &d {
            if let Some(rate) = r.implied_usd_per_kw_month {
                let computed =
                    r.contract_value_usd_bn * 1e9 / r.term_years / (r.mw_it * 1000.0) / 12.0;
                assert!(
                    (computed - rate).abs() < 0.06,
                    "{} {computed} {rate}",
                    r.site
                );
            } else {
                assert_eq!(r.lease_type, "gpu_cloud");
            }
        }
        assert_eq!(d.iter().filter(|r| r.cumulative).count(), 3);
        assert_eq!(d.iter().filter(|r| r.lease_type == "gpu_cloud").count(), 1);
    }

    #[test]
    fn default_is_the_median_of_eight_colocation_leases() {
        // 101.9, 121.5, 148.8, 154.2 | 155.6, 158.4, 158.7, 177.4 -> (154.2 + 155.6) / 2.
        let (m, n) = median_lease_usd_per_kw_month(&embedded()).unwrap();
        assert_eq!(n, 8);
        assert!((m - 154.9).abs() < 1e-9, "{m}");
    }

    #[test]
    fn median_of_odd_count_and_of_nothing() {
        let mut d = embedded();
        d.retain(|r| r.landlord != "Cipher Mining" || r.mw_it != 39.0);
        let (m, n) = median_lease_usd_per_kw_month(&d).unwrap();
        assert_eq!((m, n), (154.2, 7));
        assert_eq!(median_lease_usd_per_kw_month(&[]), None);
    }

    #[test]
    fn bad_table_names_the_row() {
        let e = parse("announced,landlord,tenant,backstop,site,mw_it,term_years,contract_value_usd_bn,implied_usd_per_kw_month,lease_type,source\n2025,a,b,,c,lots,1,1,1,colocation,s\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("deal table row 2:"), "{e}");
    }
}
