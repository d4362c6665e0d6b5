//! Screens of part 3 rendered into TestBackend and compared with insta: the
//! share popup (form, signed link with the temporary-credentials warning,
//! QR code), the versions panel, deleted rows in the tree and the rollback
//! preview. Hostile version ids and keys must reach the screen escaped.

use crate::common::fixtures::*;
use crate::common::history::*;
use crossterm::event::KeyCode;
use pail::app::{App, Job, Msg, TaskEvent, rollback, update};
use pail::plan::rollback::{Change, KeyPlan, RollbackPlan};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    t
}

fn no_control_chars(t: &Terminal<TestBackend>) {
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            assert!(
                !c.is_control() || c == ' ',
                "raw control character {c:?} on screen"
            );
        }
    }
}

#[test]
fn share_popup_form() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('P')]);
    insta::assert_debug_snapshot!(draw(&app, 100, 30).backend());
}

/// A POST form for a prefix: the form, then the URL and its fields.
#[test]
fn share_popup_post_form() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(
        &mut app,
        [
            key('P'),
            code(KeyCode::Up),
            code(KeyCode::Right),
            code(KeyCode::Right),
        ],
    );
    send(&mut app, [code(KeyCode::Down), code(KeyCode::End)]);
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 5));
    send(&mut app, "in/".chars().map(key));
    insta::assert_debug_snapshot!("share_popup_post_form", draw(&app, 100, 30).backend());
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let id = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| matches!(j, Job::PresignPost(_)).then_some(id))
        .unwrap();
    let post = pail::store::PresignedPost {
        url: "http://127.0.0.1:9000/b".into(),
        fields: vec![
            ("key".into(), "in/${filename}".into()),
            ("Content-Type".into(), "text/plain".into()),
            ("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()),
            (
                "x-amz-credential".into(),
                "AKIA/20261206/eu-west-1/s3/aws4_request".into(),
            ),
            ("x-amz-date".into(), "20261206T000000Z".into()),
            (
                "policy".into(),
                "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNlQwMTowMDowMFoifQ==".into(),
            ),
            ("x-amz-signature".into(), "abc123".into()),
        ],
        expires_at: NOW + 3600,
        region: "eu-west-1".into(),
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::PresignedPost(Box::new(Ok(post)))),
    );
    insta::assert_debug_snapshot!("share_popup_post_signed", draw(&app, 100, 30).backend());
}

#[test]
fn share_popup_with_a_link_that_dies_with_its_credentials() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    let fx = send(
        &mut app,
        [
            key('P'),
            code(KeyCode::Right),
            code(KeyCode::Right),
            code(KeyCode::Right),
        ],
    );
    assert!(fx.is_empty());
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, req) = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::Presign(r) => Some((id, r[0].clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(req.expires_secs, 7 * 86_400);
    let link = signed(&req, Some(NOW + 3600));
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Presigned(vec![Ok(link)])),
    );
    let t = draw(&app, 100, 30);
    no_control_chars(&t);
    insta::assert_debug_snapshot!(t.backend());
}

#[test]
fn share_popup_qr_code() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    let fx = send(&mut app, [key('P'), code(KeyCode::Enter)]);
    let (id, req) = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::Presign(r) => Some((id, r[0].clone())),
            _ => None,
        })
        .unwrap();
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Presigned(vec![Ok(signed(&req, None))])),
    );
    send(&mut app, [key('Q')]);
    insta::assert_debug_snapshot!(draw(&app, 100, 50).backend());
    // Too small a terminal says what the code needs instead.
    let small = draw(&app, 60, 20);
    let text: String = small
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("The QR code needs"), "{text}");
}

#[test]
fn versions_panel_with_markers_and_hostile_ids() {
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![
            version("a.txt", "m9\u{1b}[2Jx", NOW - 50, true, true),
            version(
                "a.txt",
                "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
                NOW - 3600,
                false,
                false,
            ),
            version("a.txt", "null", NOW - 86_400, false, false),
        ],
    );
    let t = draw(&app, 110, 30);
    no_control_chars(&t);
    insta::assert_debug_snapshot!(t.backend());
    send(&mut app, [key('j')]);
    let never = panel(
        pail::store::Versioning::NeverEnabled,
        vec![version("a.txt", "null", NOW - 100, true, false)],
    );
    insta::assert_debug_snapshot!(
        "versions_panel_never_versioned",
        draw(&never, 110, 16).backend()
    );
}

#[test]
fn deleted_rows_in_the_tree() {
    let (app, _) = with_deleted();
    insta::assert_debug_snapshot!(draw(&app, 100, 14).backend());
}

#[test]
fn rollback_preview() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('k'), key('v')]);
    send(&mut app, "yesterday 14:00".chars().map(key));
    let prompt = draw(&app, 100, 30);
    insta::assert_debug_snapshot!("rollback_prompt", prompt.backend());
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    let k = |key: &str, change: Change, id: &str| KeyPlan {
        key: key.into(),
        change,
        version: Some(version(key, id, NOW - 90_000, false, false)),
        markers: vec![],
    };
    let plan = RollbackPlan {
        bucket: "b".into(),
        prefix: "docs/".into(),
        at: NOW - 79_200,
        keys: vec![
            k("docs/index.html", Change::Restore, "v1"),
            k("docs/blog/post.md", Change::Undelete, "p1"),
            KeyPlan {
                version: None,
                ..k("docs/new\u{7}.txt", Change::Delete, "")
            },
            k("docs/same.md", Change::Unchanged, "s1"),
            k(
                "docs/cold.bin",
                Change::Blocked(
                    "version is in DEEP_ARCHIVE: request a restore from the archive first".into(),
                ),
                "c1",
            ),
        ],
        versions_listed: 14,
        requests: 1,
        keep_markers: true,
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Rollback(rollback::Reply::Plan(Box::new(Ok(plan)))),
        ),
    );
    let t = draw(&app, 110, 32);
    no_control_chars(&t);
    insta::assert_debug_snapshot!(t.backend());
}
