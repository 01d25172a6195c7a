//! Output: one writer per format, shared by every command, and `-o FILE` written atomically.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

pub use dest::Dest;
pub use fmt::{musd, num, pct, power, short, short_trimmed, signed_pct, tera, usd, usd_small};

#[cfg(feature = "charts")]
pub mod chart;
mod dest;
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
}

/// Writes rows of one type in one format. Table rows are held until [`RowWriter::finish`];
/// the other formats stream.
pub struct RowWriter<W: Write> {
    format: Format,
    header: bool,
    out: Option<W>,
    csv: Option<csv::Writer<W>>,
    rows_written: usize,
    table_headers: Vec<&'static str>,
    table_prefix: Vec<String>,
    table_rows: Vec<Vec<String>>,
    preamble: Vec<String>,
    postamble: Vec<String>,
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

    /// A writer; `header` false drops the CSV header row.
    pub fn new(format: Format, header: bool, out: W) -> RowWriter<W> {
        let (out, csv) = match format {
            Format::Csv => (
                None,
                Some(
                    csv::WriterBuilder::new()
                        .has_headers(header)
                        .from_writer(out),
                ),
            ),
            _ => (Some(out), None),
        };
        RowWriter {
            format,
            header,
            out,
            csv,
            rows_written: 0,
            table_headers: Vec::new(),
            table_prefix: Vec::new(),
            table_rows: Vec::new(),
            preamble: Vec::new(),
            postamble: Vec::new(),
        }
    }

    /// Lines printed above the table (table format only).
    pub fn preamble(&mut self, lines: Vec<String>) {
        self.preamble = lines;
    }

    /// Lines printed below the table (table format only).
    pub fn postamble(&mut self, lines: Vec<String>) {
        self.postamble = lines;
    }

    /// Writes one row after leading columns of its own (tags, swept parameters, a group
    /// name). The leading columns must be the same, in the same order, for every row.
    pub fn write_prefixed<T: TableRow>(
        &mut self,
        prefix: &[(String, Value)],
        row: &T,
    ) -> Result<(), Error> {
        if prefix.is_empty() {
            return self.write(row);
        }
        let Value::Object(fields) = serde_json::to_value(row)? else {
            return Err(Error::runtime("a row that is not an object"));
        };
        match self.format {
            Format::Csv => {
                let w = self
                    .csv
                    .as_mut()
                    .ok_or_else(|| Error::runtime("writer closed"))?;
                if self.rows_written == 0 && self.header {
                    let names = prefix
                        .iter()
                        .map(|(k, _)| k.as_str())
                        .chain(fields.keys().map(String::as_str));
                    w.write_record(names)?;
                }
                let cells = prefix
                    .iter()
                    .map(|(_, v)| v)
                    .chain(fields.values())
                    .map(cell);
                w.write_record(cells)?;
            }
            Format::Json | Format::Ndjson => {
                let mut obj = serde_json::Map::new();
                for (k, v) in prefix {
                    obj.insert(k.clone(), v.clone());
                }
                obj.extend(fields);
                let w = self
                    .out
                    .as_mut()
                    .ok_or_else(|| Error::runtime("writer closed"))?;
                if self.format == Format::Json {
                    w.write_all(if self.rows_written == 0 {
                        b"[\n"
                    } else {
                        b",\n"
                    })?;
                    serde_json::to_writer(&mut *w, &obj)?;
                } else {
                    serde_json::to_writer(&mut *w, &obj)?;
                    w.write_all(b"\n")?;
                }
            }
            Format::Table => {
                if self.table_rows.is_empty() {
                    self.table_prefix = prefix.iter().map(|(k, _)| k.clone()).collect();
                    self.table_headers = T::table_headers();
                }
                let mut cells: Vec<String> = prefix.iter().map(|(_, v)| table_cell(v)).collect();
                cells.extend(row.table_cells());
                self.push_table_row(cells)?;
            }
        }
        self.rows_written += 1;
        Ok(())
    }

    /// Writes one row.
    pub fn write<T: TableRow>(&mut self, row: &T) -> Result<(), Error> {
        match self.format {
            Format::Csv => {
                if let Some(w) = self.csv.as_mut() {
                    w.serialize(row)?;
                }
            }
            Format::Json => {
                let w = self
                    .out
                    .as_mut()
                    .ok_or_else(|| Error::runtime("writer closed"))?;
                w.write_all(if self.rows_written == 0 {
                    b"[\n"
                } else {
                    b",\n"
                })?;
                serde_json::to_writer(&mut *w, row)?;
            }
            Format::Ndjson => {
                let w = self
                    .out
                    .as_mut()
                    .ok_or_else(|| Error::runtime("writer closed"))?;
                serde_json::to_writer(&mut *w, row)?;
                w.write_all(b"\n")?;
            }
            Format::Table => {
                if self.table_rows.is_empty() {
                    self.table_headers = T::table_headers();
                }
                self.push_table_row(row.table_cells())?;
            }
        }
        self.rows_written += 1;
        Ok(())
    }

    /// Ends the output (closes the JSON array, renders the table) and returns the writer.
    pub fn finish(mut self) -> Result<W, Error> {
        if let Some(w) = self.csv.take() {
            return w
                .into_inner()
                .map_err(|e| Error::Io(io::Error::new(e.error().kind(), e.error().to_string())));
        }
        let mut w = self
            .out
            .take()
            .ok_or_else(|| Error::runtime("writer closed"))?;
        match self.format {
            Format::Json => {
                w.write_all(if self.rows_written == 0 {
                    b"[]\n"
                } else {
                    b"\n]\n"
                })?;
            }
            Format::Table => {
                for l in &self.preamble {
                    writeln!(w, "{l}")?;
                }
                if !self.preamble.is_empty() {
                    writeln!(w)?;
                }
                let header = self.header.then(|| {
                    let mut h: Vec<String> = self.table_prefix.clone();
                    h.extend(self.table_headers.iter().map(|s| s.to_string()));
                    h
                });
                let text = render_table(header, &self.table_rows, self.table_prefix.len() + 1)?;
                writeln!(w, "{text}")?;
                for l in &self.postamble {
                    writeln!(w, "{l}")?;
                }
            }
            _ => {}
        }
        Ok(w)
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
    header: bool,
    output: Option<&Path>,
    preamble: Vec<String>,
    postamble: Vec<String>,
    rows: &[T],
) -> Result<(), Error> {
    let mut w = RowWriter::new(format, header, Dest::open(output)?);
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
    header: bool,
    output: Option<&Path>,
    preamble: Vec<String>,
    prefix: &[(String, Value)],
    row: &T,
) -> Result<(), Error> {
    let mut w = RowWriter::new(format, header, Dest::open(output)?);
    w.preamble(preamble);
    w.write_prefixed(prefix, row)?;
    w.finish()?.commit()
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

/// A prefix value: a number where the text is one, else the text.
pub fn prefix_value(text: &str) -> Value {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => serde_json::Number::from_f64(x)
            .map_or_else(|| Value::String(text.into()), Value::Number),
        _ => Value::String(text.into()),
    }
}
