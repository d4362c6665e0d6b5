//! Plans: what a change will do, decided before anyone is asked, from
//! complete listings and nothing else. A planner takes a [`Store`] to list
//! with and a cancel token that stops it between and during requests; it
//! never writes. The question shows the plan, and the engine runs exactly
//! that plan (`engine::Spec::Delete`, `engine::Spec::History`).
//!
//! [`Store`]: crate::store::Store

pub mod archive;
pub mod delete;
pub mod rollback;
pub mod sync;

pub use delete::{DeletePlan, plan_delete};
