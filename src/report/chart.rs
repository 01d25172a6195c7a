//! Charts as SVG text (plotters' SVG backend; text is drawn by the viewer, so no fonts are
//! needed to build or run). The caller writes the text to a file.
//!
//! - [`projection_svg`]: a projection or backtest, day by day, in three panels: hashprice
//!   against the fleet's hashcost; the network's hashrate (running, and installed for the
//!   response model) with the difficulty on a second axis; the fleet's cumulative margin.
//! - [`fan_svg`]: a Monte Carlo run as a fan chart of its P5-P95 and P25-P75 bands and median,
//!   for price, hashprice and cumulative margin.
//!
//! Every panel has titled axes with units and dates (UTC) on the time axis; halvings are
//! marked with a vertical line.

use chrono::NaiveDate;
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::analyses::montecarlo::{BandRow, McSummary};
use crate::error::Error;
use crate::model::fleet::Fleet;
use crate::model::projection::ProjectionRow;
use crate::report::short;

pub mod pivot;

/// Chart width, px.
pub const WIDTH: u32 = 1200;
/// Chart height, px.
pub const HEIGHT: u32 = 1000;

const FONT: &str = "sans-serif";
const BLUE_: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(230, 120, 20);
const GREEN_: RGBColor = RGBColor(44, 140, 44);
const GREY: RGBColor = RGBColor(120, 120, 120);
const HALVING: RGBColor = RGBColor(200, 30, 30);
const PURPLE: RGBColor = RGBColor(120, 70, 170);

fn err<E: std::fmt::Display>(e: E) -> Error {
    Error::runtime(format!("--plot: {e}"))
}

/// Days since `start` as the x coordinate.
fn x_of(start: NaiveDate, d: NaiveDate) -> f64 {
    (d - start).num_days() as f64
}

/// The range of the finite values, padded by 5% (and never empty).
fn range(values: impl Iterator<Item = f64>, include_zero: bool) -> std::ops::Range<f64> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return 0.0..1.0;
    }
    if hi - lo < 1e-9 * hi.abs().max(1.0) {
        let pad = hi.abs().max(1.0) * 0.05;
        return lo - pad..hi + pad;
    }
    let pad = (hi - lo) * 0.05;
    (if lo >= 0.0 && !include_zero {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    })..hi + pad
}

fn date_label(start: NaiveDate, span_days: f64) -> impl Fn(&f64) -> String {
    move |x: &f64| {
        let d = start
            .checked_add_days(chrono::Days::new(x.max(0.0).round() as u64))
            .unwrap_or(start);
        if span_days > 2000.0 {
            d.format("%Y-%m").to_string()
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Draws the halving lines, labelled, across the chart's y range.
fn mark_halvings<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    halvings: &[(f64, String)],
    y: &std::ops::Range<f64>,
    legend: bool,
) -> Result<(), Error> {
    for (i, (x, label)) in halvings.iter().enumerate() {
        let s = chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, y.start), (*x, y.end)],
                HALVING.stroke_width(2),
            )))
            .map_err(err)?;
        if legend && i == 0 {
            s.label("halving").legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], HALVING.stroke_width(2))
            });
        }
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (*x, y.start + (y.end - y.start) * 0.09),
                (FONT, 14).into_font().color(&HALVING),
            )))
            .map_err(err)?;
    }
    Ok(())
}

fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, at: SeriesLabelPosition) -> Result<(), Error> {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font((FONT, 14))
        .draw()
        .map_err(err)
}

fn halvings_of(rows: &[ProjectionRow], start: NaiveDate) -> Vec<(f64, String)> {
    rows.iter()
        .filter_map(|r| {
            let e = r.events.split("; ").find(|e| e.starts_with("halving "))?;
            let mut parts = e.split(' ');
            let height = parts.nth(1)?;
            let when = parts.next().unwrap_or("");
            let at = chrono::NaiveDateTime::parse_from_str(when, "%Y-%m-%dT%H:%M:%SZ").ok();
            let x = at.map_or(x_of(start, r.date), |t| {
                x_of(start, t.date())
                    + t.time()
                        .signed_duration_since(chrono::NaiveTime::MIN)
                        .num_seconds() as f64
                        / 86_400.0
            });
            Some((
                x,
                format!(
                    " halving {} {}",
                    crate::report::num(height.parse::<f64>().unwrap_or(0.0), 0),
                    at.map_or(r.date.to_string(), |t| t.date().to_string())
                ),
            ))
        })
        .collect()
}

/// Share-weighted hashcost of a fleet at its own power costs, USD/PH/day.
pub fn fleet_hashcost(fleet: &Fleet) -> f64 {
    let h = fleet.hashrate_ths();
    if h <= 0.0 {
        return 0.0;
    }
    fleet
        .groups
        .iter()
        .map(|g| g.hashrate_ths * g.hashcost_usd_per_ph_day())
        .sum::<f64>()
        / h
}

fn panel<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_desc: &str,
    start: NaiveDate,
) -> Result<Chart<'a, 'b>, Error> {
    let span = x.end - x.start;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 20))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .right_y_label_area_size(78)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    let fmt = date_label(start, span);
    draw_mesh(chart.configure_mesh(), (10, 6), &fmt, y_desc)?;
    Ok(chart)
}

/// Draws a chart's grid in the house style: `labels` (x, y) ticks, dates along x written by
/// `x_label`, compact numbers up y, a thin grey grid.
fn draw_mesh<'b, DB: DrawingBackend>(
    mut mesh: MeshStyle<'_, 'b, RangedCoordf64, RangedCoordf64, DB>,
    labels: (usize, usize),
    x_label: &'b dyn Fn(&f64) -> String,
    y_desc: &str,
) -> Result<(), Error> {
    mesh.x_labels(labels.0)
        .y_labels(labels.1)
        .x_label_formatter(x_label)
        .y_label_formatter(&|v| short(*v))
        .x_desc("date (UTC)")
        .y_desc(y_desc)
        .axis_desc_style((FONT, 15))
        .label_style((FONT, 13))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GREY.mix(0.25))
        .draw()
        .map_err(err)
}

/// A projection or backtest as an SVG document: daily `rows`, the fleet (for its hashcost),
/// and whether the rows carry the response model's installed hashrate.
pub fn projection_svg(title: &str, rows: &[ProjectionRow], fleet: &Fleet) -> Result<String, Error> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Err(Error::input("--plot: nothing to plot (no rows)"));
    };
    let start = first.date;
    let xs = 0.0..x_of(start, last.date) + f64::from(last.days);
    let mid = |r: &ProjectionRow| x_of(start, r.date) + f64::from(r.days) / 2.0;
    let halvings = halvings_of(rows, start);
    let hashcost = fleet_hashcost(fleet);
    let response = rows.iter().any(|r| r.network_efficiency_j_per_th.is_some());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, (FONT, 24)).map_err(err)?;
        let panels = root.split_evenly((3, 1));

        // 1. Hashprice against the fleet's hashcost.
        let y = range(
            rows.iter()
                .map(|r| r.hashprice_usd_per_ph_day)
                .chain(std::iter::once(hashcost)),
            true,
        );
        let mut c = panel(
            &panels[0],
            "Hashprice: what 1 PH/s earns a day, against the fleet's power cost",
            xs.clone(),
            y.clone(),
            "USD per PH/s per day",
            start,
        )?;
        c.draw_series(LineSeries::new(
            rows.iter().map(|r| (mid(r), r.hashprice_usd_per_ph_day)),
            BLUE_.stroke_width(2),
        ))
        .map_err(err)?
        .label("hashprice (USD/PH/day)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE_.stroke_width(2)));
        c.draw_series(DashedLineSeries::new(
            [(xs.start, hashcost), (xs.end, hashcost)],
            8,
            5,
            ORANGE.stroke_width(2),
        ))
        .map_err(err)?
        .label(format!(
            "fleet hashcost {} USD/PH/day (power only)",
            short(hashcost)
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(2)));
        mark_halvings(&mut c, &halvings, &y, true)?;
        legend(&mut c, SeriesLabelPosition::LowerLeft)?;

        // 2. The network: hashrate (EH/s) and difficulty (T) on a second axis.
        let y = range(
            rows.iter().flat_map(|r| {
                [
                    r.network_running_hashrate_eh_s,
                    if response {
                        r.network_installed_hashrate_eh_s
                    } else {
                        r.network_running_hashrate_eh_s
                    },
                ]
            }),
            true,
        );
        let yd = range(rows.iter().map(|r| r.difficulty / 1e12), true);
        let span = xs.end - xs.start;
        let mut c = ChartBuilder::on(&panels[1])
            .caption(
                if response {
                    "Network: hashrate running and installed (response model), and difficulty"
                } else {
                    "Network: hashrate and difficulty"
                },
                (FONT, 20),
            )
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .right_y_label_area_size(78)
            .build_cartesian_2d(xs.clone(), y.clone())
            .map_err(err)?
            .set_secondary_coord(xs.clone(), yd.clone());
        let fmt = date_label(start, span);
        draw_mesh(c.configure_mesh(), (10, 6), &fmt, "hashrate, EH/s")?;
        c.configure_secondary_axes()
            .y_desc("difficulty, T (10^12)")
            .y_label_formatter(&|v| short(*v))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        c.draw_series(LineSeries::new(
            rows.iter()
                .map(|r| (mid(r), r.network_running_hashrate_eh_s)),
            BLUE_.stroke_width(2),
        ))
        .map_err(err)?
        .label(if response {
            "running hashrate (EH/s)"
        } else {
            "network hashrate (EH/s)"
        })
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE_.stroke_width(2)));
        if response {
            c.draw_series(DashedLineSeries::new(
                rows.iter()
                    .map(|r| (mid(r), r.network_installed_hashrate_eh_s)),
                6,
                4,
                GREY.stroke_width(2),
            ))
            .map_err(err)?
            .label("installed hashrate (EH/s)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREY.stroke_width(2)));
        }
        c.draw_secondary_series(LineSeries::new(
            rows.iter().map(|r| (mid(r), r.difficulty / 1e12)),
            PURPLE.stroke_width(2),
        ))
        .map_err(err)?
        .label("difficulty (T, right axis)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], PURPLE.stroke_width(2)));
        for (x, label) in &halvings {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(*x, y.start), (*x, y.end)],
                HALVING.stroke_width(2),
            )))
            .map_err(err)?;
            c.draw_series(std::iter::once(Text::new(
                label.clone(),
                (*x, y.start + (y.end - y.start) * 0.09),
                (FONT, 14).into_font().color(&HALVING),
            )))
            .map_err(err)?;
        }
        c.configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .label_font((FONT, 14))
            .draw()
            .map_err(err)?;

        // 3. The fleet's cumulative margin (and net of capex).
        let capex = rows
            .iter()
            .any(|r| r.cumulative_net_usd != r.cumulative_margin_usd);
        let y = range(
            rows.iter()
                .flat_map(|r| [r.cumulative_margin_usd, r.cumulative_net_usd]),
            true,
        );
        let mut c = panel(
            &panels[2],
            "Fleet: cumulative margin (revenue - power cost - opex)",
            xs.clone(),
            y.clone(),
            "USD",
            start,
        )?;
        c.draw_series(LineSeries::new(
            [(xs.start, 0.0), (xs.end, 0.0)],
            BLACK.mix(0.5).stroke_width(1),
        ))
        .map_err(err)?;
        let end = |r: &ProjectionRow| x_of(start, r.date) + f64::from(r.days);
        c.draw_series(LineSeries::new(
            std::iter::once((xs.start, 0.0))
                .chain(rows.iter().map(|r| (end(r), r.cumulative_margin_usd))),
            GREEN_.stroke_width(2),
        ))
        .map_err(err)?
        .label("cumulative margin (USD)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN_.stroke_width(2)));
        if capex {
            c.draw_series(DashedLineSeries::new(
                std::iter::once((
                    xs.start,
                    -first.cumulative_margin_usd + first.cumulative_net_usd,
                ))
                .chain(rows.iter().map(|r| (end(r), r.cumulative_net_usd))),
                8,
                5,
                GREEN_.mix(0.6).stroke_width(2),
            ))
            .map_err(err)?
            .label("cumulative margin less capex (USD)")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], GREEN_.mix(0.6).stroke_width(2))
            });
        }
        mark_halvings(&mut c, &halvings, &y, true)?;
        legend(&mut c, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A Monte Carlo run as a fan chart: per-period bands, the central (noise-free) run's daily
/// rows for the halving marks and the price path, and the summary for the loss probability.
pub fn fan_svg(
    title: &str,
    bands: &[BandRow],
    central: &[ProjectionRow],
    summary: &McSummary,
) -> Result<String, Error> {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return Err(Error::input(
            "--plot: nothing to plot (a fan chart needs the bands; leave out --summary-only)",
        ));
    };
    let start = first.date;
    let xs = 0.0..x_of(start, last.date) + f64::from(last.days);
    let halvings = halvings_of(central, start);
    let mid = |b: &BandRow| x_of(start, b.date) + f64::from(b.days) / 2.0;
    let end = |b: &BandRow| x_of(start, b.date) + f64::from(b.days);
    type Get = fn(&BandRow) -> [f64; 5];
    let panels_spec: [(&str, &str, Get, bool); 3] = [
        (
            "BTC price (mean of each period): median and percentile bands of the paths",
            "USD per BTC",
            |b| {
                [
                    b.btc_price_usd_p5,
                    b.btc_price_usd_p25,
                    b.btc_price_usd_p50,
                    b.btc_price_usd_p75,
                    b.btc_price_usd_p95,
                ]
            },
            false,
        ),
        (
            "Hashprice (mean of each period)",
            "USD per PH/s per day",
            |b| {
                [
                    b.hashprice_usd_per_ph_day_p5,
                    b.hashprice_usd_per_ph_day_p25,
                    b.hashprice_usd_per_ph_day_p50,
                    b.hashprice_usd_per_ph_day_p75,
                    b.hashprice_usd_per_ph_day_p95,
                ]
            },
            false,
        ),
        (
            "Fleet: cumulative margin at the end of each period",
            "USD",
            |b| {
                [
                    b.cumulative_margin_usd_p5,
                    b.cumulative_margin_usd_p25,
                    b.cumulative_margin_usd_p50,
                    b.cumulative_margin_usd_p75,
                    b.cumulative_margin_usd_p95,
                ]
            },
            true,
        ),
    ];
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, (FONT, 24)).map_err(err)?;
        let panels = root.split_evenly((3, 1));
        for (i, (caption, y_desc, get, cumulative)) in panels_spec.iter().enumerate() {
            let at = |b: &BandRow| if *cumulative { end(b) } else { mid(b) };
            let mut caption = caption.to_string();
            if *cumulative {
                caption.push_str(&format!(
                    "; P(loss at the end) = {:.1}%",
                    summary.loss_probability_pct
                ));
            }
            let capex = if *cumulative { summary.capex_usd } else { 0.0 };
            let y = range(
                bands.iter().flat_map(get).chain(std::iter::once(capex)),
                *cumulative || i == 1,
            );
            let mut c = panel(&panels[i], &caption, xs.clone(), y.clone(), y_desc, start)?;
            let mut band = |lo: usize, hi: usize, alpha: f64, label: &str| -> Result<(), Error> {
                let mut pts: Vec<(f64, f64)> = bands.iter().map(|b| (at(b), get(b)[hi])).collect();
                pts.extend(bands.iter().rev().map(|b| (at(b), get(b)[lo])));
                c.draw_series(std::iter::once(Polygon::new(
                    pts,
                    BLUE_.mix(alpha).filled(),
                )))
                .map_err(err)?
                .label(label.to_string())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 20, y + 6)], BLUE_.mix(alpha).filled())
                });
                Ok(())
            };
            band(0, 4, 0.18, "P5 - P95 of the paths")?;
            band(1, 3, 0.35, "P25 - P75")?;
            c.draw_series(LineSeries::new(
                bands.iter().map(|b| (at(b), get(b)[2])),
                BLUE_.stroke_width(2),
            ))
            .map_err(err)?
            .label("median (P50)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE_.stroke_width(2)));
            if i == 0 && !central.is_empty() {
                c.draw_series(DashedLineSeries::new(
                    central
                        .iter()
                        .map(|r| (x_of(start, r.date) + 0.5, r.btc_price_usd)),
                    8,
                    5,
                    BLACK.mix(0.7).stroke_width(2),
                ))
                .map_err(err)?
                .label("price path (the mean of the paths)")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.7).stroke_width(2))
                });
            }
            if *cumulative {
                c.draw_series(LineSeries::new(
                    [(xs.start, 0.0), (xs.end, 0.0)],
                    BLACK.mix(0.5).stroke_width(1),
                ))
                .map_err(err)?;
                if summary.capex_usd > 0.0 {
                    c.draw_series(DashedLineSeries::new(
                        [(xs.start, summary.capex_usd), (xs.end, summary.capex_usd)],
                        8,
                        5,
                        ORANGE.stroke_width(2),
                    ))
                    .map_err(err)?
                    .label(format!(
                        "capex {} USD: paths above it have paid back",
                        short(summary.capex_usd)
                    ))
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(2))
                    });
                }
            }
            mark_halvings(&mut c, &halvings, &y, true)?;
            legend(&mut c, SeriesLabelPosition::UpperLeft)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_labels() {
        // [0, 3] padded by 5% of its width.
        let r = range([1.0, 3.0].into_iter(), true);
        assert!(
            (r.start + 0.15).abs() < 1e-12 && (r.end - 3.15).abs() < 1e-12,
            "{r:?}"
        );
        let r = range([1.0, 3.0].into_iter(), false);
        assert!(
            (r.start - 0.9).abs() < 1e-12 && (r.end - 3.1).abs() < 1e-12,
            "{r:?}"
        );
        let r = range([5.0, 5.0].into_iter(), false);
        assert!(r.start < 5.0 && r.end > 5.0);
        assert_eq!(range([f64::NAN].into_iter(), false), 0.0..1.0);
        assert_eq!(short(1_234_567.0), "1.2M");
        assert_eq!(short(45_000.0), "45k");
        assert_eq!(short(-350.0), "-350");
        assert_eq!(short(12.34), "12.3");
        let f = date_label(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(), 3000.0);
        assert_eq!(f(&100.0), "2028-04");
        let f = date_label(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(), 1000.0);
        assert_eq!(f(&100.0), "2028-04-10");
    }
}
