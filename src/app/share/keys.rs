//! The share popup's keys and its answers: opening it on the selection,
//! the form's keys, asking the runtime to sign, and copying what came back.
//! The popup's data and its pure helpers (curl, QR, TSV lines) are in
//! mod.rs, low enough for the modal stack to hold a `Share`.

use super::{Field, Link, PRESETS, Share, Stage, curl, file_name, qr_lines, tsv_field};
use crate::app::modal::Modal;
use crate::app::{App, Effect, Job, Owner, TaskId};
use crate::keymap::{Action, Context, Key};
use crate::sanitize::clean;
use crate::store::{LinkMethod, ObjectRef, Presigned, StoreError, StoreResult};
use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

impl App {
    /// `P`: the share popup for the object under the cursor (or the marked
    /// objects; a prefix gets an upload link for a new key in it).
    pub(crate) fn share(&mut self) {
        let Some((bucket, sources)) = self.selection() else {
            self.set_status("Open a bucket and pick an object to share");
            return;
        };
        let objects: Vec<ObjectRef> = sources
            .iter()
            .filter_map(|s| match s {
                crate::engine::S3Source::Object(o) => Some(ObjectRef::new(&bucket, &o.key)),
                crate::engine::S3Source::Prefix(_) => None,
            })
            .collect();
        let share = if objects.is_empty() {
            // A prefix: an upload link for a new key under it.
            let prefix = match sources.first() {
                Some(crate::engine::S3Source::Prefix(p)) => p.clone(),
                _ => String::new(),
            };
            let mut s = Share::new(
                &bucket,
                vec![ObjectRef::new(&bucket, &prefix)],
                LinkMethod::Put,
            );
            s.field = Field::Key;
            s
        } else {
            if objects.len() < sources.len() {
                self.set_status("Links are for objects: the marked prefixes are left out");
            }
            Share::new(&bucket, objects, LinkMethod::Get)
        };
        self.open_share(share);
    }

    pub(crate) fn open_share(&mut self, mut share: Share) {
        if self.session.conn.unsigned {
            share.error = Some(
                "pail runs without credentials (--no-sign-request), and a presigned link is \
                 signed with yours: there is nothing to sign it with. Start pail with \
                 credentials to share links."
                    .into(),
            );
        }
        self.modals.push(Modal::Share(Box::new(share)));
    }
}

/// A key for the share popup. Every key goes by the keymap's share
/// context, except that in a text field the keys that edit text edit it.
pub(crate) fn on_key(app: &mut App, mut s: Share, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.session.keymap.action(Context::Share, &key);
    let typing = text_field(&s) && Key::from_event(&key).edits_text();
    if action == Some(Action::Close) && !typing {
        if let Stage::Signing(id) = s.stage {
            fx.extend(app.tasks.cancel(id));
        }
        app.modals.pop();
        return;
    }
    if action == Some(Action::Help) && !typing {
        app.modals.push(Modal::Help {
            scroll: 0,
            context: Context::Share,
        });
        return;
    }
    match s.stage.clone() {
        Stage::Signing(_) => {}
        Stage::Done(links) => match action {
            Some(Action::Submit | Action::CopyLink) => copy_links(app, &s, &links, fx),
            Some(Action::CopyCurl) => {
                let text: Vec<String> = links.iter().map(curl).collect();
                fx.push(Effect::Copy {
                    text: text.join("\n"),
                    what: format!("curl command for {}", what(&s)),
                });
            }
            Some(Action::ShowQr) => {
                s.qr = match s.qr {
                    Some(_) => None,
                    None if links.len() == 1 => Some(qr_lines(&links[0].presigned.url)),
                    None => Some(Err(
                        "one link at a time: share a single object for a QR code".into(),
                    )),
                };
            }
            Some(Action::Edit) => {
                s.stage = Stage::Form;
                s.qr = None;
            }
            _ => {}
        },
        Stage::Form => form_key(app, &mut s, key, action, fx),
    }
    if let Some(Modal::Share(top)) = app.modals.last_mut() {
        **top = s;
    }
}

/// Whether the field under the cursor takes typed text: the key, the
/// content type, or an expiry typed by hand.
fn text_field(s: &Share) -> bool {
    s.stage == Stage::Form && matches!(s.field, Field::Key | Field::ContentType)
        || (s.stage == Stage::Form && s.field == Field::Expiry && s.preset == PRESETS.len())
}

fn form_key(
    app: &mut App,
    s: &mut Share,
    key: KeyEvent,
    action: Option<Action>,
    fx: &mut Vec<Effect>,
) {
    if app.session.conn.unsigned {
        return;
    }
    match action {
        Some(Action::Submit) => {
            match s.requests() {
                Ok(reqs) => {
                    s.error = None;
                    let (id, effect) = app.start_id(Owner::Share, Job::Presign(reqs));
                    fx.push(effect);
                    s.stage = Stage::Signing(id);
                }
                Err(e) => s.error = Some(e),
            }
            return;
        }
        Some(Action::Next) => return s.move_field(1),
        Some(Action::Prev) => return s.move_field(-1),
        _ => {}
    }
    s.error = None;
    let choice = match action {
        Some(Action::ChoiceNext) => Some(true),
        Some(Action::ChoicePrev) => Some(false),
        _ => None,
    };
    let edits = Key::from_event(&key).edits_text();
    match s.field {
        Field::Method if choice.is_some() => {
            s.method = match s.method {
                LinkMethod::Get => LinkMethod::Put,
                LinkMethod::Put => LinkMethod::Get,
            };
        }
        Field::Attachment if choice.is_some() => s.attachment = !s.attachment,
        // The presets and the typed duration are one ring of choices;
        // typing switches to the typed one.
        Field::Expiry => match choice {
            Some(forward) => {
                let n = PRESETS.len() + 1;
                s.preset = if forward {
                    (s.preset + 1) % n
                } else {
                    (s.preset + n - 1) % n
                };
            }
            None if s.preset == PRESETS.len() && edits => {
                s.typed.handle_event(&Event::Key(key));
            }
            // A key that types on a preset starts a typed duration.
            None if edits => {
                let mut typed = Input::default();
                if typed
                    .handle_event(&Event::Key(key))
                    .is_some_and(|c| c.value)
                {
                    s.preset = PRESETS.len();
                    s.typed = typed;
                }
            }
            None => {}
        },
        Field::Key if edits => {
            s.key.handle_event(&Event::Key(key));
        }
        Field::ContentType if edits => {
            s.content_type.handle_event(&Event::Key(key));
        }
        _ => {}
    }
}

/// "docs/a.pdf", or "3 objects".
fn what(s: &Share) -> String {
    match s.objects.as_slice() {
        [one] => crate::width::truncate(&clean(file_name(&one.key)), 40),
        many => crate::format::count(many.len() as u64, "object", "objects"),
    }
}

fn copy_links(app: &mut App, s: &Share, links: &[Link], fx: &mut Vec<Effect>) {
    let _ = app;
    let mut escaped = 0u64;
    let text = match links {
        [one] => one.presigned.url.clone(),
        many => many
            .iter()
            .map(|l| {
                let (key, was) = tsv_field(&l.object.key);
                escaped += u64::from(was);
                format!("{key}\t{}", l.presigned.url)
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let kind = links
        .first()
        .map(|l| l.presigned.method.as_str())
        .unwrap_or("GET");
    fx.push(Effect::Copy {
        text,
        what: format!(
            "presigned {kind} {} for {}",
            if links.len() == 1 {
                "link"
            } else {
                "links (key<TAB>URL)"
            },
            what(s)
        ) + &if escaped > 0 {
            format!(
                " ({} with a tab or line break written as \\t, \\n)",
                crate::format::count(escaped, "key", "keys")
            )
        } else {
            String::new()
        },
    });
}

/// The signed links came back: show them and copy them.
pub(crate) fn on_presigned(
    app: &mut App,
    id: TaskId,
    results: Vec<StoreResult<Presigned>>,
    fx: &mut Vec<Effect>,
) {
    let Some(pos) = app
        .modals
        .iter()
        .rposition(|m| matches!(m, Modal::Share(s) if s.stage == Stage::Signing(id)))
    else {
        return;
    };
    let Modal::Share(s) = &mut app.modals[pos] else {
        return;
    };
    let mut links = Vec::new();
    let mut failed: Option<StoreError> = None;
    // The form does not change while it signs: its requests are the ones
    // that were sent, in order.
    let reqs = s.requests().unwrap_or_default();
    for (req, r) in reqs.iter().zip(results) {
        match r {
            Ok(p) => links.push(Link {
                object: req.object.clone(),
                presigned: p,
            }),
            Err(e) => failed = Some(e),
        }
    }
    if let Some(e) = failed {
        s.stage = Stage::Form;
        s.error = Some(format!("Could not sign: {}", crate::diagnose::short(&e)));
        return;
    }
    s.stage = Stage::Done(links.clone());
    let share = (**s).clone();
    copy_links(app, &share, &links, fx);
}
