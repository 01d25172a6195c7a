//! The crate's error type and its exit codes.

use std::io;

/// Where a parameter's value came from, for messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A command-line flag.
    Flag,
    /// A scenario file, at a line and column (1-based).
    File {
        /// The file's name as given.
        file: String,
        /// Line.
        line: usize,
        /// Column.
        col: usize,
    },
    /// A `--vary` (or `--for`) value.
    Vary,
    /// A value that reached the model (from anywhere; the model does not know).
    Model,
}

impl Origin {
    /// The parameter as a message names it from here: `--uptime`, `s.toml:3:10: uptime`,
    /// `--uptime` for a varied value too (the sweep names the combination), or `uptime`.
    pub fn describe_key(&self, name: &str, key: &str) -> String {
        match self {
            Origin::Flag | Origin::Vary => format!("--{name}"),
            Origin::File { file, line, col } => format!("{file}:{line}:{col}: {key}"),
            Origin::Model => name.to_string(),
        }
    }
}

/// Everything that can go wrong, split by who can fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter's value breaks its rule. Exit status 2.
    #[error("{} {rule}, got {value}", origin.describe_key(name, key))]
    Param {
        /// The parameter's name (its flag without dashes).
        name: &'static str,
        /// Its key in a scenario file.
        key: &'static str,
        /// Where the value came from.
        origin: Origin,
        /// The value as given (or as the model holds it, in the parameter's unit).
        value: String,
        /// The rule it breaks (`must be between 0 and 100`).
        rule: String,
    },
    /// A file's content cannot be read as what it should be. Exit status 2.
    #[error("{file}:{line}:{col}: {message}")]
    Parse {
        /// The file's name as given.
        file: String,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// Bad usage or bad input: a flag, a value, a file's content. Exit status 2.
    #[error("{0}")]
    Input(String),
    /// A runtime failure: a file that cannot be read or written, a network error. Exit status 1.
    #[error("{0}")]
    Runtime(String),
    /// An I/O error while writing output (a closed pipe is a normal end).
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl Error {
    /// A bad-input error.
    pub fn input(msg: impl Into<String>) -> Error {
        Error::Input(msg.into())
    }

    /// A runtime error.
    pub fn runtime(msg: impl Into<String>) -> Error {
        Error::Runtime(msg.into())
    }

    /// True when the error is a closed pipe on output: a normal end, not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Param { .. } | Error::Parse { .. } => 2,
            Error::Runtime(_) | Error::Io(_) => 1,
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Runtime(format!("csv: {other:?}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        if e.is_io() {
            Error::Io(e.into())
        } else {
            Error::Runtime(format!("json: {e}"))
        }
    }
}

/// A number as an error message shows it: plain, or in exponent form when it is huge or tiny.
pub fn show(v: f64) -> String {
    let a = v.abs();
    if a.is_finite() && a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A CSV reading error as a message after the file's name: `line N: …`.
pub fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: {len} columns, expected {expected_len} like the header",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "line {}: not UTF-8 text",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => e.to_string(),
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `s` as a message may echo it: control characters escaped (`\u{1b}`), and cut to about `max`
/// characters, saying how long it was.
pub fn clip(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (shown, c) in s.chars().enumerate() {
        if shown >= max {
            let n = s.chars().count();
            out.push_str(&format!("… (cut; {n} characters in all)"));
            return out;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod clip_tests {
    use super::clip;

    #[test]
    fn clip_escapes_and_cuts() {
        assert_eq!(clip("a\u{1b}[31mb\n", 80), "a\\u{1b}[31mb\\n");
        assert_eq!(clip("abcdef", 3), "abc… (cut; 6 characters in all)");
        assert_eq!(clip("abc", 3), "abc");
    }
}
