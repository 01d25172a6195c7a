//! Helpers shared by the library's unit tests.

use chrono::NaiveDate;

use crate::model::fleet::{Fleet, FleetGroup};

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// One group: 1 PH/s (1,000 TH/s) at 15 J/TH and $0.05/kWh.
pub fn fleet() -> Fleet {
    Fleet::single(FleetGroup::new(1000.0, 15.0, 0.05))
}
