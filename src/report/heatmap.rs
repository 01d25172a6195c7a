//! A heat map of a sweep over two parameters, as SVG text (plotters' SVG backend; the viewer
//! draws the text, so no fonts are needed).

use plotters::prelude::*;

use crate::error::Error;
use crate::report::short_trimmed;

/// One heat map: a value for each (x, y) pair of two swept parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// Chart title.
    pub title: String,
    /// The x parameter's label, with its unit.
    pub x_label: String,
    /// The y parameter's label, with its unit.
    pub y_label: String,
    /// What the colour shows, with its unit.
    pub value_label: String,
    /// The x values (the first axis), in order.
    pub xs: Vec<f64>,
    /// The y values (the second axis), in order.
    pub ys: Vec<f64>,
    /// `values[i * ys.len() + j]` belongs to `(xs[i], ys[j])`; NaN draws grey.
    pub values: Vec<f64>,
    /// True when negative values are losses (red below zero, green above); false for a plain
    /// low-to-high scale.
    pub diverging: bool,
}

fn err<E: std::fmt::Display>(e: E) -> Error {
    Error::runtime(format!("--plot: {e}"))
}

/// Colour for `t` in 0..=1 on a scale (diverging: `t` = 0.5 is zero).
fn colour(t: f64, diverging: bool) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: (f64, f64, f64), b: (f64, f64, f64), u: f64| {
        RGBColor(
            (a.0 + (b.0 - a.0) * u) as u8,
            (a.1 + (b.1 - a.1) * u) as u8,
            (a.2 + (b.2 - a.2) * u) as u8,
        )
    };
    if diverging {
        let red = (200.0, 40.0, 40.0);
        let white = (247.0, 247.0, 247.0);
        let green = (30.0, 140.0, 60.0);
        if t < 0.5 {
            lerp(red, white, t / 0.5)
        } else {
            lerp(white, green, (t - 0.5) / 0.5)
        }
    } else {
        lerp((250.0, 245.0, 200.0), (120.0, 20.0, 90.0), t)
    }
}

/// Cell edges around sorted centre values (midpoints, extended by half a step at the ends).
fn edges(v: &[f64]) -> Vec<f64> {
    match v.len() {
        0 => vec![0.0, 1.0],
        1 => vec![v[0] - 0.5, v[0] + 0.5],
        n => {
            let mut e = Vec::with_capacity(n + 1);
            e.push(v[0] - (v[1] - v[0]) / 2.0);
            for w in v.windows(2) {
                e.push((w[0] + w[1]) / 2.0);
            }
            e.push(v[n - 1] + (v[n - 1] - v[n - 2]) / 2.0);
            e
        }
    }
}

impl HeatMap {
    /// The SVG text.
    pub fn svg(&self) -> Result<String, Error> {
        let (nx, ny) = (self.xs.len(), self.ys.len());
        if nx == 0 || ny == 0 || self.values.len() != nx * ny {
            return Err(Error::runtime(
                "--plot: the heat map needs a value for every cell",
            ));
        }
        let finite: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        let (mut lo, mut hi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if self.diverging {
            let m = lo.abs().max(hi.abs()).max(1e-9);
            (lo, hi) = (-m, m);
        } else if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        let t_of = |v: f64| (v - lo) / (hi - lo);
        let (xe, ye) = (edges(&self.xs), edges(&self.ys));
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (1000, 760)).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            let (main, bar) = root.split_horizontally(860);
            let mut chart = ChartBuilder::on(&main)
                .caption(&self.title, ("sans-serif", 20))
                .margin(16)
                .x_label_area_size(50)
                .y_label_area_size(80)
                .build_cartesian_2d(xe[0]..xe[nx], ye[0]..ye[ny])
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|v| short_trimmed(*v))
                .y_label_formatter(&|v| short_trimmed(*v))
                .label_style(("sans-serif", 14))
                .axis_desc_style(("sans-serif", 16))
                .draw()
                .map_err(err)?;
            let mut cells = Vec::with_capacity(nx * ny);
            for i in 0..nx {
                for j in 0..ny {
                    let v = self.values[i * ny + j];
                    let c = if v.is_finite() {
                        colour(t_of(v), self.diverging)
                    } else {
                        RGBColor(190, 190, 190)
                    };
                    cells.push(Rectangle::new(
                        [(xe[i], ye[j]), (xe[i + 1], ye[j + 1])],
                        c.filled(),
                    ));
                }
            }
            chart.draw_series(cells).map_err(err)?;
            // Values in the cells when they fit.
            if nx * ny <= 150 {
                let labels = (0..nx)
                    .flat_map(|i| (0..ny).map(move |j| (i, j)))
                    .filter_map(|(i, j)| {
                        let v = self.values[i * ny + j];
                        v.is_finite().then(|| {
                            Text::new(
                                short_trimmed(v),
                                (self.xs[i], self.ys[j]),
                                ("sans-serif", 12).into_font().color(&BLACK).pos(
                                    plotters::style::text_anchor::Pos::new(
                                        plotters::style::text_anchor::HPos::Center,
                                        plotters::style::text_anchor::VPos::Center,
                                    ),
                                ),
                            )
                        })
                    });
                chart.draw_series(labels).map_err(err)?;
            }
            // The colour scale.
            let mut scale = ChartBuilder::on(&bar)
                .margin_top(60)
                .margin_bottom(66)
                .margin_right(10)
                .y_label_area_size(58)
                .caption(&self.value_label, ("sans-serif", 12))
                .build_cartesian_2d(0.0..1.0, lo..hi)
                .map_err(err)?;
            scale
                .configure_mesh()
                .disable_mesh()
                .disable_x_axis()
                .y_label_formatter(&|v| short_trimmed(*v))
                .label_style(("sans-serif", 12))
                .draw()
                .map_err(err)?;
            let steps = 100;
            scale
                .draw_series((0..steps).map(|k| {
                    let a = lo + (hi - lo) * k as f64 / steps as f64;
                    let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
                    Rectangle::new(
                        [(0.0, a), (1.0, b)],
                        colour(t_of((a + b) / 2.0), self.diverging).filled(),
                    )
                }))
                .map_err(err)?;
            root.present().map_err(err)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_has_titles_and_cells() {
        let h = HeatMap {
            title: "margin".into(),
            x_label: "power cost, USD/kWh".into(),
            y_label: "price growth, % a year".into(),
            value_label: "margin, USD".into(),
            xs: vec![0.03, 0.05, 0.07],
            ys: vec![0.0, 50.0],
            values: vec![10.0, 20.0, -5.0, 8.0, -20.0, f64::NAN],
            diverging: true,
        };
        let svg = h.svg().unwrap();
        assert!(svg.starts_with("<svg"));
        for t in [
            "power cost, USD/kWh",
            "price growth, % a year",
            "margin, USD",
            "-20",
        ] {
            assert!(svg.contains(t), "{t}");
        }
        assert!(svg.matches("<rect").count() >= 6 + 100);
        let bad = HeatMap {
            values: vec![1.0],
            ..h
        };
        assert!(bad.svg().is_err());
    }

    #[test]
    fn edges_surround_the_values() {
        assert_eq!(edges(&[1.0, 2.0, 4.0]), vec![0.5, 1.5, 3.0, 5.0]);
        assert_eq!(edges(&[3.0]), vec![2.5, 3.5]);
    }
}
