//! The pure model: consensus rules, the network's state and paths, the day engine, fleets,
//! projections and the network models (fixed, response) behind one type,
//! [`network_model::NetworkModel`]. No I/O, no clock, no flag names: values in, rows or
//! typed errors out.

pub mod books;
pub mod chain;
pub mod engine;
pub mod finance;
pub mod fleet;
pub mod halvings;
pub mod hashprice;
pub mod lean;
pub mod network;
pub mod network_model;
pub mod projection;
pub mod response;
pub mod summary;

/// Serializes a date as chrono's `Display` does (`2028-04-11` for the years 0 to 9999),
/// without the formatting machinery: a projection's rows print thousands of them. For
/// `#[serde(serialize_with = "crate::model::serialize_ymd")]`.
pub fn serialize_ymd<S: serde::Serializer>(d: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    use chrono::Datelike;
    use serde::Serialize;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.serialize(s);
    }
    let (y, m, day) = (y as u32, d.month(), d.day());
    let digit = |v: u32| b'0' + (v % 10) as u8;
    // Sixteen aligned bytes, so checking them is two word reads (ten take a byte loop).
    #[repr(align(16))]
    struct Text([u8; 16]);
    let text = Text([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
        b' ',
        b' ',
        b' ',
        b' ',
        b' ',
        b' ',
    ]);
    match std::str::from_utf8(&text.0).map(|t| t.get(..10)) {
        Ok(Some(t)) => s.serialize_str(t),
        _ => d.serialize(s),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[derive(serde::Serialize)]
    struct Row {
        #[serde(serialize_with = "super::serialize_ymd")]
        date: NaiveDate,
    }

    #[test]
    fn serialize_ymd_prints_what_chrono_prints() {
        let days = [
            (0, 1, 1),
            (9, 2, 3),
            (99, 12, 31),
            (999, 7, 4),
            (2028, 4, 11),
            (9999, 12, 31),
            (-1, 1, 1),
            (10000, 1, 1),
            (-262143, 1, 1),
        ];
        for (y, m, d) in days {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let ours = serde_json::to_string(&Row { date }).unwrap();
            let chrono = serde_json::to_string(&serde_json::json!({ "date": date })).unwrap();
            assert_eq!(ours, chrono, "{date}");
        }
        // Every day of 1999 to 2101.
        let mut date = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        while chrono::Datelike::year(&date) < 2102 {
            let ours = serde_json::to_string(&Row { date }).unwrap();
            assert_eq!(ours, format!("{{\"date\":\"{date}\"}}"));
            date = date.succ_opt().unwrap();
        }
    }
}
