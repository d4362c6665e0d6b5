//! Deleted objects and folders in the tree (`H`) and undelete (`U`). With
//! `H` on, every listed folder also gets a ListObjectVersions of its level
//! (delimiter `/`), lazily, as folders load: keys whose latest is a delete
//! marker show dimmed as "deleted", and prefixes the versions listing has
//! but the live one lacks (they hold nothing current) show as deleted
//! folders. `U` on a deleted key removes its delete markers; on a prefix it
//! plans from every version under it and previews the counts first (that
//! part is rollback/undelete.rs).

use super::{App, Effect, Job, Owner, Screen, TaskId};
use crate::sanitize::clean;
use crate::store::{DeletedLevel, StoreResult};

impl App {
    /// `H`: shows or hides deleted objects and folders.
    pub(crate) fn toggle_deleted(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen != Screen::Browse {
            return;
        }
        let Some(b) = &mut self.browse else { return };
        b.show_deleted = !b.show_deleted;
        if b.show_deleted {
            let folders = b.tree.listed_folders();
            for p in folders {
                self.list_deleted(p, fx);
            }
            self.set_status("Showing deleted objects and folders (H hides them; U undeletes)");
        } else {
            b.tree.clear_deleted();
            fx.extend(self.tasks.cancel_where(|o| matches!(o, Owner::Deleted(_))));
            self.set_status("Deleted objects hidden");
        }
    }

    /// Lists the deleted entries of one folder (when `H` is on).
    pub(crate) fn list_deleted(&mut self, prefix: String, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        if !b.show_deleted {
            return;
        }
        let bucket = b.tree.bucket.clone();
        let owner = Owner::Deleted(prefix.clone());
        fx.extend(self.tasks.cancel_where(|o| *o == owner));
        fx.push(self.start(owner, Job::ListDeleted { bucket, prefix }));
    }
}

/// A folder's deleted entries arrived.
pub(super) fn on_level(app: &mut App, id: TaskId, r: StoreResult<DeletedLevel>) {
    let Some(Owner::Deleted(prefix)) = app.tasks.live(id).map(|t| t.owner.clone()) else {
        return;
    };
    let Some(b) = &mut app.browse else { return };
    match r {
        Ok(level) => b.tree.set_deleted(&prefix, level),
        Err(e) => {
            let short = crate::diagnose::short(&e);
            app.set_error(format!("Deleted objects of {}: {short}", clean(&prefix)));
        }
    }
}
