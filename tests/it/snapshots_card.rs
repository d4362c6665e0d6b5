//! The bucket card in the app (part 6): reads start when a bucket's card
//! shows, one task per part; leaving the bucket cancels those still under
//! way and coming back asks again; `R` reads the card again; `I` cycles
//! the profile. Snapshots of the card with its posture, and with hostile
//! server text in a policy and tags.

use crate::common::fixtures::*;
use pail::app::{App, Effect, Job, Msg, TaskEvent, buckets, card, update};
use pail::store::settings::{Grant, LifecycleRule, Part, PublicAccessBlock, Setting};
use pail::store::{Bucket, CallerIdentity, ErrorKind, StoreError, Versioning};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub(crate) fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    t
}

/// The bucket list with `names`, the cursor on the first, settled: the
/// effects of the first card's reads.
pub(crate) fn listed(names: &[&str]) -> (App, Vec<Effect>) {
    let (mut app, fx) = new_app(None);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Buckets(buckets::Request::List))
        .unwrap();
    let rows = names
        .iter()
        .map(|n| Bucket {
            name: n.to_string(),
            created: Some(1_767_225_600),
        })
        .collect();
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Listed(Ok(rows)))),
    );
    let fx = settle(&mut app);
    (app, fx)
}

pub(crate) fn part_reads(fx: &[Effect]) -> Vec<(pail::app::TaskId, String, Part)> {
    spawned(fx)
        .into_iter()
        .filter_map(|(id, j)| match j {
            Job::Card(card::Request::Part { bucket, part }) => Some((id, bucket, part)),
            _ => None,
        })
        .collect()
}

/// A part's answer, and its task's end right after, as the runtime sends.
pub(crate) fn answer(
    app: &mut App,
    id: pail::app::TaskId,
    bucket: &str,
    part: Part,
    result: pail::store::StoreResult<Option<Setting>>,
) {
    let reply = card::Reply::Part {
        bucket: bucket.into(),
        part,
        result,
    };
    update(app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
    update(app, Msg::TaskEnded(id, None));
}

/// Answers the identity and the account's BPA (not set).
pub(crate) fn account(app: &mut App, fx: &[Effect]) {
    let Some((id, _)) = spawned(fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Card(card::Request::Identity))
    else {
        return;
    };
    let who = CallerIdentity {
        account: "111122223333".into(),
        arn: "arn:aws:iam::111122223333:user/dev".into(),
        user_id: "AIDA".into(),
    };
    let fx = update(
        app,
        Msg::Task(
            id,
            TaskEvent::Card(Box::new(card::Reply::Identity(Ok(who)))),
        ),
    );
    let (id, job) = spawned(&fx).remove(0);
    assert_eq!(
        job,
        Job::Card(card::Request::Account {
            account: "111122223333".into()
        })
    );
    update(
        app,
        Msg::Task(
            id,
            TaskEvent::Card(Box::new(card::Reply::Account(Ok(None)))),
        ),
    );
}

fn inspector_text(app: &App) -> String {
    pail::layout::inspector::lines(&app.inspected(), 200)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_shown_card_reads_every_part_once_and_leaving_cancels_the_rest() {
    let (mut app, fx) = listed(&["alpha", "beta"]);
    let reads = part_reads(&fx);
    assert_eq!(reads.len(), Part::ALL.len());
    assert!(reads.iter().all(|(_, b, _)| b == "alpha"));
    assert!(
        spawned(&fx)
            .iter()
            .any(|(_, j)| *j == Job::Card(card::Request::Identity))
    );
    // Half the parts answer, then the cursor moves to beta.
    for (id, b, part) in &reads[..8] {
        answer(&mut app, *id, b, *part, Ok(None));
    }
    let fx = send(&mut app, [key('j')]);
    let fx = [fx, settle(&mut app)].concat();
    let gone = cancelled(&fx);
    assert_eq!(gone.len(), 8, "the reads still under way for alpha stop");
    assert!(reads[8..].iter().all(|(id, _, _)| gone.contains(id)));
    assert!(part_reads(&fx).iter().all(|(_, b, _)| b == "beta"));
    assert_eq!(part_reads(&fx).len(), Part::ALL.len());
    // Back on alpha: only what never arrived is asked again.
    let fx = send(&mut app, [key('k')]);
    let fx = [fx, settle(&mut app)].concat();
    let again = part_reads(&fx);
    assert_eq!(again.len(), 8);
    assert!(again.iter().all(|(_, b, _)| b == "alpha"));
    // A late answer of a cancelled read is dropped.
    let (old, _, part) = &reads[9];
    answer(
        &mut app,
        *old,
        "alpha",
        *part,
        Ok(Some(Setting::Tags(vec![]))),
    );
    assert!(!inspector_text(&app).contains("0 tags"));
}

#[test]
fn refresh_reads_the_card_again_and_profile_cycles() {
    let (mut app, fx) = listed(&["alpha"]);
    account(&mut app, &fx);
    for (id, b, part) in part_reads(&fx) {
        answer(&mut app, id, &b, part, Ok(None));
    }
    let text = inspector_text(&app);
    assert!(
        text.contains("Posture · private app storage (I changes)"),
        "{text}"
    );
    assert!(
        text.contains("HIGH     Block Public Access is not fully on"),
        "{text}"
    );
    let fx = send(&mut app, [key('R')]);
    assert_eq!(
        part_reads(&fx).len(),
        Part::ALL.len(),
        "R reads every part again"
    );
    send(&mut app, [key('I')]);
    assert_eq!(
        status(&app),
        "Posture profile: static site behind CloudFront (bucket private, OAC)"
    );
    assert!(inspector_text(&app).contains("Posture · static site behind CloudFront"));
}

/// A card with every kind of answer: set (with details), not set, denied,
/// not supported; and hostile text from the server escaped.
fn full_card() -> App {
    let (mut app, fx) = listed(&["acme-site"]);
    account(&mut app, &fx);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Public\u001b[31mRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-site/*"}]}"#;
    for (id, b, part) in part_reads(&fx) {
        let r = match part {
            Part::Versioning => Ok(Some(Setting::Versioning {
                status: Versioning::Enabled,
                mfa_delete: false,
            })),
            Part::PublicAccess => Ok(Some(Setting::PublicAccess(PublicAccessBlock {
                block_public_acls: true,
                ..Default::default()
            }))),
            Part::Policy => Ok(Some(Setting::Policy(policy.into()))),
            Part::Acl => Ok(Some(Setting::Acl {
                owner: Some("acme".into()),
                grants: vec![Grant {
                    grantee: "acme".into(),
                    permission: "FULL_CONTROL".into(),
                }],
            })),
            Part::Lifecycle => Ok(Some(Setting::Lifecycle(vec![LifecycleRule {
                id: Some("tiering".into()),
                enabled: true,
                prefix: "logs/".into(),
                transitions: vec![(30, "STANDARD_IA".into()), (90, "GLACIER".into())],
                expire_days: Some(365),
                ..Default::default()
            }]))),
            Part::Tags => Ok(Some(Setting::Tags(vec![(
                "team\u{202e}".into(),
                "web\\ops".into(),
            )]))),
            Part::Replication => Err(StoreError::new(ErrorKind::AccessDenied, "Access Denied")),
            Part::Website => Err(StoreError::new(
                ErrorKind::NotImplemented,
                "not implemented",
            )),
            _ => Ok(None),
        };
        answer(&mut app, id, &b, part, r);
    }
    app
}

#[test]
fn bucket_card_with_posture() {
    let app = full_card();
    let t = draw(&app, 150, 80);
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            let u = c as u32;
            assert!(u >= 0x20 && !(0x7f..=0x9f).contains(&u) && !(0x202a..=0x202e).contains(&u));
        }
    }
    insta::assert_snapshot!(t.backend());
}

#[test]
fn card_says_what_could_not_be_read() {
    let text = inspector_text(&full_card());
    assert!(
        text.contains("Replication         denied to you (s3:GetReplicationConfiguration)"),
        "{text}"
    );
    assert!(
        text.contains("Website             not supported by this server"),
        "{text}"
    );
    assert!(
        text.contains(
            "logs/: after 30 days → STANDARD_IA; after 90 → GLACIER; expire after 365 days"
        ),
        "{text}"
    );
    assert!(
        text.contains("Public?             PUBLIC: policy statement"),
        "{text}"
    );
    assert!(
        text.contains("\\u{1b}") || text.contains("\\x1b") || text.contains("\\e"),
        "{text}"
    );
}

pub(crate) fn question(app: &App) -> Option<&pail::app::question::Question> {
    match app.modals.last() {
        Some(pail::app::Modal::Question(q)) => Some(q),
        _ => None,
    }
}

pub(crate) fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(key))
}

#[test]
fn n_asks_a_valid_name_shows_the_checklist_and_creates() {
    let (mut app, _) = listed(&["alpha"]);
    send(&mut app, [key('N')]);
    typed(&mut app, "Bad");
    send(&mut app, [code(crossterm::event::KeyCode::Enter)]);
    let Some(pail::app::Modal::Prompt(p)) = app.modals.last() else {
        panic!("the prompt stays for a bad name")
    };
    assert!(
        p.note.as_deref().unwrap().contains("not 'B'"),
        "{:?}",
        p.note
    );
    send(
        &mut app,
        (0..3).map(|_| code(crossterm::event::KeyCode::Backspace)),
    );
    typed(&mut app, "acme-dev-euw1-logs eu-west-1");
    send(&mut app, [code(crossterm::event::KeyCode::Enter)]);
    let q = question(&app).expect("the checklist question");
    let lines: Vec<&str> = q.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines[0], "1. Create s3://acme-dev-euw1-logs in eu-west-1");
    assert_eq!(lines[1], "2. Block Public Access: all four on");
    assert!(lines.contains(&"4. Versioning: enabled"));
    later(&mut app, 1_000);
    let fx = send(&mut app, [key('y')]);
    let (id, job) = spawned(&fx).remove(0);
    let Job::Card(card::Request::Create(c)) = job else {
        panic!("{job:?}")
    };
    assert_eq!(
        (c.bucket.as_str(), c.region.as_str()),
        ("acme-dev-euw1-logs", "eu-west-1")
    );
    let steps = c
        .lines()
        .into_iter()
        .map(|line| pail::bucket::Done {
            line,
            result: Ok(()),
        })
        .collect();
    let reply = card::Reply::Created {
        bucket: c.bucket.clone(),
        steps,
    };
    let fx = update(&mut app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
    assert!(status(&app).starts_with("Created s3://acme-dev-euw1-logs: 5 steps done"));
    assert!(
        spawned(&fx)
            .iter()
            .any(|(_, j)| *j == Job::Buckets(buckets::Request::List)),
        "the bucket list is read again"
    );
    assert_eq!(app.buckets.want.as_deref(), Some("acme-dev-euw1-logs"));
}

#[test]
fn x_on_a_bucket_deletes_only_an_empty_one_by_its_typed_name() {
    let (mut app, _) = listed(&["alpha"]);
    let contents = |app: &mut App, held: Option<&str>| {
        let fx = send(app, [key('X')]);
        let (id, job) = spawned(&fx).remove(0);
        assert_eq!(
            job,
            Job::Card(card::Request::Contents {
                bucket: "alpha".into()
            })
        );
        let reply = card::Reply::Contents {
            bucket: "alpha".into(),
            held: Ok(held.map(str::to_owned)),
        };
        update(app, Msg::Task(id, TaskEvent::Card(Box::new(reply))));
    };
    contents(&mut app, Some("objects (the first: a.txt)"));
    assert!(question(&app).is_none());
    assert!(status(&app).contains("is not empty"), "{}", status(&app));

    contents(&mut app, None);
    assert_eq!(question(&app).unwrap().typed_needed(), Some("alpha"));
    later(&mut app, 1_000);
    // y, q and a wrong name are text here, never yes.
    let fx = typed(&mut app, "yq");
    let fx = [fx, send(&mut app, [code(crossterm::event::KeyCode::Enter)])].concat();
    assert!(spawned(&fx).is_empty());
    send(&mut app, [code(crossterm::event::KeyCode::Esc)]);
    assert!(question(&app).is_none());
    assert_eq!(status(&app), "Nothing changed");

    contents(&mut app, None);
    later(&mut app, 1_000);
    typed(&mut app, "alpha");
    let fx = send(&mut app, [code(crossterm::event::KeyCode::Enter)]);
    assert_eq!(
        spawned(&fx).remove(0).1,
        Job::Card(card::Request::Delete {
            bucket: "alpha".into()
        })
    );
}

/// Every step of the checklist can be changed from the `N` prompt with
/// `pail mb`'s flags as words after the name; a mistyped one keeps the
/// prompt (it is never taken for a region).
#[test]
fn n_takes_options_for_each_step() {
    let (mut app, _) = listed(&["alpha"]);
    send(&mut app, [key('N')]);
    typed(&mut app, "acme-dev-logs no-versoning");
    send(&mut app, [code(crossterm::event::KeyCode::Enter)]);
    let Some(pail::app::Modal::Prompt(p)) = app.modals.last() else {
        panic!("the prompt stays for a mistyped option")
    };
    assert!(
        p.note.as_deref().unwrap().contains("not an option"),
        "{:?}",
        p.note
    );
    send(
        &mut app,
        (0.."no-versoning".len()).map(|_| code(crossterm::event::KeyCode::Backspace)),
    );
    typed(
        &mut app,
        "no-versioning kms-key=alias/logs lifecycle=abort-7 tag=team=web",
    );
    send(&mut app, [code(crossterm::event::KeyCode::Enter)]);
    let q = question(&app).expect("the checklist question");
    let lines: Vec<&str> = q.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(!lines.iter().any(|l| l.contains("Versioning")), "{lines:?}");
    assert!(
        lines.contains(&"4. Default encryption: SSE-KMS key alias/logs, bucket key on"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Lifecycle") && l.contains("7 days")),
        "{lines:?}"
    );
    assert!(lines.contains(&"6. Tags: team=web"), "{lines:?}");
    later(&mut app, 1_000);
    let fx = send(&mut app, [key('y')]);
    let (_, job) = spawned(&fx).remove(0);
    let Job::Card(card::Request::Create(c)) = job else {
        panic!("{job:?}")
    };
    assert!(!c.versioning);
    assert_eq!(c.tags, [("team".to_owned(), "web".to_owned())]);
}
