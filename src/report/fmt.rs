//! Number formatters for people: the human table, table headers, chart labels and messages.
//! Pure text, no features: the one set every writer and command uses.

/// A number with thousands separators and `decimals` places: `1,234.57`.
pub fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let neg = v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = if neg { format!("-{grouped}") } else { grouped };
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// USD with a sign before the dollar: `-$1,234`.
pub fn usd(v: f64, decimals: usize) -> String {
    let n = num(v, decimals);
    match n.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${n}"),
    }
}

/// USD in whole dollars, or in cents where whole dollars would read $0 (a small fleet's
/// margin is `$0.37` or `-$0.12`, not `$0`).
pub fn usd_whole(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.5 {
        usd(v, 2)
    } else {
        usd(v, 0)
    }
}

/// Difficulty in T (1e12).
pub fn tera(v: f64) -> String {
    format!("{} T", num(v / 1e12, 2))
}

/// USD in millions with `decimals` places: `$12.3M`.
pub fn musd(v: f64, decimals: usize) -> String {
    format!("{}M", usd(v / 1e6, decimals))
}

/// USD with cents for small amounts (under $100), whole dollars above.
pub fn usd_small(v: f64) -> String {
    usd(v, if v.abs() < 100.0 { 2 } else { 0 })
}

/// A fraction as a percent rounded to a tenth, no trailing zeros: 0.125 is `12.5%`, 0.05 `5%`.
pub fn pct(fraction: f64) -> String {
    format!("{}%", (fraction * 1000.0).round() / 10.0)
}

/// As [`pct`] with the sign always shown: `+5%`, `-12.5%`.
pub fn signed_pct(fraction: f64) -> String {
    format!("{:+}%", (fraction * 1000.0).round() / 10.0)
}

/// A power draw given in kW as W, kW or MW: `850 W`, `3.2 kW`, `12.50 MW`.
pub fn power(kw: f64) -> String {
    if kw < 1.0 {
        format!("{} W", num(kw * 1000.0, 0))
    } else if kw < 1000.0 {
        format!("{} kW", num(kw, 1))
    } else {
        format!("{} MW", num(kw / 1000.0, 2))
    }
}

/// Thousands and up, compactly: 12k, 3.4M, 1.2B (from 10,000; `None` below).
fn large(v: f64) -> Option<String> {
    let a = v.abs();
    if a >= 1e9 {
        Some(format!("{:.1}B", v / 1e9))
    } else if a >= 1e6 {
        Some(format!("{:.1}M", v / 1e6))
    } else if a >= 1e4 {
        Some(format!("{:.0}k", v / 1e3))
    } else {
        None
    }
}

/// A compact number for chart axes: 1234, 12k, 1.2M; one decimal from 1, two under 1.
pub fn short(v: f64) -> String {
    if let Some(s) = large(v) {
        return s;
    }
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else if a < 1e-9 {
        "0".to_string()
    } else {
        format!("{v:.2}")
    }
}

/// A compact number for labels that must not lose a given value's digits: as [`short`] from
/// 10k up, whole numbers as they are, others to four decimals without trailing zeros (0.05).
pub fn short_trimmed(v: f64) -> String {
    if let Some(s) = large(v) {
        return s;
    }
    if v.abs() >= 100.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `x` rounded to `digits` significant digits (1 to 17): the nearest `f64` to the decimal
/// with that many digits, so it prints without binary noise (0.060000000000000005 is 0.06).
pub fn round_sig(x: f64, digits: u8) -> f64 {
    if let Some((m, k)) = round_sig_decimal(x, digits) {
        return compose(m, k);
    }
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let d = usize::from(digits.clamp(1, 17)) - 1;
    format!("{x:.d$e}").parse().unwrap_or(x)
}

/// The `f64` nearest to `m` × 10^-`k` (`|k|` <= 22): one correctly rounded division or product
/// of two exact numbers.
fn compose(m: f64, k: i32) -> f64 {
    let p = POW10[k.unsigned_abs() as usize];
    if k >= 0 {
        m / p
    } else {
        m * p
    }
}

/// `x` rounded to `digits` significant digits as a decimal `m` × 10^-`k`, where `m` is a whole
/// number of exactly `digits` digits (its sign `x`'s): the fast path of [`round_sig`], for up
/// to 13 digits and `|k|` <= 22; `None` elsewhere (zero, non-finite, more digits, far
/// exponents), where [`round_sig`] rounds through a decimal string.
pub fn round_sig_decimal(x: f64, digits: u8) -> Option<(f64, i32)> {
    if !x.is_finite() || x == 0.0 {
        return None;
    }
    let d = i32::from(digits.clamp(1, 17));
    if d > 13 {
        return None;
    }
    // m = x scaled to d digits and rounded, then m / 10^k (or m * 10^k). Both m and 10^k
    // (k <= 22) are exact, so the one division or product is correctly rounded: the nearest
    // f64 to the decimal m * 10^-k, as the slow path's parse gives.
    let mut e = floor_log10_at_most(x.abs());
    for _ in 0..2 {
        let k = d - 1 - e;
        if !(-22..=22).contains(&k) {
            return None;
        }
        let p = POW10[k.unsigned_abs() as usize];
        let y = if k >= 0 { x * p } else { x / p };
        // y is x · 10^k to half an ulp: within an ulp of a halfway point the exact product
        // may lie on the other side, so the decimal string decides.
        // (|y| < 10^15: the estimate of e is never high by more than one.)
        let frac = (y - y as i64 as f64).abs();
        if (frac - 0.5).abs() <= y.abs() * f64::EPSILON * 2.0 {
            return None;
        }
        let m = round_half_away(y);
        let top = POW10[d as usize];
        if m.abs() >= top {
            e += 1; // the estimate was low
            continue;
        }
        if m.abs() < POW10[d as usize - 1] {
            e -= 1; // a hair high (rounding)
            continue;
        }
        return Some((m, k));
    }
    None
}

/// `v.round()` (halfway cases away from zero) for `|v|` below 10^15 (what
/// [`round_sig_decimal`] rounds), without a call into the C library: `v` minus its truncation
/// is exact.
#[inline]
fn round_half_away(v: f64) -> f64 {
    // (A NaN or an infinity takes the library's rounding too.)
    if v.abs() >= 1e15 || v.is_nan() {
        return v.round();
    }
    let t = v as i64 as f64;
    let f = v - t;
    if f >= 0.5 {
        t + 1.0
    } else if f <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// floor(log10 `a`) for a positive finite `a`, or one less where `a` is below 1 (the caller
/// corrects that); never more. From the binary exponent, without a logarithm.
fn floor_log10_at_most(a: f64) -> i32 {
    let biased = ((a.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: rare enough for the logarithm.
        return a.log10().floor() as i32;
    }
    let e2 = biased - 1023;
    // floor(e2 · log10 2) (78913 / 2^18 is log10 2 to the precision this needs for |e2| <=
    // 1650); a's mantissa in [1, 2) puts log10 a at most log10 2 above it.
    let e = if e2 >= 0 {
        (e2 * 78913) >> 18
    } else {
        -(((-e2) * 78913) >> 18) - 1
    };
    match usize::try_from(e + 1) {
        Ok(i) if i < POW10.len() && a >= POW10[i] => e + 1,
        _ => e,
    }
}

/// Appends `m` × 10^-`k` (from [`round_sig_decimal`] with `digits`) as serde_json prints the
/// `f64` nearest to it: its digits, trailing zeros dropped, in plain notation for decimal
/// exponents -5 to 15 (`144.0`, `0.000459804878049`); `false` (nothing appended) for other
/// exponents. The decimal has at most 13 significant digits, so its digits are the `f64`'s
/// shortest round-trip digits.
pub fn write_decimal(out: &mut Vec<u8>, m: f64, k: i32, digits: u8) -> bool {
    // m has exactly `digits` digits, so the first one's decimal exponent is:
    let exp = i32::from(digits) - 1 - k;
    if !(-5..=15).contains(&exp) || digits > 13 {
        return false;
    }
    let n = m.abs() as u64;
    if n == 0 {
        return false;
    }
    // All 16 places of n (< 10^13), zero-padded, then 16 more zeros: its own digits are
    // d[first..16], and a 16-byte copy from any of them reads zeros past the last.
    let mut d = [b'0'; 32];
    let (hi, lo) = ((n / 100_000_000) as u32, (n % 100_000_000) as u32);
    eight_digits(&mut d[..8], hi);
    eight_digits(&mut d[8..16], lo);
    let first = 16 - usize::from(digits);
    // Trailing zeros, eight places at a time: '0' bytes are zero after the xor.
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let half = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[i..i + 8]);
        u64::from_le_bytes(b) ^ ZEROS
    };
    let mut zeros = (half(8).leading_zeros() / 8) as usize;
    if zeros == 8 {
        zeros += (half(0).leading_zeros() / 8) as usize;
    }
    // n > 0, so its first digit is not a zero.
    let sig = (16 - zeros).saturating_sub(first).max(1);
    // Sign, then at most "0.0000" and 13 digits, or 16 digits and ".0": 16-byte copies land
    // within 40 bytes.
    let mut buf = [b'0'; 40];
    let mut w = 0;
    if m < 0.0 {
        buf[0] = b'-';
        w = 1;
    }
    let copy16 = |buf: &mut [u8; 40], at: usize, from: usize| {
        buf[at..at + 16].copy_from_slice(&d[from..from + 16]);
    };
    if exp < 0 {
        buf[w + 1] = b'.';
        w += (1 - exp) as usize;
        copy16(&mut buf, w, first);
        w += sig;
    } else if sig as i32 - 1 <= exp {
        copy16(&mut buf, w, first); // the digits, then zeros
        w += exp as usize + 1;
        buf[w] = b'.';
        buf[w + 1] = b'0';
        w += 2;
    } else {
        let point = exp as usize + 1;
        copy16(&mut buf, w, first);
        copy16(&mut buf, w + point + 1, first + point);
        buf[w + point] = b'.';
        w += sig + 1;
    }
    // A fixed-size copy (no call to memcpy), then the text's length.
    let end = out.len() + w;
    out.extend_from_slice(&buf);
    out.truncate(end);
    true
}

/// `v` (< 10^8) as 8 digits, zero-padded.
fn eight_digits(out: &mut [u8], v: u32) {
    for (half, x) in [v / 10_000, v % 10_000].into_iter().enumerate() {
        let (a, b) = ((x / 100) as usize * 2, (x % 100) as usize * 2);
        let o = &mut out[half * 4..half * 4 + 4];
        o[0] = PAIRS[a];
        o[1] = PAIRS[a + 1];
        o[2] = PAIRS[b];
        o[3] = PAIRS[b + 1];
    }
}

/// "00" to "99".
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// 10^`n` for `n` up to 22 (exact).
pub fn pow10(n: u8) -> f64 {
    POW10[usize::from(n).min(22)]
}

/// Powers of ten that f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A line of text broken at spaces into lines of at most `width` characters. Continuation
/// lines are indented under the text after a leading label (`network  ...`), or by two spaces.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width || width < 20 {
        return vec![line.to_string()];
    }
    // A label is a first word followed by two or more spaces; an indented line keeps its indent,
    // and an indented list item (`- text`) continues under its text.
    let lead = line.len() - line.trim_start_matches(' ').len();
    let bullet = if lead > 0 && line[lead..].starts_with("- ") {
        2
    } else {
        0
    };
    let (indent, head_len) = match line.find("  ") {
        _ if lead > 0 => ((lead + bullet).min(width / 2), lead),
        Some(i) if i < 12 && !line[..i].contains(' ') => {
            let n = i + line[i..].chars().take_while(|c| *c == ' ').count();
            (n, n)
        }
        _ => (2, 0),
    };
    let (head, body) = line.split_at(head_len);
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = Vec::new();
    let mut cur = head.to_string();
    let mut len = head.chars().count();
    let mut has_word = false;
    for word in body.split(' ').filter(|w| !w.is_empty()) {
        let mut chars: Vec<char> = word.chars().collect();
        loop {
            let need = usize::from(has_word) + chars.len();
            if len + need <= width {
                if has_word {
                    cur.push(' ');
                }
                cur.extend(&chars);
                len += need;
                has_word = true;
                break;
            }
            if !has_word {
                // A word longer than a line is cut.
                let take = width - len;
                cur.extend(&chars[..take]);
                chars.drain(..take);
            }
            out.push(std::mem::replace(&mut cur, pad.clone()));
            len = indent;
            has_word = false;
        }
    }
    if has_word {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(num(1234567.891, 2), "1,234,567.89");
        assert_eq!(num(-1234.5, 0), "-1,234");
        assert_eq!(num(-0.001, 2), "0.00");
        assert_eq!(num(999.0, 0), "999");
        assert_eq!(usd(-1500.0, 0), "-$1,500");
        assert_eq!(usd_whole(0.37), "$0.37");
        assert_eq!(usd_whole(-0.123), "-$0.12");
        assert_eq!(usd_whole(0.0), "$0");
        assert_eq!(usd_whole(2.6), "$3");
    }

    #[test]
    fn compact_forms() {
        assert_eq!(musd(12_345_678.0, 1), "$12.3M");
        assert_eq!(usd_small(12.345), "$12.35");
        assert_eq!(usd_small(1234.5), "$1,234");
        assert_eq!(pct(0.05), "5%");
        assert_eq!(signed_pct(0.125), "+12.5%");
        assert_eq!(signed_pct(-0.2), "-20%");
        assert_eq!(power(0.85), "850 W");
        assert_eq!(power(3.2), "3.2 kW");
        assert_eq!(power(12_500.0), "12.50 MW");
        assert_eq!(short(12_345.0), "12k");
        assert_eq!(short(0.05), "0.05");
        assert_eq!(short_trimmed(0.05), "0.05");
        assert_eq!(short_trimmed(7.0), "7");
    }

    #[test]
    fn rounding_drops_binary_noise() {
        assert_eq!(round_sig(0.01 + 5.0 * 0.01, 12).to_string(), "0.06");
        assert_eq!(round_sig(0.060000000000000005, 12).to_string(), "0.06");
        assert_eq!(round_sig(4464.000000001099, 12).to_string(), "4464");
        assert_eq!(round_sig(18.000000000000004, 12).to_string(), "18");
        assert_eq!(round_sig(1.2345678901234567e19, 3), 1.23e19);
        assert_eq!(round_sig(-0.0, 12), 0.0);
        assert!(round_sig(f64::NAN, 12).is_nan());
        // Full digits survive 17.
        assert_eq!(round_sig(0.1 + 0.2, 17), 0.1 + 0.2);
    }

    #[test]
    fn wrapping_keeps_width_and_label() {
        let line = "network  mempool.space at 2026-11-30: height 925,000, difficulty 133.87 T, 950.0 EH/s, $95,000/BTC, fees 0.02 BTC/block";
        let lines = wrap(line, 60);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{lines:?}");
        assert!(lines[1].starts_with("         ") && !lines[1].starts_with("          "));
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            line.split_whitespace().collect::<Vec<_>>()
        );
        let long = "x".repeat(130);
        assert!(wrap(&long, 50).iter().all(|l| l.chars().count() <= 50));
        assert_eq!(wrap("short", 50), vec!["short"]);
        // A list item under a label continues under its text, not under its dash.
        let item = "         - Antminer S21 x 5000: 1,000,000 TH/s at 17.5 J/TH (17.50 MW), $0.05/kWh, uptime 97%";
        let lines = wrap(item, 60);
        assert!(lines.len() > 1);
        assert!(lines[1..]
            .iter()
            .all(|l| l.starts_with("           ") && !l.starts_with("            ")));
    }
}

#[cfg(test)]
mod round_sig_tests {
    use super::round_sig;

    /// The fast path agrees with rounding through a decimal string, over many magnitudes.
    #[test]
    fn fast_path_equals_the_decimal_rounding() {
        let slow = |x: f64, d: u8| -> f64 {
            let d = usize::from(d) - 1;
            format!("{x:.d$e}").parse().unwrap()
        };
        let mut x = 1.234_567_890_123_456_7e-30_f64;
        let mut n = 0;
        let mut same = 0;
        while x < 1e30 {
            for v in [x, -x, x * 0.999_999_999_7, x * 1.000_000_000_3] {
                for d in [1u8, 6, 12, 13, 15] {
                    n += 1;
                    if round_sig(v, d) == slow(v, d) {
                        same += 1;
                    }
                }
            }
            x *= 1.377;
        }
        // Exactly equal: the fast path stops at 13 digits and leaves the products within an
        // ulp of a halfway point to the decimal string.
        assert_eq!(same, n, "{same} of {n}");
        assert_eq!(round_sig(0.060000000000000005, 12), 0.06);
        assert_eq!(round_sig(0.06999999999999999, 12), 0.07);
        assert_eq!(round_sig(4464.000000001099, 12), 4464.0);
        assert_eq!(round_sig(1000.0, 12), 1000.0);
        assert_eq!(round_sig(999.9999999999999, 12), 1000.0);
    }
}
