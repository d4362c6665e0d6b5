//! Where each pane sits for a given terminal size. Shared by the renderer and
//! by `update` (mouse hit-testing, page size), so both agree on geometry.

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
