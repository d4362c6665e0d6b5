//! Owning the terminal: raw mode and the alternate screen on the way in,
//! everything put back on every way out (return, error, panic, signal,
//! Ctrl-z), and back again after `fg`.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::{self, Write};

/// Puts the terminal back the way we found it. Safe to call twice, and from
/// the panic hook.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

/// Raw mode, alternate screen, hidden cursor, paste and (optionally) mouse.
fn enter(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        crossterm::cursor::Hide,
        EnableBracketedPaste,
        // Terminal::clear would ask the terminal for the cursor position,
        // which not every terminal (or test harness) answers; a fresh
        // alternate screen only needs erasing.
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Restores the terminal when dropped, whichever way `run` ends.
pub struct TerminalGuard {
    mouse: bool,
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        let hook = std::panic::take_hook();
        let ui_thread = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            tracing::error!(panic = %info, "panic");
            // Only a panic on the UI thread ends pail. A background task that
            // panics is caught and reported as that task's failure; restoring
            // the terminal then would leave it in cooked mode under a running
            // app, deaf to keys until Enter.
            if std::thread::current().id() == ui_thread {
                restore_terminal();
                hook(info);
            }
        }));
        let guard = TerminalGuard { mouse };
        enter(mouse)?;
        Ok(guard)
    }

    /// Ctrl-z: gives the terminal back to the shell and stops the process
    /// group; returns after `fg` (SIGCONT) with the screen taken again. The
    /// caller must redraw everything: the shell drew over our screen.
    pub fn suspend(&self) -> io::Result<()> {
        restore_terminal();
        // SIGSTOP rather than SIGTSTP: the kernel drops a TSTP sent to an
        // orphaned process group (no shell to resume it), STOP always works,
        // and a shell reports it the same way ("Stopped").
        // SAFETY: kill(2) with pid 0 and a valid signal has no memory effects.
        let rc = unsafe { libc::kill(0, libc::SIGSTOP) };
        if rc != 0 {
            tracing::warn!(error = %io::Error::last_os_error(), "could not suspend");
        }
        enter(self.mouse)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}
