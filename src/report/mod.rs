//! Output: one writer per format, shared by every command, and `-o FILE` written atomically.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

pub use dest::Dest;
pub use fmt::{
    musd, num, pct, power, round_sig, short, short_trimmed, signed_pct, tera, usd, usd_small,
    usd_whole, wrap,
};

#[cfg(feature = "charts")]
pub mod chart;
mod dest;
pub mod flat;
pub mod fmt;
#[cfg(feature = "charts")]
pub mod heatmap;
pub mod pivot_tables;
mod risk_tables;
pub mod tables;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A human table with a header of assumptions (rounded).
    Table,
    /// CSV with a header row (full precision).
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One JSON object a line.
    Ndjson,
}

/// A row that can also be shown in the human table (where rounding happens).
pub trait TableRow: Serialize {
    /// Column headers of the human table.
    fn table_headers() -> Vec<&'static str>;
    /// Cells of the human table, formatted for reading.
    fn table_cells(&self) -> Vec<String>;
    /// The CSV column each table column shows, where there is one (by `--columns` and the
    /// note on columns left out); by default none is known and the table headers are used.
    fn table_keys() -> Vec<&'static str> {
        Vec::new()
    }
    /// Table columns (indexes into [`TableRow::table_headers`]) in the order they are left
    /// out when the table is wider than the terminal; by default from the right, never the first.
    fn table_drop_order() -> Vec<usize> {
        (1..Self::table_headers().len()).rev().collect()
    }
}

/// How many significant digits computed numbers keep in CSV, JSON and NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digits {
    /// Rounded to this many significant digits (1 to 17), and never above the tenths:
    /// no binary noise such as `0.060000000000000005`.
    Significant(u8),
    /// Full round-trip precision: the shortest text that reads back to the same `f64`.
    Full,
}

/// Significant digits computed numbers keep by default.
pub const DEFAULT_DIGITS: u8 = 12;

impl Default for Digits {
    fn default() -> Digits {
        Digits::Significant(DEFAULT_DIGITS)
    }
}

impl std::str::FromStr for Digits {
    type Err = String;
    fn from_str(s: &str) -> Result<Digits, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("full") {
            return Ok(Digits::Full);
        }
        match t.parse::<u8>() {
            Ok(n @ 1..=17) => Ok(Digits::Significant(n)),
            _ => Err(format!(
                "expected a number of significant digits from 1 to 17, or full (got {s:?})"
            )),
        }
    }
}

impl Digits {
    /// `x` as this setting prints it.
    pub fn round(self, x: f64) -> f64 {
        match self {
            Digits::Full => x,
            // Never fewer digits than the integer part and a tenth: a difficulty of
            // 141,668,107,417,558.2 keeps its last digits.
            Digits::Significant(n) => fmt::round_sig(x, Self::digits_of(n, x)),
        }
    }

    /// The significant digits `x` keeps at `n`: never fewer than its integer part and a tenth.
    fn digits_of(n: u8, x: f64) -> u8 {
        let a = x.abs();
        // Below 0.99 · 10^(n-1) the integer part and a tenth fit in n digits (so no logarithm).
        if a < 1.0 || a < 0.99 * fmt::pow10(n - 1) {
            return n;
        }
        n.max((a.log10().floor() as i64).saturating_add(2).clamp(1, 17) as u8)
    }

    /// Appends `x` as this setting prints it in CSV: rounded as [`Digits::round`] rounds it,
    /// in serde_json's form; nothing for a NaN or an infinity.
    pub fn write(self, out: &mut Vec<u8>, x: f64) {
        let Digits::Significant(n) = self else {
            return json_f64(out, x);
        };
        if !x.is_finite() {
            return;
        }
        let d = Self::digits_of(n, x);
        if let Some((m, k)) = fmt::round_sig_decimal(x, d) {
            if fmt::write_decimal(out, m, k, d) {
                return;
            }
        }
        json_f64(out, fmt::round_sig(x, d));
    }

    /// A JSON value with its floating-point numbers rounded (integers are exact already).
    fn round_value(self, v: &Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() && self != Digits::Full => n
                .as_f64()
                .and_then(|x| serde_json::Number::from_f64(self.round(x)))
                .map_or_else(|| v.clone(), Value::Number),
            other => other.clone(),
        }
    }
}

/// The unit of BTC amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BtcUnit {
    /// BTC in CSV and JSON; in the table, sats where a column's figures are all under 0.01 BTC.
    #[default]
    Auto,
    /// BTC everywhere.
    Btc,
    /// Sats everywhere, in columns named for them (`btc_mined` is `sats_mined`).
    Sats,
}

/// Below this many BTC a table column's figures read better in sats.
pub const SMALL_BTC: f64 = 0.01;

/// The sats column of a BTC-amount column: `btc_mined` → `sats_mined`, `subsidy_btc` →
/// `subsidy_sats`, `fees_btc_per_block` → `fees_sats_per_block`; `None` for the rest
/// (`btc_price_usd` is a price, not an amount).
pub fn sats_column(key: &str) -> Option<String> {
    if let Some(rest) = key.strip_prefix("btc_mined") {
        Some(format!("sats_mined{rest}"))
    } else if let Some(stem) = key.strip_suffix("_btc") {
        Some(format!("{stem}_sats"))
    } else if key.contains("_btc_per_") {
        Some(key.replacen("_btc_per_", "_sats_per_", 1))
    } else {
        None
    }
}

/// What every writer shares beyond the format: the header row, digits, the columns picked and
/// the width the human table must fit.
#[derive(Debug, Clone)]
pub struct Style {
    /// Print the header row (CSV and table).
    pub header: bool,
    /// Digits of computed numbers (CSV, JSON, NDJSON; user-given leading columns as given).
    pub digits: Digits,
    /// The columns to write, in this order, by their CSV names (`None`: all).
    pub columns: Option<Vec<String>>,
    /// The width the human table fits by leaving out its less important columns and wrapping
    /// its text lines (`None`: no limit).
    pub width: Option<usize>,
    /// The unit of BTC amounts.
    pub btc_unit: BtcUnit,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            header: true,
            digits: Digits::default(),
            columns: None,
            width: None,
            btc_unit: BtcUnit::Auto,
        }
    }
}

/// The table's columns once the first row has shown them.
#[derive(Debug, Default)]
struct TableLayout {
    headers: Vec<String>,
    /// The CSV name of each table column (for the note on columns left out).
    keys: Vec<String>,
    /// Leading columns aligned left.
    left: usize,
    /// Table columns in the order they are left out when the table is too wide.
    drop_order: Vec<usize>,
    /// BTC-amount columns: (table column, index among the row's fields).
    btc: Vec<(usize, usize)>,
}

/// Writes rows of one type in one format. Table rows are held until [`RowWriter::finish`];
/// the other formats stream.
pub struct RowWriter<W: Write> {
    format: Format,
    style: Style,
    out: Option<W>,
    rows_written: usize,
    /// The names of the columns written (after `--columns`).
    names: Vec<String>,
    /// Indexes into the full list of columns (leading ones, then the row's) of those written.
    pick: Vec<usize>,
    /// Columns of the full list written in sats rather than BTC.
    sats: Vec<bool>,
    /// The BTC figures of the table's BTC columns, a row at a time.
    table_btc: Vec<Vec<f64>>,
    table: TableLayout,
    table_rows: Vec<Vec<String>>,
    preamble: Vec<String>,
    postamble: Vec<String>,
    /// The assumptions JSON carries beside the rows (`{"meta": …, "rows": […]}`).
    meta: Option<Value>,
    /// The CSV path's buffers, reused from row to row: the row's fields and the line.
    scalars: flat::Scalars,
    line: Vec<u8>,
    /// Each written column's last number and its text (CSV, JSON, NDJSON): a column that
    /// holds its value from row to row (a price, a difficulty over an epoch, a zero) copies
    /// the text instead of rounding and printing the number again.
    memo: Vec<Memo>,
    /// The columns written are all the row's, in their order (no `--columns`): a CSV row can
    /// go from the serializer straight to the line.
    identity: bool,
    /// What goes before each written column's value (CSV, JSON, NDJSON): the comma after
    /// the column before it and, in JSON, its quoted key and colon.
    leads: Vec<Vec<u8>>,
    /// How much of `line` is written: the direct path appends rows to it and writes them
    /// [`BATCH_BYTES`] at a time (straight through the output's buffer), keeping the last row
    /// as the next one's source.
    written: usize,
    /// The direct path's last row and its columns' numbers.
    held: Held,
    /// Rows the direct path wrote (for the tests: a row it gives up on is still written,
    /// by another path).
    #[cfg(test)]
    direct_rows: usize,
}

/// The direct path writes its rows in batches of at least this much: as large as the output's
/// buffer, so they go past it without a copy.
const BATCH_BYTES: usize = 64 * 1024;

/// For each of the row's own columns (after the leading ones) of the direct path's last row,
/// the number it printed and where its text (lead included) ends in [`RowWriter::line`]: the
/// columns of a row that hold their numbers are copied from there in runs, not printed.
#[derive(Debug, Default)]
struct Held {
    /// Where the last row's own columns start in the line buffer.
    start: usize,
    /// What each column held in the last row ([`held_bits`]); [`NOT_HELD`] for a value that
    /// cannot be held (text, a large integer) or when nothing is known.
    bits: Vec<u64>,
    /// Where each column's text (its lead included) ends in the line buffer.
    ends: Vec<usize>,
    /// The ends in the line being written.
    next_ends: Vec<usize>,
}

/// Bits no field's number has (NaNs: the fields' numbers are finite): nothing known, and a
/// null (which holds from row to row as a number does).
const NOT_HELD: u64 = u64::MAX;
const NULL_HELD: u64 = u64::MAX - 1;

/// What a column holds, as [`Held::bits`]: a float's bits, a null, or an unsigned integer
/// below 2^50 in NaNs of their own (the `days` of a daily row); nothing for anything else.
#[inline(always)]
fn held_bits(value: &flat::Scalar) -> Option<u64> {
    const INT_NAN: u64 = 0x7ff8_0000_0000_0000 | 1 << 50;
    match *value {
        flat::Scalar::F64(x) => Some(x.to_bits()),
        flat::Scalar::Null => Some(NULL_HELD),
        flat::Scalar::U64(n) if n < 1 << 50 => Some(INT_NAN | n),
        _ => None,
    }
}

impl Held {
    /// Nothing known, for `n` columns.
    fn forget(&mut self, n: usize) {
        self.bits.clear();
        self.bits.resize(n, NOT_HELD);
        self.ends.resize(n, 0);
        self.next_ends.resize(n, 0);
    }
}

/// A float column's last number (its bits, as the row holds it) and the text it printed
/// as, with the column's lead (its comma and JSON key) before it: for rows written field by
/// field (the first row, `--columns`), where [`Held`]'s runs do not apply.
#[derive(Debug, Clone, Copy)]
struct Memo {
    bits: u64,
    len: u8,
    text: [u8; MEMO_BYTES],
}

/// The longest lead and number a memo holds (a longer one is printed every time).
const MEMO_BYTES: usize = 64;

impl Memo {
    /// Nothing remembered (`len` 0 never matches: a number always prints as something).
    const EMPTY: Memo = Memo {
        bits: 0,
        len: 0,
        text: [0; MEMO_BYTES],
    };

    /// Appends the lead and text of `x` when it is the column's last number.
    #[inline(always)]
    fn hit(&self, line: &mut Vec<u8>, x: f64) -> bool {
        if self.len == 0 || self.bits != x.to_bits() {
            return false;
        }
        // A fixed-size copy (no call to memcpy), then the text's length.
        let end = line.len() + usize::from(self.len);
        line.extend_from_slice(&self.text);
        line.truncate(end);
        true
    }

    /// Remembers that `x` printed as `line[start..]` (its lead included).
    #[inline]
    fn keep(&mut self, line: &[u8], start: usize, x: f64) {
        let printed = &line[start..];
        match self.text.get_mut(..printed.len()) {
            Some(text) => {
                text.copy_from_slice(printed);
                self.len = printed.len() as u8;
                self.bits = x.to_bits();
            }
            None => self.len = 0,
        }
    }
}

/// The most rows the table holds (it is laid out at the end, so it keeps its rows in memory);
/// past it the run stops with a hint to use a format that streams.
pub const MAX_TABLE_ROWS: usize = 100_000;

impl<W: Write> RowWriter<W> {
    /// Keeps one table row, up to [`MAX_TABLE_ROWS`].
    fn push_table_row(&mut self, cells: Vec<String>) -> Result<(), Error> {
        if self.table_rows.len() >= MAX_TABLE_ROWS {
            return Err(Error::input(format!(
                "the table shows at most {MAX_TABLE_ROWS} rows; use --format csv, json or ndjson, which stream any number"
            )));
        }
        self.table_rows.push(cells);
        Ok(())
    }

    /// A writer in `format` with `style`.
    pub fn new(format: Format, style: &Style, out: W) -> RowWriter<W> {
        RowWriter {
            format,
            style: style.clone(),
            out: Some(out),
            rows_written: 0,
            names: Vec::new(),
            pick: Vec::new(),
            sats: Vec::new(),
            table_btc: Vec::new(),
            table: TableLayout::default(),
            table_rows: Vec::new(),
            preamble: Vec::new(),
            postamble: Vec::new(),
            meta: None,
            scalars: flat::Scalars::default(),
            line: Vec::new(),
            memo: Vec::new(),
            identity: false,
            leads: Vec::new(),
            written: 0,
            held: Held::default(),
            #[cfg(test)]
            direct_rows: 0,
        }
    }

    /// JSON only: write one object `{"meta": meta, "rows": [...]}` instead of the bare array.
    pub fn meta(&mut self, meta: Value) {
        self.meta = Some(meta);
    }

    /// The text that opens the JSON document.
    fn json_open(&self) -> Result<String, Error> {
        Ok(match &self.meta {
            Some(m) => format!("{{\"meta\":{},\"rows\":[", serde_json::to_string(m)?),
            None => "[".to_string(),
        })
    }

    /// Lines printed above the table (table format only).
    pub fn preamble(&mut self, lines: Vec<String>) {
        self.preamble = lines;
    }

    /// Lines printed below the table (table format only).
    pub fn postamble(&mut self, lines: Vec<String>) {
        self.postamble = lines;
    }

    /// Checks the column names at the first row, resolves `--columns` and lays out the table.
    fn setup<T: TableRow>(
        &mut self,
        prefix: &[(String, Value)],
        fields: &[&str],
    ) -> Result<(), Error> {
        let given: Vec<&str> = prefix
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(fields.iter().copied())
            .collect();
        // BTC amounts in sats: the column's sats name, unless the row has that column already.
        let np = prefix.len();
        let sats_name =
            |i: usize| sats_column(given[i]).filter(|n| i >= np && !given.contains(&n.as_str()));
        let sats_names: Vec<Option<String>> = (0..given.len()).map(sats_name).collect();
        let in_sats = self.style.btc_unit == BtcUnit::Sats && self.format != Format::Table;
        self.sats = sats_names.iter().map(|n| in_sats && n.is_some()).collect();
        let owned: Vec<String> = given
            .iter()
            .zip(&sats_names)
            .map(|(g, n)| match n {
                Some(n) if in_sats => n.clone(),
                _ => g.to_string(),
            })
            .collect();
        let all: Vec<&str> = owned.iter().map(String::as_str).collect();
        for (i, n) in all.iter().enumerate() {
            if all[..i].contains(n) {
                return Err(Error::input(format!(
                    "the output would have two columns named {n}: a --tag may not be named like a column"
                )));
            }
        }
        self.pick = match &self.style.columns {
            None => (0..all.len()).collect(),
            Some(cols) => {
                let mut pick = Vec::with_capacity(cols.len());
                for c in cols {
                    let Some(i) = all.iter().position(|n| n == c) else {
                        return Err(Error::input(unknown_column("--columns", c, &all)));
                    };
                    if pick.contains(&i) {
                        return Err(Error::input(format!("--columns names {c} twice")));
                    }
                    pick.push(i);
                }
                pick
            }
        };
        self.names = self.pick.iter().map(|&i| all[i].to_string()).collect();
        self.identity = self.pick.iter().copied().eq(0..all.len());
        if self.format != Format::Table {
            let json = self.format != Format::Csv;
            self.leads = (self.names.iter().enumerate())
                .map(|(j, k)| {
                    let mut lead = if j > 0 { b",".to_vec() } else { Vec::new() };
                    if json {
                        serde_json::to_writer(&mut lead, k)?;
                        lead.push(b':');
                    }
                    Ok(lead)
                })
                .collect::<Result<_, serde_json::Error>>()?;
        }
        if self.format == Format::Table {
            let keys = T::table_keys();
            let headers = T::table_headers();
            self.table = if self.style.columns.is_some() {
                TableLayout {
                    headers: self
                        .pick
                        .iter()
                        .map(|&i| match keys.iter().position(|k| *k == all[i]) {
                            Some(j) if i >= np => headers[j].to_string(),
                            _ => all[i].to_string(),
                        })
                        .collect(),
                    keys: self.names.clone(),
                    left: 1,
                    drop_order: Vec::new(),
                    btc: Vec::new(),
                }
            } else {
                let mut k: Vec<String> = prefix.iter().map(|(k, _)| k.clone()).collect();
                k.extend(
                    headers
                        .iter()
                        .enumerate()
                        .map(|(j, h)| keys.get(j).unwrap_or(h).to_string()),
                );
                let mut h: Vec<String> = prefix.iter().map(|(k, _)| k.clone()).collect();
                h.extend(headers.iter().map(|s| s.to_string()));
                // The table's BTC columns (table column, index among the row's fields), shown
                // in sats when --btc-unit sats says so or their figures are small.
                let btc = keys
                    .iter()
                    .enumerate()
                    .filter_map(|(j, key)| {
                        let i = given.iter().position(|g| g == key)?;
                        sats_names[i].as_ref()?;
                        Some((np + j, i - np))
                    })
                    .collect();
                TableLayout {
                    headers: h,
                    keys: k,
                    left: np + 1,
                    drop_order: T::table_drop_order().into_iter().map(|j| j + np).collect(),
                    btc,
                }
            };
        }
        Ok(())
    }

    /// Writes one row after leading columns of its own (tags, swept parameters, a group
    /// name). The leading columns must be the same, in the same order, for every row; their
    /// values print as given (the row's computed numbers are rounded to the style's digits).
    pub fn write_prefixed<T: TableRow>(
        &mut self,
        prefix: &[(String, Value)],
        row: &T,
    ) -> Result<(), Error> {
        // CSV, JSON or NDJSON of a plain struct after the first row (which sets the columns
        // up), all columns in order: from the serializer straight to the line.
        if self.format != Format::Table
            && self.rows_written > 0
            && self.identity
            && self.write_direct(prefix, row)?
        {
            return Ok(());
        }
        // The direct path's lines not yet written go first.
        self.write_pending()?;
        // CSV, JSON and NDJSON of a plain struct: straight from its scalars to the text, no
        // JSON values.
        if self.format != Format::Table && self.scalars.read(row).is_ok() {
            let scalars = std::mem::take(&mut self.scalars);
            let result = self.write_scalar_row::<T>(prefix, &scalars);
            self.scalars = scalars;
            return result;
        }
        // A plain struct flattens without a JSON object's hashing; one with flattened parts
        // (a sweep row) goes through the object.
        let fields: Vec<(std::borrow::Cow<'static, str>, Value)> = match flat::fields(row) {
            Ok(f) => f.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            Err(_) => {
                let Value::Object(obj) = serde_json::to_value(row)? else {
                    return Err(Error::runtime("a row that is not an object"));
                };
                obj.into_iter().map(|(k, v)| (k.into(), v)).collect()
            }
        };
        if self.rows_written == 0 {
            let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
            self.setup::<T>(prefix, &names)?;
        }
        let digits = self.style.digits;
        let np = prefix.len();
        let field_values: Vec<&Value> = fields.iter().map(|(_, v)| v).collect();
        let value = |i: usize| -> Value {
            if i < np {
                return prefix[i].1.clone();
            }
            let v = field_values.get(i - np).copied().unwrap_or(&Value::Null);
            match (self.sats.get(i), v.as_f64()) {
                (Some(true), Some(btc)) => serde_json::Number::from_f64(digits.round(btc * 1e8))
                    .map_or(Value::Null, Value::Number),
                _ => digits.round_value(v),
            }
        };
        match self.format {
            Format::Csv => {
                let values: Vec<Value> = self.pick.iter().map(|&i| value(i)).collect();
                // The CSV header comes with the first row's line.
                let (mut line, _) = self.open_line()?;
                let cells: Vec<String> = values.iter().map(cell).collect();
                csv_record(&mut line, cells.iter().map(|c| c.as_bytes()));
                return self.emit(line);
            }
            Format::Json | Format::Ndjson => {
                let mut obj = serde_json::Map::new();
                for (n, &i) in self.names.iter().zip(&self.pick) {
                    obj.insert(n.clone(), value(i));
                }
                let open = if self.format == Format::Json && self.rows_written == 0 {
                    self.json_open()?
                } else {
                    String::new()
                };
                let w = self
                    .out
                    .as_mut()
                    .ok_or_else(|| Error::runtime("writer closed"))?;
                if self.format == Format::Json {
                    if self.rows_written == 0 {
                        w.write_all(open.as_bytes())?;
                        w.write_all(b"\n")?;
                    } else {
                        w.write_all(b",\n")?;
                    }
                    serde_json::to_writer(&mut *w, &obj)?;
                } else {
                    serde_json::to_writer(&mut *w, &obj)?;
                    w.write_all(b"\n")?;
                }
            }
            Format::Table => {
                let table_cells = row.table_cells();
                let cells: Vec<String> = if self.style.columns.is_some() {
                    let keys = T::table_keys();
                    self.pick
                        .iter()
                        .zip(&self.names)
                        .map(|(&i, name)| {
                            if i < np {
                                return table_cell(&prefix[i].1);
                            }
                            match keys.iter().position(|k| k == name) {
                                Some(j) if j < table_cells.len() => table_cells[j].clone(),
                                _ => table_cell(&value(i)),
                            }
                        })
                        .collect()
                } else {
                    let mut c: Vec<String> = prefix.iter().map(|(_, v)| table_cell(v)).collect();
                    c.extend(table_cells);
                    c
                };
                let btc = self
                    .table
                    .btc
                    .iter()
                    .map(|&(_, f)| field_values.get(f).and_then(|v| v.as_f64()).unwrap_or(0.0))
                    .collect();
                self.table_btc.push(btc);
                self.push_table_row(cells)?;
            }
        }
        self.rows_written += 1;
        Ok(())
    }

    /// Writes a row's finished `line` (what it holds past [`RowWriter::written`]) and keeps
    /// its buffer for the next row.
    fn emit(&mut self, line: Vec<u8>) -> Result<(), Error> {
        self.line = line;
        self.write_pending()?;
        self.rows_written += 1;
        Ok(())
    }

    /// Writes what `line` holds past [`RowWriter::written`].
    fn write_pending(&mut self) -> Result<(), Error> {
        if let Some(pending) = self.line.get(self.written..).filter(|p| !p.is_empty()) {
            let w = self
                .out
                .as_mut()
                .ok_or_else(|| Error::runtime("writer closed"))?;
            w.write_all(pending)?;
        }
        self.written = self.line.len();
        Ok(())
    }

    /// [`RowWriter::write_prefixed`] for CSV, JSON and NDJSON from the row's scalars, in the
    /// columns' order: each CSV cell or JSON value exactly as the JSON-value path prints it
    /// (floats rounded to the style's digits, in serde_json's shortest form; sats columns
    /// ×1e8; a null, NaN or infinity empty in CSV and null in JSON), without building a value
    /// or a string per cell.
    fn write_scalar_row<T: TableRow>(
        &mut self,
        prefix: &[(String, Value)],
        row: &flat::Scalars,
    ) -> Result<(), Error> {
        if self.rows_written == 0 {
            let names: Vec<&str> = row.fields.iter().map(|(k, _)| *k).collect();
            self.setup::<T>(prefix, &names)?;
        }
        let json = self.format != Format::Csv;
        let np = prefix.len();
        let (mut line, start) = self.open_line()?;
        self.memo.resize(self.pick.len(), Memo::EMPTY);
        let mut cells = Cells {
            line: &mut line,
            digits: self.style.digits,
            ints: itoa::Buffer::new(),
            json,
        };
        let picked = self.pick.iter().zip(&mut self.memo).zip(&self.leads);
        for ((&i, memo), lead) in picked {
            if i < np {
                cells.line.extend_from_slice(lead);
                given_cell(cells.line, &prefix[i].1, json)?;
                continue;
            }
            let sats = self.sats.get(i).copied().unwrap_or(false);
            match row.fields.get(i - np) {
                Some((_, v)) => cells.cell(lead, v, &row.text, sats, memo),
                None => cells.cell(lead, &flat::Scalar::Null, "", sats, memo),
            }
        }
        self.close_line(&mut line, start);
        self.emit(line)
    }

    /// A row after the first with all the columns in order, its fields written as the
    /// serializer hands them over (no list of fields per row). `false` (nothing written) for a
    /// row that is not a flat struct of the first row's width, which takes the other paths.
    fn write_direct<T: TableRow>(
        &mut self,
        prefix: &[(String, Value)],
        row: &T,
    ) -> Result<bool, Error> {
        let np = prefix.len();
        let n = self.pick.len();
        let json = self.format != Format::Csv;
        if n < np || self.sats.len() != n || self.leads.len() != n {
            return Ok(false);
        }
        if self.held.bits.len() != n - np {
            self.held.forget(n - np);
        }
        // The row goes after the rows not yet written (the last one is its source).
        let mut line = std::mem::take(&mut self.line);
        let begin = line.len();
        let opened = self.open_row(&mut line).and_then(|()| {
            let start = line.len();
            for ((_, v), lead) in prefix.iter().zip(&self.leads) {
                line.extend_from_slice(lead);
                given_cell(&mut line, v, json)?;
            }
            Ok(start)
        });
        let start = match opened {
            Ok(start) => start,
            Err(e) => {
                line.truncate(begin);
                self.line = line;
                return Err(e);
            }
        };
        let own = line.len();
        let held = &mut self.held;
        let mut sink = Direct {
            cells: Cells {
                line: &mut line,
                digits: self.style.digits,
                ints: itoa::Buffer::new(),
                json,
            },
            sats: &self.sats[np..],
            leads: &self.leads[np..],
            at: 0,
            bits: &mut held.bits,
            last_start: held.start,
            ends: &held.ends,
            next_ends: &mut held.next_ends,
            run: NO_RUN,
            broken: false,
            recent: [Printed::default(); RECENT],
            next: 0,
        };
        let read = flat::each_field(row, &mut self.scalars.text, &mut sink);
        sink.flush(sink.at);
        let whole = read.is_ok() && !sink.broken && sink.at == sink.bits.len();
        if !whole {
            line.truncate(begin);
            self.line = line;
            self.held.forget(n - np);
            return Ok(false);
        }
        self.close_line(&mut line, start);
        self.rows_written += 1;
        #[cfg(test)]
        {
            self.direct_rows += 1;
        }
        // This row is the one the next copies from.
        std::mem::swap(&mut self.held.ends, &mut self.held.next_ends);
        self.held.start = own;
        self.line = line;
        if self.line.len() - self.written >= BATCH_BYTES {
            self.write_pending()?;
            // Only the last row is kept, at the front.
            self.line.copy_within(begin.., 0);
            self.line.truncate(self.line.len() - begin);
            self.written = self.line.len();
            self.held.start -= begin;
            for end in &mut self.held.ends {
                *end -= begin;
            }
        }
        Ok(true)
    }

    /// The line buffer (the direct path's rows written first), cleared, with what comes
    /// before a row's cells ([`RowWriter::open_row`]); also where the cells start.
    fn open_line(&mut self) -> Result<(Vec<u8>, usize), Error> {
        self.write_pending()?;
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        self.written = 0;
        // The direct path's last line is gone.
        self.held.bits.fill(NOT_HELD);
        if let Err(e) = self.open_row(&mut line) {
            self.line = line;
            return Err(e);
        }
        let start = line.len();
        Ok((line, start))
    }

    /// Appends what comes before a row's cells: the CSV header on the first row (when the
    /// style prints one); the JSON document's opening on the first row or the comma after the
    /// previous one; a JSON object's brace.
    fn open_row(&self, line: &mut Vec<u8>) -> Result<(), Error> {
        match self.format {
            Format::Csv if self.rows_written == 0 && self.style.header => {
                csv_record(line, self.names.iter().map(|n| n.as_bytes()));
            }
            Format::Json if self.rows_written == 0 => {
                line.extend_from_slice(self.json_open()?.as_bytes());
                line.push(b'\n');
            }
            Format::Json => line.extend_from_slice(b",\n"),
            _ => {}
        }
        if self.format != Format::Csv {
            line.push(b'{');
        }
        Ok(())
    }

    /// Ends a row's `line` (its cells from `start`): a JSON object's brace; for CSV a record
    /// of one empty field as a quoted empty string, as the csv crate writes it; the newline
    /// (JSON's comes with the next row's comma or the closing bracket).
    fn close_line(&self, line: &mut Vec<u8>, start: usize) {
        match self.format {
            Format::Csv if line.len() == start => line.extend_from_slice(b"\"\""),
            Format::Csv => {}
            _ => line.push(b'}'),
        }
        if self.format != Format::Json {
            line.push(b'\n');
        }
    }

    /// Writes one row.
    pub fn write<T: TableRow>(&mut self, row: &T) -> Result<(), Error> {
        self.write_prefixed(&[], row)
    }

    /// Ends the output (closes the JSON array, renders the table) and returns the writer.
    pub fn finish(mut self) -> Result<W, Error> {
        self.write_pending()?;
        let mut w = self
            .out
            .take()
            .ok_or_else(|| Error::runtime("writer closed"))?;
        match self.format {
            Format::Json => {
                let close = if self.meta.is_some() { "]}" } else { "]" };
                if self.rows_written == 0 {
                    writeln!(w, "{}{close}", self.json_open()?)?;
                } else {
                    writeln!(w, "\n{close}")?;
                }
            }
            Format::Table => {
                let width = self.style.width;
                let wrap = |l: &str| match width {
                    Some(n) => fmt::wrap(l, n),
                    None => vec![l.to_string()],
                };
                for l in &self.preamble {
                    for part in wrap(l) {
                        writeln!(w, "{part}")?;
                    }
                }
                if !self.preamble.is_empty() {
                    writeln!(w)?;
                }
                self.table_in_sats();
                let (text, left_out) = self.fitted_table()?;
                writeln!(w, "{text}")?;
                if !left_out.is_empty() {
                    let note = format!(
                        "{} more columns do not fit in {} characters: {}; --wide shows every column, --columns picks them",
                        left_out.len(),
                        width.unwrap_or(0),
                        left_out.join(", ")
                    );
                    for part in wrap(&note) {
                        writeln!(w, "{part}")?;
                    }
                }
                for l in &self.postamble {
                    for part in wrap(l) {
                        writeln!(w, "{part}")?;
                    }
                }
            }
            _ => {}
        }
        Ok(w)
    }

    /// Shows the table's BTC columns in sats where `--btc-unit sats` asks, or by default where
    /// every figure in the column is under 0.01 BTC (and one is not zero).
    fn table_in_sats(&mut self) {
        for (k, &(col, _)) in self.table.btc.iter().enumerate() {
            let figures = self.table_btc.iter().filter_map(|r| r.get(k).copied());
            let largest = figures.fold(0.0_f64, |m, v| m.max(v.abs()));
            let sats = match self.style.btc_unit {
                BtcUnit::Sats => true,
                BtcUnit::Btc => false,
                BtcUnit::Auto => largest > 0.0 && largest < SMALL_BTC,
            };
            if !sats {
                continue;
            }
            if let Some(h) = self.table.headers.get_mut(col) {
                *h = if h.contains("BTC") {
                    h.replace("BTC", "sats")
                } else {
                    format!("{h} (sats)")
                };
            }
            if let Some(key) = self.table.keys.get_mut(col) {
                *key = sats_column(key).unwrap_or_else(|| key.clone());
            }
            for (row, btc) in self.table_rows.iter_mut().zip(&self.table_btc) {
                if let (Some(cell), Some(v)) = (row.get_mut(col), btc.get(k)) {
                    *cell = num(v * 1e8, 0);
                }
            }
        }
    }

    /// The table rendered within the style's width, and the names of the columns left out.
    fn fitted_table(&self) -> Result<(String, Vec<String>), Error> {
        let t = &self.table;
        let mut keep: Vec<usize> = (0..t.headers.len()).collect();
        let mut left_out = Vec::new();
        let mut order = t.drop_order.iter();
        loop {
            let header = self
                .style
                .header
                .then(|| keep.iter().map(|&i| t.headers[i].clone()).collect());
            let rows: Vec<Vec<String>> = self
                .table_rows
                .iter()
                .map(|r| {
                    keep.iter()
                        .map(|&i| r.get(i).cloned().unwrap_or_default())
                        .collect()
                })
                .collect();
            let left = keep.iter().filter(|&&i| i < t.left).count().max(1);
            let text = render_table(header, &rows, left)?;
            let wide = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            match (self.style.width, order.next()) {
                (Some(max), Some(&drop)) if wide > max => {
                    keep.retain(|&i| i != drop);
                    left_out.push(t.keys.get(drop).cloned().unwrap_or_default());
                }
                _ => return Ok((text, left_out)),
            }
        }
    }
}

/// The message for a column name that is not one: the closest name, then all of them.
pub fn unknown_column(flag: &str, name: &str, all: &[&str]) -> String {
    let best = all
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!(
            "{flag}: no column {name}; did you mean {c}? (columns: {})",
            all.join(", ")
        ),
        None => format!("{flag}: no column {name} (columns: {})", all.join(", ")),
    }
}

/// The human table: borders only, columns from `left` on aligned right.
#[cfg(feature = "table")]
fn render_table(
    header: Option<Vec<String>>,
    rows: &[Vec<String>],
    left: usize,
) -> Result<String, Error> {
    use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
    let mut t = Table::new();
    t.load_preset(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled);
    if let Some(h) = header {
        t.set_header(h);
    }
    for r in rows {
        t.add_row(r.clone());
    }
    for (i, col) in t.column_iter_mut().enumerate() {
        if i >= left {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    Ok(t.to_string())
}

/// Without the `table` feature there is no table renderer.
#[cfg(not(feature = "table"))]
fn render_table(
    _header: Option<Vec<String>>,
    _rows: &[Vec<String>],
    _left: usize,
) -> Result<String, Error> {
    Err(Error::runtime(
        "the table format needs minecalc built with the `table` feature",
    ))
}

/// Writes a whole set of rows to `-o FILE` or stdout.
pub fn write_all<T: TableRow>(
    format: Format,
    style: &Style,
    output: Option<&Path>,
    preamble: Vec<String>,
    postamble: Vec<String>,
    rows: &[T],
) -> Result<(), Error> {
    let mut w = RowWriter::new(format, style, Dest::open(output)?);
    w.preamble(preamble);
    w.postamble(postamble);
    for r in rows {
        w.write(r)?;
    }
    w.finish()?.commit()
}

/// Writes one row with leading columns to `-o FILE` or stdout.
pub fn write_all_prefixed<T: TableRow>(
    format: Format,
    style: &Style,
    output: Option<&Path>,
    preamble: Vec<String>,
    prefix: &[(String, Value)],
    row: &T,
) -> Result<(), Error> {
    let mut w = RowWriter::new(format, style, Dest::open(output)?);
    w.preamble(preamble);
    w.write_prefixed(prefix, row)?;
    w.finish()?.commit()
}

/// Writes a row's values as CSV cells or JSON values (without what goes between them).
struct Cells<'a> {
    line: &'a mut Vec<u8>,
    digits: Digits,
    ints: itoa::Buffer,
    /// JSON (a null is `null`, a string quoted and escaped) rather than CSV.
    json: bool,
}

impl Cells<'_> {
    /// One value after its column's `lead` (its text in `text` for a string); `sats` for a
    /// BTC amount written in sats. Numbers never need quotes.
    // Always inlined: in the direct path each field's call then knows its scalar's kind.
    #[inline(always)]
    fn cell(&mut self, lead: &[u8], v: &flat::Scalar, text: &str, sats: bool, memo: &mut Memo) {
        if let flat::Scalar::F64(x) = v {
            if memo.hit(self.line, *x) {
                return;
            }
        }
        self.print(lead, v, text, sats, Some(memo));
    }

    /// [`Cells::cell`] without looking in the memo first.
    #[inline(always)]
    fn print(
        &mut self,
        lead: &[u8],
        v: &flat::Scalar,
        text: &str,
        sats: bool,
        memo: Option<&mut Memo>,
    ) {
        use flat::Scalar;
        let line = &mut *self.line;
        let start = line.len();
        match lead {
            // A CSV comma: no call to copy one byte.
            [b] => line.push(*b),
            _ => line.extend_from_slice(lead),
        }
        let digits = self.digits;
        let json = self.json;
        let number = |line: &mut Vec<u8>, x: f64| {
            let before = line.len();
            digits.write(line, x);
            let printed = line.len() > before;
            if !printed && json {
                line.extend_from_slice(b"null");
            }
            printed
        };
        match v {
            Scalar::Null if json => line.extend_from_slice(b"null"),
            Scalar::Null => {}
            // Writing a string into a Vec cannot fail.
            Scalar::Str(r) if json => _ = serde_json::to_writer(&mut *line, &text[r.clone()]),
            Scalar::Str(r) => csv_field(line, text[r.clone()].as_bytes()),
            Scalar::Bool(b) => line.extend_from_slice(if *b { b"true" } else { b"false" }),
            Scalar::U64(n) if sats => _ = number(line, *n as f64 * 1e8),
            Scalar::I64(n) if sats => _ = number(line, *n as f64 * 1e8),
            Scalar::U64(n) => line.extend_from_slice(self.ints.format(*n).as_bytes()),
            Scalar::I64(n) => line.extend_from_slice(self.ints.format(*n).as_bytes()),
            Scalar::F64(x) => {
                let printed = number(line, if sats { x * 1e8 } else { *x });
                if let (true, Some(memo)) = (printed, memo) {
                    memo.keep(line, start, *x);
                }
            }
        }
    }
}

/// The fields of a row as the serializer hands them over, each of the row's own columns with
/// its sats flag, its lead and what the last line held there; `at` counts the fields (a row
/// wider than the columns writes nothing more).
struct Direct<'a> {
    cells: Cells<'a>,
    sats: &'a [bool],
    leads: &'a [Vec<u8>],
    at: usize,
    /// What each column holds (as [`Held::bits`]): the last row's until this one prints its own.
    bits: &'a mut [u64],
    /// Where the last row's own columns start in the line, and where each one's text ends.
    last_start: usize,
    ends: &'a [usize],
    /// Where each column's text ends in this line.
    next_ends: &'a mut [usize],
    /// The first of the columns, up to this one, that hold their numbers and are not copied
    /// yet ([`NO_RUN`]: none).
    run: usize,
    /// A copy from the last line failed (it cannot: the row then takes another path).
    broken: bool,
    /// Numbers printed earlier in this line, where their text is: a row's columns often
    /// share a number (a margin that is also the cash flow, running sums that agree).
    recent: [Printed; RECENT],
    /// The entry of `recent` the next number printed takes.
    next: usize,
}

/// No run of held columns is pending.
const NO_RUN: usize = usize::MAX;

/// A number printed in the line: its bits, whether in sats, and where its text is.
#[derive(Clone, Copy, Default)]
struct Printed {
    bits: u64,
    sats: bool,
    at: usize,
    len: usize,
}

/// How many numbers of its line a row remembers.
const RECENT: usize = 4;

impl Direct<'_> {
    /// Copies the pending run of held columns (up to column `upto`) from the last line.
    #[inline]
    fn flush(&mut self, upto: usize) {
        if self.run == NO_RUN {
            return;
        }
        let first = std::mem::replace(&mut self.run, NO_RUN);
        let from = match first.checked_sub(1) {
            None => Some(self.last_start),
            Some(before) => self.ends.get(before).copied(),
        };
        let to = upto.checked_sub(1).and_then(|l| self.ends.get(l)).copied();
        let (Some(from), Some(to)) = (from, to) else {
            self.broken = true;
            return;
        };
        let line = &mut *self.cells.line;
        let here = line.len();
        if from > to || to > here {
            self.broken = true;
            return;
        }
        line.extend_from_within(from..to);
        let (Some(next), Some(ends)) = (
            self.next_ends.get_mut(first..upto),
            self.ends.get(first..upto),
        ) else {
            self.broken = true;
            return;
        };
        // Each end moves as the run's start does (every end is at or past `from`).
        let shift = here.wrapping_sub(from);
        for (next, &end) in next.iter_mut().zip(ends) {
            *next = end.wrapping_add(shift);
        }
    }

    /// A field other than a float that does not hold the last line's value.
    #[inline(never)]
    fn print(&mut self, at: usize, value: flat::Scalar, text: &str) {
        self.flush(at);
        let Some((sats, lead, bits, end)) =
            slot(self.sats, self.leads, self.bits, self.next_ends, at)
        else {
            return;
        };
        self.cells.print(lead, &value, text, sats, None);
        *bits = held_bits(&value).unwrap_or(NOT_HELD);
        *end = self.cells.line.len();
    }

    /// A float that does not hold the last line's number: a copy of the same number printed
    /// earlier in the line, or printed.
    #[inline(never)]
    fn print_number(&mut self, at: usize, x: f64) {
        self.flush(at);
        let Some((sats, lead, bits, end)) =
            slot(self.sats, self.leads, self.bits, self.next_ends, at)
        else {
            return;
        };
        *bits = x.to_bits();
        let line = &mut *self.cells.line;
        match lead {
            [b] => line.push(*b),
            _ => line.extend_from_slice(lead),
        }
        let number = line.len();
        let same = |p: &&Printed| p.len > 0 && p.bits == x.to_bits() && p.sats == sats;
        if let Some(p) = self.recent.iter().find(same) {
            line.extend_from_within(p.at..p.at + p.len);
            *end = line.len();
            return;
        }
        self.cells
            .digits
            .write(line, if sats { x * 1e8 } else { x });
        if line.len() == number && self.cells.json {
            // Past what a float holds (in sats): JSON's null, as the other paths write.
            line.extend_from_slice(b"null");
        }
        *end = line.len();
        self.recent[self.next % RECENT] = Printed {
            bits: x.to_bits(),
            sats,
            at: number,
            len: *end - number,
        };
        self.next += 1;
    }
}

/// Column `at`'s sats flag, lead, held bits and end in this line (`None` past the row's width).
#[inline(always)]
fn slot<'b>(
    sats: &'b [bool],
    leads: &'b [Vec<u8>],
    bits: &'b mut [u64],
    ends: &'b mut [usize],
    at: usize,
) -> Option<(bool, &'b [u8], &'b mut u64, &'b mut usize)> {
    Some((
        *sats.get(at)?,
        leads.get(at)?,
        bits.get_mut(at)?,
        ends.get_mut(at)?,
    ))
}

impl flat::FieldSink for Direct<'_> {
    // Always inlined (into each field's place in the row's serializer): a column that holds
    // its number costs a comparison.
    #[inline(always)]
    fn field(&mut self, _: &'static str, value: flat::Scalar, text: &str) {
        let at = self.at;
        self.at += 1;
        let held = held_bits(&value);
        if held.is_some() && self.bits.get(at).copied() == held {
            if self.run == NO_RUN {
                self.run = at;
            }
            return;
        }
        match value {
            flat::Scalar::F64(x) => self.print_number(at, x),
            _ => self.print(at, value, text),
        }
    }
}

/// A float as serde_json prints it (its shortest round-trip form, `144.0` for a whole
/// number); nothing for a NaN or an infinity (JSON's null, an empty cell).
fn json_f64(buf: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, &x);
    }
}

/// A leading column's value (a tag, a swept parameter, a group) as given: a CSV field or a
/// JSON value.
fn given_cell(line: &mut Vec<u8>, v: &Value, json: bool) -> Result<(), Error> {
    if json {
        serde_json::to_writer(&mut *line, v)?;
    } else {
        csv_field(line, cell(v).as_bytes());
    }
    Ok(())
}

/// Appends one CSV field as the csv crate writes it: in double quotes (inner quotes doubled)
/// when it holds a comma, a quote, a CR or a LF; as it is otherwise.
fn csv_field(line: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        line.push(b'"');
        for &b in field {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(field);
    }
}

/// Appends one CSV record and its `\n` (a record that would be empty, one empty field, is
/// `""`, as the csv crate writes it).
fn csv_record<'a>(line: &mut Vec<u8>, fields: impl Iterator<Item = &'a [u8]>) {
    let start = line.len();
    for (j, f) in fields.enumerate() {
        if j > 0 {
            line.push(b',');
        }
        csv_field(line, f);
    }
    if line.len() == start {
        line.extend_from_slice(b"\"\"");
    }
    line.push(b'\n');
}

/// A JSON value as a CSV cell: numbers as serde_json prints them, null as empty.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A leading column's value in the human table.
fn table_cell(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_f64().map_or_else(
            || n.to_string(),
            |x| {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    num(x, 0)
                } else {
                    let t = format!("{x:.6}");
                    t.trim_end_matches('0').trim_end_matches('.').to_string()
                }
            },
        ),
        other => cell(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_the_noise_and_keep_the_integer_part() {
        let d = Digits::default();
        assert_eq!(d.round(0.060000000000000005), 0.06);
        assert_eq!(d.round(4464.000000001099), 4464.0);
        assert_eq!(d.round(141_668_107_417_558.2), 141_668_107_417_558.2);
        assert_eq!(d.round(31_251_101_365_711.12), 31_251_101_365_711.1);
        assert_eq!(Digits::Significant(3).round(1234.5678), 1234.6);
        assert_eq!(Digits::Significant(3).round(0.012345), 0.0123);
        assert_eq!(Digits::Full.round(0.1 + 0.2), 0.1 + 0.2);
        assert_eq!("full".parse::<Digits>(), Ok(Digits::Full));
        assert_eq!("7".parse::<Digits>(), Ok(Digits::Significant(7)));
        assert!("0".parse::<Digits>().is_err() && "18".parse::<Digits>().is_err());
    }

    /// The CSV path's numbers are the JSON-value path's, byte for byte: every digits setting,
    /// magnitudes from 1e-30 to 1e30, both signs, whole numbers, halfway cases and the edges
    /// of plain notation.
    #[test]
    fn csv_numbers_print_as_serde_json_prints_the_rounded_value() {
        let mut values = vec![
            0.0,
            -0.0,
            144.0,
            1e15,
            1e16,
            9.999_999_999_999e15,
            1e-5,
            9.99e-6,
            0.000_459_804_878_049,
            137_463_212_013_210.8,
            999.999_999_999_9,
            0.5,
            2.5,
            1e22,
            1e23,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456_789_012_345.6,
            0.1 + 0.2,
            4464.000000001099,
        ];
        let mut x = 1.234_567_890_123_456_7e-30_f64;
        while x < 1e30 {
            values.extend([
                x,
                x * 0.999_999_999_7,
                x * 1.000_000_000_3,
                x.round(),
                x * 7.0,
            ]);
            x *= 1.377;
        }
        let negatives: Vec<f64> = values.iter().map(|v| -v).collect();
        values.extend(negatives);
        let mut settings = vec![Digits::Full];
        settings.extend((1..=17).map(Digits::Significant));
        let mut n = 0;
        for d in settings {
            for &v in &values {
                let mut fast = Vec::new();
                d.write(&mut fast, v);
                let mut slow = Vec::new();
                json_f64(&mut slow, d.round(v));
                let want = cell(&serde_json::to_value(d.round(v)).unwrap());
                assert_eq!(slow, want.as_bytes(), "{d:?} {v:e}");
                assert_eq!(String::from_utf8(fast).unwrap(), want, "{d:?} {v:e}");
                n += 1;
            }
        }
        assert!(n > 10_000, "{n}");
        let mut out = Vec::new();
        Digits::default().write(&mut out, f64::NAN);
        Digits::default().write(&mut out, f64::INFINITY);
        assert!(out.is_empty());
    }

    /// The CSV path's rounding and printing against an independent oracle (rounding through
    /// Rust's exact decimal formatting, printing by serde_json) over 300,000 pseudo-random
    /// values: every magnitude plain notation covers and beyond, both signs, all settings.
    #[test]
    fn csv_numbers_match_decimal_rounding_over_random_values() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300_000 {
            let r = next();
            // A mantissa in [1, 10), a decimal exponent in -8..=17, a sign; every 8th value
            // a whole number or a halfway-looking one.
            let mantissa = 1.0 + (r >> 11) as f64 / (1u64 << 53) as f64 * 9.0;
            let exp = (r % 26) as i32 - 8;
            let mut v = mantissa * 10f64.powi(exp);
            match r % 8 {
                0 => v = v.round(),
                1 => v = (v * 2.0).round() / 2.0 + 0.0,
                _ => {}
            }
            if r & 1 << 40 != 0 {
                v = -v;
            }
            let n = (next() % 17 + 1) as u8;
            let setting = Digits::Significant(n);
            let d = usize::from(Digits::digits_of(n, v)) - 1;
            let oracle: f64 = format!("{v:.d$e}").parse().unwrap();
            let mut want = Vec::new();
            json_f64(&mut want, oracle);
            let mut got = Vec::new();
            setting.write(&mut got, v);
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{v:e} at {n} digits"
            );
        }
    }

    /// The CSV encoder quotes as the csv crate does.
    #[test]
    fn csv_records_match_the_csv_crate() {
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\rhere",
            " spaced ",
            "\"",
            "é,ü",
            "#hash",
            "'quote'",
        ];
        let mut records: Vec<Vec<&str>> = vec![vec![""], vec!["", ""], vec!["x"]];
        for a in fields {
            for b in fields {
                records.push(vec![a, b]);
                records.push(vec![a]);
            }
        }
        for r in records {
            let mut ours = Vec::new();
            csv_record(&mut ours, r.iter().map(|f| f.as_bytes()));
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_writer(Vec::new());
            w.write_record(&r).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(w.into_inner().unwrap()).unwrap(),
                "{r:?}"
            );
        }
    }

    /// A row for the direct path's test: numbers that repeat down a column and across the
    /// row, a BTC column (sats), an optional number, an integer and text.
    #[derive(Serialize)]
    struct Mixed {
        a: f64,
        btc_mined: f64,
        b: f64,
        c: Option<f64>,
        n: u64,
        big: u64,
        s: String,
        cumulative_btc: f64,
        d: f64,
    }

    impl TableRow for Mixed {
        fn table_headers() -> Vec<&'static str> {
            vec!["a"]
        }
        fn table_cells(&self) -> Vec<String> {
            vec![self.a.to_string()]
        }
    }

    /// Rows after the first go from the serializer to the line, copying runs of held columns
    /// from the row before and numbers printed earlier in the line, in batches (2,000 rows
    /// are several): byte for byte what each row prints as the first row of a writer of its
    /// own (no memo, no copies), in every format, with and without sats and leading columns,
    /// at several digit settings.
    #[test]
    fn the_direct_path_prints_each_row_as_a_fresh_writer_would() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
        let pool = [
            0.0,
            -0.0,
            1.0,
            0.1 + 0.2,
            912.848780488,
            912.848780488 + 1e-9,
            -3.5e-7,
            1e16,
            123_456.789,
            // Past a float in sats: empty in CSV, null in JSON.
            1e301,
            f64::NAN,
            f64::INFINITY,
        ];
        let pick = |rng: &mut rand_chacha::ChaCha8Rng| {
            if rng.gen_bool(0.2) {
                rng.gen_range(-1e6..1e6)
            } else {
                pool[rng.gen_range(0..pool.len())]
            }
        };
        let rows: Vec<Mixed> = (0..2000)
            .map(|i| {
                let shared = pick(&mut rng);
                let pick_or_shared = |rng: &mut rand_chacha::ChaCha8Rng, x: f64| {
                    if rng.gen_bool(0.5) {
                        shared
                    } else {
                        x
                    }
                };
                let (a, b, d) = (pick(&mut rng), pick(&mut rng), pick(&mut rng));
                Mixed {
                    a: pick_or_shared(&mut rng, a),
                    btc_mined: shared,
                    b: pick_or_shared(&mut rng, b),
                    c: rng.gen_bool(0.7).then_some(shared),
                    n: i / 3,
                    big: [(1 << 50) - 1, 1 << 50, 0, u64::MAX][(i / 2 % 4) as usize],
                    s: if i % 5 == 0 {
                        "x, \"y\"".into()
                    } else {
                        "z".into()
                    },
                    cumulative_btc: shared,
                    d: pick_or_shared(&mut rng, d),
                }
            })
            .collect();
        let tags = [("site".to_string(), Value::String("a,b".into()))];
        for format in [Format::Csv, Format::Json, Format::Ndjson] {
            for btc_unit in [BtcUnit::Auto, BtcUnit::Sats] {
                for digits in [Digits::default(), Digits::Significant(3), Digits::Full] {
                    for prefix in [&tags[..0], &tags[..]] {
                        let style = Style {
                            digits,
                            btc_unit,
                            ..Style::default()
                        };
                        let write = |rows: &[Mixed], header: bool| {
                            let style = Style {
                                header,
                                ..style.clone()
                            };
                            let mut w = RowWriter::new(format, &style, Vec::new());
                            for r in rows {
                                w.write_prefixed(prefix, r).unwrap();
                            }
                            // Every row after the first took the direct path.
                            assert_eq!(w.direct_rows, rows.len().saturating_sub(1));
                            String::from_utf8(w.finish().unwrap()).unwrap()
                        };
                        let whole = write(&rows, true);
                        let mut alone: Vec<String> = rows
                            .iter()
                            .map(|r| {
                                let one = write(std::slice::from_ref(r), false);
                                match format {
                                    Format::Json => one[2..one.len() - 3].to_string(),
                                    _ => one.trim_end_matches('\n').to_string(),
                                }
                            })
                            .collect();
                        let expected = match format {
                            Format::Csv => {
                                let head = whole.lines().next().unwrap().to_string();
                                alone.insert(0, head);
                                alone.join("\n") + "\n"
                            }
                            Format::Json => format!("[\n{}\n]\n", alone.join(",\n")),
                            _ => alone.join("\n") + "\n",
                        };
                        assert_eq!(
                            whole,
                            expected,
                            "{format:?} {btc_unit:?} {digits:?} prefix {}",
                            prefix.len()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn sats_columns() {
        assert_eq!(sats_column("btc_mined").as_deref(), Some("sats_mined"));
        assert_eq!(
            sats_column("cumulative_btc").as_deref(),
            Some("cumulative_sats")
        );
        assert_eq!(
            sats_column("fees_btc_per_block").as_deref(),
            Some("fees_sats_per_block")
        );
        assert_eq!(sats_column("btc_price_usd"), None);
        assert_eq!(sats_column("margin_usd"), None);
    }
}
