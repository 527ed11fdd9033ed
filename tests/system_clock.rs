//! A wrong system clock stops the batch: the real binary is given a fake
//! system time by libfaketime (`faketime`, Debian's package of that name),
//! which changes what the process reads from the kernel's clock and
//! nothing else — no option or variable of baosong's own can be set by
//! accident. 2099 and 2001 stop it with exit 3, naming both times and the
//! key that lets it go on; so does a clock that went back past the last
//! batch; `--now`, `clock` and the `[system_clock]` margins let it run.

mod campaign;

use std::path::Path;
use std::process::{Command, Output};

use campaign::*;

/// The test campaign without the test suite's wide `[system_clock]`.
fn plain_toml() -> String {
    TOML.replace("[system_clock]\nmargin_days = 36500\n", "")
}

/// `baosong -C dir args…` with the system clock set to `at` (local time of
/// the test machine's zone, UTC here), running on from there. `None` when
/// faketime is not installed (a failure under CI).
fn at_time(dir: &Path, at: &str, args: &[&str]) -> Option<Output> {
    let found = Command::new("faketime").arg("--version").output().is_ok();
    if !found {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "faketime missing (apt-get install faketime)"
        );
        println!("skipped: faketime not installed");
        return None;
    }
    Some(
        Command::new("faketime")
            .arg("-f")
            .arg(format!("@{at}"))
            .arg(env!("CARGO_BIN_EXE_baosong"))
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("TZ", "UTC")
            // Timeouts and durations keep the real monotonic clock.
            .env("DONT_FAKE_MONOTONIC", "1")
            .env_remove("RUST_LOG")
            .output()
            .unwrap(),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_system_clock_far_from_the_campaign_stops_the_batch() {
    let dir = campaign(&plain_toml(), &SCHEDULE);
    let d = dir.path();
    put(d, "县卫健局/活动总结.docx", &summary("县卫健局活动总结"));
    let run = ["run", "--settle", "0", "--quiet"];

    // 2099: 县卫健局's deadline (end of 8 May 2025) is 74 years back.
    let Some(out) = at_time(d, "2099-01-01 00:00:00", &run) else {
        return;
    };
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    for said in [
        "2099年1月1日 08:00",
        "2025年5月8日 24:00",
        "margin_days",
        "--now",
    ] {
        assert!(err.contains(said), "{said} not in: {err}");
    }
    // The folders of [paths] are made before the clock is read; nothing is
    // written in them.
    let written = std::fs::read_dir(d.join("out"))
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(written, 0, "nothing judged, nothing written");

    // 2001: years before the first activity (25 April 2025).
    let out = at_time(d, "2001-01-01 00:00:00", &run).unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    for said in ["2001年1月1日 08:00", "2025年4月25日", "lead_days"] {
        assert!(err.contains(said), "{said} not in: {err}");
    }

    // The office says when to judge: --now, or a wider margin.
    let out = at_time(
        d,
        "2099-01-01 00:00:00",
        &[&run[..], &["--now", "2025-05-07T20:00"]].concat(),
    )
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let toml = format!("{}\n[system_clock]\nmargin_days = 40000\n", plain_toml());
    std::fs::write(d.join("campaign.toml"), toml).unwrap();
    let out = at_time(d, "2099-01-01 00:00:00", &run).unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_clock_that_went_back_past_the_last_batch_stops_the_batch() {
    let dir = campaign(&plain_toml(), &SCHEDULE);
    let d = dir.path();
    put(d, "县卫健局/活动总结.docx", &summary("县卫健局活动总结"));
    let run = ["run", "--settle", "0", "--quiet"];
    let Some(out) = at_time(d, "2025-05-07 12:00:00", &run) else {
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    // The next night the clock reads a day earlier.
    let out = at_time(d, "2025-05-06 12:00:00", &run).unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    for said in ["2025年5月6日 20:00", "2025年5月7日 20:00", "--now", "clock"] {
        assert!(err.contains(said), "{said} not in: {err}");
    }
    // A batch at a given moment (a back-fill) is not a clock gone wrong.
    let out = at_time(
        d,
        "2025-05-06 12:00:00",
        &[&run[..], &["--now", "2025-05-06T20:00"]].concat(),
    )
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The clock put right: on it goes.
    let out = at_time(d, "2025-05-08 12:00:00", &run).unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
