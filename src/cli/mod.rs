//! Command-line interface: clap types and one module per subcommand. Commands turn arguments
//! into model requests and hand the model's rows to the output writers; they do no arithmetic.

pub mod args;
pub mod backtest;
pub mod breakeven;
pub mod dictionary;
pub mod halvings;
pub mod hashprice;
pub mod http;
pub mod machines;
pub mod netview;
pub mod network;
pub mod params;
pub mod pivot;
pub mod progress;
pub mod project;
pub mod risk;
pub mod shell;
pub mod sweep;

use clap::{Parser, Subcommand};

use args::Lazy;

use minecalc::Error;

/// Bitcoin miner economics, day by day across halvings.
///
/// Exact where consensus is exact (subsidy in satoshis, the retarget rule), explicit where it
/// assumes (growth paths, fees, price). Runs offline on an embedded, dated network snapshot.
#[derive(Debug, Parser)]
#[command(
    name = "minecalc",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// No warnings on stderr (values that look like slips, a stale snapshot); errors still print.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Project a fleet's BTC, revenue, power cost and margin day by day across halvings.
    #[command(allow_negative_numbers = true)]
    Project(Lazy<project::ProjectArgs>),
    /// Run a fleet over a real daily history (difficulty, price, fees): what it earned.
    #[command(allow_negative_numbers = true)]
    Backtest(Lazy<backtest::BacktestArgs>),
    /// Every subsidy era: height, subsidy, issuance, supply, and the (estimated) date.
    #[command(allow_negative_numbers = true)]
    Halvings(Lazy<halvings::HalvingsArgs>),
    /// Hashvalue, hashprice, hashcost and breakevens for one network state.
    #[command(allow_negative_numbers = true)]
    Hashprice(Lazy<hashprice::HashpriceArgs>),
    /// Summaries of a scenario over every combination of varied parameters (runs on all cores).
    #[command(allow_negative_numbers = true)]
    Sweep(Lazy<sweep::SweepArgs>),
    /// The value of one parameter at which the fleet's margin is zero.
    #[command(allow_negative_numbers = true)]
    Breakeven(Lazy<breakeven::BreakevenArgs>),
    /// The ASIC catalog, with each model's revenue, power cost, margin and breakeven today.
    #[command(allow_negative_numbers = true)]
    Machines(Lazy<machines::MachinesArgs>),
    /// Keep mining or convert the site to AI/HPC: both paths' cash flows, NPVs and breakevens.
    #[command(allow_negative_numbers = true)]
    Pivot(Lazy<pivot::PivotArgs>),
    /// The network's power, energy, machine cohorts and regions, and what a region's removal
    /// does (`--remove US=10GW`); `network snapshot` fetches the state from a mempool.space API.
    Network(Lazy<network::NetworkCmd>),
    /// The parameters: every flag with its scenario-file key, output column, unit, default and
    /// valid range (`minecalc params NAME` for one in full).
    Params(Lazy<dictionary::ParamsArgs>),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(Lazy<shell::CompletionsArgs>),
    /// Print a man page (roff) to stdout: the top-level page, or a subcommand's with every
    /// option (`minecalc man project | man -l -`); `--dir DIR` writes them all.
    Man(Lazy<shell::ManArgs>),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Project(Lazy(a)) => project::run(&a),
        Command::Backtest(Lazy(a)) => backtest::run(&a),
        Command::Halvings(Lazy(a)) => halvings::run(&a),
        Command::Hashprice(Lazy(a)) => hashprice::run(&a),
        Command::Network(Lazy(a)) => network::run(&a),
        Command::Pivot(Lazy(a)) => pivot::run(&a),
        Command::Machines(Lazy(a)) => machines::run(&a),
        Command::Sweep(Lazy(a)) => sweep::run(&a),
        Command::Breakeven(Lazy(a)) => breakeven::run(&a),
        Command::Params(Lazy(a)) => dictionary::run(&a),
        Command::Completions(Lazy(a)) => shell::completions(&a),
        Command::Man(Lazy(a)) => shell::man(&a),
    }
}
