//! The release binary run as a script runs it: its own HOME and working
//! folder, credentials in the environment, an empty config unless a test
//! gives one, stdin from /dev/null or bytes, stdout and stderr captured.

use crate::common::engine::Server;
use crate::common::pty::SCRUB;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The binary under test: this build's, or PAIL_TEST_BIN's.
pub fn bin() -> String {
    std::env::var("PAIL_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_pail").to_owned())
}

pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

pub struct Pail {
    endpoint: String,
    key: String,
    secret: String,
    home: tempfile::TempDir,
}

impl Pail {
    pub fn new(endpoint: &str, key: &str, secret: &str) -> Pail {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("config.toml"), "").unwrap();
        Pail {
            endpoint: endpoint.to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            home,
        }
    }

    pub fn for_server(s: &Server) -> Pail {
        Pail::new(&s.endpoint, &s.key, &s.secret)
    }

    /// The working folder (relative paths in arguments are under it).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Makes `name` under the working folder.
    pub fn dir(&self, name: &str) -> PathBuf {
        let d = self.home().join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// Replaces the config file (`[transfers]` settings for a test).
    pub fn config(&self, toml: &str) {
        std::fs::write(self.home().join("config.toml"), toml).unwrap();
    }

    /// The arguments and environment every run gets.
    pub fn args(&self) -> Vec<String> {
        let home = self.home().display();
        vec![
            "--endpoint-url".into(),
            self.endpoint.clone(),
            "--region".into(),
            "us-east-1".into(),
            "--config".into(),
            format!("{home}/config.toml"),
            "--log-file".into(),
            format!("{home}/pail.log"),
        ]
    }

    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.home().display().to_string();
        vec![
            ("HOME".into(), home.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{home}/.config")),
            ("XDG_STATE_HOME".into(), format!("{home}/.state")),
            ("AWS_CONFIG_FILE".into(), "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE".into(), "/dev/null".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("AWS_ACCESS_KEY_ID".into(), self.key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), self.secret.clone()),
        ]
    }

    pub fn command<S: AsRef<str>>(&self, args: &[S]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(self.args())
            .args(args.iter().map(|a| a.as_ref()))
            .current_dir(self.home())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for k in SCRUB {
            cmd.env_remove(k);
        }
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// pail with `cmd` in a pseudo-terminal, with this harness's
    /// connection, environment and home.
    pub fn pty(&self, cmd: &[String]) -> crate::common::pty::Pty {
        let mut args = self.args();
        args.extend(cmd.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        crate::common::pty::Pty::spawn(&args, &env, self.home())
    }

    pub fn run<S: AsRef<str>>(&self, args: &[S]) -> Run {
        let child = self.command(args).stdin(Stdio::null()).spawn().unwrap();
        finish(child)
    }

    pub fn run_with_stdin<S: AsRef<str>>(&self, args: &[S], input: &[u8]) -> Run {
        let mut child = self.command(args).stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let r = finish(child);
        feeder.join().unwrap();
        r
    }
}

/// Waits for the child (bounded, so a hang fails instead of blocking the
/// suite), reading its output meanwhile.
pub fn finish(child: Child) -> Run {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(180)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("pail did not exit");
        }
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
