//! The help overlay's content and geometry, generated from the keymap: the
//! context the user was in comes first, then what differs elsewhere, so
//! the help can never drift from what the keys do.

use super::inspector::section;
use super::style::{accent, dim};
use crate::keymap::{Action, Context, Keymap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

fn binding(keys: &[String], what: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{:<18}", keys.join(" ")), accent()),
        Span::raw(what.to_owned()),
    ])
}

pub fn lines(km: &Keymap, context: Context) -> Vec<Line<'static>> {
    let mine = km.help(context);
    let mut lines = vec![section(&format!(
        "Keys (from your keymap) in the {}",
        context.describe()
    ))];
    for (keys, action) in &mine {
        lines.push(binding(keys, action.describe()));
    }
    // Other places: only what differs from the context above.
    for other in [
        Context::Buckets,
        Context::Tree,
        Context::Inspector,
        Context::Transfers,
        Context::Versions,
        Context::Share,
        Context::Uploads,
        Context::Sync,
        Context::Prompt,
        Context::Question,
        Context::Confirm,
        Context::Help,
        Context::Messages,
    ] {
        if other == context {
            continue;
        }
        let differs: Vec<_> = km
            .help(other)
            .into_iter()
            .filter(|b| !mine.contains(b))
            .collect();
        if differs.is_empty() {
            continue;
        }
        lines.push(Line::raw(""));
        lines.push(section(&format!("In the {}", other.describe())));
        for (keys, action) in differs {
            lines.push(binding(&keys, action.describe()));
        }
    }
    lines.push(Line::raw(""));
    let copy = km
        .key_for(Context::Tree, Action::CopyMenu)
        .unwrap_or_default();
    lines.push(section(&format!("After {copy}: copy to the clipboard")));
    for (keys, what) in km.copy_help() {
        lines.push(binding(&keys, what.describe()));
    }
    lines.push(Line::raw(""));
    lines.push(section("Mouse"));
    lines.push(Line::styled(
        "wheel scrolls the pane under it · click selects · double-click expands",
        dim(),
    ));
    lines
}

/// Where the help popup sits in `area`, and its lines wrapped to fit.
pub fn popup(km: &Keymap, context: Context, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let width = area.width.min(92);
    let lines = super::inspector::hang(lines(km, context), width.saturating_sub(2) as usize);
    let rect = super::centered(area, width, (lines.len() as u16 + 2).min(area.height));
    (rect, lines)
}

/// How far the help can scroll in a `size` terminal before its last line
/// leaves the popup.
pub fn max_scroll(km: &Keymap, context: Context, size: (u16, u16)) -> u16 {
    let (rect, lines) = popup(km, context, super::screen(size));
    lines
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize) as u16
}

/// Lines one page-down moves.
pub fn page(km: &Keymap, context: Context, size: (u16, u16)) -> u16 {
    let (rect, _) = popup(km, context, super::screen(size));
    rect.height.saturating_sub(3).max(1)
}
