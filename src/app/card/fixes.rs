//! The card's fix menu (`F` on a bucket's card): the fix of each finding
//! that has a safe one, the edits made by hand (lifecycle templates, SSE-KMS
//! with a typed key, a CORS rule for a typed origin, a prefix-only policy
//! for a role), and `u`: put back the last change. Each choice becomes a
//! [`Change`] of one part, shown as a diff in the question before anything
//! is written; yes starts a `Request::Apply`, which writes only if the part
//! still reads as previewed. What was there is kept in the state dir and
//! the message log, so an undo works in a later pail too.

use super::{Cards, Reply, Request, Slot};
use crate::app::cx::{Cx, Outcome};
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptEvent, PromptKind};
use crate::app::question::{Question, Said, Then, Tone};
use crate::app::{Job, Load, Owner};
use crate::bucket::fix::{Change, Fix, NotApplied};
use crate::bucket::history::{self, Record};
use crate::bucket::templates;
use crate::bucket::{cors, diff};
use crate::diagnose::short;
use crate::keymap::{Action, Context};
use crate::posture::{self, Severity};
use crate::sanitize::clean;
use crate::store::settings::{Part, Setting};

/// What a value typed into the prompt is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    Kms,
    Cors,
    RolePrefix,
    AbortDays,
    /// Not a change: a browser's preflight sent to the bucket.
    CorsCheck,
}

impl Ask {
    fn prompt(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Ask::Kms => (
                "SSE-KMS key (id, ARN or alias/name):",
                "",
                "Objects written without a header are encrypted with it; a bucket key is turned on",
            ),
            Ask::Cors => (
                "CORS: origin, then methods:",
                "",
                "As the browser sends it: https://app.example.com PUT,POST (methods default to PUT,POST)",
            ),
            Ask::RolePrefix => (
                "Role ARN (or account id), then the prefix:",
                "",
                "The role may get, put and delete under the prefix, and list only it",
            ),
            Ask::CorsCheck => (
                "CORS check: origin, method, then headers:",
                "",
                "As a browser would ask: https://app.example.com PUT content-type (method defaults to PUT)",
            ),
            Ask::AbortDays => (
                "Abort incomplete multipart uploads after how many days?",
                "7",
                "Parts of uploads never completed are invisible in listings but billed",
            ),
        }
    }

    /// The fix the typed `value` asks for.
    fn fix(self, value: &str) -> Result<Fix, String> {
        let mut words = value.split_whitespace();
        let first = words.next().unwrap_or_default().to_owned();
        let rest: Vec<&str> = words.collect();
        match self {
            Ask::Kms if rest.is_empty() => Ok(Fix::SseKms { key: first }),
            Ask::Kms => Err("a key id has no spaces".into()),
            Ask::Cors => {
                let methods = match rest.as_slice() {
                    [] => vec!["PUT".to_owned(), "POST".to_owned()],
                    ms => ms
                        .iter()
                        .flat_map(|m| m.split(','))
                        .filter(|m| !m.is_empty())
                        .map(str::to_owned)
                        .collect(),
                };
                Ok(Fix::Cors {
                    origin: first,
                    methods,
                })
            }
            Ask::RolePrefix => match rest.as_slice() {
                [prefix] => Ok(Fix::RolePrefix {
                    role: first,
                    prefix: (*prefix).to_owned(),
                }),
                _ => Err("type the role's ARN, a space, then the prefix (user-uploads/)".into()),
            },
            Ask::CorsCheck => Err("a check changes nothing".into()),
            Ask::AbortDays => match (first.parse::<i32>(), rest.is_empty()) {
                (Ok(days), true) => Ok(Fix::AbortIncomplete { days }),
                _ => Err("type a number of days".into()),
            },
        }
    }
}

/// What one row of the menu does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    Fix(Fix),
    Ask(Ask),
    Undo(Box<Record>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// "HIGH", "undo" or "" for a change made by hand.
    pub tag: String,
    pub label: String,
    pub offer: Offer,
}

/// The open fix menu of one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixMenu {
    pub bucket: String,
    pub rows: Vec<Row>,
    pub selected: usize,
}

impl Cards {
    /// The menu for `bucket`'s card, from its posture as shown.
    pub fn menu(&self, bucket: &str, profile: posture::Profile, want_lock: bool) -> FixMenu {
        let mut rows = Vec::new();
        if let Some(r) = history::last_undoable(&self.history, bucket) {
            rows.push(Row {
                tag: "undo".into(),
                label: format!("Put back: {}", r.title),
                offer: Offer::Undo(Box::new(r.clone())),
            });
        }
        let p = posture::assess(&self.facts(bucket, want_lock), profile);
        let mut offered: Vec<Fix> = Vec::new();
        for f in &p.findings {
            if let Some(fix) = Fix::for_check(f.check)
                && !offered.contains(&fix)
            {
                let tag = if f.severity == Severity::Info {
                    String::new()
                } else {
                    f.severity.label().to_uppercase()
                };
                rows.push(Row {
                    tag,
                    // The finding itself is on the card under the menu.
                    label: fix.title(),
                    offer: Offer::Fix(fix.clone()),
                });
                offered.push(fix);
            }
        }
        for t in templates::NAMES {
            let fix = Fix::Lifecycle {
                template: t.to_owned(),
            };
            if !offered.contains(&fix) {
                rows.push(Row {
                    tag: String::new(),
                    label: fix.title(),
                    offer: Offer::Fix(fix),
                });
            }
        }
        for (ask, label) in [
            (
                Ask::AbortDays,
                "Lifecycle: abort incomplete uploads after N days…",
            ),
            (Ask::Kms, "Default encryption: SSE-KMS with a key…"),
            (Ask::Cors, "CORS: allow browser uploads from an origin…"),
            (Ask::RolePrefix, "Policy: a role may use only one prefix…"),
            (
                Ask::CorsCheck,
                "Check: would a browser's CORS preflight pass? (changes nothing)…",
            ),
        ] {
            rows.push(Row {
                tag: String::new(),
                label: label.into(),
                offer: Offer::Ask(ask),
            });
        }
        FixMenu {
            bucket: bucket.to_owned(),
            rows,
            selected: 0,
        }
    }

    /// A key in the fix menu; `Close` when it goes.
    pub fn menu_key(&mut self, cx: &mut Cx, menu: &mut FixMenu, action: Option<Action>) -> Outcome {
        let last = menu.rows.len().saturating_sub(1);
        match action {
            Some(Action::MoveDown) => menu.selected = (menu.selected + 1).min(last),
            Some(Action::MoveUp) => menu.selected = menu.selected.saturating_sub(1),
            Some(Action::Top) => menu.selected = 0,
            Some(Action::Bottom) => menu.selected = last,
            Some(Action::Help) => cx.note(Note::Help(Context::Fixes)),
            Some(Action::Close) => return Outcome::Close,
            Some(Action::Submit) => {
                if let Some(row) = menu.rows.get(menu.selected) {
                    self.chosen(cx, &menu.bucket, row.offer.clone());
                }
                return Outcome::Close;
            }
            Some(Action::Undo) => {
                match menu.rows.iter().find(|r| matches!(r.offer, Offer::Undo(_))) {
                    Some(r) => self.chosen(cx, &menu.bucket, r.offer.clone()),
                    None => cx.status(format!(
                        "No change of pail's to s3://{} to put back",
                        clean(&menu.bucket)
                    )),
                }
                return Outcome::Close;
            }
            _ => {}
        }
        Outcome::Keep
    }

    fn chosen(&mut self, cx: &mut Cx, bucket: &str, offer: Offer) {
        match offer {
            Offer::Fix(fix) => self.preview(cx, bucket, &fix),
            Offer::Ask(ask) => {
                let (label, prefill, note) = ask.prompt();
                let mut p = Prompt::new(PromptKind::FixValue, label, prefill);
                p.note = Some(note.into());
                self.asking = Some((bucket.to_owned(), ask));
                cx.note(Note::Prompt(Box::new(p)));
            }
            Offer::Undo(r) => ask_change(cx, r.change().undo(), Some(r.at)),
        }
    }

    /// A key in the prompt of a change that wants a value typed.
    pub fn on_value(&mut self, cx: &mut Cx, p: &mut Prompt, ev: PromptEvent) -> Outcome {
        let Some((bucket, ask)) = self.asking.clone() else {
            return Outcome::Close;
        };
        match ev {
            PromptEvent::Cancel => {
                self.asking = None;
                cx.status("Nothing changed");
                Outcome::Close
            }
            PromptEvent::Submit if ask == Ask::CorsCheck => match cors::parse(p.value()) {
                Ok(preflight) => {
                    self.asking = None;
                    cx.start(
                        Owner::Card(Slot::Change(bucket.clone())),
                        Job::Card(Request::Preflight { bucket, preflight }),
                    );
                    Outcome::Close
                }
                Err(why) => {
                    p.note = Some(why);
                    Outcome::Keep
                }
            },
            PromptEvent::Submit => {
                let fix = ask.fix(p.value());
                let change = fix.and_then(|f| self.change(&bucket, &f));
                match change {
                    Ok(c) => {
                        self.asking = None;
                        ask_change(cx, c, None);
                        Outcome::Close
                    }
                    Err(why) => {
                        p.note = Some(why);
                        Outcome::Keep
                    }
                }
            }
            _ => Outcome::Keep,
        }
    }

    fn preview(&mut self, cx: &mut Cx, bucket: &str, fix: &Fix) {
        match self.change(bucket, fix) {
            Ok(c) => ask_change(cx, c, None),
            Err(why) => cx.note(Note::Error(format!("s3://{}: {why}", clean(bucket)))),
        }
    }

    /// `fix` on the part as the card read it.
    fn change(&self, bucket: &str, fix: &Fix) -> Result<Change, String> {
        let part = fix.part();
        match self.by_bucket.get(bucket).and_then(|c| c.parts.get(&part)) {
            Some(Load::Ready(now)) => fix.change(bucket, now.as_ref()),
            Some(Load::Failed(e)) => Err(format!(
                "{} could not be read ({}): pail changes only what it can show first",
                part.label(),
                short(e)
            )),
            _ => Err(format!(
                "{} is still being read; try again in a moment",
                part.label()
            )),
        }
    }

    /// The answer of a change.
    pub(super) fn applied(
        &mut self,
        cx: &mut Cx,
        change: Change,
        result: Result<Box<Record>, Box<NotApplied>>,
        unkept: Option<String>,
    ) {
        let uri = format!("s3://{}", clean(&change.bucket));
        match result.map_err(|e| *e) {
            Ok(r) => {
                cx.status(format!(
                    "{uri}: {} was, before “{}”: {}",
                    change.part.label(),
                    clean(&change.title),
                    clean(&kept_words(change.part, change.before.as_ref()))
                ));
                if r.undoes.is_some() {
                    cx.status(format!("{uri}: {} is back as it was", change.part.label()));
                } else {
                    cx.status(format!(
                        "{uri}: {} (F then u puts it back)",
                        clean(&change.title)
                    ));
                }
                if let Some(why) = unkept {
                    cx.note(Note::Error(format!(
                        "The change was made but could not be kept for undo after this session: {}",
                        clean(&why)
                    )));
                }
                self.set_part(&change.bucket, change.part, r.after.clone());
                self.history.push(*r);
                self.reread(cx, &change.bucket, change.part);
            }
            Err(NotApplied::Changed { now }) => {
                cx.note(Note::Error(format!(
                    "{uri}: {} changed since the preview, so nothing was written; the card shows it as it is now",
                    change.part.label()
                )));
                self.set_part(&change.bucket, change.part, now);
            }
            Err(NotApplied::Failed(e)) => cx.note(Note::Error(format!(
                "{uri}: {} was not changed: {}",
                change.part.label(),
                short(&e)
            ))),
        }
    }

    fn set_part(&mut self, bucket: &str, part: Part, s: Option<Setting>) {
        if let Some(c) = self.by_bucket.get_mut(bucket) {
            c.parts.insert(part, Load::Ready(s));
        }
    }

    /// Reads again what a change to `part` may have changed beside it.
    fn reread(&mut self, cx: &mut Cx, bucket: &str, part: Part) {
        let also: &[Part] = match part {
            Part::Policy => &[Part::PolicyStatus],
            Part::Ownership => &[Part::Acl],
            _ => &[],
        };
        let Some(card) = self.by_bucket.get_mut(bucket) else {
            return;
        };
        for p in also {
            let id = cx.start_background(
                Owner::Card(Slot::Part(bucket.to_owned(), *p)),
                Job::Card(Request::Part {
                    bucket: bucket.to_owned(),
                    part: *p,
                }),
            );
            card.parts.insert(*p, Load::Loading(id));
        }
    }

    pub(super) fn on_reply(&mut self, cx: &mut Cx, reply: Reply) -> Option<Reply> {
        match reply {
            Reply::Applied {
                change,
                result,
                unkept,
            } => {
                self.applied(cx, *change, result, unkept);
                None
            }
            Reply::Preflight {
                bucket,
                preflight,
                answer,
            } => {
                let rules = match self
                    .by_bucket
                    .get(&bucket)
                    .and_then(|c| c.parts.get(&Part::Cors))
                {
                    Some(Load::Ready(Some(Setting::Cors(r)))) => Some(r.clone()),
                    Some(Load::Ready(_)) => Some(Vec::new()),
                    _ => None,
                };
                let uri = format!("s3://{bucket}/");
                let (_, x) = cors::report(&uri, &preflight, rules.as_deref(), &answer);
                cx.status(format!("s3://{}: {}", clean(&bucket), x.title));
                cx.note(Note::Detail(x));
                None
            }
            other => Some(other),
        }
    }
}

/// How the old configuration is kept in the message log: a policy as its
/// JSON, anything else in words.
fn kept_words(part: Part, s: Option<&Setting>) -> String {
    match s {
        Some(Setting::Policy(doc)) => doc.clone(),
        _ => diff::lines(part, s).join(" · "),
    }
}

/// The question before a change: what it does, the diff, and how to undo.
fn ask_change(cx: &mut Cx, change: Change, undoes: Option<i64>) {
    let uri = format!("s3://{}", change.bucket);
    let mut lines = vec![Said::tone(Tone::Strong, format!("{uri}: {}", change.title))];
    if change.part == Part::Versioning && undoes.is_none() {
        lines.push(Said::tone(
            Tone::Warn,
            "Versioning can never be turned off again, only suspended",
        ));
    }
    if change.part == Part::Policy && undoes.is_none() {
        lines.push(Said::tone(
            Tone::Warn,
            "A Deny statement applies to you too: check it before you say yes",
        ));
    }
    lines.push(Said::tone(
        Tone::Dim,
        "Read again just before writing: if anyone changed it since, nothing is written",
    ));
    lines.push(Said::tone(
        Tone::Dim,
        if undoes.is_some() {
            "This puts back what pail changed"
        } else {
            "What is there now is kept: F then u puts it back"
        },
    ));
    lines.push(Said::plain("As it is now (-) and as it will be (+):"));
    let list = diff::marked(change.part, change.before.as_ref(), change.after.as_ref());
    let mut q = Question::new(" Change bucket settings? ", lines, "change", true).with_list(list);
    q.diff = true;
    q.then = Then::Run {
        owner: Owner::Card(Slot::Change(change.bucket.clone())),
        job: Box::new(Job::Card(Request::Apply {
            change: Box::new(change),
            undoes,
        })),
    };
    cx.note(Note::Ask(Box::new(q)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_become_fixes() {
        assert_eq!(
            Ask::Cors.fix("https://a.com").unwrap(),
            Fix::Cors {
                origin: "https://a.com".into(),
                methods: vec!["PUT".into(), "POST".into()]
            }
        );
        assert!(matches!(
            Ask::Cors.fix("https://a.com GET, PUT").unwrap(),
            Fix::Cors { methods, .. } if methods == ["GET", "PUT"]
        ));
        assert!(Ask::RolePrefix.fix("arn:aws:iam::1:role/x").is_err());
        assert!(Ask::AbortDays.fix("x").is_err());
        assert_eq!(
            Ask::AbortDays.fix(" 3 ").unwrap(),
            Fix::AbortIncomplete { days: 3 }
        );
        assert!(Ask::Kms.fix("a b").is_err());
    }
}
