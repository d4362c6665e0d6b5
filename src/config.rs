//! Settings and key bindings: embedded defaults (`assets/config.toml`,
//! `assets/keymap.toml`) overridden key by key by the user's files. Loading
//! happens before the terminal is touched, so a mistake in the user's file is
//! reported as a plain message naming file, line and key (exit code 2)
//! instead of a half-drawn screen.

mod posture_settings;
mod transfer_settings;
use crate::keymap::{BindingTable, Bindings, Keymap};
pub use posture_settings::Posture;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
pub use transfer_settings::{STORAGE_CLASSES, Transfers};

pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");
pub const DEFAULT_KEYMAP: &str = include_str!("../assets/keymap.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum PathStyle {
    Auto,
    Always,
    Never,
}

impl PathStyle {
    pub fn resolve(self) -> Option<bool> {
        match self {
            PathStyle::Auto => None,
            PathStyle::Always => Some(true),
            PathStyle::Never => Some(false),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checksums {
    Auto,
    WhenRequired,
    WhenSupported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClipboardMode {
    Auto,
    Osc52,
    System,
}

#[derive(Clone, Debug)]
pub struct S3Settings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub path_style: PathStyle,
    pub checksums: Checksums,
    pub no_sign_request: bool,
    pub page_size: i32,
    /// Seconds to wait for a response once a request is sent.
    pub read_timeout_secs: u64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
}

#[derive(Clone, Debug)]
pub struct UiSettings {
    pub mouse: bool,
    pub tick_ms: u64,
    pub inspect_delay_ms: u64,
    pub clipboard: ClipboardMode,
}

#[derive(Clone, Debug)]
pub struct LogSettings {
    pub level: String,
    pub file: Option<PathBuf>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub s3: S3Settings,
    pub ui: UiSettings,
    pub log: LogSettings,
    pub keymap: Keymap,
    pub transfers: Transfers,
    pub posture: Posture,
}

/// A problem in a config file, located for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

// The file shapes: every field optional, so a file may say as little as it
// likes, and unknown keys are errors so typos do not pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    s3: Option<S3File>,
    ui: Option<UiFile>,
    log: Option<LogFile>,
    keys: Option<BindingTable>,
    /// `[context.NAME]` tables: bindings for one context only.
    context: Option<toml::Table>,
    copy: Option<BindingTable>,
    transfers: Option<transfer_settings::TransfersFile>,
    posture: Option<posture_settings::PostureFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct S3File {
    profile: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    path_style: Option<PathStyle>,
    checksums: Option<Checksums>,
    no_sign_request: Option<bool>,
    page_size: Option<i32>,
    read_timeout_secs: Option<u64>,
    max_attempts: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UiFile {
    mouse: Option<bool>,
    tick_ms: Option<u64>,
    inspect_delay_ms: Option<u64>,
    clipboard: Option<ClipboardMode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogFile {
    level: Option<String>,
    file: Option<PathBuf>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key on a `key = value` line, for errors the parser reports by span.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (k, _) = l.split_once('=')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty()).then(|| k.to_owned())
}

/// First line mentioning `needle` as a key, for errors found after parsing.
fn find_key_line(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            !t.starts_with('#') && (t.starts_with(needle) || t.contains(&format!("\"{needle}\"")))
        })
        .map(|i| i + 1)
}

fn parse_file(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let key = line.and_then(|l| key_on_line(text, l));
        ConfigError {
            file: path.to_owned(),
            line,
            key,
            message: e.message().trim().to_owned(),
        }
    })
}

/// Where pail looks for the user's files when `--config` is not given.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "pail").map(|d| d.config_dir().to_owned())
}

/// `~`, `~/x`, `$HOME/x` and `${HOME}/x` at the start of a path mean the
/// home directory, as they would in a shell: config files are not run
/// through one. Other `~user` forms and variables are left alone.
pub fn expand_home(p: &Path) -> PathBuf {
    let Some(text) = p.to_str() else {
        return p.to_owned();
    };
    let rest = ["~", "${HOME}", "$HOME"].iter().find_map(|prefix| {
        let rest = text.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    });
    match (rest, directories::BaseDirs::new()) {
        (Some(rest), Some(dirs)) => {
            let home = dirs.home_dir().to_string_lossy().into_owned();
            PathBuf::from(format!("{home}{rest}"))
        }
        _ => p.to_owned(),
    }
}

/// Loads defaults, then the user's config (explicit path, or the platform
/// config dir if the file exists), then a `keymap.toml` from the config dir.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    load_files(explicit, None)
}

/// Loads the built-in defaults, then the user's settings and key bindings.
/// The two files are chosen independently: `config` (`--config`) replaces
/// the config dir's `config.toml`, `keymap` (`--keymap`) replaces its
/// `keymap.toml`; whichever is not given comes from the config dir if it
/// exists there. A file named on the command line must exist.
pub fn load_files(config: Option<&Path>, keymap: Option<&Path>) -> Result<Config, ConfigError> {
    let mut layers: Vec<(PathBuf, String)> = vec![
        (
            PathBuf::from("<built-in config.toml>"),
            DEFAULT_CONFIG.to_owned(),
        ),
        (
            PathBuf::from("<built-in keymap.toml>"),
            DEFAULT_KEYMAP.to_owned(),
        ),
    ];
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| ConfigError {
            file: p.to_owned(),
            line: None,
            key: None,
            message: format!("cannot read: {e}"),
        })
    };
    let dir = config_dir();
    for (given, name) in [(config, "config.toml"), (keymap, "keymap.toml")] {
        match given {
            Some(p) => layers.push((p.to_owned(), read(p)?)),
            None => {
                if let Some(p) = dir.as_ref().map(|d| d.join(name))
                    && p.is_file()
                {
                    layers.push((p.clone(), read(&p)?));
                }
            }
        }
    }
    from_layers(&layers)
}

/// Merges parsed layers, later ones winning field by field.
pub fn from_layers(layers: &[(PathBuf, String)]) -> Result<Config, ConfigError> {
    let mut parsed = Vec::new();
    for (path, text) in layers {
        parsed.push((path, text, parse_file(path, text)?));
    }
    let mut s3 = S3Settings {
        profile: None,
        region: None,
        endpoint_url: None,
        path_style: PathStyle::Auto,
        checksums: Checksums::Auto,
        no_sign_request: false,
        page_size: 1000,
        read_timeout_secs: 30,
        max_attempts: 3,
    };
    let mut ui = UiSettings {
        mouse: true,
        tick_ms: 100,
        inspect_delay_ms: 150,
        clipboard: ClipboardMode::Auto,
    };
    let mut log = LogSettings {
        level: "info".into(),
        file: None,
    };
    let mut bindings = Vec::new();
    let mut transfers = Transfers::default();
    let mut posture = Posture::default();
    for (path, text, f) in &parsed {
        let err = |key: &str, message: String| ConfigError {
            file: (*path).clone(),
            line: find_key_line(text, key),
            key: Some(key.to_owned()),
            message,
        };
        if let Some(s) = &f.s3 {
            s3.profile = s.profile.clone().or(s3.profile.take());
            s3.region = s.region.clone().or(s3.region.take());
            s3.endpoint_url = s.endpoint_url.clone().or(s3.endpoint_url.take());
            s3.path_style = s.path_style.unwrap_or(s3.path_style);
            s3.checksums = s.checksums.unwrap_or(s3.checksums);
            s3.no_sign_request = s.no_sign_request.unwrap_or(s3.no_sign_request);
            if let Some(n) = s.page_size {
                if !(1..=1000).contains(&n) {
                    return Err(err("page_size", format!("must be 1..=1000, not {n}")));
                }
                s3.page_size = n;
            }
            if let Some(t) = s.read_timeout_secs {
                if !(1..=3600).contains(&t) {
                    return Err(err(
                        "read_timeout_secs",
                        format!("must be 1..=3600, not {t}"),
                    ));
                }
                s3.read_timeout_secs = t;
            }
            if let Some(n) = s.max_attempts {
                if !(1..=10).contains(&n) {
                    return Err(err("max_attempts", format!("must be 1..=10, not {n}")));
                }
                s3.max_attempts = n;
            }
        }
        if let Some(u) = &f.ui {
            ui.mouse = u.mouse.unwrap_or(ui.mouse);
            if let Some(t) = u.tick_ms {
                if !(10..=1000).contains(&t) {
                    return Err(err("tick_ms", format!("must be 10..=1000, not {t}")));
                }
                ui.tick_ms = t;
            }
            ui.inspect_delay_ms = u.inspect_delay_ms.unwrap_or(ui.inspect_delay_ms);
            ui.clipboard = u.clipboard.unwrap_or(ui.clipboard);
        }
        if let Some(t) = &f.transfers {
            transfers.apply(t).map_err(|(key, m)| err(key, m))?;
        }
        if let Some(p) = &f.posture {
            posture.apply(p).map_err(|(key, m)| err(key, m))?;
        }
        if let Some(l) = &f.log {
            if let Some(level) = &l.level {
                if level.parse::<tracing::Level>().is_err() && level != "off" {
                    return Err(err("level", format!("unknown log level {level:?}")));
                }
                log.level = level.clone();
            }
            log.file = l.file.as_deref().map(expand_home).or(log.file.take());
        }
        // Validate each file's bindings on their own so an error names the
        // file and line it came from.
        let b = Bindings::from_toml(f.keys.clone(), f.context.as_ref(), f.copy.clone()).map_err(
            |message| {
                let word = message.split(':').next().unwrap_or("").to_owned();
                ConfigError {
                    file: (*path).clone(),
                    line: find_key_line(text, word.rsplit('.').next().unwrap_or("")),
                    key: Some(word),
                    message,
                }
            },
        )?;
        if let Err(e) = Keymap::build(&[&b]) {
            return Err(ConfigError {
                file: (*path).clone(),
                line: find_key_line(text, &e.name),
                key: Some(e.name),
                message: e.message,
            });
        }
        bindings.push(b);
    }
    // Conflicts between files (a user key landing on a default one) are
    // blamed on the last file that mentions the action.
    let refs: Vec<&Bindings> = bindings.iter().collect();
    let keymap = Keymap::build(&refs).map_err(|e| {
        let found = parsed.iter().rev().find_map(|(path, text, _)| {
            std::iter::once(&e.name)
                .chain(e.other.as_ref())
                .find_map(|n| find_key_line(text, n).map(|l| (n.clone(), l)))
                .map(|(n, l)| ((*path).clone(), l, n))
        });
        match found {
            Some((file, line, key)) => ConfigError {
                file,
                line: Some(line),
                key: Some(key),
                message: e.message,
            },
            None => ConfigError {
                file: PathBuf::from("<keymap>"),
                line: None,
                key: Some(e.name),
                message: e.message,
            },
        }
    })?;
    Ok(Config {
        s3,
        ui,
        log,
        keymap,
        transfers,
        posture,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::{Action, Context};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn with_user(text: &str) -> Result<Config, ConfigError> {
        from_layers(&[
            ("<d>".into(), DEFAULT_CONFIG.into()),
            ("<k>".into(), DEFAULT_KEYMAP.into()),
            ("user.toml".into(), text.into()),
        ])
    }

    #[test]
    fn defaults_load() {
        let c = with_user("").unwrap();
        assert_eq!(c.s3.page_size, 1000);
        assert_eq!(c.s3.path_style, PathStyle::Auto);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(c.keymap.action(Context::Tree, &j), Some(Action::MoveDown));
    }

    #[test]
    fn user_overrides_key_by_key() {
        let c = with_user("[s3]\npage_size = 50\n[keys]\nmove_down = [\"W\"]\n").unwrap();
        assert_eq!(c.s3.page_size, 50);
        assert_eq!(c.s3.checksums, Checksums::Auto);
        let n = KeyEvent::new(KeyCode::Char('W'), KeyModifiers::NONE);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        let k = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE);
        assert_eq!(c.keymap.action(Context::Tree, &n), Some(Action::MoveDown));
        assert_eq!(
            c.keymap.action(Context::Buckets, &n),
            Some(Action::MoveDown)
        );
        assert_eq!(c.keymap.action(Context::Tree, &j), None);
        assert_eq!(c.keymap.action(Context::Tree, &k), Some(Action::MoveUp));
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let e = with_user("[s3]\nregion = \"x\"\nendpont_url = \"http://x\"\n").unwrap_err();
        assert_eq!(e.file, PathBuf::from("user.toml"));
        assert_eq!(e.line, Some(3));
        assert_eq!(e.key.as_deref(), Some("endpont_url"));
        assert!(e.message.contains("unknown field"), "{e}");
    }

    #[test]
    fn bad_value_type_is_located() {
        let e = with_user("[ui]\n\nmouse = \"yes\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.key.as_deref(), Some("mouse"));
        let e = with_user("[s3]\npath_style = \"sideways\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn bad_keymap_is_located() {
        let e = with_user("[keys]\n\nfly = [\"f\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.key.as_deref(), Some("fly"));
        let e = with_user("[keys]\ntop = [\"Hyper-g\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = with_user("[s3]\npage_size = 5000\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("page_size")));
    }

    #[test]
    fn a_user_key_landing_on_a_default_one_names_both() {
        let e = with_user("[keys]\nmove_down = [\"q\"]\n").unwrap_err();
        assert_eq!(e.file, PathBuf::from("user.toml"));
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.contains("move_down") && e.message.contains("quit"),
            "{e}"
        );
        assert_eq!(e.key.as_deref(), Some("move_down"));
        let e = with_user("[copy]\nuri = [\"k\"]\n").unwrap_err();
        assert_eq!(e.file, PathBuf::from("user.toml"));
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("uri")));
        let c = with_user("[context.copy]\nuri = [\"x\"]\n").unwrap();
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(c.keymap.copy_target(&x), Some(crate::keymap::CopyWhat::Uri));
        let e = with_user("[copy]\nuri = [\"Esc\"]\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("uri")));
        assert!(e.message.contains("never fire"), "{e}");
        let c = with_user("[context.tree]\nrefresh = [\"W\"]\n").unwrap();
        let r = KeyEvent::new(KeyCode::Char('W'), KeyModifiers::NONE);
        assert_eq!(c.keymap.action(Context::Tree, &r), Some(Action::Refresh));
        assert_eq!(c.keymap.action(Context::Buckets, &r), None);
    }

    #[test]
    fn timeouts_and_attempts() {
        let c = with_user("").unwrap();
        assert_eq!((c.s3.read_timeout_secs, c.s3.max_attempts), (30, 3));
        let c = with_user("[s3]\nread_timeout_secs = 5\nmax_attempts = 1\n").unwrap();
        assert_eq!((c.s3.read_timeout_secs, c.s3.max_attempts), (5, 1));
        let e = with_user("[s3]\nmax_attempts = 0\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("max_attempts")));
        let e = with_user("[s3]\nread_timeout_secs = 0\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("read_timeout_secs"));
    }

    #[test]
    fn home_expands_in_paths() {
        let home = directories::BaseDirs::new().unwrap().home_dir().to_owned();
        assert_eq!(expand_home(Path::new("~/pail.log")), home.join("pail.log"));
        assert_eq!(
            expand_home(Path::new("$HOME/x/p.log")),
            home.join("x/p.log")
        );
        assert_eq!(expand_home(Path::new("${HOME}/p.log")), home.join("p.log"));
        assert_eq!(expand_home(Path::new("~")), home);
        assert_eq!(
            expand_home(Path::new("~bob/p.log")),
            PathBuf::from("~bob/p.log")
        );
        assert_eq!(
            expand_home(Path::new("/tmp/~/p")),
            PathBuf::from("/tmp/~/p")
        );
        assert_eq!(
            expand_home(Path::new("$HOMEX/p")),
            PathBuf::from("$HOMEX/p")
        );
        let c = with_user("[log]\nfile = \"~/pail.log\"\n").unwrap();
        assert_eq!(c.log.file, Some(home.join("pail.log")));
    }

    #[test]
    fn syntax_error_is_located() {
        let e = with_user("[s3\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
