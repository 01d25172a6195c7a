//! The embedded ASIC catalog (data/machines.csv) and per-machine economics.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::fleet::hashcost_usd_per_ph_day;
use crate::model::hashprice::HashpriceRow;
use crate::params::spec::{Spec, Values};

/// The catalog as shipped.
pub const MACHINES_CSV: &str = include_str!("../../data/machines.csv");

/// One machine model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Machine {
    /// Manufacturer.
    pub manufacturer: String,
    /// Model name as users type it.
    pub model: String,
    /// Nameplate hashrate, TH/s.
    pub hashrate_ths: f64,
    /// Nameplate power, W.
    pub power_w: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Release year.
    pub release_year: u32,
    /// air, hydro or immersion.
    pub cooling: String,
    /// verified, partial or conflict.
    pub verification: String,
    /// Where the figures come from.
    pub source: String,
    /// When they were checked.
    pub as_of: String,
    /// Price of one unit, USD; empty where no dated source could be found.
    pub price_usd: Option<f64>,
    /// Where the price comes from, and whether it is a unit price or a tier's USD/TH
    /// converted to one (empty without a price).
    pub price_source: String,
    /// The date the price was observed (empty without a price).
    pub price_as_of: String,
}

/// Days in the horizon of [`MachineRow::roi_1y_pct`].
pub const ROI_HORIZON_DAYS: f64 = 365.0;

/// Parses a catalog in the data/machines.csv shape; errors name the line and column.
pub fn parse_catalog(name: &str, text: &str) -> Result<Vec<Machine>, Error> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.deserialize::<Machine>() {
        let m = rec.map_err(|e| {
            let pos = e
                .position()
                .map(|p| format!(":{}", p.line()))
                .unwrap_or_default();
            Error::input(format!("{name}{pos}: {e}"))
        })?;
        if let Some(p) = m.price_usd {
            if !(p.is_finite() && p > 0.0) {
                return Err(Error::input(format!(
                    "{name}: {}: price_usd must be a positive number of USD, got {p}",
                    m.model
                )));
            }
            if m.price_source.trim().is_empty() || m.price_as_of.trim().is_empty() {
                return Err(Error::input(format!(
                    "{name}: {}: a price needs its price_source and price_as_of",
                    m.model
                )));
            }
        }
        out.push(m);
    }
    Ok(out)
}

/// The embedded catalog (parsed once).
pub fn catalog() -> &'static [Machine] {
    static CATALOG: std::sync::OnceLock<Vec<Machine>> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        // A unit test parses the embedded file; failure here is a build defect.
        parse_catalog("data/machines.csv", MACHINES_CSV)
            .unwrap_or_else(|e| panic!("embedded catalog: {e}"))
    })
}

fn norm(s: &str) -> String {
    s.to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+')
        .collect()
}

/// Finds a model by name: case, spaces and punctuation are ignored, and the manufacturer's
/// prefix ("Antminer ", "WhatsMiner ", "Avalon ") may be left out. An unknown name is an error
/// that suggests the nearest names.
pub fn find<'a>(catalog: &'a [Machine], name: &str) -> Result<&'a Machine, Error> {
    let n = norm(name);
    let full = |m: &Machine| norm(&format!("{} {}", m.manufacturer, m.model));
    let short = |m: &Machine| {
        let model = norm(&m.model);
        ["antminer", "whatsminer", "avalon", "bitaxe"]
            .iter()
            .find_map(|p| model.strip_prefix(p).map(str::to_string))
            .unwrap_or(model)
    };
    if let Some(m) = catalog
        .iter()
        .find(|m| norm(&m.model) == n || full(m) == n || short(m) == n)
    {
        return Ok(m);
    }
    let mut scored: Vec<(f64, &Machine)> = catalog
        .iter()
        .map(|m| {
            (
                strsim::jaro_winkler(&n, &norm(&m.model)).max(strsim::jaro_winkler(&n, &short(m))),
                m,
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let near: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, m)| format!("\"{}\"", m.model))
        .collect();
    Err(Error::input(format!(
        "\"{name}\" is not in the catalog; nearest: {} (minecalc machines lists them all)",
        near.join(", ")
    )))
}

/// A fleet group whose capex is the catalog's price for its machine: no `--capex` and no
/// `--unit-price` was given for it or for the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogPrice {
    /// The model.
    pub model: String,
    /// Units in the group (`None` for a deployment schedule: each batch is priced).
    pub units: Option<f64>,
    /// The catalog's price of one unit, USD.
    pub price_usd: f64,
    /// The price's date.
    pub price_as_of: String,
    /// True when the price is a J/TH band's USD/TH applied to the model.
    pub tier: bool,
}

/// The groups of `spec` whose capex falls back to the catalog's price (as
/// [`crate::inputs::scenario::fleet`] computes it), for the header that says so.
pub fn catalog_priced_groups(spec: &Spec, catalog: &[Machine]) -> Vec<CatalogPrice> {
    let given = |v: &Values, name: &str| Spec::num_in(v, name).ok().flatten().is_some();
    if given(&spec.values, "capex") || given(&spec.values, "unit-price") {
        return Vec::new();
    }
    spec.groups
        .iter()
        .filter(|g| !given(g, "capex") && !given(g, "unit-price"))
        .filter_map(|g| {
            let m = find(catalog, &Spec::text_in(g, "machine")?.0).ok()?;
            Some(CatalogPrice {
                model: m.model.clone(),
                units: match Spec::text_in(g, "schedule") {
                    Some(_) => None,
                    None => Some(Spec::num_in(g, "units").ok().flatten().unwrap_or(1.0)),
                },
                price_usd: m.price_usd?,
                price_as_of: m.price_as_of.clone(),
                tier: m.price_source.starts_with("tier price"),
            })
        })
        .collect()
}

/// A catalog row with its economics at one network state and power cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineRow {
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Nameplate hashrate, TH/s.
    pub hashrate_ths: f64,
    /// Nameplate power, W.
    pub power_w: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Release year.
    pub release_year: u32,
    /// Cooling.
    pub cooling: String,
    /// Verification status of the figures.
    pub verification: String,
    /// Revenue of one unit a day at 100% uptime, no pool fee, USD (empty without a network).
    pub revenue_usd_per_day: Option<f64>,
    /// Electricity cost of one unit a day, USD (needs --power-cost).
    pub power_cost_usd_per_day: Option<f64>,
    /// Revenue - power cost, USD per unit per day.
    pub margin_usd_per_day: Option<f64>,
    /// Power cost at which the unit breaks even today, USD/kWh.
    pub breakeven_power_cost_usd_per_kwh: Option<f64>,
    /// Source of the figures.
    pub source: String,
    /// Price of one unit, USD (empty where the catalog has none).
    pub price_usd: Option<f64>,
    /// Price per TH/s of nameplate hashrate, USD.
    pub usd_per_th: Option<f64>,
    /// Days for today's margin to repay the price: price / margin a day (empty without a
    /// price, or when the margin is not positive).
    pub payback_days: Option<f64>,
    /// Return over 365 days at today's hashprice and power cost, running every day:
    /// (365 x margin a day - price) / price, in percent.
    pub roi_1y_pct: Option<f64>,
    /// Where the price comes from (a unit price, or a tier's USD/TH converted).
    pub price_source: String,
    /// The date of the price.
    pub price_as_of: String,
}

impl MachineRow {
    /// The row for `m` at a hashprice (and power cost where given).
    pub fn new(
        m: &Machine,
        hp: Option<&HashpriceRow>,
        power_cost_usd_per_kwh: Option<f64>,
    ) -> MachineRow {
        let revenue = hp.map(|h| h.hashprice_usd_per_ph_day * m.hashrate_ths / 1000.0);
        let cost = power_cost_usd_per_kwh
            .map(|p| hashcost_usd_per_ph_day(m.efficiency_j_per_th, p) * m.hashrate_ths / 1000.0);
        let margin = revenue.zip(cost).map(|(r, c)| r - c);
        let price = m.price_usd;
        MachineRow {
            manufacturer: m.manufacturer.clone(),
            model: m.model.clone(),
            hashrate_ths: m.hashrate_ths,
            power_w: m.power_w,
            efficiency_j_per_th: m.efficiency_j_per_th,
            release_year: m.release_year,
            cooling: m.cooling.clone(),
            verification: m.verification.clone(),
            revenue_usd_per_day: revenue,
            power_cost_usd_per_day: cost,
            margin_usd_per_day: margin,
            breakeven_power_cost_usd_per_kwh: hp.map(|h| {
                h.hashprice_usd_per_ph_day / hashcost_usd_per_ph_day(m.efficiency_j_per_th, 1.0)
            }),
            source: m.source.clone(),
            price_usd: price,
            usd_per_th: price.map(|p| p / m.hashrate_ths),
            payback_days: price
                .zip(margin)
                .and_then(|(p, d)| (d > 0.0).then(|| p / d)),
            roi_1y_pct: price
                .zip(margin)
                .map(|(p, d)| (ROI_HORIZON_DAYS * d - p) / p * 100.0),
            price_source: m.price_source.clone(),
            price_as_of: m.price_as_of.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_and_is_consistent() {
        let c = catalog().to_vec();
        assert!(c.len() >= 20);
        for m in &c {
            let implied = m.power_w / m.hashrate_ths;
            assert!(
                (implied / m.efficiency_j_per_th - 1.0).abs() < 0.03,
                "{}: {implied}",
                m.model
            );
            assert!(
                ["air", "hydro", "immersion"].contains(&m.cooling.as_str()),
                "{}",
                m.model
            );
            assert!(
                ["verified", "partial", "conflict"].contains(&m.verification.as_str()),
                "{}",
                m.model
            );
            assert!(!m.source.is_empty());
            if m.price_usd.is_some() {
                assert!(
                    chrono::NaiveDate::parse_from_str(&m.price_as_of, "%Y-%m-%d").is_ok(),
                    "{}: price_as_of {:?}",
                    m.model,
                    m.price_as_of
                );
                // A tier price applied to a model says so.
                assert!(
                    m.price_source.starts_with("tier price")
                        || m.price_source.contains("list price")
                        || m.price_source.contains("reseller price"),
                    "{}: {}",
                    m.model,
                    m.price_source
                );
            } else {
                assert!(m.price_source.is_empty() && m.price_as_of.is_empty());
            }
        }
        assert!(c.iter().filter(|m| m.price_usd.is_some()).count() >= 15);
    }

    #[test]
    fn prices_give_payback_and_roi() {
        let m = Machine {
            price_usd: Some(1000.0),
            price_source: "test".into(),
            price_as_of: "2026-01-01".into(),
            ..catalog()[0].clone()
        };
        let hp = HashpriceRow {
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 26).unwrap(),
            height: 955_584,
            difficulty: 1e14,
            subsidy_btc: 3.125,
            fees_btc_per_block: 0.0,
            btc_price_usd: 60_000.0,
            hashvalue_sats_per_ph_day: 0.0,
            hashprice_usd_per_ph_day: 50.0,
            efficiency_j_per_th: None,
            power_cost_usd_per_kwh: None,
            hashcost_usd_per_ph_day: None,
            margin_usd_per_ph_day: None,
            breakeven_power_cost_usd_per_kwh: None,
            breakeven_efficiency_j_per_th: None,
        };
        // 13.5 TH/s at $50/PH/day = $0.675 a day; 98 J/TH x 13.5 TH/s = 1.323 kW.
        let r = MachineRow::new(&m, Some(&hp), Some(0.01));
        let margin = 0.675 - 1.323 * 24.0 * 0.01;
        assert!((r.margin_usd_per_day.unwrap() - margin).abs() < 1e-12);
        assert!((r.payback_days.unwrap() - 1000.0 / margin).abs() < 1e-9);
        assert!((r.roi_1y_pct.unwrap() - (365.0 * margin - 1000.0) / 10.0).abs() < 1e-9);
        assert!((r.usd_per_th.unwrap() - 1000.0 / 13.5).abs() < 1e-12);
        // A loss: no payback, ROI below -100%.
        let r = MachineRow::new(&m, Some(&hp), Some(0.1));
        assert_eq!(r.payback_days, None);
        assert!(r.roi_1y_pct.unwrap() < -100.0);
        // No price: nothing priced.
        let r = MachineRow::new(&catalog()[0], Some(&hp), Some(0.01));
        assert_eq!(
            (r.price_usd, r.payback_days, r.roi_1y_pct),
            (None, None, None)
        );
    }

    #[test]
    fn a_bad_price_names_the_model() {
        let head = "manufacturer,model,hashrate_ths,power_w,efficiency_j_per_th,release_year,cooling,verification,source,as_of,price_usd,price_source,price_as_of\n";
        let e = parse_catalog(
            "m.csv",
            &format!("{head}X,Y,1,1,1,2020,air,partial,s,2026-01-01,-5,p,2026-01-01\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("Y") && e.contains("price_usd") && e.contains("-5"),
            "{e}"
        );
        let e = parse_catalog(
            "m.csv",
            &format!("{head}X,Y,1,1,1,2020,air,partial,s,2026-01-01,5,,\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("price_source"), "{e}");
        let ok = parse_catalog(
            "m.csv",
            &format!("{head}X,Y,1,1,1,2020,air,partial,s,2026-01-01,,,\n"),
        )
        .unwrap();
        assert_eq!(ok[0].price_usd, None);
    }

    #[test]
    fn find_is_forgiving_and_suggests() {
        let c = catalog().to_vec();
        assert_eq!(
            find(&c, "Antminer S21 XP").unwrap().model,
            "Antminer S21 XP"
        );
        assert_eq!(find(&c, "s21 xp").unwrap().model, "Antminer S21 XP");
        assert_eq!(
            find(&c, "antminer-s21-xp").unwrap().model,
            "Antminer S21 XP"
        );
        assert_eq!(find(&c, "S21+").unwrap().model, "Antminer S21+");
        let e = find(&c, "Antminer S21 XPP").unwrap_err().to_string();
        assert!(
            e.contains("nearest") && e.contains("Antminer S21 XP"),
            "{e}"
        );
    }
}
