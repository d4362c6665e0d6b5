//! pail: a terminal UI for Amazon S3 and S3-compatible stores.
//!
//! The crate is split so that the interesting parts are testable without a
//! terminal or a network: [`app`] is pure state and update, [`ui`] is a pure
//! renderer (with [`layout`] the geometry both share), [`store`] hides
//! aws-sdk-s3 behind a narrow trait, [`engine`] moves bytes and [`plan`]
//! decides what a change will do before anyone is asked, [`cmd`] is the
//! command line, and [`runtime`] is the only place that touches the
//! terminal and spawns work. DEVELOPERS.md draws the rooms.

pub mod app;
pub mod bucket;
pub mod cmd;
pub mod config;
pub mod demo;
pub mod denied;
pub mod diagnose;
pub mod engine;
pub mod format;
pub mod keymap;
pub mod layout;
pub mod local;
pub mod logging;
pub mod plan;
pub mod posture;
pub mod runtime;
pub mod sanitize;
pub mod store;
pub mod ui;
pub mod walk;
pub mod width;
