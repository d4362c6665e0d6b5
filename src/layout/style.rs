//! The few styles shared by every pane, so a dim label or an accent means
//! the same thing everywhere.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}

/// What the user should read before going on (a link that dies early, an
/// irreversible step, a Suspended bucket).
pub fn warn() -> Style {
    Style::new().fg(Color::Yellow)
}

/// A section's heading in a pane (the inspector's, the card's).
pub fn section(title: &str) -> Line<'static> {
    Line::styled(title.to_owned(), accent().add_modifier(Modifier::BOLD))
}
