//! Monte Carlo runs split across machines: shard K of N runs a slice of the paths (each path
//! keeps its own stream, so the slice is the same paths the whole run has) and writes them to
//! a partial file; the merge reads every shard's file back into one [`PathSet`], from which
//! [`finish`](super::montecarlo::finish) computes what the whole run would have.
//!
//! A partial file is text, one line each (`\n`-terminated, UTF-8):
//!
//! ```text
//! #minecalc-mc-partial format=1 fingerprint=<16 hex digits> paths=<N> shard=<K/S> first=<A> end=<B> periods=<P>
//! path,net_usd,payback_day,btc_price_usd_1,hashprice_usd_per_ph_day_1,margin_usd_1,cumulative_margin_usd_1,cumulative_net_usd_1,btc_price_usd_2,…
//! <A>,<net>,<payback day or empty>,<values of period 1>,<values of period 2>,…
//! …one line per path, A to B-1 in order…
//! #end paths=<B - A> fnv=<16 hex digits>
//! ```
//!
//! The end line's `fnv` is the FNV-1a hash of the path lines (with their newlines), so a
//! damaged or edited value is caught. Values are written in their shortest round-trip decimal form (with an exponent below 1e-5
//! and from 1e16), so they read back to the bit.
//! The fingerprint is a stable hash (64-bit FNV-1a) of everything that defines the run — the
//! scenario, the network model, the paths, volatilities, seed, period and bands, the minecalc
//! version and the format version — and not of the shard: shards of one run share it, and a
//! merge refuses files whose fingerprint is not the one its own flags give.

use std::fmt::Write as _;
use std::io::{self, BufRead, Read, Write};

use super::montecarlo::{Central, MonteCarlo, PathEnd, PathSet, METRIC_NAMES};
use super::sweep::Shard;
use crate::error::Error;
use crate::model::network_model::NetworkModel;
use crate::model::projection::Scenario;

/// The partial file format's version.
pub const FORMAT_VERSION: u32 = 1;

/// The first word of a partial file.
const MAGIC: &str = "#minecalc-mc-partial";

/// 64-bit FNV-1a.
struct Fnv(u64);

/// FNV-1a's offset basis.
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

/// The run's fingerprint: a stable hash of the scenario, the network model and the Monte Carlo
/// settings (paths, volatilities, seed, period, bands), with the minecalc and format versions.
pub fn fingerprint(s: &Scenario, model: &NetworkModel, mc: &MonteCarlo) -> u64 {
    let mut h = Fnv(FNV_START);
    // Debug text names every field and writes floats in round-trip form: any change shows.
    let _ = write!(
        h,
        "minecalc {} partial {FORMAT_VERSION}\n{s:?}\n{model:?}\n{mc:?}",
        env!("CARGO_PKG_VERSION")
    );
    h.0
}

/// The column line of a partial file with `periods` periods.
fn columns(periods: usize) -> String {
    let mut line = String::from("path,net_usd,payback_day");
    for k in 1..=periods {
        for m in METRIC_NAMES {
            let _ = write!(line, ",{m}_{k}");
        }
    }
    line
}

/// Writes shard `shard`'s paths (`set`, run with `mc` around `c`) as a partial file.
pub fn write_partial<W: Write>(
    w: &mut W,
    fingerprint: u64,
    mc: &MonteCarlo,
    shard: Shard,
    c: &Central,
    set: &PathSet,
) -> io::Result<()> {
    let periods = set.per_path / METRIC_NAMES.len();
    writeln!(
        w,
        "{MAGIC} format={FORMAT_VERSION} fingerprint={fingerprint:016x} paths={} shard={}/{} first={} end={} periods={periods}",
        mc.paths,
        shard.k,
        shard.n,
        set.first,
        set.first + set.ends.len(),
    )?;
    debug_assert_eq!(set.per_path, c.values_per_path());
    writeln!(w, "{}", columns(periods))?;
    let mut line = String::new();
    let mut check = Fnv(FNV_START);
    for (i, end) in set.ends.iter().enumerate() {
        line.clear();
        let _ = write!(line, "{},", set.first + i);
        number(&mut line, end.net_usd);
        line.push(',');
        if let Some(d) = end.payback_day {
            let _ = write!(line, "{d}");
        }
        for v in set.values(i) {
            line.push(',');
            number(&mut line, *v);
        }
        line.push('\n');
        let _ = check.write_str(&line);
        w.write_all(line.as_bytes())?;
    }
    writeln!(w, "#end paths={} fnv={:016x}", set.ends.len(), check.0)
}

/// Appends `v` in its shortest round-trip form: plain decimals, or an exponent far from 1
/// (so no value takes more than about 24 bytes).
fn number(line: &mut String, v: f64) {
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        let _ = write!(line, "{v}");
    } else {
        let _ = write!(line, "{v:e}");
    }
}

/// A partial file's first line.
#[derive(Debug, Clone, PartialEq)]
struct Header {
    fingerprint: u64,
    paths: usize,
    shard: Shard,
    first: usize,
    end: usize,
    periods: usize,
}

/// A partial file to merge: its name (for messages) and a way to open it.
pub struct Part<'a> {
    /// The file's name as given.
    pub name: String,
    /// Opens it from the start (called twice: once for the header, once for the paths).
    pub open: Box<dyn Fn() -> Result<Box<dyn BufRead>, Error> + 'a>,
}

/// Reads one `\n`-terminated line of at most `max` bytes into `buf` (without the newline);
/// `Ok(false)` at the end of the file.
fn line_of(r: &mut dyn BufRead, buf: &mut String, max: usize, at: &str) -> Result<bool, Error> {
    buf.clear();
    let n = r
        .take(max as u64 + 1)
        .read_line(buf)
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => Error::input(format!("{at}: not UTF-8 text")),
            _ => Error::runtime(format!("{at}: {e}")),
        })?;
    if n == 0 {
        return Ok(false);
    }
    if !buf.ends_with('\n') {
        return Err(Error::input(if n > max {
            format!("{at}: line longer than a partial file's ({max} bytes)")
        } else {
            format!("{at}: the last line has no newline (the file is cut short)")
        }));
    }
    buf.pop();
    Ok(true)
}

/// Reads and checks a partial file's header: its first line, and its column line.
fn header(part: &Part, want: u64, mc: &MonteCarlo, per_path: usize) -> Result<Header, Error> {
    let name = &part.name;
    let mut r = (part.open)()?;
    let mut buf = String::new();
    let at1 = format!("--merge {name}:1");
    if !line_of(&mut *r, &mut buf, 1024, &at1)? {
        return Err(Error::input(format!("--merge {name}: empty file")));
    }
    let not_partial = || {
        Error::input(format!(
            "{at1}: not a Monte Carlo partial file (`project --paths N --shard K/N` writes them)"
        ))
    };
    let mut words = buf.split(' ');
    if words.next() != Some(MAGIC) {
        return Err(not_partial());
    }
    let mut get = |key: &str| -> Result<&str, Error> {
        words
            .next()
            .and_then(|w| w.strip_prefix(key))
            .and_then(|w| w.strip_prefix('='))
            .ok_or_else(|| Error::input(format!("{at1}: the header has no {key}= where it should")))
    };
    let format = get("format")?;
    if format != FORMAT_VERSION.to_string() {
        return Err(Error::input(format!(
            "{at1}: partial file format {format}; this minecalc reads format {FORMAT_VERSION}"
        )));
    }
    let bad = |key: &str, v: &str| Error::input(format!("{at1}: {key}={v} is not valid"));
    let fp = get("fingerprint")?;
    let fingerprint = u64::from_str_radix(fp, 16).map_err(|_| bad("fingerprint", fp))?;
    let count = |key: &str, v: &str| v.parse::<usize>().map_err(|_| bad(key, v));
    let v = get("paths")?;
    let paths = count("paths", v)?;
    let v = get("shard")?;
    let shard = Shard::parse(v).map_err(|_| bad("shard", v))?;
    let v = get("first")?;
    let first = count("first", v)?;
    let v = get("end")?;
    let end = count("end", v)?;
    let v = get("periods")?;
    let periods = count("periods", v)?;
    if words.next().is_some() {
        return Err(not_partial());
    }
    if fingerprint != want {
        return Err(Error::input(format!(
            "--merge {name}: from another run (fingerprint {fingerprint:016x}; these flags give {want:016x}): merge with the flags, version and snapshot the shards ran with"
        )));
    }
    // The fingerprint covers the paths and the periods; a header that disagrees was edited.
    if paths != mc.paths
        || shard.range(paths) != (first, end)
        || periods.checked_mul(METRIC_NAMES.len()) != Some(per_path)
    {
        return Err(Error::input(format!(
            "{at1}: the header's paths, shard and periods do not agree with each other or with this run"
        )));
    }
    let at2 = format!("--merge {name}:2");
    if !line_of(&mut *r, &mut buf, 1024 + periods * 200, &at2)? || buf != columns(periods) {
        return Err(Error::input(format!(
            "{at2}: expected the column line `path,net_usd,payback_day,…` for {periods} periods"
        )));
    }
    Ok(Header {
        fingerprint,
        paths,
        shard,
        first,
        end,
        periods,
    })
}

/// Paths `a..b` for messages, numbered as the files number them (from 0), inclusive.
fn span(a: usize, b: usize) -> String {
    if b == a + 1 {
        format!("path {a}")
    } else {
        format!("paths {a} to {}", b - 1)
    }
}

/// Reads the partial files of a run into one [`PathSet`] of all its paths, checking that every
/// file comes from the run with fingerprint `want` (`mc` around `c`) and that together they hold
/// every path exactly once. Memory: the one [`PathSet`], as the whole run's.
pub fn merge(parts: &[Part], want: u64, mc: &MonteCarlo, c: &Central) -> Result<PathSet, Error> {
    let per_path = c.values_per_path();
    let days = c.days();
    let mut heads: Vec<(Header, &Part)> = Vec::with_capacity(parts.len());
    for part in parts {
        heads.push((header(part, want, mc, per_path)?, part));
    }
    // Every shard once: the same K/N twice is a duplicate even when it holds no paths.
    heads.sort_by_key(|(h, _)| (h.first, h.end, h.shard.n, h.shard.k));
    for (i, (h, part)) in heads.iter().enumerate() {
        if let Some((_, other)) = heads[..i].iter().find(|(o, _)| o.shard == h.shard) {
            return Err(Error::input(if other.name == part.name {
                format!(
                    "--merge {}: given twice (shard {}/{})",
                    part.name, h.shard.k, h.shard.n
                )
            } else {
                format!(
                    "--merge {}: shard {}/{} again (also in {})",
                    part.name, h.shard.k, h.shard.n, other.name
                )
            }));
        }
    }
    // When every file splits the run the same way, each of the N shards must be there.
    if let Some((h0, _)) = heads.first() {
        let n = h0.shard.n;
        if heads.iter().all(|(h, _)| h.shard.n == n) {
            if let Some(k) = (1..=n).find(|k| !heads.iter().any(|(h, _)| h.shard.k == *k)) {
                let (a, b) = Shard { k, n }.range(mc.paths);
                return Err(Error::input(format!(
                    "--merge: shard {k}/{n} ({}) is in none of the files",
                    if a == b {
                        "no paths".to_string()
                    } else {
                        span(a, b)
                    }
                )));
            }
        }
    }
    // The files' paths tile 0..paths: no gap, no overlap.
    let mut next = 0usize;
    let mut last: Option<&str> = None;
    for (h, part) in &heads {
        if h.first == h.end {
            continue; // a shard without paths (more shards than paths) overlaps nothing
        }
        if h.first < next {
            return Err(Error::input(format!(
                "--merge {}: {} overlap {}'s",
                part.name,
                span(h.first, next.min(h.end)),
                last.unwrap_or("another file")
            )));
        }
        if h.first > next {
            return Err(Error::input(format!(
                "--merge: {} of {} are in none of the files (a shard is missing)",
                span(next, h.first),
                mc.paths
            )));
        }
        next = h.end;
        last = Some(&part.name);
    }
    if next < mc.paths {
        return Err(Error::input(format!(
            "--merge: {} of {} are in none of the files (a shard is missing)",
            span(next, mc.paths),
            mc.paths
        )));
    }
    let mut set = PathSet::zeroed(0, mc.paths, per_path);
    let mut buf = String::new();
    let max = 64 + (per_path + 3) * 32;
    for (h, part) in &heads {
        let mut r = (part.open)()?;
        let name = &part.name;
        // Skip the two header lines (checked above).
        for l in 1..=2 {
            line_of(
                &mut *r,
                &mut buf,
                1024 + h.periods * 200,
                &format!("--merge {name}:{l}"),
            )?;
        }
        let mut line_no = 2;
        let mut check = Fnv(FNV_START);
        for p in h.first..h.end {
            line_no += 1;
            let at = format!("--merge {name}:{line_no}");
            if !line_of(&mut *r, &mut buf, max, &at)? || buf.starts_with('#') {
                return Err(Error::input(format!(
                    "{at}: the file ends after {} of its {} paths (cut short?)",
                    p - h.first,
                    h.end - h.first
                )));
            }
            let _ = check.write_str(&buf);
            let _ = check.write_str("\n");
            let slot = &mut set.samples[p * per_path..(p + 1) * per_path];
            set.ends[p] =
                path_line(&buf, p, days, slot).map_err(|e| Error::input(format!("{at}: {e}")))?;
        }
        line_no += 1;
        let at = format!("--merge {name}:{line_no}");
        let n = h.end - h.first;
        if !line_of(&mut *r, &mut buf, max, &at)? {
            return Err(Error::input(format!(
                "{at}: the file ends without its `#end paths={n} fnv=…` line (cut short?)"
            )));
        }
        let Some(fnv) = buf
            .strip_prefix(&format!("#end paths={n} fnv="))
            .and_then(|x| u64::from_str_radix(x, 16).ok())
        else {
            return Err(Error::input(format!(
                "{at}: expected `#end paths={n} fnv=…` after the shard's {n} paths"
            )));
        };
        if fnv != check.0 {
            return Err(Error::input(format!(
                "--merge {name}: its paths do not match the checksum on its last line (the file was changed or damaged)"
            )));
        }
        let mut rest = [0u8; 1];
        if r.read(&mut rest)
            .map_err(|e| Error::runtime(format!("{at}: {e}")))?
            > 0
        {
            return Err(Error::input(format!(
                "--merge {name}:{}: more after the `#end` line",
                line_no + 1
            )));
        }
    }
    Ok(set)
}

/// Parses one path's line (path `p` of a run of `days` days) into its values; returns its end.
fn path_line(line: &str, p: usize, days: usize, slot: &mut [f64]) -> Result<PathEnd, String> {
    let mut fields = line.split(',');
    let want = slot.len() + 3;
    let mut field = |i: usize| {
        fields.next().ok_or_else(|| {
            format!("{i} fields where a path has {want} (cut short or not a partial file?)")
        })
    };
    let index = field(0)?;
    if index != p.to_string() {
        return Err(format!(
            "expected path {p}, got \"{}\"",
            crate::error::clip(index, 40)
        ));
    }
    let number = |col: usize, v: &str| -> Result<f64, String> {
        match v.parse::<f64>() {
            // Far beyond any run's figures; sums of 10 million paths of them stay finite.
            Ok(x) if x.abs() <= 1e250 => Ok(x),
            _ => Err(format!(
                "column {col}: \"{}\" is not a number a run gives",
                crate::error::clip(v, 40)
            )),
        }
    };
    let net_usd = number(2, field(1)?)?;
    let pb = field(2)?;
    let payback_day = if pb.is_empty() {
        None
    } else {
        match pb.parse::<u32>() {
            Ok(d) if (d as usize) < days => Some(d),
            _ => {
                return Err(format!(
                    "column 3: \"{}\" is not a day of the run (0 to {})",
                    crate::error::clip(pb, 40),
                    days.saturating_sub(1)
                ))
            }
        }
    };
    for (j, v) in slot.iter_mut().enumerate() {
        *v = number(j + 4, field(j + 3)?)?;
    }
    if fields.next().is_some() {
        return Err(format!("more than the {want} fields a path has"));
    }
    Ok(PathEnd {
        net_usd,
        payback_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        // FNV-1a 64 test vectors (the function's authors' tables): "" and "a".
        let h = |s: &str| {
            let mut f = Fnv(FNV_START);
            let _ = f.write_str(s);
            f.0
        };
        assert_eq!(h(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(h("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_path_line_reads_back_to_the_bit() {
        let vals: [f64; 5] = [0.1 + 0.2, -0.0, 1e-300, 123_456_789.123_456_78, 5e20];
        let mut line = String::from("7,");
        number(&mut line, -1.0 / 3.0);
        line.push_str(",12");
        for v in vals {
            line.push(',');
            number(&mut line, v);
        }
        assert!(line.len() < 100, "{line}");
        let mut slot = [0.0; 5];
        let end = path_line(&line, 7, 100, &mut slot).unwrap();
        assert_eq!(end.net_usd.to_bits(), (-1.0f64 / 3.0).to_bits());
        assert_eq!(end.payback_day, Some(12));
        for (a, b) in slot.iter().zip(vals) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        assert!(path_line(&line, 8, 100, &mut slot)
            .unwrap_err()
            .contains("expected path 8"));
        assert!(path_line(&line, 7, 12, &mut slot)
            .unwrap_err()
            .contains("column 3"));
        let short = "7,1,,2,3";
        assert!(path_line(short, 7, 100, &mut slot)
            .unwrap_err()
            .contains("fields"));
        let nan = "7,NaN,,1,2,3,4,5";
        assert!(path_line(nan, 7, 100, &mut slot)
            .unwrap_err()
            .contains("column 2"));
    }
}
