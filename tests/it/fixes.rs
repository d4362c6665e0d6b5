//! Fixes from the bucket card (part 6 §3) against real servers: each fix
//! written, read back and undone to exactly what was there; a change
//! previewed before someone else's edit writes nothing; fixes clear their
//! findings on moto. The menu, the diff question and `u` in the app are
//! tested at the end with the runtime's replies played by hand.

use crate::common::engine::*;
use pail::bucket::fix::{self, Change, Fix, NotApplied};
use pail::posture::{self, Facts, Profile, Read};
use pail::store::settings::{Part, Setting};

async fn read(s: &Server, b: &str, p: Part) -> Option<Setting> {
    s.store.bucket_setting(b, p).await.unwrap()
}

/// Makes `fix` on `b` as the card would (from the part as read now), then
/// undoes it; both read back.
async fn fix_and_undo(s: &Server, b: &str, fix: &Fix) -> Change {
    let before = read(s, b, fix.part()).await;
    let change = fix.change(b, before.as_ref()).unwrap();
    let after = fix::apply(&*s.store, &change)
        .await
        .unwrap_or_else(|e| panic!("{} on {}: {e:?}", fix.title(), s.name));
    assert_eq!(read(s, b, fix.part()).await, after, "{}", fix.title());
    assert_ne!(after, before, "{} changed nothing", fix.title());
    let mut done = change.clone();
    done.after = after;
    let undo = done.undo();
    fix::apply(&*s.store, &undo)
        .await
        .unwrap_or_else(|e| panic!("undo of {} on {}: {e:?}", fix.title(), s.name));
    let now = read(s, b, fix.part()).await;
    if fix.part() == Part::Versioning {
        assert!(matches!(
            now,
            Some(Setting::Versioning {
                status: pail::store::Versioning::Suspended,
                ..
            })
        ));
    } else {
        assert_eq!(now, before, "undo of {} on {}", fix.title(), s.name);
    }
    change
}

fn every_fix() -> Vec<Fix> {
    vec![
        Fix::BlockPublicAccess,
        Fix::EnableVersioning,
        Fix::SseS3,
        Fix::SseKms {
            key: "alias/pail-test".into(),
        },
        Fix::Lifecycle {
            template: "tiering".into(),
        },
        Fix::Lifecycle {
            template: "noncurrent-30".into(),
        },
        Fix::AbortIncomplete { days: 3 },
        Fix::TlsOnly,
        Fix::OwnerEnforced,
        Fix::Cors {
            origin: "https://app.example.com".into(),
            methods: vec!["PUT".into(), "POST".into()],
        },
        Fix::RolePrefix {
            role: "arn:aws:iam::123456789012:role/app".into(),
            prefix: "user-uploads/".into(),
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fix_is_made_read_back_and_undone_on_moto() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("fixes-each").await;
    for f in every_fix() {
        fix_and_undo(&s, &b, &f).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixes_radosgw_implements_are_made_and_undone() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("fixes-rgw").await;
    // radosgw has no Block Public Access, ownership controls or SSE-S3
    // without a KMS (its refusals are tested in buckets.rs).
    for f in [
        Fix::EnableVersioning,
        Fix::Lifecycle {
            template: "expire-365".into(),
        },
        Fix::AbortIncomplete { days: 7 },
        Fix::TlsOnly,
        Fix::Cors {
            origin: "https://app.example.com".into(),
            methods: vec!["PUT".into()],
        },
    ] {
        fix_and_undo(&s, &b, &f).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_previewed_before_another_edit_writes_nothing() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("fixes-stale").await;
    let lifecycle = Fix::Lifecycle {
        template: "tiering".into(),
    };
    // The preview is made from the bucket as it is now…
    let change = lifecycle.change(&b, None).unwrap();
    // …then a second operator adds their own rule.
    let theirs = Fix::AbortIncomplete { days: 1 }.change(&b, None).unwrap();
    fix::apply(&*s.store, &theirs).await.unwrap();
    let err = fix::apply(&*s.store, &change).await.unwrap_err();
    let NotApplied::Changed { now } = err else {
        panic!("{err:?}")
    };
    assert_eq!(now, theirs.after);
    assert_eq!(read(&s, &b, Part::Lifecycle).await, theirs.after);

    // An undo whose change was changed again since is refused the same way.
    let on = Fix::BlockPublicAccess.change(&b, None).unwrap();
    let after = fix::apply(&*s.store, &on).await.unwrap();
    let mut done = on.clone();
    done.after = after;
    let other = Fix::BlockPublicAccess.change(&b, None).unwrap();
    let mut half = other.after.clone().unwrap();
    if let Setting::PublicAccess(p) = &mut half {
        p.restrict_public_buckets = false;
    }
    s.store.put_bucket_setting(&b, &half).await.unwrap();
    assert!(matches!(
        fix::apply(&*s.store, &done.undo()).await,
        Err(NotApplied::Changed { .. })
    ));
    assert_eq!(read(&s, &b, Part::PublicAccess).await, Some(half));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixes_clear_their_findings_on_moto() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("fixes-clear").await;
    let findings = |g: &posture::Gathered| {
        let f: Facts = g.facts(false);
        posture::assess(&f, Profile::PrivateApp)
            .findings
            .iter()
            .map(|f| f.check)
            .collect::<Vec<_>>()
    };
    for _ in 0..3 {
        let g = posture::gather(&*s.store, &b).await;
        for check in findings(&g) {
            let Some(fix) = Fix::for_check(check) else {
                continue;
            };
            let now = read(&s, &b, fix.part()).await;
            if let Ok(c) = fix.change(&b, now.as_ref()) {
                fix::apply(&*s.store, &c).await.unwrap();
            }
        }
    }
    let g = posture::gather(&*s.store, &b).await;
    let left = findings(&g);
    assert!(
        left.iter().all(|c| Fix::for_check(*c).is_none()),
        "{left:?}"
    );
    assert!(matches!(
        g.facts(false).part(Part::PublicAccess),
        Read::Set(Setting::PublicAccess(p)) if p.all()
    ));
}

mod app {
    //! `F` on a card: the menu, the diff question, yes, the record, `u`.
    use crate::common::fixtures::*;
    use crate::snapshots_card::{account, answer, draw, listed, part_reads, question, typed};
    use crossterm::event::KeyCode;
    use pail::app::{App, Job, Load, Modal, Msg, TaskEvent, card, update};
    use pail::bucket::fix::NotApplied;
    use pail::bucket::history::Record;
    use pail::store::Versioning;
    use pail::store::settings::{Part, PublicAccessBlock, Setting};

    const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// A card of a bucket with nothing set (versioning never enabled).
    fn bare_card() -> App {
        let (mut app, fx) = listed(&["acme-data"]);
        account(&mut app, &fx);
        for (id, b, part) in part_reads(&fx) {
            let r = match part {
                Part::Versioning => Some(Setting::Versioning {
                    status: Versioning::NeverEnabled,
                    mfa_delete: false,
                }),
                _ => None,
            };
            answer(&mut app, id, &b, part, Ok(r));
        }
        app
    }

    fn apply_job(fx: &[pail::app::Effect]) -> (pail::app::TaskId, card::Request) {
        spawned(fx)
            .into_iter()
            .find_map(|(id, j)| match j {
                Job::Card(r @ card::Request::Apply { .. }) => Some((id, r)),
                _ => None,
            })
            .expect("an Apply job")
    }

    fn screen(app: &App) -> String {
        let t = draw(app, 110, 34);
        let b = t.backend().buffer();
        (0..b.area.height)
            .map(|y| {
                (0..b.area.width)
                    .map(|x| b[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn f_previews_a_fix_as_a_diff_applies_it_and_u_puts_it_back() {
        let mut app = bare_card();
        send(&mut app, [key('F')]);
        let Some(Modal::Fixes(menu)) = app.modals.last() else {
            panic!("the fix menu")
        };
        assert!(
            menu.rows[0].label.contains("Block Public Access"),
            "{menu:?}"
        );
        insta::assert_snapshot!("fix_menu", screen(&app));
        send(&mut app, [code(KeyCode::Enter)]);
        let q = question(&app).expect("the change question");
        assert_eq!(
            q.list,
            vec!["- (not set (nothing blocked))", "+ all four on"]
        );
        insta::assert_snapshot!("fix_question", screen(&app));
        // Enter is not yes for a change of settings, nor is a reflex key.
        send(&mut app, [key('y')]);
        assert!(
            question(&app).is_some(),
            "a key in the guard time is no answer"
        );
        later(&mut app, 1_000);
        send(&mut app, [code(KeyCode::Enter)]);
        assert!(question(&app).is_some(), "Enter does not change settings");
        let fx = send(&mut app, [key('y')]);
        let (id, req) = apply_job(&fx);
        let card::Request::Apply { change, undoes } = req else {
            unreachable!()
        };
        assert_eq!(undoes, None);
        assert_eq!(change.after, Some(Setting::PublicAccess(ALL_ON)));
        let record = Record::new("e", &change, change.after.clone(), 42);
        let reply = card::Reply::Applied {
            change: change.clone(),
            result: Ok(Box::new(record)),
            unkept: None,
        };
        update(&mut app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
        assert!(
            status(&app).contains("F then u puts it back"),
            "{}",
            status(&app)
        );
        let log: Vec<String> = app
            .messages
            .view()
            .iter()
            .map(|e| e.text.to_string())
            .collect();
        assert!(
            log.iter()
                .any(|l| l.contains("was, before") && l.contains("nothing blocked")),
            "the old configuration is in the log: {log:?}"
        );
        assert_eq!(
            app.cards.by_bucket["acme-data"].parts[&Part::PublicAccess],
            Load::Ready(Some(Setting::PublicAccess(ALL_ON)))
        );

        // u in the menu: the undo, previewed the other way round.
        send(&mut app, [key('F'), key('u')]);
        let q = question(&app).expect("the undo question");
        assert_eq!(
            q.list,
            vec!["- all four on", "+ (not set (nothing blocked))"]
        );
        later(&mut app, 1_000);
        let fx = send(&mut app, [key('y')]);
        let (id, req) = apply_job(&fx);
        let card::Request::Apply { change, undoes } = req else {
            unreachable!()
        };
        assert_eq!(undoes, Some(42));
        assert_eq!(change.after, None);
        // Someone changed it meanwhile: nothing written, the card shows it.
        let now = Some(Setting::PublicAccess(PublicAccessBlock {
            block_public_acls: true,
            ..Default::default()
        }));
        let reply = card::Reply::Applied {
            change,
            result: Err(Box::new(NotApplied::Changed { now: now.clone() })),
            unkept: None,
        };
        update(&mut app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
        assert!(
            status(&app).contains("changed since the preview"),
            "{}",
            status(&app)
        );
        assert_eq!(
            app.cards.by_bucket["acme-data"].parts[&Part::PublicAccess],
            Load::Ready(now)
        );
    }

    #[test]
    fn a_change_that_needs_a_value_asks_for_it_and_checks_it() {
        let mut app = bare_card();
        send(&mut app, [key('F')]);
        let Some(Modal::Fixes(menu)) = app.modals.last() else {
            panic!("the fix menu")
        };
        let cors = menu
            .rows
            .iter()
            .position(|r| r.label.starts_with("CORS"))
            .unwrap();
        send(&mut app, (0..cors).map(|_| key('j')));
        send(&mut app, [code(KeyCode::Enter)]);
        typed(&mut app, "app.example.com");
        send(&mut app, [code(KeyCode::Enter)]);
        let Some(Modal::Prompt(p)) = app.modals.last() else {
            panic!("the prompt stays for a bad origin")
        };
        assert!(
            p.note.as_deref().unwrap().contains("https://"),
            "{:?}",
            p.note
        );
        send(&mut app, (0..15).map(|_| code(KeyCode::Backspace)));
        typed(&mut app, "https://app.example.com GET,PUT");
        send(&mut app, [code(KeyCode::Enter)]);
        let q = question(&app).expect("the change question");
        assert_eq!(
            q.list,
            vec![
                "- (no rules)",
                "+ 1 rule",
                "+   GET, PUT from https://app.example.com, headers *, exposes ETag, cached 3000 s",
            ]
        );
        // Esc is no, and nothing starts.
        later(&mut app, 1_000);
        let fx = send(&mut app, [code(KeyCode::Esc)]);
        assert!(question(&app).is_none());
        assert!(spawned(&fx).is_empty());
        // A finding's part still being read cannot be previewed.
        let (mut app, _) = listed(&["acme-data"]);
        send(&mut app, [key('F'), code(KeyCode::Enter)]);
        assert!(question(&app).is_none());
    }

    /// The menu's CORS check changes nothing: it sends the preflight and
    /// shows the answer beside the rules the card read.
    #[test]
    fn the_cors_check_sends_a_preflight_and_explains_the_answer() {
        use pail::store::settings::PreflightAnswer;
        let mut app = bare_card();
        send(&mut app, [key('F')]);
        let Some(Modal::Fixes(menu)) = app.modals.last() else {
            panic!("the fix menu")
        };
        let row = menu
            .rows
            .iter()
            .position(|r| r.label.starts_with("Check: would a browser"))
            .unwrap();
        send(&mut app, (0..row).map(|_| key('j')));
        send(&mut app, [code(KeyCode::Enter)]);
        typed(&mut app, "https://app.example.com PUT content-type");
        let fx = send(&mut app, [code(KeyCode::Enter)]);
        let (id, req) = spawned(&fx)
            .into_iter()
            .find_map(|(id, j)| match j {
                Job::Card(r @ card::Request::Preflight { .. }) => Some((id, r)),
                _ => None,
            })
            .expect("a preflight");
        let card::Request::Preflight { bucket, preflight } = req else {
            unreachable!()
        };
        assert_eq!(preflight.method, "PUT");
        assert_eq!(preflight.headers, ["content-type"]);
        let reply = card::Reply::Preflight {
            bucket,
            preflight,
            answer: Box::new(Ok(PreflightAnswer {
                status: 403,
                message: Some("AccessForbidden: CORSResponse: CORS is not enabled".into()),
                ..Default::default()
            })),
        };
        update(&mut app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
        let Some(Modal::Detail(x)) = app.modals.last() else {
            panic!("the answer is shown: {:?}", app.modals.last())
        };
        assert!(x.title.contains("would be refused"), "{x:?}");
        assert!(x.hints.iter().any(|h| h.contains("no CORS rules")), "{x:?}");
    }
}
