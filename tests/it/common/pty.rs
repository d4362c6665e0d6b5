//! The release binary in a pseudo-terminal: the one driver every
//! end-to-end test uses. The caller gives the whole environment that
//! matters (HOME, AWS files, TMPDIR), so a test can stand up its own
//! `~/.aws/config`; keys are typed as a person would (`press`, `answer`),
//! and the screen is read back through a vt100 parser, the raw byte stream
//! kept for what a parser hides (OSC 52, the terminal being restored).
//!
//! Deadlines are generous: CI machines are small and loaded. They bound a
//! hang; they do not measure speed.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Variables from the developer's shell that would change what pail does.
pub const SCRUB: &[&str] = &[
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "SSH_CONNECTION",
    "SSH_TTY",
    "SSH_CLIENT",
    "TMUX",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
];

pub struct Pty {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// Runs pail with `args` in a 30x110 pty, HOME and the XDG dirs under
    /// `home`, no AWS settings but those in `env`.
    pub fn spawn(args: &[&str], env: &[(&str, &str)], home: &Path) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 110,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        // PAIL_TEST_BIN: the same test against another build.
        let bin = std::env::var("PAIL_TEST_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_pail").to_owned());
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        for k in SCRUB {
            cmd.env_remove(k);
        }
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("XDG_STATE_HOME", home.join(".state"));
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home);
        let child = pair.slave.spawn_command(cmd).expect("spawn pail");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(30, 110, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            master: pair.master,
            writer,
            parser,
            raw,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// Waits (bounded, generously: CI machines are small) for `text` in the
    /// raw output, which also holds what was printed before the UI started.
    pub fn wait_for_output(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.raw_text().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {text:?}; output:\n{}",
            self.raw_text()
        );
    }

    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {text:?}; screen:\n{}", self.screen());
    }

    /// Waits (bounded) until `text` is no longer on the screen.
    pub fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if !self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{text:?} stayed on the screen:\n{}", self.screen());
    }

    /// Writes `keys` at once (text typed into a prompt).
    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types keys one at a time, pausing so ESC is not read as Alt.
    pub fn press(&mut self, keys: &[&str]) {
        for k in keys {
            self.keys(k);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Answers a question that just appeared: pail ignores keys in its
    /// first 300 ms (a key meant for the screen before must not answer
    /// it), so wait that out first, as a person reading it would.
    pub fn answer(&mut self, keys: &[&str]) {
        std::thread::sleep(Duration::from_millis(350));
        self.press(keys);
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
    }

    pub fn exited_within(&mut self, limit: Duration) -> Option<portable_pty::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Presses q and waits for pail to end. If it does not, the screen is
    /// reported and Enter then q y are tried: on a loaded machine a key was
    /// seen to go missing here, and the report keeps that visible.
    pub fn quit(&mut self) -> portable_pty::ExitStatus {
        self.press(&["q"]);
        if let Some(s) = self.exited_within(Duration::from_secs(15)) {
            return s;
        }
        eprintln!("WARNING: pail ignored q; screen:\n{}", self.screen());
        self.press(&["\r", "q", "y"]);
        self.wait_exit(Duration::from_secs(60))
    }

    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid.to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{name} {pid}");
    }

    /// The exit status, or a panic saying where pail is stuck (its
    /// threads' wait channels) and the screen, if it does not end.
    pub fn wait_exit(&mut self, limit: Duration) -> portable_pty::ExitStatus {
        if let Some(status) = self.exited_within(limit) {
            return status;
        }
        let mut threads = String::new();
        if let Some(pid) = self.child.process_id()
            && let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task"))
        {
            for t in dir.flatten() {
                let read = |f: &str| std::fs::read_to_string(t.path().join(f)).unwrap_or_default();
                threads.push_str(&format!(
                    "{} {} {}\n",
                    read("comm").trim(),
                    read("wchan").trim(),
                    read("stat").split(' ').nth(2).unwrap_or("")
                ));
            }
        }
        // The screen before the kill: portable-pty's kill sends SIGHUP
        // first, and pail restores the terminal on it.
        let screen = self.screen();
        let _ = self.child.kill();
        panic!("pail did not exit; threads:\n{threads}screen:\n{screen}");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// Polls `f` until it holds, for at most a minute (a server or the
/// terminal catching up); panics naming `what` after that.
pub fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting until {what}");
}
