//! The share popup's transitions: the form's keys, asking the runtime to
//! sign, and copying what came back. Like every feature's update it
//! touches only its own state (the `Share` its modal holds) and speaks to
//! the rest through its `Cx`. The popup's data and its pure helpers (curl,
//! QR, TSV lines) are in mod.rs.

use super::{
    Field, Link, Msg, PRESETS, Share, Stage, curl, file_name, post_curl, post_html, post_json,
    qr_lines, tsv_field,
};
use crate::app::cx::{Cx, Outcome};
use crate::app::note::Note;
use crate::app::{Effect, Job, Owner};
use crate::keymap::{Action, Context, Key};
use crate::sanitize::clean;
use crate::store::StoreError;
use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

impl Share {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => return on_key(cx, self, key),
            Msg::Presigned(id, results) => {
                if self.stage == Stage::Signing(id) {
                    on_presigned(cx, self, results);
                }
            }
            Msg::PresignedPost(id, result) => {
                if self.stage == Stage::Signing(id) {
                    match *result {
                        Ok(post) => {
                            self.stage = Stage::Posted(Box::new(post));
                            self.error = None;
                        }
                        Err(e) => {
                            self.stage = Stage::Form;
                            self.error =
                                Some(format!("Could not sign: {}", crate::diagnose::short(&e)));
                        }
                    }
                }
            }
        }
        Outcome::Keep
    }

    /// Whether this popup waits for the signing task `id`.
    pub fn signing(&self, id: crate::app::TaskId) -> bool {
        self.stage == Stage::Signing(id)
    }

    /// Says at once why nothing can be signed when pail has no credentials.
    pub fn check_credentials(&mut self, session: &crate::app::Session) {
        if session.conn.unsigned {
            self.error = Some(
                "pail runs without credentials (--no-sign-request), and a presigned link is \
                 signed with yours: there is nothing to sign it with. Start pail with \
                 credentials to share links."
                    .into(),
            );
        }
    }
}

/// A key for the share popup. Every key goes by the keymap's share
/// context, except that in a text field the keys that edit text edit it.
fn on_key(cx: &mut Cx, s: &mut Share, key: KeyEvent) -> Outcome {
    let action = cx.session.keymap.action(Context::Share, &key);
    let typing = text_field(s) && Key::from_event(&key).edits_text();
    if action == Some(Action::Close) && !typing {
        cx.cancel_where(|o| *o == Owner::Share);
        return Outcome::Close;
    }
    if action == Some(Action::Help) && !typing {
        cx.note(Note::Help(Context::Share));
        return Outcome::Keep;
    }
    match s.stage.clone() {
        Stage::Signing(_) => {}
        Stage::Done(links) => match action {
            Some(Action::Submit | Action::CopyLink) => copy_links(cx, s, &links),
            Some(Action::CopyCurl) => {
                let text: Vec<String> = links.iter().map(curl).collect();
                cx.effect(Effect::Copy {
                    text: text.join("\n"),
                    what: format!("curl command for {}", what(s)),
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
        Stage::Posted(post) => match action {
            Some(Action::Submit | Action::CopyLink) => cx.effect(Effect::Copy {
                text: post_json(&post),
                what: "the POST form as JSON (url and fields)".into(),
            }),
            Some(Action::CopyCurl) => cx.effect(Effect::Copy {
                text: post_curl(&post),
                what: "curl -F command for the POST form (replace FILE)".into(),
            }),
            Some(Action::CopyForm) => cx.effect(Effect::Copy {
                text: post_html(&post),
                what: "HTML upload form".into(),
            }),
            Some(Action::Edit) => s.stage = Stage::Form,
            _ => {}
        },
        Stage::Form => form_key(cx, s, key, action),
    }
    Outcome::Keep
}

/// Whether the field under the cursor takes typed text: the key, the
/// content type, or an expiry typed by hand.
fn text_field(s: &Share) -> bool {
    s.stage == Stage::Form && matches!(s.field, Field::Key | Field::ContentType | Field::MaxSize)
        || (s.stage == Stage::Form && s.field == Field::Expiry && s.preset == PRESETS.len())
}

fn form_key(cx: &mut Cx, s: &mut Share, key: KeyEvent, action: Option<Action>) {
    if cx.session.conn.unsigned {
        return;
    }
    match action {
        Some(Action::Submit) if s.post => {
            match s.post_request() {
                Ok(req) => {
                    s.error = None;
                    s.stage = Stage::Signing(cx.start(Owner::Share, Job::PresignPost(req)));
                }
                Err(e) => s.error = Some(e),
            }
            return;
        }
        Some(Action::Submit) => {
            match s.requests() {
                Ok(reqs) => {
                    s.error = None;
                    s.stage = Stage::Signing(cx.start(Owner::Share, Job::Presign(reqs)));
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
        Field::Method => {
            if let Some(forward) = choice {
                s.cycle_method(forward);
            }
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
            s.follow_key();
        }
        Field::ContentType if edits => {
            s.content_type.handle_event(&Event::Key(key));
            s.content_type_typed = true;
        }
        Field::MaxSize if edits => {
            s.max_size.handle_event(&Event::Key(key));
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

fn copy_links(cx: &mut Cx, s: &Share, links: &[Link]) {
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
    cx.effect(Effect::Copy {
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
fn on_presigned(
    cx: &mut Cx,
    s: &mut Share,
    results: Vec<crate::store::StoreResult<crate::store::Presigned>>,
) {
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
    copy_links(cx, s, &links);
}
