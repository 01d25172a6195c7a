//! Backtests: a fleet over a real daily history of difficulty, price and fees.
//!
//! A history is a CSV file, one row a day, in one of two shapes (told apart by the header):
//!
//! - `date,difficulty,price_usd,fees_btc_per_block[,blocks]` (or `fees_btc_per_day` in place
//!   of `fees_btc_per_block`): the difficulty in force that day, the BTC price, the fees and,
//!   optionally, the blocks mined that day;
//! - the Coin Metrics community `btc.csv`: `time,DiffMean,PriceUSD,FeeTotNtv` and, when
//!   present, `BlkCnt` (blocks) and `IssTotNtv` (the BTC issued that day, used as the day's
//!   subsidy). Other columns are ignored.
//!
//! Each day becomes a network day like the engine's, so the fleet's rows and summary are the
//! same as `project`'s: hashvalue = 86,400 × 10^15 / (D × 2^32) × (subsidy + fees per block)
//! BTC per PH/s (independent of how many blocks were found); network hashrate = blocks × D ×
//! 2^32 / 86,400 s.
//!
//! Heights place the halvings. The chain tip at the start of the first day is, in order of
//! preference: given (`--height`); counted from genesis when a Coin Metrics file starts on
//! 2009-01-03 with `BlkCnt`; or estimated from the date along the block times of genesis and
//! the past halvings (between them the average rate; after the last, 144 blocks a day). Blocks
//! a day are the file's, else the estimate's rate, else 144. Subsidy is split at the halving
//! exactly as the engine splits it; with `IssTotNtv` the file's issuance is used instead.

use chrono::{NaiveDate, NaiveDateTime};

use crate::error::{csv_message, Error};
use crate::model::chain::{self, HALVING_INTERVAL_BLOCKS, RETARGET_INTERVAL_BLOCKS};
use crate::model::engine::NetDay;
use crate::model::fleet::Fleet;
use crate::model::projection::ProjectionRow;

/// Fees of a history day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fees {
    /// Average fees per block, BTC.
    PerBlock(f64),
    /// Total fees of the day, BTC.
    PerDay(f64),
}

/// One day of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryDay {
    /// The day (UTC).
    pub date: NaiveDate,
    /// Difficulty.
    pub difficulty: f64,
    /// BTC price, USD.
    pub price_usd: f64,
    /// Fees.
    pub fees: Fees,
    /// Blocks mined that day, when the file says.
    pub blocks: Option<f64>,
    /// BTC issued that day (Coin Metrics `IssTotNtv`), when the file says.
    pub issuance_btc: Option<f64>,
    /// Line in the file (0 for a filled day).
    pub line: u64,
}

/// The shape of a history file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// `date,difficulty,price_usd,fees_btc_per_block|fees_btc_per_day[,blocks]`.
    Simple,
    /// Coin Metrics' `btc.csv`.
    CoinMetrics,
}

/// A parsed history.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The file's name (for messages).
    pub source: String,
    /// Its shape.
    pub format: HistoryFormat,
    /// The days, consecutive.
    pub days: Vec<HistoryDay>,
    /// Gaps filled by `--fill-gaps`: first and last missing day.
    pub filled: Vec<(NaiveDate, NaiveDate)>,
    /// Blocks mined before the first day, when the file counts them from genesis.
    pub blocks_before: Option<f64>,
}

/// How to read a history.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistoryOptions {
    /// First day to keep.
    pub from: Option<NaiveDate>,
    /// Last day to keep.
    pub to: Option<NaiveDate>,
    /// Fill missing days (difficulty carried forward, the rest interpolated) instead of failing.
    pub fill_gaps: bool,
}

/// Most blocks a history day may have (the retarget clamp keeps real days far below).
pub const MAX_BLOCKS_PER_DAY: f64 = 10_000.0;

/// Longest gap `--fill-gaps` fills, days.
pub const MAX_FILLED_GAP_DAYS: i64 = 366;

/// Highest tip height `--height` takes (the subsidy is zero from here on).
pub const MAX_START_HEIGHT: u64 = chain::FIRST_ZERO_SUBSIDY_HEIGHT;

const SIMPLE_HELP: &str = "expected the columns date,difficulty,price_usd,fees_btc_per_block (or fees_btc_per_day)[,blocks], or Coin Metrics' time,DiffMean,PriceUSD,FeeTotNtv[,BlkCnt,IssTotNtv]";

struct Columns {
    date: usize,
    difficulty: usize,
    price: usize,
    fees: usize,
    fees_per_day: bool,
    blocks: Option<usize>,
    issuance: Option<usize>,
}

fn find(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| h.trim() == name)
}

fn columns(name: &str, headers: &csv::StringRecord) -> Result<(HistoryFormat, Columns), Error> {
    if let (Some(date), Some(difficulty), Some(price), Some(fees)) = (
        find(headers, "time"),
        find(headers, "DiffMean"),
        find(headers, "PriceUSD"),
        find(headers, "FeeTotNtv"),
    ) {
        return Ok((
            HistoryFormat::CoinMetrics,
            Columns {
                date,
                difficulty,
                price,
                fees,
                fees_per_day: true,
                blocks: find(headers, "BlkCnt"),
                issuance: find(headers, "IssTotNtv"),
            },
        ));
    }
    let need = |col: &str| {
        find(headers, col).ok_or_else(|| {
            Error::input(format!("{name}: line 1: no column `{col}`: {SIMPLE_HELP}"))
        })
    };
    let date = need("date")?;
    let difficulty = need("difficulty")?;
    let price = need("price_usd")?;
    let (fees, fees_per_day) = match (
        find(headers, "fees_btc_per_block"),
        find(headers, "fees_btc_per_day"),
    ) {
        (Some(c), None) => (c, false),
        (None, Some(c)) => (c, true),
        (Some(_), Some(_)) => {
            return Err(Error::input(format!(
                "{name}: line 1: give fees_btc_per_block or fees_btc_per_day, not both"
            )))
        }
        (None, None) => need("fees_btc_per_block").map(|c| (c, false))?,
    };
    Ok((
        HistoryFormat::Simple,
        Columns {
            date,
            difficulty,
            price,
            fees,
            fees_per_day,
            blocks: find(headers, "blocks"),
            issuance: None,
        },
    ))
}

/// Parses a date cell: `YYYY-MM-DD`, optionally followed by a time (`2024-04-20T00:00:00Z`).
fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = match s.find(['T', ' ']) {
        Some(i) => &s[..i],
        None => s,
    };
    crate::params::spec::parse_date(day)
}

#[derive(Clone, Copy, PartialEq)]
enum Rule {
    Positive,
    NonNegative,
}

/// Parses a history file. Errors name `name`, the line and the column.
pub fn parse_history(name: &str, text: &str, opts: &HistoryOptions) -> Result<History, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::input(format!("{name}: {}", csv_message(&e))))?
        .clone();
    let (format, cols) = columns(name, &headers)?;
    let header_name = |i: usize| headers.get(i).unwrap_or("").trim().to_string();
    let mut days: Vec<HistoryDay> = Vec::new();
    let mut filled = Vec::new();
    let mut blocks_before = 0.0;
    let mut counts_from_genesis = format == HistoryFormat::CoinMetrics && cols.blocks.is_some();
    let mut first_row = true;
    let mut last_seen: Option<(NaiveDate, u64)> = None;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::input(format!("{name}: {}", csv_message(&e))))?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        let at = |i: usize| format!("{name}: line {line}, column {} ({})", i + 1, header_name(i));
        let number = |i: usize, rule: Rule| -> Result<f64, Error> {
            let raw = cell(i);
            if raw.is_empty() {
                return Err(Error::input(format!(
                    "{}: empty cell{}",
                    at(i),
                    if opts.from.is_none() {
                        " (--start DATE starts the backtest after it)"
                    } else {
                        ""
                    }
                )));
            }
            let v: f64 = raw
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    Error::input(format!("{}: expected a number, got {raw:?}", at(i)))
                })?;
            match rule {
                Rule::Positive if v <= 0.0 => Err(Error::input(format!(
                    "{}: expected a positive number, got {raw}",
                    at(i)
                ))),
                Rule::NonNegative if v < 0.0 => Err(Error::input(format!(
                    "{}: expected zero or more, got {raw}",
                    at(i)
                ))),
                _ => Ok(v),
            }
        };
        // Within the registry's bounds of the figure (difficulty at least 1, ...).
        let figure = |i: usize, rule: Rule, param: &str| -> Result<f64, Error> {
            let v = number(i, rule)?;
            let p = crate::params::param(param);
            if p.bounds.contains(v) {
                Ok(v)
            } else {
                Err(Error::input(format!(
                    "{}: {}, got {}",
                    at(i),
                    p.bounds.rule_for(v),
                    cell(i)
                )))
            }
        };
        let raw_date = cell(cols.date);
        let date = parse_day(raw_date).ok_or_else(|| {
            Error::input(format!(
                "{}: expected {}, got {raw_date:?}",
                at(cols.date),
                crate::params::DATE_RULE
            ))
        })?;
        if first_row && date != genesis_date() {
            counts_from_genesis = false;
        }
        first_row = false;
        // Order is checked over the whole file, kept or not.
        if let Some((prev, prev_line)) = last_seen {
            if date == prev {
                return Err(Error::input(format!(
                    "{}: {date} appears twice (lines {prev_line} and {line})",
                    at(cols.date)
                )));
            }
            if date < prev {
                return Err(Error::input(format!(
                    "{}: {date} comes after {prev} (line {prev_line}): dates must increase",
                    at(cols.date)
                )));
            }
        }
        last_seen = Some((date, line));
        if opts.from.is_some_and(|f| date < f) {
            if counts_from_genesis {
                match cols.blocks.map(|c| cell(c).parse::<f64>()) {
                    Some(Ok(b)) if (0.0..=MAX_BLOCKS_PER_DAY).contains(&b) => blocks_before += b,
                    _ => counts_from_genesis = false,
                }
            }
            continue;
        }
        if opts.to.is_some_and(|t| date > t) {
            break;
        }
        let day = HistoryDay {
            date,
            difficulty: figure(cols.difficulty, Rule::Positive, "difficulty")?,
            price_usd: figure(cols.price, Rule::Positive, "price")?,
            fees: if cols.fees_per_day {
                Fees::PerDay(number(cols.fees, Rule::NonNegative)?)
            } else {
                Fees::PerBlock(figure(cols.fees, Rule::NonNegative, "fees")?)
            },
            blocks: cols
                .blocks
                .map(|c| {
                    let b = number(c, Rule::NonNegative)?;
                    if b > MAX_BLOCKS_PER_DAY {
                        return Err(Error::input(format!(
                            "{}: expected at most {MAX_BLOCKS_PER_DAY} blocks a day, got {b}",
                            at(c)
                        )));
                    }
                    Ok(b)
                })
                .transpose()?,
            issuance_btc: cols
                .issuance
                .map(|c| number(c, Rule::NonNegative))
                .transpose()?,
            line,
        };
        if let Some(prev) = days.last() {
            let gap = (date - prev.date).num_days() - 1;
            if gap > 0 {
                if opts.fill_gaps && gap > MAX_FILLED_GAP_DAYS {
                    return Err(Error::input(format!(
                        "{}: {date} follows {} (line {}): {gap} days missing, more than --fill-gaps fills ({MAX_FILLED_GAP_DAYS})",
                        at(cols.date),
                        prev.date,
                        prev.line
                    )));
                }
                if !opts.fill_gaps {
                    return Err(Error::input(format!(
                        "{}: {date} follows {} (line {}): {gap} day{} missing; --fill-gaps fills gaps",
                        at(cols.date),
                        prev.date,
                        prev.line,
                        if gap == 1 { "" } else { "s" }
                    )));
                }
                let a = prev.clone();
                filled.push((a.date + chrono::Days::new(1), date - chrono::Days::new(1)));
                for k in 1..=gap {
                    days.push(interpolate(&a, &day, k, gap + 1));
                }
            }
        }
        days.push(day);
    }
    if days.is_empty() {
        return Err(Error::input(format!(
            "{name}: no days{}",
            if opts.from.is_some() || opts.to.is_some() {
                " between --start and --until"
            } else {
                ""
            }
        )));
    }
    Ok(History {
        source: name.to_string(),
        format,
        days,
        filled,
        blocks_before: counts_from_genesis.then_some(blocks_before),
    })
}

/// Day `k` of `n` steps from `a` to `b`: difficulty carried forward (it changes at
/// retargets), everything else linear.
fn interpolate(a: &HistoryDay, b: &HistoryDay, k: i64, n: i64) -> HistoryDay {
    let w = k as f64 / n as f64;
    let lerp = |x: f64, y: f64| x + (y - x) * w;
    HistoryDay {
        date: a.date + chrono::Days::new(k as u64),
        difficulty: a.difficulty,
        price_usd: lerp(a.price_usd, b.price_usd),
        fees: match (a.fees, b.fees) {
            (Fees::PerBlock(x), Fees::PerBlock(y)) => Fees::PerBlock(lerp(x, y)),
            (Fees::PerDay(x), Fees::PerDay(y)) => Fees::PerDay(lerp(x, y)),
            (f, _) => f,
        },
        blocks: a.blocks.zip(b.blocks).map(|(x, y)| lerp(x, y)),
        issuance_btc: a.issuance_btc.zip(b.issuance_btc).map(|(x, y)| lerp(x, y)),
        line: 0,
    }
}

/// Block time of the genesis block (2009-01-03 18:15:05 UTC), unix seconds.
pub const GENESIS_TIME: i64 = 1_231_006_505;

fn genesis_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2009, 1, 3).unwrap_or_default()
}

/// The model's fractional chain height at `t` estimated from the block times of genesis and
/// the past halvings: linear between them, 600 s a block after the last (block `h` is mined
/// when the height reaches `h`).
pub fn estimated_height(t: NaiveDateTime) -> f64 {
    let s = t.and_utc().timestamp() as f64;
    let mut anchors = vec![(0u64, GENESIS_TIME)];
    anchors.extend(chain::PAST_HALVINGS);
    let (h0, t0) = anchors[0];
    if s <= t0 as f64 {
        return h0 as f64;
    }
    for w in anchors.windows(2) {
        let ((ha, ta), (hb, tb)) = (w[0], w[1]);
        if s <= tb as f64 {
            return ha as f64 + (s - ta as f64) / (tb - ta) as f64 * (hb - ha) as f64;
        }
    }
    let (hl, tl) = anchors[anchors.len() - 1];
    hl as f64 + (s - tl as f64) / chain::TARGET_SPACING_S
}

/// Where the chain tip at the start of the first day came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeightSource {
    /// `--height`.
    Given,
    /// Counted from genesis (a Coin Metrics file that starts on 2009-01-03).
    Counted,
    /// Estimated from the date.
    Estimated,
}

impl HeightSource {
    /// Words for the table's header.
    pub fn describe(self) -> &'static str {
        match self {
            HeightSource::Given => "from --height",
            HeightSource::Counted => "counted from genesis in the file",
            HeightSource::Estimated => {
                "estimated from the dates (genesis and halving block times); --height gives exact ones"
            }
        }
    }
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(chrono::NaiveTime::MIN)
}

/// The fractional height at the start of the first day, and where it came from.
pub fn start_height(h: &History, given: Option<u64>) -> (f64, HeightSource) {
    if let Some(g) = given {
        return (g as f64, HeightSource::Given);
    }
    if let Some(b) = h.blocks_before {
        return ((b - 1.0).max(0.0), HeightSource::Counted);
    }
    let first = h.days.first().map_or_else(genesis_date, |d| d.date);
    (estimated_height(midnight(first)), HeightSource::Estimated)
}

/// Runs a fleet over a history: `f` gets each network day and daily row, as `project` makes
/// them (cumulative columns, capex, NPV). `x0` is the fractional height at the start.
pub fn for_each_day<F>(
    h: &History,
    x0: f64,
    source: HeightSource,
    fleet: &Fleet,
    mut f: F,
) -> Result<(), Error>
where
    F: FnMut(&NetDay, &ProjectionRow) -> Result<(), Error>,
{
    fleet.validate()?;
    let reward_scale = chain::SECONDS_PER_DAY * 1e15 / chain::HASHES_PER_DIFFICULTY;
    let mut books = crate::model::books::Books::new(fleet);
    let n = h.days.len();
    let mut x = x0;
    for (i, day) in h.days.iter().enumerate() {
        let blocks = match (day.blocks, source) {
            (Some(b), _) => b,
            (None, HeightSource::Estimated) => {
                estimated_height(midnight(
                    day.date
                        .checked_add_days(chrono::Days::new(1))
                        .unwrap_or(day.date),
                )) - estimated_height(midnight(day.date))
            }
            (None, _) => chain::SECONDS_PER_DAY / chain::TARGET_SPACING_S,
        };
        let (x_start, x_end) = (x, x + blocks);
        x = x_end;
        // Subsidy over the day's blocks, split where an era begins (at x = 210,000 k - 1).
        let mut subsidy_sum = 0.0;
        let mut lo = x_start;
        while lo < x_end {
            let next_block = (lo.floor() as u64).saturating_add(1);
            let era = chain::halvings_at(next_block);
            let boundary = (era.saturating_add(1))
                .saturating_mul(HALVING_INTERVAL_BLOCKS)
                .saturating_sub(1) as f64;
            let hi = x_end.min(boundary);
            subsidy_sum += (hi - lo) * chain::subsidy_btc(next_block);
            if hi <= lo {
                break;
            }
            lo = hi;
        }
        let (subsidy_per_block, network_subsidy) = match day.issuance_btc {
            Some(iss) if blocks > 0.0 => (iss / blocks, iss),
            Some(iss) => (chain::subsidy_btc(x_start.floor() as u64 + 1), iss),
            None if blocks > 0.0 => (subsidy_sum / blocks, subsidy_sum),
            None => (chain::subsidy_btc(x_start.floor() as u64 + 1), 0.0),
        };
        let fees_per_block = match day.fees {
            Fees::PerBlock(f) => f,
            Fees::PerDay(f) if blocks > 0.0 => f / blocks,
            Fees::PerDay(_) => 0.0,
        };
        let halving = halving_in(x_start, x_end, day.date);
        let before = h.days.get(i.wrapping_sub(1)).unwrap_or(day);
        let after = h.days.get(i + 1).unwrap_or(day);
        let retargets = retargets_in(x_start, x_end)
            .map(|height| (height, after.difficulty / before.difficulty))
            .collect();
        let net = NetDay {
            date: day.date,
            height: x_end.floor() as u64,
            epoch: chain::epoch_of(x_start.floor() as u64 + 1),
            blocks,
            difficulty: day.difficulty,
            hashrate_hs: blocks * day.difficulty * chain::HASHES_PER_DIFFICULTY
                / chain::SECONDS_PER_DAY,
            subsidy_btc: subsidy_per_block,
            fees_btc_per_block: fees_per_block,
            price_usd: day.price_usd,
            hashvalue_btc_per_ph_day: reward_scale / day.difficulty
                * (subsidy_per_block + fees_per_block),
            network_subsidy_btc: network_subsidy,
            halving,
            retargets,
        };
        let row = ProjectionRow::from_day(&net, &books.day(&net, i + 1 == n));
        f(&net, &row)?;
    }
    Ok(())
}

/// The halving block completed while the height runs over (x0, x1], and its instant: the
/// real block time for past halvings, else interpolated within the day.
fn halving_in(x0: f64, x1: f64, date: NaiveDate) -> Option<(u64, NaiveDateTime)> {
    if !(0.0..1e15).contains(&x0) {
        return None;
    }
    let h = chain::next_halving_height(x0.floor() as u64);
    if (h as f64) > x1 || (h as f64) <= x0 {
        return None;
    }
    let at = chain::PAST_HALVINGS
        .iter()
        .find(|(ph, _)| *ph == h)
        .and_then(|(_, t)| chrono::DateTime::from_timestamp(*t, 0))
        .map(|t| t.naive_utc())
        .filter(|t| t.date() == date)
        .unwrap_or_else(|| {
            let frac = (h as f64 - x0) / (x1 - x0);
            midnight(date) + chrono::Duration::milliseconds((frac * 86_400_000.0).round() as i64)
        });
    Some((h, at))
}

/// First heights of the epochs that begin while the height runs over (x0, x1] (an epoch
/// begins when the height reaches 2016 k - 1).
fn retargets_in(x0: f64, x1: f64) -> impl Iterator<Item = u64> {
    let n = RETARGET_INTERVAL_BLOCKS as f64;
    let first = (((x0 + 1.0) / n).floor() as u64).saturating_add(1);
    (first..)
        .map_while(|k| k.checked_mul(RETARGET_INTERVAL_BLOCKS))
        .take_while(move |h| ((h - 1) as f64) <= x1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{d, fleet};

    /// The April 2024 halving, approximately: difficulty 86.39 T at block 840,000 (FACTS.md
    /// 2.4, worldstockmarket.net); total fees $7.7M on 19 April, $81M on the 20th and $22.37M
    /// on the 21st (YCharts via The Block, 2024-04-22), divided by the day's approximate price
    /// ($64,000; $64,840 per CoinGecko after the halving; $65,700 per The Block).
    const HALVING_2024: &str = include_str!("../../examples/history-2024-halving.csv");

    fn rows(h: &History, given: Option<u64>) -> Vec<(NetDay, ProjectionRow)> {
        let (x0, src) = start_height(h, given);
        let mut out = Vec::new();
        for_each_day(h, x0, src, &fleet(), |n, r| {
            out.push((n.clone(), r.clone()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn april_2024_halving_day() {
        let h = parse_history("h.csv", HALVING_2024, &HistoryOptions::default()).unwrap();
        assert_eq!(h.format, HistoryFormat::Simple);
        let r = rows(&h, None);
        // Heights estimated from the halving block times: 19 April pays 6.25 BTC a block,
        // the halving block is the first of 20 April (00:09:27 UTC), then 3.125.
        assert!(
            (r[0].0.subsidy_btc - 6.25).abs() < 0.01,
            "{}",
            r[0].0.subsidy_btc
        );
        let (h20, at) = r[1].0.halving.unwrap();
        assert_eq!(h20, 840_000);
        assert_eq!(at.to_string(), "2024-04-20 00:09:27");
        assert_eq!(r[1].0.subsidy_btc, 3.125);
        assert!(r[1]
            .1
            .events
            .starts_with("halving 840000 2024-04-20T00:09:27Z"));
        // The Runes fees made the halving day pay more than the day before.
        let hp: Vec<f64> = r.iter().map(|x| x.1.hashprice_usd_per_ph_day).collect();
        assert!(hp[1] > hp[0] * 1.5, "{hp:?}");
        assert!(hp[2] < hp[0], "{hp:?}");
        // Closed form for 21 April: 86,400e15 / (D 2^32) x (3.125 + fees / blocks) x price.
        let blocks = r[2].0.blocks;
        let expect = 86_400e15 / (86.39e12 * 4_294_967_296.0) * (3.125 + 340.5 / blocks) * 65_700.0;
        assert!(
            (hp[2] - expect).abs() < 1e-9 * expect,
            "{} vs {expect}",
            hp[2]
        );
        // The fleet: 1 PH/s at 15 J/TH, $0.05/kWh costs $18 a day.
        assert!((r[2].1.power_cost_usd - 18.0).abs() < 1e-9);
        assert!((r[2].1.margin_usd - (hp[2] - 18.0)).abs() < 1e-9);
        assert!((r[2].1.cumulative_margin_usd - (hp.iter().sum::<f64>() - 54.0)).abs() < 1e-9);
        // With the tip given: 839,999 at the start of 20 April, with 144 blocks a day (the
        // file has no blocks column).
        let r = rows(&h, Some(839_999 - 144));
        assert_eq!(r[0].0.subsidy_btc, 6.25);
        assert_eq!(r[1].0.subsidy_btc, 3.125);
        assert_eq!(r[1].0.halving.map(|x| x.0), Some(840_000));
    }

    #[test]
    fn coin_metrics_columns() {
        let text = "time,AdrActCnt,BlkCnt,DiffMean,FeeTotNtv,IssTotNtv,PriceUSD\n\
            2024-04-19,1,144,86390000000000,120.3,900,64000\n\
            2024-04-20,1,144,86390000000000,1249.2,450.5,64840\n";
        let h = parse_history("btc.csv", text, &HistoryOptions::default()).unwrap();
        assert_eq!(h.format, HistoryFormat::CoinMetrics);
        assert_eq!(h.days[1].fees, Fees::PerDay(1249.2));
        let r = rows(&h, None);
        // The file's issuance is the day's subsidy.
        assert!((r[0].0.subsidy_btc - 6.25).abs() < 1e-12);
        assert!((r[1].0.network_subsidy_btc - 450.5).abs() < 1e-12);
        assert!((r[1].0.fees_btc_per_block - 1249.2 / 144.0).abs() < 1e-12);
        // A file from genesis counts heights: tip = blocks so far - 1.
        let text = "time,BlkCnt,DiffMean,FeeTotNtv,PriceUSD\n\
            2009-01-03,1,1,0,\n2009-01-04,0,1,0,\n2009-01-05,0,1,0,\n2009-01-09,14,1,0,\n";
        let opts = HistoryOptions {
            from: Some(d("2009-01-09")),
            fill_gaps: true,
            ..HistoryOptions::default()
        };
        let e = parse_history("btc.csv", text, &opts)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "btc.csv: line 5, column 5 (PriceUSD): empty cell");
        let text = text.replace("0,\n2009-01-09,14,1,0,\n", "0,\n2009-01-09,14,1,0,0.001\n");
        let h = parse_history("btc.csv", &text, &opts).unwrap();
        assert_eq!(h.blocks_before, Some(1.0));
        assert_eq!(start_height(&h, None), (0.0, HeightSource::Counted));
    }

    #[test]
    fn bad_histories_name_file_line_and_column() {
        let head = "date,difficulty,price_usd,fees_btc_per_block\n";
        let cases = [
            (
                format!("{head}2024-04-19,86e12,64000,0.8\n2024-04-21,86e12,64000,0.8\n"),
                "h.csv: line 3, column 1 (date): 2024-04-21 follows 2024-04-19 (line 2): 1 day missing; --fill-gaps fills gaps",
            ),
            (
                format!("{head}2024-04-19,86e12,64000,0.8\n2024-04-19,86e12,64000,0.8\n"),
                "h.csv: line 3, column 1 (date): 2024-04-19 appears twice (lines 2 and 3)",
            ),
            (
                format!("{head}2024-04-19,86e12,64000,0.8\n2024-04-18,86e12,64000,0.8\n"),
                "h.csv: line 3, column 1 (date): 2024-04-18 comes after 2024-04-19 (line 2): dates must increase",
            ),
            (
                format!("{head}2024-04-19,86e12,lots,0.8\n"),
                "h.csv: line 2, column 3 (price_usd): expected a number, got \"lots\"",
            ),
            (
                format!("{head}2024-04-19,86e12,64000,-0.8\n"),
                "h.csv: line 2, column 4 (fees_btc_per_block): expected zero or more, got -0.8",
            ),
            (
                format!("{head}2024-04-19,0,64000,0.8\n"),
                "h.csv: line 2, column 2 (difficulty): expected a positive number, got 0",
            ),
            (
                format!("{head}2024-04-19,1e-320,64000,0.8\n"),
                "h.csv: line 2, column 2 (difficulty): must be 1 or more, got 1e-320",
            ),
            (
                format!("{head}2024-04-19,inf,64000,0.8\n"),
                "h.csv: line 2, column 2 (difficulty): expected a number, got \"inf\"",
            ),
            (
                format!("{head}19/04/2024,86e12,64000,0.8\n"),
                "h.csv: line 2, column 1 (date): expected a date YYYY-MM-DD from 2009-01-03 to 2200-12-31, got \"19/04/2024\"",
            ),
            (
                format!("{head}2024-04-19,86e12,64000\n"),
                "h.csv: line 2: 3 columns, expected 4 like the header",
            ),
            (
                "date,difficulty,price\n2024-04-19,1,2\n".to_string(),
                "h.csv: line 1: no column `price_usd`: expected the columns",
            ),
            (
                "date,difficulty,price_usd,fees_btc_per_block,fees_btc_per_day\n".to_string(),
                "h.csv: line 1: give fees_btc_per_block or fees_btc_per_day, not both",
            ),
            (head.to_string(), "h.csv: no days"),
            (
                format!("{head}2024-04-19,86e12,,0.8\n"),
                "h.csv: line 2, column 3 (price_usd): empty cell (--start DATE starts the backtest after it)",
            ),
        ];
        for (text, want) in cases {
            let e = parse_history("h.csv", &text, &HistoryOptions::default())
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{e}\nwanted {want}");
        }
    }

    #[test]
    fn fill_gaps_interpolates_and_reports() {
        let text = "date,difficulty,price_usd,fees_btc_per_block,blocks\n\
            2024-04-19,80e12,60000,1.0,140\n2024-04-23,90e12,64000,3.0,148\n";
        let opts = HistoryOptions {
            fill_gaps: true,
            ..HistoryOptions::default()
        };
        let h = parse_history("h.csv", text, &opts).unwrap();
        assert_eq!(h.filled, vec![(d("2024-04-20"), d("2024-04-22"))]);
        assert_eq!(h.days.len(), 5);
        let mid = &h.days[2];
        assert_eq!(mid.date, d("2024-04-21"));
        assert_eq!(mid.difficulty, 80e12);
        assert_eq!(mid.price_usd, 62_000.0);
        assert_eq!(mid.fees, Fees::PerBlock(2.0));
        assert_eq!(mid.blocks, Some(144.0));
        // --start and --until keep a window of the file's rows (gaps are filled between rows).
        let opts = HistoryOptions {
            from: None,
            to: Some(d("2024-04-22")),
            fill_gaps: true,
        };
        let h = parse_history("h.csv", text, &opts).unwrap();
        assert_eq!(h.days.len(), 1);
        let opts = HistoryOptions {
            from: Some(d("2024-04-20")),
            ..opts
        };
        let e = parse_history("h.csv", text, &opts).unwrap_err().to_string();
        assert_eq!(e, "h.csv: no days between --start and --until");
    }

    #[test]
    fn retargets_and_blocks_follow_the_heights() {
        // Tip 2016 k - 100 at the start, 144 blocks a day: the epoch ends on day 0.
        let text = "date,difficulty,price_usd,fees_btc_per_block\n\
            2026-01-01,100e12,90000,0\n2026-01-02,110e12,90000,0\n2026-01-03,110e12,90000,0\n";
        let h = parse_history("h.csv", text, &HistoryOptions::default()).unwrap();
        let r = rows(&h, Some(2016 * 470 - 100));
        assert_eq!(r[0].0.retargets, vec![(2016 * 470, 1.1)]);
        assert!(r[1].0.retargets.is_empty());
        assert_eq!(r[0].0.blocks, 144.0);
        assert_eq!(r[2].0.height, 2016 * 470 - 100 + 3 * 144);
        // Network hashrate from blocks and difficulty: 144 blocks a day is D 2^32 / 600.
        assert!((r[1].0.hashrate_hs / chain::hashrate_from_difficulty(110e12) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn extreme_values_never_panic() {
        let text = "date,difficulty,price_usd,fees_btc_per_day,blocks\n\
            2024-04-19,1,1e12,1e300,10000\n2200-12-31,1e30,1e-300,0,0\n";
        let opts = HistoryOptions {
            fill_gaps: true,
            ..HistoryOptions::default()
        };
        // A gap of 176 years is an error, even with --fill-gaps.
        let e = parse_history("h.csv", text, &opts).unwrap_err().to_string();
        assert!(
            e.ends_with("days missing, more than --fill-gaps fills (366)"),
            "{e}"
        );
        let text = "date,difficulty,price_usd,fees_btc_per_day,blocks\n\
            2200-12-30,1,1e12,1e300,10000\n2200-12-31,1e30,1e-300,0,0\n";
        let h = parse_history("h.csv", text, &opts).unwrap();
        for given in [None, Some(0), Some(MAX_START_HEIGHT)] {
            let (x0, src) = start_height(&h, given);
            for_each_day(&h, x0, src, &fleet(), |_, _| Ok(())).unwrap();
        }
        let text = "date,difficulty,price_usd,fees_btc_per_day,blocks\n2024-04-19,1,1,1,10001\n";
        let e = parse_history("h.csv", text, &opts).unwrap_err().to_string();
        assert_eq!(
            e,
            "h.csv: line 2, column 5 (blocks): expected at most 10000 blocks a day, got 10001"
        );
    }

    #[test]
    fn estimated_heights_hit_the_halvings() {
        for &(h, t) in &chain::PAST_HALVINGS {
            let at = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
            assert!((estimated_height(at) - h as f64).abs() < 1e-6);
        }
        let later = d("2026-06-26").and_time(chrono::NaiveTime::MIN);
        let est = estimated_height(later);
        // The snapshot says 955,584 that day; 600 s a block since 2024 lands within 1%.
        assert!((est / 955_584.0 - 1.0).abs() < 0.01, "{est}");
    }
}
