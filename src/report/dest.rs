//! `-o FILE`: stdout; a temporary file beside the target, renamed over it at the end; or, for a
//! device or a FIFO, the target itself, written into.
//!
//! A symlink is followed: its target is the file replaced, and the link stays. Only a regular
//! file (or nothing) is ever replaced. The temporary file is removed on SIGINT, SIGTERM and
//! SIGHUP (on Unix), so an interrupted run leaves the folder as it found it.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::Error;

/// Where output goes.
pub enum Dest {
    /// Buffered, locked stdout.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A device or a FIFO, written into directly (never replaced).
    Direct {
        /// The opened target.
        file: BufWriter<File>,
        /// The target as the user named it.
        shown: PathBuf,
    },
    /// A temporary file beside the target, renamed over it by [`Dest::commit`].
    File {
        /// The temporary file.
        tmp: BufWriter<tempfile::NamedTempFile>,
        /// The file replaced at the end (a symlink's target, followed).
        path: PathBuf,
        /// The target as the user named it.
        shown: PathBuf,
        /// Keeps the temporary file on the list the signal handler removes.
        _pending: Pending,
    },
}

/// The output buffer: 16 pages, kept warm from write to write. (A 10-year daily CSV of 1.45 MB
/// took longer with 256 KiB: 64 fresh pages to fault in against 17 more writes.)
const BUFFER_BYTES: usize = 64 * 1024;

/// Symlinks followed before giving up (as the kernel's ELOOP).
const MAX_LINKS: usize = 40;

/// Follows `p` through symlinks to the path that is not one (which may not exist yet).
fn resolve(p: &Path) -> io::Result<PathBuf> {
    let mut cur = p.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&cur)?;
                cur = if to.is_absolute() {
                    to
                } else {
                    match cur.parent() {
                        Some(d) => d.join(to),
                        None => to,
                    }
                };
            }
            _ => return Ok(cur),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

impl Dest {
    /// Opens stdout, the device or FIFO at `path`, or a temporary file beside `path` (beside a
    /// symlink's target).
    pub fn open(path: Option<&Path>) -> Result<Dest, Error> {
        let Some(p) = path else {
            return Ok(Dest::Stdout(BufWriter::with_capacity(
                BUFFER_BYTES,
                io::stdout().lock(),
            )));
        };
        let fail = |e: &dyn std::fmt::Display| Error::runtime(format!("-o {}: {e}", p.display()));
        let target = resolve(p).map_err(|e| fail(&e))?;
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => return Err(fail(&"is a folder; give a file name")),
            Ok(m) if !m.is_file() => {
                // A device or a FIFO: write into it, as a shell's `>` would.
                let file = OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| fail(&e))?;
                return Ok(Dest::Direct {
                    file: BufWriter::with_capacity(BUFFER_BYTES, file),
                    shown: p.to_path_buf(),
                });
            }
            _ => {}
        }
        let dir = match target.parent() {
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
        // The handler is in place and the list locked before the file exists, so a signal
        // can never miss it (installing the handler after the file raced a quick SIGHUP).
        install_signal_cleanup();
        let mut list = pending_list();
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
        let pending = Pending::push(&mut list, tmp.path().to_path_buf());
        drop(list);
        Ok(Dest::File {
            tmp: BufWriter::with_capacity(BUFFER_BYTES, tmp),
            path: target,
            shown: p.to_path_buf(),
            _pending: pending,
        })
    }

    /// Flushes, and for a temporary file renames it over the target.
    pub fn commit(self) -> Result<(), Error> {
        match self {
            Dest::Stdout(mut w) => Ok(w.flush()?),
            Dest::Direct { mut file, shown } => file
                .flush()
                .map_err(|e| Error::runtime(format!("-o {}: {e}", shown.display()))),
            Dest::File {
                tmp,
                path,
                shown,
                _pending,
            } => {
                let fail = |e: &dyn std::fmt::Display| {
                    Error::runtime(format!("-o {}: {e}", shown.display()))
                };
                let tmp = tmp.into_inner().map_err(|e| fail(e.error()))?;
                tmp.as_file().sync_all().map_err(|e| fail(&e))?;
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
                        .map_err(|e| fail(&e))?;
                }
                // Under the lock: a signal now waits for the rename, then finds nothing to remove.
                let _list = pending_list();
                tmp.persist(&path).map_err(|e| fail(&e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(w) => w.write(buf),
            Dest::Direct { file, .. } => file.write(buf),
            Dest::File { tmp, .. } => tmp.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(w) => w.flush(),
            Dest::Direct { file, .. } => file.flush(),
            Dest::File { tmp, .. } => tmp.flush(),
        }
    }
}

/// Temporary files not yet renamed: what a terminating signal removes.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending_list() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// A temporary file's place on the pending list; dropping it takes the file off.
pub struct Pending(PathBuf);

impl Pending {
    fn push(list: &mut Vec<PathBuf>, path: PathBuf) -> Pending {
        list.push(path.clone());
        Pending(path)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut list = pending_list();
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// On the first temporary file: a thread that, on SIGINT, SIGTERM or SIGHUP, removes the
/// pending temporary files and then ends the process as the signal would have.
#[cfg(unix)]
fn install_signal_cleanup() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("minecalc-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    // Hold the list to the end: no rename can start after this.
                    let list = pending_list();
                    for p in list.iter() {
                        let _ = std::fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
    });
}

#[cfg(not(unix))]
fn install_signal_cleanup() {}
