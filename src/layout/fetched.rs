//! Something loaded in the background, as a pane sees it: the inspector
//! and the bucket card share it, so neither reaches into the other.

use crate::store::StoreError;

/// Not yet there, there, or failed (with the error to explain).
pub enum Fetched<'a, T> {
    /// Not asked yet, or on its way.
    Waiting,
    Ready(T),
    Failed(&'a StoreError),
}
