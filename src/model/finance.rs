//! Compounding and discounting at an annual rate, by whole days: the one place the model turns
//! a rate a year into a factor for day `d`, `(1 + r)^(d / 365)`.

/// `(1 + g)^(days / 365)` for whole days, fast: whole years by `powi`, the days within a year
/// from a table of the 365 day factors, so a long daily run needs no `exp` per day.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualFactor {
    base: f64,
    table: Vec<f64>,
}

impl AnnualFactor {
    /// The factor of an annual rate `g` (fraction, > -1).
    pub fn new(g: f64) -> AnnualFactor {
        let log_daily = (1.0 + g).ln() / 365.0;
        let table = if g == 0.0 {
            Vec::new()
        } else {
            (0..365).map(|r| (r as f64 * log_daily).exp()).collect()
        };
        AnnualFactor {
            base: 1.0 + g,
            table,
        }
    }

    /// `(1 + g)^(days / 365)`.
    pub fn at(&self, days: i64) -> f64 {
        if self.table.is_empty() {
            return 1.0;
        }
        let years = days.div_euclid(365);
        let rest = days.rem_euclid(365) as usize;
        let whole = i32::try_from(years)
            .map_or_else(|_| self.base.powf(years as f64), |y| self.base.powi(y));
        whole * self.table[rest]
    }
}

/// Daily discounting at an annual rate: a flow on day `d` after the start (day 0 is the first
/// day) is worth `(1 + r)^(-d / 365)` of it at the start. Every NPV in the model (projections,
/// fleet groups, the response model, backtests, the pivot) discounts with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Discount {
    compound: AnnualFactor,
}

impl Discount {
    /// Discounting at `rate_per_year` (fraction, > -1).
    pub fn new(rate_per_year: f64) -> Discount {
        Discount {
            compound: AnnualFactor::new(rate_per_year),
        }
    }

    /// The factor of a flow on day `day`: `(1 + r)^(-day / 365)`.
    pub fn factor(&self, day: i64) -> f64 {
        1.0 / self.compound.at(day)
    }
}

/// `(1 + rate_per_year)^(-day / 365)`: one day's discount factor (a run over many days keeps a
/// [`Discount`]).
pub fn discount_factor(rate_per_year: f64, day: i64) -> f64 {
    Discount::new(rate_per_year).factor(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annual_factor_matches_the_power() {
        for g in [-0.9, -0.2, 0.0, 0.07, 0.5, 3.0] {
            let f = AnnualFactor::new(g);
            for d in [-800i64, -365, -1, 0, 1, 100, 364, 365, 366, 3650, 36_499] {
                let exact = (1.0f64 + g).powf(d as f64 / 365.0);
                assert!(
                    (f.at(d) / exact - 1.0).abs() < 1e-13,
                    "{g} {d}: {} vs {exact}",
                    f.at(d)
                );
            }
        }
    }

    #[test]
    fn discount_is_the_inverse_power() {
        for r in [-0.5, 0.0, 0.08, 0.1, 2.0] {
            let disc = Discount::new(r);
            for d in [0i64, 1, 180, 364, 365, 366, 3650] {
                let exact = (1.0f64 + r).powf(-(d as f64) / 365.0);
                assert!((disc.factor(d) / exact - 1.0).abs() < 1e-13, "{r} {d}");
                assert_eq!(discount_factor(r, d), disc.factor(d));
            }
        }
    }
}
