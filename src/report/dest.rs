//! `-o FILE`: stdout, or a temporary file beside the target renamed over it at the end.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Where output goes: stdout, or a temporary file renamed over `-o FILE` at the end.
pub enum Dest {
    /// Buffered, locked stdout.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A temporary file beside the target.
    File {
        /// The temporary file.
        tmp: BufWriter<tempfile::NamedTempFile>,
        /// The target path.
        path: PathBuf,
    },
}

impl Dest {
    /// Opens stdout or a temporary file beside `path`.
    pub fn open(path: Option<&Path>) -> Result<Dest, Error> {
        match path {
            None => Ok(Dest::Stdout(BufWriter::with_capacity(
                64 * 1024,
                io::stdout().lock(),
            ))),
            Some(p) => {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                if !dir.is_dir() {
                    return Err(Error::runtime(format!(
                        "-o {}: the folder {} does not exist",
                        p.display(),
                        dir.display()
                    )));
                }
                let tmp = tempfile::Builder::new()
                    .prefix(".minecalc-")
                    .tempfile_in(&dir)
                    .map_err(|e| {
                        Error::runtime(format!(
                            "-o {}: cannot write in {}: {}",
                            p.display(),
                            dir.display(),
                            e.kind()
                        ))
                    })?;
                Ok(Dest::File {
                    tmp: BufWriter::new(tmp),
                    path: p.to_path_buf(),
                })
            }
        }
    }

    /// Flushes, and for a file renames it over the target.
    pub fn commit(self) -> Result<(), Error> {
        match self {
            Dest::Stdout(mut w) => Ok(w.flush()?),
            Dest::File { tmp, path } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| Error::runtime(format!("-o {}: {}", path.display(), e.error())))?;
                tmp.as_file()
                    .sync_all()
                    .map_err(|e| Error::runtime(format!("-o {}: {e}", path.display())))?;
                // The temporary file is private (0600); give the result the mode a new file
                // would have (0644), or keep the mode of the file it replaces.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = std::fs::metadata(&path)
                        .map(|m| m.permissions().mode() & 0o7777)
                        .unwrap_or(0o644);
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(mode))
                        .map_err(|e| Error::runtime(format!("-o {}: {e}", path.display())))?;
                }
                tmp.persist(&path)
                    .map_err(|e| Error::runtime(format!("-o {}: {}", path.display(), e.error)))?;
                Ok(())
            }
        }
    }
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(w) => w.write(buf),
            Dest::File { tmp, .. } => tmp.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(w) => w.flush(),
            Dest::File { tmp, .. } => tmp.flush(),
        }
    }
}
