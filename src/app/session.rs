//! What every feature reads and none owns: the connection and who pail
//! talks to it as, the keymap, settings derived from the config, the
//! terminal's size, and the clock as the runtime last reported it. Kept
//! apart from [`super::App`] so a feature's update can take `&Session`
//! beside its own state instead of the whole app.

use crate::config::Config;
use crate::format::Zone;
use crate::keymap::Keymap;
use crate::store::{Connection, CredentialSource};

/// What the clock and the network look like at a tick. Time comes in as
/// data so `update` stays pure and testable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Wall-clock time, milliseconds since the epoch.
    pub now_ms: i64,
    /// A request that has waited long for an answer, in words
    /// ("waiting for 127.0.0.1:9000 · 20 s · attempt 2/3").
    pub waiting: Option<String>,
}

/// Settings update needs, derived from the config once.
#[derive(Clone, Debug)]
pub struct Settings {
    pub page_size: i32,
    pub inspect_delay_ticks: u64,
    pub mouse: bool,
    /// `[transfers]`: the engine's settings and the upload defaults.
    pub transfers: crate::config::Transfers,
    /// `[posture]`: each bucket's profile and object-lock wish.
    pub posture: crate::config::Posture,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub settings: Settings,
    pub keymap: Keymap,
    pub conn: Connection,
    /// Who the store says we are, once asked (Err: why it could not tell).
    pub creds: Option<Result<CredentialSource, String>>,
    /// The zone times are shown and typed in (the system's, per instant).
    pub tz: Zone,
    /// Ticks since start (status messages fade by it).
    pub tick: u64,
    pub clock: Clock,
    /// The terminal's size in cells.
    pub size: (u16, u16),
}

impl Session {
    pub fn new(config: &Config, conn: Connection, tz: Zone, size: (u16, u16)) -> Session {
        let tick = config.ui.tick_ms.max(1);
        Session {
            settings: Settings {
                page_size: config.s3.page_size,
                inspect_delay_ticks: config.ui.inspect_delay_ms.div_ceil(tick),
                mouse: config.ui.mouse,
                transfers: config.transfers.clone(),
                posture: config.posture.clone(),
            },
            keymap: config.keymap.clone(),
            conn,
            creds: None,
            tz,
            tick: 0,
            clock: Clock::default(),
            size,
        }
    }

    /// Rows of the tree or bucket list that fit on screen.
    pub fn list_height(&self) -> usize {
        let areas = crate::layout::areas(self.size.0, self.size.1);
        areas.list.height.saturating_sub(2).max(1) as usize
    }

    pub fn creds(&self) -> Option<&CredentialSource> {
        self.creds.as_ref().and_then(|c| c.as_ref().ok())
    }
}
