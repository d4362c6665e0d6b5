//! Text from S3 in part 6's panels: the why-denied panel (S3's message,
//! the caller's ARN, a policy's Sid and conditions), the CORS check's
//! report (the origin typed, the server's CORS headers, the rules) and the
//! POST form's fields are drawn as visible escapes, never raw: no control
//! character, escape sequence or bidi override reaches the terminal.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::{Job, Modal, Msg, TaskEvent, browse, update};
use pail::store::{ErrorKind, StoreError};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const EVIL: &str = "a\u{1b}[2J\u{1b}]0;pwned\u{7}b\u{202e}gpj.exe\u{2066}\\c";

/// A control character, escape or bidi control, as the terminal would
/// act on it.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != ' ')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean_text(what: &str, text: &str) {
    assert!(
        !text.chars().any(unsafe_char),
        "{what}: raw control or bidi character in {text:?}"
    );
}

fn screen(app: &pail::app::App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    let mut out = String::new();
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            assert!(!unsafe_char(c), "raw {c:?} on screen");
        }
        out.push_str(cell.symbol());
    }
    out
}

#[test]
fn the_why_panel_escapes_everything_s3_said() {
    let (mut app, fx) = new_app(Some(("acme", "")));
    let mut e = StoreError::new(ErrorKind::AccessDenied, format!("Access {EVIL} Denied"));
    e.code = Some("AccessDenied".into());
    e.status = Some(403);
    e.bucket = Some("acme".into());
    e.operation = Some("ListObjectsV2");
    update(
        &mut app,
        Msg::Task(
            list_task(&fx, ""),
            TaskEvent::Browse(browse::Reply::Page(Err(e))),
        ),
    );
    let fx = send(&mut app, [key('w')]);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::WhyDenied(_)))
        .expect("the facts are read");
    let policy = format!(
        r#"{{"Statement":[{{"Sid":"{}","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme","arn:aws:s3:::acme/*"],"Condition":{{"StringNotEquals":{{"aws:SourceVpce":"{}"}}}}}}]}}"#,
        serde_json::to_string(EVIL).unwrap().trim_matches('"'),
        serde_json::to_string(EVIL).unwrap().trim_matches('"'),
    );
    let facts = pail::denied::Facts {
        err: app.why.last.clone().unwrap(),
        identity: Ok(pail::store::CallerIdentity {
            account: "111122223333".into(),
            arn: format!("arn:aws:iam::111122223333:user/{EVIL}"),
            user_id: "AIDA".into(),
        }),
        region: Some(EVIL.into()),
        owner: Some(Ok(Some(EVIL.into()))),
        policy: Some(Ok(Some(policy))),
        encryption: Some(Ok(None)),
        listing: None,
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::WhyDenied(Box::new(Ok(facts)))),
    );
    assert!(matches!(app.modals.last(), Some(Modal::Why(_))));
    let s = screen(&app, 120, 60);
    assert!(
        s.contains("\\u{1b}") || s.contains("\\x1b") || s.contains("␛"),
        "{s}"
    );
}

#[test]
fn the_cors_report_escapes_the_origin_headers_and_rules() {
    use pail::store::settings::{CorsRule, Preflight, PreflightAnswer};
    let p = Preflight {
        origin: format!("https://{EVIL}"),
        method: "PUT".into(),
        headers: vec![EVIL.into()],
    };
    let rules = [CorsRule {
        origins: vec![EVIL.into()],
        methods: vec!["PUT".into()],
        headers: vec![EVIL.into()],
        expose: vec![],
        max_age: None,
    }];
    let answer = Ok(PreflightAnswer {
        status: 403,
        allow_origin: Some(EVIL.into()),
        allow_methods: Some(EVIL.into()),
        allow_headers: Some(EVIL.into()),
        expose_headers: Some(EVIL.into()),
        message: Some(EVIL.into()),
    });
    let (_, x) = pail::bucket::cors::report(&format!("s3://b/{EVIL}"), &p, Some(&rules), &answer);
    assert_clean_text("title", &x.title);
    assert_clean_text("summary", &x.summary);
    for h in &x.hints {
        assert_clean_text("hint", h);
    }
    assert!(x.hints.iter().any(|h| h.contains("pwned")), "{:?}", x.hints);
}

#[test]
fn the_post_form_draws_hostile_fields_escaped() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&[], &[(EVIL, 7)], false));
    later(&mut app, 1_000_000);
    // P, then POST on the method ring (as the share snapshots do).
    send(
        &mut app,
        [
            key('P'),
            code(KeyCode::Up),
            code(KeyCode::Right),
            code(KeyCode::Right),
        ],
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let id = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| matches!(j, Job::PresignPost(_)).then_some(id))
        .expect("a POST form is signed");
    screen(&app, 100, 30);
    let post = pail::store::PresignedPost {
        url: format!("http://127.0.0.1:9000/{EVIL}"),
        fields: vec![
            ("key".into(), format!("{EVIL}${{filename}}")),
            (EVIL.into(), EVIL.into()),
            ("policy".into(), "eyJ4Ijp0cnVlfQ==".into()),
        ],
        expires_at: 1,
        region: "eu-west-1".into(),
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::PresignedPost(Box::new(Ok(post)))),
    );
    let s = screen(&app, 100, 30);
    assert!(s.contains("pwned"), "{s}");
}
