//! Shell completions and the man page, generated from the clap definitions.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use minecalc::report::Dest;
use minecalc::Error;

/// Arguments of `minecalc completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints a completion script.
pub fn completions(a: &CompletionsArgs) -> Result<(), Error> {
    let mut cmd = super::Cli::command();
    // Generate into memory first: clap_complete panics on a write error (a closed pipe).
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "minecalc", &mut buf);
    let mut out = Dest::open(None)?;
    out.write_all(&buf)?;
    out.commit()
}

/// Prints the man page.
pub fn man() -> Result<(), Error> {
    let cmd = super::Cli::command();
    let mut out = Dest::open(None)?;
    clap_mangen::Man::new(cmd).render(&mut out)?;
    out.flush()?;
    out.commit()
}
