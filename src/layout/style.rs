//! The few styles shared by every pane, so a dim label or an accent means
//! the same thing everywhere.

use ratatui::style::{Color, Style};

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}
