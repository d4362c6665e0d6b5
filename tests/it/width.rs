//! Wide and combining characters on a real terminal byte stream: the bytes
//! pail writes for a redraw, fed to a vt100 emulator, must leave exactly the
//! screen a fresh draw of the same state gives. A width disagreement between
//! pail, ratatui and the terminal shows up here as stray or shifted glyphs.
//! Also: deep folders stay readable at 80 columns.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::{App, Job, Msg, TaskEvent, browse, update};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

const W: u16 = 80;
const H: u16 = 24;

/// A writer whose bytes the test can take after each frame.
#[derive(Clone, Default)]
struct Tape(Rc<RefCell<Vec<u8>>>);

impl Write for Tape {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Tape {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

fn terminal(tape: &Tape) -> Terminal<CrosstermBackend<Tape>> {
    Terminal::with_options(
        CrosstermBackend::new(tape.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
        },
    )
    .unwrap()
}

/// What pail draws for a frame: the screen, then widths reconciled with
/// the terminal's (ui::render will do the second step itself once the lead
/// wires it in; it is idempotent, so doing it here too stays right).
fn render(app: &App, f: &mut ratatui::Frame) {
    pail::ui::render(app, f);
    pail::width::reconcile(f.buffer_mut());
}

/// Every cell of the emulated screen: its text and whether it is the right
/// half of a wide glyph.
fn cells(p: &vt100::Parser) -> Vec<Vec<(String, bool)>> {
    let s = p.screen();
    (0..H)
        .map(|r| {
            (0..W)
                .map(|c| {
                    let cell = s.cell(r, c).unwrap();
                    // An empty cell and a space look the same; which one
                    // the emulator holds depends on whether it was written.
                    let text = match cell.contents() {
                        "" if !cell.is_wide_continuation() => " ".to_owned(),
                        t => t.to_owned(),
                    };
                    (text, cell.is_wide_continuation())
                })
                .collect()
        })
        .collect()
}

fn fresh(app: &App) -> vt100::Parser {
    let tape = Tape::default();
    let mut t = terminal(&tape);
    t.draw(|f| render(app, f)).unwrap();
    let mut p = vt100::Parser::new(H, W, 0);
    p.process(&tape.take());
    p
}

/// Names that trip width code: flags, skin tones, ZWJ families, VS16,
/// keycaps, Thai and Devanagari combining marks, CJK, a lone mark, mixes.
const NAMES: &[&str] = &[
    "🇫🇷-report.csv",
    "👍🏽-likes.json",
    "👩\u{200d}👩\u{200d}👧-family.png",
    "👩🏽\u{200d}💻 dev notes.md",
    "❤\u{fe0f}-love.txt",
    "1\u{fe0f}\u{20e3} keycap.txt",
    "ภาษาไทย-สวัสดี.txt",
    "हिन्दी-नमस्ते.txt",
    "日本語のファイル名.txt",
    "中文文件名-很长很长很长很长很长很长很长很长.txt",
    "\u{301}lonely-mark.txt",
    "e\u{301}e\u{301}e\u{301}-accents.txt",
    "plain-ascii-name.txt",
    "🏳\u{fe0f}\u{200d}🌈 pride.svg",
    "한국어 파일.txt",
    "mixed 日本 🇯🇵 ไทย 👍🏽 end.txt",
    "zz-ascii.txt",
];

/// An app browsing `names` many times over, so scrolling moves each name
/// across rows that held names of other widths.
fn app_with(names: &[String]) -> App {
    let (mut app, fx) = new_app(Some(("acme-datalake", "")));
    update(&mut app, Msg::Resize(W, H));
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::List { .. })))
        .unwrap();
    let objs: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1234)).collect();
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Browse(browse::Reply::Page(Ok(page(&[], &objs, false)))),
        ),
    );
    app
}

fn names() -> Vec<String> {
    (0..4)
        .flat_map(|i| NAMES.iter().map(move |n| format!("{i}{n}")))
        .collect()
}

#[test]
fn redraws_leave_the_same_screen_as_fresh_draws() {
    let mut app = app_with(&names());
    let tape = Tape::default();
    let mut term = terminal(&tape);
    let mut screen = vt100::Parser::new(H, W, 0);
    term.draw(|f| render(&app, f)).unwrap();
    screen.process(&tape.take());
    assert_eq!(cells(&screen), cells(&fresh(&app)), "first frame");
    // Move the cursor down past the viewport and back: every step scrolls
    // the rows by one, or moves the highlighted row.
    let steps = std::iter::repeat_n(KeyCode::Down, 45).chain(std::iter::repeat_n(KeyCode::Up, 45));
    for (n, k) in steps.enumerate() {
        update(&mut app, code(k));
        term.draw(|f| render(&app, f)).unwrap();
        screen.process(&tape.take());
        let want = fresh(&app);
        let (got, want) = (cells(&screen), cells(&want));
        for r in 0..H as usize {
            assert_eq!(
                got[r],
                want[r],
                "step {n}, row {r}:\nredrawn: {:?}\nfresh:   {:?}",
                got[r].iter().map(|c| c.0.as_str()).collect::<String>(),
                want[r].iter().map(|c| c.0.as_str()).collect::<String>()
            );
        }
    }
}

#[test]
fn renaming_rows_in_place_leaves_no_stray_glyphs() {
    // The same rows, each name replaced by one of another width, as after
    // a refresh: every cell changes kind (wide, narrow, combining).
    let before = names();
    let mut after = before.clone();
    after.rotate_left(1);
    for (a, b) in [(&before, &after), (&after, &before)] {
        let app_a = app_with(a);
        let app_b = app_with(b);
        let tape = Tape::default();
        let mut term = terminal(&tape);
        let mut screen = vt100::Parser::new(H, W, 0);
        term.draw(|f| render(&app_a, f)).unwrap();
        term.draw(|f| render(&app_b, f)).unwrap();
        screen.process(&tape.take());
        assert_eq!(cells(&screen), cells(&fresh(&app_b)));
    }
}

#[test]
fn joined_emoji_reach_the_screen_unescaped() {
    let app = app_with(&names());
    let p = fresh(&app);
    let text = p.screen().contents();
    assert!(text.contains("👩\u{200d}👩\u{200d}👧-family"), "{text}");
    assert!(text.contains("🇫🇷-report"));
    assert!(!text.contains("\\u{200d}"));
}

#[test]
fn a_name_twenty_folders_deep_is_readable_at_80_columns() {
    let (mut app, fx) = new_app(Some(("acme-datalake", "")));
    update(&mut app, Msg::Resize(W, H));
    let (mut id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::List { .. })))
        .unwrap();
    let mut prefix = String::new();
    for depth in 0..20 {
        let child = format!("{prefix}d{depth:02}/");
        let leaf = format!("{prefix}file-at-depth-{depth:02}.txt");
        update(
            &mut app,
            Msg::Task(
                id,
                TaskEvent::Browse(browse::Reply::Page(Ok(page(
                    &[&child],
                    &[(&leaf, 10)],
                    false,
                )))),
            ),
        );
        // The cursor is on the new folder (first row of its listing):
        // expand it with `l`.
        let row = app.browse.as_ref().unwrap().tree.row_of(&child).unwrap();
        let height = app.session.list_height();
        app.browse.as_mut().unwrap().tree.move_to(row, height);
        let fx = update(&mut app, key('l'));
        id = spawned(&fx)
            .into_iter()
            .find(|(_, j)| matches!(j, Job::Browse(browse::Request::List { .. })))
            .unwrap()
            .0;
        prefix = child;
    }
    let leaf = format!("{prefix}file-at-depth-20.txt");
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Browse(browse::Reply::Page(Ok(page(&[], &[(&leaf, 10)], false)))),
        ),
    );
    let row = app.browse.as_ref().unwrap().tree.row_of(&leaf).unwrap();
    let height = app.session.list_height();
    app.browse.as_mut().unwrap().tree.move_to(row, height);
    let mut t = Terminal::new(TestBackend::new(W, H)).unwrap();
    t.draw(|f| pail::ui::render(&app, f)).unwrap();
    let buf = t.backend().buffer();
    // The tree pane only (the inspector beside it shows the key too).
    let pane = pail::layout::areas(W, H).list;
    let lines: Vec<String> = (0..H)
        .map(|y| (0..pane.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let line = lines
        .iter()
        .find(|l| l.contains("file-at-depth-20.txt"))
        .unwrap_or_else(|| panic!("depth-20 name cut or missing:\n{}", lines.join("\n")));
    assert!(
        line.contains("│    ·20   file-at-depth-20.txt"),
        "depth marker: {line}"
    );
    let d7 = lines.iter().find(|l| l.contains("d07/")).unwrap();
    assert!(d7.starts_with("│     ·7 ▾ d07/"), "{d7}");
    // Shallow rows keep plain two-column indentation.
    let d3 = lines.iter().find(|l| l.contains("d03/")).unwrap();
    assert!(d3.starts_with("│      ▾ d03/"), "{d3}");
}
