//! A posture as `pail posture` prints it: text for people, `--json` for
//! scripts. Server text (statement ids, grantees, key ids) is cleaned for
//! the terminal in the text form and left exact (JSON-escaped) in JSON.

use super::{Facts, Posture, Read, Verdict, words};
use crate::sanitize::clean;
use crate::store::settings::Part;
use serde_json::{Value, json};

pub fn verdict_words(v: &Verdict) -> (&'static str, &str) {
    match v {
        Verdict::Public(how) => ("PUBLIC", how),
        Verdict::MaybePublic(how) => ("MAYBE PUBLIC", how),
        Verdict::NotPublic(why) => ("NOT PUBLIC", why),
        Verdict::Unknown(why) => ("UNKNOWN", why),
    }
}

/// A part's state in words: its summary, "not set", or why it is unknown.
pub fn part_words(r: Read, p: Part) -> (&'static str, String) {
    match r {
        Read::Pending => ("pending", "reading…".into()),
        Read::Set(s) => ("set", words::summary(s)),
        Read::NotSet => ("not set", words::not_set(p).into()),
        Read::Unknown(e) => match e.kind {
            crate::store::ErrorKind::AccessDenied => {
                ("denied", format!("denied to you ({})", p.action()))
            }
            crate::store::ErrorKind::NotImplemented => {
                ("unsupported", "not supported by this server".into())
            }
            _ => ("error", Read::unknown_why(e)),
        },
    }
}

pub fn text(bucket: &str, f: &Facts, p: &Posture) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(&clean(s));
        out.push('\n');
    };
    line(&format!("s3://{bucket}  ({})", p.profile.describe()));
    let (word, why) = verdict_words(&p.ladder.verdict);
    line(&format!("Is it public? {word}: {why}"));
    for (i, r) in p.ladder.rungs.iter().enumerate() {
        line(&format!("  {}. {}: {}", i + 1, r.name, r.found));
    }
    line("");
    if p.findings.is_empty() {
        line("No findings.");
    } else {
        line(&format!("Findings ({}):", p.findings.len()));
        for x in &p.findings {
            line(&format!(
                "  {:<8} {}",
                x.severity.label().to_uppercase(),
                x.title
            ));
            line(&format!("           why: {}", x.why));
            line(&format!("           fix: {}", x.fix));
        }
    }
    if !p.unchecked.is_empty() {
        line("");
        line("Not checked:");
        for (part, why) in &p.unchecked {
            line(&format!("  {}: {why}", part.label()));
        }
    }
    line("");
    line("Settings:");
    for part in Part::ALL {
        let (_, w) = part_words(f.part(part), part);
        line(&format!("  {:<20} {w}", part.label()));
    }
    out
}

pub fn json(bucket: &str, f: &Facts, p: &Posture) -> Value {
    let (word, why) = verdict_words(&p.ladder.verdict);
    let settings: serde_json::Map<String, Value> = Part::ALL
        .into_iter()
        .map(|part| {
            let (state, w) = part_words(f.part(part), part);
            (
                part.label().to_owned(),
                json!({"state": state, "summary": w}),
            )
        })
        .collect();
    json!({
        "bucket": bucket,
        "profile": p.profile.name(),
        "public": {
            "verdict": word.to_lowercase().replace(' ', "-"),
            "why": why,
            "ladder": p.ladder.rungs.iter().map(|r| json!({"rung": r.name, "found": r.found})).collect::<Vec<_>>(),
        },
        "findings": p.findings.iter().map(|x| json!({
            "check": x.check.id(),
            "severity": x.severity.label(),
            "title": x.title,
            "why": x.why,
            "fix": x.fix,
        })).collect::<Vec<_>>(),
        "unchecked": p.unchecked.iter().map(|(part, why)| json!({"part": part.label(), "why": why})).collect::<Vec<_>>(),
        "settings": settings,
    })
}
