//! The `minecalc` binary: parse the arguments, run the command, map errors to exit codes.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

/// Prints one `minecalc: warning: …` line on stderr.
pub fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "minecalc: warning: {msg}");
}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                // Help and version go to stdout; a closed pipe is fine.
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                return ExitCode::from(2);
            }
            _ => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "minecalc: {}",
                    one_line(&e.to_string())
                );
                return ExitCode::from(2);
            }
        },
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "minecalc: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Clap's message on one line: its first line plus any `[possible values: …]` or tip.
fn one_line(msg: &str) -> String {
    let mut lines = msg.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("bad usage")
        .trim_start_matches("error: ")
        .to_string();
    let extra: Vec<&str> = lines
        .filter(|l| l.starts_with("[possible values") || l.starts_with("tip:"))
        .collect();
    if extra.is_empty() {
        format!("{first} (see --help)")
    } else {
        format!("{first} {}", extra.join(" "))
    }
}
