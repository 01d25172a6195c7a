//! `minecalc backtest`: a fleet over a real daily history.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use minecalc::analyses::backtest::{self, HistoryFormat, HistoryOptions};
use minecalc::inputs::machines;
use minecalc::model::projection::{Aggregator, Period};
use minecalc::model::summary::SummaryBuilder;
use minecalc::report::chart;
use minecalc::report::{num, usd, Dest, Format, RowWriter};
use minecalc::Error;

use super::args::tag_prefix;
use super::args::{parse_date, OutputArgs, PeriodArg};
use super::params::{FleetOnly, ParamArgs};
use super::project::postamble;
use super::risk::{fleet_title, plot_path, write_svg};

/// Arguments of `minecalc backtest`.
#[derive(Debug, Clone, Args)]
pub struct BacktestArgs {
    /// Daily history CSV (required): date,difficulty,price_usd,fees_btc_per_block (or fees_btc_per_day)
    /// [,blocks], or the Coin Metrics btc.csv (time,DiffMean,PriceUSD,FeeTotNtv,BlkCnt,IssTotNtv).
    #[arg(long, value_name = "FILE", help_heading = "History")]
    pub history: Option<PathBuf>,
    /// First day to run (earlier rows are skipped) [default: the file's first].
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "History")]
    pub start: Option<NaiveDate>,
    /// Last day to run [default: the file's last].
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "History")]
    pub until: Option<NaiveDate>,
    /// The old name of --start (still accepted, with a note on stderr).
    #[arg(long, value_name = "DATE", value_parser = parse_date, hide = true, conflicts_with = "start")]
    pub from: Option<NaiveDate>,
    /// The old name of --until (still accepted, with a note on stderr).
    #[arg(long, value_name = "DATE", value_parser = parse_date, hide = true, conflicts_with = "until")]
    pub to: Option<NaiveDate>,
    /// Chain tip height at the start of the first day [default: counted from genesis in a
    /// Coin Metrics file, else estimated from the date along the halvings' block times].
    #[arg(long, value_name = "BLOCKS", help_heading = "History")]
    pub height: Option<u64>,
    /// Fill missing days (difficulty carried forward, price, fees and blocks interpolated)
    /// and say so on stderr, instead of stopping at the first gap.
    #[arg(long, help_heading = "History")]
    pub fill_gaps: bool,
    /// The fleet (with --scenario FILE: the file's fleet; its network and horizon are not used).
    #[command(flatten)]
    pub params: ParamArgs<FleetOnly>,
    /// Rows per day, week, month, difficulty epoch or year [default: month for the table, day otherwise].
    #[arg(long, value_enum, help_heading = "Output")]
    pub period: Option<PeriodArg>,
    /// Add a constant leading column NAME with VALUE to every row (repeatable).
    #[arg(long, value_name = "NAME=VALUE", value_parser = super::args::parse_tag, help_heading = "Output")]
    pub tag: Vec<(String, String)>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Draw a chart to FILE.svg: hashprice against the fleet's hashcost, the network's
    /// hashrate and difficulty, and the cumulative margin, with the halving marked.
    #[arg(long, value_name = "FILE.svg", help_heading = "Charts")]
    pub plot: Option<PathBuf>,
}

/// Runs `minecalc backtest`.
pub fn run(a: &BacktestArgs) -> Result<(), Error> {
    if let Some(p) = &a.plot {
        plot_path(p)?;
    }
    if let Some(h) = a.height {
        if h > backtest::MAX_START_HEIGHT {
            return Err(Error::input(format!(
                "--height must be at most {}, got {h}",
                backtest::MAX_START_HEIGHT
            )));
        }
    }
    for (old, new, given) in [
        ("--from", "--start", a.from.is_some()),
        ("--to", "--until", a.to.is_some()),
    ] {
        if given {
            crate::warn(&format!(
                "{old} is now {new}, as in `project`; {old} will go in a later release"
            ));
        }
    }
    let (start, until) = (a.start.or(a.from), a.until.or(a.to));
    if let (Some(f), Some(t)) = (start, until) {
        if t < f {
            return Err(Error::input(format!("--until {t} is before --start {f}")));
        }
    }
    let spec = a.params.spec()?;
    for w in spec.warnings() {
        crate::warn(&w);
    }
    let mut fleet = minecalc::inputs::scenario::fleet(&spec, machines::catalog())?;
    let Some(path) = &a.history else {
        return Err(Error::input(
            "backtest needs --history FILE (a daily CSV: date,difficulty,price_usd,fees_btc_per_block)",
        ));
    };
    let name = path.display().to_string();
    let text = super::params::read_text(path, "--history", &name)?;
    let opts = HistoryOptions {
        from: start,
        to: until,
        fill_gaps: a.fill_gaps,
    };
    let history = backtest::parse_history(&name, &text, &opts)?;
    for (first, last) in &history.filled {
        let n = (*last - *first).num_days() + 1;
        crate::warn(&format!(
            "--fill-gaps: {name} has no rows for {first}{}; filled {n} day{} (difficulty carried forward, the rest interpolated)",
            if n > 1 { format!(" to {last}") } else { String::new() },
            if n == 1 { "" } else { "s" }
        ));
    }
    // Machines age from their energization, or from the history's first day.
    if let Some(first) = history.days.first().map(|d| d.date) {
        for g in &mut fleet.groups {
            g.installed_on = g.installed_on.or(Some(first));
        }
    }
    let (x0, source) = backtest::start_height(&history, a.height);
    let format: Format = a.output.format.into();
    let period: Period = super::args::period_or_default(a.period, format);
    let mut w = RowWriter::new(format, &a.output.style(), Dest::open(a.output.path())?);
    let tags = tag_prefix(&a.tag);
    let mut agg = Aggregator::new(period);
    let mut summary = SummaryBuilder::new();
    let mut halving: Option<String> = None;
    let mut daily = Vec::new();
    backtest::for_each_day(&history, x0, source, &fleet, |net, row| {
        summary.push(net, row);
        if let Some(r) = agg.push(row, net.epoch) {
            w.write_prefixed(&tags, &r)?;
        }
        if a.plot.is_some() {
            daily.push(row.clone());
        }
        if halving.is_none() && net.halving.is_some() {
            halving = Some(format!("{} ({})", row.events, row.date));
        }
        Ok(())
    })?;
    if let Some(r) = agg.finish() {
        w.write_prefixed(&tags, &r)?;
    }
    if let (Some(path), Some(first), Some(last)) = (&a.plot, daily.first(), daily.last()) {
        let title = format!(
            "minecalc backtest: {} - {name}, {} to {}",
            fleet_title(&fleet),
            first.date,
            last.date
        );
        write_svg(path, &chart::projection_svg(&title, &daily, &fleet)?)?;
    }
    if format == Format::Table {
        let first = history.days.first().map(|d| d.date);
        let last = history.days.last().map(|d| d.date);
        let mut lines = vec![
            format!(
                "minecalc backtest: {name} ({}), {} to {} ({} days), rows by {}",
                match history.format {
                    HistoryFormat::Simple => "date,difficulty,price_usd,fees",
                    HistoryFormat::CoinMetrics => "Coin Metrics columns",
                },
                first.map_or(String::new(), |d| d.to_string()),
                last.map_or(String::new(), |d| d.to_string()),
                num(history.days.len() as f64, 0),
                format!("{period:?}").to_lowercase()
            ),
            format!(
                "heights  tip {} at the start, {}",
                num(x0.floor(), 0),
                source.describe()
            ),
            format!(
                "fleet    {} TH/s at {} J/TH{}",
                num(fleet.hashrate_ths(), 0),
                num(fleet.efficiency_j_per_th(), 1),
                if fleet.capex_usd > 0.0 {
                    format!(", capex {}", usd(fleet.capex_usd, 0))
                } else {
                    String::new()
                }
            ),
        ];
        if !history.filled.is_empty() {
            lines.push(format!(
                "filled   {} gap{} by --fill-gaps",
                history.filled.len(),
                if history.filled.len() == 1 { "" } else { "s" }
            ));
        }
        if let Some(h) = &halving {
            lines.push(format!("events   {h}"));
        }
        w.preamble(lines);
        w.postamble(postamble(&summary.finish(), &fleet));
    }
    w.finish()?.commit()
}
