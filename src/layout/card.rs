//! The bucket card's lines under the inspector's bucket details: the
//! posture first (is it public, rung by rung; findings by severity with
//! why and fix), then every part of the settings, each set / not set /
//! denied to you / not supported by this server, with its detail (the
//! policy pretty-printed, grants, lifecycle rules in words) under it.
//! Server text is cleaned here, as everywhere in the inspector.

use super::fetched::Fetched;
use super::style::dim;
use super::style::section;
use crate::posture::report::{part_words, verdict_words};
use crate::posture::{Facts, Posture, Read, Severity, Verdict, words};
use crate::sanitize::clean;
use crate::store::CallerIdentity;
use crate::store::settings::Part;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// What the card shows, built by the app from its bucket cards.
pub struct CardView<'a> {
    pub facts: Facts<'a>,
    pub posture: Posture,
    pub identity: Fetched<'a, &'a CallerIdentity>,
    /// The key that changes the profile, for the hint.
    pub profile_key: String,
}

const WIDTH: usize = 20;

fn row(label: &str, value: String, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<WIDTH$}"), dim()),
        Span::styled(clean(&value).into_owned(), style),
    ])
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Severity::High => Style::new().fg(Color::Red),
        Severity::Medium => Style::new().fg(Color::Yellow),
        Severity::Low => Style::new(),
        Severity::Info => dim(),
    }
}

fn state_style(state: &str) -> Style {
    match state {
        "set" => Style::new(),
        "denied" => Style::new().fg(Color::Yellow),
        "error" => Style::new().fg(Color::Red),
        _ => dim(),
    }
}

pub fn lines(c: &CardView) -> Vec<Line<'static>> {
    let p = &c.posture;
    let mut out = vec![Line::raw("")];
    out.push(section(&format!(
        "Posture · {} ({} changes)",
        p.profile.describe(),
        c.profile_key
    )));
    let (word, why) = verdict_words(&p.ladder.verdict);
    let style = match p.ladder.verdict {
        Verdict::Public(_) => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Verdict::MaybePublic(_) => Style::new().fg(Color::Yellow),
        Verdict::NotPublic(_) => Style::new().fg(Color::Green),
        Verdict::Unknown(_) => dim(),
    };
    out.push(row("Public?", format!("{word}: {why}"), style));
    for (i, r) in p.ladder.rungs.iter().enumerate() {
        out.push(Line::styled(
            format!("  {}. {}: {}", i + 1, r.name, clean(&r.found)),
            dim(),
        ));
    }
    if p.findings.is_empty() && !p.pending {
        out.push(Line::styled("No findings.", Style::new().fg(Color::Green)));
    }
    for f in &p.findings {
        out.push(Line::from(vec![
            Span::styled(
                format!("  {:<9}", f.severity.label().to_uppercase()),
                severity_style(f.severity),
            ),
            Span::raw(clean(&f.title).into_owned()),
        ]));
        out.push(Line::styled(format!("             why: {}", f.why), dim()));
        out.push(Line::styled(format!("             fix: {}", f.fix), dim()));
    }
    if p.pending {
        out.push(Line::styled("Reading settings…", dim()));
    }
    out.push(Line::raw(""));
    out.push(section("Settings"));
    match &c.identity {
        Fetched::Ready(who) => out.push(row(
            "Caller",
            format!("{} (account {})", who.arn, who.account),
            Style::new(),
        )),
        Fetched::Failed(e) => out.push(row("Caller", Read::unknown_why(e), dim())),
        Fetched::Waiting => {}
    }
    let (state, w) = part_words(c.facts.account(), Part::PublicAccess);
    out.push(row("Account BPA", w, state_style(state)));
    for part in Part::ALL {
        let r = c.facts.part(part);
        let (state, w) = part_words(r, part);
        out.push(row(part.label(), w, state_style(state)));
        if let Read::Set(s) = r {
            for d in words::detail(s) {
                out.push(Line::raw(format!("    {}", clean(&d))));
            }
        }
    }
    out
}
