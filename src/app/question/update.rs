//! Keys of a question, all read from the keymap's `question` context. The
//! order of the checks is the promise: scrolling and help always work; any
//! other key in the first [`GUARD_MS`] is ignored (and the question says
//! so); typed text types; no is no; only then can anything go ahead.
//!
//! Like every feature's update this changes only the question itself (in
//! its modal, in place); what yes or no sets off leaves through the `Cx`:
//! the job to start or the conflict's answer as notes, a cancel of the
//! listing it waited for.

use super::conflict::{choice_action, overwrites};
use super::{Answer, GUARD_MS, Question, Then};
use crate::app::Effect;
use crate::app::cx::{Cx, Outcome};
use crate::app::note::Note;
use crate::app::scroll::scrolled;
use crate::engine::Choice;
use crate::keymap::{Action, Context};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longest text the typed confirmation takes.
const TYPED_MAX: usize = 64;

/// Rows a page key scrolls the list.
const PAGE: usize = 10;

impl Question {
    /// A key for the question on top.
    pub fn on_key(&mut self, cx: &mut Cx, key: KeyEvent) -> Outcome {
        on_key(cx, self, key)
    }
}

fn on_key(cx: &mut Cx, q: &mut Question, key: KeyEvent) -> Outcome {
    let keep = Outcome::Keep;
    let action = cx.session.keymap.action(Context::Question, &key);
    let typing = types(q, &key, action);
    if !typing && scroll(q, action) {
        return keep;
    }
    if !typing && action == Some(Action::Help) {
        cx.note(Note::Help(Context::Question));
        return keep;
    }
    let now = cx.session.clock.now_ms;
    if now < q.opened_ms || now.saturating_sub(q.opened_ms) < GUARD_MS {
        // The clock went back: count from now.
        q.opened_ms = q.opened_ms.min(now);
        q.note =
            Some("That key came as the question opened, so it was ignored: press it again".into());
        return keep;
    }
    q.note = None;
    if typing {
        if let KeyCode::Char(c) = key.code
            && q.typed.chars().count() < TYPED_MAX
        {
            q.typed.push(c);
        }
        return keep;
    }
    if key.code == KeyCode::Backspace && q.typed_needed().is_some() {
        q.typed.pop();
        return keep;
    }
    if matches!(q.answer, Answer::Close) {
        cx.status("Nothing changed");
        return Outcome::Close;
    }
    if action == Some(Action::No) {
        return no(cx, q);
    }
    let go = match (&q.answer, action) {
        (Answer::Wait, _) | (_, None) => None,
        (Answer::Key { .. }, Some(Action::Yes)) => Some(None),
        (Answer::Key { destructive: false }, Some(Action::Confirm)) => Some(None),
        (Answer::Key { destructive: true }, Some(Action::Confirm)) => {
            q.note = Some(format!(
                "Enter does not {} what cannot be undone: press {}",
                q.verb,
                key_of(cx, Action::Yes)
            ));
            None
        }
        (Answer::Typed { text, .. }, Some(Action::Confirm)) if q.typed.trim() == text => Some(None),
        (Answer::Typed { text, what, .. }, Some(Action::Yes | Action::Confirm)) => {
            q.note = Some(format!(
                "Type {text} ({what}), then {}",
                key_of(cx, Action::Confirm)
            ));
            None
        }
        (Answer::Choices { selected }, Some(Action::Confirm)) => {
            let c = Choice::ALL.get(*selected).copied().unwrap_or(Choice::Skip);
            if overwrites(c) {
                q.note = Some(format!(
                    "Enter does not overwrite: press {} for {}",
                    key_of(cx, choice_action(c)),
                    c.label()
                ));
                None
            } else {
                Some(Some(c))
            }
        }
        (Answer::Choices { .. }, Some(a)) => choice_of(a).map(Some),
        _ => None,
    };
    match go {
        Some(choice) => yes(cx, q, choice),
        None => keep,
    }
}

/// Whether this key types into the confirmation text: a printable key
/// without Ctrl or Alt, a digit when a count is asked, and for other
/// text anything but the help key (unless the text holds it).
fn types(q: &Question, key: &KeyEvent, action: Option<Action>) -> bool {
    let Answer::Typed { text, digits, .. } = &q.answer else {
        return false;
    };
    let KeyCode::Char(c) = key.code else {
        return false;
    };
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    if *digits {
        c.is_ascii_digit()
    } else {
        action != Some(Action::Help) || text.contains(c)
    }
}

/// Scrolls the list, or moves the highlighted choice; false when the
/// action does neither.
fn scroll(q: &mut Question, action: Option<Action>) -> bool {
    if let Answer::Choices { selected } = &mut q.answer {
        let n = Choice::ALL.len();
        match action {
            Some(Action::MoveDown) => *selected = (*selected + 1) % n,
            Some(Action::MoveUp) => *selected = (*selected + n - 1) % n,
            Some(Action::Top) => *selected = 0,
            Some(Action::Bottom) => *selected = n - 1,
            _ => return false,
        }
        return true;
    }
    match scrolled(q.scroll, action, PAGE, q.list.len().saturating_sub(1)) {
        Some(s) => q.scroll = s,
        None => return false,
    }
    true
}

fn choice_of(a: Action) -> Option<Choice> {
    Some(match a {
        Action::Overwrite => Choice::Overwrite,
        Action::Skip => Choice::Skip,
        Action::SkipIdentical => Choice::SkipIdentical,
        Action::KeepBoth => Choice::KeepBoth,
        Action::CancelJob => Choice::Cancel,
        _ => return None,
    })
}

fn key_of(cx: &Cx, action: Action) -> String {
    cx.session
        .keymap
        .key_for(Context::Question, action)
        .unwrap_or_else(|| format!("the {} key", action.name()))
}

/// No: nothing changes. A running listing stops; a conflict question
/// cancels its job, as it always has.
fn no(cx: &mut Cx, q: &Question) -> Outcome {
    if let Then::Answer(_) = q.then {
        return yes(cx, q, Some(Choice::Cancel));
    }
    if let Some(id) = q.listing_task() {
        cx.cancel(id);
    }
    cx.status("Nothing changed");
    Outcome::Close
}

fn yes(cx: &mut Cx, q: &Question, choice: Option<Choice>) -> Outcome {
    match &q.then {
        Then::Start(job) => cx.note(Note::Start(job.clone())),
        Then::Answer(task) => {
            let choice = choice.unwrap_or(Choice::Cancel);
            cx.effect(Effect::Answer(*task, choice));
            cx.note(Note::Answered(*task, choice));
        }
        Then::Run { owner, job } => {
            cx.start(owner.clone(), (**job).clone());
        }
        Then::Nothing | Then::Listing(_) | Then::Planning(_) => {}
    }
    Outcome::Close
}
