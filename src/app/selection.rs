//! What an operation acts on, read off the tree and the marks: the marked
//! objects and prefixes of the browsed bucket, else the row under the
//! cursor; the prefix under the cursor. The router builds a [`Here`] from
//! them for the operations (ops/), which never read the tree themselves.

use super::ops::Here;
use super::tree::Selected;
use super::{App, Load, Screen, parent_prefix};
use crate::engine::S3Source;
use crate::store::ObjectSummary;

impl App {
    /// An object of the browsed bucket as an engine source, with what the
    /// tree knows of it (size, date, storage class).
    fn object_source(&self, key: &str, size: u64) -> S3Source {
        let b = self.browse.as_ref();
        let found = b.and_then(|b| {
            b.tree
                .folder(&parent_prefix(key))?
                .entries
                .iter()
                .find(|e| !e.is_prefix && &*e.key == key)
                .map(|e| (e, b))
        });
        S3Source::Object(ObjectSummary {
            restore: None,
            key: key.to_owned(),
            size: found.map(|(e, _)| e.size).unwrap_or(size),
            modified: found.map(|(e, _)| e.modified).filter(|m| *m != i64::MIN),
            storage_class: found
                .filter(|(e, _)| e.class != 0)
                .and_then(|(e, b)| b.tree.classes.get(e.class as usize).cloned()),
            etag: None,
            version_id: None,
        })
    }

    /// The row under the cursor as an engine source.
    fn cursor_source(&self) -> Option<S3Source> {
        Some(match self.browse.as_ref()?.tree.selected()? {
            Selected::Prefix(p) => S3Source::Prefix(p),
            Selected::Object(k) => self.object_source(&k, 0),
        })
    }

    /// The objects and prefixes an operation acts on: the marks in the
    /// browsed bucket, else the row under the cursor.
    pub fn selection(&self) -> Option<(String, Vec<S3Source>)> {
        let bucket = self.browse.as_ref()?.tree.bucket.clone();
        let marked: Vec<S3Source> = self
            .browsing
            .marks
            .iter()
            .filter(|((mb, _), _)| *mb == bucket)
            .map(|((_, k), m)| {
                if m.is_prefix {
                    S3Source::Prefix(k.clone())
                } else {
                    self.object_source(k, m.size)
                }
            })
            .collect();
        if !marked.is_empty() {
            return Some((bucket, marked));
        }
        Some((bucket, vec![self.cursor_source()?]))
    }

    /// The prefix under the cursor: a prefix row itself, an object's folder.
    pub fn prefix_here(&self) -> Option<(String, String)> {
        let b = self.browse.as_ref()?;
        let prefix = match (b.tree.selected(), b.tree.selected_row()) {
            (Some(Selected::Prefix(p)), _) => p,
            (Some(Selected::Object(_)), Some(row)) => b.tree.folder_at(row.folder).prefix.clone(),
            _ => b.tree.root.clone(),
        };
        Some((b.tree.bucket.clone(), prefix))
    }

    /// What the operations see of the tree, while a bucket is browsed.
    pub(crate) fn here(&self) -> Option<Here> {
        let b = self
            .browse
            .as_ref()
            .filter(|_| self.view.screen == Screen::Browse)?;
        let (bucket, prefix) = self.prefix_here()?;
        Some(Here {
            selection: self.selection().map(|(_, s)| s).unwrap_or_default(),
            cursor: self.cursor_source(),
            versioning: match &b.info {
                Some(Load::Ready(i)) => i.versioning.clone().ok(),
                _ => None,
            },
            bucket,
            prefix,
        })
    }
}
