//! The pivot's chart: both paths' cumulative cash day by day (USD against the date), the
//! halving and the conversion's end marked, each path's NPV in the legend; with a Monte Carlo
//! run, the P5-P95 and P25-P75 bands of the paths' cumulative cash.
//!
//! The time axis runs in calendar years (x = year + the share of it gone), so its ticks fall
//! on 1 January; a horizon of a few years shows months instead.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use plotters::prelude::*;

use super::{draw_mesh, err, legend, range, Chart};
use super::{BLUE_, FONT, GREEN_, HALVING, HEIGHT, ORANGE, WIDTH};
use crate::analyses::pivot::risk::{PivotBand, PivotRisk};
use crate::analyses::pivot::{Pivot, PivotDay, PivotInputs};
use crate::error::Error;
use crate::report::{musd, num};

/// Chart height, px: one panel.
const PIVOT_HEIGHT: u32 = HEIGHT * 7 / 10;

/// A date as a fractional calendar year: 2028-07-02 is 2028.5.
fn year_of(d: NaiveDate) -> f64 {
    let y = d.year();
    let days = if NaiveDate::from_yo_opt(y, 366).is_some() {
        366.0
    } else {
        365.0
    };
    f64::from(y) + f64::from(d.ordinal0()) / days
}

/// An instant as a fractional calendar year.
fn year_of_instant(t: NaiveDateTime) -> f64 {
    let secs = t
        .time()
        .signed_duration_since(chrono::NaiveTime::MIN)
        .num_seconds() as f64;
    let next = year_of(t.date() + chrono::Days::new(1));
    let this = year_of(t.date());
    // Across 31 December the next day's year starts afresh: a day is 1/365 or 1/366.
    let day = if next > this {
        next - this
    } else {
        1.0 / 365.0
    };
    this + day * secs / 86_400.0
}

/// A time-axis label: the year on 1 January, else year and month.
fn year_label(x: &f64) -> String {
    let y = x.floor() as i32;
    let Some(jan1) = NaiveDate::from_yo_opt(y, 1) else {
        return format!("{x:.2}");
    };
    let len = if NaiveDate::from_yo_opt(y, 366).is_some() {
        366.0
    } else {
        365.0
    };
    let d = jan1 + chrono::Days::new(((x - f64::from(y)) * len).round().max(0.0) as u64);
    if d.ordinal() == 1 {
        d.format("%Y").to_string()
    } else {
        d.format("%Y-%m").to_string()
    }
}

/// A pivot as an SVG document: the run `p` of `inputs`, its days (from
/// [`crate::analyses::pivot::cash_by_day`]) and, optionally, a Monte Carlo run of it.
pub fn pivot_svg(
    title: &str,
    p: &Pivot,
    inputs: &PivotInputs,
    days: &[PivotDay],
    risk: Option<&PivotRisk>,
) -> Result<String, Error> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Err(Error::input("--plot: nothing to plot (no days)"));
    };
    let start = first.date;
    // Day d's cumulative cash is the cash through the end of day d: plotted at the next
    // day's start.
    let at = |d: NaiveDate| year_of(d + chrono::Days::new(1));
    let xs = year_of(start)..at(last.date);
    let bands = risk.map_or(&[][..], |r| &r.bands[..]);
    let y = range(
        days.iter()
            .flat_map(|d| [d.cumulative_mining_cash_usd, d.cumulative_convert_cash_usd])
            .chain(bands.iter().flat_map(|b| {
                b.cumulative_mining_cash_usd
                    .into_iter()
                    .chain(b.cumulative_convert_cash_usd)
            })),
        true,
    );
    let d = p.npv_difference_usd;
    let verdict = if d > 0.0 {
        format!("mining is ahead by {}", musd(d, 1))
    } else {
        format!("converting is ahead by {}", musd(-d, 1))
    };
    let caption = match risk {
        None => format!(
            "Cumulative cash since {start}, not discounted. NPV at {}%/yr: {verdict}",
            num(inputs.discount_rate * 100.0, 1)
        ),
        Some(r) => format!(
            "Cumulative cash: {} price paths at {}%/yr volatility; mining wins on {}% of them",
            num(r.row.paths as f64, 0),
            num(r.row.price_vol_pct, 0),
            num(r.row.prob_mining_beats_lease_pct, 1)
        ),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, PIVOT_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, (FONT, 24)).map_err(err)?;
        let mut c: Chart = ChartBuilder::on(&root)
            .caption(caption, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .build_cartesian_2d(xs.clone(), y.clone())
            .map_err(err)?;
        let span = xs.end - xs.start;
        let x_labels = if span > 4.0 {
            span.ceil() as usize + 1
        } else {
            12
        };
        draw_mesh(
            c.configure_mesh(),
            (x_labels, 8),
            &year_label,
            "cumulative cash since the start, USD",
        )?;
        c.draw_series(LineSeries::new(
            [(xs.start, 0.0), (xs.end, 0.0)],
            BLACK.mix(0.5).stroke_width(1),
        ))
        .map_err(err)?;
        // Bands first, under the lines.
        if !bands.is_empty() {
            type Get = fn(&PivotBand) -> [f64; 5];
            let capex = p.rows.first().map_or(0.0, |r| r.mining_capex_usd);
            let paths: [(Get, RGBColor, f64, &str); 2] = [
                (|b| b.cumulative_mining_cash_usd, ORANGE, -capex, "mining"),
                (|b| b.cumulative_convert_cash_usd, BLUE_, 0.0, "converting"),
            ];
            for (get, colour, at_start, name) in paths {
                for (lo, hi, alpha, label) in [
                    (0, 4, 0.15, format!("{name}: P5 - P95 of the paths")),
                    (1, 3, 0.3, format!("{name}: P25 - P75")),
                ] {
                    let mut pts: Vec<(f64, f64)> = std::iter::once((xs.start, at_start))
                        .chain(bands.iter().map(|b| (at(b.date), get(b)[hi])))
                        .collect();
                    pts.extend(bands.iter().rev().map(|b| (at(b.date), get(b)[lo])));
                    c.draw_series(std::iter::once(Polygon::new(
                        pts,
                        colour.mix(alpha).filled(),
                    )))
                    .map_err(err)?
                    .label(label)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 20, y + 6)], colour.mix(alpha).filled())
                    });
                }
            }
        }
        if !bands.is_empty() {
            let capex = p.rows.first().map_or(0.0, |r| r.mining_capex_usd);
            c.draw_series(DashedLineSeries::new(
                std::iter::once((xs.start, -capex)).chain(
                    bands
                        .iter()
                        .map(|b| (at(b.date), b.cumulative_mining_cash_usd[2])),
                ),
                8,
                5,
                ORANGE.stroke_width(2),
            ))
            .map_err(err)?
            .label("mining: median of the paths (P50)")
            .legend(|(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (8, 0)], ORANGE.stroke_width(2))
                    + PathElement::new(vec![(12, 0), (20, 0)], ORANGE.stroke_width(2))
            });
        }
        let at_price_path = if risk.is_some() {
            " at the price path"
        } else {
            ""
        };
        c.draw_series(LineSeries::new(
            days.iter()
                .map(|d| (at(d.date), d.cumulative_mining_cash_usd)),
            ORANGE.stroke_width(3),
        ))
        .map_err(err)?
        .label(format!(
            "keep mining: the fleet's margin{at_price_path} (NPV {})",
            musd(p.npv_mining_usd, 1)
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], ORANGE.stroke_width(3)));
        c.draw_series(LineSeries::new(
            days.iter()
                .map(|d| (at(d.date), d.cumulative_convert_cash_usd)),
            BLUE_.stroke_width(3),
        ))
        .map_err(err)?
        .label(format!(
            "convert: capex {} over {} months, then lease NOI{at_price_path} (NPV {})",
            musd(p.capex_usd, 1),
            num(inputs.conversion_months, 0),
            musd(p.npv_convert_usd, 1)
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE_.stroke_width(3)));
        // The conversion's end (the first lease day) and the halvings: vertical lines, each
        // labelled where neither path's line runs.
        let mut marks: Vec<(f64, String, RGBColor)> = Vec::new();
        if p.lease_days > 0 {
            let lease_start = start + chrono::Days::new(p.conversion_days as u64);
            let x = year_of(lease_start);
            c.draw_series(DashedLineSeries::new(
                [(x, y.start), (x, y.end)],
                8,
                5,
                GREEN_.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!(
                "conversion ends, lease starts {lease_start} ({} USD/kW-month, {} years)",
                num(inputs.lease_usd_per_kw_month, 2),
                num(inputs.lease_years, 1)
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN_.stroke_width(2)));
            marks.push((x, format!(" lease starts {lease_start}"), GREEN_));
        }
        for (i, (height, t)) in p.halvings.iter().enumerate() {
            let x = year_of_instant(*t);
            let s = c
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, y.start), (x, y.end)],
                    HALVING.stroke_width(2),
                )))
                .map_err(err)?;
            if i == 0 {
                s.label("halving (estimated block time)").legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], HALVING.stroke_width(2))
                });
            }
            marks.push((
                x,
                format!(" halving {} {}", num(*height as f64, 0), t.date()),
                HALVING,
            ));
        }
        let value_at = |x: f64| {
            let i = ((x - xs.start) / span * days.len() as f64).max(0.0) as usize;
            days.get(i.min(days.len() - 1)).map_or([0.0, 0.0], |d| {
                [d.cumulative_mining_cash_usd, d.cumulative_convert_cash_usd]
            })
        };
        let legend_rows = 2
            + usize::from(p.lease_days > 0)
            + usize::from(!p.halvings.is_empty())
            + if bands.is_empty() { 0 } else { 5 };
        let corner = legend_corner(days, bands, &xs, &y, legend_rows, &at);
        let placed = place_labels(&marks, value_at, &xs, &y, legend_rows, corner);
        for ((x, label, colour), at_y) in marks.iter().zip(placed) {
            c.draw_series(std::iter::once(Text::new(
                label.clone(),
                (*x, at_y),
                (FONT, 14).into_font().color(colour),
            )))
            .map_err(err)?;
        }
        legend(&mut c, corner.position())?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A place in the plot for the legend.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Corner {
    UpperLeft,
    UpperRight,
    LowerRight,
    LowerLeft,
    MiddleRight,
    MiddleLeft,
    UpperMiddle,
    LowerMiddle,
}

impl Corner {
    const ALL: [Corner; 8] = [
        Corner::UpperLeft,
        Corner::UpperRight,
        Corner::LowerRight,
        Corner::LowerLeft,
        Corner::MiddleRight,
        Corner::MiddleLeft,
        Corner::UpperMiddle,
        Corner::LowerMiddle,
    ];

    fn position(self) -> SeriesLabelPosition {
        match self {
            Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
            Corner::UpperRight => SeriesLabelPosition::UpperRight,
            Corner::LowerRight => SeriesLabelPosition::LowerRight,
            Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
            Corner::MiddleRight => SeriesLabelPosition::MiddleRight,
            Corner::MiddleLeft => SeriesLabelPosition::MiddleLeft,
            Corner::UpperMiddle => SeriesLabelPosition::UpperMiddle,
            Corner::LowerMiddle => SeriesLabelPosition::LowerMiddle,
        }
    }

    /// The legend's box as shares of the plot: x from, x to, y from, y to (0 = bottom).
    fn area(self, legend_rows: usize) -> (f64, f64, f64, f64) {
        // About 18 px a row and 20 px of padding in a plot about 500 px high; about 600 px of
        // a plot about 1,090 px wide.
        let h = ((legend_rows as f64 * 18.0 + 20.0) / 500.0).min(1.0);
        let w = 0.55;
        let (x0, y0) = match self {
            Corner::UpperLeft => (0.0, 1.0 - h),
            Corner::UpperRight => (1.0 - w, 1.0 - h),
            Corner::LowerRight => (1.0 - w, 0.0),
            Corner::LowerLeft => (0.0, 0.0),
            Corner::MiddleRight => (1.0 - w, 0.5 - h / 2.0),
            Corner::MiddleLeft => (0.0, 0.5 - h / 2.0),
            Corner::UpperMiddle => (0.5 - w / 2.0, 1.0 - h),
            Corner::LowerMiddle => (0.5 - w / 2.0, 0.0),
        };
        (x0, x0 + w, y0, y0 + h)
    }
}

/// The place whose legend box covers the fewest days of the lines and bands (the first of
/// [`Corner::ALL`] on a tie).
fn legend_corner(
    days: &[PivotDay],
    bands: &[PivotBand],
    xs: &std::ops::Range<f64>,
    y: &std::ops::Range<f64>,
    legend_rows: usize,
    at: &dyn Fn(NaiveDate) -> f64,
) -> Corner {
    let fx = |x: f64| (x - xs.start) / (xs.end - xs.start);
    let fy = |v: f64| (v - y.start) / (y.end - y.start);
    let mut best = (usize::MAX, Corner::UpperLeft);
    for corner in Corner::ALL {
        let (x0, x1, y0, y1) = corner.area(legend_rows);
        let inside = |x: f64, lo: f64, hi: f64| {
            let (x, lo, hi) = (fx(x), fy(lo), fy(hi));
            x >= x0 && x <= x1 && hi >= y0 - 0.02 && lo <= y1 + 0.02
        };
        let lines = days
            .iter()
            .flat_map(|d| {
                let x = at(d.date);
                [d.cumulative_mining_cash_usd, d.cumulative_convert_cash_usd]
                    .map(|v| inside(x, v, v))
            })
            .filter(|hit| *hit)
            .count();
        // A band counts as much as the days it stands for.
        let step = days.len() / bands.len().max(1);
        let covered = bands
            .iter()
            .flat_map(|b| {
                let x = at(b.date);
                [b.cumulative_mining_cash_usd, b.cumulative_convert_cash_usd]
                    .map(|v| inside(x, v[0], v[4]))
            })
            .filter(|hit| *hit)
            .count()
            * step;
        if lines + covered < best.0 {
            best = (lines + covered, corner);
        }
    }
    best.1
}

/// The y of each mark's label: of a few heights, the one farthest from both paths' lines over
/// the label's width, clear of the legend (`legend_rows` rows in `corner`) and of the labels
/// placed before it.
fn place_labels(
    marks: &[(f64, String, RGBColor)],
    value_at: impl Fn(f64) -> [f64; 2],
    xs: &std::ops::Range<f64>,
    y: &std::ops::Range<f64>,
    legend_rows: usize,
    corner: Corner,
) -> Vec<f64> {
    const HEIGHTS: [f64; 8] = [0.05, 0.18, 0.31, 0.44, 0.57, 0.7, 0.83, 0.93];
    // About 6.2 px a character at 14 px, over a plot about 1,090 px wide.
    let span = xs.end - xs.start;
    let width = |label: &str| label.chars().count() as f64 * 6.2 / 1090.0 * span;
    let (lx0, lx1, ly0, ly1) = corner.area(legend_rows);
    let h = y.end - y.start;
    let frac = |v: f64| (v - y.start) / h;
    let mut taken: Vec<(f64, f64, f64)> = Vec::new(); // x from, x to, height
    let mut out = Vec::with_capacity(marks.len());
    for (x, label, _) in marks {
        let (x0, x1) = (*x, *x + width(label));
        let (fx0, fx1) = ((x0 - xs.start) / span, (x1 - xs.start) / span);
        let mut best = (f64::NEG_INFINITY, HEIGHTS[0]);
        for c in HEIGHTS {
            // The text hangs below its anchor by about 0.03 of the height.
            let on_legend = fx0 < lx1 && fx1 > lx0 && c > ly0 - 0.01 && c - 0.04 < ly1;
            let on_a_label = taken
                .iter()
                .any(|(a, b, t)| (t - c).abs() < 0.08 && x0 < *b && *a < x1);
            if on_legend || on_a_label {
                continue;
            }
            let mut gap = f64::INFINITY;
            for k in 0..=10 {
                let xi = x0 + (x1 - x0) * f64::from(k) / 10.0;
                for v in value_at(xi) {
                    gap = gap.min((frac(v) - (c - 0.015)).abs());
                }
            }
            if gap > best.0 {
                best = (gap, c);
            }
        }
        taken.push((x0, x1, best.1));
        out.push(y.start + h * best.1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_years() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(year_of(d("2028-01-01")), 2028.0);
        assert!((year_of(d("2028-07-02")) - 2028.5).abs() < 1e-12);
        assert!((year_of(d("2027-12-31")) - (2027.0 + 364.0 / 365.0)).abs() < 1e-12);
        let noon = d("2027-12-31").and_hms_opt(12, 0, 0).unwrap();
        assert!((year_of_instant(noon) - (2027.0 + 364.5 / 365.0)).abs() < 1e-12);
        assert_eq!(year_label(&2030.0), "2030");
        assert_eq!(year_label(&2030.5), "2030-07");
        assert_eq!(year_label(&2030.9999), "2031");
    }
}
