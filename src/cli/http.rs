//! The HTTP GET behind `network snapshot`: a 10 s timeout, a 10 MB body cap (ureq's), redirects
//! followed by hand and only to http or https, and URLs shown without their credentials.

use std::time::Duration;

use minecalc::inputs::documents::{self, DocFormat, Document};
use minecalc::Error;

/// Time limit of each HTTP request.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// The agent every request uses: ureq's own redirects are off (they are followed here, where a
/// redirect to another scheme is refused instead of reaching the client).
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(HTTP_TIMEOUT)
        .redirects(0)
        .user_agent(concat!("minecalc/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Checks `--api-url`: http or https, with a host.
pub fn check_base(raw: &str) -> Result<String, Error> {
    let base = raw.trim().trim_end_matches('/');
    let lower = base.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || base.len() < 9 {
        return Err(Error::input(format!(
            "--api-url must be an http:// or https:// URL, got \"{}\"",
            minecalc::error::clip(&redact(raw), 80)
        )));
    }
    Ok(base.to_string())
}

/// `url` without `user:password@` (for messages and the snapshot's sources).
pub fn redact(url: &str) -> String {
    let Some(i) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[i + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..i + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// GETs `url` and parses the body as a document of `format`. Every failure is a runtime error
/// naming the URL (without credentials): the user's input was fine, the server's answer was not.
pub fn fetch_document(
    agent: &ureq::Agent,
    url: &str,
    format: DocFormat,
) -> Result<Document, Error> {
    let shown = redact(url);
    let body = get(agent, url)?;
    let doc =
        documents::parse_document(&shown, &body).map_err(|e| Error::runtime(e.to_string()))?;
    if doc.format != format {
        return Err(Error::runtime(format!(
            "{shown}: expected {format}, got {}",
            doc.format
        )));
    }
    Ok(doc)
}

/// GETs `url`, following at most [`MAX_REDIRECTS`] redirects to http or https URLs.
fn get(agent: &ureq::Agent, url: &str) -> Result<String, Error> {
    let first = redact(url);
    let mut url = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        let shown = redact(&url);
        let resp = match agent.get(&url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(code, resp)) => {
                return Err(Error::runtime(format!(
                    "GET {shown}: HTTP {code} {}",
                    minecalc::error::clip(resp.status_text(), 80)
                )))
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(Error::runtime(format!("GET {shown}: {}", transport(&t))))
            }
        };
        if !(300..400).contains(&resp.status()) {
            return resp.into_string().map_err(|e| {
                Error::runtime(format!("GET {shown}: cannot read the response: {e}"))
            });
        }
        let Some(location) = resp.header("location") else {
            return Err(Error::runtime(format!(
                "GET {shown}: HTTP {} without a Location",
                resp.status()
            )));
        };
        url = join(&url, location.trim()).ok_or_else(|| {
            Error::runtime(format!(
                "GET {shown}: redirected to \"{}\"; minecalc follows redirects to http:// and https:// URLs only",
                minecalc::error::clip(&redact(location), 80)
            ))
        })?;
    }
    Err(Error::runtime(format!(
        "GET {first}: more than {MAX_REDIRECTS} redirects"
    )))
}

/// The URL a `Location` names, relative to `from`; `None` for another scheme.
fn join(from: &str, location: &str) -> Option<String> {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(location.to_string());
    }
    if location.contains("://") || location.is_empty() {
        return None;
    }
    let i = from.find("://")? + 3;
    let origin_end = from[i..].find('/').map_or(from.len(), |j| i + j);
    let origin = &from[..origin_end];
    if let Some(rest) = location.strip_prefix("//") {
        // Scheme-relative: the same scheme, another host.
        return Some(format!("{}//{rest}", &from[..i - 2]));
    }
    if location.starts_with('/') {
        return Some(format!("{origin}{location}"));
    }
    if location.contains(':') && !location.starts_with('.') {
        // `file:/etc/passwd`, `ftp:x`: another scheme.
        return None;
    }
    let dir_end = from[origin_end..]
        .rfind('/')
        .map_or(from.len(), |j| origin_end + j + 1);
    Some(format!("{}{location}", &from[..dir_end.min(from.len())]))
}

/// A transport failure in a few words.
fn transport(t: &ureq::Transport) -> String {
    let mut what = t.kind().to_string();
    if let Some(m) = t.message() {
        what.push_str(&format!(": {m}"));
    }
    if let Some(src) = std::error::Error::source(t) {
        let src = src.to_string();
        let src = src.strip_prefix(&format!("{what}: ")).unwrap_or(&src);
        if !what.ends_with(src) {
            what.push_str(&format!(": {src}"));
        }
    }
    if what.contains("timed out") || what.contains("WouldBlock") {
        what.push_str(&format!(" (no answer within {} s)", HTTP_TIMEOUT.as_secs()));
    }
    minecalc::error::clip(&redact(&what), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_cut_from_shown_urls() {
        assert_eq!(redact("http://u:p@h:8/a@b"), "http://h:8/a@b");
        assert_eq!(redact("https://h/x"), "https://h/x");
        assert_eq!(redact("http://a@b@h/"), "http://h/");
    }

    #[test]
    fn redirects_stay_on_http() {
        let from = "http://h:8/api/v1/blocks";
        assert_eq!(join(from, "/x").as_deref(), Some("http://h:8/x"));
        assert_eq!(join(from, "y").as_deref(), Some("http://h:8/api/v1/y"));
        assert_eq!(join(from, "https://o/z").as_deref(), Some("https://o/z"));
        assert_eq!(join(from, "//o/z").as_deref(), Some("http://o/z"));
        assert_eq!(join(from, "file:///etc/passwd"), None);
        assert_eq!(join(from, "FILE:/etc/passwd"), None);
        assert_eq!(join(from, "ftp://x"), None);
        assert_eq!(join(from, ""), None);
    }
}
