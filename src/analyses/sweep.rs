//! Sweeps and solvers over scenario parameters: axes of values, every combination summarised
//! in parallel and streamed in a stable order; bisection for breakevens.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::inputs::scenario::{self, PathSeries};
use crate::model::network::NetworkState;
use crate::model::projection::{run_days, ChainPath, Horizon, Scenario};
use crate::model::summary::{summarize, summarize_on, Summary};
use crate::params::spec::Spec;
use crate::params::{self, Param, Section, PARAMS};

/// Most combinations one sweep may have.
pub const MAX_COMBINATIONS: usize = 10_000_000;

/// A computed range value to 12 significant digits: the nearest `f64` to the decimal a person
/// would write.
fn as_written(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// One swept parameter and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The parameter's flag name (`power-cost`).
    pub name: String,
    /// Its values, in the flag's units.
    pub values: Vec<f64>,
}

impl Axis {
    /// The parameter varied.
    pub fn param(&self) -> &'static Param {
        params::param(&self.name)
    }

    /// The output column: the parameter's column, with its unit (`power_cost_usd_per_kwh`).
    pub fn column(&self) -> String {
        self.param().column()
    }
}

/// Parses `NAME=SPEC`: a list `0,25,50` or a range `START:STOP:STEP` (inclusive of STOP within
/// a millionth of a step; values from an integer index, never by repeated addition). NAME is a
/// parameter's flag, key or column; values take the suffixes its unit accepts (`50k`, `95%`).
pub fn parse_axis(text: &str) -> Result<Axis, Error> {
    parse_axis_with(text, &|_| true)
}

/// [`parse_axis`] with NAME one of the parameters `accept` takes (a command's own).
pub fn parse_axis_with(text: &str, accept: &dyn Fn(&Param) -> bool) -> Result<Axis, Error> {
    let bad = |why: &str| Error::input(format!("--vary {text}: {why}"));
    let (name, spec) = text
        .split_once('=')
        .ok_or_else(|| bad("expected NAME=VALUES, e.g. power-cost=0.03:0.08:0.01"))?;
    let name = name.trim();
    let known = |p: &&Param| p.varies && accept(p);
    let p = match params::lookup(name) {
        Some(p) if known(&p) => p,
        found => {
            let hint = params::suggest(name, PARAMS.iter().filter(known).map(|p| p.name))
                .map(|s| format!("did you mean {s}? "))
                .unwrap_or_default();
            let what = if found.is_some() {
                "this command cannot vary it"
            } else {
                "unknown parameter"
            };
            return Err(bad(&format!(
                "{what}; {hint}parameters: {}",
                PARAMS
                    .iter()
                    .filter(known)
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let name = p.name.to_string();
    let num = |s: &str| -> Result<f64, Error> {
        let t = s.trim();
        p.parse_number(t).map_err(|e| {
            if e.starts_with("expected") {
                bad(&format!("\"{t}\" is not a number ({e})"))
            } else {
                bad(&format!("\"{t}\" {e}"))
            }
        })
    };
    let values = if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(bad("a range is START:STOP:STEP"));
        };
        let (start, stop, step) = (num(a)?, num(b)?, num(c)?);
        if step <= 0.0 {
            return Err(bad("the step must be positive"));
        }
        if stop < start {
            return Err(bad("STOP is below START"));
        }
        // Counted in f64 first: a tiny step over a wide range is far past usize.
        let steps = ((stop - start) / step + 1e-6).floor();
        if steps.is_nan() || steps >= MAX_COMBINATIONS as f64 {
            return Err(bad(&format!(
                "the range gives more than {MAX_COMBINATIONS} values"
            )));
        }
        let n = steps as usize + 1;
        // From an integer index, then to 12 significant digits: the value as it would be
        // written (0.07, not 0.06999999999999999), in the scenario and in the output.
        (0..n)
            .map(|i| as_written(start + i as f64 * step))
            .collect()
    } else {
        spec.split(',')
            .map(num)
            .collect::<Result<Vec<f64>, Error>>()?
    };
    if values.is_empty() {
        return Err(bad("no values"));
    }
    Ok(Axis { name, values })
}

/// The number of combinations of `axes`, or an error past [`MAX_COMBINATIONS`].
pub fn count(axes: &[Axis]) -> Result<usize, Error> {
    let mut n: usize = 1;
    for a in axes {
        n = n
            .checked_mul(a.values.len())
            .filter(|n| *n <= MAX_COMBINATIONS)
            .ok_or_else(|| {
                Error::input(format!("--vary: more than {MAX_COMBINATIONS} combinations"))
            })?;
    }
    Ok(n)
}

/// The values of combination `i` (the last axis varies fastest).
pub fn combination(axes: &[Axis], mut i: usize) -> Vec<f64> {
    let mut out = vec![0.0; axes.len()];
    for (k, a) in axes.iter().enumerate().rev() {
        let n = a.values.len();
        out[k] = a.values[i % n];
        i /= n;
    }
    out
}

/// Everything a sweep needs besides its axes.
#[derive(Debug, Clone)]
pub struct Base<'a> {
    /// The merged scenario spec.
    pub spec: &'a Spec,
    /// The network its figures override.
    pub network: &'a NetworkState,
    /// Path series.
    pub series: &'a PathSeries,
    /// Today, for a `start = "today"`.
    pub today: Option<NaiveDate>,
    /// The base scenario's network days, walked once, when every varied parameter is the
    /// fleet's ([`shares_the_chain`]): each combination then runs its fleet over these days.
    pub path: Option<&'a ChainPath>,
    /// Chains walked for the combinations' network inputs (the fixed network model only):
    /// combinations that differ only in fleet parameters share one.
    pub chains: Option<&'a ChainCache>,
}

/// The network days of recent network inputs, walked once each and shared by every
/// combination with the same network-side values ([`Base::scenario_of`]). Holds at most a
/// few chains (the least recent go first), so memory stays flat in the combinations; a sweep
/// whose network axes vary slowest (the usual `--vary hashrate-growth=… --vary efficiency=…`)
/// walks each distinct network once.
#[derive(Debug)]
pub struct ChainCache {
    capacity: usize,
    entries: Mutex<VecDeque<(Vec<u64>, ChainSlot)>>,
}

type ChainSlot = Arc<Mutex<Option<Arc<ChainPath>>>>;

impl Default for ChainCache {
    fn default() -> ChainCache {
        ChainCache::new(2 * rayon::current_num_threads().max(1) + 2)
    }
}

impl ChainCache {
    /// A cache of at most `capacity` chains.
    pub fn new(capacity: usize) -> ChainCache {
        ChainCache {
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::new()),
        }
    }

    /// The chain of `key`, walked by `walk` on the first call (one caller walks while the
    /// others with the same key wait for it).
    pub fn get(
        &self,
        key: Vec<u64>,
        walk: impl FnOnce() -> Result<ChainPath, Error>,
    ) -> Result<Arc<ChainPath>, Error> {
        let slot: ChainSlot = {
            let mut e = self
                .entries
                .lock()
                .map_err(|_| Error::runtime("the chain cache is poisoned"))?;
            match e.iter().find(|(k, _)| *k == key) {
                Some((_, slot)) => slot.clone(),
                None => {
                    let slot = ChainSlot::default();
                    if e.len() >= self.capacity {
                        e.pop_front();
                    }
                    e.push_back((key, slot.clone()));
                    slot
                }
            }
        };
        let mut cell = slot
            .lock()
            .map_err(|_| Error::runtime("the chain cache is poisoned"))?;
        if let Some(path) = cell.as_ref() {
            return Ok(path.clone());
        }
        let path = Arc::new(walk()?);
        *cell = Some(path.clone());
        Ok(path)
    }
}

/// A chain a combination runs on: the base's, or one from the cache.
#[derive(Debug, Clone)]
pub enum ChainRef<'a> {
    /// The base's shared walk.
    Base(&'a ChainPath),
    /// A walk of the combination's network inputs.
    Cached(Arc<ChainPath>),
}

impl std::ops::Deref for ChainRef<'_> {
    type Target = ChainPath;
    fn deref(&self) -> &ChainPath {
        match self {
            ChainRef::Base(p) => p,
            ChainRef::Cached(p) => p,
        }
    }
}

/// True when varying `axes` leaves the network's days alone (fleet, finance and curtailment
/// parameters under the fixed network model): the combinations can share one [`ChainPath`].
pub fn shares_the_chain(axes: &[Axis]) -> bool {
    axes.iter().all(|a| fleet_side(a.param()))
}

/// True for a parameter of the fleet, its finances or its curtailment: one that does not move
/// the network under the fixed model.
pub fn fleet_side(p: &Param) -> bool {
    matches!(
        p.section,
        Section::Fleet | Section::Finance | Section::Curtail
    )
}

impl Base<'_> {
    /// The spec with `values` set on `axes`.
    pub fn spec_with(&self, axes: &[Axis], values: &[f64]) -> Result<Spec, Error> {
        let mut spec = self.spec.clone();
        for (a, v) in axes.iter().zip(values) {
            spec.set(&a.name, *v)?;
        }
        Ok(spec)
    }

    /// The scenario of one combination and, when it can share one, the chain walked for its
    /// network: the base's walk when only fleet parameters vary, else one from
    /// [`Base::chains`] keyed by the network-side values. A shared chain also spares
    /// resolving the network: the combination's scenario is the chain's with its own fleet.
    pub fn scenario_of(
        &self,
        axes: &[Axis],
        values: &[f64],
    ) -> Result<(Scenario, Option<ChainRef<'_>>), Error> {
        let spec = self.spec_with(axes, values)?;
        if let Some(path) = self.path.filter(|_| shares_the_chain(axes)) {
            if let Some(walked) = path.scenario() {
                return Ok((
                    scenario::with_fleet_of(&spec, walked)?,
                    Some(ChainRef::Base(path)),
                ));
            }
            let plan = scenario::plan(&spec, self.network, self.series, self.today)?;
            return Ok((plan.scenario, Some(ChainRef::Base(path))));
        }
        if let Some(cache) = self.chains {
            let key: Vec<u64> = axes
                .iter()
                .zip(values)
                .filter(|(a, _)| !fleet_side(a.param()))
                .map(|(_, v)| v.to_bits())
                .collect();
            let path = cache.get(key, || {
                let plan = scenario::plan(&spec, self.network, self.series, self.today)?;
                ChainPath::new(&plan.scenario)
            })?;
            let s = match path.scenario() {
                Some(walked) => scenario::with_fleet_of(&spec, walked)?,
                None => scenario::plan(&spec, self.network, self.series, self.today)?.scenario,
            };
            return Ok((s, Some(ChainRef::Cached(path))));
        }
        let plan = scenario::plan(&spec, self.network, self.series, self.today)?;
        Ok((plan.scenario, None))
    }

    /// The summary of one combination.
    pub fn summarize(&self, axes: &[Axis], values: &[f64]) -> Result<Summary, Error> {
        match self.scenario_of(axes, values)? {
            (s, Some(path)) => summarize_on(&s, &path),
            (s, None) => summarize(&s),
        }
    }
}

/// Runs every combination in parallel and hands each summary to `emit` in combination order,
/// holding at most one chunk of summaries at a time. `progress` is told how many are done.
pub fn run<E, P>(base: &Base, axes: &[Axis], emit: E, progress: P) -> Result<(), Error>
where
    E: FnMut(&[f64], &Summary) -> Result<(), Error>,
    P: FnMut(usize),
{
    run_with(axes, |v| base.summarize(axes, v), emit, progress)
}

/// [`run`] with any evaluation of a combination's values (`eval` gets them in axis order):
/// parallel, handed to `emit` in combination order, at most one chunk held at a time. An
/// error names the combination.
pub fn run_with<T, F, E, P>(axes: &[Axis], eval: F, emit: E, progress: P) -> Result<(), Error>
where
    T: Send,
    F: Fn(&[f64]) -> Result<T, Error> + Sync,
    E: FnMut(&[f64], &T) -> Result<(), Error>,
    P: FnMut(usize),
{
    run_shard(axes, Shard::WHOLE, eval, emit, progress)
}

/// One part of a run split for batch runners: shard `k` of `n` (1-based) takes the
/// combinations `[total (k-1) / n, total k / n)`, so the shards in order are the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1 to `n`.
    pub k: usize,
    /// How many shards.
    pub n: usize,
}

impl Shard {
    /// The whole run.
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Parses `K/N` (1 <= K <= N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("expected K/N (e.g. 3/8), got \"{text}\""))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("K in K/N must be a whole number, got \"{k}\""))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("N in K/N must be a whole number, got \"{n}\""))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("K/N needs 1 <= K <= N, got {k}/{n}"));
        }
        Ok(Shard { k, n })
    }

    /// The combinations `[start, end)` of `total` this shard takes.
    pub fn range(&self, total: usize) -> (usize, usize) {
        let at = |k: usize| (total as u128 * k as u128 / self.n as u128) as usize;
        (at(self.k - 1), at(self.k))
    }

    /// True for the shard that carries the header: the first with rows (the header goes out
    /// with the first row), so a run split into more shards than rows still has one header.
    pub fn carries_header(&self, total: usize) -> bool {
        self.range(total).0 == 0
    }
}

/// [`run_with`] over one shard's combinations; `progress` counts from the shard's start.
pub fn run_shard<T, F, E, P>(
    axes: &[Axis],
    shard: Shard,
    eval: F,
    mut emit: E,
    mut progress: P,
) -> Result<(), Error>
where
    T: Send,
    F: Fn(&[f64]) -> Result<T, Error> + Sync,
    E: FnMut(&[f64], &T) -> Result<(), Error>,
    P: FnMut(usize),
{
    let (first, n) = shard.range(count(axes)?);
    let chunk = 256 * rayon::current_num_threads().max(1);
    let mut done = first;
    while done < n {
        let end = (done + chunk).min(n);
        let results: Vec<(Vec<f64>, Result<T, Error>)> = (done..end)
            .into_par_iter()
            .map(|i| {
                let v = combination(axes, i);
                let r = eval(&v);
                (v, r)
            })
            .collect();
        for (v, r) in results {
            let s = r.map_err(|e| {
                let at: Vec<String> = axes
                    .iter()
                    .zip(&v)
                    .map(|(a, x)| format!("{}={}", a.name, crate::error::show(*x)))
                    .collect();
                Error::input(format!("--vary {}: {e}", at.join(" ")))
            })?;
            emit(&v, &s)?;
        }
        done = end;
        progress(done - first);
    }
    Ok(())
}

/// What a breakeven solves to zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Cumulative margin over the horizon.
    Margin,
    /// Cumulative margin less capex.
    Net,
    /// Net present value.
    Npv,
    /// The daily margin on one date.
    MarginOn(NaiveDate),
}

/// A breakeven's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakeven {
    /// The parameter solved for (flag name).
    pub parameter: String,
    /// The metric set to zero.
    pub metric: String,
    /// The value at which the metric is zero (empty: none in the bracket).
    pub value: Option<f64>,
    /// True when a root was found.
    pub found: bool,
    /// Lower end of the bracket searched.
    pub bracket_low: f64,
    /// Upper end of the bracket searched.
    pub bracket_high: f64,
    /// The metric at the lower end, USD.
    pub metric_at_low_usd: f64,
    /// The metric at the upper end, USD.
    pub metric_at_high_usd: f64,
    /// Bisection steps taken.
    pub iterations: u32,
}

impl Base<'_> {
    /// The metric for one value of one parameter.
    pub fn metric(&self, name: &str, v: f64, target: Target) -> Result<f64, Error> {
        let axes = [Axis {
            name: name.to_string(),
            values: vec![v],
        }];
        match target {
            Target::Margin => Ok(self.summarize(&axes, &[v])?.margin_usd),
            Target::Net => Ok(self.summarize(&axes, &[v])?.net_usd),
            Target::Npv => Ok(self.summarize(&axes, &[v])?.npv_usd),
            Target::MarginOn(date) => {
                let spec = self.spec_with(&axes, &[v])?;
                let mut plan = scenario::plan(&spec, self.network, self.series, self.today)?;
                let s = &mut plan.scenario;
                if date < s.network.date {
                    return Err(Error::input(format!(
                        "--on {date} is before the start {}",
                        s.network.date
                    )));
                }
                s.horizon = Horizon::Until(date);
                let mut last = None;
                run_days(s, s.drivers.clone(), |_, r| {
                    last = Some(r.margin_usd);
                    Ok(())
                })?;
                last.ok_or_else(|| Error::runtime("no day to measure"))
            }
        }
    }

    /// Solves `metric(value) = 0` for one parameter by bisection over `[lo, hi]`.
    pub fn breakeven(
        &self,
        name: &str,
        lo: f64,
        hi: f64,
        target: Target,
    ) -> Result<Breakeven, Error> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(Error::input(format!(
                "--low {lo} must be below --high {hi}"
            )));
        }
        let f = |v: f64| self.metric(name, v, target);
        let (mut a, mut b) = (lo, hi);
        let (fa0, fb0) = (f(a)?, f(b)?);
        let mut out = Breakeven {
            parameter: name.to_string(),
            metric: match target {
                Target::Margin => "cumulative_margin_usd".into(),
                Target::Net => "cumulative_net_usd".into(),
                Target::Npv => "npv_usd".into(),
                Target::MarginOn(d) => format!("margin_usd on {d}"),
            },
            value: None,
            found: false,
            bracket_low: lo,
            bracket_high: hi,
            metric_at_low_usd: fa0,
            metric_at_high_usd: fb0,
            iterations: 0,
        };
        if fa0 == 0.0 || fb0 == 0.0 {
            out.value = Some(if fa0 == 0.0 { a } else { b });
            out.found = true;
            return Ok(out);
        }
        if fa0.signum() == fb0.signum() {
            return Ok(out);
        }
        let mut fa = fa0;
        while out.iterations < 200 {
            out.iterations += 1;
            let m = 0.5 * (a + b);
            let fm = f(m)?;
            if fm == 0.0 || (b - a) <= 1e-12 * (1.0 + m.abs()) {
                a = m;
                b = m;
                break;
            }
            if fm.signum() == fa.signum() {
                a = m;
                fa = fm;
            } else {
                b = m;
            }
        }
        out.value = Some(0.5 * (a + b));
        out.found = true;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Snapshot;

    #[test]
    fn ranges_come_from_an_index() {
        let a = parse_axis("power-cost=0.03:0.08:0.01").unwrap();
        assert_eq!(a.values.len(), 6);
        assert_eq!(a.values[5], 0.08);
        let a = parse_axis("power-cost=0.01:0.10:0.01").unwrap();
        assert_eq!(a.values[5].to_string(), "0.06");
        assert_eq!(a.values[6].to_string(), "0.07");
        assert_eq!(a.column(), "power_cost_usd_per_kwh");
        assert_eq!(
            parse_axis("price-growth=0,25,50%").unwrap().values,
            vec![0.0, 25.0, 50.0]
        );
        assert!(parse_axis("warp=1,2").is_err());
        assert!(parse_axis("price=1:0:1").is_err());
        assert!(parse_axis("price=1:5:0").is_err());
        assert!(parse_axis("price=a,b").is_err());
    }

    #[test]
    fn combinations_in_order() {
        let axes = [
            Axis {
                name: "price".into(),
                values: vec![1.0, 2.0],
            },
            Axis {
                name: "fees".into(),
                values: vec![10.0, 20.0, 30.0],
            },
        ];
        assert_eq!(count(&axes).unwrap(), 6);
        assert_eq!(combination(&axes, 0), vec![1.0, 10.0]);
        assert_eq!(combination(&axes, 1), vec![1.0, 20.0]);
        assert_eq!(combination(&axes, 5), vec![2.0, 30.0]);
    }

    #[test]
    fn breakeven_power_cost_matches_hashprice() {
        // Flat network, 30 days: the breakeven power cost is the hashprice / (24 * J/TH) a PH.
        let mut spec = Spec::default();
        spec.set("days", 30.0).unwrap();
        spec.set("efficiency", 20.0).unwrap();
        let net = Snapshot::embedded().state();
        let base = Base {
            spec: &spec,
            network: &net,
            series: &PathSeries::default(),
            today: None,
            path: None,
            chains: None,
        };
        let be = base
            .breakeven("power-cost", 0.0, 2.0, Target::Margin)
            .unwrap();
        assert!(be.found);
        let hp = crate::model::hashprice::hashprice(&net, Some(20.0), Some(0.05)).unwrap();
        // Difficulty retargets within the 30 days, so compare loosely with the day-0 breakeven.
        let expect = hp.breakeven_power_cost_usd_per_kwh.unwrap();
        assert!(
            (be.value.unwrap() / expect - 1.0).abs() < 0.03,
            "{} {expect}",
            be.value.unwrap()
        );
        // At the solution the margin is zero.
        let m = base
            .metric("power-cost", be.value.unwrap(), Target::Margin)
            .unwrap();
        assert!(m.abs() < 1e-6, "{m}");
        // No root: a fleet that loses money at any price growth in a tiny bracket.
        let none = base
            .breakeven("power-cost", 1.0, 2.0, Target::Margin)
            .unwrap();
        assert!(!none.found && none.value.is_none());
    }

    /// Combinations grouped by their network inputs on cached chains (one walk each, evicted
    /// and walked again when the cache is small) give the summaries of a plan and a walk each.
    #[test]
    fn chains_per_network_input_give_the_same_summaries() {
        let mut spec = Spec::default();
        spec.set("days", 400.0).unwrap();
        spec.set("capex", 20_000.0).unwrap();
        let net = Snapshot::embedded().state();
        let series = PathSeries::default();
        let alone = Base {
            spec: &spec,
            network: &net,
            series: &series,
            today: None,
            path: None,
            chains: None,
        };
        for capacity in [1, 3, 16] {
            let cache = ChainCache::new(capacity);
            let grouped = Base {
                chains: Some(&cache),
                ..alone.clone()
            };
            for axes in [
                [
                    parse_axis("hashrate-growth=0,15,40").unwrap(),
                    parse_axis("power-cost=0.03,0.06").unwrap(),
                ],
                [
                    parse_axis("power-cost=0.03,0.06").unwrap(),
                    parse_axis("price-growth=-10,0,30").unwrap(),
                ],
            ] {
                let mut n = 0;
                for i in 0..count(&axes).unwrap() {
                    let v = combination(&axes, i);
                    let (a, b) = (
                        grouped.summarize(&axes, &v).unwrap(),
                        alone.summarize(&axes, &v).unwrap(),
                    );
                    assert_eq!(a, b, "{v:?} (cache of {capacity})");
                    assert!(grouped.scenario_of(&axes, &v).unwrap().1.is_some());
                    n += 1;
                }
                assert_eq!(n, 6);
            }
        }
    }

    #[test]
    fn sweep_streams_in_order() {
        let spec = {
            let mut s = Spec::default();
            s.set("days", 20.0).unwrap();
            s
        };
        let net = Snapshot::embedded().state();
        let base = Base {
            spec: &spec,
            network: &net,
            series: &PathSeries::default(),
            today: None,
            path: None,
            chains: None,
        };
        let axes = [parse_axis("power-cost=0.02:0.10:0.02").unwrap()];
        let mut seen = Vec::new();
        run(
            &base,
            &axes,
            |v, s| {
                seen.push((v[0], s.margin_usd));
                Ok(())
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(seen.len(), 5);
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1));
    }
}

/// One sweep row after its varied values: the scenario's summary and, with Monte Carlo, the
/// share of paths that lose money and the spread of the net margin.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SweepRow {
    /// The deterministic run's summary.
    #[serde(flatten)]
    pub summary: Summary,
    /// Share of Monte Carlo paths whose margin less capex is below zero, % (empty without --paths).
    pub loss_probability_pct: Option<f64>,
    /// Share of paths that pay back the capex within the horizon, %.
    pub paid_back_pct: Option<f64>,
    /// Net margin (less capex) over the horizon, USD: 5th percentile of the paths.
    pub net_usd_p5: Option<f64>,
    /// Median of the paths.
    pub net_usd_p50: Option<f64>,
    /// 95th percentile of the paths.
    pub net_usd_p95: Option<f64>,
}

impl SweepRow {
    /// A row from a summary and, with Monte Carlo, its summary.
    pub fn new(summary: Summary, mc: Option<&crate::analyses::montecarlo::McSummary>) -> SweepRow {
        SweepRow {
            summary,
            loss_probability_pct: mc.map(|m| m.loss_probability_pct),
            paid_back_pct: mc.and_then(|m| m.paid_back_pct),
            net_usd_p5: mc.map(|m| m.net_usd_p5),
            net_usd_p50: mc.map(|m| m.net_usd_p50),
            net_usd_p95: mc.map(|m| m.net_usd_p95),
        }
    }
}
