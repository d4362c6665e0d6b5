//! The impure half: owns the terminal and the tokio loop. It turns terminal
//! events, ticks and task reports into [`Msg`]s, feeds them to the pure
//! [`update`], runs the returned [`Effect`]s as background tasks (each with
//! an id and a cancel token), and draws. Input is never blocked by work:
//! every S3 call runs in its own task and reports through a channel.

use crate::app::{App, Effect, Job, Msg, TaskEvent, TaskId, update};
use crate::clipboard::{Route, SystemClipboard};
use crate::config::ClipboardMode;
use crate::store::{ListPage, ListRequest, PrefixTotals, Store, StoreResult};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

/// Puts the terminal back the way we found it. Safe to call twice, and from
/// the panic hook.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

/// Restores the terminal when dropped, whichever way `run` ends.
struct TerminalGuard;

impl TerminalGuard {
    fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        let hook = std::panic::take_hook();
        let ui_thread = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            tracing::error!(panic = %info, "panic");
            // Only a panic on the UI thread ends pail. A background task that
            // panics is caught by tokio and the UI goes on; restoring the
            // terminal then would leave it in cooked mode under a running
            // app, deaf to keys until Enter (seen in the pty tests).
            if std::thread::current().id() == ui_thread {
                restore_terminal();
                hook(info);
            }
        }));
        enable_raw_mode()?;
        let guard = TerminalGuard;
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, crossterm::cursor::Hide)?;
        if mouse {
            execute!(out, EnableMouseCapture)?;
        }
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn translate(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// A copy the system clipboard refused, to be sent by OSC 52 instead.
type Fallback = (String, String);

/// Runs effects: spawns jobs, cancels them, copies to the clipboard.
pub struct Executor {
    store: Arc<dyn Store>,
    tx: UnboundedSender<Msg>,
    tokens: HashMap<TaskId, CancellationToken>,
    clipboard: ClipboardMode,
    system: SystemClipboard,
    fallback: UnboundedSender<Fallback>,
}

impl Executor {
    pub fn new(
        store: Arc<dyn Store>,
        tx: UnboundedSender<Msg>,
        clipboard: ClipboardMode,
        fallback: UnboundedSender<Fallback>,
    ) -> Self {
        Executor {
            store,
            tx,
            tokens: HashMap::new(),
            clipboard,
            system: SystemClipboard::default(),
            fallback,
        }
    }

    /// Writes OSC 52 on the UI thread, between frames, so it never
    /// interleaves with drawing.
    pub fn osc52(&self, text: &str, what: &str) {
        let result = crate::clipboard::write_osc52(&mut io::stdout(), text)
            .map(|_| format!("Copied {what} via OSC 52 (your terminal's clipboard)"))
            .map_err(|e| e.to_string());
        let _ = self.tx.send(Msg::Copied(result));
    }

    fn copy(&self, text: String, what: String) {
        match crate::clipboard::route(self.clipboard) {
            Route::Osc52 => self.osc52(&text, &what),
            Route::System { fallback } => {
                let system = self.system.clone();
                let tx = self.tx.clone();
                let fb = self.fallback.clone();
                tokio::task::spawn_blocking(move || match system.set(&text) {
                    Ok(()) => {
                        let msg = format!("Copied {what} to the system clipboard");
                        let _ = tx.send(Msg::Copied(Ok(msg)));
                    }
                    Err(e) if fallback => {
                        tracing::debug!(error = %e, "system clipboard unavailable, using OSC 52");
                        let _ = fb.send((text, what));
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::Copied(Err(e)));
                    }
                });
            }
        }
    }

    /// Carries out `effects`; returns true when the app should quit.
    pub fn apply(&mut self, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for e in effects {
            match e {
                Effect::Spawn(id, job) => self.spawn(id, job),
                Effect::Cancel(id) => {
                    if let Some(t) = self.tokens.remove(&id) {
                        t.cancel();
                    }
                }
                Effect::Copy { text, what } => self.copy(text, what),
                Effect::Quit => quit = true,
            }
        }
        // Forget tokens of tasks that finished on their own.
        self.tokens.retain(|_, t| !t.is_cancelled());
        quit
    }

    fn spawn(&mut self, id: TaskId, job: Job) {
        let token = CancellationToken::new();
        self.tokens.insert(id, token.clone());
        let store = self.store.clone();
        let tx = self.tx.clone();
        tracing::debug!(task = id.0, job = %job.label(), "start");
        tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => tracing::debug!(task = id.0, "cancelled"),
                _ = run_job(store, id, job, &tx) => {}
            }
            token.cancel();
            let _ = tx.send(Msg::TaskEnded(id));
        });
    }

    pub fn cancel_all(&mut self) {
        for (_, t) in self.tokens.drain() {
            t.cancel();
        }
    }
}

/// Does one job against the store, reporting through `tx`.
pub async fn run_job(store: Arc<dyn Store>, id: TaskId, job: Job, tx: &UnboundedSender<Msg>) {
    let send = |ev: TaskEvent| {
        let _ = tx.send(Msg::Task(id, ev));
    };
    match job {
        Job::Identity => send(TaskEvent::Identity(store.credential_source().await)),
        Job::ListBuckets => send(TaskEvent::Buckets(store.list_buckets().await)),
        Job::BucketRegion { bucket } => send(TaskEvent::Region(store.bucket_region(&bucket).await)),
        Job::BucketInfo { bucket } => send(TaskEvent::BucketInfo(store.bucket_info(&bucket).await)),
        Job::ObjectInfo { bucket, key } => send(TaskEvent::Object(Box::new(
            store.object_info(&bucket, &key).await,
        ))),
        Job::ListPrefix {
            bucket,
            prefix,
            page_size,
        } => {
            let started = std::time::Instant::now();
            let req = ListRequest::level(&bucket, &prefix, page_size);
            let pages = each_page(&*store, req, |page| send(TaskEvent::Page(page))).await;
            tracing::info!(
                task = id.0,
                pages,
                ms = started.elapsed().as_millis() as u64,
                "listing finished"
            );
        }
        Job::CountPrefix {
            bucket,
            prefix,
            page_size,
        } => {
            let mut totals = PrefixTotals::default();
            let req = ListRequest::recursive(&bucket, &prefix, page_size);
            each_page(&*store, req, |page| {
                send(TaskEvent::Totals(page.map(|p| {
                    totals.objects += p.objects.len() as u64;
                    totals.bytes += p.objects.iter().map(|o| o.size).sum::<u64>();
                    (totals, p.next.is_none())
                })))
            })
            .await;
        }
    }
}

/// Follows continuation tokens from `req` to the last page, handing each
/// page (or the error that ends the walk) to `f`. Returns the pages read.
async fn each_page(
    store: &dyn Store,
    mut req: ListRequest,
    mut f: impl FnMut(StoreResult<ListPage>),
) -> u32 {
    let mut pages = 0;
    loop {
        match store.list_page(&req).await {
            Ok(page) => {
                pages += 1;
                let next = page.next.clone();
                f(Ok(page));
                match next {
                    Some(t) => req.token = Some(t),
                    None => return pages,
                }
            }
            Err(e) => {
                f(Err(e));
                return pages;
            }
        }
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
) -> io::Result<Ending> {
    let _guard = TerminalGuard::enter(app.settings.mouse)?;
    // Terminal::clear would ask the terminal for the cursor position, which
    // not every terminal (or test harness) answers; a fresh alternate
    // screen only needs erasing.
    execute!(
        io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    // Never dropped: ratatui's Drop shows the cursor and eprintln!s (which
    // panics) if the terminal is gone; restore_terminal does that job.
    let mut terminal =
        std::mem::ManuallyDrop::new(Terminal::new(CrosstermBackend::new(io::stdout()))?);
    let (tx, mut rx) = unbounded_channel();
    let (fallback_tx, mut fallback_rx) = unbounded_channel::<Fallback>();
    let mut exec = Executor::new(store, tx, clipboard, fallback_tx);
    let mut quit = exec.apply(initial);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(tick_ms.max(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_signal =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hup_signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    // Lets the end-to-end tests prove the panic hook restores the terminal.
    let panic_key = std::env::var_os("PAIL_TEST_PANIC_ON_F12").is_some();
    if let Ok(size) = terminal.size() {
        quit |= exec.apply(update(&mut app, Msg::Resize(size.width, size.height)));
    }
    let mut ending = Ending::Quit;
    while !quit {
        terminal.draw(|f| crate::ui::render(&app, f))?;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => translate(ev),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(m) = rx.recv() => Some(m),
            Some((text, what)) = fallback_rx.recv() => {
                exec.osc52(&text, &what);
                None
            }
            _ = tick.tick() => Some(Msg::Tick),
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
            quit |= exec.apply(update(&mut app, msg));
        }
        // Take everything already queued before drawing again, so a burst
        // of listing pages costs one frame, not one frame per page.
        for _ in 0..512 {
            match rx.try_recv() {
                Ok(m) => quit |= exec.apply(update(&mut app, m)),
                Err(_) => break,
            }
        }
    }
    exec.cancel_all();
    Ok(ending)
}
