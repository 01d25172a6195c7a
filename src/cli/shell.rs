//! Shell completions and the man pages, generated from the clap definitions.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::Args;
use clap_complete::Shell;

use minecalc::report::{unknown_column, Dest};
use minecalc::Error;

/// Arguments of `minecalc completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `minecalc man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (`project`, `network snapshot`); none for the
    /// top-level page.
    #[arg(value_name = "COMMAND", num_args = 0..)]
    pub command: Vec<String>,
    /// Write every page (minecalc.1, minecalc-project.1, …) into DIR instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// The command line as completion scripts see it: catalog machine names for `--machine`, and
/// column names for `machines --sort` and the `--columns` of `project`, `backtest`, `sweep`,
/// `machines`, `pivot` and `network`. Only the scripts get these lists; parsing takes any text (and suggests on a typo).
fn completion_command() -> clap::Command {
    use minecalc::inputs::machines::{catalog, MachineRow};
    let machines: Vec<String> = catalog().iter().map(|m| m.model.clone()).collect();
    let keys = |v: serde_json::Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let machine_columns = catalog()
        .first()
        .map(|m| keys(serde_json::to_value(MachineRow::new(m, None, None)).unwrap_or_default()))
        .unwrap_or_default();
    let project_columns = keys(
        serde_json::to_value(minecalc::model::projection::ProjectionRow::default())
            .unwrap_or_default(),
    );
    let sweep_columns = keys(
        serde_json::to_value(minecalc::analyses::sweep::SweepRow::default()).unwrap_or_default(),
    );
    let pivot_columns = keys(
        serde_json::to_value(minecalc::analyses::pivot::PivotRow::default()).unwrap_or_default(),
    );
    let mut network_columns = keys(
        serde_json::to_value(minecalc::analyses::netview::CohortRow::default()).unwrap_or_default(),
    );
    for k in keys(
        serde_json::to_value(minecalc::analyses::netview::RegionRow::default()).unwrap_or_default(),
    ) {
        if !network_columns.contains(&k) {
            network_columns.push(k);
        }
    }
    let values = |v: &[String]| {
        PossibleValuesParser::new(
            v.iter()
                .map(|s| clap::builder::PossibleValue::new(s.clone())),
        )
    };
    let mut cmd = super::args::eager_command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |mut sub| {
            if sub.get_arguments().any(|a| a.get_id() == "machine") {
                sub = sub.mut_arg("machine", |a| a.value_parser(values(&machines)));
            }
            let columns = match name.as_str() {
                "machines" => Some(&machine_columns),
                "project" | "backtest" => Some(&project_columns),
                "sweep" => Some(&sweep_columns),
                "pivot" => Some(&pivot_columns),
                "network" => Some(&network_columns),
                _ => None,
            };
            if name == "machines" {
                sub = sub.mut_arg("sort", |a| a.value_parser(values(&machine_columns)));
            }
            if let Some(c) = columns {
                sub = sub.mut_arg("columns", |a| a.value_parser(values(c)));
            }
            sub
        });
    }
    cmd
}

/// Prints a completion script.
pub fn completions(a: &CompletionsArgs) -> Result<(), Error> {
    let mut cmd = completion_command();
    // Generate into memory first: clap_complete panics on a write error (a closed pipe).
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "minecalc", &mut buf);
    let mut out = Dest::open(None)?;
    out.write_all(&buf)?;
    out.commit()
}

/// Prints a man page, or writes them all to `--dir`.
pub fn man(a: &ManArgs) -> Result<(), Error> {
    let mut cmd = super::args::eager_command();
    cmd.build();
    if let Some(dir) = &a.dir {
        if !dir.is_dir() {
            return Err(Error::input(format!(
                "--dir {}: no such folder",
                dir.display()
            )));
        }
        return write_pages(&cmd, dir);
    }
    let mut page = cmd;
    for name in &a.command {
        let found = page.find_subcommand(name).cloned();
        page = match found {
            Some(sub) => sub,
            None => {
                let names: Vec<&str> = page.get_subcommands().map(|s| s.get_name()).collect();
                let msg =
                    unknown_column("man", name, &names).replacen("no column", "no command", 1);
                return Err(Error::input(msg.replace("(columns:", "(commands:")));
            }
        };
    }
    // Render into memory first, then write (a closed pipe is a normal end).
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    let mut out = Dest::open(None)?;
    out.write_all(&buf)?;
    out.commit()
}

/// Writes the page of `cmd` and of each of its subcommands (but `help`) into `dir`, as
/// `minecalc.1`, `minecalc-project.1`, `minecalc-network-snapshot.1`, ….
fn write_pages(cmd: &clap::Command, dir: &std::path::Path) -> Result<(), Error> {
    let name = cmd
        .get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    let mut out = Dest::open(Some(&dir.join(format!("{name}.1"))))?;
    out.write_all(&buf)?;
    out.commit()?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        write_pages(sub, dir)?;
    }
    Ok(())
}
