//! Getting text to the user's clipboard wherever they are. The system
//! clipboard (arboard) works on a desktop; over SSH or without a display the
//! only clipboard is the one of the user's own terminal, reached with the
//! OSC 52 escape sequence. The text is base64-encoded inside the sequence,
//! so hostile keys cannot break out of it.

use crate::config::ClipboardMode;
use base64::Engine;
use std::io::Write;

pub struct Clipboard {
    mode: ClipboardMode,
    /// Kept alive: on X11 the clipboard is served by the process that set it.
    system: Option<arboard::Clipboard>,
    system_failed: bool,
}

/// The OSC 52 "set clipboard" sequence for `text`.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

fn over_ssh() -> bool {
    ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

impl Clipboard {
    pub fn new(mode: ClipboardMode) -> Clipboard {
        Clipboard {
            mode,
            system: None,
            system_failed: false,
        }
    }

    fn try_system(&mut self, text: &str) -> Result<(), String> {
        if self.system_failed {
            return Err("no system clipboard".into());
        }
        if self.system.is_none() {
            match arboard::Clipboard::new() {
                Ok(c) => self.system = Some(c),
                Err(e) => {
                    self.system_failed = true;
                    return Err(e.to_string());
                }
            }
        }
        let Some(c) = self.system.as_mut() else {
            return Err("no system clipboard".into());
        };
        c.set_text(text.to_owned()).map_err(|e| e.to_string())
    }

    /// Copies `text`, returning how it was done. `terminal` receives the
    /// OSC 52 sequence when that path is used.
    pub fn copy(&mut self, text: &str, terminal: &mut impl Write) -> Result<&'static str, String> {
        let via_osc = |terminal: &mut dyn Write| -> Result<&'static str, String> {
            terminal
                .write_all(osc52(text).as_bytes())
                .and_then(|_| terminal.flush())
                .map_err(|e| e.to_string())?;
            Ok("via OSC 52 (your terminal's clipboard)")
        };
        match self.mode {
            ClipboardMode::Osc52 => via_osc(terminal),
            ClipboardMode::System => self.try_system(text).map(|_| "to the system clipboard"),
            ClipboardMode::Auto => {
                if over_ssh() {
                    // The system clipboard here is the remote machine's; the
                    // user wants their own.
                    return via_osc(terminal);
                }
                match self.try_system(text) {
                    Ok(()) => Ok("to the system clipboard"),
                    Err(e) => {
                        tracing::debug!(error = %e, "system clipboard unavailable, using OSC 52");
                        via_osc(terminal)
                    }
                }
            }
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
    fn osc52_mode_writes_sequence() {
        let mut c = Clipboard::new(ClipboardMode::Osc52);
        let mut out = Vec::new();
        assert!(c.copy("hi", &mut out).unwrap().contains("OSC 52"));
        assert_eq!(out, b"\x1b]52;c;aGk=\x07");
    }
}
