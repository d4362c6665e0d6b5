//! Pure geometry and content shared by the renderer and by `update`: where
//! each pane sits for a terminal size, the inspector's wrapped lines, the
//! help and message popups. `update` reads scroll limits and page sizes from
//! here (never from `ui`), so both always agree on what fits. Nothing here
//! reads the app: each function takes a view model (the inspector's
//! `Inspected`, the log's `Entry`s) or the keymap and the terminal size.

pub mod card;
pub mod fetched;
pub mod help;
pub mod inspector;
pub mod messages;
pub mod style;

use ratatui::layout::{Constraint, Layout, Rect};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub crumb: Rect,
    /// The tree or bucket list, borders included.
    pub list: Rect,
    pub inspector: Rect,
    pub status: Rect,
}

pub fn areas(width: u16, height: u16) -> Areas {
    let full = Rect::new(0, 0, width, height);
    let [header, crumb, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(full);
    let left = if width >= 120 { 58 } else { 55 };
    let [list, inspector] = Layout::horizontal([
        Constraint::Percentage(left),
        Constraint::Percentage(100 - left),
    ])
    .areas(body);
    Areas {
        header,
        crumb,
        list,
        inspector,
        status,
    }
}

/// The whole terminal of `size` (width, height).
pub fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

/// A `width` x `height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_80x24_and_degenerate_sizes() {
        let a = areas(80, 24);
        assert_eq!(a.list.height, 21);
        assert_eq!(a.list.width + a.inspector.width, 80);
        let tiny = areas(1, 1);
        assert!(tiny.list.height <= 1);
        let zero = areas(0, 0);
        assert_eq!(zero.list.width, 0);
    }
}
