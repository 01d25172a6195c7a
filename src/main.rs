//! The `minecalc` binary: parse the arguments, run the command, map errors to exit codes.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

/// True once `-q/--quiet` asked for no warnings.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Prints one `minecalc: warning: …` line on stderr (none with `--quiet`).
pub fn warn(msg: &str) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        let msg = minecalc::error::clip(msg, MAX_MESSAGE);
        say(&format!("minecalc: warning: {msg}\n"));
    }
}

/// The longest message line (in characters) before it is cut: long values inside are cut to
/// about 80 where they are echoed; this is the last guard, and it escapes control characters.
const MAX_MESSAGE: usize = 600;

/// Writes one whole line to stderr in one write, so the lines of processes sharing a stderr
/// (`xargs -P`) never interleave.
fn say(line: &str) {
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                // Help and version go to stdout; a closed pipe is fine, a failed write is not.
                return match e.print().and_then(|()| std::io::stdout().flush()) {
                    Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => {
                        let _ = writeln!(
                            std::io::stderr().lock(),
                            "minecalc: cannot write the help text: {w}"
                        );
                        ExitCode::FAILURE
                    }
                    _ => ExitCode::SUCCESS,
                };
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                return ExitCode::from(2);
            }
            _ => {
                let msg = unused_flag(&e).unwrap_or_else(|| one_line(&e.to_string()));
                let msg = minecalc::error::clip(&msg, MAX_MESSAGE);
                say(&format!("minecalc: {msg}\n"));
                return ExitCode::from(2);
            }
        },
    };
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let msg = minecalc::error::clip(&message(&e), MAX_MESSAGE);
            say(&format!("minecalc: {msg}\n"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// For a parameter flag given to a command that does not use it: which commands take it.
fn unused_flag(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let takers = cli::params::commands_taking(arg);
    if takers.is_empty() {
        return None;
    }
    let text = e.to_string();
    // "Usage: minecalc backtest [OPTIONS]" (the program as it was called, then the command).
    let command = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .and_then(|u| u.split_whitespace().nth(1))
        .filter(|c| !c.starts_with(['[', '<']))
        .unwrap_or("this command");
    let flag = arg.split('=').next().unwrap_or(arg);
    Some(format!(
        "`minecalc {command}` does not use {flag}; it is a parameter of {} (`minecalc params` lists every parameter and its commands)",
        takers.join(", ")
    ))
}

/// An error as the command line words it: a value the model rejects names its flag.
fn message(e: &minecalc::Error) -> String {
    match e {
        minecalc::Error::Param {
            name,
            origin: minecalc::error::Origin::Model,
            value,
            rule,
            ..
        } => format!("--{name} {rule}, got {value}"),
        other => other.to_string(),
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
