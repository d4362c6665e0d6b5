//! The message log: every status message and error of the session, with
//! its time, so an error that arrived while the user was busy (typing, in a
//! popup) is not lost. The status bar shows the latest; a key opens the log.

use std::collections::VecDeque;

/// How many messages the log keeps; older ones are dropped.
const KEEP: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Wall-clock time, milliseconds since the epoch (0 before the first
    /// tick).
    pub at_ms: i64,
    pub error: bool,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct Messages {
    entries: VecDeque<Message>,
    /// Errors logged since the log was last opened.
    pub unseen_errors: usize,
    /// The status line: the latest message, until it fades.
    pub status: Option<Status>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// The tick it was set at; plain messages fade after a while.
    pub since: u64,
}

/// Ticks a plain status message stays (about 8 s at the default 100 ms).
pub const STATUS_TICKS: u64 = 80;

impl Messages {
    pub fn push(&mut self, at_ms: i64, error: bool, text: &str) {
        // A repeat (holding a key that fails) updates the time, not the log.
        if let Some(last) = self.entries.back_mut()
            && last.text == text
            && last.error == error
        {
            last.at_ms = at_ms;
            return;
        }
        if self.entries.len() == KEEP {
            self.entries.pop_front();
        }
        self.entries.push_back(Message {
            at_ms,
            error,
            text: text.to_owned(),
        });
        if error {
            self.unseen_errors += 1;
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.entries.iter()
    }

    /// The log as the popup's layout reads it (oldest first).
    pub fn view(&self) -> Vec<crate::layout::messages::Entry<'_>> {
        self.entries
            .iter()
            .map(|m| crate::layout::messages::Entry {
                at_ms: m.at_ms,
                error: m.error,
                text: &m.text,
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn seen(&mut self) {
        self.unseen_errors = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_folds_repeats() {
        let mut m = Messages::default();
        for i in 0..KEEP + 5 {
            m.push(i as i64, false, &format!("m{i}"));
        }
        assert_eq!(m.len(), KEEP);
        assert_eq!(m.iter().next().unwrap().text, "m5");
        m.push(1, true, "boom");
        m.push(2, true, "boom");
        assert_eq!(m.len(), KEEP);
        assert_eq!(m.iter().last().unwrap().at_ms, 2);
        assert_eq!(m.unseen_errors, 1);
    }
}
