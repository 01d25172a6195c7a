//! Network documents users already have — Bitcoin Core RPC output, mempool.space API JSON,
//! minecalc's own snapshot file — read into partial network figures, and merged.
//!
//! Pure: every function takes text (or parsed documents) and returns values; nothing here reads
//! a file, the network or the clock. The format of a document is detected from its shape.
//!
//! ```
//! use minecalc::inputs::documents::{merge, parse_document, DocFormat};
//! let info = r#"{"blocks": 933586, "difficulty": 141668107417558.2,
//!                "networkhashps": 9.345e20, "pooledtx": 1094, "chain": "main", "warnings": ""}"#;
//! let prices = r#"{"time": 1703252411, "USD": 43753, "EUR": 40545}"#;
//! let a = parse_document("mininginfo.json", info).unwrap();
//! let b = parse_document("prices.json", prices).unwrap();
//! assert_eq!(a.format, DocFormat::CoreMiningInfo);
//! let m = merge(&[a, b]);
//! assert_eq!(m.figures.height, Some(933_586));
//! assert_eq!(m.figures.price_usd, Some(43_753.0));
//! ```

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::model::chain;
use crate::model::network::{NetworkInputs, NetworkState, Snapshot, SourcedFigure};

const SATS_PER_BTC: f64 = chain::COIN_SATS as f64;

/// The document formats minecalc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DocFormat {
    /// Bitcoin Core `getmininginfo`.
    CoreMiningInfo,
    /// Bitcoin Core `getblockchaininfo`.
    CoreBlockchainInfo,
    /// mempool.space `/api/v1/mining/hashrate/{period}`.
    MempoolHashrate,
    /// mempool.space `/api/v1/difficulty-adjustment`.
    MempoolDifficultyAdjustment,
    /// mempool.space `/api/v1/prices`.
    MempoolPrices,
    /// mempool.space `/api/v1/historical-price`.
    MempoolHistoricalPrice,
    /// mempool.space `/api/v1/blocks`.
    MempoolBlocks,
    /// mempool.space `/api/v1/mining/blocks/fees/{period}`.
    MempoolBlockFees,
    /// mempool.space `/api/v1/mining/reward-stats/{count}`.
    MempoolRewardStats,
    /// A minecalc network snapshot (data/network.json, `minecalc network snapshot`).
    Snapshot,
}

impl DocFormat {
    /// Every format, in the order the error message lists them.
    pub const ALL: [DocFormat; 10] = [
        DocFormat::CoreMiningInfo,
        DocFormat::CoreBlockchainInfo,
        DocFormat::MempoolBlocks,
        DocFormat::MempoolHashrate,
        DocFormat::MempoolDifficultyAdjustment,
        DocFormat::MempoolPrices,
        DocFormat::MempoolHistoricalPrice,
        DocFormat::MempoolBlockFees,
        DocFormat::MempoolRewardStats,
        DocFormat::Snapshot,
    ];

    /// The format's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            DocFormat::CoreMiningInfo => "Bitcoin Core getmininginfo",
            DocFormat::CoreBlockchainInfo => "Bitcoin Core getblockchaininfo",
            DocFormat::MempoolHashrate => "mempool.space /api/v1/mining/hashrate/{period}",
            DocFormat::MempoolDifficultyAdjustment => "mempool.space /api/v1/difficulty-adjustment",
            DocFormat::MempoolPrices => "mempool.space /api/v1/prices",
            DocFormat::MempoolHistoricalPrice => "mempool.space /api/v1/historical-price",
            DocFormat::MempoolBlocks => "mempool.space /api/v1/blocks",
            DocFormat::MempoolBlockFees => "mempool.space /api/v1/mining/blocks/fees/{period}",
            DocFormat::MempoolRewardStats => "mempool.space /api/v1/mining/reward-stats/{count}",
            DocFormat::Snapshot => "minecalc network snapshot",
        }
    }

    /// One line listing every format, for error messages.
    pub fn known_list() -> String {
        "Bitcoin Core getmininginfo or getblockchaininfo (as bitcoin-cli prints them or in a \
         JSON-RPC envelope); mempool.space /api/v1/blocks, /api/v1/mining/hashrate/{period}, \
         /api/v1/difficulty-adjustment, /api/v1/prices, /api/v1/historical-price, \
         /api/v1/mining/blocks/fees/{period}, /api/v1/mining/reward-stats/{count}; \
         a minecalc network snapshot file"
            .to_string()
    }
}

impl fmt::Display for DocFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The figures one document gives; any may be missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Chain tip height.
    pub height: Option<u64>,
    /// Difficulty of the block after the tip.
    pub difficulty: Option<f64>,
    /// Network hashrate, H/s.
    pub hashrate_hs: Option<f64>,
    /// BTC price, USD.
    pub price_usd: Option<f64>,
    /// Average fees per block, BTC.
    pub fees_btc_per_block: Option<f64>,
    /// UTC date of the state the document describes (its newest block or timestamp).
    pub date: Option<NaiveDate>,
    /// Seconds the current epoch's blocks had taken when the document was made.
    pub epoch_elapsed_s: Option<f64>,
}

impl Figures {
    /// Names of the figures present, in a fixed order.
    pub fn present(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let pairs = [
            ("height", self.height.is_some()),
            ("difficulty", self.difficulty.is_some()),
            ("hashrate", self.hashrate_hs.is_some()),
            ("price", self.price_usd.is_some()),
            ("fees", self.fees_btc_per_block.is_some()),
            ("epoch progress", self.epoch_elapsed_s.is_some()),
        ];
        for (name, has) in pairs {
            if has {
                v.push(name);
            }
        }
        v
    }

    /// True when the figures describe the chain (height, difficulty or hashrate).
    pub fn gives_chain_state(&self) -> bool {
        self.height.is_some() || self.difficulty.is_some() || self.hashrate_hs.is_some()
    }
}

/// One parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The name used in messages (a file name, `stdin` or a URL).
    pub name: String,
    /// The detected format.
    pub format: DocFormat,
    /// The figures it gives.
    pub figures: Figures,
    /// Warnings the document itself carries (Bitcoin Core's `warnings`), non-empty ones only.
    pub warnings: Vec<String>,
}

/// Parses a network document, detecting its format from its shape. `name` is used in errors.
pub fn parse_document(name: &str, text: &str) -> Result<Document, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::input(format!(
            "{name}: empty; expected a network document: {}",
            DocFormat::known_list()
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(name, &e))?;
    let mut p = Parser {
        name,
        warnings: Vec::new(),
    };
    let value = p.unwrap_envelope(value)?;
    let (format, figures) = p.detect(&value, text)?;
    Ok(Document {
        name: name.to_string(),
        format,
        figures,
        warnings: p.warnings,
    })
}

/// A JSON syntax error as one line: file, line, column, what is wrong.
fn json_error(name: &str, e: &serde_json::Error) -> Error {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = msg.strip_suffix(&suffix).unwrap_or(&msg);
    Error::input(format!(
        "{name}: bad JSON at line {}, column {}: {what}",
        e.line(),
        e.column()
    ))
}

struct Parser<'a> {
    name: &'a str,
    warnings: Vec<String>,
}

impl Parser<'_> {
    fn err(&self, msg: impl fmt::Display) -> Error {
        Error::input(format!("{}: {msg}", self.name))
    }

    /// Unwraps a JSON-RPC envelope `{"result": …, "error": …, "id": …}`.
    fn unwrap_envelope(&self, v: Value) -> Result<Value, Error> {
        let Value::Object(mut o) = v else {
            return Ok(v);
        };
        let is_envelope = o.contains_key("result")
            && (o.contains_key("id") || o.contains_key("error") || o.contains_key("jsonrpc"));
        if !is_envelope {
            return Ok(Value::Object(o));
        }
        match o.get("error") {
            None | Some(Value::Null) => {}
            Some(e) => {
                let msg = e
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| e.to_string());
                return Err(self.err(format!("the JSON-RPC response is an error: {msg}")));
            }
        }
        match o.remove("result") {
            Some(Value::Null) | None => Err(self.err("the JSON-RPC response has a null result")),
            Some(r) => Ok(r),
        }
    }

    fn detect(&mut self, v: &Value, text: &str) -> Result<(DocFormat, Figures), Error> {
        match v {
            Value::Object(o) => {
                let has = |k: &str| o.contains_key(k);
                if has("blocks") && has("difficulty") {
                    if has("bestblockhash") || has("headers") || has("chainwork") {
                        return Ok((DocFormat::CoreBlockchainInfo, self.blockchaininfo(o)?));
                    }
                    if has("networkhashps") || has("pooledtx") || has("currentblocktx") {
                        return Ok((DocFormat::CoreMiningInfo, self.mininginfo(o)?));
                    }
                }
                if has("hashrates")
                    && (has("currentHashrate") || has("currentDifficulty") || has("difficulty"))
                {
                    return Ok((DocFormat::MempoolHashrate, self.hashrate(o)?));
                }
                if has("progressPercent") && has("remainingBlocks") && has("nextRetargetHeight") {
                    return Ok((
                        DocFormat::MempoolDifficultyAdjustment,
                        self.difficulty_adjustment(o)?,
                    ));
                }
                if has("USD") && has("time") {
                    return Ok((DocFormat::MempoolPrices, self.prices(o)?));
                }
                if matches!(o.get("prices"), Some(Value::Array(_))) && has("exchangeRates") {
                    return Ok((DocFormat::MempoolHistoricalPrice, self.historical_price(o)?));
                }
                if has("startBlock") && has("endBlock") && has("totalFee") {
                    return Ok((DocFormat::MempoolRewardStats, self.reward_stats(o)?));
                }
                if has("as_of") && has("height") && has("difficulty") {
                    return Ok((DocFormat::Snapshot, self.snapshot(text)?));
                }
                let mut keys: Vec<&str> = o.keys().map(String::as_str).take(6).collect();
                if o.len() > 6 {
                    keys.push("…");
                }
                Err(self.unknown(&format!("an object with keys {}", keys.join(", "))))
            }
            Value::Array(a) => {
                let objs: Vec<&Map<String, Value>> =
                    a.iter().filter_map(Value::as_object).collect();
                if objs.is_empty() || objs.len() != a.len() {
                    let what = match a.iter().find(|x| !x.is_object()) {
                        None => "an empty array".to_string(),
                        Some(x) => format!("an array holding a {}", json_kind(x)),
                    };
                    return Err(self.unknown(&what));
                }
                let all = |k: &str| objs.iter().all(|o| o.contains_key(k));
                if all("height") && all("difficulty") && all("timestamp") {
                    return Ok((DocFormat::MempoolBlocks, self.blocks(&objs)?));
                }
                if all("avgFees") && all("timestamp") {
                    return Ok((DocFormat::MempoolBlockFees, self.block_fees(&objs)?));
                }
                let mut keys: Vec<&str> = objs[0].keys().map(String::as_str).take(6).collect();
                if objs[0].len() > 6 {
                    keys.push("…");
                }
                Err(self.unknown(&format!(
                    "an array of objects with keys {}",
                    keys.join(", ")
                )))
            }
            other => Err(self.unknown(&format!("a JSON {}", json_kind(other)))),
        }
    }

    fn unknown(&self, what: &str) -> Error {
        self.err(format!(
            "not a network document minecalc recognises ({what}); it reads {}",
            DocFormat::known_list()
        ))
    }

    // --- field readers -------------------------------------------------------------------

    /// An optional number; present but not a number is an error.
    fn num(&self, o: &Map<String, Value>, key: &str) -> Result<Option<f64>, Error> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(self.err(format!("`{key}` is not a finite number: {n}"))),
            },
            // mempool's reward-stats gives its sums as strings.
            Some(Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(self.err(format!("`{key}` must be a number, got \"{s}\""))),
            },
            Some(other) => Err(self.err(format!("`{key}` must be a number, got {}", short(other)))),
        }
    }

    /// A required number.
    fn req_num(&self, o: &Map<String, Value>, key: &str) -> Result<f64, Error> {
        self.num(o, key)?
            .ok_or_else(|| self.err(format!("`{key}` is missing")))
    }

    /// An optional whole number >= 0.
    fn int(&self, o: &Map<String, Value>, key: &str) -> Result<Option<u64>, Error> {
        match self.num(o, key)? {
            None => Ok(None),
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v <= 9.0e15 => Ok(Some(v as u64)),
            Some(v) => Err(self.err(format!(
                "`{key}` must be a whole number of zero or more, got {v}"
            ))),
        }
    }

    fn req_int(&self, o: &Map<String, Value>, key: &str) -> Result<u64, Error> {
        self.int(o, key)?
            .ok_or_else(|| self.err(format!("`{key}` is missing")))
    }

    fn positive(&self, key: &str, v: f64) -> Result<f64, Error> {
        if v > 0.0 {
            Ok(v)
        } else {
            Err(self.err(format!("`{key}` must be a positive number, got {v}")))
        }
    }

    fn non_negative(&self, key: &str, v: f64) -> Result<f64, Error> {
        if v >= 0.0 {
            Ok(v)
        } else {
            Err(self.err(format!("`{key}` must be zero or more, got {v}")))
        }
    }

    fn height(&self, key: &str, h: u64) -> Result<u64, Error> {
        if h > chain::FIRST_ZERO_SUBSIDY_HEIGHT {
            Err(self.err(format!(
                "`{key}` must be at most {}, got {h}",
                chain::FIRST_ZERO_SUBSIDY_HEIGHT
            )))
        } else {
            Ok(h)
        }
    }

    /// The UTC date of a unix time in seconds.
    fn date(&self, key: &str, secs: f64) -> Result<NaiveDate, Error> {
        DateTime::<Utc>::from_timestamp(secs.floor() as i64, 0)
            .filter(|_| secs.is_finite() && secs >= 0.0)
            .map(|t| t.date_naive())
            .filter(|d| crate::params::date_in_range(*d))
            .ok_or_else(|| {
                self.err(format!(
                    "`{key}` is not a unix time in seconds from 2009-01-03 to 2200-12-31: {secs}"
                ))
            })
    }

    /// Bitcoin Core's `chain`: minecalc models mainnet only.
    fn check_chain(&self, o: &Map<String, Value>) -> Result<(), Error> {
        match o.get("chain") {
            None | Some(Value::Null) => Ok(()),
            Some(Value::String(c)) if c == "main" => Ok(()),
            Some(Value::String(c)) => Err(self.err(format!(
                "the node is on chain \"{c}\"; minecalc models bitcoin mainnet (\"main\")"
            ))),
            Some(other) => Err(self.err(format!("`chain` must be a string, got {}", short(other)))),
        }
    }

    /// Bitcoin Core's `warnings`: a string (older nodes, `-deprecatedrpc=warnings`) or an
    /// array of strings (v28+).
    fn core_warnings(&mut self, o: &Map<String, Value>) -> Result<(), Error> {
        match o.get("warnings") {
            None | Some(Value::Null) => Ok(()),
            Some(Value::String(s)) => {
                if !s.trim().is_empty() {
                    self.warnings.push(s.trim().to_string());
                }
                Ok(())
            }
            Some(Value::Array(a)) => {
                for w in a {
                    match w {
                        Value::String(s) if s.trim().is_empty() => {}
                        Value::String(s) => self.warnings.push(s.trim().to_string()),
                        other => {
                            return Err(self.err(format!(
                                "`warnings` must be a string or an array of strings, got {}",
                                short(other)
                            )))
                        }
                    }
                }
                Ok(())
            }
            Some(other) => Err(self.err(format!(
                "`warnings` must be a string or an array of strings, got {}",
                short(other)
            ))),
        }
    }

    // --- formats -------------------------------------------------------------------------

    fn mininginfo(&mut self, o: &Map<String, Value>) -> Result<Figures, Error> {
        self.check_chain(o)?;
        self.core_warnings(o)?;
        let height = self.height("blocks", self.req_int(o, "blocks")?)?;
        // `next.difficulty` (recent Core) is the difficulty of block height + 1, which is what
        // the model wants; it differs from `difficulty` only at a retarget boundary.
        let next = match o.get("next") {
            Some(Value::Object(n)) => self.num(n, "difficulty")?,
            _ => None,
        };
        let difficulty = match next {
            Some(d) => self.positive("next.difficulty", d)?,
            None => self.positive("difficulty", self.req_num(o, "difficulty")?)?,
        };
        // `networkhashps` is 0 when the node cannot estimate it (too few blocks): absent then.
        let hashrate_hs = match self.num(o, "networkhashps")? {
            Some(h) if h > 0.0 => Some(h),
            Some(h) if h < 0.0 => {
                return Err(self.err(format!("`networkhashps` must be zero or more, got {h}")))
            }
            _ => None,
        };
        Ok(Figures {
            height: Some(height),
            difficulty: Some(difficulty),
            hashrate_hs,
            ..Figures::default()
        })
    }

    fn blockchaininfo(&mut self, o: &Map<String, Value>) -> Result<Figures, Error> {
        self.check_chain(o)?;
        self.core_warnings(o)?;
        let height = self.height("blocks", self.req_int(o, "blocks")?)?;
        if o.get("initialblockdownload") == Some(&Value::Bool(true)) {
            let headers = self.int(o, "headers")?.unwrap_or(height);
            return Err(self.err(format!(
                "the node is still syncing (initialblockdownload: true, block {height} of {headers}); its figures are not current"
            )));
        }
        let difficulty = self.positive("difficulty", self.req_num(o, "difficulty")?)?;
        let date = match (self.num(o, "time")?, self.num(o, "mediantime")?) {
            (Some(t), _) => Some(self.date("time", t)?),
            (None, Some(t)) => Some(self.date("mediantime", t)?),
            (None, None) => None,
        };
        Ok(Figures {
            height: Some(height),
            difficulty: Some(difficulty),
            date,
            ..Figures::default()
        })
    }

    fn hashrate(&self, o: &Map<String, Value>) -> Result<Figures, Error> {
        let hashrates = self.objects(o, "hashrates")?;
        let difficulties = self.objects(o, "difficulty")?;
        let mut newest: Option<f64> = None;
        let mut last_hashrate: Option<(f64, f64)> = None;
        for h in &hashrates {
            let t = self.req_num(h, "timestamp")?;
            let v = self.req_num(h, "avgHashrate")?;
            newest = Some(newest.map_or(t, |n: f64| n.max(t)));
            if last_hashrate.is_none_or(|(lt, _)| t >= lt) {
                last_hashrate = Some((t, v));
            }
        }
        let mut last_difficulty: Option<(f64, f64)> = None;
        for d in &difficulties {
            // The current backend writes `time`; the older docs sample `timestamp`.
            let t = match self.num(d, "time")? {
                Some(t) => t,
                None => self.req_num(d, "timestamp")?,
            };
            let v = self.req_num(d, "difficulty")?;
            newest = Some(newest.map_or(t, |n: f64| n.max(t)));
            if last_difficulty.is_none_or(|(lt, _)| t >= lt) {
                last_difficulty = Some((t, v));
            }
        }
        let hashrate = match self.num(o, "currentHashrate")? {
            Some(h) => Some(self.positive("currentHashrate", h)?),
            None => match last_hashrate {
                Some((_, h)) => Some(self.positive("hashrates[].avgHashrate", h)?),
                None => None,
            },
        };
        let difficulty = match self.num(o, "currentDifficulty")? {
            Some(d) => Some(self.positive("currentDifficulty", d)?),
            None => match last_difficulty {
                Some((_, d)) => Some(self.positive("difficulty[].difficulty", d)?),
                None => None,
            },
        };
        if hashrate.is_none() && difficulty.is_none() {
            return Err(self.err("gives neither `currentHashrate` nor `currentDifficulty`"));
        }
        let date = match newest {
            Some(t) => Some(self.date("timestamp", t)?),
            None => None,
        };
        // The heights in `difficulty[]` are those of difficulty changes, not the tip: not used.
        Ok(Figures {
            hashrate_hs: hashrate,
            difficulty,
            date,
            ..Figures::default()
        })
    }

    fn difficulty_adjustment(&self, o: &Map<String, Value>) -> Result<Figures, Error> {
        let next = self.req_int(o, "nextRetargetHeight")?;
        let remaining = self.req_int(o, "remainingBlocks")?;
        // mempool: remainingBlocks = 2016 - tip % 2016, nextRetargetHeight = tip + remainingBlocks.
        let height = next.checked_sub(remaining).ok_or_else(|| {
            self.err(format!(
                "`remainingBlocks` ({remaining}) exceeds `nextRetargetHeight` ({next})"
            ))
        })?;
        let height = self.height("nextRetargetHeight", height)?;
        let mut f = Figures {
            height: Some(height),
            ..Figures::default()
        };
        // `previousTime` (unix seconds: the epoch's first block) appears in the current API,
        // whose `estimatedRetargetDate` and `remainingTime` are in milliseconds; the moment the
        // document was made is their difference. Older documents (seconds, no previousTime)
        // give the height only.
        if let (Some(prev), Some(eta), Some(rem)) = (
            self.num(o, "previousTime")?,
            self.num(o, "estimatedRetargetDate")?,
            self.num(o, "remainingTime")?,
        ) {
            if prev > 0.0 {
                let now_s = (eta - rem) / 1000.0;
                let elapsed = now_s - prev;
                if !(0.0..=4.0 * chain::TARGET_TIMESPAN_S).contains(&elapsed) {
                    return Err(self.err(format!(
                        "`previousTime` {prev} s and `estimatedRetargetDate` - `remainingTime` = {now_s} s (from milliseconds) do not make an epoch of 0 to 8 weeks"
                    )));
                }
                f.epoch_elapsed_s = Some(elapsed);
                f.date = Some(self.date("estimatedRetargetDate - remainingTime", now_s)?);
            }
        }
        Ok(f)
    }

    fn prices(&self, o: &Map<String, Value>) -> Result<Figures, Error> {
        let price = self.positive("USD", self.req_num(o, "USD")?)?;
        let date = self.date("time", self.req_num(o, "time")?)?;
        Ok(Figures {
            price_usd: Some(price),
            date: Some(date),
            ..Figures::default()
        })
    }

    fn historical_price(&self, o: &Map<String, Value>) -> Result<Figures, Error> {
        let prices = self.objects(o, "prices")?;
        let mut best: Option<(f64, f64)> = None;
        for p in &prices {
            let (Some(t), Some(usd)) = (self.num(p, "time")?, self.num(p, "USD")?) else {
                continue;
            };
            if best.is_none_or(|(bt, _)| t >= bt) {
                best = Some((t, usd));
            }
        }
        let (t, usd) =
            best.ok_or_else(|| self.err("`prices` has no entry with `time` and `USD`"))?;
        Ok(Figures {
            price_usd: Some(self.positive("prices[].USD", usd)?),
            date: Some(self.date("prices[].time", t)?),
            ..Figures::default()
        })
    }

    fn blocks(&self, blocks: &[&Map<String, Value>]) -> Result<Figures, Error> {
        let mut tip: Option<(u64, f64, f64)> = None;
        let mut fees_sum = 0.0;
        let mut fees_n = 0usize;
        for b in blocks {
            let h = self.height("height", self.req_int(b, "height")?)?;
            let d = self.positive("difficulty", self.req_num(b, "difficulty")?)?;
            let t = self.req_num(b, "timestamp")?;
            if tip.is_none_or(|(th, _, _)| h > th) {
                tip = Some((h, d, t));
            }
            if let Some(Value::Object(x)) = b.get("extras") {
                if let Some(f) = self.num(x, "totalFees")? {
                    fees_sum += self.non_negative("extras.totalFees", f)?;
                    fees_n += 1;
                }
            }
        }
        let (h, d, t) = tip.ok_or_else(|| self.unknown("an empty array"))?;
        Ok(Figures {
            height: Some(h),
            difficulty: Some(d),
            date: Some(self.date("timestamp", t)?),
            fees_btc_per_block: (fees_n > 0).then(|| fees_sum / fees_n as f64 / SATS_PER_BTC),
            ..Figures::default()
        })
    }

    fn block_fees(&self, rows: &[&Map<String, Value>]) -> Result<Figures, Error> {
        let mut sum = 0.0;
        let mut newest = f64::MIN;
        for r in rows {
            sum += self.non_negative("avgFees", self.req_num(r, "avgFees")?)?;
            newest = newest.max(self.req_num(r, "timestamp")?);
        }
        Ok(Figures {
            fees_btc_per_block: Some(sum / rows.len() as f64 / SATS_PER_BTC),
            date: Some(self.date("timestamp", newest)?),
            ..Figures::default()
        })
    }

    fn reward_stats(&self, o: &Map<String, Value>) -> Result<Figures, Error> {
        let start = self.req_int(o, "startBlock")?;
        let end = self.height("endBlock", self.req_int(o, "endBlock")?)?;
        if end < start {
            return Err(self.err(format!("`endBlock` {end} is before `startBlock` {start}")));
        }
        let fee = self.non_negative("totalFee", self.req_num(o, "totalFee")?)?;
        let n = (end - start + 1) as f64;
        Ok(Figures {
            height: Some(end),
            fees_btc_per_block: Some(fee / n / SATS_PER_BTC),
            ..Figures::default()
        })
    }

    fn snapshot(&self, text: &str) -> Result<Figures, Error> {
        let s: Snapshot = serde_json::from_str(text)
            .map_err(|e| self.err(format!("not a valid network snapshot: {e}")))?;
        let st = s.state();
        if !crate::params::date_in_range(st.date) {
            return Err(self.err(format!(
                "not a valid network snapshot: `as_of` must be {}, got {}",
                crate::params::DATE_RULE,
                st.date
            )));
        }
        st.validate()
            .map_err(|e| self.err(format!("not a valid network snapshot: {e}")))?;
        Ok(Figures {
            height: Some(self.height("height.value", st.height)?),
            difficulty: Some(st.difficulty),
            hashrate_hs: Some(st.hashrate_hs),
            price_usd: Some(st.price_usd),
            fees_btc_per_block: Some(st.fees_btc_per_block),
            date: Some(st.date),
            epoch_elapsed_s: st.epoch_elapsed_s,
        })
    }

    /// An array of objects under `key` (missing or null = empty).
    fn objects<'v>(
        &self,
        o: &'v Map<String, Value>,
        key: &str,
    ) -> Result<Vec<&'v Map<String, Value>>, Error> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_object().ok_or_else(|| {
                        self.err(format!("`{key}` must hold objects, got {}", short(x)))
                    })
                })
                .collect(),
            Some(other) => Err(self.err(format!("`{key}` must be an array, got {}", short(other)))),
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A JSON value shortened for a message.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let head: String = s.chars().take(37).collect();
        format!("{head}...")
    } else {
        s
    }
}

// --- merging --------------------------------------------------------------------------------

/// Several documents merged: each figure from the first document that has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// The merged figures. `date` is the date of the chain state (see [`merge`]).
    pub figures: Figures,
    /// For each document, in order, the names of the figures taken from it (see
    /// [`Figures::present`]); documents that gave nothing are left out.
    pub taken: Vec<(String, Vec<&'static str>)>,
}

/// Merges documents: each figure comes from the first document that has it (later documents
/// fill what earlier ones lack). The date is that of the chain state: the first dated document
/// at the merged height, else (no height) the dated document that gave the difficulty or the
/// hashrate. The epoch progress is kept only from a document in the same epoch as that height.
pub fn merge(docs: &[Document]) -> Merged {
    let mut f = Figures::default();
    let mut src: [Option<usize>; 6] = [None; 6];
    for (i, d) in docs.iter().enumerate() {
        let g = &d.figures;
        fill(&mut f.height, g.height, &mut src[0], i);
        fill(&mut f.difficulty, g.difficulty, &mut src[1], i);
        fill(&mut f.hashrate_hs, g.hashrate_hs, &mut src[2], i);
        fill(&mut f.price_usd, g.price_usd, &mut src[3], i);
        fill(
            &mut f.fees_btc_per_block,
            g.fees_btc_per_block,
            &mut src[4],
            i,
        );
    }
    f.date = match f.height {
        Some(h) => docs
            .iter()
            .find(|d| d.figures.height == Some(h) && d.figures.date.is_some())
            .and_then(|d| d.figures.date),
        None => [src[1], src[2]]
            .into_iter()
            .flatten()
            .find_map(|i| docs[i].figures.date),
    };
    for (i, d) in docs.iter().enumerate() {
        let (Some(e), Some(dh)) = (d.figures.epoch_elapsed_s, d.figures.height) else {
            continue;
        };
        let same_epoch = f
            .height
            .is_none_or(|h| chain::epoch_of(h + 1) == chain::epoch_of(dh + 1));
        if same_epoch {
            f.epoch_elapsed_s = Some(e);
            src[5] = Some(i);
            break;
        }
    }
    let names = [
        "height",
        "difficulty",
        "hashrate",
        "price",
        "fees",
        "epoch progress",
    ];
    let mut taken: Vec<(String, Vec<&'static str>)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let fields: Vec<&'static str> = names
            .iter()
            .zip(src.iter())
            .filter(|(_, s)| **s == Some(i))
            .map(|(n, _)| *n)
            .collect();
        if !fields.is_empty() {
            taken.push((d.name.clone(), fields));
        }
    }
    Merged { figures: f, taken }
}

fn fill<T: Copy>(slot: &mut Option<T>, v: Option<T>, src: &mut Option<usize>, i: usize) {
    if slot.is_none() {
        if let Some(v) = v {
            *slot = Some(v);
            *src = Some(i);
        }
    }
}

/// Where a run's network state came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentBase {
    /// The base state: the documents' figures, the rest from the fallback.
    pub state: NetworkState,
    /// True when the documents gave the chain's state (its date is then theirs, not the
    /// fallback's).
    pub gives_chain_state: bool,
    /// One line naming the figures each source gave.
    pub source: String,
}

impl Merged {
    /// The base network state for a run: the documents' figures over `fallback` (the embedded
    /// snapshot's state, described as `fallback_name`). When the documents give the chain's
    /// state, its date is theirs, else the start flag's, else `today`; the flags in `flags`
    /// only matter to say whether a figure the documents lack will be given by a flag (the
    /// flags themselves are applied later by [`NetworkInputs::resolve`]).
    pub fn base_state(
        &self,
        fallback: &NetworkState,
        fallback_name: &str,
        flags: &NetworkInputs,
        today: NaiveDate,
    ) -> Result<DocumentBase, Error> {
        let f = &self.figures;
        let names = || {
            self.taken
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut state = fallback.clone();
        let gives_chain_state = f.gives_chain_state();
        let mut from_fallback: Vec<&str> = Vec::new();
        if gives_chain_state {
            state.height = match (f.height, flags.height) {
                (Some(h), _) => h,
                (None, Some(h)) => h,
                (None, None) => {
                    return Err(Error::input(format!(
                        "{}: the documents give the difficulty or hashrate but not the chain height; add one that does (getmininginfo, getblockchaininfo, /api/v1/blocks) or pass --height",
                        names()
                    )))
                }
            };
            let difficulty = f.difficulty.or(flags.difficulty);
            let hashrate = f.hashrate_hs.or(flags.hashrate_hs);
            if !state.set_difficulty_hashrate(difficulty, hashrate) {
                return Err(Error::input(format!(
                    "{}: the documents give the chain height but not the difficulty or hashrate; add one that does (getmininginfo, getblockchaininfo, /api/v1/blocks, /api/v1/mining/hashrate) or pass --difficulty",
                    names()
                )));
            }
            state.date = f.date.or(flags.start).unwrap_or(today);
            state.epoch_elapsed_s = f.epoch_elapsed_s;
        } else {
            from_fallback.extend(["height", "difficulty", "hashrate"]);
        }
        match f.price_usd {
            Some(p) => state.price_usd = p,
            None if flags.price_usd.is_none() => from_fallback.push("price"),
            None => {}
        }
        match f.fees_btc_per_block {
            Some(v) => state.fees_btc_per_block = v,
            None if flags.fees_btc_per_block.is_none() => from_fallback.push("fees"),
            None => {}
        }
        let mut parts: Vec<String> = self
            .taken
            .iter()
            .map(|(n, fields)| format!("{n} ({})", fields.join(", ")))
            .collect();
        if !from_fallback.is_empty() {
            parts.push(format!("{fallback_name} ({})", from_fallback.join(", ")));
        }
        Ok(DocumentBase {
            state,
            gives_chain_state,
            source: parts.join(", "),
        })
    }
}

// --- snapshot files ---------------------------------------------------------------------------

/// Where each figure of a fetched snapshot came from (a URL each).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureSources {
    /// Source of the height.
    pub height: String,
    /// Source of the difficulty.
    pub difficulty: String,
    /// Source of the hashrate.
    pub hashrate: String,
    /// Source of the price.
    pub price: String,
    /// Source of the fees.
    pub fees: String,
    /// Source of the epoch progress.
    pub epoch_elapsed: String,
}

/// Builds a snapshot file from merged figures fetched from `api_url` at `fetched_at`; every
/// figure is dated the fetch's UTC date. Errors name the figure that is missing.
pub fn snapshot_from(
    figures: &Figures,
    sources: &FigureSources,
    api_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<Snapshot, Error> {
    let as_of = fetched_at.date_naive();
    let missing = |what: &str, src: &str| {
        Error::runtime(format!("{api_url}: no {what} in the response of {src}"))
    };
    let fig = |value: f64, source: &str| SourcedFigure {
        value,
        as_of,
        source: source.to_string(),
    };
    let height = figures
        .height
        .ok_or_else(|| missing("height", &sources.height))?;
    let difficulty = figures
        .difficulty
        .ok_or_else(|| missing("difficulty", &sources.difficulty))?;
    let hashrate = figures
        .hashrate_hs
        .ok_or_else(|| missing("hashrate", &sources.hashrate))?;
    let price = figures
        .price_usd
        .ok_or_else(|| missing("USD price", &sources.price))?;
    let fees = figures
        .fees_btc_per_block
        .ok_or_else(|| missing("fees (extras.totalFees)", &sources.fees))?;
    let stamp = fetched_at.format("%Y-%m-%dT%H:%M:%SZ");
    Ok(Snapshot {
        as_of,
        description: format!(
            "Bitcoin network state fetched from {api_url} at {stamp} by minecalc network snapshot: tip height {height}; hashrate is the API's current estimate, fees the mean of the recent blocks it lists."
        ),
        height: SourcedFigure {
            value: height,
            as_of,
            source: sources.height.clone(),
        },
        difficulty: fig(difficulty, &sources.difficulty),
        network_hashrate_eh_s: fig(hashrate / 1e18, &sources.hashrate),
        btc_price_usd: fig(price, &sources.price),
        fees_btc_per_block: fig(fees, &sources.fees),
        epoch_elapsed_s: figures
            .epoch_elapsed_s
            .map(|e| fig(e, &sources.epoch_elapsed)),
        fetched_at: Some(fetched_at),
        api_url: Some(api_url.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::d;

    const MININGINFO_BARE: &str = r#"{
      "blocks": 933586, "bits": "1701fca1", "difficulty": 141668107417558.2,
      "target": "00000000000000000001fca10000000000000000000000000000000000000000",
      "networkhashps": 934512955213370500000, "pooledtx": 1094, "chain": "main",
      "next": {"height": 933587, "bits": "1701fca1", "difficulty": 141668107417558.2},
      "warnings": []
    }"#;

    fn parse(text: &str) -> Result<Document, Error> {
        parse_document("doc.json", text)
    }

    #[test]
    fn core_mininginfo_bare_and_enveloped_agree() {
        let bare = parse(MININGINFO_BARE).unwrap();
        let env = parse(&format!(
            r#"{{"result": {MININGINFO_BARE}, "error": null, "id": "curltest"}}"#
        ))
        .unwrap();
        assert_eq!(bare.format, DocFormat::CoreMiningInfo);
        assert_eq!(bare.figures, env.figures);
        assert_eq!(bare.figures.height, Some(933_586));
        assert_eq!(bare.figures.difficulty, Some(141_668_107_417_558.2));
        // serde_json parses big numbers to within an ulp.
        let h = bare.figures.hashrate_hs.unwrap();
        assert!((h / 934_512_955_213_370_500_000.0 - 1.0).abs() < 1e-15);
        assert_eq!(bare.figures.date, None);
    }

    #[test]
    fn next_difficulty_wins_over_the_tips() {
        let doc = parse(
            r#"{"blocks": 937439, "difficulty": 125.86e12, "pooledtx": 5, "chain": "main",
                "next": {"height": 937440, "difficulty": 144.40e12}, "warnings": ""}"#,
        )
        .unwrap();
        assert_eq!(doc.figures.difficulty, Some(144.40e12));
    }

    #[test]
    fn older_core_without_optional_fields() {
        // ≤ v27: no bits/target/next; networkhashps 0 when the node cannot estimate it.
        let doc = parse(
            r#"{"blocks": 800000, "currentblocktx": 0, "difficulty": 52.35e12,
                "networkhashps": 0, "pooledtx": 0, "chain": "main", "warnings": ""}"#,
        )
        .unwrap();
        assert_eq!(doc.format, DocFormat::CoreMiningInfo);
        assert_eq!(doc.figures.hashrate_hs, None);
        let doc = parse(
            r#"{"chain": "main", "blocks": 800000, "headers": 800000, "difficulty": 52.35e12,
                "verificationprogress": 1, "warnings": ""}"#,
        )
        .unwrap();
        assert_eq!(doc.format, DocFormat::CoreBlockchainInfo);
        assert_eq!(doc.figures.date, None);
    }

    #[test]
    fn warnings_as_string_or_array() {
        let s = parse(
            r#"{"blocks": 1, "difficulty": 1, "pooledtx": 0, "warnings": "Unknown new rules activated"}"#,
        )
        .unwrap();
        assert_eq!(s.warnings, vec!["Unknown new rules activated"]);
        let a =
            parse(r#"{"blocks": 1, "difficulty": 1, "pooledtx": 0, "warnings": ["a", "", "b"]}"#)
                .unwrap();
        assert_eq!(a.warnings, vec!["a", "b"]);
        let empty =
            parse(r#"{"blocks": 1, "difficulty": 1, "pooledtx": 0, "warnings": ""}"#).unwrap();
        assert!(empty.warnings.is_empty());
        let bad = parse(r#"{"blocks": 1, "difficulty": 1, "pooledtx": 0, "warnings": 7}"#)
            .unwrap_err()
            .to_string();
        assert!(
            bad.contains("`warnings` must be a string or an array"),
            "{bad}"
        );
    }

    #[test]
    fn rpc_errors_testnets_and_syncing_nodes_are_refused() {
        let e = parse(r#"{"result": null, "error": {"code": -28, "message": "Loading block index…"}, "id": 1}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "doc.json: the JSON-RPC response is an error: Loading block index…"
        );
        let e = parse(r#"{"blocks": 1, "difficulty": 1, "pooledtx": 0, "chain": "test"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("chain \"test\""), "{e}");
        let e = parse(
            r#"{"blocks": 5, "headers": 900000, "difficulty": 1, "initialblockdownload": true}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("still syncing"), "{e}");
    }

    #[test]
    fn unknown_shapes_list_the_known_formats() {
        for (text, what) in [
            (r#"{"hello": 1}"#, "an object with keys hello"),
            ("[]", "an empty array"),
            ("[1, 2]", "an array holding a number"),
            ("42", "a JSON number"),
            (r#"[{"x": 1}]"#, "an array of objects with keys x"),
        ] {
            let e = parse(text).unwrap_err();
            let m = e.to_string();
            assert!(matches!(e, Error::Input(_)));
            assert!(m.starts_with("doc.json: not a network document"), "{m}");
            assert!(m.contains(what), "{m}");
            assert!(
                m.contains("getmininginfo") && m.contains("/api/v1/prices"),
                "{m}"
            );
            assert!(!m.contains('\n'));
        }
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let e = parse("{\n  \"blocks\": 5,\n  \"difficulty\": oops\n}")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("doc.json: bad JSON at line 3, column "),
            "{e}"
        );
        assert!(!e.contains(" at line 3 column"), "{e}");
        let e = parse("  \n").unwrap_err().to_string();
        assert!(e.starts_with("doc.json: empty"), "{e}");
    }

    #[test]
    fn difficulty_adjustment_gives_height_and_elapsed_time() {
        // Current API: estimatedRetargetDate and remainingTime in ms, previousTime in s.
        let now_s = 1_700_000_000.0;
        let prev = now_s - 500_000.0;
        let text = format!(
            r#"{{"progressPercent": 40.0, "difficultyChange": 1.0, "estimatedRetargetDate": {},
                "remainingBlocks": 1210, "remainingTime": 726000000, "previousRetarget": -1.0,
                "previousTime": {prev}, "nextRetargetHeight": 818496, "timeAvg": 600000,
                "adjustedTimeAvg": 600000, "timeOffset": 0, "expectedBlocks": 833.3}}"#,
            now_s * 1000.0 + 726_000_000.0
        );
        let doc = parse(&text).unwrap();
        assert_eq!(doc.format, DocFormat::MempoolDifficultyAdjustment);
        assert_eq!(doc.figures.height, Some(818_496 - 1210));
        assert!((doc.figures.epoch_elapsed_s.unwrap() - 500_000.0).abs() < 1e-6);
        assert_eq!(doc.figures.date, Some(d("2023-11-14")));
    }

    #[test]
    fn merge_fills_from_later_documents() {
        let a = parse(MININGINFO_BARE).unwrap();
        let b = parse_document("prices.json", r#"{"time": 1703252411, "USD": 43753}"#).unwrap();
        let c = parse_document(
            "other.json",
            r#"{"blocks": 1, "difficulty": 2, "pooledtx": 0, "chain": "main"}"#,
        )
        .unwrap();
        let m = merge(&[a, b, c]);
        assert_eq!(m.figures.height, Some(933_586));
        assert_eq!(m.figures.price_usd, Some(43_753.0));
        // The prices' date is not the chain's.
        assert_eq!(m.figures.date, None);
        assert_eq!(
            m.taken,
            vec![
                (
                    "doc.json".to_string(),
                    vec!["height", "difficulty", "hashrate"]
                ),
                ("prices.json".to_string(), vec!["price"]),
            ]
        );
    }

    #[test]
    fn base_state_requires_a_whole_chain_state() {
        let snap = Snapshot::embedded().state();
        let only_hashrate = parse(
            r#"{"hashrates": [], "difficulty": [], "currentHashrate": 9e20, "currentDifficulty": 1.3e14}"#,
        )
        .unwrap();
        let m = merge(&[only_hashrate]);
        let e = m
            .base_state(&snap, "snap", &NetworkInputs::default(), d("2026-01-01"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not the chain height"), "{e}");
        let flags = NetworkInputs {
            height: Some(900_000),
            ..NetworkInputs::default()
        };
        let b = m
            .base_state(&snap, "snap", &flags, d("2026-01-01"))
            .unwrap();
        assert_eq!(b.state.difficulty, 1.3e14);
        assert_eq!(b.state.price_usd, snap.price_usd);
        assert_eq!(
            b.source,
            "doc.json (difficulty, hashrate), snap (price, fees)"
        );
    }

    #[test]
    fn base_state_date_is_the_documents_else_start_else_today() {
        let snap = Snapshot::embedded().state();
        let m = merge(&[parse(MININGINFO_BARE).unwrap()]);
        let today = d("2026-02-01");
        let b = m
            .base_state(&snap, "snap", &NetworkInputs::default(), today)
            .unwrap();
        assert_eq!(b.state.date, today);
        assert!(b.gives_chain_state);
        let flags = NetworkInputs {
            start: Some(d("2026-01-24")),
            ..NetworkInputs::default()
        };
        let b = m.base_state(&snap, "snap", &flags, today).unwrap();
        assert_eq!(b.state.date, d("2026-01-24"));
        let info = parse(
            r#"{"chain": "main", "blocks": 933586, "headers": 933586, "difficulty": 141668107417558.2,
                "time": 1769215475, "mediantime": 1769212489, "warnings": ""}"#,
        )
        .unwrap();
        let m = merge(&[parse(MININGINFO_BARE).unwrap(), info]);
        let b = m.base_state(&snap, "snap", &flags, today).unwrap();
        assert_eq!(b.state.date, d("2026-01-24"));
        assert_eq!(m.figures.date, Some(d("2026-01-24")));
    }

    #[test]
    fn price_only_documents_keep_the_fallback_chain() {
        let snap = Snapshot::embedded().state();
        let m = merge(&[parse(r#"{"time": 1703252411, "USD": 43753}"#).unwrap()]);
        let b = m
            .base_state(&snap, "snap", &NetworkInputs::default(), d("2030-01-01"))
            .unwrap();
        assert!(!b.gives_chain_state);
        assert_eq!(b.state.date, snap.date);
        assert_eq!(b.state.height, snap.height);
        assert_eq!(b.state.price_usd, 43_753.0);
    }

    #[test]
    fn snapshot_round_trips() {
        let f = Figures {
            height: Some(955_600),
            difficulty: Some(1.3387e14),
            hashrate_hs: Some(9.8e20),
            price_usd: Some(60_000.0),
            fees_btc_per_block: Some(0.03),
            date: None,
            epoch_elapsed_s: Some(9_000.0),
        };
        let at = DateTime::<Utc>::from_timestamp(1_782_500_000, 0).unwrap();
        let s = snapshot_from(&f, &FigureSources::default(), "http://x", at).unwrap();
        let text = serde_json::to_string_pretty(&s).unwrap();
        let doc = parse(&text).unwrap();
        assert_eq!(doc.format, DocFormat::Snapshot);
        assert_eq!(doc.figures.height, Some(955_600));
        assert_eq!(doc.figures.hashrate_hs, Some(9.8e20));
        assert_eq!(doc.figures.epoch_elapsed_s, Some(9_000.0));
        assert_eq!(doc.figures.date, Some(at.date_naive()));
        let missing = Figures {
            price_usd: None,
            ..f
        };
        let e = snapshot_from(&missing, &FigureSources::default(), "http://x", at).unwrap_err();
        assert!(matches!(e, Error::Runtime(_)));
    }

    #[test]
    fn embedded_snapshot_is_a_document() {
        let doc = parse(crate::model::network::EMBEDDED_SNAPSHOT_JSON).unwrap();
        assert_eq!(doc.format, DocFormat::Snapshot);
        assert_eq!(doc.figures.height, Some(955_584));
    }
}
