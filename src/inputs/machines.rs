//! The embedded ASIC catalog (data/machines.csv) and per-machine economics.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::fleet::hashcost_usd_per_ph_day;
use crate::model::hashprice::HashpriceRow;

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
}

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
            margin_usd_per_day: revenue.zip(cost).map(|(r, c)| r - c),
            breakeven_power_cost_usd_per_kwh: hp.map(|h| {
                h.hashprice_usd_per_ph_day / hashcost_usd_per_ph_day(m.efficiency_j_per_th, 1.0)
            }),
            source: m.source.clone(),
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
        }
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
