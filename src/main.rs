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

/// Clap's message on one line: its first line plus what it lists under it (missing
/// arguments, possible values, a tip), without the usage block.
fn one_line(msg: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for line in msg.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        parts.push(line.trim_start_matches("error: "));
    }
    if parts.is_empty() {
        return "bad usage (see --help)".to_string();
    }
    let text = parts.join(" ");
    if text.contains("[possible values") || text.contains("tip:") {
        text
    } else {
        format!("{text} (see --help)")
    }
}
