//! Argument groups shared by the commands, and the parsers of their values.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use minecalc::model::projection::Period;
use minecalc::report::{BtcUnit, Digits, Format, Style};
use serde_json::Value;

/// Parses `NAME=VALUE`.
pub fn parse_tag(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err("expected NAME=VALUE".into()),
    }
}

/// Leading columns from `--tag`: text, exactly as given (`007` stays `007`).
pub fn tag_prefix(tags: &[(String, String)]) -> Vec<(String, Value)> {
    tags.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table for reading, with a header of assumptions.
    Table,
    /// CSV, full precision.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object a line.
    Ndjson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Ndjson => Format::Ndjson,
        }
    }
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// One row a day.
    Day,
    /// ISO weeks, Monday first.
    Week,
    /// Calendar months.
    Month,
    /// Difficulty epochs of 2016 blocks.
    Epoch,
    /// Calendar years.
    Year,
}

/// The period a command's rows use: the one given, else a month for the table and a day
/// for the other formats.
pub fn period_or_default(p: Option<PeriodArg>, format: Format) -> Period {
    p.map(Into::into).unwrap_or(if format == Format::Table {
        Period::Month
    } else {
        Period::Day
    })
}

impl From<PeriodArg> for Period {
    fn from(p: PeriodArg) -> Period {
        match p {
            PeriodArg::Day => Period::Day,
            PeriodArg::Week => Period::Week,
            PeriodArg::Month => Period::Month,
            PeriodArg::Epoch => Period::Epoch,
            PeriodArg::Year => Period::Year,
        }
    }
}

/// Output options.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Leave out the header row (CSV and table).
    #[arg(long)]
    pub no_header: bool,
    /// Write to FILE (atomically: a failure never leaves half a file) instead of stdout; `-` is stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Significant digits of computed numbers in CSV, JSON and NDJSON (1 to 17), or `full` for
    /// full round-trip precision. Values you give print as written.
    #[arg(long, value_name = "N|full", default_value = "12", value_parser = parse_digits)]
    pub digits: Digits,
    /// Only these columns, in this order (CSV names, comma-separated), in every format.
    #[arg(long, value_name = "COLUMN,...", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Show every column of the table, however wide (the table otherwise fits the terminal's
    /// width, or COLUMNS).
    #[arg(long)]
    pub wide: bool,
    /// BTC amounts in BTC or sats, in every format (sats columns are named for them:
    /// `sats_mined`) [default: BTC, and sats in the table where a column's figures are all under
    /// 0.01 BTC].
    #[arg(long, value_enum, value_name = "UNIT")]
    pub btc_unit: Option<BtcUnitArg>,
}

/// The unit of BTC amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BtcUnitArg {
    /// Whole bitcoin (8 decimals).
    Btc,
    /// Satoshis (1e-8 BTC).
    Sats,
}

impl OutputArgs {
    /// The file to write, `None` for stdout (no `-o`, or `-o -`).
    pub fn path(&self) -> Option<&std::path::Path> {
        self.output.as_deref().filter(|p| p.as_os_str() != "-")
    }

    /// The writer's style: header, digits, columns and the width the table fits.
    pub fn style(&self) -> Style {
        Style {
            header: !self.no_header,
            digits: self.digits,
            columns: self
                .columns
                .as_ref()
                .map(|c| c.iter().map(|s| s.trim().to_string()).collect()),
            btc_unit: match self.btc_unit {
                None => BtcUnit::Auto,
                Some(BtcUnitArg::Btc) => BtcUnit::Btc,
                Some(BtcUnitArg::Sats) => BtcUnit::Sats,
            },
            width: if self.wide || self.path().is_some() {
                None
            } else {
                terminal_width()
            },
        }
    }
}

/// The width the table fits: COLUMNS when set to a number, else the terminal's when stdout
/// is one, else none (a pipe or file gets the whole table).
pub fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

/// Parses `--digits`.
pub fn parse_digits(s: &str) -> Result<Digits, String> {
    s.parse()
}

/// Parses a finite number.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| "not a number".to_string())?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err("not a finite number".into())
    }
}

/// Parses a percent number: `50` or `50%`.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    parse_number(s.trim().strip_suffix('%').unwrap_or(s))
}

/// Parses YYYY-MM-DD.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    minecalc::params::spec::parse_date(s.trim())
        .ok_or_else(|| format!("expected {}", minecalc::params::DATE_RULE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents() {
        assert_eq!(parse_percent("50").unwrap(), 50.0);
        assert_eq!(parse_percent("50%").unwrap(), 50.0);
        assert_eq!(parse_percent("-20%").unwrap(), -20.0);
        assert!(parse_percent("NaN").is_err());
        assert!(parse_percent("inf").is_err());
    }
}

/// A subcommand's arguments, defined only when that subcommand runs (or its help, a
/// completion script or a man page needs them): a run builds one subcommand's few dozen
/// arguments instead of every subcommand's hundreds, which is most of the start-up time.
#[derive(Debug, Clone)]
pub struct Lazy<T>(pub T);

/// Set by [`eager_command`]: [`Lazy`] defines its arguments at once.
static EAGER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The whole command with every subcommand's arguments defined, as a completion script or a
/// man page reads it (and changes it: `mut_arg` needs the argument there).
pub fn eager_command() -> clap::Command {
    use clap::CommandFactory;
    EAGER.store(true, std::sync::atomic::Ordering::Relaxed);
    let cmd = super::Cli::command();
    EAGER.store(false, std::sync::atomic::Ordering::Relaxed);
    cmd
}

impl<T: clap::Args> clap::Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        if EAGER.load(std::sync::atomic::Ordering::Relaxed) {
            return keep_about::<T, false>(cmd);
        }
        cmd.defer(keep_about::<T, false>)
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        if EAGER.load(std::sync::atomic::Ordering::Relaxed) {
            return keep_about::<T, true>(cmd);
        }
        cmd.defer(keep_about::<T, true>)
    }
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }
    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }
    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
    fn update_from_arg_matches_mut(&mut self, m: &mut clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

/// `T`'s arguments added to `cmd`, which keeps the about texts the subcommand's own doc
/// comment gave it (`T`'s doc comment would replace them, as it does not when the arguments
/// come first, before the subcommand's attributes).
fn keep_about<T: clap::Args, const UPDATE: bool>(cmd: clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let mut cmd = if UPDATE {
        T::augment_args_for_update(cmd)
    } else {
        T::augment_args(cmd)
    };
    if let Some(a) = about {
        cmd = cmd.about(a);
    }
    match long_about {
        Some(l) => cmd.long_about(l),
        None => cmd.long_about(None),
    }
}

#[cfg(test)]
mod lazy_tests {
    use clap::CommandFactory;

    /// Every subcommand's help (and so its arguments, their order and texts) is the same
    /// whether its arguments are defined when it runs (a run) or up front (completions, man
    /// pages); clap's own checks pass on the whole command.
    #[test]
    fn lazy_subcommands_match_the_eager_command() {
        let eager = super::eager_command();
        eager.clone().debug_assert();
        let names: Vec<String> = eager
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        assert!(names.len() >= 12, "{names:?}");
        let help = |cmd: clap::Command, args: &[&str]| -> String {
            let mut argv = vec!["minecalc"];
            argv.extend(args);
            match cmd.try_get_matches_from(argv) {
                Ok(_) => panic!("{args:?} printed no help"),
                Err(e) => e.render().to_string(),
            }
        };
        for name in &names {
            for flag in ["--help", "-h"] {
                let lazy = help(super::super::Cli::command(), &[name, flag]);
                let whole = help(eager.clone(), &[name, flag]);
                assert_eq!(lazy, whole, "{name} {flag}");
                assert!(lazy.contains("Usage: minecalc"), "{lazy}");
            }
        }
        let lazy = help(
            super::super::Cli::command(),
            &["network", "snapshot", "--help"],
        );
        assert_eq!(
            lazy,
            help(eager.clone(), &["network", "snapshot", "--help"])
        );
    }
}
