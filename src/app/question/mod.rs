//! One question component for every change that asks first: delete, rename
//! of a prefix, a transfer's conflict, restore, undelete, permanent delete
//! and rollback. Each used to have its own widget with its own keys, and
//! they drifted apart (`q` deleted an object in one of them). Here a
//! question is plain data — what will happen in lines, a scrollable list of
//! keys, how it is answered, what yes starts — with one set of rules:
//!
//! - `q` and `Esc` are always no (the keymap refuses anything else);
//! - `Enter` confirms only a question that loses nothing, or one whose text
//!   (a count, a version id) was typed out; a question that loses data and
//!   needs no typing wants `y`;
//! - a key in the first [`GUARD_MS`] after the question opened is not an
//!   answer (a double Enter from the prompt before, a reflex key as a
//!   transfer's question pops up).
//!
//! Builders live beside it: [`delete`] (the delete and prefix-rename
//! preview, listed first) and [`conflict`]; the history questions are built
//! by the views that ask them (versions, deleted, rollback). The keys are
//! in update.rs, opening one and starting what yes plans in open.rs; rendering is `ui::question`.

pub mod archive;
pub mod conflict;
pub mod delete;
pub mod listing;
pub(crate) mod open;
mod update;

use super::TaskId;
use super::kind::Kind;
use crate::engine::Spec;

/// How long a question must have been open before a key answers it.
pub const GUARD_MS: i64 = 300;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The popup's title (" Delete? ").
    pub title: String,
    /// What will happen, a sentence a line.
    pub lines: Vec<Said>,
    /// Keys (or versions) it acts on, scrollable.
    pub list: Vec<String>,
    pub scroll: usize,
    pub answer: Answer,
    /// What the user typed, for [`Answer::Typed`].
    pub typed: String,
    /// The word for yes in the footer ("delete", "restore").
    pub verb: String,
    pub then: Then,
    /// When it opened (or became answerable), milliseconds since the epoch.
    pub opened_ms: i64,
    /// Why the last key did nothing, shown until the next one.
    pub note: Option<String>,
    /// The list is a diff: `-` lines old, `+` lines new.
    pub diff: bool,
}

/// One line of a question and how it looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// Raw: cleaned when drawn.
    pub text: String,
    pub tone: Tone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Strong,
    Dim,
    Warn,
    Error,
}

impl Said {
    pub fn plain(text: impl Into<String>) -> Said {
        Said {
            text: text.into(),
            tone: Tone::Plain,
        }
    }

    pub fn tone(tone: Tone, text: impl Into<String>) -> Said {
        Said {
            text: text.into(),
            tone,
        }
    }
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// `y` confirms; `Enter` too unless it can lose data.
    Key { destructive: bool },
    /// `text` typed, then `Enter`. `what` says what it is ("the number of
    /// objects"); `digits`: only digits type (the rest are keys).
    Typed {
        text: String,
        what: String,
        digits: bool,
    },
    /// A conflict: one of [`Choice::ALL`](crate::engine::Choice::ALL) by
    /// its key, or `Enter` on the highlighted one unless it overwrites.
    Choices { selected: usize },
    /// Nothing can be answered yet (the listing runs): only no.
    Wait,
    /// Nothing to do (nothing found, the listing failed): any key closes.
    Close,
}

/// What yes does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    Nothing,
    /// Starts a job.
    Start(Box<Planned>),
    /// Answers a transfer job's conflict question.
    Answer(TaskId),
    /// Starts this task for this owner (a bucket's creation, deletion or
    /// settings change: the card's work, which the question need not know).
    Run {
        owner: super::Owner,
        job: Box<super::Job>,
    },
    /// A delete or rename preview whose listing runs; it becomes `Start`
    /// when the plan comes.
    Listing(Box<listing::Listing>),
    /// A restore or storage-class question whose listing runs.
    Planning(Box<listing::Waiting>),
}

/// The job a yes starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub kind: Kind,
    pub spec: Spec,
    pub from: String,
    pub to: String,
    pub touches: Vec<(String, String)>,
    /// The sentence the job's summary ends with; `{started}` becomes the
    /// moment it started.
    pub after: Option<String>,
    /// The marks were what it acts on: they are used up.
    pub clear_marks: bool,
}

impl Question {
    /// A question confirmed with a key; `destructive`: it can lose data,
    /// so `Enter` does not confirm it.
    pub fn new(title: impl Into<String>, lines: Vec<Said>, verb: &str, destructive: bool) -> Self {
        Question {
            title: title.into(),
            lines,
            list: Vec::new(),
            scroll: 0,
            answer: Answer::Key { destructive },
            typed: String::new(),
            verb: verb.to_owned(),
            then: Then::Nothing,
            diff: false,
            opened_ms: 0,
            note: None,
        }
    }

    /// Confirmed by typing `text` (`what` it is) and Enter.
    pub fn typed(mut self, text: String, what: &str) -> Self {
        let digits = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
        self.answer = Answer::Typed {
            text,
            what: what.to_owned(),
            digits,
        };
        self
    }

    pub fn start(mut self, job: Planned) -> Self {
        self.then = Then::Start(Box::new(job));
        self
    }

    pub fn with_list(mut self, list: Vec<String>) -> Self {
        self.list = list;
        self
    }

    /// The text to type, if the question wants one.
    pub fn typed_needed(&self) -> Option<&str> {
        match &self.answer {
            Answer::Typed { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether answering yes can lose data (drawn in red).
    pub fn destructive(&self) -> bool {
        match &self.answer {
            Answer::Key { destructive } => *destructive,
            Answer::Typed { .. } => true,
            _ => false,
        }
    }

    /// The running listing of a preview, if any.
    pub fn listing_task(&self) -> Option<TaskId> {
        match &self.then {
            Then::Listing(l) => l.task,
            Then::Planning(w) => w.task,
            _ => None,
        }
    }
}
