//! Mouse: the wheel scrolls the pane under the pointer, a click selects, a
//! double-click expands or opens. Hit-testing uses the same pure layout as
//! the renderer, so both agree on where things are.

use super::browse::Msg as BrowseMsg;
use super::buckets::Msg as BucketsMsg;
use super::tree::Selected;
use super::{App, Effect, Focus, Screen};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

/// Ticks within which a second click on the same row is a double-click.
const DOUBLE_CLICK_TICKS: u64 = 4;

pub(super) fn on_mouse(app: &mut App, m: MouseEvent, fx: &mut Vec<Effect>) {
    if !app.session.settings.mouse || !app.modals.is_empty() {
        return;
    }
    let areas = crate::layout::areas(app.session.size.0, app.session.size.1);
    let inside = |r: ratatui::layout::Rect| {
        m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
    };
    let in_list = inside(areas.list);
    let in_inspector = inside(areas.inspector);
    match m.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if m.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            let saved = app.view.focus;
            if in_inspector {
                app.view.focus = Focus::Inspector;
                super::cursor::move_cursor(app, delta, fx);
            } else if in_list {
                app.view.focus = Focus::Tree;
                super::cursor::move_cursor(app, delta, fx);
            }
            app.view.focus = saved;
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if in_inspector {
                app.view.focus = Focus::Inspector;
                return;
            }
            if !in_list || m.row <= areas.list.y || m.row >= areas.list.y + areas.list.height - 1 {
                return;
            }
            app.view.focus = Focus::Tree;
            let offset = (m.row - areas.list.y - 1) as usize;
            let double = app.view.last_click.is_some_and(|(c, r, t)| {
                r == m.row
                    && c.abs_diff(m.column) <= 2
                    && app.session.tick - t <= DOUBLE_CLICK_TICKS
            });
            app.view.last_click = Some((m.column, m.row, app.session.tick));
            let height = app.session.list_height();
            let hit = match app.view.screen {
                Screen::Browse => app.browse.as_mut().is_some_and(|b| {
                    let i = b.tree.scroll + offset;
                    let ok = i < b.tree.rows().len();
                    if ok {
                        b.tree.move_to(i, height);
                    }
                    ok
                }),
                Screen::Buckets => {
                    let ok = app.buckets.scroll + offset < app.buckets.visible().len();
                    super::route::buckets(app, BucketsMsg::Click(offset), fx);
                    ok
                }
            };
            if !hit {
                return;
            }
            app.schedule_inspect();
            if double {
                app.view.last_click = None;
                match app.view.screen {
                    Screen::Buckets => super::cursor::open_selected_bucket(app, fx),
                    Screen::Browse => {
                        let expanded = app.browse.as_ref().and_then(|b| match b.tree.selected() {
                            Some(Selected::Prefix(p)) => Some(b.tree.is_expanded(&p)),
                            _ => None,
                        });
                        match expanded {
                            Some(true) => super::route::browse(app, BrowseMsg::Collapse, fx),
                            Some(false) => super::route::browse(app, BrowseMsg::Expand, fx),
                            None => app.open_selected(fx),
                        }
                    }
                }
            }
        }
        _ => {}
    }
}
