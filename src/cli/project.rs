//! `minecalc project`: a fleet day by day across halvings.

use chrono::Datelike;
use clap::Args;

use minecalc::chain;
use minecalc::network::NetworkState;
use minecalc::output::{num, tera, usd, Dest, RowWriter};
use minecalc::projection::{self, Aggregator, Horizon, Period, Projection, Scenario};
use minecalc::Error;

use super::args::{parse_date, FleetArgs, NetworkArgs, NetworkSetup, OutputArgs, PeriodArg};

/// Arguments of `minecalc project`.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub horizon: HorizonArgs,
    /// Days to project after the halving day (with --halving, the default horizon).
    #[arg(
        long,
        value_name = "DAYS",
        default_value = "365",
        help_heading = "Horizon (default: --halving next)"
    )]
    pub after: i64,
    /// Rows per day, week, month, difficulty epoch or year [default: month for the table, day otherwise].
    #[arg(long, value_enum, help_heading = "Output")]
    pub period: Option<PeriodArg>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How far to project (one of --days, --until, --halving; default --halving next).
#[derive(Debug, Clone, Default, Args)]
#[group(multiple = false)]
#[command(next_help_heading = "Horizon (default: --halving next)")]
pub struct HorizonArgs {
    /// Project this many days.
    #[arg(long, value_name = "N")]
    pub days: Option<i64>,
    /// Project through this date (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<chrono::NaiveDate>,
    /// Project through the halving of YEAR (or the next one), then --after days.
    #[arg(long, value_name = "YEAR|next", value_parser = parse_halving)]
    pub halving: Option<HalvingSel>,
}

/// Which halving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HalvingSel {
    /// The next one after the start.
    Next,
    /// The one expected in this calendar year.
    Year(i32),
}

fn parse_halving(s: &str) -> Result<HalvingSel, String> {
    if s.eq_ignore_ascii_case("next") {
        return Ok(HalvingSel::Next);
    }
    match s.trim().parse::<i32>() {
        Ok(y) if (2009..=2200).contains(&y) => Ok(HalvingSel::Year(y)),
        _ => Err("expected a year (e.g. 2028) or `next`".into()),
    }
}

/// Resolves a halving selection to the height of its block, on the run's network paths.
pub fn halving_height(sel: HalvingSel, net: &NetworkSetup) -> Result<u64, Error> {
    let state = &net.resolved.state;
    let next = chain::next_halving_height(state.height);
    match sel {
        HalvingSel::Next => Ok(next),
        HalvingSel::Year(y) => {
            if let Some(&(h, t)) = chain::PAST_HALVINGS
                .iter()
                .find(|(_, t)| chrono::DateTime::from_timestamp(*t, 0).map(|d| d.year()) == Some(y))
            {
                if h <= state.height {
                    let _ = t;
                    return Err(Error::input(format!(
                        "--halving {y}: the halving at height {h} is already mined (the network starts at height {} on {})",
                        state.height, state.date
                    )));
                }
            }
            let est = projection::estimate_halvings(state, &net.resolved.drivers, 8);
            if let Some(&(h, _)) = est.iter().find(|(_, t)| t.year() == y) {
                return Ok(h);
            }
            let listed: Vec<String> = est
                .iter()
                .take(3)
                .map(|(h, t)| format!("{} at height {}", t.format("%Y-%m-%d"), num(*h as f64, 0)))
                .collect();
            Err(Error::input(format!(
                "--halving {y}: no halving is expected in {y} on these paths (next: {})",
                listed.join(", ")
            )))
        }
    }
}

impl HorizonArgs {
    /// The horizon; `after` is the days after a halving.
    pub fn horizon(&self, net: &NetworkSetup, after: i64) -> Result<Horizon, Error> {
        if let Some(n) = self.days {
            return Ok(Horizon::Days(n));
        }
        if let Some(d) = self.until {
            return Ok(Horizon::Until(d));
        }
        let sel = self.halving.unwrap_or(HalvingSel::Next);
        Ok(Horizon::Halving {
            height: halving_height(sel, net)?,
            after_days: after,
        })
    }
}

/// Runs `minecalc project`.
pub fn run(a: &ProjectArgs) -> Result<(), Error> {
    let net = a.network.setup()?;
    let fleet = a.fleet.fleet()?;
    let horizon = a.horizon.horizon(&net, a.after)?;
    let scenario = Scenario {
        network: net.resolved.state.clone(),
        drivers: net.resolved.drivers.clone(),
        fleet,
        horizon,
    };
    let format = a.output.format.into();
    let period: Period =
        a.period
            .map(Into::into)
            .unwrap_or(if format == minecalc::output::Format::Table {
                Period::Month
            } else {
                Period::Day
            });
    let p = projection::project(&scenario)?;
    let mut w = RowWriter::new(
        format,
        !a.output.no_header,
        Dest::open(a.output.output.as_deref())?,
    );
    if format == minecalc::output::Format::Table {
        w.preamble(preamble(a, &net, &scenario, &p, period));
        w.postamble(totals(&p));
    }
    let mut agg = Aggregator::new(period);
    for r in &p.rows {
        if let Some(row) = agg.push(r, projection::epoch_of_row(r)) {
            w.write(&row)?;
        }
    }
    if let Some(row) = agg.finish() {
        w.write(&row)?;
    }
    w.finish()?.commit()
}

fn pct(v: f64) -> String {
    format!("{:+}%", (v * 1000.0).round() / 10.0)
}

/// The table's header of assumptions.
fn preamble(
    a: &ProjectArgs,
    net: &NetworkSetup,
    s: &Scenario,
    p: &Projection,
    period: Period,
) -> Vec<String> {
    let st: &NetworkState = &s.network;
    let first = p.rows.first().map(|r| r.date).unwrap_or(st.date);
    let last = p.rows.last().map(|r| r.date).unwrap_or(st.date);
    let g = net.resolved.drivers.clone();
    let mut lines = vec![
        format!(
            "minecalc project: {first} to {last} ({} days), rows by {}",
            num(p.rows.len() as f64, 0),
            format!("{period:?}").to_lowercase()
        ),
        format!(
            "network  {}: height {}, difficulty {}, {} EH/s, {}/BTC, fees {} BTC/block",
            net.source,
            num(st.height as f64, 0),
            tera(st.difficulty),
            num(st.hashrate_eh_s(), 1),
            usd(st.price_usd, 0),
            st.fees_btc_per_block
        ),
        format!(
            "paths    hashrate {}/yr, price {}/yr, fees {}/yr from the start; constant within each day; blocks as expected values",
            pct(g.hashrate_hs.annual_growth),
            pct(g.price_usd.annual_growth),
            pct(g.fees_btc_per_block.annual_growth)
        ),
    ];
    let fl = &s.fleet;
    let g0 = &fl.groups[0];
    lines.push(format!(
        "fleet    {}{} TH/s at {} J/TH ({} kW), ${}/kWh, uptime {}%, pool fee {}%, opex {}/day",
        if a.fleet.is_default() {
            "default fleet: "
        } else {
            ""
        },
        num(fl.hashrate_ths(), 0),
        num(fl.efficiency_j_per_th(), 1),
        num(g0.power_kw(), 1),
        g0.power_cost_usd_per_kwh,
        g0.uptime * 100.0,
        g0.pool_fee * 100.0,
        usd(g0.opex_usd_per_day, 0)
    ));
    if let Horizon::Halving { height, .. } = s.horizon {
        if let Some(h) = projection::halving_summary(p, height) {
            lines.push(format!(
                "halving  block {} est. {} UTC: network subsidy {} -> {} BTC/day",
                num(h.height as f64, 0),
                h.estimated_at.format("%Y-%m-%d %H:%M"),
                num(h.network_btc_per_day_before, 0),
                num(h.network_btc_per_day_after, 0)
            ));
            lines.push(format!(
                "         hashprice {} -> {} /PH/day, fleet margin {} -> {} /day (means of the {} days before and {} after)",
                usd(h.hashprice_before_usd_per_ph_day, 2),
                usd(h.hashprice_after_usd_per_ph_day, 2),
                usd(h.margin_before_usd_per_day, 0),
                usd(h.margin_after_usd_per_day, 0),
                h.days_before,
                h.days_after
            ));
        }
    }
    lines
}

fn totals(p: &Projection) -> Vec<String> {
    let Some(t) = projection::total(&p.rows) else {
        return Vec::new();
    };
    vec![format!(
        "total    {:.6} BTC mined, revenue {}, power {} ({} kWh), opex {}, margin {}",
        t.btc_mined,
        usd(t.revenue_usd, 0),
        usd(t.power_cost_usd, 0),
        num(t.energy_kwh, 0),
        usd(t.opex_usd, 0),
        usd(t.margin_usd, 0)
    )]
}
