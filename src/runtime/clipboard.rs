//! Getting text to the user's clipboard wherever they are. The system
//! clipboard (arboard) works on a desktop; over SSH or without a display the
//! only clipboard is the one of the user's own terminal, reached with the
//! OSC 52 escape sequence. The text is base64-encoded inside the sequence,
//! so hostile keys cannot break out of it.
//!
//! Talking to the system clipboard can block for seconds (an X server that
//! does not answer), so the runtime does it on a blocking thread; this module
//! only decides the route and does the work it is handed.

use crate::config::ClipboardMode;
use base64::Engine;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The OSC 52 "set clipboard" sequence for `text`.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Writes `text` to the terminal's clipboard.
pub fn write_osc52(terminal: &mut impl Write, text: &str) -> std::io::Result<()> {
    terminal.write_all(osc52(text).as_bytes())?;
    terminal.flush()
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|s| !s.is_empty())
}

/// Where a copy should go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Osc52,
    /// The system clipboard; on failure OSC 52 if `fallback`.
    System {
        fallback: bool,
    },
}

pub fn route(mode: ClipboardMode) -> Route {
    match mode {
        ClipboardMode::Osc52 => Route::Osc52,
        ClipboardMode::System => Route::System { fallback: false },
        ClipboardMode::Auto => {
            // Over SSH the system clipboard is the remote machine's; the user
            // wants their own. Without a display there is none to try.
            let over_ssh = ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
                .iter()
                .any(|v| env_set(v));
            let display = !cfg!(all(unix, not(target_os = "macos")))
                || env_set("DISPLAY")
                || env_set("WAYLAND_DISPLAY");
            if over_ssh || !display {
                Route::Osc52
            } else {
                Route::System { fallback: true }
            }
        }
    }
}

/// The system clipboard, kept alive for the session: on X11 the clipboard
/// contents are served by the process that set them.
#[derive(Clone, Default)]
pub struct SystemClipboard(Arc<Mutex<Option<arboard::Clipboard>>>);

impl SystemClipboard {
    /// Blocking: call from a blocking thread.
    pub fn set(&self, text: &str) -> Result<(), String> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        match slot.as_mut() {
            Some(c) => c.set_text(text.to_owned()).map_err(|e| e.to_string()),
            None => Err("no system clipboard".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_hostile_text() {
        let s = osc52("s3://b/\x1b]0;pwned\x07");
        assert!(s.starts_with("\x1b]52;c;"));
        assert!(s.ends_with('\x07'));
        let inner = &s[7..s.len() - 1];
        assert!(!inner.contains('\x1b') && !inner.contains('\x07'));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(inner)
            .unwrap();
        assert_eq!(decoded, b"s3://b/\x1b]0;pwned\x07");
    }

    #[test]
    fn osc52_writes_sequence() {
        let mut out = Vec::new();
        write_osc52(&mut out, "hi").unwrap();
        assert_eq!(out, b"\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn explicit_modes_route_as_asked() {
        assert_eq!(route(ClipboardMode::Osc52), Route::Osc52);
        assert_eq!(
            route(ClipboardMode::System),
            Route::System { fallback: false }
        );
    }
}
