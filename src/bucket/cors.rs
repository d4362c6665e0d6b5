//! "Would a browser's upload pass?" before anyone opens a browser's
//! console: the preflight a browser sends (`OPTIONS` with `Origin`,
//! `Access-Control-Request-Method` and `-Headers`) is sent for real, and
//! the bucket's CORS rules are evaluated beside it the way S3 does (the
//! first rule whose origin, method and every requested header match), so
//! the answer names the rule that matched, or for each rule why it did
//! not. The two can disagree (moto ignores methods; a proxy in front may
//! answer on its own); the report says so rather than pick one.

use crate::diagnose::Explanation;
use crate::sanitize::clean;
use crate::store::StoreResult;
use crate::store::settings::{CorsRule, Preflight, PreflightAnswer};

/// What the rules say of a preflight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The bucket has no CORS configuration: every preflight is refused.
    NoRules,
    /// Rule `rule` (from 0) is the first that matches.
    Allowed { rule: usize },
    /// No rule matches; why, per rule.
    Refused { why: Vec<String> },
}

/// `"https://app.example.com PUT content-type,x-amz-meta-a"`: origin,
/// method (PUT if left out), then the headers the page's script sends.
pub fn parse(value: &str) -> Result<Preflight, String> {
    let mut words = value.split_whitespace();
    let origin = words.next().unwrap_or_default().to_owned();
    if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.len() < 10 {
        return Err(
            "type the page's origin as the browser sends it: https://app.example.com".into(),
        );
    }
    let method = words.next().unwrap_or("PUT").to_ascii_uppercase();
    if !matches!(method.as_str(), "GET" | "PUT" | "POST" | "DELETE" | "HEAD") {
        return Err(format!(
            "{method}: S3's CORS knows GET, PUT, POST, DELETE and HEAD"
        ));
    }
    let headers = words
        .flat_map(|w| w.split(','))
        .filter(|h| !h.is_empty())
        .map(|h| h.to_ascii_lowercase())
        .collect();
    Ok(Preflight {
        origin,
        method,
        headers,
    })
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters (S3 allows one per origin or header).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len()
                && text.starts_with(head)
                && glob_tail(tail, &text[head.len()..])
        }
    }
}

/// The rest of a pattern after a `*`: some suffix of `text` matches it.
fn glob_tail(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return text.ends_with(pattern);
    }
    (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .any(|i| glob(pattern, &text[i..]))
}

/// Why `rule` does not answer `p`, or `None` when it does.
fn mismatch(rule: &CorsRule, p: &Preflight) -> Option<String> {
    if !rule.origins.iter().any(|o| glob(o, &p.origin)) {
        return Some(format!("origin not in {}", rule.origins.join(", ")));
    }
    if !rule
        .methods
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&p.method))
    {
        return Some(format!(
            "{} not among its methods {}",
            p.method,
            rule.methods.join(", ")
        ));
    }
    let missing: Vec<&str> = p
        .headers
        .iter()
        .filter(|h| {
            !rule
                .headers
                .iter()
                .any(|a| glob(&a.to_ascii_lowercase(), &h.to_ascii_lowercase()))
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "header{} {} not allowed (AllowedHeader: {})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if rule.headers.is_empty() {
                "none".to_owned()
            } else {
                rule.headers.join(", ")
            }
        ));
    }
    None
}

/// The rules' answer to `p`, as S3 decides it: the first rule that matches.
pub fn evaluate(rules: &[CorsRule], p: &Preflight) -> Verdict {
    if rules.is_empty() {
        return Verdict::NoRules;
    }
    let mut why = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        match mismatch(r, p) {
            None => return Verdict::Allowed { rule: i },
            Some(w) => why.push(w),
        }
    }
    Verdict::Refused { why }
}

fn rule_words(r: &CorsRule) -> String {
    let mut s = format!(
        "origins {} · methods {} · headers {}",
        r.origins.join(", "),
        r.methods.join(", "),
        if r.headers.is_empty() {
            "none".to_owned()
        } else {
            r.headers.join(", ")
        }
    );
    if !r.expose.is_empty() {
        s.push_str(&format!(" · exposes {}", r.expose.join(", ")));
    }
    if let Some(a) = r.max_age {
        s.push_str(&format!(" · cached {a} s"));
    }
    s
}

/// The report of one check: the server's answer, the rules' verdict, and
/// what to change. `rules` is `None` when the CORS rules could not be read.
pub fn report(
    uri: &str,
    p: &Preflight,
    rules: Option<&[CorsRule]>,
    answer: &StoreResult<PreflightAnswer>,
) -> (bool, Explanation) {
    let asked = format!(
        "OPTIONS {} from {} for {}{}",
        clean(uri),
        clean(&p.origin),
        p.method,
        if p.headers.is_empty() {
            String::new()
        } else {
            format!(" with headers {}", clean(&p.headers.join(", ")))
        }
    );
    let verdict = rules.map(|r| evaluate(r, p));
    let mut hints = vec![asked];
    let server_passes = match answer {
        Ok(a) => {
            let passes = a.passes(p);
            hints.push(format!(
                "The server answered {}{}",
                a.status,
                match &a.allow_origin {
                    Some(o) => format!(" with Access-Control-Allow-Origin: {}", clean(o)),
                    None => " without Access-Control-Allow-Origin".to_owned(),
                }
            ));
            if let Some(m) = &a.allow_methods {
                hints.push(format!("  Access-Control-Allow-Methods: {}", clean(m)));
            }
            if let Some(h) = &a.allow_headers {
                hints.push(format!("  Access-Control-Allow-Headers: {}", clean(h)));
            }
            if let Some(e) = &a.expose_headers {
                hints.push(format!("  Access-Control-Expose-Headers: {}", clean(e)));
            }
            if let Some(m) = &a.message {
                hints.push(format!("  {}", clean(m)));
            }
            Some(passes)
        }
        Err(e) => {
            hints.push(format!(
                "The preflight could not be sent: {}",
                crate::diagnose::short(e)
            ));
            None
        }
    };
    match (&verdict, rules) {
        (Some(Verdict::NoRules), _) => {
            hints.push("The bucket has no CORS rules: S3 refuses every preflight.".into());
            hints.push(
                "Fix: F on the card → \"CORS: allow browser uploads from an origin…\"".into(),
            );
        }
        (Some(Verdict::Allowed { rule }), Some(rs)) => {
            hints.push(format!(
                "Rule {} of {} matches (S3 uses the first that does): {}",
                rule + 1,
                rs.len(),
                clean(&rule_words(&rs[*rule]))
            ));
            let r = &rs[*rule];
            if matches!(p.method.as_str(), "PUT" | "POST")
                && !r.expose.iter().any(|e| e.eq_ignore_ascii_case("etag"))
            {
                hints.push(
                    "It does not expose ETag: a browser's multipart upload cannot read the \
                     part ETags it must send back to complete the upload."
                        .into(),
                );
            }
        }
        (Some(Verdict::Refused { why }), _) => {
            hints.push("No rule matches:".into());
            for (i, w) in why.iter().enumerate() {
                hints.push(format!("  rule {}: {}", i + 1, clean(w)));
            }
        }
        _ => hints.push("The CORS rules could not be read, so no rule is named.".into()),
    }
    let rules_pass = match verdict {
        Some(Verdict::Allowed { .. }) => Some(true),
        Some(_) => Some(false),
        None => None,
    };
    if let (Some(s), Some(r)) = (server_passes, rules_pass)
        && s != r
    {
        hints.push(format!(
            "The server's answer and the rules disagree: the rules {} it, the server {} it. \
             Servers match differently (moto ignores the method; radosgw takes the first \
             rule whose origin matches, then checks the method), and a proxy may answer on \
             its own. A browser goes by the server.",
            if r { "allow" } else { "refuse" },
            if s { "allowed" } else { "refused" }
        ));
    }
    let passes = server_passes.or(rules_pass).unwrap_or(false);
    let title = if passes {
        "CORS preflight: a browser would be allowed"
    } else {
        "CORS preflight: a browser would be refused"
    };
    let summary = match (server_passes, passes) {
        (Some(_), true) => format!(
            "A page on {} may send {} requests here.",
            clean(&p.origin),
            p.method
        ),
        (Some(_), false) => format!(
            "A page on {} may not send {} requests here: the browser stops before the request.",
            clean(&p.origin),
            p.method
        ),
        (None, _) => "By the rules alone (the server did not answer):".into(),
    };
    (
        passes,
        Explanation {
            title: title.into(),
            summary,
            hints,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(origins: &[&str], methods: &[&str], headers: &[&str]) -> CorsRule {
        CorsRule {
            origins: origins.iter().map(|s| s.to_string()).collect(),
            methods: methods.iter().map(|s| s.to_string()).collect(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            expose: vec![],
            max_age: None,
        }
    }

    #[test]
    fn globs_take_one_star_anywhere() {
        assert!(glob("*", "https://a.com"));
        assert!(glob("https://*.example.com", "https://app.example.com"));
        assert!(!glob("https://*.example.com", "https://example.com"));
        assert!(!glob(
            "https://*.example.com",
            "https://evil.com/.example.com.x"
        ));
        assert!(glob("x-amz-*", "x-amz-meta-a"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob(
            "https://app.example.com",
            "https://app.example.com.evil"
        ));
    }

    #[test]
    fn the_first_matching_rule_answers_and_each_refusal_says_why() {
        let rules = vec![
            rule(&["https://a.com"], &["GET"], &[]),
            rule(&["https://*.a.com"], &["PUT", "POST"], &["content-type"]),
        ];
        let p = parse("https://up.a.com put Content-Type").unwrap();
        assert_eq!(p.headers, ["content-type"]);
        assert_eq!(evaluate(&rules, &p), Verdict::Allowed { rule: 1 });
        let p = parse("https://a.com PUT").unwrap();
        match evaluate(&rules, &p) {
            Verdict::Refused { why } => {
                assert!(why[0].contains("PUT not among its methods GET"), "{why:?}");
                assert!(why[1].contains("origin not in"), "{why:?}");
            }
            v => panic!("{v:?}"),
        }
        let p = parse("https://up.a.com PUT x-amz-meta-a").unwrap();
        assert!(
            matches!(evaluate(&rules, &p), Verdict::Refused { why } if why[1].contains("x-amz-meta-a"))
        );
        assert_eq!(evaluate(&[], &p), Verdict::NoRules);
    }

    #[test]
    fn typed_checks_are_origins_with_a_known_method() {
        assert!(parse("app.example.com PUT").is_err());
        assert!(parse("https://a.com PATCH").is_err());
        assert_eq!(parse("https://a.com").unwrap().method, "PUT");
    }
}
