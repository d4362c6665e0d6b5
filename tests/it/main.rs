//! Every integration, snapshot and end-to-end test of pail, as one test
//! crate: one link of the SDK instead of one per file (the suite spent most
//! of its time linking two dozen binaries). Each module is a capability;
//! `cargo test --release --test it MODULE::` runs one of them.

#[macro_use]
mod common;

mod app_foundation;
mod app_questions;
mod app_sync;
mod app_transfers;
mod app_update;
mod app_versions;
mod bucket_settings;
mod buckets;
mod cli;
mod cors;
mod demo_versions;
mod e2e;
mod e2e_archive;
mod e2e_files;
mod e2e_sync;
mod e2e_versions;
mod e2e_writes;
mod faults;
mod fixes;
mod glacier;
mod hostile_panels;
mod model;
mod moto;
mod posture;
mod presign;
mod radosgw;
mod signed;
mod snapshots;
mod snapshots_card;
mod snapshots_history;
mod snapshots_questions;
mod startup;
mod sync;
mod transfers;
mod versions;
mod walk;
mod why;
mod width;
mod writes;
