//! The one rule every list and scrolling popup moves by: down and up one,
//! a page, the top, the bottom, always inside `0..=max`. Lists with a
//! cursor (the versions panel, the transfers panel, a job's items, the
//! open uploads, the upload prompt's folder list, a question's list or its
//! choices) and popups with a scroll offset (help, message log) all ask
//! here, so a page is a page everywhere and nothing scrolls past its end.

use crate::keymap::Action;

/// The first row a list of `len` rows shows in `room` rows so that row
/// `selected` is on screen (the list scrolls only once the cursor reaches
/// its bottom edge).
pub fn first_shown(selected: usize, room: usize, len: usize) -> usize {
    selected
        .saturating_sub(room.saturating_sub(1))
        .min(len.saturating_sub(room))
}

/// Where a moving `action` takes `pos` in a list whose last index is
/// `max`; `None` when the action does not move.
pub fn scrolled(pos: usize, action: Option<Action>, page: usize, max: usize) -> Option<usize> {
    let p = match action? {
        Action::MoveDown => pos.saturating_add(1),
        Action::MoveUp => pos.saturating_sub(1),
        Action::PageDown => pos.saturating_add(page),
        Action::PageUp => pos.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => max,
        _ => return None,
    };
    Some(p.min(max))
}

/// [`scrolled`] for offsets kept as `u16` (popups measured in rows).
pub fn scrolled_u16(pos: u16, action: Option<Action>, page: u16, max: u16) -> Option<u16> {
    scrolled(pos.into(), action, page.into(), max.into()).map(|p| p as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_list() {
        assert_eq!(scrolled(0, Some(Action::MoveUp), 10, 5), Some(0));
        assert_eq!(scrolled(4, Some(Action::PageDown), 10, 5), Some(5));
        assert_eq!(scrolled(3, Some(Action::Bottom), 10, 5), Some(5));
        assert_eq!(scrolled(3, Some(Action::Top), 10, 5), Some(0));
        assert_eq!(scrolled(0, Some(Action::MoveDown), 10, 0), Some(0));
        assert_eq!(scrolled(2, Some(Action::Open), 10, 5), None);
        assert_eq!(scrolled(2, None, 10, 5), None);
    }
}
