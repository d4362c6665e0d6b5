//! Why was I denied? (part 6 §5): a real AccessDenied from radosgw's
//! policy evaluation explained from live facts, and `w` in the app: from
//! the error popup to the panel, and its snapshot.

use crate::common::engine::*;
use crate::common::fixtures::*;
use pail::store::settings::Setting;
use pail::store::{ErrorKind, StoreError};

/// radosgw enforces bucket policies: a Deny on `secret/*` for everyone
/// refuses even the owner, and the explanation names that statement,
/// the action HeadObject needs and the resource ARN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deny_statement_is_found_and_named_on_radosgw() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("why-denied").await;
    s.put(&b, "secret/a.txt", b"x").await;
    s.put(&b, "open/b.txt", b"y").await;
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{b}/secret/*"}}]}}"#
    );
    s.store
        .put_bucket_setting(&b, &Setting::Policy(doc))
        .await
        .expect("policy set");
    let err = s
        .store
        .object_info(&b, "secret/a.txt")
        .await
        .expect_err("the Deny refuses the owner too");
    assert_eq!(err.kind, ErrorKind::AccessDenied, "{err:?}");
    assert_eq!(err.operation, Some("HeadObject"));
    assert!(pail::denied::explains(&err));
    let facts = pail::denied::gather(&*s.store, &err).await;
    assert_eq!(facts.listing, Some(Ok(true)), "the key is listed");
    let x = pail::denied::explain(&facts, &s.store.connection(), None);
    let text = x.hints.join("\n");
    assert!(
        x.summary.starts_with("HeadObject was denied on s3://"),
        "{}",
        x.summary
    );
    for want in [
        format!("s3:GetObject on arn:aws:s3:::{b}/secret/a.txt"),
        "Deny (NoSecrets) s3:GetObject to everyone".into(),
        "an explicit Deny without conditions: nothing can allow this".into(),
    ] {
        assert!(text.contains(&want), "{want:?} in\n{text}");
    }
    // What the Deny does not cover reads fine.
    assert!(s.store.object_info(&b, "open/b.txt").await.is_ok());
}

mod app {
    use super::*;
    use crossterm::event::KeyCode;
    use pail::app::why::Stage;
    use pail::app::{App, Job, Modal, Msg, TaskEvent, browse, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn denied_listing() -> App {
        let (mut app, fx) = new_app(Some(("acme-datalake", "")));
        let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
        e.code = Some("AccessDenied".into());
        e.status = Some(403);
        e.bucket = Some("acme-datalake".into());
        e.operation = Some("ListObjectsV2");
        update(
            &mut app,
            Msg::Task(
                list_task(&fx, ""),
                TaskEvent::Browse(browse::Reply::Page(Err(e))),
            ),
        );
        app
    }

    fn facts(app: &App) -> pail::denied::Facts {
        pail::denied::Facts {
            err: app.why.last.clone().unwrap(),
            identity: Ok(pail::store::CallerIdentity {
                account: "111122223333".into(),
                arn: "arn:aws:iam::111122223333:user/dev".into(),
                user_id: "AIDA".into(),
            }),
            region: Some("eu-west-1".into()),
            owner: Some(Ok(Some("79a59df9".into()))),
            policy: Some(Ok(Some(
                r#"{"Statement":[{"Sid":"VpceOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-datalake","arn:aws:s3:::acme-datalake/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b"}}}]}"#
                    .into(),
            ))),
            encryption: Some(Ok(None)),
            listing: None,
        }
    }

    #[test]
    fn w_from_the_error_popup_reads_the_facts_and_explains() {
        let mut app = denied_listing();
        assert!(matches!(app.modals.last(), Some(Modal::Error(_))));
        let fx = send(&mut app, [key('w')]);
        let (id, job) = spawned(&fx)
            .into_iter()
            .find(|(_, j)| matches!(j, Job::WhyDenied(_)))
            .expect("the facts are read");
        let Job::WhyDenied(err) = job else {
            unreachable!()
        };
        assert_eq!(err.operation, Some("ListObjectsV2"));
        let Some(Modal::Why(p)) = app.modals.last() else {
            panic!("the panel opens at once")
        };
        assert!(matches!(p.stage, Stage::Reading(_)));
        let f = facts(&app);
        update(
            &mut app,
            Msg::Task(id, TaskEvent::WhyDenied(Box::new(Ok(f)))),
        );
        let Some(Modal::Why(p)) = app.modals.last() else {
            panic!("the panel stays")
        };
        let Stage::Ready(x) = &p.stage else {
            panic!("explained")
        };
        let text = x.hints.join("\n");
        assert!(
            text.contains("s3:ListBucket on arn:aws:s3:::acme-datalake"),
            "{text}"
        );
        assert!(
            text.contains("Deny (VpceOnly) s3:ListBucket to everyone"),
            "{text}"
        );
        assert!(
            text.contains("only when StringNotEquals aws:SourceVpce vpce-0a1b"),
            "{text}"
        );
        let mut t = Terminal::new(TestBackend::new(110, 40)).unwrap();
        t.draw(|f| pail::ui::render(&app, f)).unwrap();
        insta::assert_snapshot!("why_denied_panel", t.backend());
        send(&mut app, [code(KeyCode::Esc)]);
        assert!(app.modals.is_empty());
        // From the message log too, where the denial's line stays.
        let fx = send(&mut app, [key('M'), key('w')]);
        assert!(matches!(app.modals.last(), Some(Modal::Why(_))));
        assert!(
            spawned(&fx)
                .iter()
                .any(|(_, j)| matches!(j, Job::WhyDenied(_)))
        );
    }

    /// The inspector's HEAD denied (it says "press w") and a card part
    /// denied are denials `w` explains, though neither opens a popup.
    #[test]
    fn w_explains_a_denial_the_inspector_or_card_showed() {
        let (mut app, _) = new_app(Some(("acme-datalake", "")));
        let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
        e.bucket = Some("acme-datalake".into());
        e.key = Some("secret/a.txt".into());
        e.operation = Some("HeadObject");
        update(
            &mut app,
            Msg::Task(
                pail::app::TaskId(9_999),
                TaskEvent::Browse(browse::Reply::Object(Box::new(Err(e)))),
            ),
        );
        let fx = send(&mut app, [key('w')]);
        let Some((_, Job::WhyDenied(err))) = spawned(&fx)
            .into_iter()
            .find(|(_, j)| matches!(j, Job::WhyDenied(_)))
        else {
            panic!("w explains the inspector's denial: {}", status(&app))
        };
        assert_eq!(err.operation, Some("HeadObject"));
    }

    #[test]
    fn w_with_nothing_denied_says_so() {
        let (mut app, _) = new_app(Some(("acme-datalake", "")));
        let fx = send(&mut app, [key('w')]);
        assert!(spawned(&fx).is_empty());
        assert!(app.modals.is_empty());
        assert!(
            status(&app).contains("Nothing was denied"),
            "{}",
            status(&app)
        );
    }
}
