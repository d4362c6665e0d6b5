//! The impure half: owns the terminal and the tokio loop. It turns terminal
//! events, ticks (with the wall-clock time) and task reports into [`Msg`]s,
//! feeds them to the pure [`update`], runs the returned [`Effect`]s through
//! the [`executor::Executor`], and draws. Input is never blocked by work:
//! every S3 call runs in its own task and reports through a channel.

pub mod clipboard;
pub mod executor;
pub mod jobs;
pub mod mailbox;
mod run_transfer;
pub mod task_ctx;
mod terminal;

pub use terminal::restore_terminal;

use crate::app::{App, Clock, Effect, Msg, update};
use crate::config::ClipboardMode;
use crate::store::Store;
use crossterm::event::{Event, EventStream, KeyEventKind};
use executor::{Executor, Fallback};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::Duration;
use terminal::TerminalGuard;
use tokio::sync::mpsc;

/// How long quitting waits for tasks to clean up (abort uploads, remove
/// temp files) before giving up on them.
const CLEANUP_BOUND: Duration = Duration::from_secs(10);

fn translate(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

/// A terminal whose Drop never runs: ratatui's Drop shows the cursor and
/// eprintln!s (which panics) if the terminal is gone; restore_terminal
/// does that job.
type Term = ManuallyDrop<Terminal<CrosstermBackend<io::Stdout>>>;

fn new_terminal() -> io::Result<Term> {
    Ok(ManuallyDrop::new(Terminal::new(CrosstermBackend::new(
        io::stdout(),
    ))?))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Feeds one message to `update`. Input and task reports come with the
/// time they arrive (`Msg::Now` first): a question opened by one records
/// when, and a key too soon after it is not taken as an answer. Ticks
/// carry their own time.
fn feed(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    if !matches!(msg, Msg::Tick(_)) {
        fx.extend(update(app, Msg::Now(now_ms())));
    }
    fx.extend(update(app, msg));
    fx
}

fn clock(store: &dyn Store) -> Clock {
    Clock {
        now_ms: now_ms(),
        waiting: store.stalled().map(|s| s.describe()),
    }
}

/// Why the loop ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Quit,
    /// SIGTERM or SIGHUP: exit 128 + signal, as shells expect.
    Signal(i32),
}

impl Ending {
    pub fn code(self) -> i32 {
        match self {
            Ending::Quit => 0,
            Ending::Signal(n) => 128 + n,
        }
    }
}

/// Runs the UI until the user quits. The terminal is restored on return,
/// on error and on panic.
pub async fn run(
    mut app: App,
    initial: Vec<Effect>,
    store: Arc<dyn Store>,
    tick_ms: u64,
    clipboard: ClipboardMode,
    journal: Option<Arc<crate::engine::journal::Journal>>,
) -> io::Result<Ending> {
    let guard = TerminalGuard::enter(app.session.settings.mouse)?;
    let mut terminal = new_terminal()?;
    let (tx, mut inbox) = mailbox::mailbox(mailbox::CAPACITY);
    let (fallback_tx, mut fallback_rx) = mpsc::channel::<Fallback>(16);
    if let Some(j) = journal.clone() {
        // Uploads a killed pail left open: aborted in the background,
        // reported when done.
        let (store, tx) = (store.clone(), tx.clone());
        tokio::spawn(async move {
            let limit = Duration::from_secs(30);
            let aborted = crate::engine::journal::abort_leftovers(&*store, &j, limit).await;
            if !aborted.is_empty() {
                tx.send(Msg::LeftoversAborted(aborted)).await;
            }
        });
    }
    let mut exec = Executor::new(store.clone(), tx, clipboard, fallback_tx)
        .with_transfers(app.session.settings.transfers.engine.clone())
        .with_journal(journal);
    let mut pending = exec.apply(initial);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(tick_ms.max(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_signal =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hup_signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    // Lets the end-to-end tests prove the panic hook restores the terminal
    // (only in builds with the `test-hooks` feature, which scripts/test.sh
    // turns on; shipped builds have no such key).
    let panic_key =
        cfg!(feature = "test-hooks") && std::env::var_os("PAIL_TEST_PANIC_ON_F12").is_some();
    if let Ok(size) = terminal.size() {
        pending.extend(exec.apply(update(&mut app, Msg::Resize(size.width, size.height))));
    }
    let mut ending = Ending::Quit;
    'run: loop {
        for e in std::mem::take(&mut pending) {
            match e {
                Effect::Quit => break 'run,
                Effect::Suspend => {
                    guard.suspend()?;
                    // The shell drew over our screen: a fresh terminal has
                    // empty buffers, so the next frame is drawn whole.
                    terminal = new_terminal()?;
                    let size = terminal.size()?;
                    pending
                        .extend(exec.apply(update(&mut app, Msg::Resize(size.width, size.height))));
                    pending.extend(exec.apply(update(&mut app, Msg::Resumed)));
                }
                _ => {}
            }
        }
        terminal.draw(|f| crate::ui::render(&app, f))?;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => translate(ev),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(m) = inbox.recv() => Some(m),
            Some((text, what)) = fallback_rx.recv() => {
                exec.osc52(&text, &what);
                None
            }
            _ = tick.tick() => Some(Msg::Tick(clock(&*store))),
            _ = term_signal.recv() => {
                ending = Ending::Signal(15);
                break;
            }
            _ = hup_signal.recv() => {
                ending = Ending::Signal(1);
                break;
            }
        };
        if let Some(msg) = msg {
            if panic_key
                && let Msg::Key(k) = &msg
                && k.code == crossterm::event::KeyCode::F(12)
            {
                panic!("panic requested by PAIL_TEST_PANIC_ON_F12");
            }
            pending.extend(exec.apply(feed(&mut app, msg)));
        }
        // Take everything already queued before drawing again, so a burst
        // of listing pages costs one frame, not one frame per page.
        for _ in 0..512 {
            match inbox.try_recv() {
                Some(m) => pending.extend(exec.apply(feed(&mut app, m))),
                None => break,
            }
        }
    }
    // Cancel everything; tasks with cleanup (aborting uploads, removing
    // temp files) get a bounded time to finish it, with a note on screen.
    let hung_up = ending == Ending::Signal(1);
    exec.shutdown(CLEANUP_BOUND, |n| {
        update(&mut app, Msg::CleaningUp(n));
        if !hung_up {
            let _ = terminal.draw(|f| crate::ui::render(&app, f));
        }
    })
    .await;
    drop(guard);
    Ok(ending)
}
