//! Start-up, as a user meets it: the release binary run with mistakes in
//! what was typed or configured must say what is wrong and exit 2 before
//! the terminal is touched; the endpoint from `~/.aws/config` must be the
//! one pail really talks to; the demo cleans up after Ctrl-c. Each test
//! builds its own HOME with its own AWS files, so nothing from the
//! developer's machine leaks in.

use crate::common::pty::{Pty, SCRUB};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs pail without a terminal (stdin from /dev/null, stdout a pipe).
fn run(args: &[&str], env: &[(&str, &str)], home: &Path) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pail"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .current_dir(home);
    for k in SCRUB {
        cmd.env_remove(k);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".state"))
        .env("TMPDIR", home.join("tmp"))
        .env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn pail");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("pail {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A HOME with `~/.aws/config` holding `aws_config` (and a tmp dir).
fn home(aws_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    std::fs::write(dir.path().join(".aws/config"), aws_config).unwrap();
    dir
}

/// Exit 2, the message on stderr, and not one escape sequence on stdout
/// (no alternate screen, no raw mode set-up).
fn assert_refused(r: &Run, message: &str) {
    assert_eq!(r.code, Some(2), "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains(message),
        "expected {message:?} in stderr:\n{}",
        r.stderr
    );
    assert!(!r.stdout.contains('\x1b'), "stdout: {:?}", r.stdout);
    assert!(!r.stderr.contains("\x1b[?1049h"), "stderr: {:?}", r.stderr);
}

fn demo_dirs(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("pail-demo-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_endpoint_without_a_scheme_is_refused_from_any_source() {
    let h = home(
        "[profile dev]\nservices = local\n\n[services local]\ns3 =\n  endpoint_url = 10.0.0.5:9000\n",
    );
    let r = run(&["--endpoint-url", "127.0.0.1:9000"], &[], h.path());
    assert_refused(&r, "did you mean http://127.0.0.1:9000");
    assert_refused(&r, "--endpoint-url");

    let r = run(
        &[],
        &[("AWS_ENDPOINT_URL_S3", "minio.internal:9000")],
        h.path(),
    );
    assert_refused(&r, "(from AWS_ENDPOINT_URL_S3)");
    assert_refused(&r, "https://minio.internal:9000");

    let r = run(&["--profile", "dev"], &[], h.path());
    assert_refused(&r, "profile dev: [services local] s3 endpoint_url");
    assert_refused(&r, "http://10.0.0.5:9000");

    let cfg = h.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[s3]\nendpoint_url = \"localhost:9000\"\n",
    )
    .unwrap();
    let r = run(&[], &[], h.path());
    assert_refused(&r, "[s3] endpoint_url in the config file");
    assert_refused(&r, "http://localhost:9000");
}

#[test]
fn a_region_that_is_not_a_region_name_is_refused() {
    let h = home("");
    for (region, hint) in [
        ("eu west 1", "did you mean eu-west-1"),
        ("EU-WEST-1", "did you mean eu-west-1"),
        ("", "is not a region name"),
    ] {
        let r = run(&["--region", region], &[], h.path());
        assert_refused(&r, hint);
    }
    let r = run(&[], &[("AWS_REGION", "us_east_1")], h.path());
    assert_refused(&r, "(from AWS_REGION)");
    // R2's "auto" is a region: this run gets past the checks and stops only
    // for want of a terminal.
    let r = run(
        &[
            "--region",
            "auto",
            "--endpoint-url",
            "https://acc.r2.cloudflarestorage.com",
        ],
        &[],
        h.path(),
    );
    assert_refused(&r, "terminal");
    assert!(!r.stderr.contains("region"), "{}", r.stderr);
}

#[test]
fn an_unknown_profile_names_the_files_searched() {
    let h = home("[profile dev]\nregion = eu-west-1\n");
    let config = h.path().join(".aws/config").display().to_string();
    let credentials = h.path().join(".aws/credentials").display().to_string();
    let r = run(&["--profile", "prod"], &[], h.path());
    assert_refused(&r, "The config profile (prod) could not be found");
    assert_refused(&r, &config);
    assert_refused(&r, &credentials);
    assert_refused(&r, "profiles defined: dev");
    let r = run(&[], &[("AWS_PROFILE", "prod")], h.path());
    assert_refused(&r, "The config profile (prod) could not be found");
    // A profile from the credentials file alone is a profile.
    std::fs::write(
        h.path().join(".aws/credentials"),
        "[prod]\naws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = x\n",
    )
    .unwrap();
    let r = run(
        &["--profile", "prod", "--region", "eu-west-1"],
        &[],
        h.path(),
    );
    assert_refused(&r, "terminal");
}

#[test]
fn demo_refuses_flags_it_cannot_honour() {
    let h = home("");
    for args in [
        &["--demo", "--profile", "x"][..],
        &["--demo", "--endpoint-url", "http://127.0.0.1:9000"],
        &["--demo", "--region", "eu-west-1"],
        &["--demo", "--no-sign-request"],
        &["--demo", "--path-style", "never"],
    ] {
        let r = run(args, &[], h.path());
        assert_refused(&r, "cannot be used with");
    }
    assert!(demo_dirs(&h.path().join("tmp")).is_empty());
}

#[test]
fn without_a_terminal_pail_stops_before_doing_anything() {
    let h = home("");
    let r = run(&["--demo"], &[], h.path());
    assert_refused(&r, "not running in a terminal");
    assert!(!r.stderr.contains("seeding"), "{}", r.stderr);
    assert!(demo_dirs(&h.path().join("tmp")).is_empty());
    let r = run(&["--endpoint-url", "http://127.0.0.1:9"], &[], h.path());
    assert_refused(&r, "not running in a terminal");
}

#[test]
fn keymap_toml_is_read_with_config_and_replaced_by_keymap() {
    let h = home("");
    let cfg = h.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("keymap.toml"), "[keys]\nfly = [\"f\"]\n").unwrap();
    let other = h.path().join("other.toml");
    std::fs::write(&other, "[ui]\nmouse = false\n").unwrap();
    let other = other.display().to_string();
    // --config names the settings file; the config dir's keymap still counts.
    let r = run(&["--config", &other], &[], h.path());
    assert_refused(&r, "keymap.toml");
    assert_refused(&r, "fly");
    // --keymap replaces it.
    let good = h.path().join("keys.toml");
    std::fs::write(&good, "[keys]\nmove_down = [\"W\"]\n").unwrap();
    let r = run(
        &[
            "--config",
            &other,
            "--keymap",
            &good.display().to_string(),
            "--region",
            "us-east-1",
        ],
        &[],
        h.path(),
    );
    assert_refused(&r, "not running in a terminal");
}

#[test]
fn a_keymap_that_makes_q_or_esc_yes_in_questions_is_refused() {
    let h = home("");
    let cfg = h.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    for key in ["q", "Esc"] {
        std::fs::write(
            cfg.join("keymap.toml"),
            format!("[context.question]\nyes = [\"y\", \"{key}\"]\n"),
        )
        .unwrap();
        let r = run(&["--region", "us-east-1"], &[], h.path());
        assert_refused(&r, "keymap.toml");
        assert_refused(&r, &format!("yes = \"{key}\""));
    }
}

#[cfg(unix)]
#[test]
fn log_file_path_expands_home_and_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let h = home("");
    let cfg = h.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[log]\nfile = \"~/logs/pail.log\"\n",
    )
    .unwrap();
    let r = run(&["--region", "us-east-1"], &[], h.path());
    assert_refused(&r, "not running in a terminal");
    let log = h.path().join("logs/pail.log");
    let mode = std::fs::metadata(&log)
        .expect("log under HOME")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!h.path().join("~").exists());
}

/// Keeps pail in its demo set-up after seeding (which takes a fraction of
/// a second) until it is signalled; the `test-hooks` build only
/// (scripts/test.sh), as are the tests that use it.
#[cfg(feature = "test-hooks")]
const HOLD: (&str, &str) = ("PAIL_TEST_HOLD_DEMO_SETUP", "1");

#[cfg(feature = "test-hooks")]
#[test]
fn ctrl_c_while_the_demo_seeds_removes_its_temp_dir() {
    let h = home("");
    let tmp = h.path().join("tmp");
    let tmp_s = tmp.display().to_string();
    let mut pail = Pty::spawn(&["--demo"], &[("TMPDIR", &tmp_s), HOLD], h.path());
    pail.wait_for_output("seeding");
    assert_eq!(
        demo_dirs(&tmp).len(),
        1,
        "the demo dir exists while seeding"
    );
    pail.signal("INT");
    let status = pail.wait_exit(Duration::from_secs(30));
    assert_eq!(status.exit_code(), 130, "{}", pail.raw_text());
    assert!(!pail.raw_text().contains("\x1b[?1049h"));
    assert_eq!(demo_dirs(&tmp), Vec::<String>::new());
}

#[cfg(feature = "test-hooks")]
#[test]
fn sigterm_while_the_demo_seeds_removes_its_temp_dir() {
    let h = home("");
    let tmp = h.path().join("tmp");
    let tmp_s = tmp.display().to_string();
    let mut pail = Pty::spawn(&["--demo"], &[("TMPDIR", &tmp_s), HOLD], h.path());
    pail.wait_for_output("seeding");
    pail.signal("TERM");
    let status = pail.wait_exit(Duration::from_secs(30));
    assert_eq!(status.exit_code(), 143, "{}", pail.raw_text());
    assert_eq!(demo_dirs(&tmp), Vec::<String>::new());
}

/// A profile whose `services` section points S3 at moto: pail lists moto's
/// buckets and its header names moto's URL, as `aws s3 ls --profile dev`
/// would.
#[test]
fn a_profile_services_section_is_the_endpoint_pail_talks_to() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let bucket = crate::common::bucket("via-services");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = crate::common::moto_sdk(&ep);
        crate::common::create_bucket(&c, &bucket).await;
    });
    let h = home(&format!(
        "[profile dev]\nregion = us-east-1\nservices = local\naws_access_key_id = testing\naws_secret_access_key = testing\n\n[services local]\ns3 =\n  endpoint_url = {ep}\n"
    ));
    let config = h.path().join(".aws/config").display().to_string();
    let creds = h.path().join(".aws/credentials").display().to_string();
    // A global AWS_ENDPOINT_URL to nowhere would win over the profile;
    // ignoring configured endpoints would drop both: neither is set here.
    let mut pail = Pty::spawn(
        &["--profile", "dev"],
        &[
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", &creds),
        ],
        h.path(),
    );
    pail.wait_for(&format!("endpoint {ep}"));
    see_bucket(&mut pail, &bucket);
    pail.signal("TERM");
    assert_eq!(pail.wait_exit(Duration::from_secs(30)).exit_code(), 143);
}

/// Waits until the bucket list has `bucket`: filtered to it, since a
/// shared server may hold more buckets than the screen has rows.
fn see_bucket(pail: &mut Pty, bucket: &str) {
    pail.wait_for("Buckets — ");
    pail.keys("/");
    std::thread::sleep(Duration::from_millis(150));
    pail.keys(bucket);
    pail.wait_for("Buckets — 1 of");
    pail.keys("\r");
    pail.wait_for(bucket);
}

/// AWS_ENDPOINT_URL_S3 beats the profile's services section (which points
/// at a closed port here), exactly as the SDK orders them.
#[test]
fn the_service_environment_variable_beats_the_profile() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let bucket = crate::common::bucket("via-env");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        crate::common::create_bucket(&crate::common::moto_sdk(&ep), &bucket).await;
    });
    let h = home(
        "[profile dev]\nregion = us-east-1\nservices = local\naws_access_key_id = testing\naws_secret_access_key = testing\n\n[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9\n",
    );
    let config = h.path().join(".aws/config").display().to_string();
    let mut pail = Pty::spawn(
        &["--profile", "dev"],
        &[("AWS_CONFIG_FILE", &config), ("AWS_ENDPOINT_URL_S3", &ep)],
        h.path(),
    );
    pail.wait_for(&format!("endpoint {ep}"));
    see_bucket(&mut pail, &bucket);
    pail.signal("TERM");
    assert_eq!(pail.wait_exit(Duration::from_secs(30)).exit_code(), 143);
}
